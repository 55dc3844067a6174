package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// synthetic builds results in the Go benchmark format: impl fast is about
// half as slow as impl slow, with six noisy samples each.
func synthetic(name string, rows []string, impls map[string]float64) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: x\n")
	for i := range 6 {
		for _, row := range rows {
			for impl, ns := range impls {
				fmt.Fprintf(&b, "Benchmark%s/impl=%s/%s-2\t1000\t%g ns/op\t0 B/op\t0 allocs/op\n", name, impl, row, ns*(1+float64(i)/100))
			}
		}
	}
	return b.String()
}

func TestParseReportRecommend(t *testing.T) {
	text := synthetic("Dispatch", []string{"fds=100/active=1", "fds=1000/active=1"},
		map[string]float64{"epoll": 1000, "poll": 9000, "raw-epoll": 950, "raw-poll": 9100})
	rs, err := parseResults(strings.NewReader(text), "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	tb := rs.table("Dispatch")
	if tb == nil || len(tb.rows) != 2 || len(tb.impls) != 4 {
		t.Fatalf("parsed %+v; want one table, 2 rows, 4 impls", tb)
	}
	if tb.rows[0] != "fds=100 active=1" {
		t.Errorf("row %q; want %q", tb.rows[0], "fds=100 active=1")
	}
	if m := median(tb.sample("fds=100 active=1", "epoll", "sec/op")); m < 1000e-9 || m > 1060e-9 {
		t.Errorf("median epoll = %g s; want about 1.03e-6", m)
	}
	var out bytes.Buffer
	report(rs, &out)
	// Each backend against its own floor: poll against raw-poll, not raw-epoll.
	for _, want := range []string{"x1.05 raw-epoll", "x0.99 raw-poll", "x1.00 (floor)", "Dispatch, fds=100 active=1: median sec/op", "recommended backend (W1, time per event): epoll, best in 2 of 2", "significant in 2 of 2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRecommendNeedsSignificance(t *testing.T) {
	// Two queues within noise of each other: a winner, but not a
	// significant one.
	text := synthetic("TimerChurn", []string{"timers=1000"}, map[string]float64{"heap": 30, "wheel": 30.1})
	text += strings.ReplaceAll(synthetic("TimerChurn", []string{"timers=1000"}, map[string]float64{"wheel": 29.9}), "goos: linux\ngoarch: amd64\npkg: x\n", "")
	rs, _ := parseResults(strings.NewReader(text), "s")
	recs := recommend(rs)
	if len(recs) != 2 || !strings.Contains(recs[0], "significant in 0 of 1") {
		t.Errorf("recommendation %q; want a winner marked not significant", recs)
	}
}

func TestCompare(t *testing.T) {
	old, _ := parseResults(strings.NewReader(synthetic("CallSoon", []string{"mode=chain"}, map[string]float64{"loop": 40})), "old")
	cur, _ := parseResults(strings.NewReader(synthetic("CallSoon", []string{"mode=chain"}, map[string]float64{"loop": 20})), "new")
	var out bytes.Buffer
	compare(old, cur, &out)
	if !strings.Contains(out.String(), "-50.0%") || !strings.Contains(out.String(), "p=0.002") {
		t.Errorf("comparison:\n%s\nwant a -50%% change with p=0.002", out.String())
	}
}

func TestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-profile", "huge"},
		{"-workloads", "w9"},
		{"-count", "-1"},
		{"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) = nil error", args)
		}
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("parseFlags(-h) = %v; want flag.ErrHelp", err)
	}
	o, err := parseFlags([]string{"-workloads", "w1, w4", "-impl", "epoll", "-count", "2"}, io.Discard)
	if err != nil || len(o.workloads) != 2 || o.impls[0] != "epoll" || o.count != 2 || o.profile != "quick" {
		t.Errorf("parseFlags = %+v, %v", o, err)
	}
}

func TestPlanFilters(t *testing.T) {
	p := profiles["tiny"]
	all := plan(p, nil, nil)
	only := plan(p, []string{"w2a"}, []string{"wheel", "raw-heap"})
	if len(only) != 2 {
		t.Errorf("plan(w2a; wheel, raw-heap) = %d jobs; want 2", len(only))
	}
	seen := map[string]bool{}
	for _, j := range all {
		seen[j.workload] = true
	}
	if len(seen) != len(workloads) {
		t.Errorf("the tiny profile covers workloads %v; want all of %v", seen, workloads)
	}
}

