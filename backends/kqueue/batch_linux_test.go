package kqueue

import (
	"testing"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// counted returns a selector over the emulator that counts kevent calls.
func counted() (*selector, *int) {
	e, calls := new(emu), new(int)
	return newSelector(func(ch, ev []kev, ts *unix.Timespec) (int, error) {
		*calls++
		return e.kevent(ch, ev, ts)
	}, e.close), calls
}

// TestChangesWaitForSelect: registration calls make no system call; the
// next Select hands every change to the kernel in the call that waits.
func TestChangesWaitForSelect(t *testing.T) {
	s, calls := counted()
	defer s.Close()
	_, a, b := emuPair(t)
	if err := s.Register(a, api.Readable|api.Writable); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(b, api.Writable); err != nil {
		t.Fatal(err)
	}
	if err := s.Modify(a, api.Writable); err != nil {
		t.Fatal(err)
	}
	if *calls != 0 {
		t.Errorf("Register, Register, Modify made %d kevent calls; want 0", *calls)
	}
	evs, err := s.Select(make([]api.Event, 0, 8), 0)
	if err != nil || len(evs) != 2 {
		t.Fatalf("Select = %v, %v; want a and b writable", evs, err)
	}
	if *calls != 1 {
		t.Errorf("Select with 4 queued changes made %d kevent calls; want 1", *calls)
	}
}

// TestChangesBeyondRoom: with more changes queued than the caller has room
// for events, every refusal is still reported, once.
func TestChangesBeyondRoom(t *testing.T) {
	s, _ := counted()
	defer s.Close()
	var fds []int
	for range 4 {
		_, a, _ := emuPair(t)
		if err := s.Register(a, api.Readable|api.Writable); err != nil {
			t.Fatal(err)
		}
		fds = append(fds, a)
	}
	unix.Close(fds[3]) // its changes will be refused
	seen := map[int]api.Interest{}
	for i := range 8 {
		room := 1 // the first Select flushes one change per call
		if i > 0 {
			room = 8
		}
		evs, err := s.Select(make([]api.Event, 0, room), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			seen[e.Fd] |= e.Ready
		}
	}
	if seen[fds[3]]&api.Error == 0 {
		t.Errorf("Selects after closing fd %d = %v; want it reported as an error", fds[3], seen)
	}
	for _, fd := range fds[:3] {
		if seen[fd]&api.Writable == 0 {
			t.Errorf("Selects = %v; want fd %d writable", seen, fd)
		}
	}
}

// TestChangesDoNotAllocate: queueing a change allocates nothing once the
// list has grown. The kernel is a stub that accepts everything (the
// emulator allocates for its own notes).
func TestChangesDoNotAllocate(t *testing.T) {
	s := newSelector(func(_, _ []kev, _ *unix.Timespec) (int, error) { return 0, nil }, func() error { return nil })
	defer s.Close()
	_, a, _ := emuPair(t)
	evs := make([]api.Event, 0, 8)
	cycle := func() {
		s.Register(a, api.Readable|api.Writable)
		s.Modify(a, api.Readable)
		s.Unregister(a)
		s.Select(evs, 0)
	}
	cycle()
	if n := testing.AllocsPerRun(100, cycle); n != 0 {
		t.Errorf("Register, Modify, Unregister, Select allocate %v times; want 0", n)
	}
}
