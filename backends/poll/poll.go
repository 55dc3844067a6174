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
	"os"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

// New returns a poll selector. It opens no kernel object.
func New() (api.Selector, error) {
	s := new(selector)
	s.Init(backend.Config{Name: "poll", CheckFiles: true}, s)
	return s, nil
}

// A selector is the shared core over a pollfd array; a registration's
// Slot is its index there.
type selector struct {
	backend.Core
	pfds   []unix.PollFd
	fds    []int32       // fds[i] is the descriptor of pfds[i], even while silenced
	cursor int           // where the next scan of results begins
	ts     unix.Timespec // kept here so the wait does not allocate
}

// Available reports whether this platform has the mechanism.
const Available = true

func (s *selector) Add(fd int, r *backend.Reg) error {
	r.Slot = int32(len(s.pfds))
	s.pfds = append(s.pfds, unix.PollFd{Fd: int32(fd), Events: pollEvents(r.Interest)})
	s.fds = append(s.fds, int32(fd))
	return nil
}

func (s *selector) Mod(fd int, r *backend.Reg, in api.Interest) error {
	s.pfds[r.Slot] = unix.PollFd{Fd: int32(fd), Events: pollEvents(in)}
	return nil
}

// Delete moves the last entry into the hole.
func (s *selector) Del(fd int, r backend.Reg) error {
	i, last := r.Slot, len(s.pfds)-1
	s.pfds[i], s.fds[i] = s.pfds[last], s.fds[last]
	if moved := s.Regs.Lookup(int(s.fds[i])); moved != nil {
		moved.Slot = i
	}
	s.pfds, s.fds = s.pfds[:last], s.fds[:last]
	return nil
}

func (s *selector) Wait(events []api.Event, d time.Duration) ([]api.Event, error) {
	n, err := s.wait(d)
	if err != nil {
		if err != unix.EINTR {
			err = os.NewSyscallError(waitCall, err)
		}
		return events, err
	}
	return s.collect(events, n), nil
}

// collect appends the n results of the last wait, starting at the cursor.
func (s *selector) collect(events []api.Event, n int) []api.Event {
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
		fd := int(s.fds[i])
		ready := flags.Ready(uint32(uint16(p.Revents)), s.Regs.Lookup(fd).Interest)
		if p.Revents&unix.POLLNVAL != 0 {
			// Closed while registered: say so once, then silence the
			// entry (poll skips negative descriptors) until Modify or
			// Unregister, rather than spin on POLLNVAL.
			p.Fd = -1
		}
		p.Revents = 0
		events = append(events, api.Event{Fd: fd, Ready: ready})
	}
	s.cursor = i
	return events
}

// Close drops the array: poll holds no kernel object.
func (s *selector) Release() error {
	s.pfds, s.fds = nil, nil
	return nil
}

// flags is poll's translation table. POLLNVAL, a descriptor closed while
// registered, is an error.
var flags = backend.Flags{
	{Kernel: unix.POLLIN, Interest: api.Readable},
	{Kernel: unix.POLLOUT, Interest: api.Writable},
	{Kernel: unix.POLLERR | unix.POLLNVAL, Interest: api.Error},
	{Kernel: unix.POLLHUP, Interest: api.HangUp},
}

func pollEvents(in api.Interest) int16 { return int16(flags.Mask(in)) }
