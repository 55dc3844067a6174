// Package timerheap is a 4-ary min-heap of timers ordered by the
// (Q.When, Q.Seq) the owning queue has filed them under. timers/heap is
// this heap with a sequence counter in front; the timing wheel keeps the
// timers of its current tick in one.
//
// The array holds (when, seq, *Timer) entries, so comparisons read the
// array and never chase a pointer, and each timer keeps its position in
// Q.Pos (index plus one), so Remove is O(log n) instead of a search: the
// layout of the Go runtime's timer heap and of libev's 4-heap. A 4-ary
// heap is shallower than a binary one and its four children share a cache
// line or two, which pays for the extra comparisons on the way down.
package timerheap

import "github.com/evloop/evloop/api"

const arity = 4

type entry struct {
	when int64
	seq  uint64
	t    *api.Timer
}

func (e *entry) before(f *entry) bool {
	return e.when < f.when || e.when == f.when && e.seq < f.seq
}

// Heap is a 4-ary min-heap of timers. The zero value is empty.
type Heap struct {
	a []entry
}

// minShrink is the capacity below which the array is never shrunk.
const minShrink = 1024

// Len returns the number of timers in the heap.
func (h *Heap) Len() int { return len(h.a) }

// Push adds t, which must not be in the heap, under t.Q.When and t.Q.Seq.
func (h *Heap) Push(t *api.Timer) {
	h.a = append(h.a, entry{when: t.Q.When, seq: t.Q.Seq, t: t})
	h.up(len(h.a) - 1)
}

// Holds reports whether t is in this heap. The check on the entry guards
// against a timer held elsewhere whose position happens to be in range.
func (h *Heap) Holds(t *api.Timer) bool {
	i := t.Q.Pos - 1
	return i >= 0 && i < len(h.a) && h.a[i].t == t
}

// Remove takes t out of the heap and reports whether it was there.
func (h *Heap) Remove(t *api.Timer) bool {
	if !h.Holds(t) {
		return false
	}
	h.removeAt(t.Q.Pos - 1)
	return true
}

// Min returns the earliest timer's deadline, and false if the heap is
// empty.
func (h *Heap) Min() (int64, bool) {
	if len(h.a) == 0 {
		return 0, false
	}
	return h.a[0].when, true
}

// PopDue removes and returns the earliest timer if its deadline is <= now.
func (h *Heap) PopDue(now int64) *api.Timer {
	if len(h.a) == 0 || h.a[0].when > now {
		return nil
	}
	t := h.a[0].t
	h.removeAt(0)
	return t
}

// removeAt takes out the entry at i by moving the last entry into its
// place and restoring the heap around it.
func (h *Heap) removeAt(i int) {
	h.a[i].t.Q.Pos = 0
	last := len(h.a) - 1
	if i != last {
		h.a[i] = h.a[last]
		h.a[i].t.Q.Pos = i + 1
	}
	h.a[last] = entry{} // drop the pointer for the collector
	h.a = h.a[:last]
	h.shrink()
	if i < last {
		if i > 0 && h.a[i].before(&h.a[(i-1)/arity]) {
			h.up(i)
		} else {
			h.down(i)
		}
	}
}

// shrink gives memory back once the heap has drained to a quarter of its
// capacity, so a burst of a million timers does not pin its array forever.
// Halving (not quartering) leaves room to grow again without thrashing.
func (h *Heap) shrink() {
	if c := cap(h.a); c > minShrink && len(h.a) < c/4 {
		h.a = append(make([]entry, 0, c/2), h.a...)
	}
}

func (h *Heap) up(i int) {
	e := h.a[i]
	for i > 0 {
		p := (i - 1) / arity
		if !e.before(&h.a[p]) {
			break
		}
		h.a[i] = h.a[p]
		h.a[i].t.Q.Pos = i + 1
		i = p
	}
	h.a[i] = e
	e.t.Q.Pos = i + 1
}

func (h *Heap) down(i int) {
	e := h.a[i]
	n := len(h.a)
	for {
		c := i*arity + 1
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+arity && j < n; j++ {
			if h.a[j].before(&h.a[best]) {
				best = j
			}
		}
		if !h.a[best].before(&e) {
			break
		}
		h.a[i] = h.a[best]
		h.a[i].t.Q.Pos = i + 1
		i = best
	}
	h.a[i] = e
	e.t.Q.Pos = i + 1
}
