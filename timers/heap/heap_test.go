package heap_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers/heap"
)

func newQueue() api.TimerQueue { return heap.New() }

func TestConformance(t *testing.T) { conformance.TestTimerQueue(t, newQueue, nil) }

func FuzzQueue(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue) }
