// Package task adds asyncio's upper half to package loop: futures, and
// coroutine tasks that wait for them.
//
// A coroutine is a plain Go function, func(co *Co) (T, error), run by
// Spawn as a task on the loop's goroutine. It suspends at Await, co.Sleep,
// co.WaitReadable, co.WaitWritable and co.Yield, and the loop runs other
// callbacks meanwhile; so only one piece of code runs at a time and no
// locks are needed, exactly as in asyncio. The coroutine is stackful:
// iter.Pull runs it on a goroutine of its own, but control passes between
// it and the loop by the runtime's coroutine switch, not by the scheduler,
// so the loop goroutine and the coroutine never run in parallel.
//
// Cancelling a task makes its pending suspension point return an error
// matching context.Canceled, as asyncio raises CancelledError at the
// await; a body that returns that error leaves the task cancelled. A task
// whose body panics fails with a *PanicError, and the loop goes on. A task
// still suspended when its loop closes is cancelled and its coroutine
// finished, so no goroutine outlives Close.
//
// Failures are never silent: a task that fails and whose result nobody
// retrieves (Result, Await, a done callback) goes to the loop's exception
// handler when it is garbage collected or when the loop closes, as
// asyncio's "Task exception was never retrieved".
//
// One waiter per descriptor and direction: a second WaitReadable (or
// WaitWritable) for a descriptor that a task or a callback already waits
// on fails at once with ErrBusy, rather than take the first one's place
// and leave it suspended for ever.
package task

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
)

// A PanicError is the error of a task whose body panicked.
type PanicError struct {
	Value any
	Stack []byte // the coroutine's stack where the panic was recovered
}

func (e *PanicError) Error() string { return fmt.Sprintf("task: coroutine panicked: %v", e.Value) }

// Co is a running coroutine's handle on its task: the suspension points.
type Co struct {
	l       *loop.Loop
	yield   func(struct{}) bool
	wait    uint64 // the current suspension's number; resumes for others are stale
	waiting bool
	cancel  bool // a cancellation is to be delivered at the suspension point
	step    func()
	closed  bool // the loop closed: every suspension fails at once

	interrupted bool   // Interrupt ended the suspension
	interrupt   error  // with this error
	held        held   // what the pending wait holds, for release
	onDeadline  func() // ends a Park at its deadline; bound once
}

// held is what a suspended wait holds on the loop: a descriptor's reader
// or writer slot, and a timer.
type held struct {
	fd    int
	dir   int8 // 0: no descriptor; 1: reader; 2: writer
	timer loop.Handle
}

// A Task runs a coroutine on the loop; it is a Future of the coroutine's
// result.
type Task[T any] struct {
	Future[T]
	co     *Co
	next   func() (struct{}, bool)
	stop   func()
	unhook func() // removes the loop's close hook
	v      T
	err    error
}

// ErrBusy is returned by WaitReadable and WaitWritable (and so by the
// stream calls built on them) when another task, or a callback, is
// already waiting for the same descriptor and direction: a descriptor has
// one reader and one writer at a time, as in asyncio ("another coroutine
// is already waiting"), and a second waiter would silently take the first
// one's place.
var ErrBusy = errors.New("task: another waiter is already waiting for this descriptor")

