//go:build unix

package task_test

import (
	"errors"
	"net"
	"testing"
	"time"

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
