//go:build unix

package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/poll"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers/heap"
)

// The loop suite is tested by running it on loops assembled from broken
// parts: each defect must surface through the loop in the case named.

type earlyByQueue struct {
	api.TimerQueue
	by int64
}

// Expire fires timers up to by early.
func (q earlyByQueue) Expire(now int64, fn func(*api.Timer)) int {
	return q.TimerQueue.Expire(now+q.by, fn)
}

// deafSelector reports only the loop's wake-up descriptor, the first one
// registered: every other descriptor's events are lost.
type deafSelector struct {
	api.Selector
	wake int
}

func (s *deafSelector) Register(fd int, in api.Interest) error {
	if s.wake < 0 {
		s.wake = fd
	}
	return s.Selector.Register(fd, in)
}

func (s *deafSelector) Select(evs []api.Event, timeout time.Duration) ([]api.Event, error) {
	start := len(evs)
	evs, err := s.Selector.Select(evs, timeout)
	kept := evs[:start]
	for _, ev := range evs[start:] {
		if ev.Fd == s.wake {
			kept = append(kept, ev)
		}
	}
	return kept, err
}

// wideSelector never narrows a registration: Modify keeps every direction
// registered before, as a loop would if RemoveWriter did not reach the
// kernel.
type wideSelector struct {
	api.Selector
	had map[int]api.Interest
}

func (s *wideSelector) Register(fd int, in api.Interest) error {
	if s.had == nil {
		s.had = map[int]api.Interest{}
	}
	s.had[fd] = in
	return s.Selector.Register(fd, in)
}

func (s *wideSelector) Modify(fd int, in api.Interest) error {
	s.had[fd] |= in
	return s.Selector.Modify(fd, s.had[fd])
}

// busySelector never blocks: every wait is a poll, so an idle loop spins.
type busySelector struct{ api.Selector }

func (s busySelector) Select(evs []api.Event, _ time.Duration) ([]api.Event, error) {
	return s.Selector.Select(evs, 0)
}

// deafToZeroSelector takes a zero timeout for "without limit".
type deafToZeroSelector struct{ api.Selector }

func (s deafToZeroSelector) Select(evs []api.Event, timeout time.Duration) ([]api.Event, error) {
	if timeout == 0 {
		timeout = -1
	}
	return s.Selector.Select(evs, timeout)
}

// stuckQueue says a timer is due but never hands it over: the loop never
// sleeps and never progresses, and the cases waiting for a timer spin.
type stuckQueue struct{ api.TimerQueue }

func (q stuckQueue) Expire(int64, func(*api.Timer)) int { return 0 }

func loopWith(sel func() api.Selector, q func() api.TimerQueue) NewLoop {
	return func(opts *loop.Options) (*loop.Loop, error) {
		opts.Selector, opts.Timers = sel(), q()
		return loop.New(opts)
	}
}

func goodQueue() api.TimerQueue { return heap.New() }

func goodSelector() api.Selector {
	s, _ := poll.New()
	return s
}

func TestLoopSuitePassesGoodParts(t *testing.T) {
	newLoop := loopWith(goodSelector, goodQueue)
	if failed := failures(loopCases, givenLoop(newLoop)); len(failed) > 0 {
		t.Errorf("the loop suite failed a loop of correct parts: %v", failed)
	}
}

func TestLoopSuiteCatchesBrokenParts(t *testing.T) {
	ref := func() api.TimerQueue { return new(ReferenceQueue) }
	for _, c := range []struct {
		name     string
		newLoop  NewLoop
		caughtBy string
	}{
		{"timers fire 2ms early", loopWith(goodSelector, func() api.TimerQueue { return earlyByQueue{ref(), int64(2 * time.Millisecond)} }), "TimersNeverEarly"},
		{"timer ties broken", loopWith(goodSelector, func() api.TimerQueue { return &lifoTiesQueue{TimerQueue: ref()} }), "EqualDeadlinesFIFO"},
		{"selector loses events", loopWith(func() api.Selector { return &deafSelector{Selector: goodSelector(), wake: -1} }, ref), "Reader"},
		{"Modify never narrows", loopWith(func() api.Selector { return &wideSelector{Selector: goodSelector()} }, ref), "RemoveShrinks"},
		{"waits never block", loopWith(func() api.Selector { return busySelector{goodSelector()} }, ref), "IdleLoopBlocks"},
		{"a zero timeout waits for ever", loopWith(func() api.Selector { return deafToZeroSelector{goodSelector()} }, ref), "StopBeforeRun"},
		{"timers never expire, the loop spins", loopWith(goodSelector, func() api.TimerQueue { return stuckQueue{ref()} }), "TimersNeverEarly"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func(d time.Duration) { caseLimit = d }(caseLimit)
			caseLimit = 2 * time.Second // broken parts make cases hang until the watchdog
			r := runCase(caseNamed(loopCases, c.caughtBy), givenLoop(c.newLoop))
			if !r.failed() {
				t.Fatalf("case %s passed; want it to fail", c.caughtBy)
			}
			got := r.outcome(c.caughtBy)
			for _, e := range got.errors {
				if strings.Contains(e, "could not be stopped") {
					t.Errorf("%s; want a hung case stopped, so that it does not starve the rest of the run", e)
				}
			}
			t.Logf("caught by %s: %s", c.caughtBy, got.errors[0])
		})
	}
}
