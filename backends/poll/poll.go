//go:build unix

// Package poll implements [api.Selector] with poll(2), which every Unix has.
//
// The pollfd array is kept dense: Register appends, Unregister moves the
// last entry into the hole, and a table indexed by descriptor finds an
// entry, so every registration call is O(1) and Select costs O(registered
// descriptors), as poll itself does. Where the system has ppoll (Linux,
// OpenBSD) waits have nanosecond resolution; elsewhere they are rounded up
// to the next millisecond.
//
// When the caller's buffer is smaller than the number of ready descriptors,
// the next Select resumes scanning after the last one reported, so no
// descriptor is starved by those before it in the array.
package poll

import (
	"fmt"
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// Selector is a poll(2) selector. The zero value is not usable; call New.
type Selector struct {
	pfds   []unix.PollFd
	want   []api.Interest // want[i] is the registered interest of pfds[i]
	fds    []int32        // fds[i] is the descriptor of pfds[i], even while silenced
	index  []int32        // index[fd] is fd's position in pfds plus one; 0 if absent
	cursor int            // where the next scan of results begins
	ts     unix.Timespec  // kept here so the wait does not allocate
	closed bool
}

var _ api.Selector = (*Selector)(nil)

// New returns a poll selector. It opens no kernel object.
// errShortBuffer is Select's error for a buffer without spare capacity.
var errShortBuffer = backend.ShortBuffer("poll")

func New() (*Selector, error) { return &Selector{}, nil }

// Name returns "poll".
func (s *Selector) Name() string { return "poll" }

func (s *Selector) lookup(fd int) (int, bool) {
	if fd < 0 || fd >= len(s.index) || s.index[fd] == 0 {
		return 0, false
	}
	return int(s.index[fd]) - 1, true
}

// Register implements [api.Selector].
func (s *Selector) Register(fd int, interest api.Interest) error {
	if err := s.check(fd, interest); err != nil {
		return fmt.Errorf("poll: register fd %d: %w", fd, err)
	}
	if _, ok := s.lookup(fd); ok {
		return fmt.Errorf("poll: register fd %d: %w", fd, api.ErrRegistered)
	}
	if err := backend.CheckPollable(fd); err != nil {
		return fmt.Errorf("poll: register fd %d: %w", fd, err)
	}
	if fd >= len(s.index) {
		s.index = append(s.index, make([]int32, fd+1-len(s.index))...)
	}
	s.pfds = append(s.pfds, unix.PollFd{Fd: int32(fd), Events: pollEvents(interest)})
	s.want = append(s.want, interest)
	s.fds = append(s.fds, int32(fd))
	s.index[fd] = int32(len(s.pfds))
	return nil
}

// Modify implements [api.Selector].
func (s *Selector) Modify(fd int, interest api.Interest) error {
	if err := s.check(fd, interest); err != nil {
		return fmt.Errorf("poll: modify fd %d: %w", fd, err)
	}
	i, ok := s.lookup(fd)
	if !ok {
		return fmt.Errorf("poll: modify fd %d: %w", fd, api.ErrNotRegistered)
	}
	s.pfds[i] = unix.PollFd{Fd: int32(fd), Events: pollEvents(interest)}
	s.want[i] = interest
	return nil
}

// Unregister implements [api.Selector].
func (s *Selector) Unregister(fd int) error {
	if s.closed {
		return fmt.Errorf("poll: unregister fd %d: %w", fd, api.ErrClosed)
	}
	i, ok := s.lookup(fd)
	if !ok {
		return fmt.Errorf("poll: unregister fd %d: %w", fd, api.ErrNotRegistered)
	}
	last := len(s.pfds) - 1
	s.pfds[i], s.want[i], s.fds[i] = s.pfds[last], s.want[last], s.fds[last]
	s.index[s.fds[i]] = int32(i + 1)
	s.pfds, s.want, s.fds = s.pfds[:last], s.want[:last], s.fds[:last]
	s.index[fd] = 0
	return nil
}

func (s *Selector) check(fd int, interest api.Interest) error {
	return backend.Check(s.closed, fd, interest, 0)
}

// Select implements [api.Selector].
func (s *Selector) Select(events []api.Event, timeout time.Duration) ([]api.Event, error) {
	if s.closed {
		return events, fmt.Errorf("poll: select: %w", api.ErrClosed)
	}
	if len(events) == cap(events) {
		return events, errShortBuffer
	}
	w := backend.StartWait(timeout)
	for {
		n, err := s.wait(w.Left())
		switch {
		case err == unix.EINTR:
			w.Resume()
		case err != nil:
			return events, fmt.Errorf("poll: select: %w", os.NewSyscallError(waitCall, err))
		case n > 0:
			return s.collect(events, n), nil
		case !w.Resume():
			return events, nil
		}
		// Interrupted, or woken before the deadline on our clock (a wait
		// too long for poll's int is cut short): wait for the rest.
	}
}

// collect appends the n results of the last wait, starting at the cursor.
func (s *Selector) collect(events []api.Event, n int) []api.Event {
	size := len(s.pfds)
	i := s.cursor
	if i >= size {
		i = 0
	}
	for seen := 0; seen < n && len(events) < cap(events); i++ {
		if i == size {
			i = 0
		}
		p := &s.pfds[i]
		if p.Revents == 0 {
			continue
		}
		seen++
		ready := readiness(p.Revents, s.want[i])
		if p.Revents&unix.POLLNVAL != 0 {
			// Closed while registered: say so once, then silence the
			// entry (poll skips negative descriptors) until Modify or
			// Unregister, rather than spin on POLLNVAL.
			p.Fd = -1
		}
		p.Revents = 0
		events = append(events, api.Event{Fd: int(s.fds[i]), Ready: ready})
	}
	s.cursor = i
	return events
}

// Close implements [api.Selector]. poll holds no kernel object; Close
// drops the registrations.
func (s *Selector) Close() error {
	if s.closed {
		return fmt.Errorf("poll: close: %w", api.ErrClosed)
	}
	*s = Selector{closed: true}
	return nil
}

func pollEvents(in api.Interest) int16 {
	var ev int16
	if in&api.Readable != 0 {
		ev |= unix.POLLIN
	}
	if in&api.Writable != 0 {
		ev |= unix.POLLOUT
	}
	return ev
}

// readiness translates revents. An error or hang-up makes every registered
// direction ready, as libuv and the Go runtime do, so that the caller's
// read or write meets the condition instead of waiting for it.
func readiness(revents int16, want api.Interest) api.Interest {
	var r api.Interest
	if revents&unix.POLLIN != 0 {
		r |= api.Readable
	}
	if revents&unix.POLLOUT != 0 {
		r |= api.Writable
	}
	if revents&(unix.POLLERR|unix.POLLNVAL) != 0 {
		r |= api.Error
	}
	if revents&unix.POLLHUP != 0 {
		r |= api.HangUp
	}
	return backend.Ready(r, want)
}
