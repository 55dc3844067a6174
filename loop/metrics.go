package loop

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
}

// Metrics returns the loop's counters. Like the other methods, it belongs
// to the loop's goroutine.
func (l *Loop) Metrics() Metrics { return l.metrics }
