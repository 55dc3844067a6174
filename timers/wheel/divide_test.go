package wheel

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// floorDiv is the reference: exact floor division in big integers.
func floorDiv(n, d int64) int64 {
	q := new(big.Int)
	q.Div(big.NewInt(n), big.NewInt(d)) // Euclidean; the same as floor for d > 0
	return q.Int64()
}

func TestDivisor(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	divisors := []int64{1, 2, 3, 7, 10, 1000, 999_983, 1_000_000, 1 << 32, 1<<32 + 1, math.MaxInt64 / 3, math.MaxInt64 - 1, math.MaxInt64}
	for range 200 {
		divisors = append(divisors, 1+rng.Int64N(math.MaxInt64), 1+rng.Int64N(1<<40), 1+rng.Int64N(1000))
	}
	for _, d := range divisors {
		v := newDivisor(uint64(d))
		ns := []int64{0, 1, -1, d, -d, d - 1, -d + 1, d + 1, -d - 1, 2 * (d / 2), math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1}
		for range 2000 {
			ns = append(ns, int64(rng.Uint64()), rng.Int64N(1<<40)-1<<39, (rng.Int64N(2001)-1000)*d+rng.Int64N(3)-1) // near multiples (wrapping is fine)
		}
		for _, n := range ns {
			if got, want := v.floor(n), floorDiv(n, d); got != want {
				t.Fatalf("floor(%d / %d) = %d; want %d", n, d, got, want)
			}
		}
	}
	// Every unsigned numerator, not only the int64 ones.
	for range 100_000 {
		n, d := rng.Uint64(), 2+rng.Uint64N(math.MaxUint64-1)
		if got, want := newDivisor(d).quo(n), n/d; got != want {
			t.Fatalf("%d / %d = %d; want %d", n, d, got, want)
		}
	}
}

func FuzzDivisor(f *testing.F) {
	f.Add(int64(5), uint64(1_000_000))
	f.Fuzz(func(t *testing.T, n int64, d uint64) {
		if d == 0 || d > math.MaxInt64 {
			return
		}
		if got, want := newDivisor(d).floor(n), floorDiv(n, int64(d)); got != want {
			t.Fatalf("floor(%d / %d) = %d; want %d", n, d, got, want)
		}
	})
}
