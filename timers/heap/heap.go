// Package heap implements [api.TimerQueue] as a 4-ary min-heap with lazy
// removal, as the Go runtime's timers are kept.
//
// # Layout
//
// The heap is an array of (deadline, seq, timer) entries, rooted at
// index 3 as libev's 4-heap is. An entry's timer is not told where the
// entry is: Remove marks the timer (its Q.Pos stops carrying this queue's
// mark) and leaves the entry where it is, and moving a queued timer files
// a new entry and leaves the old one behind. An entry is live while its
// timer carries this queue's mark and the entry's seq; a dead one is
// dropped when it reaches the root, or when dead entries outnumber live
// ones and the array is compacted.
//
// The alternative, libev's, writes each moved timer's index into the
// timer so that Remove can find its entry: a store into a caller's record
// at every level of every sift, each a cache miss once there are more
// timers than the cache holds. Here a sift touches the array alone,
// Remove costs O(1), and moving a timer costs a push: W2a (cancel and
// re-arm among 1e5 timers) costs a quarter less than with libev's layout,
// and less than libev's own heap ported to Go (about the same at 1000
// timers, where everything is in cache). Expiry (W2b) did not
// change measurably: the stores were a third of the time spent sifting
// down, but the miss moved to the first look at each due timer. What
// lazy removal costs is a larger array (24 bytes an entry, up to about
// twice as many entries as live timers, four times below 4096 timers)
// and a pass over it now and then.
//
// Push and each timer handed over by Expire cost O(log n); Remove is
// O(1); the compactions cost O(1) per removal, amortised. NextDeadline is
// exact and O(1) but for the dead entries it drops. Nothing allocates once
// the array has grown to the largest number of entries held at once; it
// keeps that size through bursts until Trim, which the loop calls every
// few seconds of its clock, gives the memory back. A removed timer stays
// reachable from its dead entry until that entry is dropped.
package heap

import (
	"sync/atomic"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/timerheap"
)

const (
	arity = timerheap.Arity
	heap0 = timerheap.Root
)

func parent(i int) int { return timerheap.Parent(i) }
func child(i int) int  { return timerheap.Child(i) }

// An entry is a timer's place in the heap, its deadline and its push's
// sequence number beside it, so that sifts never leave the array. At 24
// bytes, four siblings span two cache lines; 16-byte (deadline, timer)
// entries with the seqs in a second array measured no faster at 1e5 and
// 1e6 timers and 8% slower at 1000 (docs/bench/w2-s10-heap16.txt): the
// time goes to the first look at the caller's record, not to the sift.
type entry struct {
	when int64
	seq  uint64
	t    *api.Timer
}

func (e *entry) before(f *entry) bool {
	return e.when < f.when || e.when == f.when && e.seq < f.seq
}

// Queue is a 4-ary heap of timers. The zero value is an empty queue.
type Queue struct {
	keys []entry // keys[:heap0] are unused
	seq  uint64
	mark int // in Q.Pos of this queue's timers; set at the first Push
	live int
}

var _ api.Trimmer = (*Queue)(nil)

// marks hands out queue marks. They start far above the positions the
// other queues keep in Q.Pos (small indexes, slots, 1), so that a timer
// removed from this queue and pushed into another does not look live
// here; the entry's seq must match too.
var marks atomic.Int32

const firstMark = 1 << 30

// New returns an empty queue.
func New() *Queue { return &Queue{} }

// Name returns "heap", the name the timers registry knows it by.
func (q *Queue) Name() string { return "heap" }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return q.live }

// minKeys is the capacity the array starts with, and below which Trim
// leaves it alone.
const minKeys = 256

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	if q.mark == 0 {
		q.mark = firstMark + int(marks.Add(1)&(1<<30-1))
	}
	if t.Q.Pos != q.mark {
		q.live++
	} // else its old entry is now dead
	q.seq++
	t.Q.Seq, t.Q.When, t.Q.Pos = q.seq, t.Deadline, q.mark
	q.insert(entry{t.Deadline, q.seq, t})
	q.compact()
	return nil
}

func (q *Queue) insert(e entry) {
	if q.keys == nil {
		q.keys = make([]entry, heap0, minKeys)
	}
	q.keys = append(q.keys, e)
	q.up(len(q.keys) - 1)
}

// Remove implements [api.TimerQueue].
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || q.mark == 0 || t.Q.Pos != q.mark {
		return false
	}
	t.Q.Pos = 0
	q.live--
	q.compact()
	return true
}

// isLive reports whether e is its timer's current entry in this queue.
func (q *Queue) isLive(e *entry) bool { return e.t.Q.Pos == q.mark && e.t.Q.Seq == e.seq }

