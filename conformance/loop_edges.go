//go:build unix

package conformance

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

// The loop's edges: bad descriptors and signals, extreme deadlines, Close
// racing other goroutines, descriptor numbers reused behind the loop's
// back, idle loops that must block, memory a burst leaves behind.

// loopDescriptorBounds passes descriptors no process can have open: the
// loop must refuse them before it sizes anything by them.
func loopDescriptorBounds(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// MaxInt32+1 as an int64 first, so that the list builds on 32-bit
	// systems, where it wraps to a negative number, also refused.
	past := int64(math.MaxInt32) + 1
	for _, fd := range []int{1 << 24, math.MaxInt32, int(past), math.MaxInt} {
		if err := l.AddReader(fd, func() {}); !errors.Is(err, unix.EBADF) {
			t.Errorf("AddReader(%d) = %v; want an error matching unix.EBADF", fd, err)
		}
		if err := l.AddWriter(fd, func() {}); !errors.Is(err, unix.EBADF) {
			t.Errorf("AddWriter(%d) = %v; want an error matching unix.EBADF", fd, err)
		}
		if l.HasReader(fd) || l.HasWriter(fd) {
			t.Errorf("HasReader/HasWriter(%d) = true after a refused add; want false", fd)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("refusing 8 impossible descriptors allocated %d bytes; want nothing sized by the descriptor", grew)
	}
}

// loopExtremeDeadlines schedules timers at the ends of int64 and at random
// times on both sides of now, on a real and on a virtual clock: those due
// run, none runs early, math.MaxInt64 never comes, and the loop keeps its
// other timers.
func loopExtremeDeadlines(t *recorder, newLoop NewLoop) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	for _, virtual := range []bool{false, true} {
		opts := new(loop.Options)
		if virtual {
			opts.Clock = loop.NewVirtualClock(rng.Int64N(1<<62) - 1<<61)
		}
		l := open(t, newLoop, opts)
		now := l.Now()
		const far = int64(time.Hour)
		deadlines := []int64{math.MinInt64, math.MinInt64 + 1, -1, 0, now - 1, now, math.MaxInt64, math.MaxInt64 - 1}
		for range 64 {
			// Unsigned arithmetic wraps where int64 would overflow, and
			// the distances fit in a uint64.
			if rng.IntN(2) == 0 { // in [MinInt64, now]
				deadlines = append(deadlines, int64(uint64(now)-rng.Uint64N(uint64(now)+1<<63)))
			} else { // in [now+far, MaxInt64): after the stop
				deadlines = append(deadlines, int64(uint64(now+far)+rng.Uint64N(uint64(math.MaxInt64)-uint64(now+far))))
			}
		}
		ran := make([]bool, len(deadlines))
		for i, d := range deadlines {
			if _, err := l.CallAt(d, func() {
				if l.Now() < d {
					t.Errorf("CallAt(%d) ran at %d: early", d, l.Now())
				}
				ran[i] = true
			}); err != nil {
				t.Fatalf("CallAt(%d) = %v", d, err)
			}
		}
		for _, d := range []time.Duration{math.MaxInt64, math.MinInt64, -1} {
			if _, err := l.CallLater(d, func() {}); err != nil {
				t.Fatalf("CallLater(%d) = %v", d, err)
			}
		}
		later(t, l, 30*time.Millisecond, l.Stop)
		runLoop(t, l)
		for i, d := range deadlines {
			if due := d <= now; ran[i] != due {
				t.Errorf("virtual clock %v: CallAt(%d) with now=%d: ran = %v; want %v", virtual, d, now, ran[i], due)
			}
		}
		later(t, l, time.Millisecond, l.Stop) // and the loop goes on
		runLoop(t, l)
	}
}

