//go:build unix

// Package wakeup is the descriptor another goroutine writes to wake a loop
// blocked in its selector: an eventfd on Linux, a non-blocking pipe
// elsewhere. Wake-ups are coalesced: however many goroutines call Wake,
// at most one write is pending until the loop calls Drain, as in libev's
// async watchers, libuv's uv_async_send and the Go runtime's netpollBreak.
package wakeup

import (
	"sync/atomic"

	"github.com/evloop/evloop/internal/nbio"
	"golang.org/x/sys/unix"
)

// Waker is a wake-up descriptor. Wake is safe from any goroutine; Fd,
// Drain and Close belong to the loop's.
type Waker struct {
	r, w    int // the same eventfd twice on Linux
	pending atomic.Bool
}

// Fd returns the descriptor to register for reading.
func (k *Waker) Fd() int { return k.r }

// Wake makes Fd readable unless a wake-up is already pending.
func (k *Waker) Wake() {
	// Test before test-and-set: under many posters the flag is nearly
	// always set, and a load keeps the cache line shared where a swap
	// would bounce it between cores.
	if k.pending.Load() || k.pending.Swap(true) {
		return
	}
	for {
		_, err := nbio.Write(k.w, wakeBytes[:])
		// EAGAIN: the counter or pipe is full, so the loop will wake.
		if err != unix.EINTR {
			return
		}
	}
}

// Drain consumes pending wake-ups. The loop must call it before it looks
// for the work that was posted, so that a post after the look writes again.
func (k *Waker) Drain() {
	var buf [64]byte
	for {
		_, err := nbio.Read(k.r, buf[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil { // EAGAIN: empty
			break
		}
	}
	k.pending.Store(false)
}

// Close closes the descriptors.
func (k *Waker) Close() error {
	err := unix.Close(k.r)
	if k.w != k.r {
		if err2 := unix.Close(k.w); err == nil {
			err = err2
		}
	}
	return err
}
