package loop

import (
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"
)

// An Exception is a failure nobody else would see: a panic recovered
// from a callback, or an error a part of the program reports through
// CallExceptionHandler (a task that failed and that nobody awaited, a
// server that ran out of descriptors), as asyncio's exception handler
// context.
type Exception struct {
	Message  string // what happened; "callback panicked" for a panic
	Value    any    // what the callback panicked with, or Err
	Err      error  // the error, if the failure is one (a panic with an error value is)
	Callback string // the callback's function and where it is defined, if one failed
	Stack    []byte // the goroutine's stack where the panic was recovered, if it was one
}

func (e *Exception) Error() string {
	switch {
	case e.Callback != "":
		return fmt.Sprintf("%s: callback %s: %v", e.Message, e.Callback, e.Value)
	case e.Value != nil:
		return fmt.Sprintf("%s: %v", e.Message, e.Value)
	}
	return e.Message
}

// Unwrap returns Err, so that errors.Is sees through an Exception.
func (e *Exception) Unwrap() error { return e.Err }

// SetExceptionHandler sets the function that receives the loop's
// exceptions; nil restores the default, which logs them with the loop's
// Logger at level Error. The loop goes on either way.
func (l *Loop) SetExceptionHandler(h func(*Exception)) {
	if h == nil {
		h = l.defaultHandler
	}
	l.handler = h
}

// CallExceptionHandler hands e to the exception handler, on the loop's
// goroutine: the way for code built on the loop to report a failure that
// no caller is there to receive. A handler that panics is logged, and the
// loop goes on.
func (l *Loop) CallExceptionHandler(e *Exception) {
	if e.Value == nil && e.Err != nil {
		e.Value = e.Err
	}
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("evloop: exception handler panicked", "panic", p, "handling", e.Error())
		}
	}()
	l.handler(e)
}

func (l *Loop) defaultHandler(e *Exception) {
	args := []any{"error", e.Value}
	if e.Callback != "" {
		args = append(args, "callback", e.Callback)
	}
	if len(e.Stack) > 0 {
		args = append(args, "stack", string(e.Stack))
	}
	l.log.Error("evloop: "+e.Message, args...)
}

// origin names a callback: its function and the file and line where it
// is defined.
func origin(fn func()) string {
	if fn == nil {
		return "<nil>"
	}
	f := runtime.FuncForPC(reflect.ValueOf(fn).Pointer())
	if f == nil {
		return "<unknown>"
	}
	file, line := f.FileLine(f.Entry())
	return fmt.Sprintf("%s (%s:%d)", f.Name(), file, line)
}

// runReady runs the first n ready callbacks: those ready when the
// iteration began running them (asyncio's ntodo), not those they add.
func (l *Loop) runReady(n int) {
	for n > 0 {
		n = l.runSome(n)
	}
}

// runSome runs callbacks until n have run or one panics, and returns how
// many remain. One deferred recover covers the whole batch, so a callback
// costs no defer of its own.
func (l *Loop) runSome(n int) (left int) {
	defer func() {
		if p := recover(); p != nil {
			l.report(p)
		}
	}()
	for left = n; left > 0; {
		w := l.ready.pop()
		left--
		if w.fn == nil {
			continue // cancelled
		}
		if w.t != nil && w.t != postedMark {
			l.pool.put(w.t) // it runs now: its handle can no longer cancel it
		}
		l.metrics.Callbacks++
		if l.slow > 0 {
			l.timed(w.fn)
			continue
		}
		l.current = w.fn
		w.fn()
	}
	l.current = nil
	return 0
}

// runPosted runs the callbacks other goroutines posted, after the ready
// queue's, with the same recovery.
func (l *Loop) runPosted(posted []func()) {
	for i := 0; i < len(posted); {
		i = l.runPostedFrom(posted, i)
	}
}

func (l *Loop) runPostedFrom(posted []func(), i int) (next int) {
	defer func() {
		if p := recover(); p != nil {
			l.report(p)
		}
	}()
	for next = i; next < len(posted); {
		fn := posted[next]
		posted[next] = nil // drop the closure for the collector
		next++
		l.metrics.Callbacks++
		if l.slow > 0 {
			l.timed(fn)
			continue
		}
		l.current = fn
		fn()
	}
	l.current = nil
	return next
}

func (l *Loop) timed(fn func()) {
	l.current = fn
	start := time.Now()
	fn()
	if d := time.Since(start); d > l.slow {
		l.log.Warn("evloop: slow callback", "callback", origin(fn), "took", d, "threshold", l.slow)
	}
}

// report hands a recovered panic to the exception handler, which must not
// take the loop down either.
func (l *Loop) report(p any) {
	e := &Exception{Message: "callback panicked", Value: p, Callback: origin(l.current), Stack: debug.Stack()}
	e.Err, _ = p.(error)
	l.current = nil
	l.CallExceptionHandler(e)
}
