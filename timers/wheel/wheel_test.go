package wheel_test

import (
	"testing"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers/wheel"
)

func newQueue(tick time.Duration) conformance.NewTimerQueue {
	return func() api.TimerQueue {
		q, err := wheel.New(&wheel.Options{Tick: tick})
		if err != nil {
			panic(err)
		}
		return q
	}
}

func TestConformance(t *testing.T) { conformance.TestTimerQueue(t, newQueue(0), nil) }

// Other ticks change which slot a timer lands in and when it cascades, never
// the result: the suite must pass for each.
func TestConformanceTicks(t *testing.T) {
	for _, tick := range []time.Duration{1, 64, time.Microsecond, 1000 * time.Second} {
		t.Run(tick.String(), func(t *testing.T) { conformance.TestTimerQueue(t, newQueue(tick), nil) })
	}
}

func FuzzQueue(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue(0)) }

// FuzzQueueTick1 fuzzes a wheel whose tick is one nanosecond, where the
// fuzzer's deadlines reach every level.
func FuzzQueueTick1(f *testing.F) { conformance.FuzzTimerQueue(f, newQueue(1)) }

func TestNegativeTick(t *testing.T) {
	if _, err := wheel.New(&wheel.Options{Tick: -1}); err == nil {
		t.Errorf("New(Tick: -1) = nil error; want one")
	}
	if q, err := wheel.New(nil); err != nil || q == nil {
		t.Errorf("New(nil) = %v, %v; want a wheel with the default tick", q, err)
	}
}

// TestConformanceChunk1 runs the suite on wheels that pace their cascades
// one timer at a time, so that Expire meets slots half moved.
func TestConformanceChunk1(t *testing.T) {
	for _, tick := range []time.Duration{1, time.Millisecond} {
		t.Run(tick.String(), func(t *testing.T) { conformance.TestTimerQueue(t, newChunkQueue(tick, 1), nil) })
	}
}

func newChunkQueue(tick time.Duration, chunk int) conformance.NewTimerQueue {
	return func() api.TimerQueue {
		q, err := wheel.New(&wheel.Options{Tick: tick, Chunk: chunk})
		if err != nil {
			panic(err)
		}
		return q
	}
}

// FuzzQueueChunk1 interleaves Expire with partial cascades: a one-
// nanosecond tick, where the fuzzer's deadlines reach every level, and a
// chunk of one timer, so that every Expire leaves slots half moved down.
func FuzzQueueChunk1(f *testing.F) { conformance.FuzzTimerQueue(f, newChunkQueue(1, 1)) }
