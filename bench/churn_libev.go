package bench

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// ChurnLibevHeap is W2a on libev's timer heap, ported from ev.c so that
// the goal "at libev" can be measured in the same process: a 4-ary heap
// whose entries cache the deadline beside the watcher pointer (ANHE with
// EV_HEAP_CACHE_AT), rooted at HEAP0 = 3 so that four siblings share a
// cache line, and each watcher's heap index kept in the watcher
// (ev_active), written on every move. Unlike raw-heap, it touches the
// caller's record on every operation, as libev and every evloop queue do:
// the watchers are 48-byte records in one array, as a C program's
// ev_timer array would be. One op is ev_timer_stop, a new deadline, and
// ev_timer_start.
func ChurnLibevHeap(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	h := newLibevHeap(n)
	ws := make([]evTimer, n)
	for i := range ws {
		ws[i].at = churnMin + rng.Int64N(churnSpan)
		h.start(&ws[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &ws[rng.IntN(n)]
		h.stop(w)
		w.at = churnMin + rng.Int64N(churnSpan)
		h.start(w)
	}
}

// evTimer is libev's ev_timer (48 bytes on 64-bit platforms): EV_WATCHER's
// active, pending, priority, data and cb, then at and repeat. The fields
// the heap does not use are blank, there for the record's size.
type evTimer struct {
	active, pending int32
	_               int32          // priority
	_               unsafe.Pointer // data
	_               func()         // cb
	at              int64
	_               int64 // repeat
}

// anhe is libev's heap entry with the deadline cached: comparisons never
// leave the heap array.
type anhe struct {
	at int64
	w  *evTimer
}

const (
	libevD     = 4          // DHEAP
	libevHeap0 = libevD - 1 // HEAP0: the root's index
)

type libevHeap struct {
	heap []anhe // heap[:libevHeap0] unused
	cnt  int    // timercnt
}

func newLibevHeap(n int) *libevHeap {
	return &libevHeap{heap: make([]anhe, libevHeap0, n+libevHeap0)}
}

func libevParent(k int) int { return (k-libevHeap0-1)/libevD + libevHeap0 }

// start is ev_timer_start with a deadline already absolute.
func (h *libevHeap) start(w *evTimer) {
	h.cnt++
	w.active = int32(h.cnt + libevHeap0 - 1)
	h.heap = append(h.heap, anhe{w.at, w})
	h.upheap(int(w.active))
}

// stop is ev_timer_stop.
func (h *libevHeap) stop(w *evTimer) {
	w.pending = 0 // clear_pending
	if w.active == 0 {
		return
	}
	active := int(w.active)
	h.cnt--
	last := h.cnt + libevHeap0
	if active < last {
		h.heap[active] = h.heap[last]
		h.heap = h.heap[:last]
		h.adjust(active)
	} else {
		h.heap = h.heap[:last]
	}
	w.active = 0
}

func (h *libevHeap) adjust(k int) {
	if k > libevHeap0 && h.heap[k].at <= h.heap[libevParent(k)].at {
		h.upheap(k)
	} else {
		h.downheap(k)
	}
}

func (h *libevHeap) upheap(k int) {
	he := h.heap[k]
	for {
		p := libevParent(k)
		if p == k || h.heap[p].at <= he.at {
			break
		}
		h.heap[k] = h.heap[p]
		h.heap[k].w.active = int32(k)
		k = p
	}
	h.heap[k] = he
	he.w.active = int32(k)
}

func (h *libevHeap) downheap(k int) {
	he := h.heap[k]
	end := len(h.heap)
	for {
		pos := libevD*(k-libevHeap0) + libevHeap0 + 1
		if pos >= end {
			break
		}
		minpos, minat := pos, h.heap[pos].at
		for c := pos + 1; c < pos+libevD && c < end; c++ {
			if minat > h.heap[c].at {
				minpos, minat = c, h.heap[c].at
			}
		}
		if he.at <= minat {
			break
		}
		h.heap[k] = h.heap[minpos]
		h.heap[k].w.active = int32(k)
		k = minpos
	}
	h.heap[k] = he
	he.w.active = int32(k)
}
