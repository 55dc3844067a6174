// Package conformance holds the suites every evloop part must pass, for
// this module's implementations and for anyone else's.
//
// [TestSelector] pins down the [api.Selector] contract: registration and
// its errors, level-triggered readiness on socket pairs and pipes, peer
// close, timeouts that never end early (with sub-millisecond waits and
// hundreds of signals aimed at the waiting thread), more than a thousand
// descriptors, descriptors closed while registered, behaviour after Close,
// descriptor leaks, and allocation-free Select. [TestTimerQueue] pins down
// the [api.TimerQueue] contract: (deadline, insertion) order, never early,
// never lost, Remove, NextDeadline and the far ends of int64, and compares
// the queue with [ReferenceQueue] over 100 000 random operations (the seed
// is logged, so a failure can be replayed). [FuzzTimerQueue] is the same
// comparison driven by go test -fuzz. [TestLoop] pins down the loop's
// contract on any backend and queue, its edges included: impossible
// descriptors, the extremes of int64 as deadlines, Close racing posts,
// one FIFO for posts and CallSoon, RunUntil and Stop, signals that cannot
// be caught, descriptor numbers reused without a remove, a replaced
// reader due in the same iteration, an idle loop that must block, a
// narrowed registration that must not spin, Stop before Run, and the
// memory a burst of timers leaves. [FuzzSelectors] is differential: it
// drives several selectors with the same operations and compares them.
//
// The suites are shaped like testing/fstest.TestFS and
// golang.org/x/net/nettest.TestConn: one call with a factory, a named
// subtest per case, a fresh instance per case, and messages that say what
// was called, what came back and what was wanted:
//
//	func TestConformance(t *testing.T) {
//		conformance.TestSelector(t, mybackend.New)
//	}
//
// Each case runs on a goroutine of its own under a watchdog, so a wait
// that never returns fails its case instead of hanging the test binary;
// a loop case that hangs is then ended by a post to its loops, so that a
// spinning loop does not burn a CPU for the rest of the run.
//
// The suites are tested themselves: this package's tests run them against
// deliberately broken implementations (a queue that fires a nanosecond
// early, one that breaks ties, one that forgets a Remove, one whose
// NextDeadline is late, one that loses timers on a jump; a selector that
// drops events, one that returns early from a timeout, one that surfaces
// EINTR, one that forgets an Unregister; loops whose selector never
// narrows a registration, never blocks, or waits for ever on a zero
// timeout, and whose queue never hands over a due timer) and require each
// to fail in the case named.
package conformance
