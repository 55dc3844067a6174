// Package wheel implements [api.TimerQueue] as a hierarchical timing wheel
// (Varghese and Lauck), with exact deadlines.
//
// # Layout
//
// Deadlines are cut into ticks (Options.Tick, 1 ms by default). Eleven
// levels of 64 slots cover every tick an int64 deadline can name, so there
// is no overflow list: level l holds the timers whose tick first differs
// from the wheel's current tick in the l-th group of six bits, in the slot
// given by that group, on an intrusive doubly-linked list. Push and Remove
// are O(1) and allocate nothing. An occupancy bitmap per level finds the
// earliest non-empty slot in eleven word tests, so neither NextDeadline nor
// advancing time ever walks empty slots.
//
// # Exactness
//
// Slots are an index, not a rounding: each timer keeps its exact deadline.
// When time reaches a slot, its timers either move down a level (cascade)
// or, once their tick has come, into a small 4-ary heap ordered by
// (deadline, Seq); Expire hands over from that heap only the timers whose
// deadline is <= now, in order, and the rest wait there for the next call.
// So the wheel fires exactly what the heap queue fires, in the same order,
// never early.
//
// # Cost
//
// Advancing time visits only occupied slots, and each timer moves at most
// once per level on its way down, so a jump of a year costs work in
// proportion to the pending timers, not to the elapsed ticks. The heap
// holds at most the timers of the current tick (and timers pushed with a
// deadline already reached), which keeps it small. NextDeadline is exact
// when the earliest timer is within 64 ticks; farther out it answers with
// the start of the earliest occupied slot, earlier than the deadline, and a
// loop that sleeps until then wakes at most once per level on the way.
//
// # Latency
//
// Cascading a slot is done at once, when time reaches it. When very many
// timers are due close together, that is a pause: with 1e5 timers due
// within 100 ms (W2b), moving a 64 ms slot down a level delayed the timers
// due meanwhile by up to a few milliseconds (p99 5.6 ms, where the heap
// queue stays near 0.3 ms). Spreading a cascade over the slot before it
// (a second level-0 array filled incrementally) would remove the pause;
// it is not done yet.
package wheel

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/timerheap"
)

const (
	slotBits = 6
	slots    = 1 << slotBits
	levels   = (64 + slotBits - 1) / slotBits // every tick of an int64 deadline
)

// DefaultTick is the tick when Options.Tick is zero. A millisecond puts a
// loop's usual timeouts (milliseconds to minutes) in the first three
// levels, so a timer cascades at most twice, while a tick's worth of
// timers in the heap stays small.
const DefaultTick = time.Millisecond

// Options configures a wheel; nil means the defaults.
type Options struct {
	// Tick is the width of a level-0 slot. It changes costs, never
	// results: deadlines stay exact.
	Tick time.Duration
}

// Queue is a hierarchical timing wheel. Create it with New.
type Queue struct {
	tick     int64
	cur      uint64 // the current tick; every timer in the wheel is later
	occupied [levels]uint64
	slot     [levels][slots]*api.Timer
	inWheel  int
	due      timerheap.Heap // timers whose tick is <= cur
	seq      uint64
	moved    int // timers taken out of slots by cascades, for tests of the cost
}

var _ api.TimerQueue = (*Queue)(nil)

// New returns an empty wheel. It fails only for a negative Tick.
func New(opts *Options) (*Queue, error) {
	tick := DefaultTick
	if opts != nil && opts.Tick != 0 {
		tick = opts.Tick
	}
	if tick < 0 {
		return nil, fmt.Errorf("wheel: tick %v: must be positive", tick)
	}
	q := &Queue{tick: int64(tick)}
	// Until an Expire says what time it is, assume the clock's origin:
	// the loop's clock starts at zero, so timers pushed before the first
	// Expire go into the wheel, not the heap.
	q.cur = q.tickOf(0)
	return q, nil
}

// tickOf maps a deadline to its tick, as an unsigned number that keeps
// the order of int64 deadlines (the sign bit flipped), so that the bit
// arithmetic below works for negative deadlines too.
func (q *Queue) tickOf(d int64) uint64 {
	t := d / q.tick
	if d%q.tick < 0 {
		t-- // floor, not truncation
	}
	return uint64(t) ^ 1<<63
}

// startOf returns the first nanosecond of tick u, saturating at the ends
// of int64 (still a lower bound for every deadline in the tick).
func (q *Queue) startOf(u uint64) int64 {
	t := int64(u ^ 1<<63)
	switch {
	case t < math.MinInt64/q.tick:
		return math.MinInt64
	case t > math.MaxInt64/q.tick:
		return math.MaxInt64
	}
	return t * q.tick
}

// Name returns "wheel", the name the timers registry knows it by.
func (q *Queue) Name() string { return "wheel" }

// Len implements [api.TimerQueue].
func (q *Queue) Len() int { return q.inWheel + q.due.Len() }

