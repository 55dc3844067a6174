//go:build unix

package bench

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// A ring is W1's set of socket pairs: reading pair i's read end and
// writing one byte into pair i+1 passes a token along the ring.
type ring struct {
	reads, writes []int
	index         []int32 // index[fd] is the pair of read end fd, -1 if none
	active        int
}

// newRing opens n non-blocking AF_UNIX socket pairs and seeds active
// tokens at pairs 0, n/active, 2n/active...
func newRing(n, active int) (*ring, error) {
	if n <= 0 || active <= 0 || active > n {
		return nil, fmt.Errorf("bench: ring of %d pairs with %d active: want 0 < active <= pairs", n, active)
	}
	r := &ring{reads: make([]int, 0, n), writes: make([]int, 0, n), active: active}
	for range n {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("bench: socketpair: %w", err)
		}
		for _, fd := range fds {
			unix.CloseOnExec(fd)
			unix.SetNonblock(fd, true)
		}
		r.reads = append(r.reads, fds[0])
		r.writes = append(r.writes, fds[1])
		for len(r.index) <= fds[0] {
			r.index = append(r.index, -1)
		}
		r.index[fds[0]] = int32(len(r.reads) - 1)
	}
	return r, nil
}

func (r *ring) seed() error {
	n := len(r.reads)
	for k := range r.active {
		if _, err := unix.Write(r.writes[k*n/r.active], token[:]); err != nil {
			return fmt.Errorf("bench: seeding: %w", err)
		}
	}
	return nil
}

var token = [1]byte{'x'}

// pass reads the token at pair i and, while writes remain, passes it on.
// It reports whether a token was read.
func (r *ring) pass(i int, writes *int) bool {
	var buf [1]byte
	if n, _ := unix.Read(r.reads[i], buf[:]); n != 1 {
		return false
	}
	if *writes > 0 {
		next := i + 1
		if next == len(r.reads) {
			next = 0
		}
		unix.Write(r.writes[next], token[:])
		*writes--
	}
	return true
}

// Close closes every descriptor of the ring.
func (r *ring) Close() {
	for _, fd := range r.reads {
		unix.Close(fd)
	}
	for _, fd := range r.writes {
		unix.Close(fd)
	}
}
