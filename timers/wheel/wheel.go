// Package wheel implements [api.TimerQueue] as a hierarchical timing wheel
// (Varghese and Lauck), with exact deadlines and cascades paced ahead of
// time, as Erlang's timer wheel paces them.
//
// # Layout
//
// Deadlines are cut into ticks (Options.Tick, 1 ms by default). Level l
// has 128 slots, each 64^l ticks wide, and holds the timers whose slot is
// less than 128 slots ahead of the current tick's at that level: a timer
// goes to the lowest level that has room for it, in the slot its tick
// gives. Eleven levels cover every tick an int64 deadline can name, so
// there is no overflow list. An occupancy bitmap per level finds the
// earliest occupied slot without walking empty ones.
//
// # Lazy removal
//
// A slot is an array of (timer, seq) entries, appended to. An entry's
// timer is told its slot, not its place in the array: Remove marks the
// timer (its Q.Pos stops naming the slot) and counts the slot's live
// entries down, and moving a timer appends a new entry and leaves the old
// one behind. An entry is live while its timer names its slot (and this
// wheel: a mark per wheel is part of Q.Pos) and carries the entry's seq.
// Dead entries go when the slot's turn comes, when the last live one is
// removed, or when a slot compacts: at the append that finds its array
// full with half of it dead, or at the removal that leaves more than
// three dead entries per live one.
//
// The alternative, an intrusive doubly-linked list per slot, costs a
// removal the cache misses of its two neighbours' records and a push that
// of the slot's head, once there are more timers than the cache holds.
// Here a re-arm touches the timer, its slot's count and the end of an
// array, and a compaction reads the records of the entries it keeps and
// drops, about 1.3 per removal at three dead to one live. W2a (cancel and
// re-arm among 1e5 and 1e6 timers) costs 15-20% less than with lists, and
// a cascade (below) reads a slot's entries in memory order instead of
// chasing a list. The emptied slots' arrays are kept for
// the slots that fill, so the wheel stops allocating once it has as many
// arrays as it needs at once; Trim gives back what a burst left.
//
// # Exactness
//
// Slots are an index, not a rounding: each timer keeps its exact deadline.
// A timer whose tick has come goes into the run, an array sorted by
// (deadline, Seq) before it is read (a tick's timers are sorted at once),
// and Expire hands over from its front only the timers whose deadline is
// <= now, in order. So the wheel fires exactly what the heap queue fires,
// in the same order, never early.
//
// # Paced cascades
//
// A level has room for two slots of the level above. So the timers of the
// next coarse slot fit the level below a whole slot-width before the
// first of them can fall due, and the wheel moves them down during that
// slot-width, a share at each Expire after it has handed over what is
// due: at least Options.Chunk timers, more as the slot's start nears, all
// of them by then. NextDeadline asks the loop to wake for that work when a
// slot holds more than a chunk. When very many timers fall due together,
// no Expire moves a whole coarse slot at once: the pause the wheel used to
// make (1e5 timers due within 100 ms moved 64 ms of them at once) is cut
// into steps. A loop that sleeps past a slot's start, with nothing due and
// no wake-up asked for, moves it then, at once.
//
// # Cost
//
// Push and Remove are O(1), amortised over compactions. Advancing time
// visits only occupied slots, and each timer moves at most
// once per level on its way down, so a jump of a year costs work in
// proportion to the pending timers, not to the elapsed ticks.
package wheel

import (
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"time"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/timerheap"
)

const (
	slotBits = 6   // a slot is 64 times as wide as a slot of the level below
	slots    = 128 // two slots of the level above: room to move one down early
	levels   = 11  // 64^10 slots of 128 cover every tick of an int64 deadline
)

// DefaultChunk is the fewest timers a pacing step moves when Options.Chunk
// is zero.
const DefaultChunk = 256

// DefaultTick is the tick when Options.Tick is zero. A millisecond puts a
// loop's usual timeouts (milliseconds to minutes) in the first three
// levels, so a timer cascades at most twice, while a tick's worth of
// timers to sort in the run stays small.
const DefaultTick = time.Millisecond

// Options configures a wheel; nil means the defaults.
type Options struct {
	// Tick is the width of a level-0 slot. It changes costs, never
	// results: deadlines stay exact.
	Tick time.Duration
	// Chunk is the fewest timers an Expire moves down a level ahead of
	// time, and the size of slot that makes NextDeadline ask for wake-ups
	// to move it. It changes costs, never results.
	Chunk int
}

