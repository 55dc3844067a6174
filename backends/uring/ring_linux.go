package uring

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The parts of linux/io_uring.h this package uses.
const (
	opPollAdd     = 6
	opAsyncCancel = 14

	pollAddMulti = 1 << 0 // IORING_POLL_ADD_MULTI, in the SQE's len

	setupCQSize = 1 << 3 // IORING_SETUP_CQSIZE
	setupClamp  = 1 << 4 // IORING_SETUP_CLAMP

	featSingleMmap = 1 << 0  // one mmap for both rings (5.4)
	featNoDrop     = 1 << 1  // completions are never dropped (5.5)
	featExtArg     = 1 << 8  // io_uring_enter takes a timeout (5.11)
	featRsrcTags   = 1 << 10 // 5.13, which also brought multishot polls

	enterGetEvents = 1 << 0 // IORING_ENTER_GETEVENTS
	enterExtArg    = 1 << 3 // IORING_ENTER_EXT_ARG

	cqeFMore = 1 << 1 // IORING_CQE_F_MORE: a multishot poll stays armed

	offSQRing = 0
	offSQEs   = 0x10000000
)

type sqRingOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, resv1 uint32
	userAddr                                                        uint64
}

type cqRingOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, resv1 uint32
	userAddr                                                        uint64
}

// params is struct io_uring_params.
type params struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	resv                                                                   [3]uint32
	sqOff                                                                  sqRingOffsets
	cqOff                                                                  cqRingOffsets
}

// sqe is struct io_uring_sqe, with the fields a poll uses.
type sqe struct {
	opcode   uint8
	flags    uint8
	ioprio   uint16
	fd       int32
	off      uint64
	addr     uint64
	len      uint32
	opFlags  uint32 // poll32_events
	userData uint64
	_        [3]uint64
}

// cqe is struct io_uring_cqe.
type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

// getEventsArg is struct io_uring_getevents_arg.
type getEventsArg struct {
	sigmask   uint64
	sigmaskSz uint32
	_         uint32
	ts        uint64
}

var (
	_ = [1]int{}[unsafe.Sizeof(params{})-120]
	_ = [1]int{}[unsafe.Sizeof(sqe{})-64]
	_ = [1]int{}[unsafe.Sizeof(cqe{})-16]
	_ = [1]int{}[unsafe.Sizeof(getEventsArg{})-24]
)

// A ring is one io_uring instance with its two rings mapped. Only the
// kernel's half of each ring index is shared; it is read and written with
// atomics, which order the plain accesses to the entries around them.
type ring struct {
	fd          int
	mem, sqeMem []byte
	sqHead      *uint32 // the kernel's: what it has consumed
	sqTail      *uint32
	sqMask      uint32
	sqEntries   uint32
	tail        uint32 // ours, published to sqTail before each enter
	sqes        []sqe
	cqHead      *uint32
	cqTail      *uint32 // the kernel's: what it has posted
	cqMask      uint32
	cqes        []cqe
	arg         getEventsArg
	ts          unix.Timespec
}

// setup is io_uring_setup(2); a variable so that tests can refuse it.
var setup = func(entries uint32, p *params) (int, error) {
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(p)), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

