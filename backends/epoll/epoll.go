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

// A selector is the shared core over an epoll instance.
type selector struct {
	backend.Core
	epfd   int
	kevs   []unix.EpollEvent
	ts     unix.Timespec
	pwait2 bool // epoll_pwait2 is usable
	busy   bool // the last blocking wait found something
}

// New opens an epoll instance (close-on-exec).
func New() (api.Selector, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", os.NewSyscallError("epoll_create1", err))
	}
	s := &selector{epfd: epfd, pwait2: true, kevs: make([]unix.EpollEvent, 64)}
	s.Init(backend.Config{Name: "epoll", Modes: api.EdgeTriggered | api.OneShot}, s)
	return s, nil
}

// Available reports whether this platform has epoll.
const Available = true

func (s *selector) Add(fd int, r *backend.Reg) error {
	return s.ctl(unix.EPOLL_CTL_ADD, fd, r.Interest, r.Gen)
}

func (s *selector) Mod(fd int, r *backend.Reg, in api.Interest) error {
	return s.ctl(unix.EPOLL_CTL_MOD, fd, in, r.Gen)
}

// Delete: a descriptor closed while registered has already left the
// kernel's list (or cannot be reached through its number any more).
func (s *selector) Del(fd int, _ backend.Reg) error {
	err := unix.EpollCtl(s.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	if err != nil && err != unix.EBADF && err != unix.ENOENT {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

func (s *selector) ctl(op, fd int, interest api.Interest, gen uint32) error {
	ev := unix.EpollEvent{Events: backend.EpollFlags.Mask(interest), Fd: int32(fd), Pad: int32(gen)}
	if err := unix.EpollCtl(s.epfd, op, fd, &ev); err != nil {
		if err == unix.EPERM { // a regular file or a directory
			return backend.NotPollable(os.NewSyscallError("epoll_ctl", err))
		}
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

func (s *selector) Wait(events []api.Event, d time.Duration) ([]api.Event, error) {
	room := cap(events) - len(events)
	if room > len(s.kevs) {
		s.kevs = make([]unix.EpollEvent, room)
	}
	n, err := s.wait(s.kevs[:room], d)
	for i := range n {
		k := &s.kevs[i]
		r := s.Regs.Current(int(k.Fd), uint32(k.Pad))
		if r == nil {
			continue // a registration that no longer exists
		}
		events = append(events, api.Event{Fd: int(k.Fd), Ready: backend.EpollFlags.Ready(k.Events, r.Interest)})
	}
	return events, err
}

// wait polls (a zero timeout) without blocking; it polls first, too, when
// the last wait found something, and waits with epoll_pwait2 (or
// epoll_pwait once that has failed) only if nothing is ready. A busy loop
// then makes raw calls only; an idle one pays one extra poll each time it
// goes to sleep.
func (s *selector) wait(kevs []unix.EpollEvent, d time.Duration) (int, error) {
	if d == 0 || s.busy {
		n, err := pollNow(s.epfd, kevs)
		if err != nil || n > 0 || d == 0 {
			if err != nil && err != unix.EINTR {
				err = os.NewSyscallError("epoll_pwait", err)
			}
			return n, err
		}
	}
	n, err := s.block(kevs, d)
	s.busy = n > 0
	return n, err
}

// block waits with epoll_pwait2, or epoll_pwait once that has failed.
func (s *selector) block(kevs []unix.EpollEvent, d time.Duration) (int, error) {
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
	return max(n, 0), err
}

// Release closes the epoll descriptor. Not retried on EINTR: Linux has
// released the descriptor by then, and a retry could close one another
// goroutine has just opened.
func (s *selector) Release() error {
	s.kevs = nil
	if err := unix.Close(s.epfd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}
