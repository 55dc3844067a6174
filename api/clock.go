package api

import "time"

// A Clock tells the loop the time: nanoseconds on a monotonic scale whose
// origin is the clock's own. Deadlines in a [TimerQueue] are on this scale.
// A test injects a virtual clock to make timers instant and deterministic.
type Clock interface {
	Now() int64
}

// MonotonicClock returns a Clock that reads the system's monotonic clock
// (the one time.Since uses), with its origin at the call.
func MonotonicClock() Clock { return monotonic{time.Now()} }

type monotonic struct{ origin time.Time }

func (m monotonic) Now() int64 { return int64(time.Since(m.origin)) }
