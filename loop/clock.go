package loop

import (
	"sync/atomic"
	"time"
)

// A VirtualClock is a clock for tests. It moves when Advance is called,
// and a loop using it (Options.Clock) jumps it to the next deadline
// whenever the loop would otherwise sleep, so a test of CallLater(time.Hour)
// finishes at once, and the same way every time. (testing/synctest cannot
// fake time for a goroutine blocked in epoll_wait.) A loop still waits for
// real when there is no timer: for descriptors, posts and signals.
type VirtualClock struct {
	now atomic.Int64
}

// NewVirtualClock returns a virtual clock reading start.
func NewVirtualClock(start int64) *VirtualClock {
	c := new(VirtualClock)
	c.now.Store(start)
	return c
}

// Now returns the clock's time in nanoseconds.
func (c *VirtualClock) Now() int64 { return c.now.Load() }

// Advance moves the clock forward by d; a negative d does nothing. It is
// safe from any goroutine; a loop waiting for a descriptor does not notice
// until it wakes.
func (c *VirtualClock) Advance(d time.Duration) {
	if d > 0 {
		c.now.Add(int64(d))
	}
}

// jumpTo moves the clock to t if t is later.
func (c *VirtualClock) jumpTo(t int64) {
	for {
		now := c.now.Load()
		if t <= now || c.now.CompareAndSwap(now, t) {
			return
		}
	}
}
