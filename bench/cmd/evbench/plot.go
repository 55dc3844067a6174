package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plots draws, as PNG and SVG in dir: W1 ns per event against descriptors
// for every backend, W2a ns per operation against pending timers for
// every queue and the runtime, W3 round trips per second per server.
func plots(rs *results, dir string) error {
	var errs []error
	if t := rs.table("Dispatch"); t != nil {
		errs = append(errs, lines(t, "fds", "active=1", func(impl string) bool { return !strings.HasPrefix(impl, "loop-") },
			"W1 dispatch: one active chain", "descriptors", "ns per event", filepath.Join(dir, "w1-dispatch")))
	}
	if t := rs.table("TimerChurn"); t != nil {
		errs = append(errs, lines(t, "timers", "", func(string) bool { return true },
			"W2a timer churn", "pending timers", "ns per cancel+arm", filepath.Join(dir, "w2a-churn")))
	}
	if t := rs.table("Echo"); t != nil {
		errs = append(errs, bars(t, "rt/s", "W3 echo: round trips per second", filepath.Join(dir, "w3-echo")))
	}
	return errors.Join(errs...)
}

// lines plots the table's primary unit (in ns) against the numeric key
// x of its rows, one line per implementation, for rows containing keep.
func lines(t *table, x, keep string, want func(string) bool, title, xl, yl, base string) error {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = title, xl, yl
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{}, plot.LogTicks{}
	var args []any
	for _, impl := range t.impls {
		if !want(impl) {
			continue
		}
		var pts plotter.XYs
		for _, row := range t.rows {
			if keep != "" && !contains(strings.Fields(row), keep) {
				continue
			}
			v, ok := key(row, x)
			s := t.sample(row, impl, t.unit())
			if !ok || s == nil {
				continue
			}
			pts = append(pts, plotter.XY{X: v, Y: median(s) * 1e9})
		}
		if len(pts) > 0 {
			args = append(args, impl, pts)
		}
	}
	if len(args) == 0 {
		return nil
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return err
	}
	return save(p, base)
}

// bars plots unit for each implementation at the table's last row.
func bars(t *table, unit, title, base string) error {
	row := t.rows[len(t.rows)-1]
	var vals plotter.Values
	var names []string
	for _, impl := range t.impls {
		if s := t.sample(row, impl, unit); s != nil {
			vals = append(vals, median(s))
			names = append(names, impl)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (%s)", title, row)
	p.Y.Label.Text = unit
	b, err := plotter.NewBarChart(vals, vg.Points(30))
	if err != nil {
		return err
	}
	p.Add(b)
	p.NominalX(names...)
	return save(p, base)
}

func save(p *plot.Plot, base string) error {
	for _, ext := range []string{".png", ".svg"} {
		if err := p.Save(6*vg.Inch, 4*vg.Inch, base+ext); err != nil {
			return err
		}
	}
	return nil
}

// key returns the numeric value of name=value in a row such as
// "fds=100 active=1".
func key(row, name string) (float64, bool) {
	for _, f := range strings.Fields(row) {
		if k, v, ok := strings.Cut(f, "="); ok && k == name {
			x, err := strconv.ParseFloat(v, 64)
			return x, err == nil
		}
	}
	return 0, false
}
