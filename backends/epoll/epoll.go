//go:build linux

// Package epoll implements [api.Selector] with Linux's epoll(7).
//
// Registration calls are one epoll_ctl each, and Select costs O(ready
// descriptors), not O(registered): the kernel keeps the interest list.
// Waits use epoll_pwait2 (Linux 5.11), whose timespec gives them nanosecond
// resolution; where the kernel or a seccomp filter refuses it, the selector
// falls back for good to epoll_pwait with the wait rounded up to the next
// millisecond, so it still never returns early.
//
// Every registration carries a generation in the event's user data next to
// the descriptor, as the Go runtime and libev do. epoll watches open file
// descriptions, not descriptor numbers: a descriptor closed without
// Unregister while a duplicate of it stays open remains in the kernel's
// interest list (epoll(7), questions 6 and 7), and its events keep coming
// with the old number. The generation tells them from those of a new
// registration of the same number, and Select drops them. It cannot stop
// them coming: a level-triggered one wakes every wait until the last
// duplicate is closed. Unregister before close.
//
// Edge-triggered (EPOLLET) and one-shot (EPOLLONESHOT) registrations are
// declared through [api.Moder].
package epoll

import (
	"fmt"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// Available reports whether this platform has epoll.
const Available = true

// Selector is an epoll selector. The zero value is not usable; call New.
type Selector struct {
	epfd   int
	regs   backend.Table
	kevs   []unix.EpollEvent
	ts     unix.Timespec
	pwait2 bool // epoll_pwait2 is usable
	closed bool
}

var _ api.Selector = (*Selector)(nil)

// New opens an epoll instance (close-on-exec).
// errShortBuffer is Select's error for a buffer without spare capacity.
var errShortBuffer = backend.ShortBuffer("epoll")

func New() (*Selector, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", os.NewSyscallError("epoll_create1", err))
	}
	return &Selector{epfd: epfd, pwait2: true, kevs: make([]unix.EpollEvent, 64)}, nil
}

// Name returns "epoll".
func (s *Selector) Name() string { return "epoll" }

// Modes reports that epoll accepts edge-triggered and one-shot
// registrations.
func (s *Selector) Modes() api.Interest { return api.EdgeTriggered | api.OneShot }

// Register implements [api.Selector].
func (s *Selector) Register(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, s.Modes()); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	if s.regs.Lookup(fd) != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, api.ErrRegistered)
	}
	gen := s.regs.NextGen()
	if err := s.ctl(unix.EPOLL_CTL_ADD, fd, interest, gen); err != nil {
		return fmt.Errorf("epoll: register fd %d: %w", fd, err)
	}
	s.regs.Set(fd, backend.Reg{Gen: gen, Interest: interest})
	return nil
}

// Modify implements [api.Selector].
func (s *Selector) Modify(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, s.Modes()); err != nil {
		return fmt.Errorf("epoll: modify fd %d: %w", fd, err)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("epoll: modify fd %d: %w", fd, api.ErrNotRegistered)
	}
	if err := s.ctl(unix.EPOLL_CTL_MOD, fd, interest, r.Gen); err != nil {
		return fmt.Errorf("epoll: modify fd %d: %w", fd, err)
	}
	r.Interest = interest
	return nil
}

// Unregister implements [api.Selector]. A descriptor closed while
// registered has already left the kernel's list (or cannot be reached
// through its number any more); Unregister then only forgets it.
func (s *Selector) Unregister(fd int) error {
	if s.closed {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, api.ErrClosed)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, api.ErrNotRegistered)
	}
	*r = backend.Reg{}
	err := unix.EpollCtl(s.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	if err != nil && err != unix.EBADF && err != unix.ENOENT {
		return fmt.Errorf("epoll: unregister fd %d: %w", fd, os.NewSyscallError("epoll_ctl", err))
	}
	return nil
}

