// Package heap implements [api.TimerQueue] as a 4-ary min-heap.
//
// The heap is libev's 4-heap: an array of 16-byte (deadline, timer)
// entries, rooted so that four siblings share a cache line, each timer's
// index kept in the timer (internal/timerheap says more).
//
// Push, Remove and each timer handed over by Expire cost O(log n); moving
// a queued timer is one sift. NextDeadline is O(1) and exact. Nothing
// allocates once the array has grown to the largest number of timers
// queued at once; it keeps that size through bursts until Trim, which
// the loop calls every few seconds of its clock, gives the memory back.
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

var _ api.Trimmer = (*Queue)(nil)

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
	q.seq++
	t.Q.Seq, t.Q.When = q.seq, t.Deadline
	if q.h.Holds(t) {
		q.h.Fix(t)
	} else {
		q.h.Push(t)
	}
	return nil
}

// Trim implements [api.Trimmer]: it gives back the memory a burst left.
func (q *Queue) Trim() { q.h.Trim() }

// Remove implements [api.TimerQueue].
func (q *Queue) Remove(t *api.Timer) bool { return t != nil && q.h.Remove(t) }

// NextDeadline implements [api.TimerQueue]. The answer is exact.
func (q *Queue) NextDeadline() (int64, bool) { return q.h.Min() }

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	return q.h.Expire(now, fn)
}
