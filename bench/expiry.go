//go:build unix

package bench

import (
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers"
	"golang.org/x/sys/unix"
)

// W2b: n timers due uniformly over the next 100 ms; run until all fire.
// One op is one such round. The figures that matter are reported as
// metrics: the process's CPU time per fired timer, and the p99 and largest
// lateness (fire time minus deadline). A timer that fires early fails the
// benchmark.
const expirySpan = 100 * time.Millisecond

// expiryLead puts the first deadline after the scheduling: arming 1e5
// timers takes milliseconds, which would otherwise count as lateness.
const expiryLead = 100 * time.Millisecond

// expiryStats collects lateness and CPU over the rounds of a benchmark.
type expiryStats struct {
	late  []int64
	cpu   time.Duration
	fired int
}

func cpuTime() time.Duration {
	var ru unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (s *expiryStats) report(b *testing.B) {
	if s.fired == 0 {
		return
	}
	slices.Sort(s.late)
	b.ReportMetric(float64(s.cpu.Nanoseconds())/float64(s.fired), "cpu-ns/timer")
	b.ReportMetric(float64(s.late[len(s.late)*99/100])/1e3, "p99-late-µs")
	b.ReportMetric(float64(s.late[len(s.late)-1])/1e3, "max-late-µs")
}

// Expiry is W2b on a loop with the timer queue called queue and the given
// slack (loop.NoTimerSlack for none).
func Expiry(b *testing.B, queue string, n int, slack time.Duration) {
	q, err := timers.New(queue)
	if err != nil {
		b.Fatal(err)
	}
	l, err := loop.New(&loop.Options{Timers: q, TimerSlack: slack})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	var st expiryStats
	deadlines := make([]int64, n)
	fired := 0
	fns := make([]func(), n) // made once: the rounds allocate nothing
	for i := range fns {
		fns[i] = func() {
			late := l.Time() - deadlines[i] // the iteration's clock reading, as the floor's
			if late < 0 {
				b.Errorf("timer fired %v early", time.Duration(-late))
			}
			st.late = append(st.late, late)
			if fired++; fired == n {
				l.Stop()
			}
		}
	}
	st.late = make([]int64, 0, n*b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		fired = 0
		now := l.Now() + int64(expiryLead)
		for i := range n {
			deadlines[i] = now + rng.Int64N(int64(expirySpan))
			l.CallAt(deadlines[i], fns[i])
		}
		start := cpuTime()
		if err := l.Run(); err != nil {
			b.Fatal(err)
		}
		st.cpu += cpuTime() - start
		st.fired += n
	}
	b.StopTimer()
	st.report(b)
}

// ExpiryRuntime is W2b on the Go runtime's timers: time.AfterFunc.
func ExpiryRuntime(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	var st expiryStats
	st.late = make([]int64, n*b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := cpuTime()
		now := time.Now()
		wg.Add(n)
		for range n {
			d := expiryLead + time.Duration(rng.Int64N(int64(expirySpan)))
			deadline := now.Add(d)
			time.AfterFunc(d, func() {
				st.late[next.Add(1)-1] = int64(time.Since(deadline))
				wg.Done()
			})
		}
		wg.Wait()
		st.cpu += cpuTime() - start
		st.fired += n
	}
	b.StopTimer()
	for _, late := range st.late {
		if late < 0 {
			b.Errorf("timer fired %v early", time.Duration(-late))
		}
	}
	st.report(b)
}

// An ExpiryImpl is one implementation of W2b.
type ExpiryImpl struct {
	Name, Slack string
	Run         func(b *testing.B, timers int)
}

// ExpiryImpls lists W2b's implementations: the loop on every timer queue
// with no slack and the default slack, the runtime's timers, and the floor
// (on Linux).
func ExpiryImpls() []ExpiryImpl {
	var impls []ExpiryImpl
	for _, s := range []struct {
		name  string
		slack time.Duration
	}{{"0", loop.NoTimerSlack}, {loop.DefaultTimerSlack.String(), loop.DefaultTimerSlack}} {
		for _, name := range timers.Names() {
			impls = append(impls, ExpiryImpl{"loop-" + name, s.name, func(b *testing.B, n int) { Expiry(b, name, n, s.slack) }})
		}
	}
	// The runtime's timers fire in batches about a millisecond apart (their
	// p99 lateness is over 1 ms): the default queue with a millisecond of
	// slack compares with them at equal lateness.
	impls = append(impls, ExpiryImpl{"loop-" + timers.BuildDefault, time.Millisecond.String(), func(b *testing.B, n int) { Expiry(b, timers.BuildDefault, n, time.Millisecond) }})
	impls = append(impls, ExpiryImpl{"runtime-timers", "runtime", ExpiryRuntime})
	return append(impls, expiryFloors...)
}