// loopClosePosts races Close with goroutines posting callbacks: every post
// that returned nil runs, and no wake-up is written to a descriptor number
// the loop has released (the program reopens numbers as it goes). The
// second is a narrow race that this case rarely catches; package loop's
// own tests pin it down with a hook.
func loopClosePosts(t *recorder, newLoop NewLoop) {
	const cycles, posters = 100, 3
	var accepted, ran, stray atomic.Int64
	for range cycles {
		l := open(t, newLoop, nil)
		var wg, reopen sync.WaitGroup
		var done atomic.Bool
		start := make(chan struct{})
		for range posters {
			wg.Go(func() {
				<-start
				for range 300 {
					if err := l.CallSoonThreadsafe(func() { ran.Add(1) }); err != nil {
						return
					}
					accepted.Add(1)
				}
			})
		}
		// Numbers the loop releases are reopened here at once: any
		// wake-up written after Close lands in one of these sockets.
		reopen.Go(func() {
			<-start
			for !done.Load() {
				p, err := nonblockingPair()
				if err != nil {
					return
				}
				var buf [16]byte
				for range 20 {
					for _, fd := range p {
						if n, _ := unix.Read(fd, buf[:]); n > 0 {
							stray.Add(1)
						}
					}
				}
				unix.Close(p[0])
				unix.Close(p[1])
			}
		})
		quiet, _ := socketPair(t) // so that an iteration with work ready still selects
		if err := l.AddReader(quiet, func() {}); err != nil {
			t.Fatalf("AddReader = %v", err)
		}
		close(start)
		for range 3 { // each iteration drains the wake-up: the next post writes one
			soon(t, l, func() {})
			runOnce(t, l)
		}
		if err := l.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		wg.Wait()
		done.Store(true)
		reopen.Wait()
	}
	if a, r := accepted.Load(), ran.Load(); a != r {
		t.Errorf("%d posts returned nil and %d ran, over %d Close races; want every accepted post to run", a, r, cycles)
	}
	if n := stray.Load(); n > 0 {
		t.Errorf("%d reads found data in sockets opened while the loops closed; want none: a post wrote its wake-up to a descriptor the loop had released", n)
	}
}

// loopPostOrder posts from the loop's goroutine and then calls CallSoon:
// asyncio's one FIFO runs the post first.
func loopPostOrder(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	var got []string
	soon(t, l, func() {
		if err := l.CallSoonThreadsafe(func() { got = append(got, "posted") }); err != nil {
			t.Errorf("CallSoonThreadsafe = %v", err)
		}
		soon(t, l, func() { got = append(got, "soon") })
		other := make(chan error)
		go func() { other <- l.CallSoonThreadsafe(func() { got = append(got, "posted elsewhere") }) }()
		if err := <-other; err != nil {
			t.Errorf("CallSoonThreadsafe = %v", err)
		}
		soon(t, l, func() { got = append(got, "soon 2"); l.Stop() })
	})
	runLoop(t, l)
	if want := []string{"posted", "soon", "posted elsewhere", "soon 2"}; !slices.Equal(got, want) {
		t.Errorf("ran %v; want %v: a post that happened before a CallSoon runs before it", got, want)
	}
}

// loopRunUntilStop cancels RunUntil's context in the iteration that calls
// Stop: the next Run must not inherit a Stop.
func loopRunUntilStop(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	ctx, cancel := context.WithCancel(context.Background())
	soon(t, l, func() { cancel(); l.Stop() })
	if err := l.RunUntil(ctx); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("RunUntil = %v; want nil or context.Canceled", err)
	}
	ticked := false
	later(t, l, 20*time.Millisecond, func() { ticked = true; l.Stop() })
	runLoop(t, l)
	if !ticked {
		t.Errorf("Run after RunUntil returned before its own Stop: a Stop left over from RunUntil's context ended it")
	}
}