// NextDeadline implements [api.TimerQueue]. The answer is exact: dead
// entries at the root are dropped first.
func (q *Queue) NextDeadline() (int64, bool) {
	for len(q.keys) > heap0 {
		if e := &q.keys[heap0]; q.isLive(e) {
			return e.when, true
		}
		q.pop()
	}
	return 0, false
}

// batch is how many due timers Expire takes out before it hands them over.
const batch = 32

// Expire implements [api.TimerQueue]. It works in batches: first it pops
// up to a batch of due entries, then it calls fn with the live ones.
// Popping one timer and handing it over before the next pop has each sift
// wait behind the cache misses of what fn touches; in a batch, the sifts
// run back to back and the misses overlap. If fn panics, the timers of its
// batch it has not been given go back into the heap under their deadlines
// and seqs, so that none is lost and the order holds.
func (q *Queue) Expire(now int64, fn func(*api.Timer)) (n int) {
	var due [batch]*api.Timer
	k, next := 0, 0
	defer func() {
		for _, t := range due[next:k] { // only after a panic in fn
			t.Q.Pos = q.mark
			q.live++
			q.insert(entry{t.Q.When, t.Q.Seq, t})
		}
	}()
	var seqs [batch]uint64
	for {
		// Pop first, then look at the timers: their cache misses overlap
		// each other instead of each waiting behind a sift.
		popped := 0
		for popped < batch && len(q.keys) > heap0 && q.keys[heap0].when <= now {
			due[popped], seqs[popped] = q.keys[heap0].t, q.keys[heap0].seq
			popped++
			q.pop()
		}
		k, next = 0, 0
		for i, t := range due[:popped] {
			if t.Q.Pos == q.mark && t.Q.Seq == seqs[i] {
				t.Q.Pos = 0
				due[k] = t
				k++
			}
		}
		clear(due[k:popped])
		q.live -= k
		for next < k {
			next++
			fn(due[next-1])
		}
		n += k
		if popped < batch {
			q.compact() // what fired may leave the dead outnumbering the live
			return n
		}
	}
}

// pop drops the root entry.
func (q *Queue) pop() {
	last := len(q.keys) - 1
	moved := q.keys[last]
	q.keys[last] = entry{} // drop the pointer for the collector
	q.keys = q.keys[:last]
	if last > heap0 {
		q.keys[heap0] = moved
		q.down(heap0)
	}
}

func (q *Queue) up(i int) {
	e := q.keys[i]
	for i > heap0 {
		p := parent(i)
		if !e.before(&q.keys[p]) {
			break
		}
		q.keys[i] = q.keys[p]
		i = p
	}
	q.keys[i] = e
}

func (q *Queue) down(i int) {
	e := q.keys[i]
	n := len(q.keys)
	for {
		c := child(i)
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+arity && j < n; j++ {
			if q.keys[j].before(&q.keys[best]) {
				best = j
			}
		}
		if !q.keys[best].before(&e) {
			break
		}
		q.keys[i] = q.keys[best]
		i = best
	}
	q.keys[i] = e
}

// minCompact is the number of dead entries below which compact leaves
// them to be dropped at the root.
const minCompact = 64

// deadRatio is how many dead entries per live one compact lets stand.
// A heap of fewer than smallHeap timers stays in the cache even with
// three dead entries to each live one (4096 x 4 x 24 bytes is 384 KiB),
// so it compacts a third as often; at 1000 timers that made W2a 11%
// faster. A larger heap compacts at one to one: its sifts already miss
// the cache, and at two to one W2a at 1e6 timers measured slower.
func (q *Queue) deadRatio() int {
	if q.live < smallHeap {
		return 3
	}
	return 1
}

const smallHeap = 4096

// compact drops the dead entries once they outnumber the live ones by
// deadRatio (and all of them when none is live), then restores the heap
// bottom up. Each compaction follows at least as many removals as it has
// live entries to keep, so its cost per removal is O(1).
func (q *Queue) compact() {
	n := len(q.keys) - heap0
	if n-q.live <= max(q.deadRatio()*q.live, minCompact) {
		return
	}
	j := heap0
	if q.live > 0 {
		// Every entry is copied and j moves past the live ones: a branch
		// on liveness would be mispredicted half the time.
		for i := heap0; i < len(q.keys); i++ {
			e := q.keys[i]
			q.keys[j] = e
			j += b2i(e.t.Q.Pos == q.mark && e.t.Q.Seq == e.seq)
		}
	}
	clear(q.keys[j:])
	q.keys = q.keys[:j]
	if len(q.keys) > heap0+1 {
		for i := parent(len(q.keys) - 1); i >= heap0; i-- {
			q.down(i)
		}
	}
}

// Trim implements [api.Trimmer]: once the array holds under a quarter of
// its capacity, it is made anew at twice its length.
func (q *Queue) Trim() { q.keys = timerheap.Shrink(q.keys, minKeys, minKeys) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
