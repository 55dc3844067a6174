package wheel

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

func mustNew(t *testing.T, tick time.Duration) *Queue {
	t.Helper()
	q, err := New(&Options{Tick: tick})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestLevelBoundaries puts a timer one tick either side of every level
// boundary, from several starting points, and checks it fires exactly at
// its deadline: where published wheels have lost timers or fired early.
func TestLevelBoundaries(t *testing.T) {
	var offsets []int64
	for l := 1; l < levels; l++ {
		span := int64(1) << (slotBits * l)
		if span <= 0 {
			break
		}
		offsets = append(offsets, span-1, span, span+1, 2*span-1, 63*span, 64*span-1)
	}
	offsets = append(offsets, 1, 62, 63)
	bases := []int64{0, 1, 63, 64, 65, 4095, 4096, 1<<36 - 1, -1, -4097}
	for _, base := range bases {
		for _, off := range offsets {
			if base > 0 && off > (1<<62)-base {
				continue
			}
			q := mustNew(t, 1)
			q.Expire(base, func(*api.Timer) {})
			tm := &api.Timer{Deadline: base + off}
			q.Push(tm)
			if n := q.Expire(base+off-1, func(*api.Timer) {}); n != 0 {
				t.Fatalf("cur %d, deadline %d: Expire(%d) fired %d timers; one tick early", base, base+off, base+off-1, n)
			}
			if d, ok := q.NextDeadline(); !ok || d > base+off {
				t.Fatalf("cur %d, deadline %d: NextDeadline() = %d, %v", base, base+off, d, ok)
			}
			if n := q.Expire(base+off, func(*api.Timer) {}); n != 1 {
				t.Fatalf("cur %d, deadline %d: Expire(%d) fired %d timers; want 1", base, base+off, base+off, n)
			}
		}
	}
}

// TestJumpCost advances a year in one Expire: the work must follow the
// number of timers, not the ticks elapsed (3e10 at a millisecond).
func TestJumpCost(t *testing.T) {
	const year = int64(365 * 24 * time.Hour)
	for _, n := range []int{1, 10, 100_000} {
		q := mustNew(t, time.Millisecond)
		q.Expire(0, func(*api.Timer) {})
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		ts := make([]api.Timer, n)
		for i := range ts {
			ts[i].Deadline = 1 + rng.Int64N(year)
			q.Push(&ts[i])
		}
		fired := q.Expire(year, func(*api.Timer) {})
		if fired != n {
			t.Errorf("%d timers: Expire(one year) fired %d", n, fired)
		}
		if q.moved > n*levels {
			t.Errorf("%d timers: a jump of a year moved timers %d times; want at most %d (timers x levels)", n, q.moved, n*levels)
		}
	}
}

// TestCascadeOnce checks that timers within the current 64 ticks never
// cascade and that a timer a few levels out moves at most once per level.
func TestCascadeOnce(t *testing.T) {
	q := mustNew(t, 1)
	q.Expire(0, func(*api.Timer) {})
	near := &api.Timer{Deadline: 40}
	far := &api.Timer{Deadline: 3 << 24} // level 4
	q.Push(near)
	q.Push(far)
	for q.Len() > 0 {
		d, _ := q.NextDeadline()
		q.Expire(d, func(*api.Timer) {})
	}
	if q.moved > 1+4 {
		t.Errorf("moved %d times; want at most 5 (the near timer once, into the heap, the far one once per level)", q.moved)
	}
}

// TestPacedCascade: 1e5 timers due within 100 ms, 130 ms ahead, expired
// as a loop would: at NextDeadline (a loop with nothing else to do sleeps
// until then), or at most a tick apart. No Expire may move more than a
// few thousand timers: an unpaced wheel moved a whole 64 ms slot, some
// 40 000 of them, in one, and so did one that asked to be woken for the
// next slot only, when the loop slept past the slot before.
func TestPacedCascade(t *testing.T) {
	const n, tick = 100_000, int64(time.Millisecond)
	for _, c := range []struct {
		name string
		step func(now, next int64) int64
	}{
		{"sleeping", func(now, next int64) int64 { return max(now+1, next) }},
		{"busy", func(now, next int64) int64 { return max(now+1, min(next, now+tick)) }},
	} {
		q := mustNew(t, time.Millisecond)
		start := 12_345 * tick / 10 // not on a slot boundary
		q.Expire(start, func(*api.Timer) {})
		rng := rand.New(rand.NewPCG(1, 2))
		ts := make([]api.Timer, n)
		for i := range ts {
			ts[i].Deadline = start + 130*tick + rng.Int64N(100*tick) // none within level 0's reach
			q.Push(&ts[i])
		}
		now, fired, most := start, 0, 0
		for q.Len() > 0 {
			d, _ := q.NextDeadline()
			now = c.step(now, d)
			before := q.moved
			fired += q.Expire(now, func(tm *api.Timer) {
				if tm.Deadline > now {
					t.Fatalf("%s: Expire(%d) handed over a timer due at %d", c.name, now, tm.Deadline)
				}
			})
			most = max(most, q.moved-before)
		}
		if fired != n {
			t.Errorf("%s: fired %d timers; want %d", c.name, fired, n)
		}
		if most > 5000 {
			t.Errorf("%s: one Expire moved %d timers; want at most 5000 (cascades paced)", c.name, most)
		}
	}
}
