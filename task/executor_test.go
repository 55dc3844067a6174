//go:build unix

package task_test

import (
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/task"
)

// The loop goes on running callbacks while a function runs in the
// executor: here the function can only return once the loop has run a
// callback a hundred times.
func TestToThreadDoesNotBlockTheLoop(t *testing.T) {
	l := newLoop(t, false)
	release := make(chan struct{})
	ticks := 0
	var tick func()
	tick = func() {
		if ticks++; ticks == 100 {
			close(release)
			return
		}
		l.CallSoon(tick)
	}
	l.CallSoon(tick)
	tk := spawn(t, l, func(co *task.Co) (string, error) {
		return task.ToThread(co, func() (string, error) {
			<-release
			return "done", nil
		})
	})
	runUntilDone[string](t, l, tk)
	if v, err := tk.Result(); v != "done" || err != nil {
		t.Errorf("ToThread = %q, %v; want done, nil", v, err)
	}
}

// No more than the executor's workers run at once, and every function
// runs; a future cancelled before its function started never runs it.
func TestExecutorBoundAndCancel(t *testing.T) {
	l := newLoop(t, false)
	goroutines := runtime.NumGoroutine()
	e := task.NewExecutor(2)
	release := make(chan struct{})
	var running, most, ran atomic.Int32
	job := func() (int, error) {
		n := running.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		ran.Add(1)
		return 1, nil
	}
	var fs []*task.Future[int]
	for range 6 {
		f, err := task.RunInExecutor(l, e, job)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	cancelled, err := task.RunInExecutor(l, e, func() (int, error) {
		t.Error("a function whose future was cancelled before it started ran")
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cancelled.Cancel()
	for deadline := time.Now().Add(5 * time.Second); running.Load() < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("functions running = %d; want 2", running.Load())
		}
		runtime.Gosched()
	}
	close(release)
	for _, f := range fs {
		runUntilDone[int](t, l, f)
		if v, err := f.Result(); v != 1 || err != nil {
			t.Errorf("Result() = %d, %v; want 1, nil", v, err)
		}
	}
	if got := most.Load(); got != 2 {
		t.Errorf("functions running at once, at most = %d; want 2 (the executor's workers)", got)
	}
	if got := ran.Load(); got != 6 {
		t.Errorf("functions run = %d; want 6", got)
	}
	// The workers end once the queue is empty.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines = %d after the executor's work; want %d", runtime.NumGoroutine(), goroutines)
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestRunInExecutorFailures(t *testing.T) {
	l := newLoop(t, false)
	got := collectExceptions(l)
	if _, err := task.RunInExecutor[int](l, nil, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("RunInExecutor(l, nil, nil) = %v; want api.ErrNilCallback", err)
	}
	if _, err := task.RunInExecutor(nil, nil, func() (int, error) { return 0, nil }); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("RunInExecutor(nil, nil, fn) = %v; want api.ErrNilCallback", err)
	}
	panics, _ := task.RunInExecutor(l, nil, func() (int, error) { panic("boom") })
	runUntilDone[int](t, l, panics)
	var pe *task.PanicError
	if _, err := panics.Result(); !errors.As(err, &pe) || pe.Value != "boom" {
		t.Errorf("Result() of a panicking function = %v; want a *PanicError with the value", err)
	}
	// A failure nobody looks at reaches the exception handler.
	silent, _ := task.RunInExecutor(l, nil, func() (int, error) { return 0, errBody })
	runUntilDone[int](t, l, silent) // Done does not retrieve the result
	l.Close()
	if len(*got) != 1 || !errors.Is((*got)[0], errBody) || !strings.Contains((*got)[0].Message, "never retrieved") {
		t.Errorf("exceptions at Close = %v; want the failure nobody retrieved", *got)
	}
	if _, err := task.RunInExecutor(l, nil, func() (int, error) { return 0, nil }); !errors.Is(err, api.ErrClosed) {
		t.Errorf("RunInExecutor on a closed loop = %v; want api.ErrClosed", err)
	}
}
