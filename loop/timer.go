package loop

import "github.com/evloop/evloop/api"

// timer is a scheduled callback. Records come from fixed-size slabs, so
// their addresses never change (the queue holds pointers to their nodes)
// and growing costs one allocation per slabSize records. gen grows each
// time a record is freed, which is how a stale Handle is told from a live
// one (a slab the pool lets go stays valid memory for the handles that
// still point into it, and they stay stale).
type timer struct {
	node  api.Timer // node.Value points back here
	fn    func()
	gen   uint64
	ready uint64 // the ready-queue sequence number while due; 0 otherwise
	slab  *slab
}

const slabSize = 128

type slab struct {
	recs [slabSize]timer
	idle int // during a trim: how many of its records went unused
}

// postedMark marks ready-queue entries that came from CallSoonThreadsafe:
// Close runs them rather than drop them.
var postedMark = new(timer)

// timerPool recycles timer records. It gives back to the collector the
// slabs a burst left behind: at each trim, a slab all of whose records
// stayed free since the previous trim (below the free stack's low-water
// mark) is dropped. A steady load keeps its records; a burst's go after
// two trims (trimPeriod apart).
type timerPool struct {
	free []*timer
	low  int // the fewest free records since the last trim
}

func (p *timerPool) get() *timer {
	n := len(p.free)
	if n == 0 {
		s := new(slab)
		for i := range s.recs {
			t := &s.recs[i]
			t.node.Value, t.slab = t, s
			p.free = append(p.free, t)
		}
		n = len(p.free)
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

// trim drops the slabs whose records all went unused since the last trim.
// The bottom of the free stack, up to the low-water mark, is what no get
// reached.
func (p *timerPool) trim() {
	untouched := p.free[:p.low]
	for _, t := range untouched {
		t.slab.idle++
	}
	kept := p.free[:0]
	for _, t := range p.free {
		if t.slab.idle < slabSize {
			kept = append(kept, t)
		}
	}
	for _, t := range untouched {
		t.slab.idle = 0
	}
	clear(p.free[len(kept):])
	p.free = kept
	if cap(p.free) > 4*slabSize && len(p.free) < cap(p.free)/4 {
		p.free = append(make([]*timer, 0, 2*len(p.free)), p.free...)
	}
	p.low = len(p.free)
}
