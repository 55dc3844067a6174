//go:build unix

package task_test

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

func TestInterrupt(t *testing.T) {
	l := newLoop(t, false)
	a, _ := socketPair(t)
	var waitErr, sleepErr error
	var readerCo, sleeperCo *task.Co
	reader := spawn(t, l, func(co *task.Co) (int, error) {
		readerCo = co
		waitErr = co.WaitReadable(a)
		return 0, nil
	})
	sleeper := spawn(t, l, func(co *task.Co) (int, error) {
		sleeperCo = co
		sleepErr = co.Sleep(time.Hour)
		return 0, nil
	})
	interrupter := spawn(t, l, func(co *task.Co) (int, error) {
		co.Yield() // the others are suspended now
		if !readerCo.Interrupt(net.ErrClosed) {
			t.Error("Interrupt(reader) = false; want true: it is suspended")
		}
		// The descriptor's reader slot is free at once, before the
		// reader runs again: the caller may close the descriptor.
		if l.HasReader(a) {
			t.Error("HasReader after Interrupt = true; want false")
		}
		if !sleeperCo.Interrupt(nil) {
			t.Error("Interrupt(sleeper) = false; want true")
		}
		if co.Interrupt(nil) {
			t.Error("Interrupt of the running task = true; want false")
		}
		return 0, nil
	})
	runUntilDone[int](t, l, reader)
	runUntilDone[int](t, l, sleeper)
	runUntilDone[int](t, l, interrupter)
	if !errors.Is(waitErr, net.ErrClosed) {
		t.Errorf("WaitReadable after Interrupt(net.ErrClosed) = %v; want net.ErrClosed", waitErr)
	}
	if sleepErr != nil {
		t.Errorf("Sleep after Interrupt(nil) = %v; want nil", sleepErr)
	}
	if readerCo.Interrupt(nil) {
		t.Error("Interrupt of a finished task = true; want false")
	}
}

func TestPark(t *testing.T) {
	clock := loop.NewVirtualClock(0)
	l, err := loop.New(&loop.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var parked *task.Co
	var results []error
	tk := spawn(t, l, func(co *task.Co) (int, error) {
		parked = co
		results = append(results, co.Park(0))               // woken by Interrupt(nil)
		results = append(results, co.Park(l.Now()-1))       // past: at once
		results = append(results, co.Park(l.Now()+1000000)) // its deadline passes
		for {
			if err := co.Park(0); err != nil { // parked until the loop closes
				return 0, nil
			}
		}
	})
	l.RunOnce()
	if !parked.Interrupt(nil) {
		t.Fatal("Interrupt of a parked task = false")
	}
	for len(results) < 3 {
		if err := l.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if results[0] != nil || !errors.Is(results[1], os.ErrDeadlineExceeded) || !errors.Is(results[2], os.ErrDeadlineExceeded) {
		t.Errorf("Park results = %v; want nil, then os.ErrDeadlineExceeded twice", results)
	}
	// Parking and waking again allocates nothing.
	allocs := testing.AllocsPerRun(100, func() {
		parked.Interrupt(nil)
		l.RunOnce()
	})
	if allocs != 0 {
		t.Errorf("allocations per park and wake = %v; want 0", allocs)
	}
	if tk.Done() {
		t.Error("the task ended early")
	}
}

// Resume, from a loop callback, runs the parked task to its next
// suspension before it returns, and the Park returns nil; it does nothing
// to a task no longer suspended.
func TestResume(t *testing.T) {
	l := newLoop(t, true)
	var parked *task.Co
	woken := 0
	var parkErr error
	spawn(t, l, func(co *task.Co) (int, error) {
		parked = co
		for {
			parkErr = co.Park(l.Now() + 1000)
			if parkErr != nil {
				return woken, parkErr
			}
			woken++
		}
	})
	l.RunOnce()
	if parked == nil {
		t.Fatal("the task did not start")
	}
	var resumed bool
	if _, err := l.CallSoon(func() {
		resumed = parked.Resume()
		if woken != 1 {
			t.Errorf("after Resume() returned, the task had woken %d times; want 1 (run before Resume returns)", woken)
		}
	}); err != nil {
		t.Fatal(err)
	}
	l.RunOnce()
	if !resumed {
		t.Error("Resume of a parked task = false; want true")
	}
	if parkErr != nil {
		t.Errorf("Park after Resume = %v; want nil", parkErr)
	}
	if _, err := l.CallSoon(func() {
		parked.Interrupt(nil)
		if parked.Resume() {
			t.Error("Resume of a task already interrupted = true; want false")
		}
	}); err != nil {
		t.Fatal(err)
	}
	l.RunOnce()
	l.RunOnce()
	if woken != 2 {
		t.Errorf("after Interrupt and a stale Resume, woken %d times; want 2", woken)
	}
}
