//go:build unix

package loop

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPostDoesNotWakeReleasedDescriptor stops a post just before its
// wake-up write while Close runs, then reopens descriptor numbers: the
// write must not land in a descriptor the program opened after Close.
func TestPostDoesNotWakeReleasedDescriptor(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	inHook, release := make(chan struct{}), make(chan struct{})
	testHookBeforeWake = func() {
		testHookBeforeWake = nil
		close(inHook)
		<-release
	}
	defer func() { testHookBeforeWake = nil }()
	posted := make(chan error)
	go func() { posted <- l.CallSoonThreadsafe(func() {}) }()
	<-inHook
	closed := make(chan error)
	go func() { closed <- l.Close() }()
	// A correct loop cannot finish Close while a post is between its
	// append and its wake-up; give a broken one the time to.
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close() = %v", err)
		}
		closed = nil
	case <-time.After(100 * time.Millisecond):
	}
	// Reopen the numbers Close may have released.
	var pipes [][2]int
	for range 4 {
		var p [2]int
		if err := unix.Pipe(p[:]); err != nil {
			t.Fatal(err)
		}
		unix.SetNonblock(p[0], true)
		pipes = append(pipes, p)
	}
	close(release)
	if err := <-posted; err != nil {
		t.Errorf("CallSoonThreadsafe = %v; want nil (it was accepted before Close)", err)
	}
	if closed != nil {
		if err := <-closed; err != nil {
			t.Fatalf("Close() = %v", err)
		}
	}
	for _, p := range pipes {
		var buf [16]byte
		if n, _ := unix.Read(p[0], buf[:]); n > 0 {
			t.Errorf("a pipe opened after Close received %d bytes: the post wrote its wake-up to a descriptor the loop had released", n)
		}
		unix.Close(p[0])
		unix.Close(p[1])
	}
}
