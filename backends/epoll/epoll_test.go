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
// as os.SyscallError: here the zero-timeout epoll_pwait of a poll.
// (pwait2_test.go checks the blocking calls.)
func TestWaitErrorNamesTheCall(t *testing.T) {
	s, err := epoll.New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	epoll.Break(t, s)
	_, err = s.Select(make([]api.Event, 0, 4), 0)
	var se *os.SyscallError
	if !errors.As(err, &se) || se.Syscall != "epoll_pwait" || !errors.Is(err, unix.EINVAL) {
		t.Errorf("Select on a broken epoll descriptor = %v; want an *os.SyscallError from epoll_pwait matching EINVAL", err)
	}
}
