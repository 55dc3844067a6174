package bench

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// RawEpoll is W1's floor on Linux: epoll_wait, read, write, with the pair's
// index in the event's user data and nothing in between.
func RawEpoll(b *testing.B, fds, active int) {
	r, err := newRing(fds, active)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(epfd)
	for i, fd := range r.reads {
		ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(i)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.seed(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := rawEpoll(epfd, r, b.N); err != nil {
		b.Fatal(err)
	}
}

func rawEpoll(epfd int, r *ring, writes int) error {
	kevs := make([]unix.EpollEvent, 256)
	for reads, want := 0, writes+r.active; reads < want; {
		n, err := unix.EpollWait(epfd, kevs, int(stall/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("bench: epoll_wait: %w", err)
		}
		if n == 0 {
			return stalled(reads, want)
		}
		for _, ev := range kevs[:n] {
			if r.pass(int(ev.Fd), &writes) {
				reads++
			}
		}
	}
	return nil
}
