package heap

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/evloop/evloop/api"
)

// check verifies the heap's invariants: heap order over (when, seq),
// Len equal to the live entries, one live entry per queued timer, dead
// entries bounded as compact promises.
func check(t *testing.T, q *Queue, queued []api.Timer) {
	t.Helper()
	live := 0
	seen := map[*api.Timer]bool{}
	for i := heap0; i < len(q.keys); i++ {
		e := &q.keys[i]
		if i > heap0 && e.before(&q.keys[parent(i)]) {
			t.Fatalf("keys[%d] = (%d, %d) before its parent (%d, %d); want heap order", i, e.when, e.seq, q.keys[parent(i)].when, q.keys[parent(i)].seq)
		}
		if q.isLive(e) {
			if seen[e.t] {
				t.Fatalf("timer %p has two live entries", e.t)
			}
			seen[e.t] = true
			if e.when != e.t.Deadline {
				t.Fatalf("live entry when = %d; want the timer's deadline %d", e.when, e.t.Deadline)
			}
			live++
		}
	}
	if q.Len() != live {
		t.Fatalf("Len() = %d; want %d live entries", q.Len(), live)
	}
	for i := range queued {
		if queued[i].Queued() != seen[&queued[i]] {
			t.Fatalf("timer %d: Queued() = %v, has a live entry = %v; want them equal", i, queued[i].Queued(), seen[&queued[i]])
		}
	}
	if dead := len(q.keys) - heap0 - live; dead > max(q.deadRatio()*live, minCompact) {
		t.Fatalf("%d dead entries beside %d live; want at most max(%d*live, %d)", dead, live, q.deadRatio(), minCompact)
	}
}

// filled returns a queue holding n timers, due at 0 to n-1.
func filled(n int) (*Queue, []api.Timer) {
	q := New()
	ts := make([]api.Timer, n)
	for i := range ts {
		ts[i].Deadline = int64(i)
		q.Push(&ts[i])
	}
	return q, ts
}

// TestLazyRemoval churns timers (removals, moves, expiries) and checks
// the invariants after every step.
func TestLazyRemoval(t *testing.T) {
	q := New()
	ts := make([]api.Timer, 500)
	rng := rand.New(rand.NewPCG(3, 4))
	now := int64(0)
	for step := range 20000 {
		x := &ts[rng.IntN(len(ts))]
		switch r := rng.IntN(10); {
		case r < 5:
			x.Deadline = now + rng.Int64N(1000)
			q.Push(x)
		case r < 8:
			q.Remove(x)
		default:
			now += rng.Int64N(20)
			last := int64(-1 << 63)
			q.Expire(now, func(e *api.Timer) {
				if e.Deadline > now || e.Deadline < last {
					t.Fatalf("step %d: Expire(%d) handed over deadline %d after %d; want due, in order", step, now, e.Deadline, last)
				}
				last = e.Deadline
			})
		}
		check(t, q, ts)
	}
}

// TestCompaction removes most of a large queue: the dead entries are
// dropped without waiting for them to reach the root, the timers they
// pointed at are released, and what is left still fires in order.
func TestCompaction(t *testing.T) {
	q := New()
	ts := make([]api.Timer, 10000)
	for i := range ts {
		ts[i].Deadline = int64(len(ts) - i)
		q.Push(&ts[i])
	}
	for i := range ts[:9000] {
		q.Remove(&ts[i])
	}
	check(t, q, ts)
	if n := len(q.keys) - heap0; n > 2*1000 {
		t.Fatalf("%d entries hold 1000 timers; want compaction to have dropped the dead", n)
	}
	for i := len(q.keys); i < cap(q.keys); i++ {
		if q.keys[:cap(q.keys)][i].t != nil {
			t.Fatalf("keys[%d] past the end still points at a timer; want it cleared", i)
		}
	}
	var got []int64
	q.Expire(1<<62, func(e *api.Timer) { got = append(got, e.Deadline) })
	if len(got) != 1000 {
		t.Fatalf("Expire handed over %d timers; want 1000", len(got))
	}
	for i := range got {
		if got[i] != int64(i+1) {
			t.Fatalf("Expire's timer %d has deadline %d; want %d", i, got[i], i+1)
		}
	}
}

