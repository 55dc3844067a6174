// Package heap implements [api.TimerQueue] as a 4-ary min-heap.
//
// The heap is an array of (deadline, seq, *Timer) entries, so comparisons
// read the array and never chase a pointer; each timer keeps its position
// in Timer.Q.Pos, so Remove is O(log n) instead of a search. This is the
// layout of the Go runtime's timer heap and of libev's 4-heap: a 4-ary heap
// is shallower than a binary one and its four children share a cache line
// or two, which pays for the extra comparisons on the way down.
//
// Push, Remove and each timer handed over by Expire cost O(log n);
// NextDeadline is O(1). Nothing allocates once the array has grown to the
// largest number of timers queued at once.
package heap

import (
	"github.com/evloop/evloop/api"
)

const arity = 4

type entry struct {
	deadline int64
	seq      uint64
	t        *api.Timer
}

func (e *entry) before(f *entry) bool {
	return e.deadline < f.deadline || e.deadline == f.deadline && e.seq < f.seq
}

// Queue is a 4-ary heap of timers. The zero value is an empty queue.
type Queue struct {
	a   []entry
	seq uint64
}

var _ api.TimerQueue = (*Queue)(nil)

// New returns an empty queue.
func New() *Queue { return &Queue{} }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return len(q.a) }

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	if q.owns(t) {
		q.remove(t.Q.Pos - 1)
	}
	q.seq++
	t.Q.Seq = q.seq
	q.a = append(q.a, entry{deadline: t.Deadline, seq: q.seq, t: t})
	q.up(len(q.a) - 1)
	return nil
}

// Remove implements [api.TimerQueue].
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || !q.owns(t) {
		return false
	}
	q.remove(t.Q.Pos - 1)
	return true
}

// owns reports whether t sits in this heap; the check on the entry guards
// against a timer queued elsewhere whose position happens to be in range.
func (q *Queue) owns(t *api.Timer) bool {
	i := t.Q.Pos - 1
	return i >= 0 && i < len(q.a) && q.a[i].t == t
}

// NextDeadline implements [api.TimerQueue]. The answer is exact.
func (q *Queue) NextDeadline() (int64, bool) {
	if len(q.a) == 0 {
		return 0, false
	}
	return q.a[0].deadline, true
}

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	n := 0
	for len(q.a) > 0 && q.a[0].deadline <= now {
		t := q.a[0].t
		q.remove(0)
		fn(t)
		n++
	}
	return n
}

// remove takes out the entry at i by moving the last entry into its place
// and restoring the heap around it.
func (q *Queue) remove(i int) {
	q.a[i].t.Q.Pos = 0
	last := len(q.a) - 1
	if i != last {
		q.a[i] = q.a[last]
		q.a[i].t.Q.Pos = i + 1
	}
	q.a[last] = entry{} // drop the pointer for the collector
	q.a = q.a[:last]
	q.shrink()
	if i < last {
		if i > 0 && q.a[i].before(&q.a[(i-1)/arity]) {
			q.up(i)
		} else {
			q.down(i)
		}
	}
}

// shrink gives memory back once the heap has drained to a quarter of its
// capacity, so a burst of a million timers does not pin its array forever.
// Halving (not quartering) leaves room to grow again without thrashing.
func (q *Queue) shrink() {
	if c := cap(q.a); c > minShrink && len(q.a) < c/4 {
		q.a = append(make([]entry, 0, c/2), q.a...)
	}
}

const minShrink = 1024

func (q *Queue) up(i int) {
	e := q.a[i]
	for i > 0 {
		p := (i - 1) / arity
		if !e.before(&q.a[p]) {
			break
		}
		q.a[i] = q.a[p]
		q.a[i].t.Q.Pos = i + 1
		i = p
	}
	q.a[i] = e
	e.t.Q.Pos = i + 1
}

func (q *Queue) down(i int) {
	e := q.a[i]
	n := len(q.a)
	for {
		c := i*arity + 1
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+arity && j < n; j++ {
			if q.a[j].before(&q.a[best]) {
				best = j
			}
		}
		if !q.a[best].before(&e) {
			break
		}
		q.a[i] = q.a[best]
		q.a[i].t.Q.Pos = i + 1
		i = best
	}
	q.a[i] = e
	e.t.Q.Pos = i + 1
}
