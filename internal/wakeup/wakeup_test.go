//go:build unix

package wakeup

import (
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

func readable(t *testing.T, fd int) bool {
	t.Helper()
	p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestWakeDrain(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if readable(t, k.Fd()) {
		t.Fatal("a new waker is readable")
	}
	k.Wake()
	if !readable(t, k.Fd()) {
		t.Fatal("not readable after Wake")
	}
	k.Drain()
	if readable(t, k.Fd()) {
		t.Fatal("still readable after Drain")
	}
	k.Wake()
	if !readable(t, k.Fd()) {
		t.Fatal("not readable after a Wake that followed Drain")
	}
}

// TestCoalesced checks that many wake-ups leave one write pending: after
// the first, Wake makes no system call until Drain.
func TestCoalesced(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				k.Wake()
			}
		})
	}
	wg.Wait()
	var buf [64]byte
	n, err := unix.Read(k.Fd(), buf[:])
	if err != nil {
		t.Fatal(err)
	}
	// One write: an eventfd counter of 1, or one byte in the pipe.
	if got := buf[0]; got != 1 || n != len(wakeBytes) {
		t.Errorf("after 8000 Wake calls read %d bytes, first %d; want exactly one write (%d bytes, value 1)", n, got, len(wakeBytes))
	}
	if _, err := unix.Read(k.Fd(), buf[:]); err != unix.EAGAIN {
		t.Errorf("second read = %v; want EAGAIN (nothing more written)", err)
	}
}

func TestClose(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	fd := k.Fd()
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Errorf("fcntl on the closed waker = %v; want EBADF", err)
	}
}
