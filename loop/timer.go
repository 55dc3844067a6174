package loop

import "github.com/evloop/evloop/api"

// timer is a scheduled callback. Records come from fixed-size slabs, so
// their addresses never change (the queue holds pointers to their nodes)
// and a freed record is reused without allocating. gen grows each time a
// record is freed, which is how a stale Handle is told from a live one.
type timer struct {
	node  api.Timer // node.Value points back here
	fn    func()
	gen   uint64
	ready uint64 // the ready-queue sequence number while due; 0 otherwise
	next  *timer // free list
}

const slabSize = 128

type timerPool struct {
	free *timer
}

func (p *timerPool) get() *timer {
	if p.free == nil {
		slab := make([]timer, slabSize)
		for i := range slab {
			slab[i].node.Value = &slab[i]
			slab[i].next = p.free
			p.free = &slab[i]
		}
	}
	t := p.free
	p.free, t.next = t.next, nil
	return t
}

// put returns t to the pool; handles to it go stale.
func (p *timerPool) put(t *timer) {
	t.gen++
	t.fn, t.ready = nil, 0
	t.next, p.free = p.free, t
}
