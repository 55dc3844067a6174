package wheel

import (
	"slices"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/internal/timerheap"
)

// An entry is a timer's place in a slot: the timer and the seq of the
// push that put it there. It is live while the timer's Q.Pos names this
// wheel and slot and its Q.Seq is still that seq.
type entry struct {
	t   *api.Timer
	seq uint64
}

// A bucket is a slot: its entries and how many of them are live, side by
// side so that a re-arm touches one cache line of the wheel beside the
// end of the array it appends to.
type bucket struct {
	es   []entry
	live int
}

// deadRatio is how many dead entries per live one a slot keeps before
// Remove compacts it, and minDead the number it always may keep.
// Compacting reads the timer of every entry, a cache miss each once there
// are many: at three dead to one live, each compaction follows at least
// three removals per live entry it keeps, so a removal costs about 1.3
// reads.
const (
	deadRatio = 3
	minDead   = 16
)

// minEntries is the capacity of a slot's first array.
const minEntries = 8

// add appends t's entry to slot s of level l.
func (q *Queue) add(l, s int, t *api.Timer) {
	b := &q.slot[l][s]
	if len(b.es) == cap(b.es) {
		q.grow(l, s)
	}
	b.es = append(b.es, entry{t, t.Q.Seq})
	b.live++
	q.occupied[l][s>>6] |= 1 << (s & 63)
	t.Q.Pos = q.pos(l, s)
	q.inWheel++
}

// drop marks a live entry of slot s of level l dead: its timer has been
// removed or moved.
func (q *Queue) drop(l, s int) {
	b := &q.slot[l][s]
	b.live--
	q.inWheel--
	switch {
	case b.live == 0:
		q.vacate(l, s)
	case len(b.es)-b.live > deadRatio*b.live+minDead:
		q.compact(l, s)
	}
}

// compact drops the dead entries of slot s of level l.
func (q *Queue) compact(l, s int) {
	b := &q.slot[l][s]
	pos, j := q.pos(l, s), 0
	for _, e := range b.es {
		// Every entry is copied and j moves past the live ones: a branch
		// on liveness would be mispredicted as often as not.
		b.es[j] = e
		j += b2i(e.t.Q.Pos == pos && e.t.Q.Seq == e.seq)
	}
	clear(b.es[j:])
	b.es = b.es[:j]
}

// grow makes room for one more entry in slot s of level l, whose array is
// full: by dropping its dead entries when they are half of it (each
// compaction then follows as many removals as the entries it reads), else
// by moving them to a spare array or a new one twice as large.
func (q *Queue) grow(l, s int) {
	b := &q.slot[l][s]
	if dead := len(b.es) - b.live; dead > 0 && 2*dead >= len(b.es) {
		q.compact(l, s)
		return
	}
	var ns []entry
	if n := len(q.spare); n > 0 && cap(q.spare[n-1]) > len(b.es) {
		ns = q.spare[n-1]
		q.spare[n-1] = nil
		q.spare = q.spare[:n-1]
		q.spareCap -= cap(ns)
	} else {
		ns = make([]entry, 0, max(2*cap(b.es), minEntries))
	}
	ns = append(ns, b.es...)
	q.release(b.es)
	b.es = ns
}

// vacate empties slot s of level l, whose entries are all dead or moved.
func (q *Queue) vacate(l, s int) {
	b := &q.slot[l][s]
	q.release(b.es)
	*b = bucket{}
	q.occupied[l][s>>6] &^= 1 << (s & 63)
}

// release clears es and keeps it for another slot. Timers move from slot
// to slot as they are re-armed and as time passes: the arrays of the
// slots they leave serve the slots they fill, so that the wheel stops
// allocating once it has as many arrays as it needs at once.
func (q *Queue) release(es []entry) {
	if c := cap(es); c > 0 {
		clear(es)
		q.spare = append(q.spare, es[:0])
		q.spareCap += c
	}
}

// refile moves on the timers of the live entries in es, whose slot's Q.Pos
// is pos: to the run if their tick is <= target, else to the lowest level
// with room for them. It returns how many it moved.
func (q *Queue) refile(es []entry, pos int, target uint64) int {
	n := 0
	for _, e := range es {
		t := e.t
		if t.Q.Pos != pos || t.Q.Seq != e.seq {
			continue
		}
		n++
		if tk := q.tickOf(t.Q.When); tk <= target {
			q.toRun(t)
		} else {
			q.file(t, tk)
		}
	}
	q.inWheel -= n
	q.moved += n
	return n
}

// minSlot is the capacity below which Trim leaves a slot's array alone.
const minSlot = 64

// trimSlots gives back the spare arrays beyond room for an entry per
// timer in the slots, smallest first, and the room a burst left in the
// slots' own.
func (q *Queue) trimSlots() {
	slices.SortFunc(q.spare, func(a, b []entry) int { return cap(a) - cap(b) })
	n := 0
	for _, es := range q.spare {
		if q.spareCap <= q.inWheel {
			break
		}
		q.spareCap -= cap(es)
		n++
	}
	q.spare = slices.Delete(q.spare, 0, n)
	for l := range q.slot {
		for s := range q.slot[l] {
			b := &q.slot[l][s]
			b.es = timerheap.Shrink(b.es, minSlot, minSlot/4)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
