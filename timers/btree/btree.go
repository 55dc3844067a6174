// Package btree implements [api.TimerQueue] on a B-tree
// (github.com/tidwall/btree) keyed by deadline.
//
// The tree is the library's Map with int64 keys, so a search compares
// integers with < in the tree's own code rather than through a function
// value, which is what made a tree of (deadline, seq) items about eight
// times slower than the heap. Each key holds the timers due at that
// nanosecond, in push order, on an intrusive list through the timers' own
// links (the head in the tree, the head's Prev pointing at the tail): ties
// keep the (deadline, Seq) order without Seq in the key, and a timer whose
// deadline no other shares, the common case, is one tree entry and no
// list. The Map needs no locks: like every queue, it belongs to one
// goroutine.
//
// Push and Remove are O(log n) with a large base (degree 32 by default);
// NextDeadline is O(1) from a cached minimum; Expire pops from the left.
// Node splits allocate now and then, so Push is not allocation-free in
// every call, only on average.
package btree

import (
	tbtree "github.com/tidwall/btree"

	"github.com/evloop/evloop/api"
)

// Queue is a B-tree of timers. Create it with New.
type Queue struct {
	tree *tbtree.Map[int64, *api.Timer] // deadline -> the earliest pushed timer due then
	n    int
	min  *api.Timer // the head of the earliest key's list; nil when empty
	seq  uint64
}

var _ api.TimerQueue = (*Queue)(nil)

// Options configures a queue; nil means the defaults.
type Options struct {
	// Degree is the B-tree's degree (items per node between Degree-1 and
	// 2*Degree-1); 0 means the library's default, 32.
	Degree int
}

// New returns an empty queue.
func New(opts *Options) *Queue {
	degree := 0
	if opts != nil {
		degree = opts.Degree
	}
	return &Queue{tree: tbtree.NewMap[int64, *api.Timer](degree)}
}

// Name returns "btree", the name the timers registry knows it by.
func (q *Queue) Name() string { return "btree" }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return q.n }

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	q.Remove(t)
	q.seq++
	t.Q.Seq, t.Q.When, t.Q.Pos = q.seq, t.Deadline, 1
	t.Q.Next, t.Q.Prev = nil, t
	if head, dup := q.tree.Set(t.Deadline, t); dup {
		// Another timer is due then: put the head back and t at the tail.
		q.tree.Set(t.Deadline, head)
		tail := head.Q.Prev
		tail.Q.Next, t.Q.Prev, head.Q.Prev = t, tail, t
	} else if q.min == nil || t.Deadline < q.min.Q.When {
		q.min = t
	}
	q.n++
	return nil
}

// Remove implements [api.TimerQueue]. A timer alone at its deadline, the
// common case, costs one descent of the tree: the Delete itself.
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || !t.Queued() {
		return false
	}
	if t.Q.Next == nil && t.Q.Prev == t { // alone on its list, if it is ours
		head, ok := q.tree.Delete(t.Q.When)
		if !ok {
			return false
		}
		if head != t { // another queue's timer with the same deadline
			q.tree.Set(t.Q.When, head)
			return false
		}
		if q.min == t {
			_, q.min, _ = q.tree.Min()
		}
		return q.removed(t)
	}
	head, ok := q.tree.Get(t.Q.When)
	if !ok || !onList(head, t) {
		return false // another queue's timer
	}
	switch {
	case t != head: // the middle or the tail of a list
		t.Q.Prev.Q.Next = t.Q.Next
		if t.Q.Next != nil {
			t.Q.Next.Q.Prev = t.Q.Prev
		} else {
			head.Q.Prev = t.Q.Prev
		}
	default: // the head of a longer list
		next := t.Q.Next
		next.Q.Prev = t.Q.Prev
		q.tree.Set(t.Q.When, next)
		if q.min == t {
			q.min = next
		}
	}
	return q.removed(t)
}

func (q *Queue) removed(t *api.Timer) bool {
	t.Q.Next, t.Q.Prev, t.Q.Pos = nil, nil, 0
	q.n--
	return true
}

// onList reports whether t is on the list that starts at head. Only a
// timer of another queue with the same deadline makes it walk further
// than t itself; lists are one timer long but for exact ties.
func onList(head, t *api.Timer) bool {
	if head == t {
		return true
	}
	for u := head.Q.Next; u != nil; u = u.Q.Next {
		if u == t {
			return true
		}
	}
	return false
}

// NextDeadline implements [api.TimerQueue]. The answer is exact.
func (q *Queue) NextDeadline() (int64, bool) {
	if q.min == nil {
		return 0, false
	}
	return q.min.Q.When, true
}

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	n := 0
	for q.min != nil && q.min.Q.When <= now {
		t := q.min
		if t.Q.Next != nil {
			next := t.Q.Next
			next.Q.Prev = t.Q.Prev
			q.tree.Set(t.Q.When, next)
			q.min = next
		} else {
			q.tree.PopMin()
			_, q.min, _ = q.tree.Min()
		}
		t.Q.Next, t.Q.Prev, t.Q.Pos = nil, nil, 0
		q.n--
		fn(t)
		n++
	}
	return n
}
