//go:build unix

package task_test

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
	"golang.org/x/sys/unix"
)

func socketPair(t *testing.T) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.SetNonblock(fds[0], true)
	unix.SetNonblock(fds[1], true)
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

func TestSpawnNil(t *testing.T) {
	l := newLoop(t, false)
	if _, err := task.Spawn[int](l, nil); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("Spawn(l, nil) = %v; want an error matching api.ErrNilCallback", err)
	}
	if _, err := task.Spawn(nil, func(*task.Co) (int, error) { return 0, nil }); !errors.Is(err, api.ErrNilCallback) {
		t.Errorf("Spawn(nil, body) = %v; want an error matching api.ErrNilCallback", err)
	}
	l.Close()
	if _, err := task.Spawn(l, func(*task.Co) (int, error) { return 0, nil }); !errors.Is(err, api.ErrClosed) {
		t.Errorf("Spawn on a closed loop = %v; want api.ErrClosed", err)
	}
}

func TestWaitImpossibleDescriptor(t *testing.T) {
	l := newLoop(t, false)
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		return 0, co.WaitReadable(math.MaxInt32)
	})
	runUntilDone[int](t, l, tk)
	if _, err := tk.Result(); !errors.Is(err, unix.EBADF) {
		t.Errorf("WaitReadable(MaxInt32) = %v; want an error matching unix.EBADF", err)
	}
}

// TestSecondWaiterBusy has two tasks wait for the same descriptor to be
// readable: the second fails at once with ErrBusy, the first is resumed
// when data comes.
func TestSecondWaiterBusy(t *testing.T) {
	l := newLoop(t, false)
	a, b := socketPair(t)
	first := spawn(t, l, func(co *task.Co) (string, error) {
		if err := co.WaitReadable(a); err != nil {
			return "", err
		}
		return "resumed", nil
	})
	second := spawn(t, l, func(co *task.Co) (string, error) {
		err := co.WaitReadable(a)
		unix.Write(b, []byte("x"))
		return "", err
	})
	writer := spawn(t, l, func(co *task.Co) (string, error) {
		if err := co.WaitWritable(a); err != nil {
			return "", err
		}
		return "", co.WaitWritable(a) // not busy: the first wait is over
	})
	within(t, l, 5*time.Second, func() bool { return first.Done() && second.Done() && writer.Done() })
	if v, err := first.Result(); v != "resumed" || err != nil {
		t.Errorf("first waiter = %q, %v; want resumed, nil", v, err)
	}
	if _, err := second.Result(); !errors.Is(err, task.ErrBusy) {
		t.Errorf("second waiter = %v; want an error matching task.ErrBusy", err)
	}
	if _, err := writer.Result(); err != nil {
		t.Errorf("two waits for writability in a row = %v; want nil", err)
	}
}

// within runs l until done reports true, failing the test after limit:
// an orphaned waiter would leave the loop waiting for ever.
func within(t *testing.T, l *loop.Loop, limit time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("not done within %v: a waiter was never resumed", limit)
		}
		l.CallLater(10*time.Millisecond, func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
}

func collectExceptions(l *loop.Loop) *[]*loop.Exception {
	var got []*loop.Exception
	l.SetExceptionHandler(func(e *loop.Exception) { got = append(got, e) })
	return &got
}

var errBody = errors.New("body failed")

// TestUnretrievedFailure: a task that fails and that nobody looks at is
// reported when the loop closes; one whose result is retrieved is not.
func TestUnretrievedFailure(t *testing.T) {
	l := newLoop(t, false)
	got := collectExceptions(l)
	silent := spawn(t, l, func(*task.Co) (int, error) { return 0, errBody })
	panics := spawn(t, l, func(*task.Co) (int, error) { panic("boom") })
	retrieved := spawn(t, l, func(*task.Co) (int, error) { return 0, errBody })
	awaited := spawn(t, l, func(*task.Co) (int, error) { return 0, errBody })
	waiter := spawn(t, l, func(co *task.Co) (int, error) {
		_, err := task.Await(co, awaited)
		return 0, errors.Join(err, errors.New("handled")) // failing, but retrieved below
	})
	for _, tk := range []*task.Task[int]{silent, panics, retrieved, waiter} {
		runUntilDone[int](t, l, tk)
	}
	retrieved.Result()
	waiter.Result()
	if len(*got) != 0 {
		t.Fatalf("reported before Close: %v", (*got)[0])
	}
	l.Close()
	if len(*got) != 2 {
		t.Fatalf("exceptions at Close: %d; want 2 (the silent failure and the panic)", len(*got))
	}
	for _, e := range *got {
		if !strings.Contains(e.Message, "never retrieved") {
			t.Errorf("exception message %q; want it to say the exception was never retrieved", e.Message)
		}
	}
	if !errors.Is((*got)[0], errBody) && !errors.Is((*got)[1], errBody) {
		t.Errorf("exceptions %v; want one matching the body's error", *got)
	}
	for _, e := range *got {
		var pe *task.PanicError
		if errors.As(e, &pe) && (pe.Value != "boom" || len(e.Stack) == 0) {
			t.Errorf("panic report = %v with %d bytes of stack; want the panic value and its stack", pe.Value, len(e.Stack))
		}
	}
}

// TestUnretrievedFailureCollected drops a failed task: its failure is
// reported once it is garbage collected, while the loop runs.
func TestUnretrievedFailureCollected(t *testing.T) {
	l := newLoop(t, false)
	got := collectExceptions(l)
	func() {
		tk := spawn(t, l, func(*task.Co) (int, error) { return 0, errBody })
		runUntilDone[int](t, l, tk)
	}()
	for i := 0; len(*got) == 0; i++ {
		if i == 200 {
			t.Fatal("a dropped failed task was never reported")
		}
		runtime.GC()
		l.CallLater(time.Millisecond, func() {})
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if !errors.Is((*got)[0], errBody) {
		t.Errorf("reported %v; want the body's error", (*got)[0])
	}
	l.Close()
	if len(*got) != 1 {
		t.Errorf("reported %d times; want once", len(*got))
	}
}
