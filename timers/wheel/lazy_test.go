package wheel

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

// check verifies the slots' invariants: each slot's live count is the
// number of its entries whose timer still names it, the occupancy bits
// say which slots have live entries, dead entries are bounded as drop
// promises, every queued timer is in exactly one place, and spare arrays
// hold no timer for the collector.
func check(t *testing.T, q *Queue, queued []api.Timer) {
	t.Helper()
	seen := map[*api.Timer]bool{}
	total := 0
	for l := range levels {
		for s := range slots {
			b := &q.slot[l][s]
			pos, live := q.pos(l, s), 0
			for _, e := range b.es {
				if e.t.Q.Pos == pos && e.t.Q.Seq == e.seq {
					if seen[e.t] {
						t.Fatalf("slot %d/%d: timer %p has two live entries", l, s, e.t)
					}
					seen[e.t] = true
					live++
				}
			}
			if live != b.live {
				t.Fatalf("slot %d/%d: live = %d; want %d live entries", l, s, b.live, live)
			}
			if occ := q.occupied[l][s>>6]>>(s&63)&1 == 1; occ != (live > 0) {
				t.Fatalf("slot %d/%d: occupied = %v with %d live entries", l, s, occ, live)
			}
			if dead := len(b.es) - live; live == 0 && dead > 0 || dead > deadRatio*live+minDead {
				t.Fatalf("slot %d/%d: %d dead entries beside %d live; want at most %d*live+%d, none in an empty slot", l, s, dead, live, deadRatio, minDead)
			}
			total += live
		}
	}
	if total != q.inWheel {
		t.Fatalf("inWheel = %d; want %d live entries", q.inWheel, total)
	}
	inRun := map[*api.Timer]bool{}
	pos := q.pos(0, runID)
	for i, e := range q.run[q.ri:] {
		if e.t.Q.Pos == pos && e.t.Q.Seq == e.seq {
			if inRun[e.t] || seen[e.t] {
				t.Fatalf("run: timer %p has two live entries", e.t)
			}
			inRun[e.t] = true
		}
		if j := q.ri + i; j > q.ri && j < q.sorted && cmpRun(q.run[j-1], e) > 0 {
			t.Fatalf("run[%d] = (%d, %d) after (%d, %d) in its sorted part", j, e.when, e.seq, q.run[j-1].when, q.run[j-1].seq)
		}
	}
	if len(inRun) != q.runLive {
		t.Fatalf("runLive = %d; want %d live entries", q.runLive, len(inRun))
	}
	if dead := len(q.run) - q.ri - q.runLive; dead > deadRatio*q.runLive+minDead {
		t.Fatalf("run: %d dead entries beside %d live; want at most %d*live+%d", dead, q.runLive, deadRatio, minDead)
	}
	for i := range queued {
		x := &queued[i]
		if x.Queued() != (seen[x] || inRun[x]) {
			t.Fatalf("timer %d: Queued() = %v, in a slot = %v, in the run = %v; want queued timers in exactly one", i, x.Queued(), seen[x], inRun[x])
		}
	}
	for i, es := range q.spare {
		for _, e := range es[:cap(es)] {
			if e != (entry{}) {
				t.Fatalf("spare array %d holds timer %p; want spares cleared", i, e.t)
			}
		}
	}
}

// TestLazyRemoval churns timers (removals, moves, expiries at a tick of
// one nanosecond, so that they reach every level) and checks the
// invariants after every step.
func TestLazyRemoval(t *testing.T) {
	for _, chunk := range []int{1, DefaultChunk} {
		q, err := New(&Options{Tick: 1, Chunk: chunk})
		if err != nil {
			t.Fatal(err)
		}
		ts := make([]api.Timer, 300)
		rng := rand.New(rand.NewPCG(3, uint64(chunk)))
		now := int64(0)
		for step := range 20000 {
			x := &ts[rng.IntN(len(ts))]
			switch r := rng.IntN(10); {
			case r < 5:
				x.Deadline = now + rng.Int64N(1<<rng.IntN(30))
				q.Push(x)
			case r < 8:
				q.Remove(x)
			default:
				now += rng.Int64N(1 << rng.IntN(20))
				last := int64(-1 << 63)
				q.Expire(now, func(e *api.Timer) {
					if e.Deadline > now || e.Deadline < last {
						t.Fatalf("chunk %d, step %d: Expire(%d) handed over deadline %d after %d; want due, in order", chunk, step, now, e.Deadline, last)
					}
					last = e.Deadline
				})
			}
			check(t, q, ts)
		}
	}
}

// TestCompaction removes most timers of one slot: its dead entries are
// dropped without waiting for the slot's turn, and the rest still fire.
func TestCompaction(t *testing.T) {
	q := mustNew(t, time.Millisecond)
	ts := make([]api.Timer, 1000)
	for i := range ts {
		ts[i].Deadline = int64(time.Second) + int64(i) // one slot of level 1
		q.Push(&ts[i])
	}
	for i := 10; i < len(ts); i++ {
		q.Remove(&ts[i])
	}
	check(t, q, ts)
	l, s := 1, int(q.tickOf(int64(time.Second))>>slotBits)&(slots-1)
	if n := len(q.slot[l][s].es); n > deadRatio*10+minDead {
		t.Errorf("after removing 990 of 1000 timers in a slot, it holds %d entries; want at most %d", n, deadRatio*10+minDead)
	}
	if n := q.Expire(int64(2*time.Second), func(*api.Timer) {}); n != 10 {
		t.Errorf("Expire fired %d timers; want the 10 left", n)
	}
}

