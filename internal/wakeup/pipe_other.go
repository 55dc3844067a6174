//go:build unix && !linux

package wakeup

import (
	"os"

	"golang.org/x/sys/unix"
)

var wakeBytes = [1]byte{1}

// New opens a non-blocking, close-on-exec pipe.
func New() (*Waker, error) {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		return nil, os.NewSyscallError("pipe", err)
	}
	for _, fd := range p {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(p[0])
			unix.Close(p[1])
			return nil, os.NewSyscallError("fcntl", err)
		}
	}
	return &Waker{r: p[0], w: p[1]}, nil
}
