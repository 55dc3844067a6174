package task

import (
	"context"
	"errors"
	"fmt"

	"github.com/evloop/evloop/loop"
)

var (
	// ErrDone is returned by SetResult and SetError on a future that is
	// already done (resolved, failed or cancelled).
	ErrDone = errors.New("task: future already done")
	// ErrPending is returned by Result before the future is done.
	ErrPending = errors.New("task: future not done")
)

type state uint8

const (
	pending state = iota
	resolved
	cancelled
)

// A Future is a result that will be set later, bound to a loop, as
// asyncio's Future: its done-callbacks run on the loop through CallSoon,
// never inside SetResult. Like the loop, a Future belongs to the loop's
// goroutine; another goroutine resolves one by posting the call:
//
//	l.CallSoonThreadsafe(func() { f.SetResult(v) })
type Future[T any] struct {
	l         *loop.Loop
	state     state
	value     T
	err       error
	callbacks []func()
	observed  bool         // Result or AddDoneCallback was called
	watch     *unretrieved // a failure to report if nobody retrieves it
	onCancel  func()       // told when the future is cancelled (an executor's job)
}

// NewFuture returns a pending future bound to l.
func NewFuture[T any](l *loop.Loop) *Future[T] { return &Future[T]{l: l} }

func (f *Future[T]) future() *Future[T] { return f }

// Done reports whether the future has a result, an error, or was
// cancelled.
func (f *Future[T]) Done() bool { return f.state != pending }

// Cancelled reports whether the future was cancelled.
func (f *Future[T]) Cancelled() bool { return f.state == cancelled }

// Result returns the value or the error the future was resolved with; an
// error matching context.Canceled if it was cancelled; ErrPending before
// it is done.
func (f *Future[T]) Result() (T, error) {
	f.observe()
	switch f.state {
	case pending:
		var zero T
		return zero, ErrPending
	case cancelled:
		var zero T
		return zero, fmt.Errorf("task: future cancelled: %w", context.Canceled)
	}
	return f.value, f.err
}

// SetResult resolves the future with v. It fails with ErrDone if the
// future is already done.
func (f *Future[T]) SetResult(v T) error { return f.finish(resolved, v, nil) }

// SetError resolves the future with err (a nil err counts as success with
// the zero value). It fails with ErrDone if the future is already done.
func (f *Future[T]) SetError(err error) error {
	var zero T
	return f.finish(resolved, zero, err)
}

// Cancel cancels a pending future and reports whether it did.
func (f *Future[T]) Cancel() bool {
	var zero T
	return f.finish(cancelled, zero, nil) == nil
}

// AddDoneCallback arranges for fn to run on the loop once the future is
// done; if it is done already, fn is scheduled at once.
func (f *Future[T]) AddDoneCallback(fn func()) {
	f.observe()
	if f.state != pending {
		f.l.CallSoon(fn)
		return
	}
	f.callbacks = append(f.callbacks, fn)
}

func (f *Future[T]) finish(s state, v T, err error) error {
	if f.state != pending {
		return ErrDone
	}
	f.state, f.value, f.err = s, v, err
	if s == cancelled && f.onCancel != nil {
		f.onCancel()
	}
	cbs := f.callbacks
	f.callbacks = nil
	for _, fn := range cbs {
		f.l.CallSoon(fn) // never synchronously: asyncio's rule
	}
	return nil
}

func (f *Future[T]) observe() {
	f.observed = true
	if f.watch != nil {
		f.watch.retrieved()
		f.watch = nil
	}
}

// unretrieved is a task's failure that nobody has looked at yet. It does
// not point back to the task, so that the task can be collected and the
// collection reported.
type unretrieved struct {
	l      *loop.Loop
	err    error
	done   bool // retrieved or reported; touched on the loop's goroutine only
	unhook func()
}

func newUnretrieved(l *loop.Loop, err error) *unretrieved {
	u := &unretrieved{l: l, err: err}
	u.unhook, _ = l.OnClose(u.report)
	return u
}

func (u *unretrieved) retrieved() {
	u.done = true
	if u.unhook != nil {
		u.unhook()
	}
}

// collected runs on the runtime's cleanup goroutine once the task is
// garbage: the report goes to the loop's goroutine (if the loop is closed,
// its close hook has reported already).
func (u *unretrieved) collected() { u.l.CallSoonThreadsafe(u.report) }

func (u *unretrieved) report() {
	if u.done {
		return
	}
	u.retrieved()
	e := &loop.Exception{Message: "task exception was never retrieved", Err: u.err}
	if p, ok := errors.AsType[*PanicError](u.err); ok {
		e.Stack = p.Stack
	}
	u.l.CallExceptionHandler(e)
}

// An Awaitable is a Future or a Task: anything Await can wait for.
type Awaitable[T any] interface {
	future() *Future[T]
}
