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
