package bench

import (
	"sync"
	"testing"

	"github.com/evloop/evloop/loop"
)

// W4: call_soon throughput. One op is one callback run.

// batchSize is how many callbacks the batch mode schedules before running
// them, so the queue reaches a steady size instead of growing with b.N.
const batchSize = 1000

func newLoop(b *testing.B) *loop.Loop {
	l, err := loop.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// CallSoonChain: each callback schedules the next; one loop iteration per
// callback.
func CallSoonChain(b *testing.B) {
	l := newLoop(b)
	defer l.Close()
	n := 0
	var next func()
	next = func() {
		if n++; n < b.N {
			l.CallSoon(next)
		} else {
			l.Stop()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	l.CallSoon(next)
	if err := l.Run(); err != nil {
		b.Fatal(err)
	}
}

// CallSoonBatch schedules batchSize callbacks, runs them, and repeats.
func CallSoonBatch(b *testing.B) {
	l := newLoop(b)
	defer l.Close()
	n := 0
	fn := func() { n++ }
	b.ReportAllocs()
	b.ResetTimer()
	for left := b.N; left > 0; left -= batchSize {
		for range min(left, batchSize) {
			l.CallSoon(fn)
		}
		l.CallSoon(l.Stop)
		if err := l.Run(); err != nil {
			b.Fatal(err)
		}
	}
	if n != b.N {
		b.Fatalf("%d of %d callbacks ran", n, b.N)
	}
}

// CallSoonThreadsafe: p goroutines post b.N callbacks in all while the
// loop runs; timing ends when the last has run.
func CallSoonThreadsafe(b *testing.B, p int) {
	l := newLoop(b)
	defer l.Close()
	n := 0
	fn := func() {
		if n++; n == b.N {
			l.Stop()
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	wait := spread(p, b.N, func() { l.CallSoonThreadsafe(fn) })
	if err := l.Run(); err != nil {
		b.Fatal(err)
	}
	wait()
}

// spread starts p goroutines that call post n times in all, and returns
// the function that waits for them.
func spread(p, n int, post func()) (wait func()) {
	var wg sync.WaitGroup
	for i := range p {
		count := n / p
		if i == 0 {
			count += n % p
		}
		wg.Go(func() {
			for range count {
				post()
			}
		})
	}
	return wg.Wait
}

// ChanChain is what a Go programmer writes instead: a goroutine draining a
// chan func(), each callback sending the next.
func ChanChain(b *testing.B) {
	ch := make(chan func(), batchSize)
	n := 0
	var next func()
	next = func() {
		if n++; n < b.N {
			ch <- next
		} else {
			close(ch)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	ch <- next
	for fn := range ch {
		fn()
	}
}

// ChanBatch sends batchSize callbacks into a channel and drains them.
func ChanBatch(b *testing.B) {
	ch := make(chan func(), batchSize)
	n := 0
	fn := func() { n++ }
	b.ReportAllocs()
	b.ResetTimer()
	for left := b.N; left > 0; left -= batchSize {
		k := min(left, batchSize)
		for range k {
			ch <- fn
		}
		for range k {
			(<-ch)()
		}
	}
}

// ChanThreadsafe: p goroutines send into a channel one goroutine drains.
func ChanThreadsafe(b *testing.B, p int) {
	ch := make(chan func(), batchSize)
	n := 0
	fn := func() { n++ }
	b.ReportAllocs()
	b.ResetTimer()
	wait := spread(p, b.N, func() { ch <- fn })
	for range b.N {
		(<-ch)()
	}
	wait()
}

// RawSliceChain is the floor: a slice of funcs run in order, each
// appending the next.
func RawSliceChain(b *testing.B) {
	q := make([]func(), 0, batchSize)
	n := 0
	var next func()
	next = func() {
		if n++; n < b.N {
			q = append(q, next)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	q = append(q, next)
	for len(q) > 0 {
		fn := q[0]
		q = append(q[:0], q[1:]...)
		fn()
	}
}

// RawSliceBatch appends batchSize funcs to a slice and runs them.
func RawSliceBatch(b *testing.B) {
	q := make([]func(), 0, batchSize)
	n := 0
	fn := func() { n++ }
	b.ReportAllocs()
	b.ResetTimer()
	for left := b.N; left > 0; left -= batchSize {
		for range min(left, batchSize) {
			q = append(q, fn)
		}
		for _, f := range q {
			f()
		}
		q = q[:0]
	}
}

// A CallSoonImpl is one implementation of one W4 mode.
type CallSoonImpl struct {
	Impl, Mode string
	Run        func(b *testing.B)
}

// CallSoonImpls lists W4's implementations and modes.
func CallSoonImpls() []CallSoonImpl {
	impls := []CallSoonImpl{
		{"loop", "chain", CallSoonChain},
		{"chan", "chain", ChanChain},
		{"raw-slice", "chain", RawSliceChain},
		{"loop", "batch", CallSoonBatch},
		{"chan", "batch", ChanBatch},
		{"raw-slice", "batch", RawSliceBatch},
	}
	for _, p := range []int{1, 4} {
		mode := "threadsafe-" + string(rune('0'+p))
		impls = append(impls,
			CallSoonImpl{"loop", mode, func(b *testing.B) { CallSoonThreadsafe(b, p) }},
			CallSoonImpl{"chan", mode, func(b *testing.B) { ChanThreadsafe(b, p) }},
		)
	}
	return impls
}
