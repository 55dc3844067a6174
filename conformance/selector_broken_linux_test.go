package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/poll"
	"golang.org/x/sys/unix"
)

// Broken selectors, each with one defect a real backend has had, built on
// the poll backend. The suite must fail each, in the case named. The file
// is Linux only because the EINTR case needs a signal aimed at the waiting
// thread (tgkill).

func newPoll() (api.Selector, error) { return poll.New() }

type droppingSelector struct {
	api.Selector
	n int
}

// Select drops every 10th event.
func (s *droppingSelector) Select(evs []api.Event, timeout time.Duration) ([]api.Event, error) {
	start := len(evs)
	evs, err := s.Selector.Select(evs, timeout)
	kept := evs[:start]
	for _, ev := range evs[start:] {
		if s.n++; s.n%10 != 0 {
			kept = append(kept, ev)
		}
	}
	return kept, err
}

type hastySelector struct{ api.Selector }

// Select waits half the timeout.
func (s hastySelector) Select(evs []api.Event, timeout time.Duration) ([]api.Event, error) {
	if timeout > 0 {
		timeout /= 2
	}
	return s.Selector.Select(evs, timeout)
}

type eintrSelector struct{ api.Selector }

// Select waits in 1 ms slices and gives up on the first EINTR, returning it.
func (s eintrSelector) Select(evs []api.Event, timeout time.Duration) ([]api.Event, error) {
	if timeout <= 0 {
		return s.Selector.Select(evs, timeout)
	}
	deadline := time.Now().Add(timeout)
	for {
		n := len(evs)
		evs, err := s.Selector.Select(evs, 0)
		if err != nil || len(evs) > n || !time.Now().Before(deadline) {
			return evs, err
		}
		ts := unix.NsecToTimespec(int64(min(time.Millisecond, time.Until(deadline))))
		if _, err := unix.Ppoll(nil, &ts, nil); err != nil {
			return evs, err
		}
	}
}

type stickySelector struct{ api.Selector }

// Unregister says yes and does nothing.
func (s stickySelector) Unregister(fd int) error { return nil }

func TestSuitePassesPoll(t *testing.T) {
	if failed := failures(selectorCases, openSelector(newPoll)); len(failed) > 0 {
		t.Errorf("the suite failed the poll backend: %v", failed)
	}
}

func TestSuiteCatchesBrokenSelectors(t *testing.T) {
	wrap := func(f func(api.Selector) api.Selector) NewSelector {
		return func() (api.Selector, error) {
			s, err := newPoll()
			return f(s), err
		}
	}
	for _, c := range []struct {
		name     string
		new      NewSelector
		caughtBy string
	}{
		{"drops every 10th event", wrap(func(s api.Selector) api.Selector { return &droppingSelector{Selector: s} }), "ManyDescriptors"},
		{"returns early from a timeout", wrap(func(s api.Selector) api.Selector { return hastySelector{s} }), "TimeoutRoundsUp"},
		{"surfaces EINTR", wrap(func(s api.Selector) api.Selector { return eintrSelector{s} }), "Signals"},
		{"forgets an Unregister", wrap(func(s api.Selector) api.Selector { return stickySelector{s} }), "Unregister"},
	} {
		t.Run(c.name, func(t *testing.T) {
			failed := failures(selectorCases, openSelector(c.new))
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
