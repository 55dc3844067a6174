//go:build linux

package uring_test

import (
	"runtime"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/uring"
	"golang.org/x/sys/unix"
)

// onThread runs f on a goroutine locked to a thread of its own, pinned to
// cpu, and returns once f has; the thread stays parked, and locked, until
// release is closed.
func onThread(cpu int, idle bool, f func(), release chan struct{}) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		var set unix.CPUSet
		set.Set(cpu)
		unix.SchedSetaffinity(0, &set)
		if idle {
			attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE}
			unix.SchedSetAttr(0, &attr, 0)
		}
		f()
		close(done)
		<-release // keep this thread, parked, for the test's length
	}()
	<-done
}

// TestAnotherThreadsRequests: a poll armed from one thread, which then
// sleeps and may not run, becomes ready; a Select made on another thread
// must still report it. (The completion is task work queued to the
// arming thread; here that thread is SCHED_IDLE on the same CPU, so it
// cannot post it while the Select runs.) Three rounds: the scheduler may
// still let that thread run now and then.
func TestAnotherThreadsRequests(t *testing.T) {
	newOrSkip(t)
	for range 3 {
		anotherThreadsRequests(t)
	}
}

func anotherThreadsRequests(t *testing.T) {
	s, err := uring.New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		t.Fatal(err)
	}
	cpu := 0
	for !allowed.IsSet(cpu) {
		cpu++
	}
	release := make(chan struct{})
	defer close(release)
	onThread(cpu, true, func() {
		if err := s.Register(fds[0], api.Readable); err != nil {
			t.Error(err)
		}
		if evs, err := s.Select(make([]api.Event, 0, 4), 0); err != nil || len(evs) != 0 {
			t.Errorf("Select before any write = %v, %v; want nothing", evs, err)
		}
	}, release)
	var evs []api.Event
	onThread(cpu, false, func() {
		unix.Write(fds[1], []byte("x"))
		evs, err = s.Select(make([]api.Event, 0, 4), 0)
	}, release)
	if err != nil || len(evs) != 1 || evs[0].Fd != fds[0] || evs[0].Ready&api.Readable == 0 {
		t.Errorf("Select(0) on another thread after a write = %v, %v; want fd %d readable", evs, err, fds[0])
	}
}