// Push implements [api.TimerQueue].
func (q *Queue) Push(t *api.Timer) error {
	if t == nil {
		return api.ErrNilTimer
	}
	q.Remove(t)
	q.seq++
	t.Q.Seq, t.Q.When = q.seq, t.Deadline
	q.file(t, q.tickOf(t.Deadline))
	return nil
}

// file puts t, with tick tk, in the heap if its tick has come, else in the
// wheel.
func (q *Queue) file(t *api.Timer, tk uint64) {
	if tk <= q.cur {
		q.due.Push(t)
		return
	}
	l := (63 - bits.LeadingZeros64(tk^q.cur)) / slotBits
	s := int(tk>>(slotBits*l)) & (slots - 1)
	head := q.slot[l][s]
	t.Q.Next, t.Q.Prev = head, nil
	if head != nil {
		head.Q.Prev = t
	}
	q.slot[l][s] = t
	q.occupied[l] |= 1 << s
	t.Q.Pos = -(l*slots + s + 1) // negative: in the wheel; positive: in the heap
	q.inWheel++
}

// Remove implements [api.TimerQueue]. Like every queue, it trusts that a
// timer it is given is not queued elsewhere (api.Timer says so).
func (q *Queue) Remove(t *api.Timer) bool {
	switch {
	case t == nil || t.Q.Pos == 0:
		return false
	case t.Q.Pos > 0:
		return q.due.Remove(t)
	}
	id := -t.Q.Pos - 1
	if id >= levels*slots {
		return false
	}
	l, s := id/slots, id%slots
	if t.Q.Prev != nil {
		t.Q.Prev.Q.Next = t.Q.Next
	} else {
		q.slot[l][s] = t.Q.Next
		if t.Q.Next == nil {
			q.occupied[l] &^= 1 << s
		}
	}
	if t.Q.Next != nil {
		t.Q.Next.Q.Prev = t.Q.Prev
	}
	t.Q.Next, t.Q.Prev, t.Q.Pos = nil, nil, 0
	q.inWheel--
	return true
}

// earliest returns the earliest occupied slot: the lowest level's lowest
// slot, since every timer on a level is later than every timer below it.
func (q *Queue) earliest() (l, s int, ok bool) {
	for l := range levels {
		if o := q.occupied[l]; o != 0 {
			return l, bits.TrailingZeros64(o), true
		}
	}
	return 0, 0, false
}

// slotStart returns the first tick of slot s on level l.
func (q *Queue) slotStart(l, s int) uint64 {
	shift := uint(slotBits * (l + 1)) // 66 for the top level: Go's shift gives 0
	return q.cur>>shift<<shift | uint64(s)<<(slotBits*l)
}

// NextDeadline implements [api.TimerQueue].
func (q *Queue) NextDeadline() (int64, bool) {
	if d, ok := q.due.Min(); ok {
		return d, true // every timer in the wheel is later
	}
	l, s, ok := q.earliest()
	switch {
	case !ok:
		return 0, false
	case l > 0:
		return q.startOf(q.slotStart(l, s)), true
	}
	// The earliest timers share one tick: move them to the heap, which
	// gives the exact answer. The current tick may move up to theirs,
	// since no timer in the wheel is earlier.
	start := q.slotStart(0, s)
	q.cascade(0, s, start, start)
	return q.due.Min()
}

// cascade empties slot s of level l, whose first tick is start, making
// start the current tick: timers whose tick is <= target go to the heap,
// the others to lower levels.
func (q *Queue) cascade(l, s int, start, target uint64) {
	t := q.slot[l][s]
	q.slot[l][s] = nil
	q.occupied[l] &^= 1 << s
	q.cur = start
	for t != nil {
		next := t.Q.Next
		t.Q.Next, t.Q.Prev = nil, nil
		q.inWheel--
		q.moved++
		if tk := q.tickOf(t.Q.When); tk <= target {
			q.due.Push(t)
		} else {
			q.file(t, tk)
		}
		t = next
	}
}

// advance moves the current tick to target, visiting occupied slots only.
func (q *Queue) advance(target uint64) {
	for {
		l, s, ok := q.earliest()
		if !ok {
			break
		}
		start := q.slotStart(l, s)
		if start > target {
			break
		}
		q.cascade(l, s, start, target)
	}
	q.cur = max(q.cur, target)
}

// Expire implements [api.TimerQueue].
func (q *Queue) Expire(now int64, fn func(*api.Timer)) int {
	tk := q.tickOf(now)
	if q.Len() == 0 {
		q.cur = tk // an empty wheel may take any current tick, even an earlier one
		return 0
	}
	if tk > q.cur {
		q.advance(tk)
	}
	n := 0
	for t := q.due.PopDue(now); t != nil; t = q.due.PopDue(now) {
		fn(t)
		n++
	}
	return n
}
