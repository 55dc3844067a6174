package loop

// A Handle refers to a scheduled callback: one from CallSoon, CallLater
// or CallAt. It is a small value, not a heap object, so scheduling
// allocates nothing. The zero Handle refers to nothing.
//
// Like the rest of the loop, a Handle is used on the loop's goroutine.
type Handle struct {
	l   *Loop
	t   *timer // nil for CallSoon
	seq uint64 // CallSoon: the ready-queue sequence number; timer: its generation
}

// Cancel prevents the callback from running and reports whether it did:
// false if it has run, is running, or was cancelled before. A handle whose
// timer has been reused for another callback is stale and changes nothing.
// Cancel is idempotent.
func (h Handle) Cancel() bool {
	l := h.l
	if l == nil || l.closed {
		return false
	}
	if h.t == nil {
		return l.ready.cancel(h.seq)
	}
	t := h.t
	if t.gen != h.seq {
		return false // stale: it ran or was cancelled, and the record moved on
	}
	switch {
	case t.node.Queued():
		l.timers.Remove(&t.node)
	case t.ready != 0:
		l.ready.cancel(t.ready) // due in this iteration, not yet run
	default:
		return false
	}
	l.pool.put(t)
	return true
}
