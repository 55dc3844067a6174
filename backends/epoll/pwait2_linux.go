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

// pollNow is epoll_pwait with a zero timeout, made as a raw system call:
// one that cannot block needs no word to the scheduler, and skipping the
// runtime's entry and exit saves their cost on every busy iteration, as
// gnet's poller does. A loop with work pending polls only; one about to
// sleep makes this call first and blocks in a second one only when
// nothing was ready.
func pollNow(epfd int, events []unix.EpollEvent) (int, error) {
	n, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
