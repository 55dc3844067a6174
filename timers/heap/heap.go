// Package heap implements [api.TimerQueue] as a 4-ary min-heap.
//
// The heap is an array of (deadline, seq, *Timer) entries, so comparisons
// read the array and never chase a pointer; each timer keeps its position
// in Timer.Q.Pos, so Remove is O(log n) instead of a search. This is the
// layout of the Go runtime's timer heap and of libev's 4-heap.
//
// Push, Remove and each timer handed over by Expire cost O(log n);
// NextDeadline is O(1) and exact. Nothing allocates once the array has
// grown to the largest number of timers queued at once, and the array
// shrinks again when a burst has drained.
package heap

import (
	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/timerheap"
)

// Queue is a 4-ary heap of timers. The zero value is an empty queue.
type Queue struct {
	h   timerheap.Heap
	seq uint64
}

var _ api.TimerQueue = (*Queue)(nil)

// New returns an empty queue.
func New() *Queue { return &Queue{} }

// Name returns "heap", the name the timers registry knows it by.
func (q *Queue) Name() string { return "heap" }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return q.h.Len() }

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	q.h.Remove(t)
	q.seq++
	t.Q.Seq, t.Q.When = q.seq, t.Deadline
	q.h.Push(t)
	return nil
}

// Remove implements [api.TimerQueue].
func (q *Queue) Remove(t *api.Timer) bool { return t != nil && q.h.Remove(t) }

// NextDeadline implements [api.TimerQueue]. The answer is exact.
func (q *Queue) NextDeadline() (int64, bool) { return q.h.Min() }

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	n := 0
	for t := q.h.PopDue(now); t != nil; t = q.h.PopDue(now) {
		fn(t)
		n++
	}
	return n
}
