package loop

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
)

// fdRecord holds a descriptor's callbacks. The selector has one
// registration per descriptor, whose interest is the union of the
// directions with a callback.
type fdRecord struct {
	reader, writer func()
	rseq, wseq     uint64 // ready-queue entries queued for them, if any
	interest       api.Interest
}

// AddReader calls fn whenever fd is readable (level-triggered: again in
// every iteration while it stays readable), until RemoveReader. A reader
// already set for fd is replaced, and if it was due in this iteration it
// no longer runs. A descriptor that is negative, not open, or beyond any
// the process could open is refused with an error matching unix.EBADF
// before anything is allocated; one that cannot be polled (a regular file
// or a directory) with an error matching api.ErrNotPollable. Errors change
// nothing.
//
// Remove before close: the kernel reuses descriptor numbers. AddReader or
// AddWriter for a number whose earlier descriptor was closed while
// registered reaches the kernel again and works for the new descriptor on
// every backend; but until then, what the loop does with the stale
// registration depends on the backend (see the package documentation).
//
// The callback should read or write without blocking, so fd should be in
// non-blocking mode (unix.SetNonblock). Mind where a descriptor comes
// from: os.File.Fd() switches the file to blocking mode (and keeps it
// out of the runtime's poller); take the number from
// SyscallConn().Control instead, or duplicate it (unix.Dup), set the copy
// non-blocking and close the original; package stream's AdoptConn does
// that for sockets. A descriptor the runtime's poller also watches
// (net.Conn's) must not be read by both.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.add(fd, fn, api.Readable)
}

// AddWriter is AddReader for writability.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.add(fd, fn, api.Writable)
}

// RemoveReader stops calling fd's reader and reports whether there was
// one. A reader due in this iteration no longer runs.
func (l *Loop) RemoveReader(fd int) (bool, error) {
	return l.remove(fd, api.Readable)
}

// RemoveWriter is RemoveReader for the writer.
func (l *Loop) RemoveWriter(fd int) (bool, error) {
	return l.remove(fd, api.Writable)
}

func (l *Loop) add(fd int, fn func(), dir api.Interest) error {
	what := "add reader"
	if dir == api.Writable {
		what = "add writer"
	}
	if err := l.check(fn); err != nil {
		return fmt.Errorf("loop: %s fd %d: %w", what, fd, err)
	}
	if fd < 0 || fd == l.wake.Fd() {
		return fmt.Errorf("loop: %s fd %d: %w", what, fd, syscall.EBADF)
	}
	if fd >= len(l.fds) {
		// Check before growing the table: a number past the end may be
		// anything, up to math.MaxInt, and the table is indexed by it.
		if err := backend.CheckFd(fd); err != nil { // one fcntl, only when growing
			return fmt.Errorf("loop: %s fd %d: %w", what, fd, err)
		}
		l.fds = append(l.fds, make([]fdRecord, fd+1-len(l.fds))...)
	}
	r := &l.fds[fd]
	old := *r
	if dir == api.Readable {
		l.ready.cancel(r.rseq)
		r.reader, r.rseq = fn, 0
	} else {
		l.ready.cancel(r.wseq)
		r.writer, r.wseq = fn, 0
	}
	if err := l.sync(fd, r, true); err != nil {
		if r.interest == old.interest {
			*r = old // the registration stands as it was
		} else {
			*r = fdRecord{} // the descriptor is gone, and its registration with it
		}
		r.rseq, r.wseq = 0, 0
		return fmt.Errorf("loop: %s fd %d: %w", what, fd, err)
	}
	return nil
}

// HasReader reports whether fd has a reader.
func (l *Loop) HasReader(fd int) bool {
	return fd >= 0 && fd < len(l.fds) && l.fds[fd].reader != nil
}

// HasWriter reports whether fd has a writer.
func (l *Loop) HasWriter(fd int) bool {
	return fd >= 0 && fd < len(l.fds) && l.fds[fd].writer != nil
}

func (l *Loop) remove(fd int, dir api.Interest) (bool, error) {
	if l.closed {
		return false, fmt.Errorf("loop: remove fd %d: %w", fd, api.ErrClosed)
	}
	if fd < 0 || fd >= len(l.fds) {
		return false, nil
	}
	r := &l.fds[fd]
	if dir == api.Readable {
		if r.reader == nil {
			return false, nil
		}
		l.ready.cancel(r.rseq)
		r.reader, r.rseq = nil, 0
	} else {
		if r.writer == nil {
			return false, nil
		}
		l.ready.cancel(r.wseq)
		r.writer, r.wseq = nil, 0
	}
	if err := l.sync(fd, r, false); err != nil {
		// The descriptor was closed before its callbacks were removed;
		// the callback is gone all the same.
		return true, fmt.Errorf("loop: remove fd %d: %w", fd, err)
	}
	return true, nil
}

// sync brings the selector's registration of fd in line with r. With
// force, an unchanged interest reaches the selector too (as a Modify): a
// new callback may be for a new descriptor that reuses the number of one
// closed while registered, and only the kernel can tell.
func (l *Loop) sync(fd int, r *fdRecord, force bool) error {
	var want api.Interest
	if r.reader != nil {
		want |= api.Readable
	}
	if r.writer != nil {
		want |= api.Writable
	}
	var err error
	switch {
	case want == r.interest && (!force || want == 0):
		return nil
	case r.interest == 0:
		err = l.register(fd, r, want)
	case want == 0:
		err = l.sel.Unregister(fd)
		l.userFds-- // gone from the selector whatever it said
		r.interest = 0
	default:
		err = l.sel.Modify(fd, want)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.EBADF) {
			// The kernel no longer has the registration: the descriptor
			// was closed while registered (ENOENT when its number has
			// been reused, EBADF when not). Forget it and start anew;
			// a new registration also gets a new generation, so events
			// of an old file still open through a duplicate are dropped.
			l.sel.Unregister(fd)
			l.userFds--
			r.interest = 0
			err = l.register(fd, r, want)
		} else if err == nil {
			r.interest = want
		}
	}
	return err
}

func (l *Loop) register(fd int, r *fdRecord, want api.Interest) error {
	if err := l.sel.Register(fd, want); err != nil {
		return err
	}
	l.userFds++
	r.interest = want
	return nil
}

// dispatch turns a batch of events into ready callbacks, all before any
// runs, so a callback that removes or replaces another descriptor's
// callback cancels it rather than find it already started.
func (l *Loop) dispatch(events []api.Event) {
	wake := l.wake.Fd()
	for _, ev := range events {
		if ev.Fd == wake {
			l.wake.Drain()
			continue
		}
		if ev.Fd >= len(l.fds) {
			continue
		}
		r := &l.fds[ev.Fd]
		if ev.Ready&api.Readable != 0 && r.reader != nil {
			r.rseq = l.ready.push(r.reader, nil)
		}
		if ev.Ready&api.Writable != 0 && r.writer != nil {
			r.wseq = l.ready.push(r.writer, nil)
		}
	}
}
