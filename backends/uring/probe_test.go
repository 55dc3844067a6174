//go:build linux

package uring

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestProbeSaysWhy: where io_uring_setup fails, New's error matches
// errors.ErrUnsupported and the errno, and says why in words.
func TestProbeSaysWhy(t *testing.T) {
	real := setup
	defer func() { setup = real }()
	for errno, why := range map[unix.Errno]string{
		unix.ENOSYS: "seccomp",
		unix.EPERM:  "io_uring_disabled",
		unix.ENOMEM: "RLIMIT_MEMLOCK",
		unix.EINVAL: "parameters",
	} {
		setup = func(uint32, *params) (int, error) { return -1, errno }
		s, err := New()
		var se *os.SyscallError
		if s != nil || !errors.Is(err, errors.ErrUnsupported) || !errors.Is(err, errno) ||
			!errors.As(err, &se) || se.Syscall != "io_uring_setup" || !strings.Contains(err.Error(), why) {
			t.Errorf("New() with io_uring_setup failing %v = %v, %v; want an error matching ErrUnsupported and the errno, naming the call and %q", errno, s, err, why)
		}
	}
}

// TestProbeFeatures: a kernel without the features the selector needs is
// refused as unsupported, and the ring it made is closed.
func TestProbeFeatures(t *testing.T) {
	real := setup
	defer func() { setup = real }()
	var fd int
	setup = func(entries uint32, p *params) (int, error) {
		var err error
		fd, err = real(entries, p)
		p.features &^= featExtArg
		return fd, err
	}
	s, err := New()
	if errors.Is(err, errors.ErrUnsupported) && fd <= 0 {
		t.Skip("no io_uring here")
	}
	if s != nil || !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "features") {
		t.Errorf("New() on a kernel without EXT_ARG = %v, %v; want an error matching ErrUnsupported naming the features", s, err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Errorf("the refused ring's descriptor %d is still open", fd)
	}
}
