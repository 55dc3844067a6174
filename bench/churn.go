package bench

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/timers"
	"github.com/evloop/evloop/timers/heap"
)

// W2a's deadlines are uniform in [now+1s, now+60s], so none fires while
// measured; the queue's clock stays at zero.
const (
	churnMin  = int64(time.Second)
	churnSpan = int64(59 * time.Second)
)

// Churn is W2a on q: n timers outstanding; one op cancels a random one and
// arms it again with a fresh random deadline, as a connection resetting
// its idle timeout does.
func Churn(b *testing.B, q api.TimerQueue, n int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	ts := make([]api.Timer, n)
	for i := range ts {
		ts[i].Deadline = churnMin + rng.Int64N(churnSpan)
		q.Push(&ts[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t := &ts[rng.IntN(n)]
		q.Remove(t)
		t.Deadline = churnMin + rng.Int64N(churnSpan)
		q.Push(t)
	}
}

// ChurnHeapDirect is Churn on the heap called through its own type
// rather than api.TimerQueue, as the compiler can then inline it: the
// difference is what the interface costs. It is a copy of Churn on
// purpose: a type parameter or a function argument would bring the
// indirect call back.
func ChurnHeapDirect(b *testing.B, n int) {
	q := heap.New()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	ts := make([]api.Timer, n)
	for i := range ts {
		ts[i].Deadline = churnMin + rng.Int64N(churnSpan)
		q.Push(&ts[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t := &ts[rng.IntN(n)]
		q.Remove(t)
		t.Deadline = churnMin + rng.Int64N(churnSpan)
		q.Push(t)
	}
}

// ChurnRuntime is W2a on the Go runtime's timers, what a Go program uses
// instead: time.AfterFunc, and Reset for the cancel-and-arm.
func ChurnRuntime(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	nop := func() {}
	ts := make([]*time.Timer, n)
	for i := range ts {
		ts[i] = time.AfterFunc(time.Duration(churnMin+rng.Int64N(churnSpan)), nop)
	}
	defer func() {
		for _, t := range ts {
			t.Stop()
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ts[rng.IntN(n)].Reset(time.Duration(churnMin + rng.Int64N(churnSpan)))
	}
}

// ChurnRawHeap is W2a's floor: a plain binary heap of (deadline, id)
// structs in a slice, with each id's position kept beside it so a cancel
// needs no search. No interface, no node, no sequence numbers.
func ChurnRawHeap(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	h := rawHeap{pos: make([]int32, n)}
	for id := range n {
		h.push(churnMin+rng.Int64N(churnSpan), int32(id))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		id := int32(rng.IntN(n))
		h.remove(h.pos[id])
		h.push(churnMin+rng.Int64N(churnSpan), id)
	}
}

type rawHeap struct {
	a   []rawEntry
	pos []int32
}

type rawEntry struct {
	when int64
	id   int32
}

func (h *rawHeap) push(when int64, id int32) {
	h.a = append(h.a, rawEntry{when, id})
	h.up(len(h.a) - 1)
}

func (h *rawHeap) remove(i int32) {
	last := int32(len(h.a) - 1)
	h.a[i] = h.a[last]
	h.pos[h.a[i].id] = i
	h.a = h.a[:last]
	if i < last {
		h.down(h.up(int(i)))
	}
}

func (h *rawHeap) up(i int) int {
	e := h.a[i]
	for i > 0 {
		p := (i - 1) / 2
		if h.a[p].when <= e.when {
			break
		}
		h.a[i] = h.a[p]
		h.pos[h.a[i].id] = int32(i)
		i = p
	}
	h.a[i] = e
	h.pos[e.id] = int32(i)
	return i
}

func (h *rawHeap) down(i int) {
	e := h.a[i]
	for {
		c := 2*i + 1
		if c >= len(h.a) {
			break
		}
		if c+1 < len(h.a) && h.a[c+1].when < h.a[c].when {
			c++
		}
		if e.when <= h.a[c].when {
			break
		}
		h.a[i] = h.a[c]
		h.pos[h.a[i].id] = int32(i)
		i = c
	}
	h.a[i] = e
	h.pos[e.id] = int32(i)
}

// A ChurnImpl is one implementation of W2a.
type ChurnImpl struct {
	Name string
	Run  func(b *testing.B, timers int)
}

// ChurnImpls lists W2a's implementations: every timer queue, the heap
// without the interface, the Go runtime's timers, the floor and libev's
// heap.
func ChurnImpls() []ChurnImpl {
	var impls []ChurnImpl
	for _, name := range timers.Names() {
		impls = append(impls, ChurnImpl{name, func(b *testing.B, n int) {
			q, err := timers.New(name)
			if err != nil {
				b.Fatal(err)
			}
			Churn(b, q, n)
		}})
	}
	return append(impls,
		ChurnImpl{"heap-direct", ChurnHeapDirect},
		ChurnImpl{"runtime-timers", ChurnRuntime},
		ChurnImpl{"raw-heap", ChurnRawHeap},
		ChurnImpl{"libev-heap", ChurnLibevHeap})
}
