package bench

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/timers"
)

// TestTimerMemory arms a million timers on each queue, removes them all
// without advancing time, trims the queue if it keeps memory until told
// (api.Trimmer: the loop tells it every few seconds), and checks that the
// queue is empty and has given its memory back. It logs what each queue
// holds per live timer beyond the api.Timer the caller owns.
func TestTimerMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("a million timers per queue")
	}
	const n = 1_000_000
	ts := make([]api.Timer, n) // the caller's, allocated before the baseline
	for _, name := range timers.Names() {
		q, err := timers.New(name)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		base := heapInUse()
		for i := range ts {
			ts[i].Deadline = churnMin + rng.Int64N(churnSpan)
			q.Push(&ts[i])
		}
		peak := heapInUse()
		for i := range ts {
			if !q.Remove(&ts[i]) {
				t.Fatalf("%s: Remove(timer %d) = false; want true", name, i)
			}
		}
		if q.Len() != 0 {
			t.Errorf("%s: Len() = %d after removing every timer; want 0", name, q.Len())
		}
		if tr, ok := q.(api.Trimmer); ok {
			tr.Trim()
		}
		after := heapInUse()
		grown := int64(peak) - int64(base)
		held := int64(after) - int64(base)
		t.Logf("%-6s %6.1f bytes per live timer at 1e6 (beside the caller's %d-byte api.Timer); %d bytes still held after removing all",
			name, float64(grown)/n, unsafe.Sizeof(api.Timer{}), held)
		if held > grown/8+256<<10 {
			t.Errorf("%s: %d bytes still held after removing all %d timers (it grew by %d); want them released", name, held, n, grown)
		}
		runtime.KeepAlive(q)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
