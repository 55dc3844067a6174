// Package fdtest counts the process's open descriptors for tests that
// check that nothing leaks.
package fdtest

import (
	"os"
	"testing"
	"time"
)

// Open returns the number of open descriptors, and skips the test where
// the system cannot tell (no /proc/self/fd).
func Open(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(entries)
}

// AtMost returns the number of open descriptors once it is at most max,
// or after a bounded wait: descriptors closed by client goroutines may
// still be closing when a test counts.
func AtMost(t testing.TB, max int) int {
	t.Helper()
	n := Open(t)
	for deadline := time.Now().Add(5 * time.Second); n > max && time.Now().Before(deadline); n = Open(t) {
		time.Sleep(10 * time.Millisecond)
	}
	return n
}
