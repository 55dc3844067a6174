//go:build unix

package loop

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestRemoveSignalHandlerKeepsOthers removes and re-adds one handler over
// and over while SIGTERM, whose default action kills the process,
// keeps arriving: that one must always reach its handler. It runs in a
// child process, which the default action would kill.
func TestRemoveSignalHandlerKeepsOthers(t *testing.T) {
	if os.Getenv("EVLOOP_SIGNAL_CHILD") == "1" {
		signalChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRemoveSignalHandlerKeepsOthers$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EVLOOP_SIGNAL_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func signalChild(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := 0
	if err := l.AddSignalHandler(syscall.SIGTERM, func() { got++ }); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	sent := make(chan int)
	go func() {
		n := 0
		defer func() { sent <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			n++
			time.Sleep(20 * time.Microsecond)
		}
	}()
	for range 3000 {
		if err := l.AddSignalHandler(syscall.SIGUSR1, func() {}); err != nil {
			t.Fatal(err)
		}
		if ok, err := l.RemoveSignalHandler(syscall.SIGUSR1); !ok || err != nil {
			t.Fatalf("RemoveSignalHandler = %v, %v", ok, err)
		}
	}
	close(stop)
	if n := <-sent; n == 0 {
		t.Fatal("no signal sent")
	}
	l.CallLater(10*time.Millisecond, l.Stop)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if got == 0 {
		t.Error("the SIGTERM handler never ran")
	}
}
