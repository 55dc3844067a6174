//go:build unix

// Package kqueue implements [api.Selector] with kqueue(2), the readiness
// mechanism of macOS and the BSDs.
//
// A descriptor's directions are separate kernel notes (EVFILT_READ,
// EVFILT_WRITE), added and deleted through a change list; results come
// back one kevent per note and are merged into one api.Event per
// descriptor. Waits take a timespec, so they have nanosecond resolution.
// Edge-triggered (EV_CLEAR) and one-shot (EV_ONESHOT) registrations are
// declared through [api.Moder].
//
// kqueue itself does not say whether a descriptor is registered (EV_ADD
// silently modifies an existing note), so the selector keeps that
// bookkeeping to give fs.ErrExist and fs.ErrNotExist as every backend
// does. Unlike epoll, kqueue deletes a descriptor's notes when it is
// closed, so a descriptor closed while registered is dropped silently and
// its number can never bring back an old note; each note still carries the
// registration's generation in udata, as the Go runtime's does, and Select
// drops an event whose generation is not the current one.
//
// # Where this is proven
//
// The translation (interest to change list, kevents to events, errors,
// bookkeeping) is portable code that takes the kevent call as a function
// value. It is compiled for macOS, FreeBSD, NetBSD, OpenBSD and DragonFly,
// and tested on Linux against an emulated kevent built on poll(2) that
// follows kqueue(2)'s rules, with the whole conformance suite. It has not
// yet run on a real BSD or macOS kernel.
package kqueue

import (
	"fmt"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// The kqueue constants this package uses. Every BSD and macOS gives the
// flags these values (kqueue_bsd.go checks that at compile time); the
// filters are this package's own, which each system's layer maps.
const (
	filtRead  = -1
	filtWrite = -2

	evAdd     = 0x0001
	evDelete  = 0x0002
	evEnable  = 0x0004
	evDisable = 0x0008
	evOneshot = 0x0010
	evClear   = 0x0020
	evError   = 0x4000
	evEOF     = 0x8000
)

// kev is a kevent in a portable form; each system's layer converts it to
// and from unix.Kevent_t, whose field types differ between systems.
type kev struct {
	ident  uint64
	filter int16
	flags  uint16
	fflags uint32
	data   int64
	udata  uint64
}

// keventFunc is kevent(2) on one kqueue: apply changes, then collect up
// to len(events) events, waiting at most timeout (nil: without limit).
// With no room for events, the first failing change makes it return -1
// and that change's errno.
type keventFunc func(changes, events []kev, timeout *unix.Timespec) (int, error)

// Available reports whether this platform has kqueue.
const Available = available

// Selector is a kqueue selector. Create it with New.
type Selector struct {
	kevent  keventFunc
	closeKq func() error
	regs    backend.Table
	change  [1]kev
	kevs    []kev
	merged  []int32 // merged[fd] is 1+fd's index in the batch being built
	ts      unix.Timespec
	closed  bool
}

var _ api.Selector = (*Selector)(nil)

// errShortBuffer is Select's error for a buffer without spare capacity.
var errShortBuffer = backend.ShortBuffer("kqueue")

func newSelector(kevent keventFunc, closeKq func() error) *Selector {
	return &Selector{kevent: kevent, closeKq: closeKq, kevs: make([]kev, 64)}
}

// Name returns "kqueue".
func (s *Selector) Name() string { return "kqueue" }

// Modes reports that kqueue accepts edge-triggered (EV_CLEAR) and one-shot
// (EV_ONESHOT) registrations.
func (s *Selector) Modes() api.Interest { return api.EdgeTriggered | api.OneShot }

// apply runs one change.
func (s *Selector) apply(fd int, filter int16, flags uint16, gen uint32) error {
	s.change[0] = kev{ident: uint64(fd), filter: filter, flags: flags, udata: uint64(gen)}
	for {
		_, err := s.kevent(s.change[:], nil, &unix.Timespec{})
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("kevent", err)
		}
		return nil
	}
}

// arm adds (or, for an existing note, modifies) the notes for interest's
// directions.
func (s *Selector) arm(fd int, interest api.Interest, gen uint32) error {
	flags := uint16(evAdd | evEnable)
	if interest&api.EdgeTriggered != 0 {
		flags |= evClear
	}
	if interest&api.OneShot != 0 {
		flags |= evOneshot
	}
	if interest&api.Readable != 0 {
		if err := s.apply(fd, filtRead, flags, gen); err != nil {
			return err
		}
	}
	if interest&api.Writable != 0 {
		if err := s.apply(fd, filtWrite, flags, gen); err != nil {
			return err
		}
	}
	return nil
}

// drop deletes the notes of the directions in dirs. A note that is gone
// already (fired one-shot, or closed descriptor) is no error.
func (s *Selector) drop(fd int, dirs api.Interest) error {
	for _, d := range [...]struct {
		dir    api.Interest
		filter int16
	}{{api.Readable, filtRead}, {api.Writable, filtWrite}} {
		if dirs&d.dir == 0 {
			continue
		}
		if err := s.apply(fd, d.filter, evDelete, 0); err != nil && !gone(err) {
			return err
		}
	}
	return nil
}

