package conformance

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

// NewTimerQueue makes a fresh, empty queue for one case of
// [TestTimerQueue].
type NewTimerQueue func() api.TimerQueue

// TimerQueueOptions adjusts [TestTimerQueue] for a queue built on parts
// it does not control. nil, like the zero value, holds the queue to the
// whole contract.
type TimerQueueOptions struct {
	// AllocsPerOp is the mean number of allocations a steady-state Push,
	// Remove or Expire of one timer may make. The contract says zero; a
	// queue on a library that allocates tree nodes on splits (timers/btree)
	// states its amortized figure here, and its documentation says so.
	AllocsPerOp float64
}

func budgetText(b float64) string {
	if b == 0 {
		return "none (allocation-free in steady state)"
	}
	return fmt.Sprintf("at most %.3f (the budget given)", b)
}

// TestTimerQueue checks that the queues newQueue makes keep every contract
// of [api.TimerQueue]: they hand over exactly the timers that are due, in
// (deadline, insertion) order, never early and never twice, and agree with
// [ReferenceQueue] over a long random mix of operations. Each case runs as
// a subtest on a queue of its own, under a watchdog. opts may be nil.
func TestTimerQueue(t *testing.T, newQueue NewTimerQueue, opts *TimerQueueOptions) {
	t.Helper()
	runCases(t, timerCases, openQueue(newQueue, opts))
}

// openQueue makes each case's queue and gives the case its budget.
func openQueue(newQueue NewTimerQueue, opts *TimerQueueOptions) func(*recorder) api.TimerQueue {
	if opts == nil {
		opts = new(TimerQueueOptions)
	}
	return func(r *recorder) api.TimerQueue {
		r.allocBudget = opts.AllocsPerOp
		q := newQueue()
		if q == nil {
			r.Fatalf("new queue returned nil")
		}
		return q
	}
}

// FuzzTimerQueue drives the queues newQueues make and a [ReferenceQueue]
// with the same operations, decoded from the fuzzer's bytes, and fails on
// the first difference: with several queues, all of them agree with each
// other. Call it from a fuzz target:
//
//	func FuzzQueue(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue) }
//
// Seeds that reach level boundaries and huge jumps are added here; a
// package's testdata/fuzz corpus adds its own.
func FuzzTimerQueue(f *testing.F, newQueues ...NewTimerQueue) {
	f.Helper()
	for _, seed := range fuzzSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ops []byte) {
		for _, newQueue := range newQueues {
			runOps(t, newQueue(), ops)
		}
	})
}

var timerCases = []testCase[api.TimerQueue]{
	{name: "Empty", fn: queueEmpty},
	{name: "PushNil", fn: queuePushNil},
	{name: "Order", fn: queueOrder},
	{name: "FIFOTies", fn: queueFIFOTies},
	{name: "NeverEarly", fn: queueNeverEarly},
	{name: "RemoveTwice", fn: queueRemoveTwice},
	{name: "RemovedNeverFires", fn: queueRemovedNeverFires},
	{name: "NextDeadline", fn: queueNextDeadline},
	{name: "SleepUntilNextDeadline", fn: queueSleepUntilNextDeadline},
	{name: "PushAgain", fn: queuePushAgain},
	{name: "PushQueuedMoves", fn: queuePushQueuedMoves},
	{name: "ExtremeDeadlines", fn: queueExtremeDeadlines},
	{name: "ExpireBackwards", fn: queueExpireBackwards},
	{name: "YearJump", fn: queueYearJump},
	{name: "Boundaries", fn: queueBoundaries},
	{name: "DenseExpiry", fn: queueDenseExpiry},
	{name: "Differential", fn: queueDifferential},
	{name: "Allocs", fn: queueAllocs},
}

// --- helpers ---

// newTimers returns n timers whose Value is their index.
func newTimers(n int) []api.Timer {
	ts := make([]api.Timer, n)
	for i := range ts {
		ts[i].Value = i
	}
	return ts
}

func push(t tb, q api.TimerQueue, tm *api.Timer, deadline int64) {
	t.Helper()
	tm.Deadline = deadline
	if err := q.Push(tm); err != nil {
		t.Fatalf("Push(deadline=%d) = %v; want nil", deadline, err)
	}
}

