package timerheap

import (
	"testing"

	"github.com/evloop/evloop/api"
)

// A burst of timers must not pin its arrays once it has drained and the
// heap has been trimmed; the timers still queued keep working.
func TestTrimAfterBurst(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 1_000_000)
	for i := range ts {
		ts[i].Q.When, ts[i].Q.Seq = int64(i*7919%1_000_003), uint64(i)
		q.Push(&ts[i])
	}
	grown := cap(q.keys)
	for i := range ts[10:] {
		if !q.Remove(&ts[10+i]) {
			t.Fatalf("Remove(timer %d) = false; want true", 10+i)
		}
	}
	q.Trim()
	if c := cap(q.keys); c > minTrim {
		t.Errorf("capacity %d after draining to 10 and Trim (it grew to %d); want at most %d", c, grown, minTrim)
	}
	for i := range ts[:10] {
		if !q.Remove(&ts[i]) {
			t.Errorf("Remove(timer %d) after Trim = false; want true", i)
		}
	}
	if q.Len() != 0 {
		t.Errorf("Len() = %d; want 0", q.Len())
	}
}

// A heap that fills and drains every round reallocates nothing after the
// first: no shrinking and growing again per burst.
func TestBurstsReuseArrays(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 10_000)
	round := func() {
		for i := range ts {
			ts[i].Q.When, ts[i].Q.Seq = int64(i*7919%10_007), uint64(i)
			q.Push(&ts[i])
		}
		q.Expire(1<<62, func(*api.Timer) {})
	}
	round()
	if n := testing.AllocsPerRun(5, round); n != 0 {
		t.Errorf("a round of 10 000 pushes and pops allocates %v times; want 0", n)
	}
}

// The heap property, the cached deadlines and the timers' positions must
// hold after every kind of change.
func TestInvariants(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 300)
	check := func(when string) {
		t.Helper()
		for i := Root; i < len(q.keys); i++ {
			e := q.keys[i]
			if e.t.Q.Pos != i || e.t.Q.When != e.when {
				t.Fatalf("%s: key %d's timer carries Pos %d, When %d; want %d, %d", when, i, e.t.Q.Pos, e.t.Q.When, i, e.when)
			}
			if i > Root && before(e, q.keys[Parent(i)]) {
				t.Fatalf("%s: key %d sorts before its parent", when, i)
			}
		}
	}
	seq := uint64(0)
	for i := range ts {
		seq++
		ts[i].Q.When, ts[i].Q.Seq = int64(i*37%101), seq
		q.Push(&ts[i])
	}
	check("after pushes")
	for i := 0; i < len(ts); i += 3 {
		q.Remove(&ts[i])
	}
	check("after removes")
	for i := 1; i < len(ts); i += 4 {
		q.Remove(&ts[i])
		seq++
		ts[i].Q.When, ts[i].Q.Seq = -int64(i), seq
		q.Push(&ts[i])
	}
	check("after moves")
	for i := 2; i < len(ts); i += 5 {
		if q.Holds(&ts[i]) {
			seq++
			ts[i].Q.When, ts[i].Q.Seq = int64(200-i), seq
			q.Fix(&ts[i])
		}
	}
	check("after fixes")
	q.Trim()
	check("after a trim")
	q.Expire(50, func(*api.Timer) {})
	check("after expiring the due")
	if w, ok := q.Min(); ok && w <= 50 {
		t.Errorf("Min() = %d after popping everything due at 50", w)
	}
}

// A timer of another heap, at the same position, is not this heap's.
func TestHoldsOnlyItsOwn(t *testing.T) {
	var a, b Heap
	var ta, tb api.Timer
	a.Push(&ta)
	b.Push(&tb)
	if a.Holds(&tb) || a.Remove(&tb) {
		t.Fatal("heap a holds (and removes) heap b's timer, which has the same id")
	}
	if !b.Holds(&tb) || !a.Holds(&ta) {
		t.Error("a heap does not hold its own timer")
	}
	a.Trim()
	if !a.Remove(&ta) || a.Holds(&ta) {
		t.Error("Remove of a heap's own timer after Trim failed, or left it held")
	}
}

// Expire hands over every due timer, across several batches and a
// partial one, in (when, Seq) order, each already out of the heap, and
// leaves the rest in place.
func TestExpireInBatches(t *testing.T) {
	var q Heap
	const n, now = 3*batch + 40, batch + 2
	want := 2 * (now + 1) // two timers to each deadline up to now
	ts := make([]api.Timer, n)
	for i := range ts {
		// Deadlines in a scrambled order, two timers to a deadline.
		ts[i].Q.When, ts[i].Q.Seq = int64(i*7%n/2), uint64(i)
		q.Push(&ts[i])
	}
	var got []*api.Timer
	count := q.Expire(now, func(tm *api.Timer) {
		if tm.Q.Pos != 0 || q.Holds(tm) {
			t.Errorf("Expire handed over a timer (When %d) still in the heap", tm.Q.When)
		}
		got = append(got, tm)
	})
	if count != len(got) || count != want {
		t.Fatalf("Expire(%d) = %d, handing over %d timers; want %d", now, count, len(got), want)
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if a.Q.When > b.Q.When || a.Q.When == b.Q.When && a.Q.Seq > b.Q.Seq {
			t.Fatalf("Expire handed over (%d, %d) after (%d, %d)", b.Q.When, b.Q.Seq, a.Q.When, a.Q.Seq)
		}
	}
	if q.Len() != n-count {
		t.Errorf("Len() = %d after Expire; want %d", q.Len(), n-count)
	}
	if w, ok := q.Min(); !ok || w != now+1 {
		t.Errorf("Min() = %d, %v after Expire; want %d, true", w, ok, now+1)
	}
	for i := range ts {
		if ts[i].Q.When > now && !q.Remove(&ts[i]) {
			t.Errorf("Remove(a timer due later) = false; want true")
		}
	}
}

// A panic in fn loses no timer: those of its batch fn was not given stay
// queued, in their order, for the next Expire.
func TestExpireSurvivesAPanic(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 40)
	for i := range ts {
		ts[i].Q.When, ts[i].Q.Seq = int64(i), uint64(i)
		q.Push(&ts[i])
	}
	func() {
		defer func() { recover() }()
		q.Expire(100, func(*api.Timer) { panic("callback") })
	}()
	var got []int64
	q.Expire(100, func(tm *api.Timer) { got = append(got, tm.Q.When) })
	if len(got) != len(ts)-1 {
		t.Fatalf("after a panic on the first timer, Expire(100) handed over %d timers; want %d", len(got), len(ts)-1)
	}
	for i, w := range got {
		if w != int64(i+1) {
			t.Fatalf("after a panic, Expire handed over deadline %d at %d; want %d", w, i, i+1)
		}
	}
}
