//go:build unix

// Package fdselect implements [api.Selector] with select(2). The folder is
// backends/select, but select is a Go keyword and cannot name a package;
// fdselect says what the package works with: descriptor sets (fd_set).
//
// The sets are not limited to FD_SETSIZE (1024) where the kernel accepts
// larger ones: they are arrays of fd_set sized to the highest registered
// descriptor, as libev and libevent size theirs, so on Linux a descriptor
// numbered 5000 works. Elsewhere (macOS, the BSDs), where the C library or
// the kernel may refuse a larger set, Register refuses a descriptor at or
// above FD_SETSIZE at once, with an error matching errors.ErrUnsupported,
// rather than let Select fail later.
//
// Each Select copies the sets and the kernel scans them: the cost grows
// with the highest registered descriptor, which is what select implies.
// Waits use pselect6 on Linux (nanosecond timeout) and select elsewhere
// (microseconds, rounded up).
//
// select fails the whole call with EBADF when any descriptor in the sets
// was closed; the selector then finds which ones with fcntl, reports each
// once as [api.Error], drops them from the sets (until Modify or
// Unregister) and keeps serving the others.
package fdselect

import (
	"errors"
	"fmt"
	"math/bits"
	"os"
	"time"
	"unsafe"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/backend"
	"golang.org/x/sys/unix"
)

const (
	wordBits = int(unsafe.Sizeof(unix.FdSet{}.Bits[0])) * 8
	setWords = len(unix.FdSet{}.Bits)
	setBits  = setWords * wordBits // FD_SETSIZE
)

// A selector is the shared core over descriptor sets.
type selector struct {
	backend.Core
	maxfd        int          // highest registered descriptor, -1 if none
	rset, wset   []unix.FdSet // what is registered
	rwork, wwork []unix.FdSet // what select is given and fills in
	cursor       int          // word where the next scan of results begins
	wait         waiter
}

// New returns a select selector. It opens no kernel object.
func New() (api.Selector, error) {
	s := &selector{maxfd: -1}
	s.Init(backend.Config{Name: "select", CheckFiles: true}, s)
	return s, nil
}

// Available reports whether this platform has the mechanism.
const Available = true

func (s *selector) Add(fd int, r *backend.Reg) error {
	if fd >= fdLimit {
		return fmt.Errorf("at or above FD_SETSIZE (%d) on this platform: %w", fdLimit, errors.ErrUnsupported)
	}
	if sets := fd/setBits + 1; sets > len(s.rset) {
		grow := sets - len(s.rset)
		s.rset = append(s.rset, make([]unix.FdSet, grow)...)
		s.wset = append(s.wset, make([]unix.FdSet, grow)...)
		s.rwork = make([]unix.FdSet, len(s.rset))
		s.wwork = make([]unix.FdSet, len(s.rset))
	}
	s.arm(fd, r.Interest)
	s.maxfd = max(s.maxfd, fd)
	return nil
}

// Modify also re-arms a descriptor silenced after it was closed.
func (s *selector) Mod(fd int, _ *backend.Reg, in api.Interest) error {
	s.arm(fd, in)
	return nil
}

func (s *selector) Del(fd int, _ backend.Reg) error {
	s.arm(fd, 0)
	for s.maxfd >= 0 && s.Regs.Lookup(s.maxfd) == nil {
		s.maxfd--
	}
	return nil
}

// arm sets fd's bits in the registered sets to interest.
func (s *selector) arm(fd int, interest api.Interest) {
	set, bit := fd/setBits, fd%setBits
	s.rset[set].Clear(bit)
	s.wset[set].Clear(bit)
	if interest&api.Readable != 0 {
		s.rset[set].Set(bit)
	}
	if interest&api.Writable != 0 {
		s.wset[set].Set(bit)
	}
}

// Wait: select fails the whole call with EBADF when a descriptor in the
// sets was closed; reap reports those, and the others are polled at once.
func (s *selector) Wait(events []api.Event, d time.Duration) ([]api.Event, error) {
	sets := 0
	if s.maxfd >= 0 {
		sets = s.maxfd/setBits + 1
	}
	copy(s.rwork[:sets], s.rset[:sets])
	copy(s.wwork[:sets], s.wset[:sets])
	n, err := s.wait.wait(s.maxfd+1, first(s.rwork[:sets]), first(s.wwork[:sets]), d)
	switch {
	case err == unix.EBADF:
		start := len(events)
		if events = s.reap(events); len(events) == start {
			return events, os.NewSyscallError(waitCall, err)
		}
		if len(events) == cap(events) {
			return events, nil
		}
		return s.Wait(events, 0)
	case err == unix.EINTR:
		return events, err
	case err != nil:
		return events, os.NewSyscallError(waitCall, err)
	}
	return s.collect(events, sets, n), nil
}

func first(sets []unix.FdSet) *unix.FdSet {
	if len(sets) == 0 {
		return nil
	}
	return &sets[0]
}

// collect appends the descriptors set in the work sets; n is select's
// count, in which a descriptor both readable and writable counts twice.
func (s *selector) collect(events []api.Event, sets, n int) []api.Event {
	words := sets * setWords
	i := s.cursor
	for scanned := 0; scanned < words && n > 0 && len(events) < cap(events); scanned++ {
		if i >= words {
			i = 0
		}
		r := word(&s.rwork[i/setWords], i%setWords)
		w := word(&s.wwork[i/setWords], i%setWords)
		for b := r | w; b != 0 && len(events) < cap(events); b &= b - 1 {
			bit := uint64(bits.TrailingZeros64(b))
			var ready api.Interest
			if r&(1<<bit) != 0 {
				ready |= api.Readable
				n--
			}
			if w&(1<<bit) != 0 {
				ready |= api.Writable
				n--
			}
			events = append(events, api.Event{Fd: i*wordBits + int(bit), Ready: ready})
		}
		i++
	}
	s.cursor = i
	return events
}

// word returns word j of set as a uint64, without sign extension.
func word(set *unix.FdSet, j int) uint64 {
	return uint64(set.Bits[j]) & (1<<wordBits - 1)
}

// reap finds the registered descriptors that were closed, reports each
// once as Error and drops it from the sets.
func (s *selector) reap(events []api.Event) []api.Event {
	for fd := 0; fd <= s.maxfd && len(events) < cap(events); fd++ {
		r := s.Regs.Lookup(fd)
		if r == nil || r.Silenced || backend.CheckFd(fd) == nil {
			continue
		}
		r.Silenced = true
		s.arm(fd, 0)
		events = append(events, api.Event{Fd: fd, Ready: api.Error | r.Interest&api.Directions})
	}
	return events
}

// Close drops the sets: select holds no kernel object.
func (s *selector) Release() error {
	s.rset, s.wset, s.rwork, s.wwork, s.maxfd = nil, nil, nil, nil, -1
	return nil
}