// expire calls Expire(now) and returns the ids handed over, checking that
// none is early and that the count returned matches.
func expire(t tb, q api.TimerQueue, now int64) []int {
	t.Helper()
	var ids []int
	var wrong []string // reported after Expire returns, so that they name the case's line
	n := q.Expire(now, func(tm *api.Timer) {
		if tm.Deadline > now {
			wrong = append(wrong, fmt.Sprintf("Expire(now=%d) handed over a timer with deadline %d: early by %dns", now, tm.Deadline, tm.Deadline-now))
		}
		if tm.Queued() {
			wrong = append(wrong, fmt.Sprintf("Expire(now=%d) handed over timer %v still marked queued", now, tm.Value))
		}
		ids = append(ids, tm.Value.(int))
	})
	for _, msg := range wrong {
		t.Errorf("%s", msg)
	}
	if n != len(ids) {
		t.Errorf("Expire(now=%d) = %d; it handed over %d timers", now, n, len(ids))
	}
	return ids
}

func checkLen(t tb, q api.TimerQueue, want int) {
	t.Helper()
	if got := q.Len(); got != want {
		t.Errorf("Len() = %d; want %d", got, want)
	}
}

func checkIDs(t tb, call string, got, want []int) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s handed over %s; want %s", call, window(got, want), window(want, got))
	}
}

// window prints ids around the first place they differ from other, so
// that a long list shows where it goes wrong.
func window(ids, other []int) string {
	if len(ids) <= 24 {
		return fmt.Sprint(ids)
	}
	i := 0
	for i < len(ids) && i < len(other) && ids[i] == other[i] {
		i++
	}
	lo, hi := max(i-4, 0), min(i+8, len(ids))
	return fmt.Sprintf("...%v... (%d in all, positions %d to %d shown)", ids[lo:hi], len(ids), lo, hi-1)
}

// --- cases ---

func queueEmpty(t *recorder, q api.TimerQueue) {
	checkLen(t, q, 0)
	if d, ok := q.NextDeadline(); ok {
		t.Errorf("NextDeadline() of an empty queue = %d, true; want false", d)
	}
	if got := expire(t, q, math.MaxInt64); len(got) != 0 {
		t.Errorf("Expire(MaxInt64) of an empty queue handed over %v", got)
	}
	var tm api.Timer
	if q.Remove(&tm) {
		t.Errorf("Remove(timer never pushed) = true; want false")
	}
	if q.Remove(nil) {
		t.Errorf("Remove(nil) = true; want false")
	}
}

func queuePushNil(t *recorder, q api.TimerQueue) {
	if err := q.Push(nil); !errors.Is(err, api.ErrNilTimer) {
		t.Errorf("Push(nil) = %v; want an error matching api.ErrNilTimer", err)
	}
	checkLen(t, q, 0)
}

func queueOrder(t *recorder, q api.TimerQueue) {
	rng := rand.New(rand.NewPCG(1, 2))
	ts := newTimers(2000)
	for i := range ts {
		push(t, q, &ts[i], rng.Int64N(1_000_000))
	}
	checkLen(t, q, len(ts))
	want := sortedIDs(ts)
	got := expire(t, q, math.MaxInt64-1)
	checkIDs(t, "Expire(MaxInt64-1)", got, want)
	checkLen(t, q, 0)
}

// sortedIDs returns the ids of ts in (deadline, Seq) order.
func sortedIDs(ts []api.Timer) []int {
	ptrs := make([]*api.Timer, len(ts))
	for i := range ts {
		ptrs[i] = &ts[i]
	}
	slices.SortFunc(ptrs, func(a, b *api.Timer) int {
		if a.Before(b) {
			return -1
		}
		return 1
	})
	ids := make([]int, len(ptrs))
	for i, p := range ptrs {
		ids[i] = p.Value.(int)
	}
	return ids
}

func queueFIFOTies(t *recorder, q api.TimerQueue) {
	ts := newTimers(900)
	var want []int
	// Three deadlines, pushed interleaved; every third timer removed.
	for i := range ts {
		push(t, q, &ts[i], int64(1000+(i%3)*7))
	}
	for i := range ts {
		if i%5 == 0 {
			if !q.Remove(&ts[i]) {
				t.Fatalf("Remove(timer %d) = false; want true", i)
			}
		}
	}
	for d := range 3 {
		for i := range ts {
			if i%3 == d && i%5 != 0 {
				want = append(want, i)
			}
		}
	}
	got := expire(t, q, 2000)
	checkIDs(t, "Expire(2000) of equal deadlines", got, want)
}