// Queue is a hierarchical timing wheel. Create it with New.
type Queue struct {
	tick     int64
	div      divisor // by tick
	chunk    int
	mark     int    // this wheel's part of the Q.Pos of its slotted timers
	cur      uint64 // the current tick; every timer in the wheel is later
	occupied [levels][2]uint64
	slot     [levels][slots]bucket
	paced    [levels]uint64 // the tick of each level's last pacing step
	inWheel  int            // live entries in the slots
	spare    [][]entry      // empty arrays for the slots that need one
	spareCap int            // their capacity, in entries
	run      []runEntry     // timers whose tick is <= cur
	ri       int            // run[:ri] has been handed over
	sorted   int            // run[ri:sorted] is sorted
	runLive  int            // live entries in the run
	tmp      []runEntry     // for merges
	seq      uint64
	moved    int // timers taken out of slots, for tests of the cost
}

var _ api.Trimmer = (*Queue)(nil)

// A queued timer's Q.Pos is -(mark<<idBits | id) - 1, where id is its
// slot's, or runID in the run: negative, so that it never equals the
// positive marks and indexes other queues keep there, and naming the
// wheel, so that a timer removed here and pushed into another wheel's
// same slot does not look live here.
const (
	idBits   = 11 // levels*slots ids
	markMask = 1<<(bits.UintSize-2-idBits) - 1
)

var marks atomic.Uint64

// New returns an empty wheel. It fails only for a negative Tick or Chunk.
func New(opts *Options) (*Queue, error) {
	tick, chunk := DefaultTick, DefaultChunk
	if opts != nil && opts.Tick != 0 {
		tick = opts.Tick
	}
	if opts != nil && opts.Chunk != 0 {
		chunk = opts.Chunk
	}
	if tick < 0 {
		return nil, fmt.Errorf("wheel: tick %v: must be positive", tick)
	}
	if chunk < 0 {
		return nil, fmt.Errorf("wheel: chunk %d: must be positive", chunk)
	}
	q := &Queue{tick: int64(tick), div: newDivisor(uint64(tick)), chunk: chunk}
	q.mark = int(marks.Add(1) & markMask)
	// Until an Expire says what time it is, assume the clock's origin:
	// the loop's clock starts at zero, so timers pushed before the first
	// Expire go into the slots, not the run.
	q.cur = q.tickOf(0)
	return q, nil
}

// pos is the Q.Pos of a timer in slot s of level l.
func (q *Queue) pos(l, s int) int { return -(q.mark<<idBits | (l*slots + s)) - 1 }

