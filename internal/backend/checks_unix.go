//go:build unix

package backend

import (
	"fmt"
	"math"
	"os"

	"github.com/evloop/evloop/api"
	"golang.org/x/sys/unix"
)

// CheckFd returns nil if fd is an open descriptor, and an error wrapping
// unix.EBADF otherwise. It costs one fcntl(F_GETFD).
func CheckFd(fd int) error {
	if fd < 0 || fd > math.MaxInt32 {
		return unix.EBADF
	}
	for {
		_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("fcntl", err)
		}
		return nil
	}
}

// CheckPollable returns nil if fd is an open descriptor whose file has a
// readiness to wait for: an error wrapping unix.EBADF if it is not open,
// and one matching api.ErrNotPollable and unix.EPERM for a regular file or
// a directory, which epoll refuses with EPERM and the other mechanisms
// would call ready for ever. It costs one fstat.
func CheckPollable(fd int) error {
	if fd < 0 || fd > math.MaxInt32 {
		return unix.EBADF
	}
	var st unix.Stat_t
	for {
		err := unix.Fstat(fd, &st)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("fstat", err)
		}
		break
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFDIR:
		return NotPollable(unix.EPERM)
	}
	return nil
}

// NotPollable wraps err (EPERM from epoll_ctl, or made up by
// CheckPollable) so that it matches api.ErrNotPollable too.
func NotPollable(err error) error {
	return fmt.Errorf("%w (%w)", api.ErrNotPollable, err)
}
