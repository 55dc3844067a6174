//go:build linux

package epoll

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

func TestEpollPwait2(t *testing.T) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(epfd)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(p[0]), Pad: 77}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, p[0], &ev); err != nil {
		t.Fatal(err)
	}
	evs := make([]unix.EpollEvent, 4)

	n, err := epollPwait2(epfd, evs, &unix.Timespec{})
	if err == unix.ENOSYS || err == unix.EPERM {
		t.Skipf("epoll_pwait2 unavailable here (%v); the fallback is tested by TestConformanceEpollPwait", err)
	}
	if n != 0 || err != nil {
		t.Fatalf("epollPwait2(timeout 0) on an empty pipe = %d, %v; want 0, nil", n, err)
	}

	const wait = 1500 * time.Microsecond // not a whole number of milliseconds
	ts := unix.NsecToTimespec(int64(wait))
	start := time.Now()
	n, err = epollPwait2(epfd, evs, &ts)
	if took := time.Since(start); n != 0 || err != nil || took < wait {
		t.Errorf("epollPwait2(timeout %v) = %d, %v after %v; want 0, nil, no sooner than %v", wait, n, err, took, wait)
	}

	unix.Write(p[1], []byte("x"))
	n, err = epollPwait2(epfd, evs, nil)
	if n != 1 || err != nil {
		t.Fatalf("epollPwait2(no timeout) on a readable pipe = %d, %v; want 1, nil", n, err)
	}
	if evs[0].Fd != int32(p[0]) || evs[0].Pad != 77 || evs[0].Events&unix.EPOLLIN == 0 {
		t.Errorf("event = %+v; want fd %d, pad 77 (the user data), EPOLLIN", evs[0], p[0])
	}

	if _, err := epollPwait2(-1, evs, &unix.Timespec{}); err != unix.EBADF {
		t.Errorf("epollPwait2(epfd -1) error = %v; want EBADF", err)
	}
}

// Where the kernel has epoll_pwait2, the selector must keep using it
// rather than fall back to millisecond waits.
func TestUsesPwait2(t *testing.T) {
	sel, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer sel.Close()
	s := sel.(*selector)
	if _, err := epollPwait2(s.epfd, s.kevs, &unix.Timespec{}); err != nil {
		t.Skipf("epoll_pwait2 unavailable here: %v", err)
	}
	for _, d := range []time.Duration{0, time.Microsecond, 1500 * time.Microsecond} {
		if _, err := s.Select(make([]api.Event, 0, 1), d); err != nil {
			t.Fatal(err)
		}
	}
	if !s.pwait2 {
		t.Errorf("the selector fell back to epoll_pwait on a kernel with epoll_pwait2")
	}
}

// TestBlockingErrorNamesTheCall: the blocking waits name their calls too.
func TestBlockingErrorNamesTheCall(t *testing.T) {
	for _, c := range []struct {
		call string
		open func() (api.Selector, error)
	}{{"epoll_pwait2", New}, {"epoll_pwait", NewFallback}} {
		sel, err := c.open()
		if err != nil {
			t.Fatal(err)
		}
		Break(t, sel)
		s := sel.(*selector)
		_, err = s.block(s.kevs, time.Millisecond)
		var se *os.SyscallError
		if !errors.As(err, &se) || se.Syscall != c.call || !errors.Is(err, unix.EINVAL) {
			t.Errorf("%s on a broken epoll descriptor = %v; want an *os.SyscallError from %s matching EINVAL", c.call, err, c.call)
		}
		sel.Close()
	}
}
