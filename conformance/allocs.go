package conformance

import (
	"runtime"
)

// allocsPerRun is testing.AllocsPerRun without its rounding down: the mean
// number of heap allocations of one call to f, after one warm-up call. A
// queue that allocates once in twenty operations must not pass as zero.
func allocsPerRun(runs int, f func()) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(runs)
}
