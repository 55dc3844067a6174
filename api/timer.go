package api

// A Timer is a deadline in a [TimerQueue]. The caller owns it, usually
// embedded in a larger record that Value points back to; the queue keeps
// its bookkeeping in Q, so Push and Remove allocate nothing.
//
// A Timer is in at most one queue at a time. Only Push reads Deadline: to
// move a queued timer, set Deadline and Push it again.
type Timer struct {
	// Deadline is in nanoseconds on the loop's monotonic clock.
	Deadline int64
	// Value is the caller's payload. Storing a pointer does not allocate.
	Value any
	// Q belongs to the queue holding the timer. Callers must not touch it.
	Q TimerLink
}

// TimerLink is a queue's bookkeeping inside a [Timer]. Its fields are
// exported for TimerQueue implementations in other packages; only the
// queue holding the timer reads or writes them. The zero value means "in no
// queue".
type TimerLink struct {
	// Seq orders timers with equal deadlines: Push sets it from a counter
	// that only grows, so equal deadlines fire in insertion order.
	Seq uint64
	// When is the deadline the queue filed the timer under, so that a
	// queue can find it again after the caller has changed Deadline.
	When int64
	// Pos is the queue's position of the timer, in a form of its own (a
	// heap index, a queue's mark, a wheel's mark and slot, 1 for
	// "present"), never 0 while queued; 0 means not queued.
	Pos int
	// Next and Prev link the timer into a queue's intrusive lists.
	Next, Prev *Timer
}

// Queued reports whether t is in a queue.
func (t *Timer) Queued() bool { return t.Q.Pos != 0 }

// Before reports whether t fires before u: by deadline, then by Seq.
func (t *Timer) Before(u *Timer) bool {
	return t.Deadline < u.Deadline || t.Deadline == u.Deadline && t.Q.Seq < u.Q.Seq
}

// A TimerQueue orders timers by deadline. Every implementation hands over
// exactly the same timers in exactly the same order: a timing wheel keeps
// exact deadlines (its slots are an index, not a rounding).
//
// A TimerQueue is not safe for concurrent use.
type TimerQueue interface {
	// Push queues t; if t is already in this queue it is moved to its
	// (possibly new) Deadline and takes a new Seq, as if removed and
	// pushed. Push fails only for a nil t ([ErrNilTimer]). Any int64
	// deadline is valid: one in the past fires at the next Expire, and
	// math.MaxInt64 never fires.
	Push(t *Timer) error

	// Remove takes t out of the queue and reports whether it was queued.
	// Removing a timer twice, or one that fired, returns false and changes
	// nothing. A removed timer may be pushed again.
	Remove(t *Timer) bool

	// Len returns the number of queued timers.
	Len() int

	// NextDeadline returns a time no later than the earliest queued
	// deadline, and false if the queue is empty. It may be earlier (a
	// wheel may answer with a slot boundary), but then Expire at that time
	// either hands over a timer or makes NextDeadline move later, so a
	// loop that sleeps until NextDeadline always makes progress.
	NextDeadline() (deadline int64, ok bool)

	// Expire removes every timer whose deadline is <= now and calls fn
	// with each, in (deadline, Seq) order, and returns how many it handed
	// over. fn must not call methods of the queue; a loop collects the
	// timers and acts on them after Expire returns. A now earlier than a
	// previous one hands over nothing that an Expire at that earlier time
	// would not have.
	Expire(now int64, fn func(*Timer)) int
}

// A Trimmer is a TimerQueue that keeps the memory a burst of timers made
// it grow until it is told to give it back, so that a load that comes
// back every round does not reallocate every round. The loop calls Trim
// every few seconds of its clock.
type Trimmer interface {
	TimerQueue
	// Trim gives back what the queue holds beyond a small multiple of
	// what it needs now.
	Trim()
}
