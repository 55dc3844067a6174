package epoll

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// epollPwait2 is epoll_pwait2(2), which golang.org/x/sys/unix does not wrap:
// epoll_pwait with a timespec instead of milliseconds. A nil ts waits
// without limit. No signal mask is passed.
func epollPwait2(epfd int, events []unix.EpollEvent, ts *unix.Timespec) (int, error) {
	var p unsafe.Pointer
	if len(events) > 0 {
		p = unsafe.Pointer(&events[0])
	}
	n, _, errno := unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(epfd), uintptr(p),
		uintptr(len(events)), uintptr(unsafe.Pointer(ts)), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
