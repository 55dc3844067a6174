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
// # Lazy removal
//
// A profile of cancel-and-arm puts most of the time in the tree's search
// within a node, twice per re-arm: once to delete, once to insert. So
// Remove, for a timer alone at its deadline and not the earliest, leaves
// its entry in the tree and only marks the timer out, as the Go runtime's
// timers do. An entry is a (deadline, timer) pair, 16 bytes, and it is
// live when its timer is in this queue (the timer's Q.Pos is the queue's
// own mark, a number in [2^29, 2^30) drawn from a process-wide counter,
// which no heap index reaches and no other queue's mark equals) and
// filed at that deadline: a stale entry is recognised wherever it is met
// (Push at the same deadline replaces it; Expire and the search for the
// earliest skip it). Entries used to carry the timer's Seq as well; at 24
// bytes a node's binary search touched half as many cache lines again,
// and churn at 1e5 timers cost more (docs/bench/w2a-s10-btree.txt). When
// stale entries outnumber live ones four to one, the tree is rebuilt from
// the live ones, so it holds at most five entries per queued timer (and a
// few hundred when almost empty). That ratio was measured: at one to one,
// the rebuilds' garbage cost 50% more bytes per re-arm and 22% more time
// at 1000 timers. The earliest entry is always live, so NextDeadline
// stays exact.
//
// Push and Remove are O(log n) with a large base (degree 32 by default);
// NextDeadline is O(1) from a cached minimum; Expire pops from the left.
// Node splits and rebuilds allocate now and then, so Push is not
// allocation-free in every call, only on average.
package btree

import (
	"sync/atomic"

	tbtree "github.com/tidwall/btree"

	"github.com/evloop/evloop/api"
)

// Queue is a B-tree of timers. Create it with New.
type Queue struct {
	tree   *tbtree.Map[int64, *api.Timer] // deadline -> the earliest pushed timer due then
	degree int
	mark   int        // the Q.Pos of this queue's timers
	n      int        // live timers
	stale  int        // entries of removed timers still in the tree
	min    *api.Timer // the head of the earliest key's list; nil when empty
	seq    uint64     // the last sequence number handed out
}

// live reports whether the entry (when, t) is t's own: t is in this queue
// and filed at when. Otherwise it is stale.
func (q *Queue) live(when int64, t *api.Timer) bool {
	return t.Q.Pos == q.mark && t.Q.When == when
}

// marks hands every B-tree queue of the process its own Q.Pos, in
// [2^29, 2^30): above any index a heap of timers reaches, below the heap
// queue's marks (from 2^30), positive where the wheel's are negative, and
// an int on 32-bit platforms too.
var marks atomic.Int64

const (
	firstMark = 1 << 29
	markMask  = 1<<29 - 1
)

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
	return &Queue{
		tree:   tbtree.NewMap[int64, *api.Timer](degree),
		degree: degree,
		mark:   firstMark + int(marks.Add(1)&markMask),
	}
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
	t.Q.Seq, t.Q.When, t.Q.Pos = q.seq, t.Deadline, q.mark
	t.Q.Next, t.Q.Prev = nil, t
	if old, dup := q.tree.Set(t.Deadline, t); dup {
		if old != t && q.live(t.Deadline, old) {
			// Another timer is due then: put the head back and t at the tail.
			q.tree.Set(t.Deadline, old)
			head := old
			tail := head.Q.Prev
			tail.Q.Next, t.Q.Prev, head.Q.Prev = t, tail, t
		} else {
			q.stale-- // t took a stale entry's place
		}
	}
	if q.min == nil || t.Deadline < q.min.Q.When {
		q.min = t
	}
	q.n++
	return nil
}

// Remove implements [api.TimerQueue]. A timer alone at its deadline, the
// common case, costs no descent of the tree: its entry goes stale (see
// the package documentation), unless it is the earliest, which goes at
// once. Like every queue, it trusts that a timer it is given is not
// queued elsewhere (api.Timer says so).
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || !t.Queued() {
		return false
	}
	if t.Q.Next == nil && t.Q.Prev == t { // alone at its deadline
		if t != q.min {
			q.removed(t)
			q.stale++
			q.compact()
			return true
		}
		q.tree.Delete(t.Q.When)
		q.removed(t)
		q.fixMin()
		return true
	}
	if t.Q.Pos != q.mark {
		return false // not ours
	}
	head, _ := q.tree.Get(t.Q.When)
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
	q.removed(t)
	return true
}

func (q *Queue) removed(t *api.Timer) {
	t.Q.Next, t.Q.Prev, t.Q.Pos = nil, nil, 0
	q.n--
}

// fixMin finds the earliest live entry, dropping the stale ones before it.
func (q *Queue) fixMin() {
	for {
		when, t, ok := q.tree.Min()
		if !ok {
			q.min = nil
			return
		}
		if q.live(when, t) {
			q.min = t
			return
		}
		q.tree.PopMin()
		q.stale--
	}
}

// compact rebuilds the tree from its live entries once the stale ones
// outnumber them four to one (and are more than a few): a linear pass,
// paid for by the removals that made them.
func (q *Queue) compact() {
	if q.stale <= 4*max(q.n, 64) {
		return
	}
	tree := tbtree.NewMap[int64, *api.Timer](q.degree)
	q.tree.Scan(func(when int64, t *api.Timer) bool {
		if q.live(when, t) {
			tree.Load(when, t)
		}
		return true
	})
	q.tree, q.stale = tree, 0
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
			q.fixMin()
		}
		t.Q.Next, t.Q.Prev, t.Q.Pos = nil, nil, 0
		q.n--
		fn(t)
		n++
	}
	return n
}
