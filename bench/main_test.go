//go:build unix

package bench

import (
	"flag"
	"os"
	"testing"
)

var long = flag.Bool("long", false, "run the workloads' smoke tests for a benchmark's full time instead of one iteration")

// TestMain turns the test binary into a W3 echo server when the benchmark
// starts it as one. Otherwise, unless -long is given or benchmarks are
// running, the tests that run a workload through testing.Benchmark run it
// once (-test.benchtime=1x): enough to check that every implementation
// runs and reports, and it keeps go test ./... within a minute. CI runs
// them with -long.
func TestMain(m *testing.M) {
	if impl := os.Getenv(EchoServerEnv); impl != "" {
		ServeEchoProcess(impl)
	}
	if spec := os.Getenv(HTTPServerEnv); spec != "" {
		ServeHTTPProcess(spec)
	}
	flag.Parse()
	if !*long && flag.Lookup("test.bench").Value.String() == "" {
		flag.Set("test.benchtime", "1x")
	}
	os.Exit(m.Run())
}
