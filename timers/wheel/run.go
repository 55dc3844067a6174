package wheel

import (
	"cmp"
	"slices"

	"github.com/evloop/evloop/api"
)

// The run holds the timers whose tick has come, in (deadline, seq) order
// once sorted: a level-0 slot moves its timers there when its tick comes,
// a thousand at a time at a million timers due in a second, and Expire
// hands them over from its front. Sorting a tick's timers at once and
// reading them in order costs less than pushing each into a heap and
// sifting it out. Timers are appended unsorted and sorted when the run is
// next read; what was appended since is sorted and merged in then.
//
// Like a slot, the run removes lazily: a removed timer's entry stays until
// the front reaches it, recognised as dead by the timer's Q.Pos and Seq.
type runEntry struct {
	when int64
	seq  uint64
	t    *api.Timer
}

// runID is the slot id in the Q.Pos of a timer in the run.
const runID = levels * slots

func cmpRun(a, b runEntry) int {
	if c := cmp.Compare(a.when, b.when); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// toRun appends t, whose tick has come, to the run.
func (q *Queue) toRun(t *api.Timer) {
	if q.ri > 0 && q.ri >= len(q.run)/2 {
		// Drop the front already handed over; half the run or more, so
		// the copying costs O(1) per timer.
		n := copy(q.run, q.run[q.ri:])
		clear(q.run[n:])
		q.run, q.sorted, q.ri = q.run[:n], q.sorted-q.ri, 0
	}
	q.run = append(q.run, runEntry{t.Q.When, t.Q.Seq, t})
	t.Q.Pos = q.pos(0, runID)
	q.runLive++
}

// sortRun sorts what was appended to the run since it was last sorted and
// merges it into the sorted part.
func (q *Queue) sortRun() {
	tail := q.run[q.sorted:]
	if len(tail) == 0 {
		return
	}
	slices.SortFunc(tail, cmpRun)
	head := q.run[q.ri:q.sorted]
	if len(head) > 0 && cmpRun(head[len(head)-1], tail[0]) > 0 {
		// Merge from the front, the sorted part copied out: the next
		// entry written never overtakes the next of the tail to read.
		q.tmp = append(q.tmp[:0], head...)
		dst, a, b := q.run[q.ri:], q.tmp, tail
		k := 0
		for len(a) > 0 && len(b) > 0 {
			if cmpRun(b[0], a[0]) < 0 {
				dst[k], b = b[0], b[1:]
			} else {
				dst[k], a = a[0], a[1:]
			}
			k++
		}
		copy(dst[k:], a) // what is left of the tail is in place
		clear(q.tmp)
	}
	q.sorted = len(q.run)
}

// expireRun hands over, in order, the timers of the run due by now.
func (q *Queue) expireRun(now int64, fn func(*api.Timer)) int {
	if q.runLive == 0 {
		return 0
	}
	q.sortRun()
	pos, n := q.pos(0, runID), 0
	for q.ri < len(q.run) {
		e := q.run[q.ri]
		live := e.t.Q.Pos == pos && e.t.Q.Seq == e.seq
		if live && e.when > now {
			break
		}
		q.run[q.ri] = runEntry{}
		q.ri++
		if live {
			e.t.Q.Pos = 0
			q.runLive--
			n++
			fn(e.t) // a panic leaves the run as it should be
		}
	}
	if q.runLive == 0 {
		q.clearRun()
	}
	return n
}

// runMin returns the earliest deadline in the run.
func (q *Queue) runMin() (int64, bool) {
	if q.runLive == 0 {
		return 0, false
	}
	q.sortRun()
	pos := q.pos(0, runID)
	for ; q.ri < len(q.run); q.ri++ {
		if e := q.run[q.ri]; e.t.Q.Pos == pos && e.t.Q.Seq == e.seq {
			return e.when, true
		}
		q.run[q.ri] = runEntry{}
	}
	return 0, false // not reached: runLive counts the live entries
}

// dropFromRun counts a timer removed from the run; its entry stays, until
// dead entries outnumber the live ones as in a slot.
func (q *Queue) dropFromRun() {
	q.runLive--
	switch dead := len(q.run) - q.ri - q.runLive; {
	case q.runLive == 0:
		q.clearRun()
	case dead > deadRatio*q.runLive+minDead:
		q.compactRun()
	}
}

// compactRun drops the run's dead entries and its front, keeping the order
// of both its sorted and its unsorted part.
func (q *Queue) compactRun() {
	pos, j := q.pos(0, runID), 0
	keep := func(part []runEntry) {
		for _, e := range part {
			q.run[j] = e
			j += b2i(e.t.Q.Pos == pos && e.t.Q.Seq == e.seq)
		}
	}
	keep(q.run[q.ri:q.sorted])
	sorted := j
	keep(q.run[q.sorted:])
	clear(q.run[j:])
	q.run, q.sorted, q.ri = q.run[:j], sorted, 0
}

// clearRun empties the run, whose entries are all dead or handed over.
func (q *Queue) clearRun() {
	clear(q.run)
	q.run, q.sorted, q.ri = q.run[:0], 0, 0
}
