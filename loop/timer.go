package loop

import "github.com/evloop/evloop/api"

// timer is a scheduled callback. The queue holds a pointer to its node,
// so a record never moves; a freed record is reused without allocating.
// gen grows each time a record is freed, which is how a stale Handle is
// told from a live one (a record the pool has let go stays valid memory
// for the handles that still point at it, and they stay stale).
type timer struct {
	node  api.Timer // node.Value points back here
	fn    func()
	gen   uint64
	ready uint64 // the ready-queue sequence number while due; 0 otherwise
}

// postedMark marks ready-queue entries that came from CallSoonThreadsafe:
// Close runs them rather than drop them.
var postedMark = new(timer)

// timerPool recycles timer records. It gives back to the collector the
// records a burst left behind: at each trim, those that stayed free since
// the previous one (the stack's low-water mark) beyond a small reserve. A
// steady load keeps its records; a burst's go after two trims.
type timerPool struct {
	free []*timer
	low  int // the fewest free records since the last trim
}

// poolReserve is how many idle records a pool always keeps.
const poolReserve = 64

func (p *timerPool) get() *timer {
	n := len(p.free)
	if n == 0 {
		t := new(timer)
		t.node.Value = t
		return t
	}
	t := p.free[n-1]
	p.free[n-1] = nil
	p.free = p.free[:n-1]
	p.low = min(p.low, n-1)
	return t
}

// put returns t to the pool; handles to it go stale.
func (p *timerPool) put(t *timer) {
	t.gen++
	t.fn, t.ready = nil, 0
	p.free = append(p.free, t)
}

// trim releases the records that no get reached since the last trim.
func (p *timerPool) trim() {
	idle := p.low - poolReserve
	if idle > 0 {
		// The bottom of the stack is what stayed untouched.
		kept := make([]*timer, len(p.free)-idle, len(p.free)-idle+poolReserve)
		copy(kept, p.free[idle:])
		p.free = kept
	}
	p.low = len(p.free)
}