func queueNeverEarly(t *recorder, q api.TimerQueue) {
	ts := newTimers(200)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range ts {
		push(t, q, &ts[i], 1+rng.Int64N(5_000_000_000))
	}
	want := sortedIDs(ts)
	var got []int
	deadlines := make([]int64, len(ts))
	for i := range ts {
		deadlines[i] = ts[i].Deadline
	}
	slices.Sort(deadlines)
	for _, d := range slices.Compact(deadlines) {
		if ids := expire(t, q, d-1); len(ids) != 0 {
			t.Fatalf("Expire(now=%d) handed over %v; the earliest pending deadline is %d", d-1, ids, d)
		}
		got = append(got, expire(t, q, d)...)
	}
	checkIDs(t, "Expire at each deadline", got, want)
}

func queueRemoveTwice(t *recorder, q api.TimerQueue) {
	ts := newTimers(3)
	for i := range ts {
		push(t, q, &ts[i], int64(100*(i+1)))
	}
	if !q.Remove(&ts[1]) {
		t.Errorf("Remove(queued timer) = false; want true")
	}
	if q.Remove(&ts[1]) {
		t.Errorf("second Remove = true; want false")
	}
	checkLen(t, q, 2)
	checkIDs(t, "Expire(1000)", expire(t, q, 1000), []int{0, 2})
	if q.Remove(&ts[0]) {
		t.Errorf("Remove(fired timer) = true; want false")
	}
	checkLen(t, q, 0)
}

func queueRemovedNeverFires(t *recorder, q api.TimerQueue) {
	ts := newTimers(1000)
	for i := range ts {
		push(t, q, &ts[i], int64(i%37))
	}
	var want []int
	for i := range ts {
		if i%4 != 1 {
			if !q.Remove(&ts[i]) {
				t.Fatalf("Remove(timer %d) = false; want true", i)
			}
		}
	}
	for _, id := range sortedIDs(ts) {
		if id%4 == 1 {
			want = append(want, id)
		}
	}
	checkLen(t, q, len(want))
	checkIDs(t, "Expire(100)", expire(t, q, 100), want)
}

func queueNextDeadline(t *recorder, q api.TimerQueue) {
	ts := newTimers(3)
	push(t, q, &ts[0], 5_000)
	push(t, q, &ts[1], 9_000_000_000)
	push(t, q, &ts[2], 70_000_000)
	checkNext := func(earliest int64) {
		t.Helper()
		d, ok := q.NextDeadline()
		if !ok || d > earliest {
			t.Errorf("NextDeadline() = %d, %v; want true and no later than the earliest deadline %d", d, ok, earliest)
		}
	}
	checkNext(5_000)
	q.Remove(&ts[0])
	checkNext(70_000_000)
	// A loop sleeping until NextDeadline must now reach the new earliest
	// timer, and nothing of the removed one.
	for step := 0; ; step++ {
		d, ok := q.NextDeadline()
		if !ok || step > 100 {
			t.Fatalf("NextDeadline() = %d, %v after %d steps; the timer due at 70000000 was not reached", d, ok, step)
		}
		if ids := expire(t, q, d); len(ids) > 0 {
			checkIDs(t, fmt.Sprintf("Expire(NextDeadline() = %d)", d), ids, []int{2})
			if d != 70_000_000 {
				t.Errorf("timer due at 70000000 handed over by Expire(%d)", d)
			}
			break
		}
	}
	checkNext(9_000_000_000)
	q.Remove(&ts[1])
	if d, ok := q.NextDeadline(); ok {
		t.Errorf("NextDeadline() = %d, true after removing every timer; want false", d)
	}
}

// queueSleepUntilNextDeadline sleeps, as a loop does, until NextDeadline, and checks that
// this reaches every timer in a bounded number of steps.
func queueSleepUntilNextDeadline(t *recorder, q api.TimerQueue) {
	ts := newTimers(6)
	deadlines := []int64{3, 4_097, 262_145_001, 16_777_217_000, 1 << 40, 1<<40 + 1}
	for i := range ts {
		push(t, q, &ts[i], deadlines[i])
	}
	var got []int
	for step := 0; q.Len() > 0; step++ {
		if step > 10_000 {
			t.Fatalf("after %d steps to NextDeadline, %d timers remain; a loop sleeping until NextDeadline makes no progress", step, q.Len())
		}
		d, ok := q.NextDeadline()
		if !ok {
			t.Fatalf("NextDeadline() = false with Len() = %d", q.Len())
		}
		got = append(got, expire(t, q, d)...)
	}
	checkIDs(t, "Expire(NextDeadline()) repeated", got, []int{0, 1, 2, 3, 4, 5})
}

