package conformance

import (
	"cmp"
	"slices"

	"github.com/evloop/evloop/api"
)

// ReferenceQueue is the model [TestTimerQueue] compares queues against: a
// slice kept sorted by (deadline, Seq), simple enough to be obviously
// right and too slow for anything else (Push and Remove are O(n)). The
// zero value is an empty queue.
type ReferenceQueue struct {
	timers []*api.Timer
	seq    uint64
}

var _ api.TimerQueue = (*ReferenceQueue)(nil)

// Push implements [api.TimerQueue].
func (q *ReferenceQueue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	q.Remove(t)
	q.seq++
	t.Q.Seq = q.seq
	t.Q.When = t.Deadline
	t.Q.Pos = 1
	i, _ := q.search(t)
	q.timers = slices.Insert(q.timers, i, t)
	return nil
}

func (q *ReferenceQueue) search(t *api.Timer) (int, bool) {
	return slices.BinarySearchFunc(q.timers, t, func(a, b *api.Timer) int {
		if c := cmp.Compare(a.Q.When, b.Q.When); c != 0 {
			return c
		}
		return cmp.Compare(a.Q.Seq, b.Q.Seq)
	})
}

// Remove implements [api.TimerQueue].
func (q *ReferenceQueue) Remove(t *api.Timer) bool {
	if t == nil || !t.Queued() {
		return false
	}
	i, found := q.search(t)
	if !found || q.timers[i] != t {
		return false
	}
	q.timers = slices.Delete(q.timers, i, i+1)
	t.Q.Pos = 0
	return true
}

// Len implements [api.TimerQueue].
func (q *ReferenceQueue) Len() int { return len(q.timers) }

// NextDeadline implements [api.TimerQueue]; the answer is exact. Like
// every queue, it reads the deadline recorded at Push (Q.When), not the
// caller's field, which may have changed since.
func (q *ReferenceQueue) NextDeadline() (int64, bool) {
	if len(q.timers) == 0 {
		return 0, false
	}
	return q.timers[0].Q.When, true
}

// Expire implements [api.TimerQueue].
func (q *ReferenceQueue) Expire(now int64, fn func(*api.Timer)) int {
	n := 0
	for n < len(q.timers) && q.timers[n].Q.When <= now {
		n++
	}
	for _, t := range q.timers[:n] {
		t.Q.Pos = 0
		fn(t)
	}
	m := copy(q.timers, q.timers[n:])
	clear(q.timers[m:])
	q.timers = q.timers[:m]
	return n
}
