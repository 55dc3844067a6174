package task

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/loop"
)

// An Executor runs blocking functions (a file system call, a name lookup,
// a cgo library, a CPU-heavy step) on goroutines of its own, so that the
// loop goes on meanwhile: asyncio's run_in_executor, libuv's
// uv_queue_work. At most Workers functions run at once; the others wait
// in order. Its goroutines exist only while there is work: an idle
// Executor holds none and needs no closing.
type Executor struct {
	workers int
	mu      sync.Mutex
	running int
	queue   []func()
}

// NewExecutor returns an executor that runs up to workers functions at
// once; workers <= 0 means the default, min(32, GOMAXPROCS+4) (asyncio's).
func NewExecutor(workers int) *Executor {
	if workers <= 0 {
		workers = min(32, runtime.GOMAXPROCS(0)+4)
	}
	return &Executor{workers: workers}
}

var defaultExecutor = sync.OnceValue(func() *Executor { return NewExecutor(0) })

// go runs job on a worker goroutine, now or once one is free.
func (e *Executor) run(job func()) {
	e.mu.Lock()
	if e.running >= e.workers {
		e.queue = append(e.queue, job)
		e.mu.Unlock()
		return
	}
	e.running++
	e.mu.Unlock()
	go e.work(job)
}

func (e *Executor) work(job func()) {
	for job != nil {
		job()
		e.mu.Lock()
		job = nil
		if len(e.queue) > 0 {
			job = e.queue[0]
			e.queue[0] = nil
			e.queue = e.queue[1:]
		} else {
			e.running--
			e.queue = nil // let a long queue's array go
		}
		e.mu.Unlock()
	}
}

// RunInExecutor runs fn on e (nil: a default executor shared by the
// process) and returns a future of its result, resolved on l. Call it on
// the loop's goroutine, from a callback or a task. Cancelling the future
// before fn has started means fn never runs; once it runs, it runs to its
// end and its result is dropped. A panic in fn fails the future with a
// *PanicError. A failure nobody retrieves goes to the loop's exception
// handler, as a task's does. If the loop is closed by the time fn
// returns, the result is dropped with it. A nil loop or fn fails with an
// error matching api.ErrNilCallback, a closed loop with api.ErrClosed.
func RunInExecutor[T any](l *loop.Loop, e *Executor, fn func() (T, error)) (*Future[T], error) {
	if l == nil || fn == nil {
		return nil, fmt.Errorf("task: run in executor: nil loop or function: %w", api.ErrNilCallback)
	}
	if l.Closed() {
		return nil, fmt.Errorf("task: run in executor: %w", api.ErrClosed)
	}
	f := NewFuture[T](l)
	if e == nil {
		e = defaultExecutor()
	}
	var dropped atomic.Bool
	f.onCancel = func() { dropped.Store(true) }
	e.run(func() {
		if dropped.Load() {
			return
		}
		v, err := call(fn)
		l.CallSoonThreadsafe(func() {
			if f.Done() {
				return
			}
			if err != nil {
				f.SetError(err)
				f.watchFailure()
				return
			}
			f.SetResult(v)
		})
	})
	return f, nil
}

// ToThread runs fn on the default executor and suspends co until it
// returns its result: asyncio.to_thread. If the task is cancelled
// meanwhile, ToThread returns at once with an error matching
// context.Canceled, and fn's result, when it comes, is dropped.
func ToThread[T any](co *Co, fn func() (T, error)) (T, error) {
	f, err := RunInExecutor(co.l, nil, fn)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := Await(co, f)
	if err != nil && !f.Done() {
		f.Cancel()
	}
	return v, err
}

func call[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// watchFailure arranges for a failure nobody has retrieved to be reported
// when the future is collected or the loop closes.
func (f *Future[T]) watchFailure() {
	if f.err != nil && !f.observed && f.watch == nil {
		f.watch = newUnretrieved(f.l, f.err)
		runtime.AddCleanup(f, (*unretrieved).collected, f.watch)
	}
}