// TestRemovedThenPushedElsewhere: a timer removed from one wheel and pushed
// into another, into the same slot under the same seq, must not look live
// in the first, whose dead entry still points at it.
func TestRemovedThenPushedElsewhere(t *testing.T) {
	a, b := mustNew(t, time.Millisecond), mustNew(t, time.Millisecond)
	x, stay := &api.Timer{Deadline: int64(time.Second)}, &api.Timer{Deadline: int64(time.Second)}
	a.Push(x)    // seq 1 in a
	a.Push(stay) // keeps the slot, and x's dead entry, in a
	a.Remove(x)
	b.Push(x) // seq 1 in b, same slot
	var fired []*api.Timer
	a.Expire(int64(2*time.Second), func(tm *api.Timer) { fired = append(fired, tm) })
	if len(fired) != 1 || fired[0] != stay {
		t.Errorf("the first wheel fired %v; want only the timer it holds", fired)
	}
	if n := b.Expire(int64(2*time.Second), func(*api.Timer) {}); n != 1 {
		t.Errorf("the second wheel fired %d timers; want 1", n)
	}
}

// TestSlotArraysMove sweeps timers across slots as re-armed idle timeouts
// do while time passes: the arrays of emptied slots serve the slots being
// filled, so that after a first sweep nothing allocates.
func TestSlotArraysMove(t *testing.T) {
	q := mustNew(t, time.Millisecond)
	ts := make([]api.Timer, 1000)
	now := int64(0)
	i := 0
	step := func() {
		x := &ts[i%len(ts)]
		x.Deadline = now + int64(30*time.Second)
		q.Push(x)
		i++
		if i%100 == 0 {
			now += int64(500 * time.Millisecond)
			q.Expire(now, func(*api.Timer) {})
		}
	}
	for range 100_000 {
		step()
	}
	// One run of 10,000 re-arms, so that the count is exact: AllocsPerRun
	// rounds the average per run down.
	if a := testing.AllocsPerRun(1, func() {
		for range 10_000 {
			step()
		}
	}); a != 0 {
		t.Errorf("10,000 re-arms of 1000 timers as time passes allocate %v times; want 0", a)
	}
	check(t, q, ts)
}

// TestTrim: after a burst, Trim gives back the spare arrays (it keeps room
// for an entry per timer left, none here) and the room the burst left in
// the slots.
func TestTrim(t *testing.T) {
	q := mustNew(t, time.Millisecond)
	ts := make([]api.Timer, 100_000)
	for i := range ts {
		ts[i].Deadline = int64(time.Second) + int64(i)*int64(time.Microsecond)
		q.Push(&ts[i])
	}
	for i := range ts {
		q.Remove(&ts[i])
	}
	if len(q.spare) == 0 {
		t.Fatalf("no spare arrays after a burst was removed; the test needs some")
	}
	q.Trim()
	if len(q.spare) != 0 || q.spareCap != 0 {
		t.Errorf("after Trim with no timer left, %d spare arrays (%d entries); want none", len(q.spare), q.spareCap)
	}
	q.Push(&ts[0])
	check(t, q, ts)
}

// TestRunMerges: timers that reach the run after part of it was sorted
// are sorted and merged in, before and between those already there, and
// a removed one is skipped.
func TestRunMerges(t *testing.T) {
	q := mustNew(t, 1000*time.Second) // every deadline below is in the first tick
	q.Expire(0, func(*api.Timer) {})
	ts := make([]api.Timer, 8)
	push := func(i int, when int64) {
		ts[i].Deadline, ts[i].Value = when, i
		q.Push(&ts[i])
	}
	push(0, 50)
	push(1, 30)
	push(2, 30) // after 1: same deadline, pushed later
	if d, ok := q.NextDeadline(); d != 30 || !ok {
		t.Fatalf("NextDeadline() = %d, %v; want 30, true", d, ok)
	}
	push(3, 40)
	push(4, 10)
	push(5, 60)
	push(6, 30) // after 1 and 2
	push(7, 20)
	q.Remove(&ts[5])
	check(t, q, ts)
	var got []int
	q.Expire(100, func(tm *api.Timer) { got = append(got, int(tm.Value.(int))) })
	want := []int{4, 7, 1, 2, 6, 3, 0} // by deadline, ties in push order
	if !slices.Equal(got, want) {
		t.Fatalf("Expire(100) handed over timers %v; want %v", got, want)
	}
	check(t, q, ts)
}

// TestRunCompacts: timers re-armed over and over within the current tick
// leave dead entries in the run, which stay bounded.
func TestRunCompacts(t *testing.T) {
	q := mustNew(t, 1000*time.Second) // every deadline below is in the first tick
	q.Expire(0, func(*api.Timer) {})
	ts := make([]api.Timer, 10)
	for i := range 10_000 {
		x := &ts[i%len(ts)]
		x.Deadline = int64(1 + i%1000)
		q.Push(x)
	}
	check(t, q, ts)
	if n, bound := len(q.run)-q.ri, len(ts)*(deadRatio+1)+minDead; n > bound {
		t.Errorf("after 10,000 re-arms of 10 timers, the run holds %d entries; want at most %d", n, bound)
	}
}
