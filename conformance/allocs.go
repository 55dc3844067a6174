package conformance

import (
	"math"
	"runtime"
)

// allocsPerRun is testing.AllocsPerRun without its rounding down: the mean
// number of heap allocations of one call to f, after one warm-up call. A
// queue that allocates once in twenty operations must not pass as zero.
// allocRounds is how many times allocsPerRun measures.
const allocRounds = 3

func allocsPerRun(runs int, f func()) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	// The fewest of three measurements: an allocation of f's shows in
	// each, one by another goroutine (the runtime's, or a test's left
	// running) that happens to run meanwhile rarely shows in all three.
	least := math.Inf(1)
	for range allocRounds {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			f()
		}
		runtime.ReadMemStats(&after)
		least = min(least, float64(after.Mallocs-before.Mallocs)/float64(runs))
	}
	return least
}