// newRing sets up a ring of sq submission and cq completion entries. Its
// errors say why io_uring cannot be used here and match
// errors.ErrUnsupported, except for the failures any system call may have.
func newRing(sq, cq uint32) (*ring, error) {
	p := params{flags: setupCQSize | setupClamp, cqEntries: cq}
	fd, err := setup(sq, &p)
	if err != nil {
		return nil, unsupported(err)
	}
	unix.CloseOnExec(fd)
	const need = featSingleMmap | featNoDrop | featExtArg | featRsrcTags
	if p.features&need != need {
		unix.Close(fd)
		return nil, fmt.Errorf("the kernel lacks io_uring features %#x (Linux 5.13 has them): %w", need&^p.features, errors.ErrUnsupported)
	}
	r := &ring{fd: fd}
	if err := r.mmap(&p); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// unsupported explains why io_uring_setup failed.
func unsupported(err error) error {
	why := "io_uring_setup failed"
	switch err {
	case unix.ENOSYS:
		why = "the kernel has no io_uring, or a seccomp filter hides it"
	case unix.EPERM:
		why = "io_uring is disabled here (sysctl kernel.io_uring_disabled, or a seccomp filter)"
	case unix.ENOMEM:
		why = "no memory for the rings (RLIMIT_MEMLOCK on kernels before 5.12)"
	case unix.EINVAL:
		why = "the kernel refuses the ring's parameters (older than 5.5)"
	}
	return fmt.Errorf("%s: %w (%w)", why, errors.ErrUnsupported, os.NewSyscallError("io_uring_setup", err))
}

func (r *ring) mmap(p *params) error {
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	mem, err := unix.Mmap(r.fd, offSQRing, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return os.NewSyscallError("mmap", err)
	}
	r.mem = mem
	sqeMem, err := unix.Mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(sqe{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return os.NewSyscallError("mmap", err)
	}
	r.sqeMem = sqeMem
	at := func(off uint32) unsafe.Pointer { return unsafe.Pointer(&mem[off]) }
	r.sqHead, r.sqTail = (*uint32)(at(p.sqOff.head)), (*uint32)(at(p.sqOff.tail))
	r.sqMask, r.sqEntries = *(*uint32)(at(p.sqOff.ringMask)), *(*uint32)(at(p.sqOff.ringEntries))
	r.cqHead, r.cqTail = (*uint32)(at(p.cqOff.head)), (*uint32)(at(p.cqOff.tail))
	r.cqMask = *(*uint32)(at(p.cqOff.ringMask))
	r.cqes = unsafe.Slice((*cqe)(at(p.cqOff.cqes)), p.cqEntries)
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&sqeMem[0])), p.sqEntries)
	// Entries are always filled in ring order, so the indirection array
	// is the identity, written once.
	array := unsafe.Slice((*uint32)(at(p.sqOff.array)), p.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	r.tail = atomic.LoadUint32(r.sqTail)
	return nil
}

// push copies as many of pending into the submission ring as it has room
// for, and returns how many.
func (r *ring) push(pending []sqe) int {
	n := min(len(pending), int(r.sqEntries-(r.tail-atomic.LoadUint32(r.sqHead))))
	for i := range n {
		r.sqes[r.tail&r.sqMask] = pending[i]
		r.tail++
	}
	return n
}

// enter submits what is queued and, if wait, waits at most d (d < 0:
// without limit) for a completion. A wait that times out is no error.
func (r *ring) enter(wait bool, d int64) error {
	atomic.StoreUint32(r.sqTail, r.tail)
	pending := r.tail - atomic.LoadUint32(r.sqHead)
	if !wait {
		if pending == 0 {
			return nil
		}
		// Submitting polls does not block: no need to tell the runtime.
		_, _, errno := unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(pending), 0, 0, 0, 0)
		return enterErr(errno)
	}
	r.arg = getEventsArg{}
	if d >= 0 {
		r.ts = unix.NsecToTimespec(d)
		r.arg.ts = uint64(uintptr(unsafe.Pointer(&r.ts)))
	}
	minComplete := uintptr(1)
	if d == 0 {
		minComplete = 0
	}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(pending), minComplete,
		enterGetEvents|enterExtArg, uintptr(unsafe.Pointer(&r.arg)), unsafe.Sizeof(r.arg))
	return enterErr(errno)
}

func enterErr(errno unix.Errno) error {
	switch errno {
	case 0, unix.ETIME:
		return nil
	case unix.EINTR:
		return errno
	case unix.EBUSY, unix.EAGAIN:
		// Completions are waiting to be reaped (the ring overflowed) or
		// the kernel is short of memory: reap, then try again.
		return nil
	}
	return os.NewSyscallError("io_uring_enter", errno)
}

// ready reports whether completions are waiting to be reaped.
func (r *ring) ready() bool { return atomic.LoadUint32(r.cqHead) != atomic.LoadUint32(r.cqTail) }

// completions returns the completions posted and not yet consumed, in two
// parts when they wrap around the ring.
func (r *ring) completions() (head, tail uint32) {
	return atomic.LoadUint32(r.cqHead), atomic.LoadUint32(r.cqTail)
}

// cqe returns completion i (an index as completions returns them).
func (r *ring) cqe(i uint32) *cqe { return &r.cqes[i&r.cqMask] }

// consume hands completions up to head back to the kernel.
func (r *ring) consume(head uint32) { atomic.StoreUint32(r.cqHead, head) }

func (r *ring) close() error {
	for _, m := range [][]byte{r.sqeMem, r.mem} {
		if m != nil {
			unix.Munmap(m)
		}
	}
	r.mem, r.sqeMem, r.sqes, r.cqes = nil, nil, nil, nil
	// Not retried on EINTR: the descriptor is released by then.
	if err := unix.Close(r.fd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}
