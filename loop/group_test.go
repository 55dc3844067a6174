package loop_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers"
)

func TestGroup(t *testing.T) {
	q, _ := timers.New("heap")
	if _, err := loop.NewGroup(2, &loop.Options{Timers: q}); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("NewGroup with shared Timers = %v; want fs.ErrInvalid", err)
	}
	g, err := loop.NewGroup(3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() != 3 {
		t.Errorf("Len() = %d; want 3", g.Len())
	}
	ran := make(chan int, 3)
	err = g.Start(func(i int, l *loop.Loop) error {
		// Each loop posts to the next one: CallSoonThreadsafe reaches any.
		next := g.Loop((i + 1) % g.Len())
		return next.CallSoonThreadsafe(func() { ran <- i })
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		<-ran
	}
	if err := g.Start(nil); !errors.Is(err, api.ErrRunning) {
		t.Errorf("Start twice = %v; want api.ErrRunning", err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	for i := range g.Len() {
		if !g.Loop(i).Closed() {
			t.Errorf("loop %d open after Close", i)
		}
	}
}

// A setup that fails stops the whole group, and Start says why.
func TestGroupSetupFails(t *testing.T) {
	g, err := loop.NewGroup(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = g.Start(func(i int, l *loop.Loop) error {
		if i == 1 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("Start = %v; want the setup's error", err)
	}
	if err := g.Wait(); err != nil {
		t.Errorf("Wait() = %v", err)
	}
	if !g.Loop(0).Closed() || !g.Loop(1).Closed() {
		t.Error("loops open after a failed setup")
	}
}
