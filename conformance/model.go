package conformance

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/evloop/evloop/api"
)

// A model drives a queue under test and a ReferenceQueue with the same
// operations and fails on the first difference. Its operations are decoded
// from bytes, so the same engine serves the random test and the fuzzer.
type model struct {
	t        tb
	q        api.TimerQueue
	ref      ReferenceQueue
	qt, rt   []api.Timer // timer i of the queue and of the reference
	now      int64       // the last Expire's time
	last     int64       // the last deadline pushed, for ties
	op       int
	got, exp []int
	onFail   func() string // describes the input, for failure messages
}

const (
	poolSize = 512 // timers per queue: enough for deep heaps and full wheel slots
	opBytes  = 4   // bytes one operation consumes
)

func newModel(t tb, q api.TimerQueue) *model {
	return &model{
		t:      t,
		q:      q,
		qt:     newTimers(poolSize),
		rt:     newTimers(poolSize),
		onFail: func() string { return "" },
	}
}

// runOps is the fuzzer's entry.
func runOps(t tb, q api.TimerQueue, ops []byte) {
	t.Helper()
	m := newModel(t, q)
	m.run(ops)
}

func (m *model) fail(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("%s: operation %d: %s", m.onFail(), m.op, fmt.Sprintf(format, args...))
}

func (m *model) run(ops []byte) {
	m.t.Helper()
	for len(ops) >= opBytes {
		m.step(ops[0], ops[1], ops[2], ops[3])
		ops = ops[opBytes:]
		m.op++
	}
	m.expire(math.MaxInt64) // everything left must agree
}

func (m *model) step(kind, a, b, c byte) {
	m.t.Helper()
	id := (int(a) | int(b&0x3)<<8) % poolSize
	switch kind % 8 {
	case 0, 1, 2, 3, 6: // push (or move), the commonest
		m.push(id, m.deadline(b, c))
	case 4:
		if g, w := m.q.Remove(&m.qt[id]), m.ref.Remove(&m.rt[id]); g != w {
			m.fail("Remove(timer %d) = %v; want %v", id, g, w)
		}
	case 5:
		m.expire(m.advance(kind>>3, a, b, c))
	case 7:
		m.checkNext()
	}
	if g, w := m.q.Len(), m.ref.Len(); g != w {
		m.fail("Len() = %d; want %d", g, w)
	}
}

func (m *model) push(id int, deadline int64) {
	m.t.Helper()
	m.qt[id].Deadline, m.rt[id].Deadline = deadline, deadline
	if err := m.q.Push(&m.qt[id]); err != nil {
		m.fail("Push(deadline=%d) = %v", deadline, err)
	}
	m.ref.Push(&m.rt[id])
	m.last = deadline
}

func (m *model) expire(now int64) {
	m.t.Helper()
	m.got, m.exp = m.got[:0], m.exp[:0]
	n := m.q.Expire(now, func(tm *api.Timer) { m.got = append(m.got, tm.Value.(int)) })
	m.ref.Expire(now, func(tm *api.Timer) { m.exp = append(m.exp, tm.Value.(int)) })
	if !slices.Equal(m.got, m.exp) {
		m.fail("Expire(now=%d) after Expire(now=%d) handed over %s; want %s%s",
			now, m.now, window(m.got, m.exp), window(m.exp, m.got), m.deadlines(m.got, m.exp))
	}
	if n != len(m.got) {
		m.fail("Expire(now=%d) = %d; it handed over %d", now, n, len(m.got))
	}
	m.now = now
	m.checkNext()
}

// deadlines describes the first timer where two fire sequences differ.
func (m *model) deadlines(got, exp []int) string {
	for i := 0; i < len(got) || i < len(exp); i++ {
		if i >= len(got) || i >= len(exp) || got[i] != exp[i] {
			s := fmt.Sprintf(" (first difference at position %d", i)
			if i < len(got) {
				s += fmt.Sprintf("; got timer %d, deadline %d", got[i], m.rt[got[i]].Deadline)
			}
			if i < len(exp) {
				s += fmt.Sprintf("; want timer %d, deadline %d", exp[i], m.rt[exp[i]].Deadline)
			}
			return s + ")"
		}
	}
	return ""
}

