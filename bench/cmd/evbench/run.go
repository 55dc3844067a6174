package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/term"
)

type options struct {
	profile   string
	workloads []string
	impls     []string
	count     int
	out       string
	compare   string
}

// parseFlags reads evbench's command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("evbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.profile, "profile", "quick", "quick (representative sizes, a few minutes) or full (every size, count 6)")
	wl := fs.String("workloads", "", "comma-separated workloads to run (w1,w2a,w2b,w3,w4); empty: all")
	impls := fs.String("impl", "", "comma-separated implementations to run (epoll,wheel,loop,...); empty: all")
	fs.IntVar(&o.count, "count", 0, "runs of each benchmark; 0: the profile's")
	fs.StringVar(&o.out, "o", "evbench-out", "output folder: raw results and plots")
	fs.StringVar(&o.compare, "compare", "", "an earlier results.txt to compare this run against")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("evbench: unexpected arguments %q", fs.Args())
	}
	if _, ok := profiles[o.profile]; !ok {
		return o, fmt.Errorf("evbench: -profile %q: want quick or full", o.profile)
	}
	if o.count < 0 {
		return o, fmt.Errorf("evbench: -count %d: want a positive number", o.count)
	}
	o.workloads = split(*wl)
	for _, w := range o.workloads {
		if !contains(workloads, w) {
			return o, fmt.Errorf("evbench: -workloads: no workload %q (have %s)", w, strings.Join(workloads, ", "))
		}
	}
	o.impls = split(*impls)
	known := map[string]bool{}
	for _, j := range plan(profiles["full"], nil, nil) {
		known[j.impl] = true
	}
	for _, impl := range o.impls {
		if !known[impl] {
			return o, fmt.Errorf("evbench: -impl: no implementation %q (have %s)", impl, strings.Join(sortedKeys(known), ", "))
		}
	}
	if o.compare != "" {
		if err := checkCompare(o.compare, filepath.Join(o.out, "results.txt")); err != nil {
			return o, err
		}
	}
	return o, nil
}

