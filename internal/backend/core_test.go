package backend

import (
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

// script is a mechanism whose Wait replays a list of answers.
type script struct {
	waits  []func(events []api.Event) ([]api.Event, error)
	calls  int
	addErr error
}

func (s *script) Add(int, *Reg) error               { return s.addErr }
func (s *script) Mod(int, *Reg, api.Interest) error { return nil }
func (s *script) Del(int, Reg) error                { return nil }
func (s *script) Release() error                    { return nil }
func (s *script) Wait(events []api.Event, _ time.Duration) ([]api.Event, error) {
	w := s.waits[s.calls]
	s.calls++
	return w(events)
}

func interrupted(events []api.Event) ([]api.Event, error) { return events, syscall.EINTR }
func nothing(events []api.Event) ([]api.Event, error)     { return events, nil }
func ready(events []api.Event) ([]api.Event, error) {
	return append(events, api.Event{Fd: 3, Ready: api.Readable}), nil
}

func newScript(waits ...func([]api.Event) ([]api.Event, error)) (*Core, *script) {
	m := &script{waits: waits}
	c := new(Core)
	c.Init(Config{Name: "fake"}, m)
	return c, m
}

func TestCoreResumesInterruptedWaits(t *testing.T) {
	for _, timeout := range []time.Duration{-1, 0, time.Hour} {
		c, m := newScript(interrupted, interrupted, ready)
		evs, err := c.Select(make([]api.Event, 0, 4), timeout)
		if err != nil || len(evs) != 1 || m.calls != 3 {
			t.Errorf("Select(%v) over EINTR, EINTR, event = %v, %v after %d waits; want the event after 3", timeout, evs, err, m.calls)
		}
	}
}

func TestCoreWaitsAgainAfterNothing(t *testing.T) {
	c, m := newScript(nothing, nothing, ready)
	evs, err := c.Select(make([]api.Event, 0, 4), -1)
	if err != nil || len(evs) != 1 || m.calls != 3 {
		t.Errorf("Select(-1) over two empty waits = %v, %v after %d waits; want the event after 3", evs, err, m.calls)
	}
	c, m = newScript(nothing, ready)
	if evs, err := c.Select(make([]api.Event, 0, 4), 0); err != nil || len(evs) != 0 || m.calls != 1 {
		t.Errorf("Select(0) over an empty wait = %v, %v after %d waits; want nothing after 1", evs, err, m.calls)
	}
}

func TestCoreNamesItsErrors(t *testing.T) {
	broken := func(events []api.Event) ([]api.Event, error) {
		return events, os.NewSyscallError("wait", syscall.EINVAL)
	}
	c, _ := newScript(broken)
	_, err := c.Select(make([]api.Event, 0, 4), 0)
	if !errors.Is(err, syscall.EINVAL) || !strings.HasPrefix(err.Error(), "fake: select: wait: ") {
		t.Errorf("Select over a failing wait = %v; want \"fake: select: wait: ...\" matching EINVAL", err)
	}
	if _, err := c.Select(make([]api.Event, 0), 0); !strings.HasPrefix(err.Error(), "fake: select: ") {
		t.Errorf("Select(no room) = %v; want it to name the backend", err)
	}
}

func TestCoreForgetsAFailedAdd(t *testing.T) {
	c, m := newScript()
	m.addErr = syscall.EPERM
	if err := c.Register(3, api.Readable); !errors.Is(err, syscall.EPERM) {
		t.Fatalf("Register over a failing Add = %v; want EPERM", err)
	}
	if c.Regs.Lookup(3) != nil {
		t.Errorf("Register failed but fd 3 stays in the table")
	}
	m.addErr = nil
	if err := c.Register(3, api.Readable); err != nil {
		t.Errorf("Register after a failed one = %v; want nil", err)
	}
}
