//go:build unix

package bench

import (
	"fmt"
	"math/bits"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// floor runs a W1 floor: a seeded ring, then run timed for b.N writes.
func floor(b *testing.B, fds, active int, run func(r *ring, writes int) error) {
	r, err := newRing(fds, active)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if err := r.seed(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := run(r, b.N); err != nil {
		b.Fatal(err)
	}
}

// RawPoll is W1's floor for poll: one pollfd array, poll, a scan, read,
// write.
func RawPoll(b *testing.B, fds, active int) { floor(b, fds, active, rawPoll) }

func rawPoll(r *ring, writes int) error {
	pfds := make([]unix.PollFd, len(r.reads))
	for i, fd := range r.reads {
		pfds[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	}
	for reads, want := 0, writes+r.active; reads < want; {
		n, err := unix.Poll(pfds, int(stall/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("bench: poll: %w", err)
		}
		if n == 0 {
			return stalled(reads, want)
		}
		for i := 0; n > 0 && i < len(pfds); i++ {
			if pfds[i].Revents != 0 {
				n--
				if r.pass(i, &writes) {
					reads++
				}
			}
		}
	}
	return nil
}

// RawSelect is W1's floor for select: fd_sets sized to the highest
// descriptor, copied and handed to select, a scan, read, write.
func RawSelect(b *testing.B, fds, active int) { floor(b, fds, active, rawSelect) }

func rawSelect(r *ring, writes int) error {
	maxfd := 0
	for _, fd := range r.reads {
		maxfd = max(maxfd, fd)
	}
	const (
		wordBits = int(unsafe.Sizeof(unix.FdSet{}.Bits[0])) * 8
		words    = len(unix.FdSet{}.Bits)
		per      = words * wordBits
	)
	master := make([]unix.FdSet, maxfd/per+1)
	work := make([]unix.FdSet, len(master))
	for _, fd := range r.reads {
		master[fd/per].Set(fd % per)
	}
	tv := unix.NsecToTimeval(int64(stall))
	for reads, want := 0, writes+r.active; reads < want; {
		copy(work, master)
		n, err := selectWait(maxfd+1, &work[0], &tv)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("bench: select: %w", err)
		}
		if n == 0 {
			return stalled(reads, want)
		}
		for i := 0; n > 0 && i < len(work)*words; i++ {
			w := uint64(work[i/words].Bits[i%words]) & (1<<wordBits - 1)
			for ; w != 0; w &= w - 1 {
				fd := i*wordBits + bits.TrailingZeros64(w)
				n--
				if r.pass(int(r.index[fd]), &writes) {
					reads++
				}
			}
		}
	}
	return nil
}
