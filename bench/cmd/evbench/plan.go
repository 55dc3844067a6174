package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/evloop/evloop/bench"
)

// A job is one benchmark of the matrix.
type job struct {
	workload string // w1, w2a, w2b, w3, w4, w5
	name     string // as go test names it, without "Benchmark"
	impl     string
	run      func(b *testing.B)
}

// A profile fixes the sizes measured and how long each measurement runs.
type profile struct {
	fds, active, churn, expiry, conns []int
	loops, sizes                      []int         // W5's
	wrkFor                            time.Duration // how long wrk runs in W5
	benchtime                         string
	count                             int
}

var profiles = map[string]profile{
	"quick": {
		fds: []int{100, 1000}, active: []int{1, 100},
		churn: []int{1000, 100_000}, expiry: []int{1000}, conns: []int{1, 100, 1000},
		loops: []int{1, 2}, sizes: []int{64}, wrkFor: 2 * time.Second,
		benchtime: "100ms", count: 6, // six samples: the fewest for a 95% interval
	},
	"full": {
		fds: []int{100, 1000, 5000}, active: []int{1, 100},
		churn: []int{1000, 100_000, 1_000_000}, expiry: []int{1000, 100_000}, conns: []int{1, 100, 1000},
		loops: []int{1, 2}, sizes: []int{64, 4096}, wrkFor: 5 * time.Second,
		benchtime: "1s", count: 6,
	},
	// tiny is for evbench's own end-to-end test.
	"tiny": {
		fds: []int{100}, active: []int{1},
		churn: []int{1000}, expiry: []int{100}, conns: []int{4},
		loops: []int{1}, sizes: []int{64}, wrkFor: time.Second,
		benchtime: "20ms", count: 2,
	},
}

// Workloads lists the workloads, in the order they run.
var workloads = []string{"w1", "w2a", "w2b", "w3", "w4", "w5"}

// plan lists the jobs of a profile, keeping the workloads and impls the
// filters name (empty filters keep everything).
func plan(p profile, only, impls []string) []job {
	var jobs []job
	add := func(w, name, impl string, run func(b *testing.B)) {
		if (len(only) == 0 || contains(only, w)) && (len(impls) == 0 || contains(impls, impl)) {
			jobs = append(jobs, job{w, name, impl, run})
		}
	}
	for _, fds := range p.fds {
		for _, active := range p.active {
			for _, impl := range bench.DispatchImpls() {
				add("w1", fmt.Sprintf("Dispatch/impl=%s/fds=%d/active=%d", impl.Name, fds, active), impl.Name,
					func(b *testing.B) { impl.Run(b, fds, active) })
			}
		}
	}
	for _, n := range p.churn {
		for _, impl := range bench.ChurnImpls() {
			add("w2a", fmt.Sprintf("TimerChurn/impl=%s/timers=%d", impl.Name, n), impl.Name,
				func(b *testing.B) { impl.Run(b, n) })
		}
	}
	for _, n := range p.expiry {
		for _, impl := range bench.ExpiryImpls() {
			add("w2b", fmt.Sprintf("TimerExpiry/impl=%s/timers=%d/slack=%s", impl.Name, n, impl.Slack), impl.Name,
				func(b *testing.B) { impl.Run(b, n) })
		}
	}
	for _, c := range p.conns {
		for _, impl := range bench.EchoImpls {
			add("w3", fmt.Sprintf("Echo/impl=%s/conns=%d", impl, c), impl,
				func(b *testing.B) { bench.Echo(b, impl, c) })
		}
	}
	for _, loops := range p.loops[min(1, len(p.loops)):] { // W3 on more loops, where connections are many
		for _, c := range p.conns {
			if c < 100 {
				continue
			}
			for _, impl := range bench.EchoImpls {
				if impl == "raw-epoll" {
					continue // one loop only
				}
				add("w3", fmt.Sprintf("Echo/impl=%s/loops=%d/conns=%d", impl, loops, c), impl,
					func(b *testing.B) { bench.EchoLoops(b, impl, loops, c) })
			}
		}
	}
	for _, impl := range bench.CallSoonImpls() {
		add("w4", "CallSoon/impl="+impl.Impl+"/mode="+impl.Mode, impl.Impl, impl.Run)
	}
	for _, loops := range p.loops {
		for _, size := range p.sizes {
			for _, impl := range bench.HTTPImpls {
				add("w5", fmt.Sprintf("HTTP/impl=%s/loops=%d/size=%d", impl, loops, size), impl,
					func(b *testing.B) {
						bench.HTTPDuration = p.wrkFor
						bench.HTTP(b, impl, loops, size, 100)
					})
			}
		}
	}
	return jobs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
