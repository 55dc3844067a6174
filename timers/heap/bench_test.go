package heap

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/evloop/evloop/api"
)

// BenchmarkFillDrain is W2b's burst without a loop: n timers pushed in
// random order, then expired a few at a time (perExpire per call, as a
// loop that falls behind a dense burst sees them). ns/timer is per timer,
// pushed and handed over.
func BenchmarkFillDrain(b *testing.B) {
	const perExpire = 25
	for _, n := range []int{1000, 100_000} {
		b.Run(fmt.Sprintf("timers=%d", n), func(b *testing.B) {
			q := New()
			rng := rand.New(rand.NewPCG(1, 2))
			ts := make([]api.Timer, n)
			for i, p := range rng.Perm(n) {
				ts[i].Deadline = int64(p)
			}
			fired := 0
			count := func(*api.Timer) { fired++ }
			b.ReportAllocs()
			for b.Loop() {
				for j := range ts {
					q.Push(&ts[j])
				}
				for now := int64(perExpire - 1); q.Len() > 0; now += perExpire {
					q.Expire(now, count)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/timer")
			b.ReportMetric(0, "ns/op")
		})
	}
}
