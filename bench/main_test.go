//go:build unix

package bench

import (
	"os"
	"testing"
)

// TestMain turns the test binary into a W3 echo server when the benchmark
// starts it as one.
func TestMain(m *testing.M) {
	if impl := os.Getenv(EchoServerEnv); impl != "" {
		ServeEchoProcess(impl)
	}
	os.Exit(m.Run())
}
