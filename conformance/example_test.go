//go:build unix

package conformance_test

import (
	"fmt"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends/poll"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers/heap"
)

// A selector's own test runs the suite with a factory that opens a fresh
// selector for every case.
func ExampleTestSelector() {
	_ = func(t *testing.T) { // func TestConformance(t *testing.T) in your package
		conformance.TestSelector(t, poll.New)
	}
}

// A timer queue's test runs the suite, and a fuzz target drives the queue
// and the reference model with the same operations.
func ExampleTestTimerQueue() {
	newQueue := func() api.TimerQueue { return heap.New() }
	_ = func(t *testing.T) { conformance.TestTimerQueue(t, newQueue, nil) }
	_ = func(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue) }
}

// ReferenceQueue is the model every queue is compared with.
func ExampleReferenceQueue() {
	var q conformance.ReferenceQueue
	ts := []api.Timer{{Deadline: 20, Value: "late"}, {Deadline: 10, Value: "early"}}
	for i := range ts {
		q.Push(&ts[i])
	}
	q.Expire(100, func(t *api.Timer) { fmt.Println(t.Value) })
	// Output:
	// early
	// late
}
