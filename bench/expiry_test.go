//go:build unix

package bench

import (
	"fmt"
	"testing"
)

// BenchmarkTimerExpiry is W2b for the loop on every timer queue, with no
// slack and the default, and for the runtime's timers.
func BenchmarkTimerExpiry(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		for _, impl := range ExpiryImpls() {
			b.Run(fmt.Sprintf("impl=%s/timers=%d/slack=%s", impl.Name, n, impl.Slack), func(b *testing.B) { impl.Run(b, n) })
		}
	}
}

// TestExpiry runs W2b once per implementation: every timer must fire, none
// early (Expiry fails the run if one does).
func TestExpiry(t *testing.T) {
	for _, impl := range ExpiryImpls() {
		r := testing.Benchmark(func(b *testing.B) { impl.Run(b, 500) })
		if r.N == 0 {
			t.Errorf("%s slack=%s: failed", impl.Name, impl.Slack)
		}
		if r.Extra["max-late-µs"] < 0 || r.Extra["cpu-ns/timer"] <= 0 {
			t.Errorf("%s slack=%s: metrics %v; want CPU per timer and lateness reported", impl.Name, impl.Slack, r.Extra)
		}
	}
}
