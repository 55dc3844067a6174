//go:build linux

package epoll_test

import (
	"errors"
	"os"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/epoll"
	"github.com/evloop/evloop/conformance"
	"golang.org/x/sys/unix"
)

func TestConformance(t *testing.T) {
	conformance.TestSelector(t, epoll.New)
}

// TestConformanceEpollPwait runs the suite on the fallback a kernel before
// 5.11 takes: millisecond waits, rounded up.
func TestConformanceEpollPwait(t *testing.T) {
	conformance.TestSelector(t, epoll.NewFallback)
}

// TestWaitErrorNamesTheCall breaks the epoll descriptor (another file
// takes its number): Select's error names the system call that failed,
// as os.SyscallError, for both waits.
func TestWaitErrorNamesTheCall(t *testing.T) {
	for _, c := range []struct {
		call string
		open func() (api.Selector, error)
	}{{"epoll_pwait2", epoll.New}, {"epoll_pwait", epoll.NewFallback}} {
		s, err := c.open()
		if err != nil {
			t.Fatal(err)
		}
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		if err := unix.Dup3(p[0], epoll.Fd(s), unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		unix.Close(p[0])
		unix.Close(p[1])
		_, err = s.Select(make([]api.Event, 0, 4), 0)
		var se *os.SyscallError
		if !errors.As(err, &se) || se.Syscall != c.call || !errors.Is(err, unix.EINVAL) {
			t.Errorf("Select on a broken epoll descriptor = %v; want an *os.SyscallError from %s matching EINVAL", err, c.call)
		}
		s.Close()
	}
}
