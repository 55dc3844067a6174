//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package kqueue

import (
	"fmt"
	"github.com/evloop/evloop/api"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

const available = true

// The portable flags must be the system's (a nonzero index would be out
// of range at compile time). The filters are mapped instead: NetBSD
// numbers them from 0 where the others count down from -1.
var (
	_ = [1]int{}[unix.EV_ADD-evAdd]
	_ = [1]int{}[unix.EV_DELETE-evDelete]
	_ = [1]int{}[unix.EV_ENABLE-evEnable]
	_ = [1]int{}[unix.EV_DISABLE-evDisable]
	_ = [1]int{}[unix.EV_ONESHOT-evOneshot]
	_ = [1]int{}[unix.EV_CLEAR-evClear]
	_ = [1]int{}[unix.EV_ERROR-evError]
	_ = [1]int{}[unix.EV_EOF-evEOF]
)

// New opens a kqueue (close-on-exec).
func New() (api.Selector, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, fmt.Errorf("kqueue: %w", os.NewSyscallError("kqueue", err))
	}
	unix.CloseOnExec(kq)
	k := &kernel{kq: kq}
	return newSelector(k.kevent, k.close), nil
}

// kernel converts between the portable kevents and the system's. The
// system's arrays live outside the Go heap (mmap): udata, a pointer field
// on most systems, carries a generation number, which the garbage
// collector must never see as a pointer.
type kernel struct {
	kq              int
	changes, events []unix.Kevent_t
	mem             [][]byte
}

func (k *kernel) grow(n int) ([]unix.Kevent_t, error) {
	size := n * int(unsafe.Sizeof(unix.Kevent_t{}))
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, os.NewSyscallError("mmap", err)
	}
	k.mem = append(k.mem, mem)
	return unsafe.Slice((*unix.Kevent_t)(unsafe.Pointer(&mem[0])), n), nil
}

func (k *kernel) kevent(changes, events []kev, timeout *unix.Timespec) (int, error) {
	var err error
	if len(changes) > len(k.changes) {
		if k.changes, err = k.grow(max(len(changes), 2*len(k.changes), 8)); err != nil {
			return -1, err
		}
	}
	if len(events) > len(k.events) {
		if k.events, err = k.grow(max(len(events), 2*len(k.events), 64)); err != nil {
			return -1, err
		}
	}
	for i := range changes {
		toSys(&k.changes[i], &changes[i])
	}
	n, err := unix.Kevent(k.kq, k.changes[:len(changes)], k.events[:len(events)], darwinCap(timeout))
	for i := 0; i < n; i++ {
		fromSys(&events[i], &k.events[i])
	}
	runtime.KeepAlive(k)
	return n, err
}

func toSys(s *unix.Kevent_t, p *kev) {
	*s = unix.Kevent_t{}
	set(&s.Ident, int64(p.ident))
	set(&s.Filter, int64(unix.EVFILT_WRITE))
	if p.filter == filtRead {
		set(&s.Filter, int64(unix.EVFILT_READ))
	}
	set(&s.Flags, int64(p.flags))
	set(&s.Fflags, int64(p.fflags))
	set(&s.Data, p.data)
	*(*uintptr)(unsafe.Pointer(&s.Udata)) = uintptr(p.udata) // no write barrier: not a pointer
}

func fromSys(p *kev, s *unix.Kevent_t) {
	filter := int16(filtWrite)
	if int64(s.Filter) == int64(unix.EVFILT_READ) {
		filter = filtRead
	}
	*p = kev{
		ident:  uint64(s.Ident),
		filter: filter,
		flags:  uint16(s.Flags),
		fflags: uint32(s.Fflags),
		data:   int64(s.Data),
		udata:  uint64(*(*uintptr)(unsafe.Pointer(&s.Udata))),
	}
}

// set stores v in a field whose integer type differs between systems.
func set[T ~int16 | ~uint16 | ~int32 | ~uint32 | ~int64 | ~uint64](p *T, v int64) { *p = T(v) }

func (k *kernel) close() error {
	for _, m := range k.mem {
		unix.Munmap(m)
	}
	k.mem, k.changes, k.events = nil, nil, nil
	// Not retried on EINTR: the descriptor is released by then.
	if err := unix.Close(k.kq); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}
