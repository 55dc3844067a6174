package bench

import "testing"

// BenchmarkCallSoon is W4 for the loop, a channel and the floor.
func BenchmarkCallSoon(b *testing.B) {
	for _, impl := range CallSoonImpls() {
		b.Run("impl="+impl.Impl+"/mode="+impl.Mode, impl.Run)
	}
}

// TestCallSoonImpls runs every W4 implementation briefly: each must run
// every callback and return.
func TestCallSoonImpls(t *testing.T) {
	for _, impl := range CallSoonImpls() {
		if r := testing.Benchmark(impl.Run); r.N == 0 {
			t.Errorf("impl=%s/mode=%s failed", impl.Impl, impl.Mode)
		}
	}
}
