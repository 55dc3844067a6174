package loop

// work is one entry of the ready queue: a callback to run, the timer it
// came from if any, and the sequence number a handle finds it by.
type work struct {
	fn  func() // nil once cancelled
	t   *timer
	seq uint64
}

// ring is the ready queue: a FIFO of work in a power-of-two ring buffer.
// Sequence numbers are handed out in push order and entries sit in that
// order, so the entry for a sequence number is found by subtraction, and a
// handle can cancel a queued callback in O(1) by blanking it.
type ring struct {
	buf     []work
	head, n int
	headSeq uint64 // the sequence number of buf[head]
	nextSeq uint64 // the next one to hand out; 0 is never handed out
	high    int    // the most entries held since the last trim
}

const ringSize = 256

func newRing() ring { return ring{buf: make([]work, ringSize), headSeq: 1, nextSeq: 1} }

func (r *ring) len() int { return r.n }

// push appends fn and returns its sequence number.
func (r *ring) push(fn func(), t *timer) uint64 {
	if r.n == len(r.buf) {
		r.grow()
	}
	seq := r.nextSeq
	r.nextSeq++
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = work{fn: fn, t: t, seq: seq}
	r.n++
	r.high = max(r.high, r.n)
	return seq
}

func (r *ring) grow() {
	buf := make([]work, 2*len(r.buf))
	for i := range r.n {
		buf[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf, r.head = buf, 0
}

// pop removes and returns the oldest entry; the ring must not be empty.
func (r *ring) pop() work {
	w := r.buf[r.head]
	r.buf[r.head] = work{} // drop the closure for the collector
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	r.headSeq++
	return w
}

// lookup returns the entry with sequence number seq, or nil if it has
// already been popped (or was never pushed).
func (r *ring) lookup(seq uint64) *work {
	if seq < r.headSeq || seq >= r.headSeq+uint64(r.n) {
		return nil
	}
	return &r.buf[(r.head+int(seq-r.headSeq))&(len(r.buf)-1)]
}

// cancel blanks the entry with sequence number seq and reports whether it
// was still to run.
func (r *ring) cancel(seq uint64) bool {
	w := r.lookup(seq)
	if w == nil || w.fn == nil {
		return false
	}
	w.fn, w.t = nil, nil
	return true
}

// trim gives back a buffer a burst grew, once it is empty and has been
// mostly unused since the last trim.
func (r *ring) trim() {
	if r.n == 0 && len(r.buf) > ringSize && r.high < len(r.buf)/4 {
		r.buf, r.head = make([]work, ringSize), 0
	}
	r.high = r.n
}
