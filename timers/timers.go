// Package timers is the registry of timer queues: it builds an
// [api.TimerQueue] by name and knows which one to use by default.
//
// The default is the timing wheel. In this module's W2a benchmark (cancel
// one timer and arm another among many outstanding, a connection resetting
// its idle timeout; go test ./bench -bench TimerChurn -args -large) it was
// the fastest queue at every size, about half the heap's time per
// operation, and faster than the Go runtime's own timers (time.Timer.Reset)
// by 2.3x at a thousand timers and 3.2x at a million. It also holds no
// memory of its own per timer: the heap's array holds about 26 bytes a
// timer at a million, the B-tree's nodes about 37. The figures are in the
// README. The environment
// variable EVLOOP_TIMERS overrides it at run time; a name this package
// does not know is an error matching [api.ErrUnknown] that lists the valid
// ones.
package timers

import (
	"fmt"
	"os"
	"strings"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/timers/btree"
	"github.com/evloop/evloop/timers/heap"
	"github.com/evloop/evloop/timers/wheel"
)

// EnvVar is the environment variable that overrides the default queue.
const EnvVar = "EVLOOP_TIMERS"

// BuildDefault is the queue used when EVLOOP_TIMERS is not set.
const BuildDefault = "wheel"

var registry = []struct {
	name string
	open func() api.TimerQueue
}{
	{"wheel", func() api.TimerQueue {
		q, _ := wheel.New(nil) // fails only for a negative tick
		return q
	}},
	{"heap", func() api.TimerQueue { return heap.New() }},
	{"btree", func() api.TimerQueue { return btree.New(nil) }},
}

// Names lists the timer queues, the default first.
func Names() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// New returns an empty queue of the kind called name.
func New(name string) (api.TimerQueue, error) {
	for _, r := range registry {
		if r.name == name {
			return r.open(), nil
		}
	}
	return nil, fmt.Errorf("timers: no timer queue %q (available: %s): %w",
		name, strings.Join(Names(), ", "), api.ErrUnknown)
}

// Default returns the name of the queue to use: EVLOOP_TIMERS if it is
// set, else [BuildDefault].
func Default() string {
	if name := os.Getenv(EnvVar); name != "" {
		return name
	}
	return BuildDefault
}

// NewDefault returns an empty [Default] queue.
func NewDefault() (api.TimerQueue, error) {
	q, err := New(Default())
	if err != nil && os.Getenv(EnvVar) != "" {
		return nil, fmt.Errorf("%s=%s: %w", EnvVar, os.Getenv(EnvVar), err)
	}
	return q, err
}
