// Package timerheap is a 4-ary min-heap of timers ordered by the
// (Q.When, Q.Seq) the owning queue has filed them under. timers/heap is
// this heap with a sequence counter in front; the timing wheel keeps the
// timers of its current tick in one.
//
// # Layout
//
// The heap itself is an array of 16-byte (when, id) entries, four
// siblings to a cache line. Each queued timer has a small id, which its
// Q.Pos carries (plus one) from Push to removal; beside the entries,
// pos[id] says where a timer's entry is and timers[id] which timer it is,
// so a move writes two dense arrays and never the timer itself, and
// Remove is O(log n) without a search. That is libev's 4-heap of (at,
// watcher) with the position kept aside. Ties, two timers due at the same
// nanosecond, are broken by the timers' Q.Seq: the contract's push order,
// read through the timers only when deadlines are equal.
//
// The arrays keep their size after a burst drains: a queue that fills
// and empties every round does not reallocate every round. Trim gives the
// memory back; the loop calls it every few seconds of its clock.
package timerheap

import "github.com/evloop/evloop/api"

const arity = 4

// An entry is a timer's place in the heap: its deadline and its id.
type entry struct {
	when int64
	id   int32
}

// before orders entries by deadline, then by the order of the pushes.
func (h *Heap) before(a, b entry) bool {
	return a.when < b.when || a.when == b.when && h.timers[a.id].Q.Seq < h.timers[b.id].Q.Seq
}

// Heap is a 4-ary min-heap of timers. The zero value is empty.
type Heap struct {
	keys   []entry
	pos    []int32      // pos[id] is the index of timer id's entry
	timers []*api.Timer // timers[id]; nil for a free id
	free   []int32      // ids not in use
}

// minTrim is the capacity below which Trim leaves the arrays alone.
const minTrim = 1024

// Len returns the number of timers in the heap.
func (h *Heap) Len() int { return len(h.keys) }

// Push adds t, which must not be in the heap, under t.Q.When and t.Q.Seq.
func (h *Heap) Push(t *api.Timer) {
	var id int32
	if n := len(h.free); n > 0 {
		id, h.free = h.free[n-1], h.free[:n-1]
	} else {
		id = int32(len(h.timers))
		h.timers = append(h.timers, nil)
		h.pos = append(h.pos, 0)
	}
	h.timers[id] = t
	t.Q.Pos = int(id) + 1
	h.keys = append(h.keys, entry{t.Q.When, id})
	h.up(len(h.keys) - 1)
}

// Holds reports whether t is in this heap. The check on the id guards
// against a timer held elsewhere whose position happens to be in range.
func (h *Heap) Holds(t *api.Timer) bool {
	id := t.Q.Pos - 1
	return id >= 0 && id < len(h.timers) && h.timers[id] == t
}

// Fix moves t, which is in the heap, to its new t.Q.When and t.Q.Seq: a
// reschedule costs one sift instead of a removal and a push.
func (h *Heap) Fix(t *api.Timer) {
	// The timer's Seq is already its new one, which is later than every
	// other's: only the deadline can move it up.
	id := int32(t.Q.Pos - 1)
	i := int(h.pos[id])
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
	h.removeAt(int(h.pos[t.Q.Pos-1]))
	return true
}

// Min returns the earliest timer's deadline, and false if the heap is
// empty.
func (h *Heap) Min() (int64, bool) {
	if len(h.keys) == 0 {
		return 0, false
	}
	return h.keys[0].when, true
}

// batch is how many due timers Expire takes out before it hands them over.
const batch = 32

// Expire removes every timer whose deadline is <= now and calls fn with
// each, in (when, Seq) order, and returns how many. It works in batches:
// first it pops up to a batch of entries, which touches only the dense
// arrays, then it resolves their timers, then it calls fn. Popping one
// timer and handing it over before the next pop has each sift wait behind
// the cache misses of the timer and of what fn touches; in a batch, the
// sifts run back to back and the misses overlap. fn must not call the
// heap's methods, as [api.TimerQueue.Expire] says. If fn panics, the
// timers of its batch it has not been given go back into the heap, so
// that none is lost.
func (h *Heap) Expire(now int64, fn func(*api.Timer)) (n int) {
	var ids [batch]int32
	var due [batch]*api.Timer
	k, next := 0, 0
	defer func() {
		for _, t := range due[next:k] { // only after a panic in fn
			h.Push(t)
		}
	}()
	for {
		k, next = 0, 0
		for ; k < batch && len(h.keys) > 0 && h.keys[0].when <= now; k++ {
			ids[k] = h.keys[0].id
			h.removeKey(0)
		}
		for j, id := range ids[:k] {
			due[j] = h.release(id)
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

// removeAt takes out the key at i and frees its id.
func (h *Heap) removeAt(i int) {
	id := h.keys[i].id
	h.removeKey(i)
	h.release(id)
}

// removeKey takes out the key at i by moving the last key into its place
// and restoring the heap around it. Its timer stays filed under its id.
func (h *Heap) removeKey(i int) {
	last := len(h.keys) - 1
	moved := h.keys[last]
	h.keys = h.keys[:last]
	if i < last {
		h.keys[i] = moved
		h.pos[moved.id] = int32(i)
		if i > 0 && h.before(moved, h.keys[(i-1)/arity]) {
			h.up(i)
		} else {
			h.down(i)
		}
	}
}

// release frees id, whose key is out of the heap, and returns its timer.
func (h *Heap) release(id int32) *api.Timer {
	t := h.timers[id]
	t.Q.Pos = 0
	h.timers[id] = nil // drop the pointer for the collector
	h.free = append(h.free, id)
	return t
}

func (h *Heap) up(i int) {
	e := h.keys[i]
	for i > 0 {
		p := (i - 1) / arity
		if !h.before(e, h.keys[p]) {
			break
		}
		h.keys[i] = h.keys[p]
		h.pos[h.keys[i].id] = int32(i)
		i = p
	}
	h.keys[i] = e
	h.pos[e.id] = int32(i)
}

func (h *Heap) down(i int) {
	e := h.keys[i]
	n := len(h.keys)
	for {
		c := i*arity + 1
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+arity && j < n; j++ {
			if h.before(h.keys[j], h.keys[best]) {
				best = j
			}
		}
		if !h.before(h.keys[best], e) {
			break
		}
		h.keys[i] = h.keys[best]
		h.pos[h.keys[i].id] = int32(i)
		i = best
	}
	h.keys[i] = e
	h.pos[e.id] = int32(i)
}

// Trim gives back what a burst left: once the heap holds under a quarter
// of its capacity, its arrays are made anew at twice its size and the ids
// are numbered afresh (every queued timer's Q.Pos changes).
func (h *Heap) Trim() {
	n := len(h.keys)
	if c := max(cap(h.keys), cap(h.timers)); c <= minTrim || n >= c/4 {
		return
	}
	size := max(2*n, minTrim/4)
	keys := make([]entry, n, size)
	pos := make([]int32, n, size)
	timers := make([]*api.Timer, n, size)
	for i, e := range h.keys {
		t := h.timers[e.id]
		keys[i], timers[i], pos[i] = entry{e.when, int32(i)}, t, int32(i)
		t.Q.Pos = i + 1
	}
	*h = Heap{keys: keys, pos: pos, timers: timers}
}
