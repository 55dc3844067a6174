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

// Selector is a select(2) selector. The zero value is not usable; call New.
type Selector struct {
	regs         backend.Table
	maxfd        int          // highest registered descriptor, -1 if none
	rset, wset   []unix.FdSet // what is registered
	rwork, wwork []unix.FdSet // what select is given and fills in
	cursor       int          // word where the next scan of results begins
	wait         waiter
	closed       bool
}

var _ api.Selector = (*Selector)(nil)

// New returns a select selector. It opens no kernel object.
// errShortBuffer is Select's error for a buffer without spare capacity.
var errShortBuffer = backend.ShortBuffer("select")

func New() (*Selector, error) { return &Selector{maxfd: -1}, nil }

// Name returns "select".
func (s *Selector) Name() string { return "select" }

// Register implements [api.Selector].
func (s *Selector) Register(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, 0); err != nil {
		return fmt.Errorf("select: register fd %d: %w", fd, err)
	}
	if s.regs.Lookup(fd) != nil {
		return fmt.Errorf("select: register fd %d: %w", fd, api.ErrRegistered)
	}
	if fd >= fdLimit {
		return fmt.Errorf("select: register fd %d: at or above FD_SETSIZE (%d) on this platform: %w", fd, fdLimit, errors.ErrUnsupported)
	}
	if err := backend.CheckPollable(fd); err != nil {
		return fmt.Errorf("select: register fd %d: %w", fd, err)
	}
	if sets := fd/setBits + 1; sets > len(s.rset) {
		grow := sets - len(s.rset)
		s.rset = append(s.rset, make([]unix.FdSet, grow)...)
		s.wset = append(s.wset, make([]unix.FdSet, grow)...)
		s.rwork = make([]unix.FdSet, len(s.rset))
		s.wwork = make([]unix.FdSet, len(s.rset))
	}
	s.regs.Set(fd, backend.Reg{Gen: s.regs.NextGen(), Interest: interest})
	s.arm(fd, interest)
	s.maxfd = max(s.maxfd, fd)
	return nil
}

// Modify implements [api.Selector]; it also re-arms a descriptor that was
// silenced after being closed while registered.
func (s *Selector) Modify(fd int, interest api.Interest) error {
	if err := backend.Check(s.closed, fd, interest, 0); err != nil {
		return fmt.Errorf("select: modify fd %d: %w", fd, err)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("select: modify fd %d: %w", fd, api.ErrNotRegistered)
	}
	r.Interest, r.Silenced = interest, false
	s.arm(fd, interest)
	return nil
}

// Unregister implements [api.Selector].
func (s *Selector) Unregister(fd int) error {
	if s.closed {
		return fmt.Errorf("select: unregister fd %d: %w", fd, api.ErrClosed)
	}
	r := s.regs.Lookup(fd)
	if r == nil {
		return fmt.Errorf("select: unregister fd %d: %w", fd, api.ErrNotRegistered)
	}
	*r = backend.Reg{}
	s.arm(fd, 0)
	for s.maxfd >= 0 && s.regs.Lookup(s.maxfd) == nil {
		s.maxfd--
	}
	return nil
}

// arm sets fd's bits in the registered sets to interest.
func (s *Selector) arm(fd int, interest api.Interest) {
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

// Select implements [api.Selector].
func (s *Selector) Select(events []api.Event, timeout time.Duration) ([]api.Event, error) {
	if s.closed {
		return events, fmt.Errorf("select: select: %w", api.ErrClosed)
	}
	if len(events) == cap(events) {
		return events, errShortBuffer
	}
	w := backend.StartWait(timeout)
	for {
		sets := 0
		if s.maxfd >= 0 {
			sets = s.maxfd/setBits + 1
		}
		copy(s.rwork[:sets], s.rset[:sets])
		copy(s.wwork[:sets], s.wset[:sets])
		n, err := s.wait.wait(s.maxfd+1, first(s.rwork[:sets]), first(s.wwork[:sets]), w.Left())
		switch {
		case err == unix.EINTR:
			w.Resume()
		case err == unix.EBADF:
			start := len(events)
			if events = s.reap(events); len(events) == start {
				return events, fmt.Errorf("select: select: %w", os.NewSyscallError(waitCall, err))
			}
			if len(events) == cap(events) {
				return events, nil
			}
			// Collect the others without waiting: the caller has events.
			w = backend.StartWait(0)
		case err != nil:
			return events, fmt.Errorf("select: select: %w", os.NewSyscallError(waitCall, err))
		case n > 0:
			return s.collect(events, sets, n), nil
		case !w.Resume():
			return events, nil
		}
	}
}

func first(sets []unix.FdSet) *unix.FdSet {
	if len(sets) == 0 {
		return nil
	}
	return &sets[0]
}

// collect appends the descriptors set in the work sets; n is select's
// count, in which a descriptor both readable and writable counts twice.
func (s *Selector) collect(events []api.Event, sets, n int) []api.Event {
	words := sets * setWords
	i := s.cursor
	for scanned := 0; scanned < words && n > 0 && len(events) < cap(events); scanned++ {
		if i >= words {
			i = 0
		}
		r := word(&s.rwork[i/setWords], i%setWords)
		w := word(&s.wwork[i/setWords], i%setWords)
		for m := r | w; m != 0 && len(events) < cap(events); m &= m - 1 {
			b := uint64(bits.TrailingZeros64(m))
			var ready api.Interest
			if r&(1<<b) != 0 {
				ready |= api.Readable
				n--
			}
			if w&(1<<b) != 0 {
				ready |= api.Writable
				n--
			}
			events = append(events, api.Event{Fd: i*wordBits + int(b), Ready: ready})
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
func (s *Selector) reap(events []api.Event) []api.Event {
	for fd := 0; fd <= s.maxfd && len(events) < cap(events); fd++ {
		r := s.regs.Lookup(fd)
		if r == nil || r.Silenced || backend.CheckFd(fd) == nil {
			continue
		}
		r.Silenced = true
		s.arm(fd, 0)
		events = append(events, api.Event{Fd: fd, Ready: api.Error | r.Interest&api.Directions})
	}
	return events
}

// Close implements [api.Selector]. select holds no kernel object; Close
// drops the registrations.
func (s *Selector) Close() error {
	if s.closed {
		return fmt.Errorf("select: close: %w", api.ErrClosed)
	}
	*s = Selector{closed: true, maxfd: -1}
	return nil
}
