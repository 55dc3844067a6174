//go:build unix

package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

// Dispatch is W1, the ping chain, on sel: fds socket pairs registered for
// reading, active tokens passed along the ring until b.N writes have been
// made. One op is one read (one event dispatched). sel is closed on return.
func Dispatch(b *testing.B, sel api.Selector, fds, active int) {
	defer sel.Close()
	r, err := newRing(fds, active)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for _, fd := range r.reads {
		if err := sel.Register(fd, api.Readable); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.seed(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := dispatch(sel, r, b.N); err != nil {
		b.Fatal(err)
	}
}

// stall is how long a workload waits for an event before it declares the
// implementation broken rather than hang.
const stall = 10 * time.Second

func stalled(reads, want int) error {
	return fmt.Errorf("bench: no event for %v after %d of %d reads: an event was lost", stall, reads, want)
}

// dispatch runs the ring until writes tokens have been passed and every
// token read: writes + active reads.
func dispatch(sel api.Selector, r *ring, writes int) error {
	reads, want := 0, writes+r.active
	events := make([]api.Event, 0, 256)
	var err error
	for reads < want {
		if events, err = sel.Select(events[:0], stall); err != nil {
			return fmt.Errorf("bench: dispatch after %d of %d reads: %w", reads, want, err)
		}
		if len(events) == 0 {
			return stalled(reads, want)
		}
		for _, ev := range events {
			if r.pass(int(r.index[ev.Fd]), &writes) {
				reads++
			}
		}
	}
	return nil
}
