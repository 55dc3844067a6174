package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"
)

// A cell is one benchmark configuration of one implementation: the
// samples of each unit.
type cell struct {
	values map[string][]float64
}

// A table is one workload: rows are configurations (sizes), columns
// implementations, in first-seen order.
type table struct {
	name  string // Dispatch, TimerChurn, ...
	rows  []string
	impls []string
	cells map[[2]string]*cell // (row, impl)
}

// results is a parsed run, one table per benchmark name.
type results struct {
	tables []*table
}

// readResults parses a file in the Go benchmark format.
func readResults(path string) (*results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseResults(f, path)
}

// parseResults groups results with benchproc: the table by .name, the
// column by /impl, the row by everything else in the name.
func parseResults(r io.Reader, name string) (*results, error) {
	var pp benchproc.ProjectionParser
	byName, err := pp.Parse(".name", nil)
	if err != nil {
		return nil, err
	}
	byImpl, err := pp.Parse("/impl", nil)
	if err != nil {
		return nil, err
	}
	rest := pp.Residue()
	out := &results{}
	tables := map[benchproc.Key]*table{}
	br := benchfmt.NewReader(r, name)
	for br.Scan() {
		res, ok := br.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		tk := byName.Project(res)
		t := tables[tk]
		if t == nil {
			t = &table{name: tk.StringValues(), cells: map[[2]string]*cell{}}
			tables[tk] = t
			out.tables = append(out.tables, t)
		}
		row := nameOnly(rest.Project(res))
		impl := byImpl.Project(res).StringValues()
		c := t.cells[[2]string{row, impl}]
		if c == nil {
			c = &cell{values: map[string][]float64{}}
			t.cells[[2]string{row, impl}] = c
			if !contains(t.rows, row) {
				t.rows = append(t.rows, row)
			}
			if !contains(t.impls, impl) {
				t.impls = append(t.impls, impl)
			}
		}
		for _, v := range res.Values {
			c.values[v.Unit] = append(c.values[v.Unit], v.Value)
		}
	}
	return out, br.Err()
}

