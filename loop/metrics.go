package loop

import "time"

// Metrics counts what a loop has done since it was made, as libuv's
// uv_metrics_info: cheap counters, always on.
type Metrics struct {
	// Iterations is the number of loop iterations (RunOnce, or one turn
	// of Run). An idle loop does not iterate: it blocks in its selector.
	Iterations uint64
	// Events is the number of descriptor events the selector reported.
	Events uint64
	// Callbacks is the number of callbacks run: CallSoon, timers,
	// readers and writers, posts.
	Callbacks uint64
	// Idle is the time spent waiting in the selector for something to
	// do, as libuv's uv_metrics_idle_time: the waits that could block
	// (those with a timeout other than zero), timed on the monotonic
	// clock whatever clock the loop's timers use. A busy loop's Idle
	// stays near zero; Idle against the time the loop ran is its load.
	Idle time.Duration
}

// metricsOrigin anchors the idle-time clock.
var metricsOrigin = time.Now()

// Metrics returns the loop's counters. Like the other methods, it belongs
// to the loop's goroutine.
func (l *Loop) Metrics() Metrics { return l.metrics }