func queuePushAgain(t *recorder, q api.TimerQueue) {
	ts := newTimers(2)
	push(t, q, &ts[0], 10)
	push(t, q, &ts[1], 20)
	q.Remove(&ts[0])
	push(t, q, &ts[0], 30) // after Remove
	checkIDs(t, "Expire(20)", expire(t, q, 20), []int{1})
	push(t, q, &ts[1], 30) // after it fired; ties with ts[0], pushed later
	checkLen(t, q, 2)
	checkIDs(t, "Expire(30)", expire(t, q, 30), []int{0, 1})
	checkLen(t, q, 0)
}

func queuePushQueuedMoves(t *recorder, q api.TimerQueue) {
	ts := newTimers(3)
	push(t, q, &ts[0], 100)
	push(t, q, &ts[1], 200)
	push(t, q, &ts[2], 300)
	push(t, q, &ts[0], 250) // later
	push(t, q, &ts[2], 50)  // earlier
	checkLen(t, q, 3)
	checkIDs(t, "Expire(1000)", expire(t, q, 1000), []int{2, 1, 0})
	push(t, q, &ts[0], 500)
	push(t, q, &ts[1], 500)
	push(t, q, &ts[0], 500) // same deadline: goes behind ts[1], as a new push
	checkIDs(t, "Expire(500)", expire(t, q, 500), []int{1, 0})
}

func queueExtremeDeadlines(t *recorder, q api.TimerQueue) {
	ts := newTimers(4)
	push(t, q, &ts[0], math.MaxInt64)
	push(t, q, &ts[1], math.MinInt64)
	push(t, q, &ts[2], -5)
	push(t, q, &ts[3], math.MaxInt64-1)
	checkIDs(t, "Expire(0)", expire(t, q, 0), []int{1, 2})
	checkIDs(t, "Expire(1<<62)", expire(t, q, 1<<62), nil)
	checkLen(t, q, 2)
	if d, ok := q.NextDeadline(); !ok || d > math.MaxInt64-1 {
		t.Errorf("NextDeadline() = %d, %v; want true, <= MaxInt64-1", d, ok)
	}
	checkIDs(t, "Expire(MaxInt64-1)", expire(t, q, math.MaxInt64-1), []int{3})
	checkIDs(t, "Expire(MaxInt64)", expire(t, q, math.MaxInt64), []int{0})
}

func queueExpireBackwards(t *recorder, q api.TimerQueue) {
	ts := newTimers(4)
	push(t, q, &ts[0], 100)
	push(t, q, &ts[1], 2000)
	checkIDs(t, "Expire(1000)", expire(t, q, 1000), []int{0})
	checkIDs(t, "Expire(500) after Expire(1000)", expire(t, q, 500), nil)
	push(t, q, &ts[2], 700) // in the past of the queue, future of now=500
	push(t, q, &ts[3], 300)
	checkIDs(t, "Expire(500)", expire(t, q, 500), []int{3})
	checkIDs(t, "Expire(1000)", expire(t, q, 1000), []int{2})
	checkIDs(t, "Expire(2000)", expire(t, q, 2000), []int{1})
}

// queueDenseExpiry puts many timers due close together (10 000 at random
// nanoseconds within 200 ms, 100 ms ahead) and expires them as a busy loop
// does: at most 50 µs apart, and at NextDeadline when that is sooner. A
// queue that moves its timers around meanwhile (a wheel's cascades, paced
// or not) must still hand over, at every step, exactly what the reference
// does, in (deadline, Seq) order, and never a timer before its deadline.
func queueDenseExpiry(t *recorder, q api.TimerQueue) {
	const n = 10_000
	span, lead, step := int64(200*time.Millisecond), int64(100*time.Millisecond), int64(50*time.Microsecond)
	rng := rand.New(rand.NewPCG(7, n))
	ref := new(ReferenceQueue)
	ts, rs := newTimers(n), newTimers(n)
	now := int64(time.Hour)
	q.Expire(now, func(*api.Timer) {})
	for i := range n {
		d := now + lead + rng.Int64N(span)
		push(t, q, &ts[i], d)
		rs[i].Deadline = d
		ref.Push(&rs[i])
	}
	var got, want []int
	for steps := 0; q.Len() > 0 || ref.Len() > 0; steps++ {
		if steps > 4*int(span+lead)/int(step)+20*n { // a NextDeadline that makes no progress
			t.Fatalf("after %d steps, Len() = %d, reference %d; want both drained", steps, q.Len(), ref.Len())
		}
		next := now + step
		if d, ok := q.NextDeadline(); ok {
			if rd, _ := ref.NextDeadline(); d > rd {
				t.Fatalf("NextDeadline() = %d at %d; want at most %d, the earliest deadline", d, now, rd)
			}
			next = min(next, max(d, now+1))
		}
		now = next
		got, want = got[:0], want[:0]
		q.Expire(now, func(tm *api.Timer) {
			if tm.Deadline > now {
				t.Errorf("Expire(%d) handed over a timer due at %d: early", now, tm.Deadline)
			}
			got = append(got, tm.Value.(int))
		})
		ref.Expire(now, func(tm *api.Timer) { want = append(want, tm.Value.(int)) })
		if !slices.Equal(got, want) {
			t.Fatalf("Expire(%d) handed over %d timers %v; want %d: %v", now, len(got), head(got), len(want), head(want))
		}
	}
}

