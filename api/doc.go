// Package api defines the parts an evloop event loop is assembled from, and
// the contracts between them.
//
// An event loop waits for two kinds of things: file descriptors becoming
// ready, and deadlines passing. evloop keeps the two apart behind two small
// interfaces so that each can be swapped, checked and measured on its own:
//
//   - A [Selector] is a readiness backend (poll, epoll, kqueue, select). It
//     translates Register, Modify, Unregister and Select into system calls
//     and nothing more: no queues, no callbacks, no policy.
//   - A [TimerQueue] orders deadlines (a heap, a timing wheel, a B-tree). It
//     hands over due timers in (deadline, insertion) order and tells the loop
//     how long it may sleep.
//
// The loop composes them in the manner of asyncio's _run_once: compute the
// wait from the ready callbacks and [TimerQueue.NextDeadline], call
// [Selector.Select] with that wait, move due timers and ready descriptors to
// the ready queue, run what was ready when the iteration began.
//
// Both interfaces are built for a loop that allocates nothing in steady
// state. Select appends to a buffer the caller owns; a [Timer] is a node the
// caller owns, carrying the queue's bookkeeping inline, so queue operations
// allocate nothing either.
//
// Neither interface is safe for concurrent use: an instance belongs to one
// goroutine, the loop's. The loop provides the one thread-safe entry point.
//
// Every implementation in this module passes the shared suites in package
// conformance; a third-party implementation calls the same suites from its
// own tests.
//
// # Errors
//
// Misuse is reported with errors that errors.Is can match against the
// sentinels of this package ([ErrClosed], [ErrRegistered],
// [ErrNotRegistered], [ErrInterest]) and, through them, against the
// standard ones (fs.ErrExist, fs.ErrNotExist, fs.ErrInvalid). Errors from
// the kernel keep their unix.Errno in the chain, so errors.Is(err,
// unix.EBADF) works.
//
// # Portability
//
// The interfaces are portable; their implementations are not. poll and
// select exist on every Unix, epoll on Linux, kqueue on macOS and the BSDs.
// What a mechanism cannot express (edge-triggered or one-shot registration,
// sub-millisecond waits) is either declared as an optional mode ([Modes]) or
// emulated conservatively: a wait is rounded up, never down, so a timer
// never fires early. Windows is not supported.
package api