// TestRemovedThenPushedElsewhere moves a timer from one heap to another
// and back: the dead entry it left in the first must not come alive.
func TestRemovedThenPushedElsewhere(t *testing.T) {
	a, b := New(), New()
	var x, y api.Timer
	x.Deadline, y.Deadline = 10, 20
	a.Push(&x)
	a.Push(&y)
	a.Remove(&x)
	b.Push(&x)
	if a.Remove(&x) {
		t.Fatalf("a.Remove(x) = true after x moved to b; want false")
	}
	var fired []*api.Timer
	a.Expire(100, func(e *api.Timer) { fired = append(fired, e) })
	if len(fired) != 1 || fired[0] != &y {
		t.Fatalf("a.Expire(100) handed over %v; want only y", fired)
	}
	if !x.Queued() || b.Len() != 1 {
		t.Fatalf("x.Queued() = %v, b.Len() = %d; want x still in b", x.Queued(), b.Len())
	}
	b.Remove(&x)
	x.Deadline = 30
	a.Push(&x)
	if a.Len() != 1 {
		t.Fatalf("a.Len() = %d after x came back; want 1", a.Len())
	}
}

// TestExpireSkipsDead: an Expire whose due entries are all dead hands
// over nothing, and a full batch of them does not end Expire early.
func TestExpireSkipsDead(t *testing.T) {
	q, ts := filled(3 * batch)
	for i := range ts[:2*batch] {
		q.Remove(&ts[i])
	}
	n := q.Expire(int64(len(ts)), func(*api.Timer) {})
	if n != batch || q.Len() != 0 {
		t.Fatalf("Expire = %d, Len() = %d; want %d, 0", n, q.Len(), batch)
	}
	if d, ok := q.NextDeadline(); ok {
		t.Fatalf("NextDeadline() = %d, true on an empty queue; want false", d)
	}
}

// TestTrim: a burst's array is given back once it drained.
func TestTrim(t *testing.T) {
	q, ts := filled(100000)
	q.Expire(int64(len(ts)), func(*api.Timer) {})
	q.Trim()
	if c := cap(q.keys); c > minKeys {
		t.Fatalf("cap(keys) = %d after a drained burst and Trim; want <= %d", c, minKeys)
	}
}

// TestPushAllocatesNothing once the array has grown.
func TestPushAllocatesNothing(t *testing.T) {
	q, ts := filled(1000)
	rng := rand.New(rand.NewPCG(1, 2))
	// One run of 10,000, so that the count is exact: AllocsPerRun rounds
	// the average per run down.
	allocs := testing.AllocsPerRun(1, func() {
		for range 10_000 {
			x := &ts[rng.IntN(len(ts))]
			q.Remove(x)
			x.Deadline = rng.Int64N(1 << 40)
			q.Push(x)
		}
	})
	if allocs != 0 {
		t.Fatalf("10,000 Removes and Pushes: %v allocations; want 0", allocs)
	}
}

// TestExpireCompacts: timers moved earlier leave dead entries behind the
// live ones; once the live ones fire, the dead are dropped at once, not
// left holding the timers, nor popped one by one at the next
// NextDeadline.
func TestExpireCompacts(t *testing.T) {
	q := New()
	ts := make([]api.Timer, 1000)
	for i := range ts {
		ts[i].Deadline = int64(1000 + i)
		q.Push(&ts[i])
	}
	for i := range ts {
		ts[i].Deadline = int64(i)
		q.Push(&ts[i])
	}
	if n := q.Expire(999, func(*api.Timer) {}); n != len(ts) {
		t.Fatalf("Expire(999) = %d; want %d", n, len(ts))
	}
	check(t, q, ts)
}

// TestExpireSurvivesAPanic: a panic in fn loses no timer. Those of its
// batch fn was not given go back, live, in their order, for the next
// Expire; dead entries popped with them stay dropped.
func TestExpireSurvivesAPanic(t *testing.T) {
	q, ts := filled(40)
	q.Remove(&ts[5])
	func() {
		defer func() { recover() }()
		q.Expire(100, func(*api.Timer) { panic("callback") })
	}()
	check(t, q, ts)
	var got []int64
	q.Expire(100, func(tm *api.Timer) { got = append(got, tm.Deadline) })
	var want []int64
	for i := 1; i < len(ts); i++ {
		if i != 5 {
			want = append(want, int64(i))
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after a panic on the first timer, Expire(100) handed over %v; want %v", got, want)
	}
}
