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

	// ErrNilTimer is returned by TimerQueue.Push for a nil timer. It matches
	// fs.ErrInvalid.
	ErrNilTimer = fmt.Errorf("evloop: nil timer: %w", fs.ErrInvalid)
)
