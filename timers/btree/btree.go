// Package btree implements [api.TimerQueue] on a B-tree
// (github.com/tidwall/btree) keyed by (deadline, Seq).
//
// The tree's Set replaces an item equal to the one it is given, so the key
// must be unique: the sequence number Push hands out is part of it. Items
// are (deadline, seq, *Timer) values stored in the nodes, so a search
// compares integers without chasing pointers. The tree is built with
// NoLocks: like every queue, it belongs to one goroutine.
//
// Push and Remove are O(log n) with a large base (degree 32 by default);
// NextDeadline is O(1) from a cached minimum; Expire pops from the left.
// A path hint remembers where the last Push went, which makes the common
// case of deadlines that grow with time (every CallLater with the same
// delay) cheaper. Node splits allocate now and then, so Push is not
// allocation-free in every call, only on average.
package btree

import (
	tbtree "github.com/tidwall/btree"

	"github.com/evloop/evloop/api"
)

type item struct {
	when int64
	seq  uint64
	t    *api.Timer
}

func less(a, b item) bool { return a.when < b.when || a.when == b.when && a.seq < b.seq }

// Queue is a B-tree of timers. Create it with New.
type Queue struct {
	tree     *tbtree.BTreeG[item]
	pushHint tbtree.PathHint
	min      item // the earliest item; min.t is nil when the tree is empty
	seq      uint64
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
	o := tbtree.Options{NoLocks: true}
	if opts != nil {
		o.Degree = opts.Degree
	}
	return &Queue{tree: tbtree.NewBTreeGOptions(less, o)}
}

// Name returns "btree", the name the timers registry knows it by.
func (q *Queue) Name() string { return "btree" }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return q.tree.Len() }

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	q.Remove(t)
	q.seq++
	t.Q.Seq, t.Q.When, t.Q.Pos = q.seq, t.Deadline, 1
	it := item{t.Deadline, q.seq, t}
	q.tree.SetHint(it, &q.pushHint)
	if q.min.t == nil || less(it, q.min) {
		q.min = it
	}
	return nil
}

// Remove implements [api.TimerQueue].
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || !t.Queued() {
		return false
	}
	got, ok := q.tree.Delete(item{t.Q.When, t.Q.Seq, nil})
	if !ok {
		return false
	}
	if got.t != t { // another queue's timer with the same key: put it back
		q.tree.Set(got)
		return false
	}
	t.Q.Pos = 0
	if q.min.t == t {
		q.min, _ = q.tree.Min()
	}
	return true
}

// NextDeadline implements [api.TimerQueue]. The answer is exact.
func (q *Queue) NextDeadline() (int64, bool) {
	if q.min.t == nil {
		return 0, false
	}
	return q.min.when, true
}

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	n := 0
	for q.min.t != nil && q.min.when <= now {
		q.tree.PopMin()
		t := q.min.t
		t.Q.Pos = 0
		q.min, _ = q.tree.Min()
		fn(t)
		n++
	}
	return n
}
