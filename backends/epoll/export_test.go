//go:build linux

package epoll

import (
	"testing"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// NewFallback returns a selector that waits with epoll_pwait, as on a
// kernel before 5.11, for the external tests.
func NewFallback() (api.Selector, error) {
	s, err := New()
	if s != nil {
		s.(*selector).pwait2 = false
	}
	return s, err
}

// Break puts another file (a closed pipe's read end) under the epoll
// descriptor's number, so that every epoll call fails with EINVAL.
func Break(t testing.TB, s api.Selector) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup3(p[0], s.(*selector).epfd, unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	unix.Close(p[0])
	unix.Close(p[1])
}
