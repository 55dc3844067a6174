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
// Posts and CallSoon share one order, as in asyncio: a post that happened
// before a CallSoon runs before it.
//
// # Descriptors
//
// A descriptor has at most one reader and one writer; AddReader replaces
// the reader, and a replaced or removed callback that was due in the
// current iteration does not run. AddReader and AddWriter check a number
// before they size anything by it: negative, closed or impossible numbers
// fail with an error matching unix.EBADF, and regular files and
// directories, which have no readiness to wait for, with one matching
// api.ErrNotPollable, on every backend alike.
//
// Remove before close. The kernel reuses descriptor numbers, and a
// readiness mechanism cannot always tell an old registration from a new
// file. If a descriptor is closed while it has a callback, the callback
// stays in the loop's table until RemoveReader/RemoveWriter, and what
// happens meanwhile depends on the backend:
//
//   - epoll and kqueue drop the registration with the last descriptor of
//     the file, silently: the callback never runs again. If a duplicate
//     keeps the file open, epoll keeps reporting it under the old number;
//     the loop's generations drop those reports, but a level-triggered one
//     still wakes every wait until the duplicate is closed.
//   - poll and select watch the number: they report it once as an error
//     (so the callback runs once and its read or write fails with EBADF)
//     and then ignore it; if the number is reused before that, the callback
//     runs for the new file.
//
// In every case, AddReader or AddWriter for a reused number reaches the
// kernel again and works for the new file on every backend: the loop
// re-registers what the kernel has forgotten.
//
// # Close
//
// Close releases the selector, the wake-up descriptor and the signal
// goroutines. Every callback whose CallSoonThreadsafe returned nil runs,
// at the latest inside Close, so a goroutine that waits for its posted
// callback is never left waiting; posts after Close has begun fail with
// api.ErrClosed, and no wake-up is ever written to a descriptor the loop
// has released. Callbacks scheduled on the loop's goroutine (CallSoon,
// timers, readers, writers) are dropped, as asyncio drops them. OnClose
// hooks run after the posts, before anything is released.
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
// the loop goes on. Failures nobody would otherwise see reach the same
// handler through CallExceptionHandler: a task that failed and that
// nobody awaited (package task), a server out of descriptors (package
// stream). Everything after Close fails with api.ErrClosed.
//
// # Time
//
// Deadlines are int64 nanoseconds on the loop's clock, and every one is
// valid: a deadline in the past runs in the next iteration, and
// math.MaxInt64 never comes; the arithmetic of waits saturates instead of
// overflowing. Metrics counts iterations, events and callbacks, so that
// a test (or a dashboard) can tell a loop that blocks when idle from one
// that spins.
//
// The clock is an option. A VirtualClock jumps to the next deadline
// whenever the loop would sleep, so timer tests run instantly and the same
// way every time.
//
// # Several cores
//
// A loop is one thread of control. A Group runs a loop per core, each on
// a goroutine locked to its own thread, where Start's setup runs and where
// the loop is closed; the loops share nothing, and CallSoonThreadsafe
// reaches any of them (package stream's ListenGroup gives each a listener
// on one address).
package loop
