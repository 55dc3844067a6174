package loop_test

import (
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
)

// TestIdleTime: a loop that waits for a timer counts the wait as idle,
// never more than the time it ran; a loop that only runs callbacks counts
// none.
func TestIdleTime(t *testing.T) {
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for range 1000 {
		if _, err := l.CallSoon(func() {}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.RunOnce(); err != nil {
		t.Fatal(err)
	}
	if idle := l.Metrics().Idle; idle != 0 {
		t.Errorf("Metrics().Idle = %v after running ready callbacks only; want 0", idle)
	}
	start := time.Now()
	if _, err := l.CallLater(20*time.Millisecond, l.Stop); err != nil {
		t.Fatal(err)
	}
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	ran := time.Since(start)
	if idle := l.Metrics().Idle; idle <= 0 || idle > ran {
		t.Errorf("Metrics().Idle = %v after waiting for a 20ms timer, in a run of %v; want more than 0 and at most the run", idle, ran)
	}
}
