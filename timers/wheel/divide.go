package wheel

import "math/bits"

// A divisor divides by a fixed d > 0 with two multiplications instead of
// a division instruction, which costs tens of cycles on common x86 parts
// and was an eighth of a re-arm: m = ceil(2^128 / d), and n/d is the top
// 64 bits of m*n >> 64 (Lemire, Kaser and Kurz, "Faster remainder by
// direct computation", 2019: 128 bits of m are enough for every 64-bit n
// and d). d == 1, whose m needs 129 bits, is the identity.
type divisor struct {
	hi, lo uint64
	one    bool
}

func newDivisor(d uint64) divisor {
	if d == 1 {
		return divisor{one: true}
	}
	// m = floor((2^128 - 1) / d) + 1; d > 1 leaves room for the +1.
	hi, r := ^uint64(0)/d, ^uint64(0)%d
	lo, _ := bits.Div64(r, ^uint64(0), d)
	lo++
	if lo == 0 {
		hi++
	}
	return divisor{hi: hi, lo: lo}
}

// quo returns n / d.
func (v divisor) quo(n uint64) uint64 {
	if v.one {
		return n
	}
	mid, _ := bits.Mul64(v.lo, n)
	top, low := bits.Mul64(v.hi, n)
	_, carry := bits.Add64(low, mid, 0)
	return top + carry
}

// floor returns floor(n / d) for any int64 n.
func (v divisor) floor(n int64) int64 {
	if n >= 0 {
		return int64(v.quo(uint64(n)))
	}
	return -int64(v.quo(uint64(^n))) - 1 // ^n = -n-1 >= 0, even for MinInt64
}
