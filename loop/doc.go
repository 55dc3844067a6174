// Package loop is evloop's event loop: asyncio's kernel in Go.
//
// A Loop runs callbacks on one goroutine. They come from three places:
// CallSoon (run in the next iteration, first in first out), CallLater and
// CallAt (run when the loop's clock reaches their deadline, never before),
// and AddReader/AddWriter (run in every iteration while a descriptor is
// readable or writable). Each iteration is asyncio's _run_once:
//
//  1. compute the wait: zero if callbacks are ready, until the next
//     deadline (plus the timer slack) if there is one, else without limit;
//  2. wait in the selector (skipped when the wait is zero and no
//     descriptor is watched, so a chain of callbacks costs no system
//     call);
//  3. turn ready descriptors and due timers into ready callbacks;
//  4. run the callbacks that are ready now; those they schedule run in the
//     next iteration, so no callback can starve I/O or timers.
//
// The readiness backend and the timer queue are parts (api.Selector,
// api.TimerQueue) chosen by Options, by EVLOOP_BACKEND and EVLOOP_TIMERS,
// or by the platform's defaults (package backends and package timers).
//
// # Goroutines
//
// Everything but CallSoonThreadsafe belongs to the goroutine running the
// loop. Other goroutines post callbacks with CallSoonThreadsafe, which
// wakes a sleeping loop through an eventfd (a pipe off Linux) with at most
// one wake-up pending. Signals (AddSignalHandler) arrive the same way.
//
// # Handles
//
// Scheduling returns a Handle, a small value rather than a heap object, so
// CallSoon and CallLater allocate nothing beyond the caller's closure.
// Handle.Cancel works until the callback starts, even when it is already
// due in the current iteration; a handle outliving its callback is stale
// and cancels nothing.
//
// # Failure
//
// A panicking callback is recovered and handed to the exception handler
// (by default a log/slog error with the callback's origin and stack), and
// the loop goes on. Close releases the selector, the wake-up descriptor
// and the signal goroutine; everything after it fails with api.ErrClosed.
//
// # Time
//
// The clock is an option. A VirtualClock jumps to the next deadline
// whenever the loop would sleep, so timer tests run instantly and the same
// way every time.
package loop
