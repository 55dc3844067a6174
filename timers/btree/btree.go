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
// timers do: an entry records the Seq its timer had when filed, and a
// timer pushed again (here or in any queue) has another, so a stale entry
// is recognised wherever it is met (Push at the same deadline replaces
// it; Expire and the search for the earliest skip it). When stale entries
// outnumber live ones four to one, the tree is rebuilt from the live
// ones, so it holds at most five entries per queued timer (and a few
// hundred when almost empty). That ratio was measured: at one to one,
// the rebuilds' garbage cost 50% more bytes per re-arm and 22% more time
// at 1000 timers. The earliest entry is always live, so NextDeadline
// stays exact. Sequence numbers come from one process-wide counter in
// blocks, starting at 2^62, so that no other queue's counter can hand a
// timer the number a stale entry remembers.
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
	tree   *tbtree.Map[int64, entry] // deadline -> the earliest pushed timer due then
	degree int
	n      int        // live timers
	stale  int        // entries of removed timers still in the tree
	min    *api.Timer // the head of the earliest key's list; nil when empty
	seq    uint64     // the last sequence number handed out
	seqEnd uint64     // the end of the block seq is drawn from
}

// An entry is the head of a deadline's list, with the Seq it had when
// filed: if the timer's Seq differs now, or it is out of any queue, the
// entry is stale.
type entry struct {
	t   *api.Timer
	seq uint64
}

func (e entry) live(when int64) bool {
	return e.t.Q.Pos != 0 && e.t.Q.Seq == e.seq && e.t.Q.When == when
}

// seqBlocks hands out blocks of sequence numbers to every B-tree queue of
// the process, above 2^62: numbers no other queue's counter reaches.
var seqBlocks atomic.Uint64

const seqBlock = 1 << 20

func (q *Queue) nextSeq() uint64 {
	if q.seq == q.seqEnd {
		q.seq = 1<<62 + (seqBlocks.Add(1)-1)*seqBlock
		q.seqEnd = q.seq + seqBlock
	}
	q.seq++
	return q.seq
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
	return &Queue{tree: tbtree.NewMap[int64, entry](degree), degree: degree}
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
	t.Q.Seq, t.Q.When, t.Q.Pos = q.nextSeq(), t.Deadline, 1
	t.Q.Next, t.Q.Prev = nil, t
	if old, dup := q.tree.Set(t.Deadline, entry{t, t.Q.Seq}); dup {
		if old.live(t.Deadline) {
			// Another timer is due then: put the head back and t at the tail.
			q.tree.Set(t.Deadline, old)
			head := old.t
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
	e, ok := q.tree.Get(t.Q.When)
	if !ok || !e.live(t.Q.When) || !onList(e.t, t) {
		return false // not ours
	}
	head := e.t
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
		q.tree.Set(t.Q.When, entry{next, next.Q.Seq})
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
		when, e, ok := q.tree.Min()
		if !ok {
			q.min = nil
			return
		}
		if e.live(when) {
			q.min = e.t
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
	tree := tbtree.NewMap[int64, entry](q.degree)
	q.tree.Scan(func(when int64, e entry) bool {
		if e.live(when) {
			tree.Load(when, e)
		}
		return true
	})
	q.tree, q.stale = tree, 0
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
			q.tree.Set(t.Q.When, entry{next, next.Q.Seq})
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
