//go:build !race

package sock

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read is read(2) on a non-blocking descriptor, made as a raw system
// call. A read that cannot block needs no word to the scheduler: the
// runtime's entry and exit around an ordinary call (and the P it would
// hand off were the call to last) are saved, as the epoll backend's
// zero-timeout poll saves them. Every descriptor this module reads is
// non-blocking; a blocking one would stall its thread unannounced. Under
// the race detector, Read and Write are x/sys/unix's, whose annotations
// tell the detector what the kernel reads and writes.
func Read(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// Write is write(2) on a non-blocking descriptor, made as a raw system
// call, for the reasons Read gives.
func Write(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