// nameOnly keeps the name keys of a residue, whose .fullname reads
// "*/fds=100/active=1" once .name and /impl are projected out, and drops
// the file's configuration (goos, pkg): "fds=100 active=1".
func nameOnly(k benchproc.Key) string {
	var parts []string
	for _, f := range strings.Fields(k.String()) {
		if v, ok := strings.CutPrefix(f, ".fullname:"); ok {
			for _, p := range strings.Split(v, "/") {
				if p != "*" && p != "" {
					parts = append(parts, p)
				}
			}
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	// go test appends -GOMAXPROCS to the last part.
	last := parts[len(parts)-1]
	if i := strings.LastIndexByte(last, '-'); i > 0 && strings.Trim(last[i+1:], "0123456789") == "" && i+1 < len(last) {
		parts[len(parts)-1] = last[:i]
	}
	return strings.Join(parts, " ")
}

func (rs *results) table(name string) *table {
	for _, t := range rs.tables {
		if t.name == name {
			return t
		}
	}
	return nil
}

// primary is the unit that ranks implementations in each workload, and
// floors the implementation each is measured against.
var (
	primary = map[string]string{
		"Dispatch": "sec/op", "TimerChurn": "sec/op", "CallSoon": "sec/op",
		"TimerExpiry": "cpu-sec/timer", "Echo": "server-cpu-sec/rt", "HTTP": "server-cpu-sec/req",
	}
	// W2b has no floor of its own yet; W3's baseline is the Go peer.
	floors = map[string][]string{
		"Dispatch": {"raw-epoll", "raw-poll"}, "TimerChurn": {"raw-heap"}, "CallSoon": {"raw-slice"},
		"Echo": {"netpoller"}, "HTTP": {"net-http"},
	}
)

func (t *table) unit() string {
	if u, ok := primary[t.name]; ok {
		return u
	}
	return "sec/op"
}

// sample returns the samples of unit for (row, impl), nil if none.
func (t *table) sample(row, impl, unit string) *benchmath.Sample {
	c := t.cells[[2]string{row, impl}]
	if c == nil || len(c.values[unitKey(c, unit)]) == 0 {
		return nil
	}
	vs := append([]float64(nil), c.values[unitKey(c, unit)]...)
	return benchmath.NewSample(vs, &benchmath.DefaultThresholds)
}

// unitKey finds unit among a cell's units; benchfmt tidies "ns" units to
// "sec", so both spellings are accepted.
func unitKey(c *cell, unit string) string {
	if _, ok := c.values[unit]; ok {
		return unit
	}
	return strings.Replace(unit, "sec", "ns", 1)
}

func median(s *benchmath.Sample) float64 {
	return benchmath.AssumeNothing.Summary(s, 0.95).Center
}

func (t *table) floor() string {
	for _, f := range floors[t.name] {
		if contains(t.impls, f) {
			return f
		}
	}
	return ""
}

// report prints, for each workload and configuration, a narrow table with
// an implementation a line: the median of the workload's unit with its
// 95% confidence interval, allocations, and the ratio to the floor of
// the same mechanism (poll to raw-poll, not to raw-epoll). It ends with a
// warning when the run was too noisy to trust, and the recommendations.
func report(rs *results, w io.Writer) {
	var noisy, unknown, cells int
	widest := 0.0
	for _, t := range rs.tables {
		unit := t.unit()
		for _, row := range t.rows {
			fmt.Fprintf(w, "\n%s, %s: median %s\n", t.name, row, unit)
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			late := t.name == "TimerExpiry"
			if late {
				fmt.Fprintf(tw, "  impl\tmedian\t95%% CI\t%s\tp99 late\tvs floor\n", t.allocUnit())
			} else {
				fmt.Fprintf(tw, "  impl\tmedian\t95%% CI\t%s\tvs floor\n", t.allocUnit())
			}
			for _, impl := range t.impls {
				s := t.sample(row, impl, unit)
				if s == nil {
					continue
				}
				sum := benchmath.AssumeNothing.Summary(s, 0.95)
				cells++
				switch half := (sum.Hi - sum.Lo) / 2 / sum.Center; {
				case math.IsInf(half, 0) || math.IsNaN(half):
					unknown++ // too few samples for an interval
				case half > noiseLimit:
					noisy++
					widest = max(widest, half)
				}
				allocs := "-"
				if a := t.sample(row, impl, "allocs/op"); a != nil {
					allocs = fmt.Sprintf("%g", median(a))
				}
				ratio := "-"
				switch fl := t.floorFor(impl); {
				case fl == impl:
					ratio = "x1.00 (floor)"
				case fl != "":
					if b := t.sample(row, fl, unit); b != nil {
						ratio = fmt.Sprintf("x%.2f %s", sum.Center/median(b), fl)
					}
				}
				if late {
					p99 := "-"
					if l := t.sample(row, impl, lateUnit); l != nil {
						p99 = fmt.Sprintf("%.0fµs", median(l))
					}
					allocs += "\t" + p99
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", impl, benchunit.Scale(sum.Center, benchunit.ClassOf(unit)), sum.PctRangeString(), allocs, ratio)
			}
			tw.Flush()
		}
	}
	fmt.Fprintln(w)
	if unknown > 0 {
		fmt.Fprintf(w, "%d of %d medians have too few samples for a confidence interval:\nrun with -count 6 or more to judge differences\n", unknown, cells)
	}
	if noisy > 0 {
		fmt.Fprintf(w, "noisy run: %d of %d medians have a 95%% confidence interval wider than ±%.0f%% (the widest ±%.0f%%);\ndifferences smaller than that are not to be trusted:\nrun again with a higher -count, or on a quieter machine\n",
			noisy, cells, noiseLimit*100, widest*100)
	}
	for _, rec := range recommend(rs) {
		fmt.Fprintln(w, rec)
	}
}

// lateUnit is W2b's 99th percentile of lateness (fire time minus
// deadline), in microseconds.
const lateUnit = "p99-late-µs"

// noiseLimit is the half-width of a confidence interval, relative to its
// median, past which report calls a run noisy.
const noiseLimit = 0.10

// allocUnit names what allocs/op counts in t: one op of W2b is a round of
// timers, not a timer.
func (t *table) allocUnit() string {
	if t.name == "TimerExpiry" {
		return "allocs/round"
	}
	return "allocs/op"
}

// floorFor returns the floor impl is measured against: the bare loop of
// the same mechanism where the workload has one (loop-poll and poll
// against raw-poll), else the workload's floor.
func (t *table) floorFor(impl string) string {
	if t.name == "Dispatch" {
		mech := strings.TrimPrefix(strings.TrimPrefix(impl, "loop-"), "raw-")
		if f := "raw-" + mech; contains(t.impls, f) {
			return f
		}
	}
	return t.floor()
}

// recommend names, per use, the implementation that did best in most
// configurations, how far behind the runner-up was, and whether the
// difference is significant (benchmath's Mann-Whitney U test at α = 0.05):
// the backend by W1; the timer queue for churn (timers re-armed before
// they fire, as idle timeouts) by W2a, and for expiry (many timers falling
// due together) by W2b's p99 lateness, which is why the loop's default is
// the heap although the wheel wins churn.
func recommend(rs *results) []string {
	var out []string
	queue := func(i string) bool {
		q := strings.TrimPrefix(i, "loop-")
		return q == "heap" || q == "wheel" || q == "btree"
	}
	for _, c := range []struct {
		what, table, unit string
		candidate         func(string) bool
	}{
		{"backend (W1, time per event)", "Dispatch", "", func(i string) bool { return !strings.Contains(i, "-") }},
		{"timer queue for churn (W2a, time per re-arm)", "TimerChurn", "", queue},
		{"timer queue for expiry (W2b, p99 lateness)", "TimerExpiry", lateUnit, queue},
		{"server style (W5, server CPU per request)", "HTTP", "", func(i string) bool { return strings.HasPrefix(i, "loop-") }},
	} {
		t := rs.table(c.table)
		if t == nil {
			continue
		}
		unit := c.unit
		if unit == "" {
			unit = t.unit()
		}
		if line := t.recommend(c.what, unit, c.candidate); line != "" {
			out = append(out, line)
		}
	}
	if line := recommendLoops(rs); line != "" {
		out = append(out, line)
	}
	if rs.table("TimerChurn") != nil || rs.table("TimerExpiry") != nil {
		out = append(out, "the loop's default timer queue is the heap (the timers package says why);\n  a program whose timers are mostly re-armed before they fire may choose by churn")
	}
	return out
}

func (t *table) recommend(what, unit string, candidate func(string) bool) string {
	wins := map[string]int{}
	type pair struct{ row, best, second string }
	var pairs []pair
	for _, row := range t.rows {
		best, second := "", ""
		for _, impl := range t.impls {
			s := t.sample(row, impl, unit)
			if !candidate(impl) || s == nil {
				continue
			}
			switch {
			case best == "" || median(s) < median(t.sample(row, best, unit)):
				best, second = impl, best
			case second == "" || median(s) < median(t.sample(row, second, unit)):
				second = impl
			}
		}
		if second != "" { // a row with one candidate (W2b's slack=1ms) decides nothing
			wins[best]++
			pairs = append(pairs, pair{row, best, second})
		}
	}
	top := ""
	for impl, n := range wins {
		if top == "" || n > wins[top] || n == wins[top] && impl < top {
			top = impl
		}
	}
	if top == "" {
		return ""
	}
	// The margin over the runner-up, where top won, and its significance.
	logSum, n, significant, runner := 0.0, 0, 0, ""
	for _, p := range pairs {
		if p.best != top || p.second == "" {
			continue
		}
		a, b := t.sample(p.row, top, unit), t.sample(p.row, p.second, unit)
		logSum += math.Log(median(b) / median(a))
		n++
		if cmp := benchmath.AssumeNothing.Compare(a, b); cmp.P < cmp.Alpha {
			significant++
		}
		runner = p.second
	}
	var tied []string
	for impl, n := range wins {
		if impl != top && n == wins[top] {
			tied = append(tied, impl)
		}
	}
	if len(tied) > 0 {
		// No winner: say so rather than let the alphabet choose.
		slices.Sort(tied)
		return fmt.Sprintf("no recommended %s:\n  %s tied with %s, best in %d of %d configurations each",
			what, top, strings.Join(tied, ", "), wins[top], len(pairs))
	}
	line := fmt.Sprintf("recommended %s: %s, best in %d of %d configurations", what, top, wins[top], len(pairs))
	if n > 0 {
		line += fmt.Sprintf(";\n  runner-up %s: %.2fx as much (geometric mean), significant in %d of %d (Mann-Whitney U)",
			runner, math.Exp(logSum/float64(n)), significant, n)
	}
	return line
}

// compare prints, for every configuration measured in both runs, the old
// and new medians of the workload's unit, the change and its p-value.
func compare(old, cur *results, w io.Writer) {
	fmt.Fprintln(w, "\ncompared with the earlier run:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\told\tnew\tdelta\tp")
	for _, t := range cur.tables {
		ot := old.table(t.name)
		if ot == nil {
			continue
		}
		unit := t.unit()
		for _, row := range t.rows {
			for _, impl := range t.impls {
				a, b := ot.sample(row, impl, unit), t.sample(row, impl, unit)
				if a == nil || b == nil {
					continue
				}
				cmp := benchmath.AssumeNothing.Compare(a, b)
				delta := "~"
				if cmp.P < cmp.Alpha {
					delta = fmt.Sprintf("%+.1f%%", (median(b)/median(a)-1)*100)
				}
				class := benchunit.ClassOf(unit)
				fmt.Fprintf(tw, "%s %s %s\t%s\t%s\t%s\t%s\n", t.name, impl, row,
					benchunit.Scale(median(a), class), benchunit.Scale(median(b), class), delta, cmp)
			}
		}
	}
	tw.Flush()
}

// recommendLoops says how many loops to run, from W5's requests per
// second at 1 and at 2 loops for evloop's callbacks server.
func recommendLoops(rs *results) string {
	t := rs.table("HTTP")
	if t == nil {
		return ""
	}
	var one, two *benchmath.Sample
	for _, row := range t.rows {
		switch {
		case strings.HasPrefix(row, "loops=1 "):
			if s := t.sample(row, "loop-callbacks", "req/s"); s != nil && one == nil {
				one = s
			}
		case strings.HasPrefix(row, "loops=2 "):
			if s := t.sample(row, "loop-callbacks", "req/s"); s != nil && two == nil {
				two = s
			}
		}
	}
	if one == nil || two == nil {
		return ""
	}
	gain := median(two) / median(one)
	if cmp := benchmath.AssumeNothing.Compare(one, two); cmp.P >= cmp.Alpha || gain < 1.1 {
		return fmt.Sprintf("loops: one (W5: 2 loops served %.2fx the requests of 1, not significantly more here;\n  on a machine where the load generator shares the cores, measure with the client elsewhere)", gain)
	}
	return fmt.Sprintf("loops: one per core (loop.Group; W5: 2 loops served %.2fx the requests of 1)", gain)
}
