//go:build unix

package task_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

func newLoop(t *testing.T, virtual bool) *loop.Loop {
	t.Helper()
	var opts loop.Options
	if virtual {
		opts.Clock = loop.NewVirtualClock(0)
	}
	l, err := loop.New(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// runUntilDone runs l until f is done.
func runUntilDone[T any](t *testing.T, l *loop.Loop, a interface{ Done() bool }) {
	t.Helper()
	for i := 0; !a.Done(); i++ {
		if i > 100000 {
			t.Fatal("not done after 100000 iterations")
		}
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
}

func spawn[T any](t *testing.T, l *loop.Loop, body func(co *task.Co) (T, error)) *task.Task[T] {
	t.Helper()
	tk, err := task.Spawn(l, body)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestFutureRules(t *testing.T) {
	l := newLoop(t, false)
	f := task.NewFuture[int](l)
	if _, err := f.Result(); !errors.Is(err, task.ErrPending) {
		t.Errorf("Result() of a pending future = %v; want ErrPending", err)
	}
	ran := false
	f.AddDoneCallback(func() { ran = true })
	if err := f.SetResult(7); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Errorf("done-callback ran inside SetResult; want it scheduled with CallSoon")
	}
	if err := f.SetResult(8); !errors.Is(err, task.ErrDone) {
		t.Errorf("second SetResult = %v; want ErrDone", err)
	}
	if f.Cancel() {
		t.Errorf("Cancel() of a resolved future = true")
	}
	l.CallSoon(l.Stop)
	l.Run()
	if !ran {
		t.Errorf("done-callback did not run")
	}
	if v, err := f.Result(); v != 7 || err != nil {
		t.Errorf("Result() = %v, %v; want 7, nil", v, err)
	}
	c := task.NewFuture[string](l)
	if !c.Cancel() || !c.Cancelled() {
		t.Errorf("Cancel() of a pending future: want true, and Cancelled()")
	}
	if _, err := c.Result(); !errors.Is(err, context.Canceled) {
		t.Errorf("Result() of a cancelled future = %v; want context.Canceled", err)
	}
}

func TestAwaitAcrossGoroutines(t *testing.T) {
	l := newLoop(t, false)
	f := task.NewFuture[string](l)
	tk := spawn(t, l, func(co *task.Co) (string, error) { return task.Await(co, f) })
	go func() {
		l.CallSoonThreadsafe(func() { f.SetResult("from another goroutine") })
	}()
	runUntilDone[string](t, l, tk)
	if v, err := tk.Result(); v != "from another goroutine" || err != nil {
		t.Errorf("task result = %q, %v", v, err)
	}
}

func TestSleepVirtual(t *testing.T) {
	l := newLoop(t, true)
	tk := spawn(t, l, func(co *task.Co) (time.Duration, error) {
		start := co.Loop().Now()
		if err := co.Sleep(time.Hour); err != nil {
			return 0, err
		}
		return time.Duration(co.Loop().Now() - start), nil
	})
	begin := time.Now()
	runUntilDone[time.Duration](t, l, tk)
	if d, err := tk.Result(); d < time.Hour || err != nil {
		t.Errorf("slept %v, %v; want at least 1h of virtual time", d, err)
	}
	if time.Since(begin) > 5*time.Second {
		t.Errorf("an hour's virtual sleep took %v of real time", time.Since(begin))
	}
}

func TestWaitReadable(t *testing.T) {
	l := newLoop(t, false)
	fds, _ := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	tk := spawn(t, l, func(co *task.Co) (string, error) {
		if err := co.WaitWritable(fds[1]); err != nil {
			return "", err
		}
		unix.Write(fds[1], []byte("ping"))
		if err := co.WaitReadable(fds[0]); err != nil {
			return "", err
		}
		buf := make([]byte, 8)
		n, err := unix.Read(fds[0], buf)
		return string(buf[:n]), err
	})
	runUntilDone[string](t, l, tk)
	if v, err := tk.Result(); v != "ping" || err != nil {
		t.Errorf("result %q, %v; want ping", v, err)
	}
	if ok, _ := l.RemoveReader(fds[0]); ok {
		t.Errorf("the reader the task added is still there")
	}
}

func TestYieldInterleaves(t *testing.T) {
	l := newLoop(t, false)
	var order []string
	body := func(name string) func(co *task.Co) (int, error) {
		return func(co *task.Co) (int, error) {
			for i := range 3 {
				order = append(order, name+string(rune('0'+i)))
				if err := co.Yield(); err != nil {
					return 0, err
				}
			}
			return 0, nil
		}
	}
	a, b := spawn(t, l, body("a")), spawn(t, l, body("b"))
	runUntilDone[int](t, l, a)
	runUntilDone[int](t, l, b)
	want := []string{"a0", "b0", "a1", "b1", "a2", "b2"}
	if !slices.Equal(order, want) {
		t.Errorf("order %v; want %v", order, want)
	}
}

func TestCancel(t *testing.T) {
	l := newLoop(t, true)
	var sleepErr error
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		sleepErr = co.Sleep(time.Hour)
		return 0, sleepErr
	})
	l.RunOnce() // the task starts and sleeps
	if !tk.Cancel() {
		t.Fatal("Cancel() of a sleeping task = false")
	}
	runUntilDone[int](t, l, tk)
	if !errors.Is(sleepErr, context.Canceled) || !tk.Cancelled() {
		t.Errorf("Sleep returned %v, task cancelled %v; want context.Canceled and true", sleepErr, tk.Cancelled())
	}
	if l.Now() >= int64(time.Hour) {
		t.Errorf("the cancelled sleep still waited its hour")
	}
	if tk.Cancel() {
		t.Errorf("Cancel() of a finished task = true")
	}

	// A body may catch the cancellation and finish normally.
	caught := spawn(t, l, func(co *task.Co) (string, error) {
		if err := co.Sleep(time.Hour); errors.Is(err, context.Canceled) {
			return "caught", nil
		}
		return "slept", nil
	})
	l.RunOnce()
	caught.Cancel()
	runUntilDone[string](t, l, caught)
	if v, err := caught.Result(); v != "caught" || err != nil || caught.Cancelled() {
		t.Errorf("result %q, %v, cancelled %v; want caught, nil, false", v, err, caught.Cancelled())
	}
}

func TestWaitForAndGather(t *testing.T) {
	l := newLoop(t, true)
	slow := spawn(t, l, func(co *task.Co) (int, error) { return 1, co.Sleep(time.Hour) })
	fast := task.NewFuture[int](l)
	l.CallLater(time.Second, func() { fast.SetResult(2) })
	tk := spawn(t, l, func(co *task.Co) ([]int, error) {
		if _, err := task.WaitFor[int](co, slow, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitFor(1h task, 1m) = %v; want context.DeadlineExceeded", err)
		}
		a := spawn(t, l, func(co *task.Co) (int, error) { return 10, co.Sleep(3 * time.Second) })
		b := spawn(t, l, func(co *task.Co) (int, error) { return 20, co.Sleep(time.Second) })
		return task.Await(co, task.Gather[int](l, a, fast, b))
	})
	runUntilDone[[]int](t, l, tk)
	if v, err := tk.Result(); !slices.Equal(v, []int{10, 2, 20}) || err != nil {
		t.Errorf("Gather = %v, %v; want [10 2 20]", v, err)
	}
	runUntilDone[int](t, l, slow)
	if !slow.Cancelled() {
		t.Errorf("the task WaitFor gave up on was not cancelled")
	}
	boom := errors.New("boom")
	failing := task.NewFuture[int](l)
	g := task.Gather[int](l, failing, task.NewFuture[int](l))
	failing.SetError(boom)
	runUntilDone[[]int](t, l, g)
	if _, err := g.Result(); !errors.Is(err, boom) {
		t.Errorf("Gather with a failing future = %v; want its error", err)
	}
}

func TestPanicFailsTask(t *testing.T) {
	l := newLoop(t, false)
	tk := spawn(t, l, func(co *task.Co) (int, error) { panic("in the coroutine") })
	after := false
	l.CallSoon(func() { after = true })
	runUntilDone[int](t, l, tk)
	var pe *task.PanicError
	if _, err := tk.Result(); !errors.As(err, &pe) || pe.Value != "in the coroutine" {
		t.Errorf("Result() = %v; want a *PanicError with the value", err)
	}
	l.CallSoon(l.Stop)
	l.Run()
	if !after {
		t.Errorf("the loop did not go on after the panicking task")
	}
}

// A task suspended when the loop closes is cancelled, and its coroutine's
// goroutine ends.
func TestCloseReleasesCoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	l, err := loop.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	var tasks []*task.Task[int]
	for range 10 {
		tk, _ := task.Spawn(l, func(co *task.Co) (int, error) {
			err := co.Sleep(time.Hour)
			errs = append(errs, err)
			return 0, err
		})
		tasks = append(tasks, tk)
	}
	l.RunOnce() // all ten start and sleep
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if !tk.Cancelled() {
			t.Errorf("a task suspended at Close is not cancelled")
		}
	}
	if len(errs) != 10 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("suspension errors at Close: %v; want ten matching context.Canceled", errs)
	}
	var after int
	for range 100 {
		if after = runtime.NumGoroutine(); after <= before {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if after > before {
		t.Errorf("goroutines: %d before, %d after Close; want no more", before, after)
	}
}
