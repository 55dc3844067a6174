package bench

import (
	"fmt"
	"testing"

	"github.com/evloop/evloop/timers"
)

// BenchmarkIdleReset is the idle-timeout churn of a server with 100k
// connections (and 1000): ns per reset, eagerly on every timer queue
// through the loop, and lazily as stream.Transport does.
func BenchmarkIdleReset(b *testing.B) {
	for _, n := range []int{1000, 100_000} {
		for _, q := range timers.Names() {
			b.Run(fmt.Sprintf("impl=rearm-%s/conns=%d", q, n), func(b *testing.B) { IdleReset(b, q, n) })
		}
		b.Run(fmt.Sprintf("impl=lazy/conns=%d", n), func(b *testing.B) { IdleResetLazy(b, n) })
	}
}
