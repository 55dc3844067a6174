package bench

import (
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ExpiryRawHeap is W2b's floor on Linux, the shape of libev's timer loop
// without the library: a 4-ary heap of (deadline, id) structs, one clock
// read per wake-up, and an epoll_pwait2 on an empty epoll set to sleep
// until the earliest deadline, to the nanosecond.
func ExpiryRawHeap(b *testing.B, n int) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(epfd)
	origin := time.Now()
	mono := func() int64 { return int64(time.Since(origin)) }
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	var st expiryStats
	st.late = make([]int64, 0, n*b.N)
	h := make(rawHeap4, 0, n)
	events := make([]unix.EpollEvent, 1)
	var ts unix.Timespec
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		now := mono() + int64(expiryLead)
		for i := range n {
			h.push(rawTimer{when: now + rng.Int64N(int64(expirySpan)), id: int32(i)})
		}
		start := cpuTime()
		for len(h) > 0 {
			now := mono()
			for len(h) > 0 && h[0].when <= now {
				st.late = append(st.late, now-h.pop().when)
			}
			if len(h) == 0 {
				break
			}
			ts = unix.NsecToTimespec(h[0].when - now)
			unix.Syscall6(unix.SYS_EPOLL_PWAIT2, uintptr(epfd), uintptr(unsafe.Pointer(&events[0])), 1,
				uintptr(unsafe.Pointer(&ts)), 0, 0)
		}
		st.cpu += cpuTime() - start
		st.fired += n
	}
	b.StopTimer()
	st.report(b)
}

type rawTimer struct {
	when int64
	id   int32
}

// rawHeap4 is a bare 4-ary min-heap of timers by deadline.
type rawHeap4 []rawTimer

func (h *rawHeap4) push(t rawTimer) {
	*h = append(*h, t)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 4
		if a[p].when <= t.when {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = t
}

func (h *rawHeap4) pop() rawTimer {
	a := *h
	top, last := a[0], a[len(a)-1]
	a = a[:len(a)-1]
	*h = a
	i, n := 0, len(a)
	for n > 0 {
		c := 4*i + 1
		if c >= n {
			break
		}
		best := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if a[j].when < a[best].when {
				best = j
			}
		}
		if a[best].when >= last.when {
			break
		}
		a[i] = a[best]
		i = best
	}
	if n > 0 {
		a[i] = last
	}
	return top
}
