//go:build unix

package loop_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
)

// countingClock counts its reads.
type countingClock struct {
	api.Clock
	reads atomic.Int64
}

func (c *countingClock) Now() int64 { c.reads.Add(1); return c.Clock.Now() }

// TestClockReadOnlyWhenNeeded runs a chain of callbacks with no timer
// pending: the loop must not read its clock every iteration (W4's chain
// spent half its time there), and with a timer pending it must.
func TestClockReadOnlyWhenNeeded(t *testing.T) {
	clock := &countingClock{Clock: api.MonotonicClock()}
	l, err := loop.New(&loop.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	const n = 10_000
	chain := func() {
		left := n
		var next func()
		next = func() {
			if left--; left == 0 {
				l.Stop()
				return
			}
			l.CallSoon(next)
		}
		l.CallSoon(next)
		if err := l.Run(); err != nil {
			t.Fatal(err)
		}
	}
	before := clock.reads.Load()
	chain()
	if reads := clock.reads.Load() - before; reads > n/100 {
		t.Errorf("%d iterations without timers read the clock %d times; want at most %d", n, reads, n/100)
	}
	h, err := l.CallLater(time.Hour, func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Cancel()
	before = clock.reads.Load()
	chain()
	if reads := clock.reads.Load() - before; reads < n {
		t.Errorf("%d iterations with a timer pending read the clock %d times; want at least once each", n, reads)
	}
}

// steppingClock moves one nanosecond forward on every read, so that two
// reads never agree.
type steppingClock struct{ now atomic.Int64 }

func (c *steppingClock) Now() int64 { return c.now.Add(1) }

// TestTime checks Time's cache: one reading per iteration, shared by the
// callbacks of that iteration, taken from the timers' own reading when
// timers ran (so never before their deadline), fresh in every iteration
// and outside iterations.
func TestTime(t *testing.T) {
	clock := &steppingClock{}
	l, err := loop.New(&loop.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if a, b := l.Time(), l.Time(); a == b {
		t.Errorf("Time() outside an iteration = %d twice; want a fresh reading each call", a)
	}
	var seen []int64
	record := func() { seen = append(seen, l.Time(), l.Time()) }
	l.CallSoon(record)
	l.CallSoon(record)
	if err := l.RunOnce(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 4 || seen[0] != seen[1] || seen[1] != seen[2] || seen[2] != seen[3] {
		t.Errorf("Time() in two callbacks of one iteration = %v; want one value", seen)
	}
	if now := l.Now(); now <= seen[0] {
		t.Errorf("Now() after the iteration = %d; want later than its Time() %d", now, seen[0])
	}
	first := seen[0]
	if after := l.Time(); after == first {
		t.Errorf("Time() after the iteration = %d, the iteration's value; want a fresh reading", after)
	}
	seen = seen[:0]
	deadline := clock.now.Load() + 5
	if _, err := l.CallAt(deadline, record); err != nil {
		t.Fatal(err)
	}
	for len(seen) == 0 {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if seen[0] == first || seen[0] < deadline || seen[0] != seen[1] {
		t.Errorf("Time() in a timer's callback = %v (earlier iteration: %d); want one new value, not before the deadline %d", seen, first, deadline)
	}
}
