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
// Changes are not made one system call each: Register, Modify and
// Unregister queue them, and the next Select hands them to the kernel in
// the same kevent call that waits, as libev does. A change the kernel
// refuses comes back as an EV_ERROR event; one for a registration that
// still exists is reported as [api.Error] on its descriptor. Register
// still refuses a closed descriptor at once (the shared core checks it
// with fstat, as it refuses regular files, which kqueue would call ready
// for ever).
//
// kqueue itself does not say whether a descriptor is registered (EV_ADD
// silently modifies an existing note), so the core's table gives
// fs.ErrExist and fs.ErrNotExist as for every backend. Unlike epoll, kqueue deletes a descriptor's notes when it is
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
// A change that fails is reported as an EV_ERROR event, and then the call
// returns without collecting; with no room left for it, the call returns
// -1 and that change's errno.
type keventFunc func(changes, events []kev, timeout *unix.Timespec) (int, error)

// A selector is the shared core over a kqueue, with the changes queued
// for its next kevent call.
type selector struct {
	backend.Core
	kevent  keventFunc
	closeKq func() error
	changes []kev // for the next kevent call
	kevs    []kev // what it returns
	merged  backend.Merger
	ts      unix.Timespec
}

func newSelector(kevent keventFunc, closeKq func() error) *selector {
	s := &selector{kevent: kevent, closeKq: closeKq, kevs: make([]kev, 64)}
	s.Init(backend.Config{Name: "kqueue", Modes: api.EdgeTriggered | api.OneShot, CheckFiles: true}, s)
	return s
}

// Available reports whether this platform has kqueue.
const Available = available

func (s *selector) Add(fd int, r *backend.Reg) error {
	s.arm(fd, r.Interest, r.Gen)
	return nil
}

// Modify deletes the notes of directions no longer wanted and adds (or, for
// an existing note, modifies and re-arms) the others.
func (s *selector) Mod(fd int, r *backend.Reg, in api.Interest) error {
	s.drop(fd, r.Interest&^in)
	s.arm(fd, in, r.Gen)
	return nil
}

// Delete deletes the notes; one already gone (a fired one-shot, a closed
// descriptor) comes back as an error event for no registration, and is
// dropped.
func (s *selector) Del(fd int, r backend.Reg) error {
	s.drop(fd, r.Interest)
	return nil
}

func (s *selector) arm(fd int, in api.Interest, gen uint32) {
	flags := uint16(evAdd | evEnable)
	if in&api.EdgeTriggered != 0 {
		flags |= evClear
	}
	if in&api.OneShot != 0 {
		flags |= evOneshot
	}
	s.queue(fd, in, flags, gen)
}

func (s *selector) drop(fd int, dirs api.Interest) { s.queue(fd, dirs, evDelete, 0) }

func (s *selector) queue(fd int, dirs api.Interest, flags uint16, gen uint32) {
	if dirs&api.Readable != 0 {
		s.changes = append(s.changes, kev{ident: uint64(fd), filter: filtRead, flags: flags, udata: uint64(gen)})
	}
	if dirs&api.Writable != 0 {
		s.changes = append(s.changes, kev{ident: uint64(fd), filter: filtWrite, flags: flags, udata: uint64(gen)})
	}
}

// Wait hands the queued changes to the kernel with the wait. At most as
// many go in one call as the caller has room for events, so that every
// refusal can be reported; any more go first, in calls that do not wait.
func (s *selector) Wait(events []api.Event, d time.Duration) ([]api.Event, error) {
	start := len(events)
	for {
		room := cap(events) - len(events)
		if room > len(s.kevs) {
			s.kevs = make([]kev, room)
		}
		n := min(len(s.changes), room)
		ts := s.timespec(d)
		if n < len(s.changes) || len(events) > start {
			ts = s.timespec(0)
		}
		got, err := s.kevent(s.changes[:n], s.kevs[:room], ts)
		s.changes = s.changes[:copy(s.changes, s.changes[n:])]
		kevs := s.kevs[:max(got, 0)]
		events = s.collect(events, kevs, start)
		if err != nil && err != unix.EINTR {
			err = os.NewSyscallError("kevent", err)
		}
		// A call that reports refused changes returns before it looks for
		// readiness: look again, so that the others are still served.
		refused := len(kevs) > 0 && kevs[0].flags&evError != 0
		if err != nil || len(s.changes) == 0 && !refused || len(events) == cap(events) {
			return events, err
		}
	}
}

func (s *selector) timespec(d time.Duration) *unix.Timespec {
	if d < 0 {
		return nil
	}
	s.ts = unix.NsecToTimespec(int64(d))
	return &s.ts
}

// collect translates kevents, merging a descriptor's two notes into one
// event (with any reported since start).
func (s *selector) collect(events []api.Event, kevs []kev, start int) []api.Event {
	for i := range kevs {
		k := &kevs[i]
		fd := int(k.ident)
		r := s.Regs.Current(fd, uint32(k.udata))
		if r == nil {
			continue // a registration that no longer exists, or a delete
		}
		ready := readiness(k, r.Interest)
		if ready == 0 {
			continue
		}
		events = s.merged.Add(events, start, fd, ready)
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
		r = api.Error
	}
	return backend.Ready(r, want)
}

// Close closes the kqueue.
func (s *selector) Release() error {
	s.changes, s.kevs, s.merged = nil, nil, backend.Merger{}
	return s.closeKq()
}
