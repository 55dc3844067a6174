package timers_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers"
)

func TestNames(t *testing.T) {
	names := timers.Names()
	if len(names) != 3 || names[0] != timers.BuildDefault {
		t.Errorf("Names() = %v; want the three queues, %s first", names, timers.BuildDefault)
	}
	for _, name := range names {
		q, err := timers.New(name)
		if err != nil || q == nil {
			t.Errorf("New(%q) = %v, %v; want a queue", name, q, err)
			continue
		}
		// Each name must build a working queue, and a distinct kind.
		tm := &api.Timer{Deadline: 5}
		q.Push(tm)
		if n := q.Expire(5, func(*api.Timer) {}); n != 1 {
			t.Errorf("New(%q): Expire fired %d; want 1", name, n)
		}
	}
	kinds := map[string]bool{}
	for _, name := range names {
		q, _ := timers.New(name)
		kinds[fmt.Sprintf("%T", q)] = true
	}
	if len(kinds) != len(names) {
		t.Errorf("the %d names build %d kinds of queue: %v", len(names), len(kinds), kinds)
	}
}

func TestUnknown(t *testing.T) {
	_, err := timers.New("calendar")
	if !errors.Is(err, api.ErrUnknown) || !strings.Contains(err.Error(), "heap, wheel, btree") {
		t.Errorf("New(\"calendar\") = %v; want api.ErrUnknown listing the queues", err)
	}
}

func TestEnvironment(t *testing.T) {
	for _, name := range timers.Names() {
		t.Setenv(timers.EnvVar, name)
		if got := timers.Default(); got != name {
			t.Errorf("with %s=%s, Default() = %q", timers.EnvVar, name, got)
		}
		want, _ := timers.New(name)
		got, err := timers.NewDefault()
		if err != nil || fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
			t.Errorf("with %s=%s, NewDefault() = %T, %v; want a %T", timers.EnvVar, name, got, err, want)
		}
	}
	t.Setenv(timers.EnvVar, "bogus")
	if _, err := timers.NewDefault(); !errors.Is(err, api.ErrUnknown) || !strings.Contains(err.Error(), "EVLOOP_TIMERS=bogus") {
		t.Errorf("with %s=bogus, NewDefault() = %v; want api.ErrUnknown naming the variable", timers.EnvVar, err)
	}
	t.Setenv(timers.EnvVar, "")
	if got := timers.Default(); got != timers.BuildDefault {
		t.Errorf("with %s empty, Default() = %q; want %q", timers.EnvVar, got, timers.BuildDefault)
	}
}

// FuzzAll drives the heap, the wheel and the B-tree (and the reference)
// with the same operations: their fire sequences must be identical.
func FuzzAll(f *testing.F) {
	var queues []conformance.NewTimerQueue
	for _, name := range timers.Names() {
		queues = append(queues, func() api.TimerQueue {
			q, _ := timers.New(name)
			return q
		})
	}
	conformance.FuzzTimerQueue(f, queues...)
}
