package btree_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers/btree"
)

func newQueue() api.TimerQueue { return btree.New(nil) }

// The library allocates a node when one splits; in the suite's steady
// state that is a few allocations per hundred operations at degree 32.
var opts = &conformance.TimerQueueOptions{AllocsPerOp: 0.25}

func TestConformance(t *testing.T) { conformance.TestTimerQueue(t, newQueue, opts) }

// A small degree makes the tree deep, so splits and merges happen often.
func TestConformanceDegree2(t *testing.T) {
	conformance.TestTimerQueue(t, func() api.TimerQueue { return btree.New(&btree.Options{Degree: 2}) },
		&conformance.TimerQueueOptions{AllocsPerOp: 2})
}

func FuzzQueue(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue) }
