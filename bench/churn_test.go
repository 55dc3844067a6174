package bench

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
)

var large = flag.Bool("large", false, "also run the largest sizes of each workload (1e6 timers)")

// BenchmarkTimerChurn is W2a for every timer queue, the runtime's timers
// and the floor.
func BenchmarkTimerChurn(b *testing.B) {
	sizes := []int{1000, 100_000}
	if *large {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		for _, impl := range ChurnImpls() {
			b.Run(fmt.Sprintf("impl=%s/timers=%d", impl.Name, n), func(b *testing.B) { impl.Run(b, n) })
		}
	}
}

// TestRawHeap checks the floor against a sorted order: a wrong floor would
// flatter every ratio.
func TestRawHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 500
	h := rawHeap{pos: make([]int32, n)}
	when := make([]int64, n)
	for id := range n {
		when[id] = rng.Int64N(1000)
		h.push(when[id], int32(id))
	}
	for range 5000 {
		id := int32(rng.IntN(n))
		h.remove(h.pos[id])
		when[id] = rng.Int64N(1000)
		h.push(when[id], id)
	}
	for i, e := range h.a {
		if h.pos[e.id] != int32(i) || when[e.id] != e.when {
			t.Fatalf("entry %d: id %d at recorded position %d, deadline %d; want position %d, deadline %d", i, e.id, h.pos[e.id], e.when, i, when[e.id])
		}
		if i > 0 && h.a[(i-1)/2].when > e.when {
			t.Fatalf("entry %d (deadline %d) is earlier than its parent (%d)", i, e.when, h.a[(i-1)/2].when)
		}
	}
}

// TestLibevHeap checks the port of libev's heap the same way, and that
// every watcher knows its index.
func TestLibevHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 500
	h := newLibevHeap(n)
	ws := make([]evTimer, n)
	for i := range ws {
		ws[i].at = rng.Int64N(1000)
		h.start(&ws[i])
	}
	for range 5000 {
		w := &ws[rng.IntN(n)]
		h.stop(w)
		w.at = rng.Int64N(1000)
		h.start(w)
	}
	if got := len(h.heap) - libevHeap0; got != n {
		t.Fatalf("heap holds %d watchers; want %d", got, n)
	}
	for k := libevHeap0; k < len(h.heap); k++ {
		e := h.heap[k]
		if int(e.w.active) != k || e.at != e.w.at {
			t.Fatalf("entry %d: watcher at index %d, cached deadline %d; want index %d, deadline %d", k, e.w.active, e.at, k, e.w.at)
		}
		if k > libevHeap0 && h.heap[libevParent(k)].at > e.at {
			t.Fatalf("entry %d (deadline %d) is earlier than its parent (%d)", k, e.at, h.heap[libevParent(k)].at)
		}
	}
}