// checkCompare refuses, before anything runs, a comparison file that is
// missing, unreadable, not benchmark results, or the very file this run
// is about to write (the run would be compared with itself).
func checkCompare(compare, raw string) error {
	a, errA := filepath.Abs(compare)
	b, errB := filepath.Abs(raw)
	same := errA == nil && errB == nil && a == b
	if fa, err := os.Stat(compare); err == nil {
		if fb, err := os.Stat(raw); err == nil && os.SameFile(fa, fb) {
			same = true
		}
	}
	if same {
		return fmt.Errorf("evbench: -compare %s is the file this run writes; move it, or give -o another folder", compare)
	}
	rs, err := readResults(compare)
	if err != nil {
		return fmt.Errorf("evbench: -compare: %w", err)
	}
	if len(rs.tables) == 0 {
		return fmt.Errorf("evbench: -compare %s: no benchmark results in it", compare)
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// run is evbench: measure, then report.
func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	p := profiles[o.profile]
	if o.count > 0 {
		p.count = o.count
	}
	jobs := plan(p, o.workloads, o.impls)
	if len(jobs) == 0 {
		return errors.New("evbench: the filters leave nothing to run")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	raw := filepath.Join(o.out, "results.txt")
	f, err := os.Create(raw)
	if err != nil {
		return err
	}
	defer f.Close()
	testing.Init()
	if err := flag.CommandLine.Set("test.benchtime", p.benchtime); err != nil {
		return err
	}
	fmt.Fprintf(f, "goos: %s\ngoarch: %s\npkg: github.com/evloop/evloop/bench\ncpu: %s\ngo: %s\n", runtime.GOOS, runtime.GOARCH, cpuName(), runtime.Version())
	failed := measure(jobs, p.count, f, stderr, isTerminal(stderr))
	if err := f.Close(); err != nil {
		return err
	}
	rs, err := readResults(raw)
	if err != nil {
		return err
	}
	// The report goes to stdout and, for later, beside the raw results.
	saved, err := os.Create(filepath.Join(o.out, "report.txt"))
	if err != nil {
		return err
	}
	defer saved.Close()
	stdout = io.MultiWriter(stdout, saved)
	report(rs, stdout)
	if err := plots(rs, o.out); err != nil {
		fmt.Fprintf(stderr, "evbench: plots: %v\n", err)
	}
	fmt.Fprintf(stdout, "\nraw results and plots: %s\n", o.out)
	if o.compare != "" {
		old, err := readResults(o.compare)
		if err != nil {
			return err
		}
		compare(old, rs, stdout)
	}
	if len(failed) > 0 {
		return fmt.Errorf("evbench: %d benchmarks failed: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}

// measure runs every job count times, interleaved (all jobs once, then
// again) so that drift in the machine spreads over all of them, writing
// Go benchmark lines to w and a progress line to progress. It returns the
// names of the benchmarks that failed. On a terminal the progress is one
// line redrawn in place; elsewhere (a log, CI) a plain line per benchmark.
func measure(jobs []job, count int, w, progress io.Writer, tty bool) (failed []string) {
	total := len(jobs) * count
	start := time.Now()
	cost := map[string]time.Duration{} // each job's time in its first round
	done := 0
	for round := range count {
		for i, j := range jobs {
			fmt.Fprint(progress, progressLine(tty, done, total, j, eta(jobs, cost, round, i, count, time.Since(start), done)))
			began := time.Now()
			r := testing.Benchmark(j.run)
			if _, ok := cost[j.name]; !ok {
				cost[j.name] = time.Since(began)
			}
			done++
			if r.N == 0 {
				if !slices.Contains(failed, j.name) {
					failed = append(failed, j.name)
					fmt.Fprintf(progress, "\nevbench: %s failed:\n%s", j.name, failureText(j.name))
				}
				continue
			}
			fmt.Fprintln(w, line(j.name, r))
		}
	}
	if tty {
		fmt.Fprint(progress, "\r\033[K")
	}
	fmt.Fprintf(progress, "%s %d/%d done in %v\n", bar(total, total), total, total, time.Since(start).Round(time.Second))
	return failed
}

func progressLine(tty bool, done, total int, j job, left time.Duration) string {
	eta := ""
	if left > 0 {
		eta = fmt.Sprintf(", about %v left", left.Round(time.Second))
	}
	if tty {
		return fmt.Sprintf("\r\033[K%s %3d/%d %s %s%s", bar(done, total), done+1, total, j.workload, j.name, eta)
	}
	return fmt.Sprintf("%d/%d %s %s%s\n", done+1, total, j.workload, j.name, eta)
}

// eta estimates the time left before job i of round round: each job costs
// what it took in the first round (W2b's rounds take 100 ms of timers,
// W4's a fraction of that); in the first round, the jobs not yet measured
// cost the mean of those that were.
func eta(jobs []job, cost map[string]time.Duration, round, i, count int, elapsed time.Duration, done int) time.Duration {
	if done == 0 {
		return 0
	}
	var known time.Duration
	for _, c := range cost {
		known += c
	}
	mean := known / time.Duration(len(cost))
	per := func(j job) time.Duration {
		if c, ok := cost[j.name]; ok {
			return c
		}
		return mean
	}
	var left time.Duration
	for _, j := range jobs[i:] {
		left += per(j)
	}
	var all time.Duration
	for _, j := range jobs {
		all += per(j)
	}
	return left + all*time.Duration(count-round-1)
}

// failureText runs the failed benchmark again under go test, which prints
// what testing.Benchmark keeps to itself: the benchmark's own message.
func failureText(name string) string {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^Benchmark"+benchRegexp(name)+"$", "-benchtime", "1x", "github.com/evloop/evloop/bench")
	out, err := cmd.CombinedOutput()
	if msg := failureLines(string(out)); msg != "" {
		return msg
	}
	return fmt.Sprintf("  (no message; %v) to see it: go test -run '^$' -bench '^Benchmark%s$' github.com/evloop/evloop/bench\n", err, benchRegexp(name))
}

// failureLines keeps the lines of go test's output that a failing test
// wrote: those that name a file and line.
func failureLines(out string) string {
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, ".go:") {
			fmt.Fprintf(&b, "  %s\n", strings.TrimSpace(l))
		}
	}
	return b.String()
}

// benchRegexp turns a benchmark name into go test's -bench pattern: one
// anchored expression per slash-separated element.
func benchRegexp(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, "$/^")
}

// cpuName returns the processor's model as Linux names it, as go test's
// "cpu:" line does; empty elsewhere.
func cpuName() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// isTerminal reports whether w is a terminal, where escape codes redraw
// the progress line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func bar(done, total int) string {
	const width = 20
	n := done * width / max(total, 1)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// line formats a result as go test prints it.
func line(name string, r testing.BenchmarkResult) string {
	var b strings.Builder
	// The -GOMAXPROCS suffix, as go test writes it, so that names such
	// as mode=threadsafe-4 read the same in both.
	fmt.Fprintf(&b, "Benchmark%s-%d\t%d\t%.4g ns/op\t%d B/op\t%d allocs/op", name, runtime.GOMAXPROCS(0), r.N,
		float64(r.T.Nanoseconds())/float64(r.N), r.AllocedBytesPerOp(), r.AllocsPerOp())
	keys := make([]string, 0, len(r.Extra))
	for k := range r.Extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "\t%.4g %s", r.Extra[k], k)
	}
	return b.String()
}
