//go:build unix

// Package backend holds what every readiness backend needs and none should
// write twice: argument checks that give the api's errors, and the
// arithmetic of a wait that is interrupted and resumed.
package backend

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// CheckFd returns nil if fd is an open descriptor, and an error wrapping
// unix.EBADF otherwise. It costs one fcntl(F_GETFD).
func CheckFd(fd int) error {
	if fd < 0 || fd > math.MaxInt32 {
		return unix.EBADF
	}
	for {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("fcntl", err)
		}
		return nil
	}
}

// CheckPollable returns nil if fd is an open descriptor whose file has a
// readiness to wait for: an error wrapping unix.EBADF if it is not open,
// and one matching api.ErrNotPollable and unix.EPERM for a regular file or
// a directory, which epoll refuses with EPERM and the other mechanisms
// would call ready for ever. It costs one fstat.
func CheckPollable(fd int) error {
	if fd < 0 || fd > math.MaxInt32 {
		return unix.EBADF
	}
	var st unix.Stat_t
	for {
		err := unix.Fstat(fd, &st)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("fstat", err)
		}
		break
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFDIR:
		return NotPollable(unix.EPERM)
	}
	return nil
}

// NotPollable wraps err (EPERM from epoll_ctl, or made up by
// CheckPollable) so that it matches api.ErrNotPollable too.
func NotPollable(err error) error {
	return fmt.Errorf("%w (%w)", api.ErrNotPollable, err)
}

// CheckInterest returns nil if in is a valid registration for a selector
// accepting the mode bits modes.
func CheckInterest(in, modes api.Interest) error {
	if !in.Valid() {
		return fmt.Errorf("%w: %v", api.ErrInterest, in)
	}
	if extra := in &^ (api.Directions | modes); extra != 0 {
		return fmt.Errorf("%w: mode %v: %w", api.ErrInterest, extra, errors.ErrUnsupported)
	}
	return nil
}

// ShortBuffer returns what the backend called name returns from Select
// for a buffer without spare capacity; backends make it once.
func ShortBuffer(name string) error {
	return fmt.Errorf("%s: select: no spare capacity in the event buffer: %w", name, io.ErrShortBuffer)
}

// origin anchors Now; time.Since reads the monotonic clock without
// allocating.
var origin = time.Now()

// Now returns monotonic nanoseconds.
func Now() int64 { return int64(time.Since(origin)) }

// A Wait tracks a Select timeout across interrupted system calls, so that
// a retry after EINTR waits only for what remains and a wait never ends
// before its timeout. It reads the clock once when it starts (only for a
// positive timeout) and again only when a wait must be resumed, so the
// common case, a wait ended by an event, costs one clock read at most.
type Wait struct {
	deadline int64         // on Now's scale, for a positive timeout
	left     time.Duration // what the next system call should wait; <0 without limit
}

// StartWait begins a wait of d; d < 0 waits without limit.
func StartWait(d time.Duration) Wait {
	if d <= 0 {
		return Wait{left: max(d, -1)}
	}
	now := Now()
	if d > time.Duration(math.MaxInt64-now) {
		return Wait{left: -1}
	}
	return Wait{deadline: now + int64(d), left: d}
}

// Left returns what the next system call should wait: negative for
// without limit, zero to poll.
func (w *Wait) Left() time.Duration { return w.left }

// Resume recomputes the time left after a wait that ended without an
// event (interrupted, or woken early on this clock) and reports whether
// any is left. A wait without limit always has time left; a poll never.
func (w *Wait) Resume() bool {
	if w.left <= 0 {
		return w.left < 0
	}
	left := time.Duration(w.deadline - Now())
	if left <= 0 {
		w.left = 0
		return false
	}
	w.left = left
	return true
}

// Millis converts a wait to poll(2)'s milliseconds, rounding up so the
// kernel never wakes early; -1 for "without limit". Waits too long for an
// int32 are cut to the longest one, which callers resume like an EINTR.
func Millis(d time.Duration) int {
	if d < 0 {
		return -1
	}
	if d > (math.MaxInt32-1)*time.Millisecond {
		return math.MaxInt32
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}