// Spawn starts body as a task on l. The body begins running in the next
// loop iteration, not inside Spawn. A nil loop or body fails with an
// error matching api.ErrNilCallback, a closed loop with api.ErrClosed.
//
// A task that fails (returns an error or panics) and whose result nobody
// retrieves (Result, Await, a done callback) is reported to the loop's
// exception handler, as asyncio's "Task exception was never retrieved":
// when the task is garbage collected, or when the loop closes, whichever
// comes first.
func Spawn[T any](l *loop.Loop, body func(co *Co) (T, error)) (*Task[T], error) {
	if l == nil || body == nil {
		return nil, fmt.Errorf("task: spawn: nil loop or body: %w", api.ErrNilCallback)
	}
	t := &Task[T]{Future: Future[T]{l: l}}
	co := &Co{l: l}
	t.co = co
	seq := func(yield func(struct{}) bool) {
		co.yield = yield
		defer func() {
			if p := recover(); p != nil {
				t.err = &PanicError{Value: p, Stack: debug.Stack()}
			}
		}()
		t.v, t.err = body(co)
	}
	t.next, t.stop = iter.Pull(seq)
	co.step = t.step
	unhook, err := l.OnClose(t.close)
	if err != nil {
		t.stop()
		return nil, err
	}
	t.unhook = unhook
	if _, err := l.CallSoon(co.step); err != nil {
		unhook()
		t.stop()
		return nil, err
	}
	return t, nil
}

// step runs the coroutine to its next suspension, or to its end.
func (t *Task[T]) step() {
	if t.Done() {
		return
	}
	if _, more := t.next(); more {
		return
	}
	t.complete()
}

func (t *Task[T]) complete() {
	t.unhook()
	if errors.Is(t.err, context.Canceled) {
		var zero T
		t.finish(cancelled, zero, nil)
		return
	}
	if t.err != nil && !t.observed {
		t.watch = newUnretrieved(t.l, t.err)
		runtime.AddCleanup(t, (*unretrieved).collected, t.watch)
	}
	t.finish(resolved, t.v, t.err)
}

// Cancel asks the task to stop: its pending suspension point (or its next
// one) returns an error matching context.Canceled. It reports whether the
// task was still running. The task is cancelled once its body returns
// that error; a body may also catch it and go on.
func (t *Task[T]) Cancel() bool {
	if t.Done() {
		return false
	}
	t.co.cancel = true
	if t.co.waiting {
		t.co.wait++ // the pending wake-up is now stale
		t.co.waiting = false
		t.l.CallSoon(t.co.step)
	}
	return true
}

// close is the loop's close hook: a task still running is cancelled and
// its coroutine run to its end, so that its goroutine ends.
func (t *Task[T]) close() {
	if t.Done() {
		return
	}
	t.co.closed, t.co.cancel = true, true
	t.stop() // the suspension returns at once; the body runs to its end
	var zero T
	t.state, t.value, t.err = cancelled, zero, nil
	t.callbacks = nil
}

// suspend yields to the loop until resume(n) is called with the number it
// returns before the yield, and reports a cancellation as an error.
func (co *Co) suspend() error {
	if err := co.cancelled(); err != nil {
		return err
	}
	co.waiting = true
	if !co.yield(struct{}{}) {
		co.closed, co.waiting = true, false
	}
	if co.interrupted {
		err := co.interrupt
		co.interrupted, co.interrupt = false, nil
		return err
	}
	return co.cancelled()
}

// Interrupt ends co's pending suspension, if it has one: the Sleep,
// Await, WaitReadable or WaitWritable it is suspended in returns err
// when the loop resumes it (nil: returns as if woken normally). The
// descriptor slot or timer the wait holds is released at once, so the
// caller may close the descriptor right after; this is how closing a
// connection wakes the task reading it, as Go's poller does. It reports
// whether co was suspended. Call it on the loop's goroutine, from a
// callback or another task.
func (co *Co) Interrupt(err error) bool {
	if !co.end(err) {
		return false
	}
	if _, serr := co.l.CallSoon(co.step); serr != nil {
		// The loop is closing: its close hook finishes the coroutine.
		co.closed = true
	}
	return true
}

// Resume ends co's pending suspension and runs co to its next one before
// it returns: the Park (or other wait) co is suspended in returns nil. It
// reports whether co was suspended. It is for the loop callback that owns
// what co waits for, such as a connection's readiness callback: where
// Interrupt has the loop run co in a later callback, so that the loop may
// poll again first and report again a readiness co is about to consume
// (and then wake it for nothing), Resume lets co consume it at once, as a
// callback would. Call it from a loop callback, not from a task: a task
// resumed by another would run inside it; a task uses Interrupt.
func (co *Co) Resume() bool {
	if !co.end(nil) {
		return false
	}
	co.step()
	return true
}

