// Package timers is the registry of timer queues: it builds an
// [api.TimerQueue] by name and knows which one to use by default.
//
// The default is the 4-ary heap, chosen from this module's benchmarks
// (the README has the tables). The timing wheel is faster where timers
// are mostly cancelled before they fire, a connection resetting its idle
// timeout (W2a: 0.78x the heap's time per cancel-and-arm with 1e5 timers
// and 0.60x with 1e6, about the same with 1000), for more memory: both
// remove lazily, and after much re-arming the wheel held 78 to 115 bytes
// per timer (58 to 75 after Trim) where the heap held 54 to 58. Since its
// cascades are paced (the next coarse slot moves down during the slot
// before it), it no longer pauses when very many timers fall due
// together: with 1e5 timers due within 100 ms (W2b) its median p99
// lateness went from 9.6 ms to 0.31 ms in one interleaved run, where the
// heap's was 0.54 ms and varied widely. That makes the wheel a sound
// default too; the heap stays the default because it has been the one in
// use longest, its lateness has no dependence on a pacing policy, it
// costs a little less to expire timers (W2b: 0.93x the wheel's CPU per
// timer at 1e5, with a p99 lateness of 0.84 ms against the wheel's 0.50
// ms), and libev, libuv and asyncio all use heaps. Choose the wheel
// (EVLOOP_TIMERS=wheel, or loop.Options) for many idle timeouts that
// rarely fire; the B-tree is there to compare with, at 2.4 to 3.9 times
// the heap's cost per cancel-and-arm (W2a, from 1e6 timers down to 1000;
// it removes lazily too, so its memory runs ahead of its timers).
//
// The environment variable EVLOOP_TIMERS overrides the default at run
// time; a name this package does not know is an error matching
// [api.ErrUnknown] that lists the valid ones.
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
const BuildDefault = "heap"

var registry = []struct {
	name string
	open func() api.TimerQueue
}{
	{"heap", func() api.TimerQueue { return heap.New() }},
	{"wheel", func() api.TimerQueue {
		q, _ := wheel.New(nil) // fails only for a negative tick
		return q
	}},
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
