//go:build unix

package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/poll"
	"github.com/evloop/evloop/loop"
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

func loopWith(sel func() api.Selector, q func() api.TimerQueue) NewLoop {
	return func(opts *loop.Options) (*loop.Loop, error) {
		opts.Selector, opts.Timers = sel(), q()
		return loop.New(opts)
	}
}

func goodSelector() api.Selector {
	s, _ := poll.New()
	return s
}

func TestLoopSuitePassesGoodParts(t *testing.T) {
	newLoop := loopWith(goodSelector, func() api.TimerQueue { return new(ReferenceQueue) })
	if failed := runLoopSuite(newLoop); len(failed) > 0 {
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
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func(d time.Duration) { caseLimit = d }(caseLimit)
			caseLimit = 3 * time.Second // the lost events make cases hang until the watchdog
			failed := runLoopSuite(c.newLoop)
			names := make([]string, len(failed))
			for i, f := range failed {
				names[i] = f.name
			}
			if !slices.Contains(names, c.caughtBy) {
				t.Fatalf("failed cases %v; want %s among them", names, c.caughtBy)
			}
			t.Logf("caught by %v; first message: %s", names, failed[0].errors[0])
		})
	}
}
