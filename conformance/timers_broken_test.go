package conformance

import (
	"slices"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/timers/heap"
)

// The suite is only as good as the bugs it catches. Each broken queue here
// has one defect a real queue has had; the suite must fail it, in the case
// named.

type earlyQueue struct{ api.TimerQueue }

// Expire fires timers one nanosecond early.
func (q earlyQueue) Expire(now int64, fn func(*api.Timer)) int {
	if now < 1<<62 {
		now++
	}
	return q.TimerQueue.Expire(now, fn)
}

type lifoTiesQueue struct {
	api.TimerQueue
	due []*api.Timer
}

// Expire hands over equal deadlines last in, first out.
func (q *lifoTiesQueue) Expire(now int64, fn func(*api.Timer)) int {
	q.due = q.due[:0]
	n := q.TimerQueue.Expire(now, func(t *api.Timer) { q.due = append(q.due, t) })
	for i := 0; i < len(q.due); {
		j := i + 1
		for j < len(q.due) && q.due[j].Deadline == q.due[i].Deadline {
			j++
		}
		slices.Reverse(q.due[i:j])
		i = j
	}
	for _, t := range q.due {
		fn(t)
	}
	return n
}

type forgetfulQueue struct {
	api.TimerQueue
	removes int
}

// Remove forgets one removal in seven, but says it removed.
func (q *forgetfulQueue) Remove(t *api.Timer) bool {
	q.removes++
	if q.removes%7 == 0 && t != nil && t.Queued() {
		return true
	}
	return q.TimerQueue.Remove(t)
}

type lateNextQueue struct{ api.TimerQueue }

// NextDeadline answers one nanosecond after the earliest deadline.
func (q lateNextQueue) NextDeadline() (int64, bool) {
	d, ok := q.TimerQueue.NextDeadline()
	if ok && d < 1<<62 {
		d++
	}
	return d, ok
}

type jumpLosesQueue struct {
	api.TimerQueue
	now int64
}

// Expire loses the due timers when time jumps by more than an hour, as a
// wheel that cascades only one level per tick does.
func (q *jumpLosesQueue) Expire(now int64, fn func(*api.Timer)) int {
	jump := now-q.now > 3600e9
	q.now = max(q.now, now)
	return q.TimerQueue.Expire(now, func(t *api.Timer) {
		if !jump {
			fn(t)
		}
	})
}

func TestSuitePassesGoodQueues(t *testing.T) {
	for name, newQueue := range map[string]NewTimerQueue{
		"reference": func() api.TimerQueue { return new(ReferenceQueue) },
		"heap":      func() api.TimerQueue { return heap.New() },
	} {
		if failed := failures(timerCases, openQueue(newQueue, nil)); len(failed) > 0 {
			t.Errorf("%s: the suite failed a correct queue: %v", name, failed)
		}
	}
}

func TestSuiteCatchesBrokenQueues(t *testing.T) {
	ref := func() api.TimerQueue { return new(ReferenceQueue) }
	for _, c := range []struct {
		name     string
		newQueue NewTimerQueue
		caughtBy string // one case that must fail
	}{
		{"fires 1ns early", func() api.TimerQueue { return earlyQueue{ref()} }, "NeverEarly"},
		{"breaks FIFO ties", func() api.TimerQueue { return &lifoTiesQueue{TimerQueue: ref()} }, "FIFOTies"},
		{"forgets a Remove", func() api.TimerQueue { return &forgetfulQueue{TimerQueue: ref()} }, "RemovedNeverFires"},
		{"NextDeadline late", func() api.TimerQueue { return lateNextQueue{ref()} }, "NextDeadline"},
		{"loses timers on a jump", func() api.TimerQueue { return &jumpLosesQueue{TimerQueue: ref()} }, "YearJump"},
	} {
		t.Run(c.name, func(t *testing.T) {
			failed := failures(timerCases, openQueue(c.newQueue, nil))
			if len(failed) == 0 {
				t.Fatalf("the suite passed a queue that %s", c.name)
			}
			names := make([]string, len(failed))
			for i, f := range failed {
				names[i] = f.name
			}
			if !slices.Contains(names, c.caughtBy) {
				t.Errorf("failed cases %v; want %s among them", names, c.caughtBy)
			}
			if !slices.Contains(names, "Differential") {
				t.Errorf("failed cases %v; want the differential test among them", names)
			}
			t.Logf("caught by %v; first message: %s", names, failed[0].errors[0])
		})
	}
}

// allocatingQueue allocates on one Push in twenty: little enough that a
// rounded-down count would call it allocation-free.
type allocatingQueue struct {
	api.TimerQueue
	n    int
	sink []*[64]byte
}

func (q *allocatingQueue) Push(t *api.Timer) error {
	if q.n++; q.n%20 == 0 {
		q.sink = append(q.sink[:0], new([64]byte))
	}
	return q.TimerQueue.Push(t)
}

func TestSuiteCatchesAllocatingQueue(t *testing.T) {
	r := runCase(caseNamed(timerCases, "Allocs"), openQueue(func() api.TimerQueue { return &allocatingQueue{TimerQueue: heap.New()} }, nil))
	if !r.failed() {
		t.Fatal("Allocs passed a queue that allocates on one Push in twenty")
	}
	t.Logf("caught: %s", r.outcome("Allocs").errors[0])
}
