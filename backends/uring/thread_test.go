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
	inRounds(t, func(s api.Selector, fds [2]int, cpu int, release chan struct{}) {
		defer unix.Close(fds[0])
		defer unix.Close(fds[1])
		var evs []api.Event
		var err error
		onThread(cpu, false, func() {
			unix.Write(fds[1], []byte("x"))
			evs, err = s.Select(make([]api.Event, 0, 4), 0)
		}, release)
		if err != nil || len(evs) != 1 || evs[0].Fd != fds[0] || evs[0].Ready&api.Readable == 0 {
			t.Errorf("Select(0) on another thread after a write = %v, %v; want fd %d readable", evs, err, fds[0])
		}
	})
}

// TestCancelWhileAnotherThreadCompletes: a poll armed from one thread
// whose completion is still that thread's task work when the selector,
// now on another thread, cancels it. IORING_OP_POLL_REMOVE fails then
// (EALREADY) and leaves the request to its task work, which finds the
// data already read and arms the poll again: it holds the socket open
// after close, and the peer never sees the end of the stream. The
// cancellation must take effect anyway.
func TestCancelWhileAnotherThreadCompletes(t *testing.T) {
	inRounds(t, func(s api.Selector, fds [2]int, cpu int, release chan struct{}) {
		defer unix.Close(fds[1]) // fds[0] is closed below
		// The idle thread cannot run while this one does: the write's wake-up
		// stays its task work through all of what follows, until the wait.
		onThread(cpu, false, func() {
			unix.Write(fds[1], []byte("x"))
			if evs, err := s.Select(make([]api.Event, 0, 4), 0); err != nil || len(evs) != 1 {
				t.Errorf("Select(0) after a write = %v, %v; want fds[0] readable", evs, err)
			}
			unix.Read(fds[0], make([]byte, 1))
			if err := s.Unregister(fds[0]); err != nil {
				t.Error(err)
			}
			s.Select(make([]api.Event, 0, 4), 0) // submits the cancellation
			unix.Close(fds[0])
			// Wait for the end of the stream, long enough for the other
			// thread to run its task work.
			pfd := []unix.PollFd{{Fd: int32(fds[1]), Events: unix.POLLIN | unix.POLLRDHUP}}
			if n, err := unix.Poll(pfd, 5000); n != 1 || err != nil || pfd[0].Revents&(unix.POLLHUP|unix.POLLRDHUP) == 0 {
				t.Errorf("Poll(peer of a closed socket) = %d, %v, revents %#x; want the end of the stream (the socket is held open)", n, err, pfd[0].Revents)
			}
		}, release)
	})
}

// firstCPU returns the first CPU this process may run on.
func firstCPU(t *testing.T) int {
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		t.Fatal(err)
	}
	cpu := 0
	for !allowed.IsSet(cpu) {
		cpu++
	}
	return cpu
}

// inRounds runs round three times (the scheduler may still let the idle
// thread run now and then), each on a new selector and socket pair whose
// fds[0] a SCHED_IDLE thread pinned to cpu has registered for reading.
func inRounds(t *testing.T, round func(s api.Selector, fds [2]int, cpu int, release chan struct{})) {
	newOrSkip(t)
	for range 3 {
		func() {
			release := make(chan struct{})
			defer close(release)
			s, fds, cpu := armedElsewhere(t, release)
			round(s, fds, cpu, release)
		}()
	}
}

// armedElsewhere makes a selector and a socket pair and registers fds[0]
// for reading from a SCHED_IDLE thread pinned to cpu, which then stays
// parked until release is closed.
func armedElsewhere(t *testing.T, release chan struct{}) (s api.Selector, fds [2]int, cpu int) {
	s, err := uring.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fds, err = unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	cpu = firstCPU(t)
	onThread(cpu, true, func() {
		if err := s.Register(fds[0], api.Readable); err != nil {
			t.Error(err)
		}
		if evs, err := s.Select(make([]api.Event, 0, 4), 0); err != nil || len(evs) != 0 {
			t.Errorf("Select before any write = %v, %v; want nothing", evs, err)
		}
	}, release)
	return s, fds, cpu
}
