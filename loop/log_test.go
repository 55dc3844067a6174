package loop

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func bufferLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

// The default exception handler logs the panic with the callback's origin.
func TestDefaultExceptionHandlerLogs(t *testing.T) {
	logger, buf := bufferLogger()
	l, err := New(&Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.CallSoon(func() { panic("kaboom") })
	l.CallSoon(l.Stop)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"level=ERROR", "callback panicked", "kaboom", "log_test.go"} {
		if !strings.Contains(out, want) {
			t.Errorf("log %q; want it to contain %q", out, want)
		}
	}
}

// SlowCallback warns about callbacks slower than the threshold, and only
// those.
func TestSlowCallbackWarns(t *testing.T) {
	logger, buf := bufferLogger()
	l, err := New(&Options{Logger: logger, SlowCallback: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.CallSoon(func() {})
	l.CallSoon(func() { time.Sleep(5 * time.Millisecond) })
	l.CallSoon(l.Stop)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "slow callback"); n != 1 {
		t.Errorf("log has %d slow-callback warnings; want 1 (only the 5ms callback):\n%s", n, out)
	}
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "log_test.go") {
		t.Errorf("log %q; want a warning naming the callback's origin", out)
	}
}

// A posted callback that panics is recovered like any other.
func TestPostedPanicRecovered(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var got []any
	l.SetExceptionHandler(func(e *Exception) { got = append(got, e.Value) })
	ran := false
	l.CallSoonThreadsafe(func() { panic("posted") })
	l.CallSoonThreadsafe(func() { ran = true })
	l.CallSoonThreadsafe(l.Stop)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "posted" || !ran {
		t.Errorf("exceptions %v, later post ran %v; want [posted] and true", got, ran)
	}
}

// Allocation-free scheduling: CallSoon and CallLater with a closure made
// once allocate nothing, and neither does the iteration that runs them.
func TestSchedulingAllocs(t *testing.T) {
	l, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fn := func() {}
	for range 1000 { // grow the ring and the timer slabs first
		l.CallSoon(fn)
		l.CallLater(0, fn)
	}
	for range 3 {
		l.CallSoon(fn)
		l.RunOnce()
	}
	allocs := testing.AllocsPerRun(1000, func() {
		l.CallSoon(fn)
		h, _ := l.CallLater(time.Hour, fn)
		h.Cancel()
		l.RunOnce()
	})
	if allocs != 0 {
		t.Errorf("CallSoon + CallLater + Cancel + RunOnce allocate %v times; want 0", allocs)
	}
}

// A delay that overflows the clock must mean "never", not "at once".
func TestCallLaterFarFuture(t *testing.T) {
	l, err := New(&Options{Clock: NewVirtualClock(int64(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fired := false
	l.CallLater(time.Duration(1<<63-1), func() { fired = true })
	l.CallSoon(l.Stop)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if fired {
		t.Errorf("CallLater(MaxInt64) fired at once: the deadline overflowed")
	}
}