func (s *Selector) ctl(op, fd int, interest api.Interest, gen uint32) error {
	ev := unix.EpollEvent{Events: epollEvents(interest), Fd: int32(fd), Pad: int32(gen)}
	if err := unix.EpollCtl(s.epfd, op, fd, &ev); err != nil {
		if err == unix.EPERM { // a regular file or a directory
			return backend.NotPollable(os.NewSyscallError("epoll_ctl", err))
		}
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// Select implements [api.Selector].
func (s *Selector) Select(events []api.Event, timeout time.Duration) ([]api.Event, error) {
	if s.closed {
		return events, fmt.Errorf("epoll: select: %w", api.ErrClosed)
	}
	room := cap(events) - len(events)
	if room == 0 {
		return events, errShortBuffer
	}
	if room > len(s.kevs) {
		s.kevs = make([]unix.EpollEvent, room)
	}
	kevs := s.kevs[:room]
	w := backend.StartWait(timeout)
	for {
		n, err := s.wait(kevs, w.Left())
		if err == unix.EINTR {
			w.Resume()
			continue
		}
		if err != nil {
			return events, fmt.Errorf("epoll: select: %w", err)
		}
		start := len(events)
		events = s.collect(events, kevs[:n])
		// With nothing but stale events, or woken early on our clock,
		// wait for the rest.
		if len(events) > start || !w.Resume() {
			return events, nil
		}
	}
}

func (s *Selector) collect(events []api.Event, kevs []unix.EpollEvent) []api.Event {
	for i := range kevs {
		k := &kevs[i]
		r := s.regs.Lookup(int(k.Fd))
		if r == nil || r.Gen != uint32(k.Pad) {
			continue // a registration that no longer exists
		}
		events = append(events, api.Event{Fd: int(k.Fd), Ready: readiness(k.Events, r.Interest)})
	}
	return events
}

// wait waits with epoll_pwait2, or epoll_pwait once that has failed.
func (s *Selector) wait(kevs []unix.EpollEvent, d time.Duration) (int, error) {
	if s.pwait2 {
		var ts *unix.Timespec
		if d >= 0 {
			s.ts = unix.NsecToTimespec(int64(d))
			ts = &s.ts
		}
		n, err := epollPwait2(s.epfd, kevs, ts)
		if err != unix.ENOSYS && err != unix.EPERM {
			if err != nil && err != unix.EINTR {
				err = os.NewSyscallError("epoll_pwait2", err)
			}
			return n, err
		}
		// ENOSYS: a kernel before 5.11. EPERM: a seccomp filter that
		// does not know the call (older container runtimes answer so).
		s.pwait2 = false
	}
	n, err := unix.EpollWait(s.epfd, kevs, backend.Millis(d))
	if err != nil && err != unix.EINTR {
		err = os.NewSyscallError("epoll_pwait", err)
	}
	return n, err
}

// Close implements [api.Selector]; it closes the epoll descriptor.
func (s *Selector) Close() error {
	if s.closed {
		return fmt.Errorf("epoll: close: %w", api.ErrClosed)
	}
	s.closed = true
	s.regs, s.kevs = backend.Table{}, nil
	// Not retried on EINTR: Linux has released the descriptor by then,
	// and a retry could close one another goroutine has just opened.
	if err := unix.Close(s.epfd); err != nil {
		return fmt.Errorf("epoll: close: %w", os.NewSyscallError("close", err))
	}
	return nil
}

func epollEvents(in api.Interest) uint32 {
	var ev uint32
	if in&api.Readable != 0 {
		ev |= unix.EPOLLIN
	}
	if in&api.Writable != 0 {
		ev |= unix.EPOLLOUT
	}
	if in&api.EdgeTriggered != 0 {
		ev |= unix.EPOLLET
	}
	if in&api.OneShot != 0 {
		ev |= unix.EPOLLONESHOT
	}
	return ev
}

// readiness translates an epoll event mask; an error or hang-up makes every
// registered direction ready, as in the poll backend.
func readiness(ev uint32, want api.Interest) api.Interest {
	var r api.Interest
	if ev&unix.EPOLLIN != 0 {
		r |= api.Readable
	}
	if ev&unix.EPOLLOUT != 0 {
		r |= api.Writable
	}
	if ev&unix.EPOLLERR != 0 {
		r |= api.Error
	}
	if ev&unix.EPOLLHUP != 0 {
		r |= api.HangUp
	}
	return backend.Ready(r, want)
}