// tickOf maps a deadline to its tick, as an unsigned number that keeps
// the order of int64 deadlines (the sign bit flipped), so that the bit
// arithmetic below works for negative deadlines too.
func (q *Queue) tickOf(d int64) uint64 {
	return uint64(q.div.floor(d)) ^ 1<<63
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
func (q *Queue) Len() int { return q.inWheel + q.runLive }

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

// file puts t, with tick tk, in the run if its tick has come, else in the
// lowest level with room for it.
func (q *Queue) file(t *api.Timer, tk uint64) {
	if tk <= q.cur {
		q.toRun(t)
		return
	}
	l := 0
	for tk>>(slotBits*l)-q.cur>>(slotBits*l) >= slots {
		l++
	}
	s := int(tk>>(slotBits*l)) & (slots - 1)
	q.add(l, s, t)
}

// Remove implements [api.TimerQueue]. Like every queue, it trusts that a
// timer it is given is not queued elsewhere (api.Timer says so). A timer
// in a slot is only marked removed: its entry stays until the slot is
// emptied or compacted.
func (q *Queue) Remove(t *api.Timer) bool {
	if t == nil || t.Q.Pos >= 0 {
		return false
	}
	v := -(t.Q.Pos + 1)
	id := v & (1<<idBits - 1)
	if v>>idBits != q.mark || id > runID {
		return false
	}
	t.Q.Pos = 0
	if id == runID {
		q.dropFromRun()
		return true
	}
	q.drop(id/slots, id%slots)
	return true
}

// firstSlot returns level l's first occupied slot from the current one on,
// in the wheel's circular order, and the first tick it stands for.
func (q *Queue) firstSlot(l int) (s int, start uint64, ok bool) {
	cb := q.cur >> (slotBits * l)
	p := int(cb) & (slots - 1)
	bm := &q.occupied[l]
	w, b := p>>6, p&63
	switch {
	case bm[w]>>b != 0:
		s = p + bits.TrailingZeros64(bm[w]>>b)
	case bm[w^1] != 0:
		s = (w^1)<<6 + bits.TrailingZeros64(bm[w^1])
	case bm[w]&(1<<b-1) != 0:
		s = w<<6 + bits.TrailingZeros64(bm[w])
	default:
		return 0, 0, false
	}
	block := cb + uint64((s-p)&(slots-1))
	return s, block << (slotBits * l), true
}

// earliest returns the occupied slot that starts first: a lower bound of
// every deadline in the wheel. Of slots that start together, the higher
// level's comes first: its timers must move down before that tick's
// turn.
func (q *Queue) earliest() (l, s int, start uint64, ok bool) {
	for lv := levels - 1; lv >= 0; lv-- {
		if sl, st, found := q.firstSlot(lv); found && (!ok || st < start) {
			l, s, start, ok = lv, sl, st, true
		}
	}
	return l, s, start, ok
}

// NextDeadline implements [api.TimerQueue].
func (q *Queue) NextDeadline() (int64, bool) {
	if d, ok := q.runMin(); ok {
		return d, true // every timer in the slots is later
	}
	l, s, start, ok := q.earliest()
	if !ok {
		return 0, false
	}
	if wake, ok := q.pacingWake(); ok && wake < start {
		return q.startOf(wake), true
	}
	if l > 0 {
		return q.startOf(start), true
	}
	// The earliest timers share one tick: move them to the run, which
	// gives the exact answer. The current tick may move up to theirs,
	// since no timer in the wheel is earlier.
	q.cascade(l, s, start, start)
	return q.runMin()
}

// pacingWake returns the tick at which the next pacing step should run,
// if a level's earliest occupied slot holds more than a chunk: late enough
// to leave the loop asleep, early enough that steps of a chunk a tick
// finish the slot by its start, and not before the tick from which the
// level below has room for it (its start less one slot's width).
func (q *Queue) pacingWake() (uint64, bool) {
	wake, ok := uint64(0), false
	for l := 1; l < levels; l++ {
		s, start, found := q.firstSlot(l)
		c := q.slot[l][s].live
		if !found || c <= q.chunk {
			continue
		}
		lead := min(uint64(1)<<(slotBits*l), uint64((c+q.chunk-1)/q.chunk))
		w := q.cur + 1
		if start > lead && start-lead > w {
			w = start - lead
		}
		if !ok || w < wake {
			wake, ok = w, true
		}
	}
	return wake, ok
}

// cascade empties slot s of level l, whose first tick is start, making
// start the current tick if it is later: timers whose tick is <= target go
// to the run, the others to lower levels. It walks the slot's entries in
// memory order; none goes back into the slot it empties, since the level
// below has room for the whole slot from its start on.
func (q *Queue) cascade(l, s int, start, target uint64) {
	q.cur = max(q.cur, start)
	q.refile(q.slot[l][s].es, q.pos(l, s), target)
	q.vacate(l, s)
}

// advance moves the current tick to target, emptying on the way, in the
// order of their starts, the occupied slots that start by then.
func (q *Queue) advance(target uint64) {
	for {
		l, s, start, ok := q.earliest()
		if !ok || start > target {
			break
		}
		q.cascade(l, s, start, target)
	}
	q.cur = max(q.cur, target)
}

// pace moves down part of each level's next slot, which fits the level
// below for the whole of the current one: at least a chunk, and enough
// that the slot is empty by its start, once per tick. It takes entries
// from the slot's end, dropping dead ones on the way.
func (q *Queue) pace() {
	for l := 1; l < levels; l++ {
		next := q.cur>>(slotBits*l) + 1
		s := int(next) & (slots - 1)
		c := q.slot[l][s].live
		if c == 0 || q.paced[l] == q.cur {
			continue
		}
		q.paced[l] = q.cur
		left := next<<(slotBits*l) - q.cur // ticks until the slot starts, >= 1
		k := max(q.chunk, int((uint64(c)+left-1)/left))
		b, pos := &q.slot[l][s], q.pos(l, s)
		for n := len(b.es); k > 0 && b.live > 0; {
			m := min(k, n)
			moved := q.refile(b.es[n-m:n], pos, q.cur)
			clear(b.es[n-m : n])
			n -= m
			b.es = b.es[:n]
			b.live -= moved
			k -= moved
		}
		if b.live == 0 {
			q.vacate(l, s)
		}
	}
}

// Trim implements [api.Trimmer]: it gives back the memory a burst left in
// the run and in the slots' arrays.
func (q *Queue) Trim() {
	q.run = timerheap.Shrink(q.run, minSlot, minSlot/4)
	q.tmp = nil
	q.trimSlots()
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
	n := q.expireRun(now, fn)
	q.pace() // after what is due is handed over
	return n
}
