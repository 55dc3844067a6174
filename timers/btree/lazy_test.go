package btree_test

import (
	"math/rand/v2"
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/conformance"
	"github.com/evloop/evloop/timers/btree"
	"github.com/evloop/evloop/timers/heap"
)

// Removals leave stale entries, but never more than four per live one
// (and a few): churn does not grow the tree without bound.
func TestStaleEntriesBounded(t *testing.T) {
	q := btree.New(nil)
	rng := rand.New(rand.NewPCG(1, 2))
	ts := make([]api.Timer, 1000)
	for i := range ts {
		ts[i].Deadline = 1 + rng.Int64N(1e9)
		q.Push(&ts[i])
	}
	for range 100_000 {
		tm := &ts[rng.IntN(len(ts))]
		q.Remove(tm)
		tm.Deadline = 1 + rng.Int64N(1e9)
		q.Push(tm)
		if n, most := q.Entries(), 5*q.Len()+256; n > most {
			t.Fatalf("%d entries for %d timers; want at most %d", n, q.Len(), most)
		}
	}
	if q.Len() != len(ts) {
		t.Errorf("Len() = %d; want %d", q.Len(), len(ts))
	}
}

// A timer removed from a B-tree and queued elsewhere at the same deadline
// is not handed over by the B-tree: its stale entry is recognised, whether
// the other queue is a heap, another B-tree or the reference queue (whose
// Q.Pos is 1 for "present").
func TestStaleEntryOfATimerQueuedElsewhere(t *testing.T) {
	others := map[string]api.TimerQueue{"heap": heap.New(), "btree": btree.New(nil), "reference": new(conformance.ReferenceQueue)}
	for name, other := range others {
		bt := btree.New(nil)
		var moved, stays api.Timer
		moved.Deadline, stays.Deadline = 10, 20
		bt.Push(&stays) // the earliest, so that moved's removal is lazy
		stays.Deadline = 5
		bt.Push(&stays)
		bt.Push(&moved)
		if !bt.Remove(&moved) {
			t.Fatal("Remove(moved) = false; want true")
		}
		other.Push(&moved) // same deadline, 10, and Pos != 0 again
		var got []*api.Timer
		bt.Expire(100, func(tm *api.Timer) { got = append(got, tm) })
		if len(got) != 1 || got[0] != &stays {
			t.Errorf("%s elsewhere: B-tree Expire(100) handed over %d timers (moved among them: %v); want only its own",
				name, len(got), len(got) > 1 || len(got) == 1 && got[0] == &moved)
		}
		if n := other.Expire(100, func(*api.Timer) {}); n != 1 {
			t.Errorf("%s Expire(100) = %d; want 1 (the moved timer)", name, n)
		}
		if bt.Len() != 0 || bt.Entries() != 0 {
			t.Errorf("%s elsewhere: after Expire: Len() = %d, entries %d; want 0, 0", name, bt.Len(), bt.Entries())
		}
	}
}

// A B-tree's mark, the Q.Pos of its timers, is one no other queue gives:
// in [2^29, 2^30), above any index a heap of timers reaches and below the
// heap's marks, positive where the wheel's are negative, and an int on
// 32-bit platforms too (a mark above 2^62, cut to 32 bits, came out as
// small numbers there, 1 among them, the reference queue's "present").
func TestMarkRange(t *testing.T) {
	for range 100 {
		if m := btree.New(nil).Mark(); m < 1<<29 || m >= 1<<30 {
			t.Fatalf("New(nil).Mark() = %d; want in [2^29, 2^30)", m)
		}
	}
}