// TestEndToEnd runs a tiny profile: results, tables, a recommendation and
// plots, in well under 30 seconds.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	start := time.Now()
	err := run([]string{"-profile", "tiny", "-workloads", "w1,w2a,w4", "-impl", "epoll,poll,raw-epoll,heap,wheel,raw-heap,loop,raw-slice", "-o", dir}, &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("took %v", time.Since(start))
	for _, line := range strings.Split(out.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("report line of %d columns; want everything to fit 100: %q", n, line)
		}
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "results.txt")); err != nil || !strings.Contains(string(raw), "\ngo: go1.") {
		t.Errorf("results.txt lacks the Go version line (%v)", err)
	}
	for _, want := range []string{"Dispatch, ", "TimerChurn, ", "CallSoon, ", "recommended backend", "recommended timer queue", "too few samples"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, f := range []string{"results.txt", "report.txt", "w4-callsoon.png", "w4-callsoon.svg", "w1-dispatch.png", "w1-dispatch.svg", "w2a-churn.png", "w2a-churn.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The raw results compare against themselves with no change.
	out.Reset()
	if err := run([]string{"-profile", "tiny", "-workloads", "w4", "-impl", "raw-slice", "-o", t.TempDir(), "-compare", filepath.Join(dir, "results.txt")}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "compared with the earlier run") || !strings.Contains(out.String(), "raw-slice mode=threadsafe") && !strings.Contains(out.String(), "raw-slice mode=chain") {
		t.Errorf("-compare output lacks the comparison:\n%s", out.String())
	}
}

// A name part that ends in a dash and digits keeps them; only go test's
// -GOMAXPROCS suffix goes.
func TestNameSuffix(t *testing.T) {
	text := "BenchmarkCallSoon/impl=loop/mode=threadsafe-4-2\t10\t40 ns/op\n" +
		"BenchmarkCallSoon/impl=loop/mode=threadsafe-1-2\t10\t30 ns/op\n"
	rs, err := parseResults(strings.NewReader(text), "s")
	if err != nil {
		t.Fatal(err)
	}
	tb := rs.table("CallSoon")
	if tb == nil || len(tb.rows) != 2 || tb.rows[0] != "mode=threadsafe-4" || tb.rows[1] != "mode=threadsafe-1" {
		t.Errorf("rows %v; want [mode=threadsafe-4 mode=threadsafe-1]", tb.rows)
	}
}

// TestFlagsValidatedUpFront: mistakes in -compare and -impl fail before
// anything is measured.
func TestFlagsValidatedUpFront(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(out, "results.txt")
	good := synthetic("Dispatch", []string{"fds=100/active=1"}, map[string]float64{"epoll": 1000, "raw-epoll": 950})
	if err := os.WriteFile(own, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	notResults := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notResults, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", out, "-compare", own}, "is the file this run writes"},
		{[]string{"-o", out, "-compare", filepath.Join(out, ".", "results.txt")}, "is the file this run writes"},
		{[]string{"-o", out, "-compare", filepath.Join(dir, "missing.txt")}, "no such file"},
		{[]string{"-o", out, "-compare", notResults}, "no benchmark results"},
		{[]string{"-o", out, "-impl", "epol"}, `no implementation "epol"`},
	} {
		var stderr bytes.Buffer
		err := run(c.args, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v; want an error saying %q", c.args, err, c.want)
		}
		if stderr.Len() > 0 {
			t.Errorf("run(%q) began measuring (progress %q); want it refused first", c.args, stderr.String())
		}
	}
	if got, _ := os.ReadFile(own); string(got) != good {
		t.Errorf("a refused run changed %s", own)
	}
}

func TestBenchRegexp(t *testing.T) {
	if got, want := benchRegexp("Echo/impl=loop-tasks/conns=100"), `Echo$/^impl=loop-tasks$/^conns=100`; got != want {
		t.Errorf("benchRegexp = %q; want %q", got, want)
	}
}

// TestMeasureReportsFailures: a failing benchmark is named, with the
// command that shows its message, and returned; progress off a terminal
// has no escape codes.
func TestMeasureReportsFailures(t *testing.T) {
	testing.Init()
	flag.Set("test.benchtime", "1x")
	jobs := []job{
		{"w4", "Good/impl=a", "a", func(b *testing.B) {}},
		{"w4", "Bad/impl=b", "b", func(b *testing.B) { b.Fatal("broken") }},
	}
	var results, progress bytes.Buffer
	failed := measure(jobs, 2, &results, &progress, false)
	if len(failed) != 1 || failed[0] != "Bad/impl=b" {
		t.Errorf("measure failed = %v; want [Bad/impl=b]", failed)
	}
	if !strings.Contains(progress.String(), "evbench: Bad/impl=b failed:") {
		t.Errorf("progress %q; want the failure named", progress.String())
	}
	if strings.Contains(progress.String(), "\033") {
		t.Errorf("progress off a terminal has escape codes: %q", progress.String())
	}
	if !strings.Contains(results.String(), "BenchmarkGood/impl=a") || strings.Contains(results.String(), "Bad") {
		t.Errorf("results %q; want the good benchmark only", results.String())
	}
}

// TestRecommendPerUse: churn and expiry are recommended separately, the
// latter by W2b's lateness, which the report prints.
func TestRecommendPerUse(t *testing.T) {
	var b strings.Builder
	b.WriteString(synthetic("TimerChurn", []string{"timers=1000"}, map[string]float64{"heap": 60, "wheel": 30, "raw-heap": 55}))
	for i := range 6 {
		for impl, late := range map[string]float64{"loop-heap": 300, "loop-wheel": 9000} {
			fmt.Fprintf(&b, "BenchmarkTimerExpiry/impl=%s/timers=1000/slack=0-2\t1\t2e8 ns/op\t0 B/op\t3 allocs/op\t1e4 cpu-ns/timer\t%g p99-late-µs\n", impl, late*(1+float64(i)/100))
		}
	}
	rs, err := parseResults(strings.NewReader(b.String()), "s")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(rs, &out)
	for _, want := range []string{
		"recommended timer queue for churn (W2a, time per re-arm): wheel",
		"recommended timer queue for expiry (W2b, p99 lateness): loop-heap",
		"p99 late", "308µs", "allocs/round",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestETAWeighsJobs: a job that took long in the first round counts for
// what it took.
func TestETAWeighsJobs(t *testing.T) {
	jobs := []job{{name: "slow"}, {name: "fast"}}
	cost := map[string]time.Duration{"slow": 10 * time.Second, "fast": time.Second}
	// Before "fast" of the second of three rounds: fast, then a round.
	if got, want := eta(jobs, cost, 1, 1, 3, 0, 3), 12*time.Second; got != want {
		t.Errorf("eta = %v; want %v", got, want)
	}
	// In the first round only "slow" is known: "fast" counts as the mean.
	delete(cost, "fast")
	if got, want := eta(jobs, cost, 0, 1, 1, 0, 1), 10*time.Second; got != want {
		t.Errorf("eta = %v; want %v", got, want)
	}
}

// TestFailureLines keeps what a failing benchmark wrote, with its place.
func TestFailureLines(t *testing.T) {
	out := "goos: linux\n--- FAIL: BenchmarkEcho/impl=x/conns=1\n    echo.go:57: unknown server \"x\"\nFAIL\nexit status 1\n"
	if got, want := failureLines(out), "  echo.go:57: unknown server \"x\"\n"; got != want {
		t.Errorf("failureLines = %q; want %q", got, want)
	}
}

// TestRecommendTie: two implementations best in as many configurations
// each are a tie, not a recommendation.
func TestRecommendTie(t *testing.T) {
	text := synthetic("TimerChurn", []string{"timers=1000"}, map[string]float64{"heap": 30, "wheel": 60})
	text += strings.ReplaceAll(synthetic("TimerChurn", []string{"timers=100000"}, map[string]float64{"heap": 90, "wheel": 45}), "goos: linux\ngoarch: amd64\npkg: x\n", "")
	rs, err := parseResults(strings.NewReader(text), "s")
	if err != nil {
		t.Fatal(err)
	}
	recs := recommend(rs)
	if len(recs) == 0 || !strings.Contains(recs[0], "no recommended timer queue for churn") || !strings.Contains(recs[0], "heap tied with wheel") {
		t.Errorf("recommendation %q; want a tie between heap and wheel", recs)
	}
}

// W5 gives two recommendations: the server style, by CPU per request,
// and how many loops, by requests per second at 1 and 2 loops.
func TestRecommendStyleAndLoops(t *testing.T) {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: x\n")
	for i := range 6 {
		for _, c := range []struct {
			impl      string
			loops     int
			rate, cpu float64
		}{
			{"loop-callbacks", 1, 50000, 15000}, {"loop-tasks", 1, 40000, 20000},
			{"loop-callbacks", 2, 90000, 15500}, {"loop-tasks", 2, 70000, 21000},
		} {
			f := 1 + float64(i)/100
			fmt.Fprintf(&b, "BenchmarkHTTP/impl=%s/loops=%d/size=64-2\t1\t3e9 ns/op\t%g req/s\t%g server-cpu-ns/req\n", c.impl, c.loops, c.rate*f, c.cpu*f)
		}
	}
	rs, err := parseResults(strings.NewReader(b.String()), "s")
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Join(recommend(rs), "\n")
	for _, want := range []string{"server style (W5, server CPU per request): loop-callbacks", "loops: one per core", "1.80x"} {
		if !strings.Contains(recs, want) {
			t.Errorf("recommendations:\n%s\nwant %q", recs, want)
		}
	}
}

// TestRecommendIgnoresLoneRows: a configuration that measured one
// candidate (W2b's slack=1ms, the default queue only) wins nothing.
func TestRecommendIgnoresLoneRows(t *testing.T) {
	var b strings.Builder
	for i := range 6 {
		for _, row := range []struct {
			impl, cfg string
			late      float64
		}{{"loop-heap", "timers=1000/slack=0", 300}, {"loop-wheel", "timers=1000/slack=0", 100},
			{"loop-heap", "timers=1000/slack=1ms", 900}, {"loop-heap", "timers=100000/slack=1ms", 900}} {
			fmt.Fprintf(&b, "BenchmarkTimerExpiry/impl=%s/%s-2\t1\t2e8 ns/op\t0 B/op\t3 allocs/op\t1e4 cpu-ns/timer\t%g p99-late-µs\n", row.impl, row.cfg, row.late*(1+float64(i)/100))
		}
	}
	rs, err := parseResults(strings.NewReader(b.String()), "s")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(rs, &out)
	if want := "recommended timer queue for expiry (W2b, p99 lateness): loop-wheel"; !strings.Contains(out.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}
}
