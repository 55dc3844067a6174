// Command evbench measures every evloop part side by side on this machine
// and says which to use: the workloads of docs/BENCHMARKS.md for every backend,
// timer queue, loop configuration, Go peer and floor, with a progress bar
// on stderr, then a table per workload (medians with 95% confidence
// intervals, allocs/op, ratios to the floor, computed with
// golang.org/x/perf's benchfmt, benchproc and benchmath), a
// recommendation, and, in the output folder, the raw results in the Go
// benchmark format and plots (PNG and SVG).
//
// It lives in the benchmark module: run it from the bench folder, or with
// go -C bench from the repository's root.
//
//	go run ./cmd/evbench                      # quick profile, a few minutes
//	go run ./cmd/evbench -profile full        # every size, 6 runs each
//	go run ./cmd/evbench -workloads w1,w2a -impl epoll,poll,raw-epoll
//	go run ./cmd/evbench -compare evbench-out/results.txt -o after
//
// The raw results also feed benchstat: go tool benchstat -col /impl
// evbench-out/results.txt.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/evloop/evloop/bench"
)

func main() {
	// W3's servers are this program started again.
	if impl := os.Getenv(bench.EchoServerEnv); impl != "" {
		bench.ServeEchoProcess(impl)
	}
	if spec := os.Getenv(bench.HTTPServerEnv); spec != "" {
		bench.ServeHTTPProcess(spec)
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(2)
	}
}