func (m *model) checkNext() {
	m.t.Helper()
	g, gok := m.q.NextDeadline()
	w, wok := m.ref.NextDeadline()
	if gok != wok || gok && g > w {
		m.fail("NextDeadline() = %d, %v; want %v and no later than %d", g, gok, wok, w)
	}
}

// deadline picks a deadline relative to the model's clock, favouring the
// places queues get wrong: ties, the past, level boundaries, the far end.
func (m *model) deadline(b, c byte) int64 {
	switch b >> 4 {
	case 0, 1, 2:
		return add(m.now, int64(c))
	case 3:
		return m.last // a tie
	case 4:
		return add(m.now, -int64(c)) // due already
	case 5:
		return math.MaxInt64
	case 6, 7:
		return add(m.now, boundary(c))
	case 8, 9:
		return add(m.now, int64(c)*int64(c)*1_000_003)
	case 10:
		return add(m.now, int64(c)<<40)
	default:
		return add(m.now, int64(b)*int64(c)*977+int64(c))
	}
}

// advance picks the next Expire time: mostly small steps, sometimes onto
// a boundary, a jump of seconds or of up to a year, or back in time. Large
// jumps are rare and stop well short of the end of int64, so that the
// queue keeps many timers pending for the whole run.
func (m *model) advance(sel, a, b, c byte) int64 {
	switch {
	case sel < 16:
		return add(m.now, int64(a))
	case sel < 20:
		return add(m.now, int64(a)*int64(b)*int64(c))
	case sel < 23:
		return add(m.now, boundary(a))
	case sel < 25:
		return add(m.now, -int64(a))
	case sel == 25 && m.last < add(m.now, 1<<40):
		return m.last // onto a deadline just pushed
	case sel < 29:
		return add(m.now, int64(a)*int64(b)*1_000_000)
	case sel == 29 && m.now < 1<<57:
		return add(m.now, int64(a)*int64(time.Hour)*34) // up to a year
	case sel == 30:
		return add(m.now, int64(a)<<32)
	case a == 0xff && b == 0xff && c == 0xff:
		return math.MaxInt64
	default:
		return add(m.now, int64(a)*1e9)
	}
}

// boundary returns a distance next to a power of 64 of a common tick:
// where a hierarchical wheel moves timers between levels.
func boundary(c byte) int64 {
	ticks := [...]int64{1, 1_000, 1_000_000}
	tick := ticks[int(c&3)%len(ticks)]
	level := int64(1)
	for range min((c>>2)&7, 5) { // 64^5 ms is 12 days
		level *= 64
	}
	span := tick * level
	switch c >> 5 {
	case 0:
		return span - 1
	case 1:
		return span + 1
	case 2:
		return 63 * span
	default:
		return span
	}
}

// add is now+d, saturating at the ends of int64.
func add(now, d int64) int64 {
	if d > 0 && now > math.MaxInt64-d {
		return math.MaxInt64
	}
	if d < 0 && now < math.MinInt64-d {
		return math.MinInt64
	}
	return now + d
}

// fuzzSeeds are operation streams that reach the hard places at once.
func fuzzSeeds() [][]byte {
	return [][]byte{
		{},
		{0, 1, 0, 5, 0, 2, 0, 5, 5, 0, 0, 0},
		{0, 1, 0x30, 0, 0, 2, 0x30, 0, 0, 3, 0x30, 0, 5, 0xff, 0, 0},
		{0, 1, 0x60, 0x1f, 0, 2, 0x60, 0x3f, 5, 0, 0, 0x40, 5, 1, 0, 0x40},
		{0, 7, 0x50, 0, 0, 8, 0xa0, 0xff, 5, 0xff, 0xff, 0xe0, 7, 0, 0, 0},
		{0, 1, 0x40, 9, 5, 9, 0, 0xa0, 0, 2, 0x40, 9, 5, 0, 0, 0},
		{0, 3, 0x80, 0xff, 3, 3, 0, 0, 0, 3, 0x80, 0x10, 5, 0x80, 1, 0x80},
	}
}