// head returns the first few of xs, for messages.
func head(xs []int) []int { return xs[:min(len(xs), 8)] }

// queueYearJump schedules timers over a year and expires them in one call,
// as a loop does after a suspended laptop wakes up.
func queueYearJump(t *recorder, q api.TimerQueue) {
	const year = int64(365 * 24 * time.Hour)
	rng := rand.New(rand.NewPCG(5, 6))
	ts := newTimers(20000)
	for i := range ts {
		push(t, q, &ts[i], rng.Int64N(year))
	}
	expire(t, q, 0)
	want := sortedIDs(ts)
	checkIDs(t, "Expire(one year)", expire(t, q, year), want)
	checkLen(t, q, 0)
}

// queueBoundaries puts timers one nanosecond either side of powers of two
// and of 64^k multiples of common ticks, where timing wheels cascade.
func queueBoundaries(t *recorder, q api.TimerQueue) {
	var deadlines []int64
	for k := 1; k < 62; k++ {
		deadlines = append(deadlines, 1<<k-1, 1<<k, 1<<k+1)
	}
	for _, tick := range []int64{1_000, 1_000_000} {
		for span := tick; span < 1<<56; span *= 64 {
			deadlines = append(deadlines, span-1, span, span+1, 63*span, 64*span-1)
		}
	}
	ts := newTimers(len(deadlines))
	for i, d := range deadlines {
		push(t, q, &ts[i], d)
	}
	want := sortedIDs(ts)
	var got []int
	// Advance in steps that land on and next to the boundaries.
	now := int64(0)
	for _, id := range want {
		d := ts[id].Deadline
		if d > now {
			got = append(got, expire(t, q, d-1)...)
			now = d
		}
		got = append(got, expire(t, q, d)...)
	}
	checkIDs(t, "Expire across level boundaries", got, want)
}

func queueDifferential(t *recorder, q api.TimerQueue) {
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, seed>>7))
	ops := make([]byte, 100_000*opBytes)
	for i := range ops {
		ops[i] = byte(rng.Uint32())
	}
	t.Logf("seed %d", seed)
	m := newModel(t, q)
	m.onFail = func() string { return fmt.Sprintf("random operations, seed %d", seed) }
	m.run(ops)
}

func queueAllocs(t *recorder, q api.TimerQueue) {
	budget := t.allocBudget
	ts := newTimers(1000)
	for i := range ts {
		push(t, q, &ts[i], int64(i)*1_000_000+1<<30)
	}
	i := 0
	step := func() {
		tm := &ts[i%len(ts)]
		q.Remove(tm)
		tm.Deadline = int64(i*7919%1_000_000_000) + 1<<30
		q.Push(tm)
		i++
	}
	for range 2 * len(ts) { // reach the steady state: every timer moved twice
		step()
	}
	churn := allocsPerRun(2000, step)
	if churn/2 > budget {
		t.Errorf("Remove+Push of a queued timer allocates %.3f times per operation; want %s", churn/2, budgetText(budget))
	}
	now := int64(0)
	fired := 0
	fn := func(*api.Timer) { fired++ }
	extra := newTimers(16)
	cycle := allocsPerRun(200, func() {
		for j := range extra {
			extra[j].Deadline = now + int64(j+1)
			q.Push(&extra[j])
		}
		now += int64(len(extra))
		q.Expire(now, fn)
	})
	if perOp := cycle / float64(2*len(extra)); perOp > budget {
		t.Errorf("Push+Expire of 16 timers allocates %.3f times per operation; want %s", perOp, budgetText(budget))
	}
	if want := (1 + allocRounds*200) * len(extra); fired != want {
		t.Errorf("Expire handed over %d timers in the allocation check; want %d", fired, want)
	}
}