// end ends co's pending suspension, if it has one, so that it returns err,
// and gives back what it holds; it reports whether co was suspended.
func (co *Co) end(err error) bool {
	if !co.waiting {
		return false
	}
	co.wait++ // the pending wake-up is now stale
	co.waiting = false
	co.interrupted, co.interrupt = true, err
	co.release()
	return true
}

// release gives back what the pending wait holds.
func (co *Co) release() {
	h := co.held
	co.held = held{}
	switch h.dir {
	case 1:
		co.l.RemoveReader(h.fd)
	case 2:
		co.l.RemoveWriter(h.fd)
	}
	h.timer.Cancel()
}

func (co *Co) cancelled() error {
	if co.closed {
		return fmt.Errorf("task: loop closed: %w", context.Canceled)
	}
	if co.cancel {
		co.cancel = false
		return fmt.Errorf("task: cancelled: %w", context.Canceled)
	}
	return nil
}

// waker returns the callback that resumes the coming suspension; it does
// nothing once that suspension is over (a stale timer, a late reader).
func (co *Co) waker() func() {
	co.wait++
	n := co.wait
	return func() {
		if co.waiting && co.wait == n {
			co.waiting = false
			co.step()
		}
	}
}

// Loop returns the loop the coroutine runs on.
func (co *Co) Loop() *loop.Loop { return co.l }

// Yield lets the loop run one iteration's worth of other callbacks.
func (co *Co) Yield() error {
	if err := co.cancelled(); err != nil {
		return err
	}
	if _, err := co.l.CallSoon(co.waker()); err != nil {
		return err
	}
	return co.suspend()
}

// Sleep suspends the coroutine for d on the loop's clock.
func (co *Co) Sleep(d time.Duration) error {
	if err := co.cancelled(); err != nil {
		return err
	}
	h, err := co.l.CallLater(d, co.waker())
	if err != nil {
		return err
	}
	co.held.timer = h
	err = co.suspend()
	co.release()
	return err
}

// Park suspends the coroutine until Interrupt wakes it (Park then returns
// Interrupt's error, nil for a plain wake-up), the deadline on the loop's
// clock passes (an error matching os.ErrDeadlineExceeded; 0 means none,
// and one already past returns at once), or the task is cancelled. It is
// the primitive for code that keeps its own registrations: a connection
// that watches its descriptor across waits, and wakes the task parked on
// it from its own callback, saves the loop a change of registration per
// wait. Park allocates nothing.
func (co *Co) Park(deadline int64) error {
	if err := co.cancelled(); err != nil {
		return err
	}
	if deadline != 0 {
		if deadline <= co.l.Now() {
			return errDeadline
		}
		if co.onDeadline == nil {
			co.onDeadline = func() { co.Interrupt(errDeadline) }
		}
		h, err := co.l.CallAt(deadline, co.onDeadline)
		if err != nil {
			return err
		}
		co.held.timer = h
	}
	err := co.suspend()
	co.release()
	return err
}

// WaitReadable suspends the coroutine until fd is readable.
func (co *Co) WaitReadable(fd int) error { return co.waitFd(fd, false, 0) }

// WaitWritable suspends the coroutine until fd is writable.
func (co *Co) WaitWritable(fd int) error { return co.waitFd(fd, true, 0) }

// WaitReadableUntil is WaitReadable with a deadline on the loop's clock
// (as Loop.Now gives it; 0 means none): once it has passed, the wait ends
// with an error matching os.ErrDeadlineExceeded, as a net.Conn's Read
// does, and a deadline already past ends it at once.
func (co *Co) WaitReadableUntil(fd int, deadline int64) error {
	return co.waitFd(fd, false, deadline)
}

