package conformance

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/evloop/evloop/api"
)

// NewSelector opens a fresh selector for one case of [TestSelector].
type NewSelector func() (api.Selector, error)

// tb is the part of testing.TB the checks use. Both *testing.T and the
// suite's own recorder satisfy it, so the same checks run under go test and
// inside the suite's tests of itself.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// caseLimit is the watchdog of a case; the suite's own tests shorten it.
var caseLimit = 20 * time.Second

// recorder runs one case on a goroutine of its own, collecting what the
// case reports so that a hung case can be abandoned and a broken
// implementation's failures can be counted rather than fail the caller.
type recorder struct {
	mu       sync.Mutex
	errors   []string
	logs     []string
	skip     string
	cleanups []func()
	hang     []func() // what stops the case's goroutine if it hangs

	// For the selector cases: descriptors a case closed itself, and the
	// factory, for cases that open selectors of their own.
	closed      map[int]bool
	newSelector NewSelector

	// For the timer cases: the allocations per operation allowed.
	allocBudget float64

	helpers map[string]bool // functions that called Helper, as testing.T keeps them
}

// Helper marks the calling function as a helper: a failure reported in it
// names the line that called it, as testing.T.Helper does, so that a
// message points into the case, not into the suite's plumbing.
func (r *recorder) Helper() {
	var pc [1]uintptr
	if runtime.Callers(2, pc[:]) == 0 {
		return
	}
	name := runtime.FuncForPC(pc[0]).Name()
	r.mu.Lock()
	if r.helpers == nil {
		r.helpers = map[string]bool{}
	}
	r.helpers[name] = true
	r.mu.Unlock()
}

// where returns "file:line" of the first caller of Errorf, Fatalf or
// Logf that is not a helper.
func (r *recorder) where() string {
	var pcs [32]uintptr
	n := runtime.Callers(4, pcs[:]) // Callers, where, add, Errorf and co.
	frames := runtime.CallersFrames(pcs[:n])
	r.mu.Lock()
	defer r.mu.Unlock()
	first := ""
	for {
		f, more := frames.Next()
		loc := fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		if first == "" {
			first = loc
		}
		if !r.helpers[f.Function] {
			return loc
		}
		if !more {
			return first
		}
	}
}

func (r *recorder) add(list *[]string, format string, args []any) {
	msg := fmt.Sprintf(format, args...)
	if loc := r.where(); loc != "" {
		msg = loc + ": " + msg
	}
	r.mu.Lock()
	*list = append(*list, msg)
	r.mu.Unlock()
}

func (r *recorder) Errorf(format string, args ...any) { r.add(&r.errors, format, args) }
func (r *recorder) Logf(format string, args ...any)   { r.add(&r.logs, format, args) }

func (r *recorder) Fatalf(format string, args ...any) {
	r.add(&r.errors, format, args)
	runtime.Goexit()
}

// onHang registers f to run if the case is abandoned: it should make the
// case's goroutine end.
func (r *recorder) onHang(f func()) {
	r.mu.Lock()
	r.hang = append(r.hang, f)
	r.mu.Unlock()
}

// Skipf ends the case without failing it.
func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skip = fmt.Sprintf(format, args...)
	r.mu.Unlock()
	runtime.Goexit()
}

// Cleanup registers f to run after the case, last registered first.
func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	r.cleanups = append(r.cleanups, f)
	r.mu.Unlock()
}

func (r *recorder) failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0
}

// outcome returns what the case reported so far; an abandoned case may
// still be adding to it.
func (r *recorder) outcome(name string) outcome {
	r.mu.Lock()
	defer r.mu.Unlock()
	return outcome{name, slices.Clone(r.errors)}
}

// run runs body under a watchdog: a case that has not finished within
// limit is reported as hung and abandoned (its goroutine is left blocked;
// its cleanups are not run, since they might unblock it mid-check).
func run(limit time.Duration, body func(r *recorder)) *recorder {
	r := new(recorder)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				r.Errorf("panic: %v", p)
			}
		}()
		body(r)
	}()
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		r.mu.Lock()
		hang := r.hang
		r.mu.Unlock()
		for _, f := range hang {
			f()
		}
		select {
		case <-done:
			r.Errorf("hung: the case did not finish within %v (a wait that never returns, or a loop that spins?); stopped", limit)
		case <-time.After(2 * time.Second):
			r.Errorf("hung: the case did not finish within %v (a wait that never returns?), and could not be stopped", limit)
		}
		return r
	}
	r.mu.Lock()
	cleanups := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	return r
}

// report hands what r collected to t.
func (r *recorder) report(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.logs {
		t.Log(m)
	}
	for _, m := range r.errors {
		t.Error(m)
	}
	if r.skip != "" && len(r.errors) == 0 {
		t.Skip(r.skip)
	}
}

// A outcome is the result of one case, for the suite's tests of itself.
type outcome struct {
	name   string
	errors []string
}
