package backend

import (
	"math"
	"time"
)

// origin anchors Now; time.Since reads the monotonic clock without
// allocating.
var origin = time.Now()

// Now returns monotonic nanoseconds.
func Now() int64 { return int64(time.Since(origin)) }

// A Wait tracks a Select timeout across interrupted system calls, so that
// a retry after EINTR waits only for what remains and a wait never ends
// before its timeout. It reads the clock once when it starts (only for a
// positive timeout) and again only when a wait must be resumed, so the
// common case, a wait ended by an event, costs one clock read at most.
type Wait struct {
	deadline int64         // on Now's scale, for a positive timeout
	left     time.Duration // what the next system call should wait; <0 without limit
}

// StartWait begins a wait of d; d < 0 waits without limit.
func StartWait(d time.Duration) Wait {
	if d <= 0 {
		return Wait{left: max(d, -1)}
	}
	now := Now()
	if d > time.Duration(math.MaxInt64-now) {
		return Wait{left: -1}
	}
	return Wait{deadline: now + int64(d), left: d}
}

// Left returns what the next system call should wait: negative for
// without limit, zero to poll.
func (w *Wait) Left() time.Duration { return w.left }

// Resume recomputes the time left after a wait that ended without an
// event (interrupted, or woken early on this clock) and reports whether
// any is left. A wait without limit always has time left; a poll never.
func (w *Wait) Resume() bool {
	if w.left <= 0 {
		return w.left < 0
	}
	left := time.Duration(w.deadline - Now())
	if left <= 0 {
		w.left = 0
		return false
	}
	w.left = left
	return true
}

// Millis converts a wait to poll(2)'s milliseconds, rounding up so the
// kernel never wakes early; -1 for "without limit". Waits too long for an
// int32 are cut to the longest one, which the core resumes like an EINTR.
func Millis(d time.Duration) int {
	if d < 0 {
		return -1
	}
	if d > (math.MaxInt32-1)*time.Millisecond {
		return math.MaxInt32
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}