// WaitWritableUntil is WaitWritable with a deadline, as WaitReadableUntil.
func (co *Co) WaitWritableUntil(fd int, deadline int64) error {
	return co.waitFd(fd, true, deadline)
}

// errDeadline is the error of a wait whose deadline passed; it matches
// os.ErrDeadlineExceeded.
var errDeadline = fmt.Errorf("task: wait: %w", os.ErrDeadlineExceeded)

func (co *Co) waitFd(fd int, write bool, deadline int64) error {
	if err := co.cancelled(); err != nil {
		return err
	}
	if deadline != 0 && deadline <= co.l.Now() {
		return errDeadline
	}
	add, dir := co.l.AddReader, int8(1)
	if write {
		add, dir = co.l.AddWriter, 2
	}
	if write && co.l.HasWriter(fd) || !write && co.l.HasReader(fd) {
		what := "readable"
		if write {
			what = "writable"
		}
		return fmt.Errorf("task: wait for fd %d to be %s: %w", fd, what, ErrBusy)
	}
	wake := co.waker()
	if err := add(fd, wake); err != nil {
		return err
	}
	co.held = held{fd: fd, dir: dir}
	timedOut := false
	if deadline != 0 {
		h, err := co.l.CallAt(deadline, func() { timedOut = true; wake() })
		if err != nil {
			co.release()
			return err
		}
		co.held.timer = h
	}
	err := co.suspend()
	co.release()
	if err == nil && timedOut {
		return errDeadline
	}
	return err
}

// Await suspends the coroutine until f is done and returns its result. If
// the task is cancelled meanwhile, Await returns an error matching
// context.Canceled (f itself is left alone).
func Await[T any](co *Co, a Awaitable[T]) (T, error) {
	f := a.future()
	if !f.Done() {
		f.AddDoneCallback(co.waker())
		if err := co.suspend(); err != nil {
			var zero T
			return zero, err
		}
	}
	return f.Result()
}

// WaitFor awaits f for at most timeout. On timeout it cancels f and
// returns an error matching context.DeadlineExceeded.
func WaitFor[T any](co *Co, a Awaitable[T], timeout time.Duration) (T, error) {
	f := a.future()
	timedOut := false
	var h loop.Handle
	if !f.Done() {
		wake := co.waker()
		f.AddDoneCallback(wake)
		var err error
		if h, err = co.l.CallLater(timeout, func() { timedOut = true; wake() }); err != nil {
			var zero T
			return zero, err
		}
		if err := co.suspend(); err != nil {
			h.Cancel()
			var zero T
			return zero, err
		}
		h.Cancel()
	}
	if timedOut && !f.Done() {
		cancel(a)
		var zero T
		return zero, fmt.Errorf("task: wait for: %w", context.DeadlineExceeded)
	}
	return f.Result()
}

// cancel cancels a task (asking its coroutine to stop) or a future.
func cancel[T any](a Awaitable[T]) {
	if c, ok := a.(interface{ Cancel() bool }); ok {
		c.Cancel()
		return
	}
	a.future().Cancel()
}

// Gather returns a future of all the futures' results, in order. It fails
// with the first error any of them fails with (the others go on), and is
// cancelled if one of them is.
func Gather[T any](l *loop.Loop, as ...Awaitable[T]) *Future[[]T] {
	out := NewFuture[[]T](l)
	results := make([]T, len(as))
	left := len(as)
	if left == 0 {
		out.SetResult(results)
		return out
	}
	for i, a := range as {
		f := a.future()
		f.AddDoneCallback(func() {
			if out.Done() {
				return
			}
			v, err := f.Result()
			switch {
			case f.Cancelled():
				out.Cancel()
			case err != nil:
				out.SetError(err)
			default:
				results[i] = v
				if left--; left == 0 {
					out.SetResult(results)
				}
			}
		})
	}
	return out
}