// loopSignalErrors passes signals that can never be delivered.
func loopSignalErrors(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	for _, sig := range []syscall.Signal{0, -1, 65, 1 << 20, syscall.SIGKILL, syscall.SIGSTOP} {
		if err := l.AddSignalHandler(sig, func() {}); !errors.Is(err, api.ErrSignal) {
			t.Errorf("AddSignalHandler(%d) = %v; want an error matching api.ErrSignal", int(sig), err)
		}
	}
	if err := l.AddSignalHandler(nil, func() {}); !errors.Is(err, api.ErrSignal) || !strings.Contains(err.Error(), "nil signal") {
		t.Errorf("AddSignalHandler(nil) = %v; want an error matching api.ErrSignal that says nil signal", err)
	}
	if err := l.AddSignalHandler(unix.SIGUSR2, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("AddSignalHandler(SIGUSR2, nil) = %v; want api.ErrNilCallback", err)
	}
}

// loopReuseWithoutRemove closes a registered descriptor without removing
// its reader and gives its number to a new socket (with and without an
// iteration in between, and with a duplicate keeping the old file open):
// AddReader for the new socket must reach the kernel and work, and
// readiness of the old file must not reach the new callback.
func loopReuseWithoutRemove(t *recorder, newLoop NewLoop) {
	for _, v := range []struct {
		name          string
		iterate, keep bool
	}{{"at once", false, false}, {"after an iteration", true, false}, {"old file kept open by a duplicate", false, true}} {
		l := open(t, newLoop, nil)
		a, b := socketPair(t)
		if err := l.AddReader(a, func() { drain(t, a) }); err != nil {
			t.Fatalf("AddReader = %v", err)
		}
		if v.keep {
			dup, err := unix.Dup(a)
			if err != nil {
				t.Fatalf("dup: %v", err)
			}
			closeLater(t, dup)
		}
		closeNow(t, a)
		if v.iterate {
			later(t, l, time.Millisecond, func() {})
			runOnce(t, l)
		}
		c, d := socketPair(t)
		if c != a { // the new socket takes a's number (it may have had it already)
			if err := dupTo(c, a); err != nil {
				t.Fatalf("dup to %d: %v", a, err)
			}
		}
		got, empty := "", 0
		if err := l.AddReader(a, func() {
			var buf [16]byte
			n, err := unix.Read(a, buf[:])
			if err == unix.EAGAIN {
				empty++
				if empty > 100 {
					l.Stop()
				}
				return
			}
			got += string(buf[:max(n, 0)])
			l.Stop()
		}); err != nil {
			t.Errorf("%s: AddReader(%d) for a new socket on a reused number = %v; want nil", v.name, a, err)
			continue
		}
		if v.keep {
			write(t, b, "old") // readiness of the old file, still open through the duplicate
		}
		write(t, d, "new")
		runLoop(t, l)
		if got != "new" || empty > 0 {
			t.Errorf("%s: the new reader read %q and found nothing %d times; want %q at once: the registration must follow the new socket", v.name, got, empty, "new")
		}
		l.RemoveReader(a)
		unix.Close(a)
	}
}

// loopReplaceWithinBatch makes two descriptors ready at once; whichever
// callback runs first replaces the other's reader, whose old callback must
// then not run in this iteration (the new one runs in a later one).
func loopReplaceWithinBatch(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, b := socketPair(t)
	c, d := socketPair(t)
	var ran []string
	l.AddReader(a, func() {
		ran = append(ran, "a")
		drain(t, a)
		l.AddReader(c, func() { ran = append(ran, "c replaced"); drain(t, c) })
	})
	l.AddReader(c, func() {
		ran = append(ran, "c")
		drain(t, c)
		l.AddReader(a, func() { ran = append(ran, "a replaced"); drain(t, a) })
	})
	write(t, b, "x")
	write(t, d, "x")
	runOnce(t, l)
	if len(ran) != 1 {
		t.Errorf("the iteration ran %v; want one callback: the first replaces the other, whose old callback must not run", ran)
	}
}

