package api

import (
	"errors"
	"fmt"
	"io/fs"
)

var (
	// ErrClosed is returned by every method of a Selector, a loop or another
	// evloop object after it has been closed, including a second Close.
	ErrClosed = errors.New("evloop: use of closed object")

	// ErrRegistered is returned by Register for a descriptor that is
	// already registered. It matches fs.ErrExist, as epoll's EEXIST does.
	ErrRegistered = fmt.Errorf("evloop: descriptor already registered: %w", fs.ErrExist)

	// ErrNotRegistered is returned by Modify and Unregister for a
	// descriptor that is not registered. It matches fs.ErrNotExist, as
	// epoll's ENOENT does.
	ErrNotRegistered = fmt.Errorf("evloop: descriptor not registered: %w", fs.ErrNotExist)

	// ErrInterest is returned for an interest that names no direction, has
	// bits outside [Readable]|[Writable]|[EdgeTriggered]|[OneShot], or asks
	// for a mode the selector does not declare (that last case also matches
	// errors.ErrUnsupported). It matches fs.ErrInvalid.
	ErrInterest = fmt.Errorf("evloop: invalid interest: %w", fs.ErrInvalid)

	// ErrUnknown is returned by the registries (backends.New, timers.New)
	// for a name they do not know. It matches fs.ErrNotExist.
	ErrUnknown = fmt.Errorf("evloop: unknown implementation: %w", fs.ErrNotExist)

	// ErrRunning is returned by a loop's Run, RunOnce and Close while the
	// loop is running.
	ErrRunning = errors.New("evloop: loop is running")

	// ErrNilCallback is returned for a nil callback. It matches
	// fs.ErrInvalid.
	ErrNilCallback = fmt.Errorf("evloop: nil callback: %w", fs.ErrInvalid)

	// ErrNotPollable is returned by Register for a descriptor whose file
	// has no readiness to wait for: a regular file or a directory, which
	// are always ready for poll(2) and select(2), refused by epoll (EPERM)
	// and answered with the size left by kqueue. Every backend refuses
	// them alike. It matches errors.ErrUnsupported, and the error Register
	// returns also matches unix.EPERM, as epoll's does.
	ErrNotPollable = fmt.Errorf("evloop: descriptor cannot be polled (a regular file or a directory): %w", errors.ErrUnsupported)

	// ErrSignal is returned by a loop's AddSignalHandler for a signal it
	// cannot deliver: nil, not a positive signal number the system has,
	// SIGKILL or SIGSTOP. It matches fs.ErrInvalid.
	ErrSignal = fmt.Errorf("evloop: signal cannot be handled: %w", fs.ErrInvalid)

	// ErrTruncated is returned with a datagram larger than the buffer it
	// was read into: the buffer holds its first bytes, the rest is lost.
	// It matches unix.EMSGSIZE's meaning, not its value: errors.Is(err,
	// api.ErrTruncated).
	ErrTruncated = errors.New("evloop: datagram truncated: larger than the buffer")

	// ErrNilTimer is returned by TimerQueue.Push for a nil timer. It matches
	// fs.ErrInvalid.
	ErrNilTimer = fmt.Errorf("evloop: nil timer: %w", fs.ErrInvalid)
)
