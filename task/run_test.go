package task_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// TestRunReturnsTheResult: Run gives the body's result and error, runs the
// tasks the body spawns meanwhile, and leaves no goroutine behind (a task
// still suspended when the body returns is cancelled, its coroutine
// finished).
func TestRunReturnsTheResult(t *testing.T) {
	before := runtime.NumGoroutine()
	sentinel := errors.New("body failed")
	var leftover *task.Task[int]
	v, err := task.Run(&loop.Options{Clock: loop.NewVirtualClock(0)}, func(co *task.Co) (string, error) {
		child, err := task.Spawn(co.Loop(), func(co *task.Co) (int, error) {
			return 42, co.Sleep(time.Millisecond)
		})
		if err != nil {
			return "", err
		}
		n, err := task.Await(co, child)
		if err != nil || n != 42 {
			return "", err
		}
		leftover, _ = task.Spawn(co.Loop(), func(co *task.Co) (int, error) {
			return 0, co.Sleep(time.Hour) // still asleep when the body returns
		})
		return "done", sentinel
	})
	if v != "done" || !errors.Is(err, sentinel) {
		t.Errorf("Run(body) = %q, %v; want \"done\" and the body's error", v, err)
	}
	if leftover == nil || !leftover.Cancelled() {
		t.Errorf("a task still asleep when the body returned: cancelled = %v; want true", leftover != nil && leftover.Cancelled())
	}
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(time.Millisecond) // goroutines report their exit a little later
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Run, %d before", n, before)
	}
}

func TestRunPanicAndBadInput(t *testing.T) {
	_, err := task.Run(nil, func(co *task.Co) (int, error) { panic("boom") })
	var pe *task.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Errorf("Run(panicking body) = %v; want a *task.PanicError", err)
	}
	if _, err := task.Run[int](nil, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("Run(nil body) = %v; want an error matching api.ErrNilCallback", err)
	}
}