// idleIterations runs l for 30 ms with nothing to do but wait and returns
// how many iterations that took; a loop that blocks takes a handful.
func idleIterations(t *recorder, l *loop.Loop) uint64 {
	before := l.Metrics().Iterations
	later(t, l, 30*time.Millisecond, l.Stop)
	runLoop(t, l)
	return l.Metrics().Iterations - before
}

// maxIdleIterations is generous: a loop that blocks wakes once or twice
// in 30 ms, one that spins thousands of times.
const maxIdleIterations = 50

// loopIdleLoopBlocks watches a quiet descriptor: the loop must block, not
// spin.
func loopIdleLoopBlocks(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, _ := socketPair(t)
	if err := l.AddReader(a, func() {}); err != nil {
		t.Fatalf("AddReader = %v", err)
	}
	l.CallSoonThreadsafe(func() {})
	runOnce(t, l)
	if n := idleIterations(t, l); n > maxIdleIterations {
		t.Errorf("an idle loop iterated %d times in 30 ms; want it to block (at most %d)", n, maxIdleIterations)
	}
}

// loopRemoveShrinks removes the writer of a descriptor that is always
// writable: the kernel's registration must shrink to reading, or the loop
// spins on writability nobody wants.
func loopRemoveShrinks(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, _ := socketPair(t)
	if err := l.AddReader(a, func() {}); err != nil {
		t.Fatalf("AddReader = %v", err)
	}
	if err := l.AddWriter(a, func() {}); err != nil {
		t.Fatalf("AddWriter = %v", err)
	}
	runOnce(t, l)
	if ok, err := l.RemoveWriter(a); !ok || err != nil {
		t.Fatalf("RemoveWriter = %v, %v; want true, nil", ok, err)
	}
	if n := idleIterations(t, l); n > maxIdleIterations {
		t.Errorf("after RemoveWriter of an always-writable descriptor, the loop iterated %d times in 30 ms; want it to block (at most %d)", n, maxIdleIterations)
	}
}

// loopStopBeforeRun stops a loop that has not run: Run does one iteration
// and returns, even with descriptors to watch and a timer an hour away.
func loopStopBeforeRun(t *recorder, newLoop NewLoop) {
	l := open(t, newLoop, nil)
	a, _ := socketPair(t)
	if err := l.AddReader(a, func() {}); err != nil {
		t.Fatalf("AddReader = %v", err)
	}
	later(t, l, time.Hour, func() {})
	before := l.Metrics().Iterations
	l.Stop()
	runLoop(t, l)
	if n := l.Metrics().Iterations - before; n != 1 {
		t.Errorf("Run after Stop did %d iterations; want 1", n)
	}
}

// loopBurstMemory arms a burst of timers and cancels or fires them: once
// the burst has drained, the heap comes back to where it was.
func loopBurstMemory(t *recorder, newLoop NewLoop) {
	clock := loop.NewVirtualClock(0)
	l := open(t, newLoop, &loop.Options{Clock: clock})
	const burst = 200_000
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	settle := func() { // iterations far apart on the loop's clock: it gives back what a burst left
		for range 3 {
			clock.Advance(time.Minute)
			for range 300 { // the loop may look at its clock only every few hundred iterations
				soon(t, l, func() {})
				runOnce(t, l)
			}
		}
	}
	settle()
	before := heap()
	hs := make([]loop.Handle, burst)
	for i := range hs {
		hs[i] = later(t, l, time.Hour, func() {})
	}
	for _, h := range hs {
		h.Cancel()
	}
	hs = nil
	for range burst {
		later(t, l, 0, func() {})
	}
	runOnce(t, l)
	settle()
	after := heap()
	if limit := before + before/10 + 256<<10; after > limit {
		t.Errorf("heap after a burst of %d timers drained: %d bytes, %d before; want at most %d (10%% and 256 KiB more)", 2*burst, after, before, limit)
	}
}
