package bench

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers"
)

// idleTimeout is the servers' idle timeout in the idle-reset workload:
// long enough that no timer fires while measured.
const idleTimeout = time.Minute

// IdleReset is the idle-timeout churn of a server with n connections: one
// op is a message on a random connection, which resets that connection's
// idle timeout. Done eagerly, as a server written on the loop's public
// API would: cancel the connection's timer and arm a new one through the
// loop (a W2a churn on the loop's queue, called queue).
func IdleReset(b *testing.B, queue string, n int) {
	q, err := timers.New(queue)
	if err != nil {
		b.Fatal(err)
	}
	l, err := loop.New(&loop.Options{Timers: q})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	nop := func() {}
	hs := make([]loop.Handle, n)
	for i := range hs {
		if hs[i], err = l.CallLater(idleTimeout, nop); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		i := rng.IntN(n)
		hs[i].Cancel()
		hs[i], _ = l.CallLater(idleTimeout, nop)
	}
}

// IdleResetLazy is the same workload done as stream.Transport does it: a
// message records when data last moved (a clock read); the connection's
// one timer, when it fires, re-arms for what is left. While no timer
// fires, a reset is the clock read and a store. Transport records the
// loop's Time, one clock read per iteration shared by every message of
// that iteration, so a read per reset is the worst case, measured here.
func IdleResetLazy(b *testing.B, n int) {
	l, err := loop.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	active := make([]int64, n)
	nop := func() {}
	for range n {
		if _, err := l.CallLater(idleTimeout, nop); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		active[rng.IntN(n)] = l.Now()
	}
}
