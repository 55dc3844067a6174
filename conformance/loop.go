//go:build unix

package conformance

import (
	"context"
	"errors"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// NewLoop makes a loop for one case of [TestLoop] from opts, which the
// case may have filled in (a virtual clock, say): the factory adds the
// parts under test, typically opts.Selector and opts.Timers, and calls
// loop.New.
type NewLoop func(opts *loop.Options) (*loop.Loop, error)

// TestLoop checks the loop contract of docs/DESIGN.md on loops newLoop makes:
// FIFO callbacks and asyncio's ntodo rule, timers never early and FIFO at
// equal deadlines, cancellation before and during the iteration that
// would run a callback, stale handles, reader and writer callbacks with
// replace and remove, Stop, recovered panics, thread-safe posts, signals,
// virtual time, Close releasing every descriptor and goroutine, and the
// edges (see the package documentation). Each case gets a loop of its
// own, under a watchdog.
func TestLoop(t *testing.T, newLoop NewLoop) {
	t.Helper()
	runCases(t, loopCases, givenLoop(newLoop))
}

// givenLoop hands each case the factory: loop cases make their loops.
func givenLoop(newLoop NewLoop) func(*recorder) NewLoop {
	return func(*recorder) NewLoop { return newLoop }
}

var loopCases = []testCase[NewLoop]{
	{name: "CallSoonFIFO", fn: loopCallSoonFIFO},
	{name: "NtodoRule", fn: loopNtodoRule},
	{name: "NoStarvation", fn: loopNoStarvation},
	{name: "TimersNeverEarly", fn: loopTimersNeverEarly},
	{name: "EqualDeadlinesFIFO", fn: loopEqualDeadlinesFIFO},
	{name: "Cancel", fn: loopCancel},
	{name: "CancelDuringIteration", fn: loopCancelDuringIteration},
	{name: "StaleHandle", fn: loopStaleHandle},
	{name: "Reader", fn: loopReader},
	{name: "Writer", fn: loopWriter},
	{name: "ReplaceAndRemove", fn: loopReplaceAndRemove},
	{name: "RemoveWithinBatch", fn: loopRemoveWithinBatch},
	{name: "BadDescriptor", fn: loopBadDescriptor},
	{name: "StopInCallback", fn: loopStopInCallback},
	{name: "PanicRecovered", fn: loopPanicRecovered},
	{name: "ThreadsafePosts", fn: loopThreadsafePosts},
	{name: "ThreadsafeWakesSleepingLoop", fn: loopThreadsafeWakesSleepingLoop},
	{name: "RunUntil", fn: loopRunUntil},
	{name: "RunningErrors", fn: loopRunningErrors},
	{name: "Signal", fn: loopSignal},
	{name: "VirtualTime", fn: loopVirtualTime},
	{name: "AfterClose", fn: loopAfterClose},
	{name: "CloseReleases", fn: loopCloseReleases},
	{name: "DescriptorBounds", fn: loopDescriptorBounds},
	{name: "ExtremeDeadlines", fn: loopExtremeDeadlines},
	{name: "ClosePosts", fn: loopClosePosts},
	{name: "PostOrder", fn: loopPostOrder},
	{name: "RunUntilStop", fn: loopRunUntilStop},
	{name: "SignalErrors", fn: loopSignalErrors},
	{name: "ReuseWithoutRemove", fn: loopReuseWithoutRemove},
	{name: "ReplaceWithinBatch", fn: loopReplaceWithinBatch},
	{name: "IdleLoopBlocks", fn: loopIdleLoopBlocks},
	{name: "RemoveShrinks", fn: loopRemoveShrinks},
	{name: "StopBeforeRun", fn: loopStopBeforeRun},
	{name: "BurstMemory", fn: loopBurstMemory},
}

// open makes the case's loop, closed when the case ends.
func open(t *recorder, newLoop NewLoop, opts *loop.Options) *loop.Loop {
	t.Helper()
	if opts == nil {
		opts = new(loop.Options)
	}
	l, err := newLoop(opts)
	if err != nil {
		t.Fatalf("new loop: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	// If the case hangs, a post ends its goroutine wherever the loop is
	// stuck (spinning or waiting), so it does not burn a CPU for the
	// rest of the test binary.
	t.onHang(func() { l.CallSoonThreadsafe(runtime.Goexit) })
	return l
}

func soon(t *recorder, l *loop.Loop, fn func()) loop.Handle {
	t.Helper()
	h, err := l.CallSoon(fn)
	if err != nil {
		t.Fatalf("CallSoon = %v", err)
	}
	return h
}

func later(t *recorder, l *loop.Loop, d time.Duration, fn func()) loop.Handle {
	t.Helper()
	h, err := l.CallLater(d, fn)
	if err != nil {
		t.Fatalf("CallLater(%v) = %v", d, err)
	}
	return h
}

func runOnce(t *recorder, l *loop.Loop) {
	t.Helper()
	if err := l.RunOnce(); err != nil {
		t.Fatalf("RunOnce() = %v", err)
	}
}

func runLoop(t *recorder, l *loop.Loop) {
	t.Helper()
	if err := l.Run(); err != nil {
		t.Fatalf("Run() = %v", err)
	}
}

// --- callbacks ---

func loopCallSoonFIFO(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var got []int
	for i := range 300 {
		soon(t, l, func() { got = append(got, i) })
	}
	runOnce(t, l)
	want := make([]int, 300)
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(got, want) {
		t.Errorf("one RunOnce ran %s; want %s (all 300, in order)", window(got, want), window(want, got))
	}
}

func loopNtodoRule(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var got []string
	soon(t, l, func() {
		got = append(got, "a")
		soon(t, l, func() { got = append(got, "c") })
	})
	soon(t, l, func() { got = append(got, "b") })
	runOnce(t, l)
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("first iteration ran %v; want [a b]: a callback scheduled during an iteration runs in the next", got)
	}
	runOnce(t, l)
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("second iteration: ran %v in all; want [a b c]", got)
	}
}

// loopNoStarvation runs a callback that reschedules itself forever: a due
// timer and a readable descriptor must still be served.
func loopNoStarvation(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var spin func()
	spins := 0
	spin = func() { spins++; soon(t, l, spin) }
	soon(t, l, spin)
	timerRan, readerRan := false, false
	later(t, l, time.Millisecond, func() { timerRan = true })
	a, b := socketPair(t)
	write(t, b, "x")
	if err := l.AddReader(a, func() { readerRan = true; drain(t, a); l.RemoveReader(a) }); err != nil {
		t.Fatalf("AddReader = %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !(timerRan && readerRan) && time.Now().Before(deadline) {
		runOnce(t, l)
	}
	if !timerRan || !readerRan {
		t.Errorf("after %d iterations of a self-rescheduling callback: timer ran %v, reader ran %v; want both", spins, timerRan, readerRan)
	}
}

// --- timers ---

func loopTimersNeverEarly(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	delays := []time.Duration{0, 100 * time.Microsecond, 1500 * time.Microsecond, 3 * time.Millisecond, 20 * time.Millisecond}
	left := 2 * len(delays)
	for _, d := range delays {
		start := l.Now()
		later(t, l, d, func() {
			if ran := l.Now(); ran-start < int64(d) {
				t.Errorf("CallLater(%v) ran after %v; want no sooner than %v", d, time.Duration(ran-start), d)
			}
			if left--; left == 0 {
				l.Stop()
			}
		})
		when := l.Now() + int64(d)
		if _, err := l.CallAt(when, func() {
			if ran := l.Now(); ran < when {
				t.Errorf("CallAt(%d) ran at %d: %v early", when, ran, time.Duration(when-ran))
			}
			if left--; left == 0 {
				l.Stop()
			}
		}); err != nil {
			t.Fatalf("CallAt = %v", err)
		}
	}
	runLoop(t, l)
	if left != 0 {
		t.Errorf("%d timers did not run", left)
	}
}

func loopEqualDeadlinesFIFO(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	when := l.Now() + int64(2*time.Millisecond)
	var got []int
	var hs []loop.Handle
	for i := range 200 {
		h, err := l.CallAt(when, func() {
			got = append(got, i)
			if len(got) == 150 {
				l.Stop()
			}
		})
		if err != nil {
			t.Fatalf("CallAt = %v", err)
		}
		hs = append(hs, h)
	}
	var want []int
	for i, h := range hs {
		if i%4 == 1 {
			h.Cancel()
		} else {
			want = append(want, i)
		}
	}
	runLoop(t, l)
	if !slices.Equal(got, want) {
		t.Errorf("timers due at one time ran %s; want %s (scheduling order, cancelled ones left out)", window(got, want), window(want, got))
	}
}

func loopCancel(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	ran := map[string]bool{}
	hs := soon(t, l, func() { ran["soon"] = true })
	ht := later(t, l, time.Millisecond, func() { ran["later"] = true })
	if !hs.Cancel() || !ht.Cancel() {
		t.Errorf("Cancel() of pending callbacks = false; want true")
	}
	if hs.Cancel() || ht.Cancel() {
		t.Errorf("second Cancel() = true; want false (idempotent)")
	}
	later(t, l, 3*time.Millisecond, l.Stop)
	runLoop(t, l)
	if len(ran) != 0 {
		t.Errorf("cancelled callbacks ran: %v", ran)
	}
	var zero loop.Handle
	if zero.Cancel() {
		t.Errorf("zero Handle's Cancel() = true; want false")
	}
	done := soon(t, l, func() {})
	runOnce(t, l)
	if done.Cancel() {
		t.Errorf("Cancel() of a callback that ran = true; want false")
	}
}

// loopCancelDuringIteration cancels callbacks that are due in the same iteration,
// from a callback that runs before them.
func loopCancelDuringIteration(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var ran []string
	var hb, htb loop.Handle
	when := l.Now() + int64(time.Millisecond)
	if _, err := l.CallAt(when, func() {
		ran = append(ran, "timer a")
		if !htb.Cancel() {
			t.Errorf("Cancel() of a timer due in this iteration = false; want true")
		}
	}); err != nil {
		t.Fatalf("CallAt = %v", err)
	}
	htb, _ = l.CallAt(when, func() { ran = append(ran, "timer b") })
	var self loop.Handle
	self = soon(t, l, func() {
		ran = append(ran, "soon a")
		if !hb.Cancel() {
			t.Errorf("Cancel() of a callback queued in this iteration = false; want true")
		}
		if self.Cancel() {
			t.Errorf("Cancel() of the running callback = true; want false")
		}
	})
	hb = soon(t, l, func() { ran = append(ran, "soon b") })
	later(t, l, 5*time.Millisecond, l.Stop)
	runLoop(t, l)
	if !slices.Equal(ran, []string{"soon a", "timer a"}) {
		t.Errorf("ran %v; want [soon a, timer a]", ran)
	}
}

// loopStaleHandle keeps the handle of a timer that ran and schedules
// many more: the old handle must cancel none of them, neither before its
// record is reused nor after.
func loopStaleHandle(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	old := later(t, l, 0, l.Stop)
	runLoop(t, l)
	if old.Cancel() {
		t.Errorf("Cancel() of a handle whose timer just ran = true; want false")
	}
	count := 0
	for range 500 {
		later(t, l, 0, func() { count++ })
	}
	if old.Cancel() {
		t.Errorf("Cancel() of a handle whose timer ran = true; want false")
	}
	later(t, l, time.Millisecond, l.Stop)
	runLoop(t, l)
	if count != 500 {
		t.Errorf("%d of 500 new timers ran after a stale Cancel; want all", count)
	}
}

// --- descriptors ---

func loopReader(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, b := socketPair(t)
	var got []byte
	if err := l.AddReader(a, func() {
		var buf [16]byte
		n, _ := unix.Read(a, buf[:])
		got = append(got, buf[:max(n, 0)]...)
		if len(got) >= 5 {
			l.Stop()
		}
	}); err != nil {
		t.Fatalf("AddReader(%d) = %v", a, err)
	}
	later(t, l, time.Millisecond, func() { write(t, b, "hel") })
	later(t, l, 2*time.Millisecond, func() { write(t, b, "lo") })
	runLoop(t, l)
	if string(got) != "hello" {
		t.Errorf("reader read %q; want %q", got, "hello")
	}
}

func loopWriter(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, _ := socketPair(t)
	calls := 0
	if err := l.AddWriter(a, func() {
		if calls++; calls == 3 {
			l.RemoveWriter(a)
			l.Stop()
		}
	}); err != nil {
		t.Fatalf("AddWriter(%d) = %v", a, err)
	}
	runLoop(t, l)
	if calls != 3 {
		t.Errorf("writer called %d times; want 3 (level-triggered, then removed)", calls)
	}
}

func loopReplaceAndRemove(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, b := socketPair(t)
	var calls []string
	l.AddReader(a, func() { calls = append(calls, "first") })
	if err := l.AddReader(a, func() { calls = append(calls, "second"); drain(t, a) }); err != nil {
		t.Fatalf("AddReader (replace) = %v", err)
	}
	l.AddWriter(a, func() { calls = append(calls, "writer") })
	write(t, b, "x")
	runOnce(t, l)
	slices.Sort(calls)
	if !slices.Equal(calls, []string{"second", "writer"}) {
		t.Errorf("iteration ran %v; want the replacing reader and the writer", calls)
	}
	if ok, err := l.RemoveWriter(a); !ok || err != nil {
		t.Errorf("RemoveWriter = %v, %v; want true, nil", ok, err)
	}
	if ok, _ := l.RemoveWriter(a); ok {
		t.Errorf("second RemoveWriter = true; want false")
	}
	calls = nil
	write(t, b, "y")
	runOnce(t, l)
	if !slices.Equal(calls, []string{"second"}) {
		t.Errorf("after RemoveWriter the iteration ran %v; want [second]: the reader stays", calls)
	}
	if ok, _ := l.RemoveReader(a); !ok {
		t.Errorf("RemoveReader = false; want true")
	}
	calls = nil
	write(t, b, "z")
	later(t, l, 2*time.Millisecond, l.Stop)
	runLoop(t, l)
	if len(calls) != 0 {
		t.Errorf("after RemoveReader, callbacks ran: %v", calls)
	}
	if ok, _ := l.RemoveReader(12345); ok {
		t.Errorf("RemoveReader(never added) = true; want false")
	}
}

// loopRemoveWithinBatch makes two descriptors ready at once; whichever
// callback runs first removes the other's, which must then not run.
func loopRemoveWithinBatch(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, b := socketPair(t)
	c, d := socketPair(t)
	ran := 0
	l.AddReader(a, func() { ran++; drain(t, a); l.RemoveReader(c) })
	l.AddReader(c, func() { ran++; drain(t, c); l.RemoveReader(a) })
	write(t, b, "x")
	write(t, d, "x")
	runOnce(t, l)
	if ran != 1 {
		t.Errorf("%d reader callbacks ran; want 1: the first removes the other before it runs", ran)
	}
}

func loopBadDescriptor(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, _ := socketPair(t)
	closeNow(t, a)
	if err := l.AddReader(a, func() {}); !errors.Is(err, unix.EBADF) {
		t.Errorf("AddReader(closed fd) = %v; want an error matching unix.EBADF", err)
	}
	if err := l.AddReader(-1, func() {}); !errors.Is(err, unix.EBADF) {
		t.Errorf("AddReader(-1) = %v; want unix.EBADF", err)
	}
	if ok, _ := l.RemoveReader(a); ok {
		t.Errorf("RemoveReader after a refused AddReader = true; want false")
	}
	if err := l.AddReader(0, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("AddReader(nil callback) = %v; want api.ErrNilCallback", err)
	}
	if _, err := l.CallSoon(nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("CallSoon(nil) = %v; want api.ErrNilCallback", err)
	}
}

// --- running ---

func loopStopInCallback(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var ran []string
	soon(t, l, func() {
		ran = append(ran, "stopper")
		l.Stop()
		soon(t, l, func() { ran = append(ran, "next run") })
	})
	soon(t, l, func() { ran = append(ran, "same iteration") })
	runLoop(t, l)
	if !slices.Equal(ran, []string{"stopper", "same iteration"}) {
		t.Errorf("first Run ran %v; want [stopper, same iteration]: Stop ends Run after the current iteration", ran)
	}
	soon(t, l, l.Stop)
	runLoop(t, l)
	if !slices.Contains(ran, "next run") {
		t.Errorf("second Run ran %v; want the callback left from the first", ran)
	}
}

func loopPanicRecovered(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var caught []*loop.Exception
	l.SetExceptionHandler(func(e *loop.Exception) { caught = append(caught, e) })
	after := false
	soon(t, l, func() { panic("boom") })
	soon(t, l, func() { after = true })
	later(t, l, time.Millisecond, func() { panic(errors.New("timer boom")) })
	later(t, l, 2*time.Millisecond, l.Stop)
	runLoop(t, l)
	if !after {
		t.Errorf("the callback after a panicking one did not run")
	}
	if len(caught) != 2 {
		t.Fatalf("exception handler got %d exceptions; want 2", len(caught))
	}
	if caught[0].Value != "boom" || caught[0].Callback == "" || len(caught[0].Stack) == 0 {
		t.Errorf("exception = %+v; want the panic value, the callback's origin and a stack", caught[0])
	}
	// A panicking handler must not take the loop down either.
	l.SetExceptionHandler(func(*loop.Exception) { panic("handler boom") })
	soon(t, l, func() { panic("again") })
	soon(t, l, l.Stop)
	runLoop(t, l)
}

func loopThreadsafePosts(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	const posters, each = 8, 1000
	var count int // touched only on the loop's goroutine
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range posters {
		wg.Go(func() {
			<-start
			for range each {
				if err := l.CallSoonThreadsafe(func() {
					if count++; count == posters*each {
						l.Stop()
					}
				}); err != nil {
					t.Errorf("CallSoonThreadsafe = %v", err)
					return
				}
			}
		})
	}
	close(start) // the loop sleeps without timers while they post
	runLoop(t, l)
	wg.Wait()
	if count != posters*each {
		t.Errorf("%d of %d posted callbacks ran", count, posters*each)
	}
}

func loopThreadsafeWakesSleepingLoop(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	posted := make(chan error, 1)
	go func() {
		time.Sleep(20 * time.Millisecond) // let the loop block with nothing to wait for
		posted <- l.CallSoonThreadsafe(l.Stop)
	}()
	start := time.Now()
	runLoop(t, l)
	if err := <-posted; err != nil {
		t.Errorf("CallSoonThreadsafe = %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("a post woke the sleeping loop after %v", took)
	}
}

func loopRunUntil(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ticks := 0
	var tick func()
	tick = func() {
		if ticks++; ticks == 3 {
			cancel()
		}
		later(t, l, time.Millisecond, tick)
	}
	soon(t, l, tick)
	if err := l.RunUntil(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("RunUntil(cancelled ctx) = %v; want context.Canceled", err)
	}
	if ticks < 3 {
		t.Errorf("RunUntil returned after %d ticks; want 3", ticks)
	}
}

func loopRunningErrors(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	soon(t, l, func() {
		if err := l.Run(); !errors.Is(err, api.ErrRunning) {
			t.Errorf("Run inside Run = %v; want api.ErrRunning", err)
		}
		if err := l.RunOnce(); !errors.Is(err, api.ErrRunning) {
			t.Errorf("RunOnce inside Run = %v; want api.ErrRunning", err)
		}
		if err := l.Close(); !errors.Is(err, api.ErrRunning) {
			t.Errorf("Close inside Run = %v; want api.ErrRunning", err)
		}
		l.Stop()
	})
	runLoop(t, l)
}

func loopSignal(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	got := 0
	if err := l.AddSignalHandler(unix.SIGUSR2, func() { got++; l.Stop() }); err != nil {
		t.Fatalf("AddSignalHandler = %v", err)
	}
	soon(t, l, func() { unix.Kill(os.Getpid(), unix.SIGUSR2) })
	runLoop(t, l)
	if got != 1 {
		t.Errorf("signal handler ran %d times; want 1", got)
	}
	if ok, err := l.RemoveSignalHandler(unix.SIGUSR2); !ok || err != nil {
		t.Errorf("RemoveSignalHandler = %v, %v; want true, nil", ok, err)
	}
	if ok, _ := l.RemoveSignalHandler(unix.SIGUSR2); ok {
		t.Errorf("second RemoveSignalHandler = true; want false")
	}
}

func loopVirtualTime(t *recorder, newLoop NewLoop) {
	clock := loop.NewVirtualClock(0)
	l := open(t, newLoop, &loop.Options{Clock: clock})
	var got []string
	later(t, l, 2*time.Hour, func() { got = append(got, "2h"); l.Stop() })
	later(t, l, time.Hour, func() {
		got = append(got, "1h")
		if now := l.Now(); now < int64(time.Hour) {
			t.Errorf("the 1h timer ran at virtual %v", time.Duration(now))
		}
	})
	start := time.Now()
	runLoop(t, l)
	if !slices.Equal(got, []string{"1h", "2h"}) {
		t.Errorf("ran %v; want [1h 2h]", got)
	}
	if real := time.Since(start); real > 5*time.Second {
		t.Errorf("two hours of virtual time took %v of real time; want the clock to jump", real)
	}
	if now := clock.Now(); now < int64(2*time.Hour) {
		t.Errorf("virtual clock reads %v after the 2h timer; want at least 2h", time.Duration(now))
	}
}

func loopAfterClose(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	h := later(t, l, time.Hour, func() {})
	if err := l.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	check := func(call string, err error) {
		t.Helper()
		if !errors.Is(err, api.ErrClosed) {
			t.Errorf("%s after Close = %v; want an error matching api.ErrClosed", call, err)
		}
	}
	_, err := l.CallSoon(func() {})
	check("CallSoon", err)
	_, err = l.CallLater(0, func() {})
	check("CallLater", err)
	_, err = l.CallAt(0, func() {})
	check("CallAt", err)
	check("CallSoonThreadsafe", l.CallSoonThreadsafe(func() {}))
	check("AddReader", l.AddReader(0, func() {}))
	check("AddWriter", l.AddWriter(0, func() {}))
	_, err = l.RemoveReader(0)
	check("RemoveReader", err)
	check("AddSignalHandler", l.AddSignalHandler(unix.SIGUSR2, func() {}))
	_, err = l.OnClose(func() {})
	check("OnClose", err)
	check("Run", l.Run())
	check("RunOnce", l.RunOnce())
	check("RunUntil", l.RunUntil(context.Background()))
	check("Close", l.Close())
	if h.Cancel() {
		t.Errorf("Cancel() after Close = true; want false")
	}
}

// loopCloseReleases opens loops with descriptors, timers and a signal
// handler, closes them, and counts descriptors and goroutines.
func loopCloseReleases(t *recorder, newLoop NewLoop) {
	haveProc := true
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		haveProc = false
	}
	fds := func() int {
		if !haveProc {
			return 0
		}
		return countFds(t)
	}
	fds()
	beforeFds, beforeG := fds(), runtime.NumGoroutine()
	for range 3 {
		l, err := newLoop(new(loop.Options))
		if err != nil {
			t.Fatalf("new loop: %v", err)
		}
		a, b := socketPair(t)
		l.AddReader(a, func() {})
		l.AddSignalHandler(unix.SIGUSR2, func() {})
		l.CallLater(time.Hour, func() {})
		l.CallSoonThreadsafe(func() {})
		l.RunOnce()
		if err := l.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		closeNow(t, a)
		closeNow(t, b)
	}
	var afterG int
	for range 100 { // a goroutine that has been told to end may take a moment
		if afterG = runtime.NumGoroutine(); afterG <= beforeG {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if afterFds := fds(); afterFds != beforeFds {
		t.Errorf("open descriptors: %d before three loops were made and closed, %d after; want equal", beforeFds, afterFds)
	}
	if afterG > beforeG {
		t.Errorf("goroutines: %d before three loops were made and closed, %d after; want no more", beforeG, afterG)
	}
}