func gone(err error) bool {
	e, ok := err.(*os.SyscallError)
	return ok && (e.Err == unix.ENOENT || e.Err == unix.EBADF)
}

// Register implements [api.Selector].
func (s *Selector) Register(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, s.Modes()); err != nil {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, err)
	}
	if s.regs.Lookup(fd) != nil {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, api.ErrRegistered)
	}
	if err := backend.CheckPollable(fd); err != nil {
		return fmt.Errorf("kqueue: register fd %d: %w", fd, err)
	}
	gen := s.regs.NextGen()
	if err := s.arm(fd, interest, gen); err != nil {
		s.drop(fd, interest) // undo a first direction that went in
		return fmt.Errorf("kqueue: register fd %d: %w", fd, err)
	}
	s.regs.Set(fd, backend.Reg{Gen: gen, Interest: interest})
	return nil
}

// Modify implements [api.Selector]; it re-arms a one-shot registration.
func (s *Selector) Modify(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, s.Modes()); err != nil {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, err)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, api.ErrNotRegistered)
	}
	if err := s.drop(fd, r.Interest&^interest&api.Directions); err != nil {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, err)
	}
	if err := s.arm(fd, interest, r.Gen); err != nil {
		return fmt.Errorf("kqueue: modify fd %d: %w", fd, err)
	}
	r.Interest = interest
	return nil
}

// Unregister implements [api.Selector].
func (s *Selector) Unregister(fd int) error {
	if s.closed {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, api.ErrClosed)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, api.ErrNotRegistered)
	}
	dirs := r.Interest
	*r = backend.Reg{}
	if err := s.drop(fd, dirs); err != nil {
		return fmt.Errorf("kqueue: unregister fd %d: %w", fd, err)
	}
	return nil
}

// Select implements [api.Selector].
func (s *Selector) Select(events []api.Event, timeout time.Duration) ([]api.Event, error) {
	if s.closed {
		return events, fmt.Errorf("kqueue: select: %w", api.ErrClosed)
	}
	room := cap(events) - len(events)
	if room == 0 {
		return events, errShortBuffer
	}
	if room > len(s.kevs) {
		s.kevs = make([]kev, room)
	}
	kevs := s.kevs[:room]
	w := backend.StartWait(timeout)
	for {
		var ts *unix.Timespec
		if d := w.Left(); d >= 0 {
			s.ts = unix.NsecToTimespec(int64(d))
			ts = &s.ts
		}
		n, err := s.kevent(nil, kevs, ts)
		if err == unix.EINTR {
			w.Resume()
			continue
		}
		if err != nil {
			return events, fmt.Errorf("kqueue: select: %w", os.NewSyscallError("kevent", err))
		}
		start := len(events)
		events = s.collect(events, kevs[:n])
		if len(events) > start || !w.Resume() {
			return events, nil
		}
	}
}

// collect translates kevents, merging a descriptor's two notes into one
// event.
func (s *Selector) collect(events []api.Event, kevs []kev) []api.Event {
	start := len(events)
	for i := range kevs {
		k := &kevs[i]
		fd := int(k.ident)
		r := s.regs.Lookup(fd)
		if r == nil || r.Gen != uint32(k.udata) {
			continue // a registration that no longer exists
		}
		ready := readiness(k, r.Interest)
		if ready == 0 {
			continue
		}
		for fd >= len(s.merged) {
			s.merged = append(s.merged, 0)
		}
		if j := int(s.merged[fd]) - 1; j >= start && j < len(events) && events[j].Fd == fd {
			events[j].Ready |= ready
			continue
		}
		events = append(events, api.Event{Fd: fd, Ready: ready})
		s.merged[fd] = int32(len(events))
	}
	return events
}

// readiness translates one kevent: its filter is the direction; EV_EOF is
// a hang-up (and an error if the note carries one); EV_ERROR is an error.
func readiness(k *kev, want api.Interest) api.Interest {
	var r api.Interest
	switch k.filter {
	case filtRead:
		r = api.Readable
	case filtWrite:
		r = api.Writable
	}
	if k.flags&evEOF != 0 {
		r |= api.HangUp
		if k.fflags != 0 {
			r |= api.Error
		}
	}
	if k.flags&evError != 0 {
		r |= api.Error
	}
	return backend.Ready(r, want)
}

// Close implements [api.Selector]; it closes the kqueue.
func (s *Selector) Close() error {
	if s.closed {
		return fmt.Errorf("kqueue: close: %w", api.ErrClosed)
	}
	s.closed = true
	s.regs, s.kevs, s.merged = backend.Table{}, nil, nil
	if err := s.closeKq(); err != nil {
		return fmt.Errorf("kqueue: close: %w", err)
	}
	return nil
}
