package timerheap

import (
	"testing"

	"github.com/evloop/evloop/api"
)

// A burst of timers must not pin its array once it has drained.
func TestShrinksAfterBurst(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 1_000_000)
	for i := range ts {
		ts[i].Q.When, ts[i].Q.Seq = int64(i*7919%1_000_003), uint64(i)
		q.Push(&ts[i])
	}
	grown := cap(q.a)
	for i := range ts {
		if !q.Remove(&ts[i]) {
			t.Fatalf("Remove(timer %d) = false; want true", i)
		}
	}
	if q.Len() != 0 {
		t.Fatalf("Len() = %d after removing every timer; want 0", q.Len())
	}
	if c := cap(q.a); c > minShrink {
		t.Errorf("capacity %d after draining (it grew to %d); want at most %d", c, grown, minShrink)
	}
}

// The heap property and the positions the timers carry must hold after
// every kind of change.
func TestInvariants(t *testing.T) {
	var q Heap
	ts := make([]api.Timer, 300)
	check := func(when string) {
		t.Helper()
		for i := range q.a {
			if q.a[i].t.Q.Pos != i+1 {
				t.Fatalf("%s: entry %d carries position %d", when, i, q.a[i].t.Q.Pos-1)
			}
			if i > 0 && q.a[i].before(&q.a[(i-1)/arity]) {
				t.Fatalf("%s: entry %d sorts before its parent", when, i)
			}
		}
	}
	for i := range ts {
		ts[i].Q.When, ts[i].Q.Seq = int64(i*37%101), uint64(i)
		q.Push(&ts[i])
	}
	check("after pushes")
	for i := 0; i < len(ts); i += 3 {
		q.Remove(&ts[i])
	}
	check("after removes")
	for i := 1; i < len(ts); i += 4 {
		q.Remove(&ts[i])
		ts[i].Q.When = -int64(i)
		q.Push(&ts[i])
	}
	check("after moves")
	for q.PopDue(50) != nil {
	}
	check("after popping the due")
	if w, ok := q.Min(); ok && w <= 50 {
		t.Errorf("Min() = %d after popping everything due at 50", w)
	}
}
