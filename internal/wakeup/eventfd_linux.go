package wakeup

import (
	"os"

	"golang.org/x/sys/unix"
)

// An eventfd takes an 8-byte counter increment.
var wakeBytes = [8]byte{1}

// New opens an eventfd (non-blocking, close-on-exec).
func New() (*Waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("eventfd", err)
	}
	return &Waker{r: fd, w: fd}, nil
}
