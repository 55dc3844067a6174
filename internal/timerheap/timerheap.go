// Package timerheap is a 4-ary min-heap of timers ordered by the
// (Q.When, Q.Seq) the owning queue has filed them under, each timer's
// index kept in it. The timing wheel keeps the timers of its current tick
// in one: it moves timers between its slots and this heap, and needs to
// know where each is. timers/heap removes lazily instead and has a heap
// of its own.
//
// # Layout
//
// This is libev's 4-heap. The heap is an array of 16-byte (when, timer)
// entries: the deadline is cached beside the pointer, so comparisons
// never leave the array. The root is at index Root = 3, not 0, so that
// the four children of an entry, at 4(i-3)+4 to 4(i-3)+7, fill one
// 64-byte cache line (the array's large allocations are page-aligned)
// instead of straddling two. Each timer's Q.Pos is its entry's index
// (never 0, which means "not queued"), written on every move, so Remove finds
// its entry without a search, and checks that the entry points back at
// the timer (a timer of another heap may carry the same Pos) in the cache
// line it has to read anyway. Ties, two timers due at the same
// nanosecond, are broken by the timers' Q.Seq: the contract's push order,
// read through the timers only when deadlines are equal.
//
// An earlier layout kept ids in the entries, with positions and timers in
// arrays beside them so that moves never wrote through a timer; every
// Remove then waited on three dependent misses (the timer's id, the
// timers array, the positions) before reaching its entry, where this one
// waits on one. Writing Pos into the timers that move costs stores, which
// do not stall. W2a measured the difference (the README has the table).
//
// The array keeps its size after a burst drains: a queue that fills and
// empties every round does not reallocate every round. Trim gives the
// memory back; the loop calls it every few seconds of its clock.
package timerheap

import "github.com/evloop/evloop/api"

// Arity is the number of children of an entry; Root is the root's
// index, so that four siblings of 16-byte entries fill a cache line.
const (
	Arity = 4
	Root  = Arity - 1
)

// Parent returns the index of the parent of the entry at i > Root.
func Parent(i int) int { return (i-Root-1)/Arity + Root }

// Child returns the index of the first child of the entry at i.
func Child(i int) int { return Arity*(i-Root) + Root + 1 }

// An entry is a timer's place in the heap, its deadline cached.
type entry struct {
	when int64
	t    *api.Timer
}

// before orders entries by deadline, then by the order of the pushes.
func before(a, b entry) bool {
	return a.when < b.when || a.when == b.when && a.t.Q.Seq < b.t.Q.Seq
}

// Heap is a 4-ary min-heap of timers. The zero value is empty.
type Heap struct {
	keys []entry // keys[:Root] are unused
}

// minTrim is the capacity below which Trim leaves the array alone.
const minTrim = 1024

// Len returns the number of timers in the heap.
func (h *Heap) Len() int { return max(len(h.keys)-Root, 0) }

// Push adds t, which must not be in the heap, under t.Q.When and t.Q.Seq.
func (h *Heap) Push(t *api.Timer) {
	if h.keys == nil {
		h.keys = make([]entry, Root, minTrim/4)
	}
	h.keys = append(h.keys, entry{t.Q.When, t})
	h.up(len(h.keys) - 1)
}

// Holds reports whether t is in this heap. The check on the entry guards
// against a timer held elsewhere whose position happens to be in range.
func (h *Heap) Holds(t *api.Timer) bool {
	i := t.Q.Pos
	return i >= Root && i < len(h.keys) && h.keys[i].t == t
}

// Fix moves t, which is in the heap, to its new t.Q.When and t.Q.Seq: a
// reschedule costs one sift instead of a removal and a push.
func (h *Heap) Fix(t *api.Timer) {
	// The timer's Seq is already its new one, which is later than every
	// other's: only the deadline can move it up.
	i := t.Q.Pos
	old := h.keys[i].when
	h.keys[i].when = t.Q.When
	if t.Q.When < old {
		h.up(i)
	} else {
		h.down(i)
	}
}

// Remove takes t out of the heap and reports whether it was there.
func (h *Heap) Remove(t *api.Timer) bool {
	if !h.Holds(t) {
		return false
	}
	h.removeAt(t.Q.Pos)
	t.Q.Pos = 0
	return true
}

// Min returns the earliest timer's deadline, and false if the heap is
// empty.
func (h *Heap) Min() (int64, bool) {
	if len(h.keys) <= Root {
		return 0, false
	}
	return h.keys[Root].when, true
}

// batch is how many due timers Expire takes out before it hands them over.
const batch = 32

// Expire removes every timer whose deadline is <= now and calls fn with
// each, in (when, Seq) order, and returns how many. It works in batches:
// first it pops up to a batch of entries, then it calls fn with each.
// Popping one timer and handing it over before the next pop has each sift
// wait behind the cache misses of what fn touches; in a batch, the sifts
// run back to back and the misses overlap. fn must not call the heap's
// methods, as [api.TimerQueue.Expire] says. If fn panics, the timers of
// its batch it has not been given go back into the heap, so that none is
// lost.
func (h *Heap) Expire(now int64, fn func(*api.Timer)) (n int) {
	var due [batch]*api.Timer
	k, next := 0, 0
	defer func() {
		for _, t := range due[next:k] { // only after a panic in fn
			h.Push(t)
		}
	}()
	for {
		k, next = 0, 0
		for ; k < batch && len(h.keys) > Root && h.keys[Root].when <= now; k++ {
			t := h.keys[Root].t
			h.removeAt(Root)
			t.Q.Pos = 0
			due[k] = t
		}
		for next < k {
			next++
			fn(due[next-1])
		}
		n += k
		if k < batch {
			return n
		}
	}
}

// removeAt takes out the entry at i by moving the last entry into its
// place and restoring the heap around it. It leaves the Pos of the
// removed timer to the caller.
func (h *Heap) removeAt(i int) {
	last := len(h.keys) - 1
	moved := h.keys[last]
	h.keys[last] = entry{} // drop the pointer for the collector
	h.keys = h.keys[:last]
	if i < last {
		h.keys[i] = moved
		if i > Root && before(moved, h.keys[Parent(i)]) {
			h.up(i)
		} else {
			h.down(i)
		}
	}
}

func (h *Heap) up(i int) {
	e := h.keys[i]
	for i > Root {
		p := Parent(i)
		if !before(e, h.keys[p]) {
			break
		}
		h.keys[i] = h.keys[p]
		h.keys[i].t.Q.Pos = i
		i = p
	}
	h.keys[i] = e
	e.t.Q.Pos = i
}

func (h *Heap) down(i int) {
	e := h.keys[i]
	n := len(h.keys)
	for {
		c := Child(i)
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+Arity && j < n; j++ {
			if before(h.keys[j], h.keys[best]) {
				best = j
			}
		}
		if !before(h.keys[best], e) {
			break
		}
		h.keys[i] = h.keys[best]
		h.keys[i].t.Q.Pos = i
		i = best
	}
	h.keys[i] = e
	e.t.Q.Pos = i
}

// Trim gives back what a burst left.
func (h *Heap) Trim() { h.keys = Shrink(h.keys, minTrim, minTrim/4) }

// Shrink returns keys itself while it fills a quarter of its capacity or
// its capacity is at most limit, and otherwise a copy with twice its
// length for capacity (at least floor): a heap that fills and empties
// every round keeps its array, one that a burst left behind gives it back.
func Shrink[E any](keys []E, limit, floor int) []E {
	n := len(keys)
	if c := cap(keys); c <= limit || n >= c/4 {
		return keys
	}
	return append(make([]E, 0, max(2*n, floor)), keys...)
}
