package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"golang.org/x/perf/benchmath"
)

// plots draws, as PNG and SVG in dir, each with the 95% confidence
// interval of every point as an error bar and a caption naming the
// machine, the Go version and the date:
//
//   - W1: ns per event against descriptors, one active chain, for every
//     backend, loop and floor;
//   - W2a: ns per cancel-and-arm against pending timers, every queue;
//   - W2b: p99 lateness against timers due in 100 ms, every queue;
//   - W3: server CPU per round trip, every server, at the most connections;
//   - W4: ns per callback, every implementation and mode.
func plots(rs *results, dir string) error {
	caption := fmt.Sprintf("%s, %s, %s", orUnknown(cpuName()), runtime.Version(), time.Now().Format("2006-01-02"))
	var errs []error
	if t := rs.table("Dispatch"); t != nil {
		errs = append(errs, lines(t, "fds", "active=1", t.unit(), 1e9,
			"W1 dispatch: one active chain", "descriptors", "ns per event", caption, filepath.Join(dir, "w1-dispatch")))
	}
	if t := rs.table("TimerChurn"); t != nil {
		errs = append(errs, lines(t, "timers", "", t.unit(), 1e9,
			"W2a timer churn", "pending timers", "ns per cancel+arm", caption, filepath.Join(dir, "w2a-churn")))
	}
	if t := rs.table("TimerExpiry"); t != nil {
		errs = append(errs, lines(t, "timers", "slack=0", lateUnit, 1,
			"W2b timer expiry: lateness, no slack", "timers due within 100 ms", "p99 lateness (µs)", caption, filepath.Join(dir, "w2b-lateness")))
	}
	if t := rs.table("Echo"); t != nil {
		errs = append(errs, bars(t, []string{t.rows[len(t.rows)-1]}, t.unit(), 1e6,
			"W3 echo: server CPU per round trip", "µs of server CPU per round trip", caption, filepath.Join(dir, "w3-echo")))
	}
	if t := rs.table("CallSoon"); t != nil {
		errs = append(errs, bars(t, t.rows, t.unit(), 1e9,
			"W4 callbacks", "ns per callback", caption, filepath.Join(dir, "w4-callsoon")))
	}
	return errors.Join(errs...)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown CPU"
	}
	return s
}

// errorPoints is a line's points with their confidence intervals.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// lines plots unit (times scale) against the numeric key x of the rows
// containing keep, one line per implementation, with error bars.
func lines(t *table, x, keep, unit string, scale float64, title, xl, yl, caption, base string) error {
	var kept []string
	xs := map[float64]bool{}
	for _, row := range t.rows {
		if v, ok := key(row, x); ok && (keep == "" || contains(strings.Fields(row), keep)) {
			kept = append(kept, row)
			xs[v] = true
		}
	}
	if len(xs) < 2 { // one size measured: bars say it better than a point
		return bars(t, kept, unit, scale, title, yl, caption, base)
	}
	p := newPlot(title, caption)
	p.X.Label.Text, p.Y.Label.Text = xl, yl
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = humanTicks{}, humanTicks{}
	leg := plot.NewLegend()
	n := 0
	for _, impl := range t.impls {
		var pts errorPoints
		for _, row := range t.rows {
			if keep != "" && !contains(strings.Fields(row), keep) {
				continue
			}
			v, ok := key(row, x)
			s := t.sample(row, impl, unit)
			if !ok || s == nil {
				continue
			}
			sum := benchmath.AssumeNothing.Summary(s, 0.95)
			y := sum.Center * scale
			pts.XYs = append(pts.XYs, plotter.XY{X: v, Y: y})
			lo, hi := y-sum.Lo*scale, sum.Hi*scale-y
			if math.IsInf(lo, 0) || math.IsNaN(lo) || math.IsInf(hi, 0) || math.IsNaN(hi) {
				lo, hi = 0, 0 // too few samples for an interval
			}
			pts.YErrors = append(pts.YErrors, struct{ Low, High float64 }{min(lo, y*0.999), hi})
		}
		if len(pts.XYs) == 0 {
			continue
		}
		l, sc, err := plotter.NewLinePoints(pts.XYs)
		if err != nil {
			return err
		}
		l.Color, sc.Color = plotutil.Color(n), plotutil.Color(n)
		l.Dashes, sc.Shape = plotutil.Dashes(n), plotutil.Shape(n)
		eb, err := plotter.NewYErrorBars(pts)
		if err != nil {
			return err
		}
		eb.Color = plotutil.Color(n)
		p.Add(l, sc, eb)
		leg.Add(impl, l, sc)
		n++
	}
	if n == 0 {
		return nil
	}
	return save(p, &leg, base)
}

// bars plots unit (times scale) for every implementation at the given
// rows, a bar each, with its confidence interval.
func bars(t *table, rows []string, unit string, scale float64, title, yl, caption, base string) error {
	var vals plotter.Values
	var errs plotter.YErrors
	var names []string
	for _, row := range rows {
		for _, impl := range t.impls {
			s := t.sample(row, impl, unit)
			if s == nil {
				continue
			}
			sum := benchmath.AssumeNothing.Summary(s, 0.95)
			y := sum.Center * scale
			lo, hi := y-sum.Lo*scale, sum.Hi*scale-y
			if math.IsInf(lo, 0) || math.IsNaN(lo) || math.IsInf(hi, 0) || math.IsNaN(hi) {
				lo, hi = 0, 0
			}
			vals = append(vals, y)
			errs = append(errs, struct{ Low, High float64 }{lo, hi})
			name := impl
			if len(rows) > 1 { // "loop chain" for mode=chain
				_, v, _ := strings.Cut(row, "=")
				name += " " + v
			}
			names = append(names, name)
		}
	}
	if len(vals) == 0 {
		return nil
	}
	p := newPlot(title, caption)
	if len(rows) == 1 {
		p.Title.Text = fmt.Sprintf("%s (%s)\n%s", title, rows[0], caption)
	}
	p.Y.Label.Text = yl
	b, err := plotter.NewBarChart(vals, vg.Points(18))
	if err != nil {
		return err
	}
	b.Color = plotutil.Color(0)
	p.Add(b)
	eb, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{barXYs(vals), errs})
	if err != nil {
		return err
	}
	p.Add(eb)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	return save(p, nil, base)
}

// barXYs places error bars on the bars NominalX puts at 0, 1, 2...
func barXYs(vals plotter.Values) plotter.XYs {
	xys := make(plotter.XYs, len(vals))
	for i, v := range vals {
		xys[i] = plotter.XY{X: float64(i), Y: v}
	}
	return xys
}

func newPlot(title, caption string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title + "\n" + caption
	p.Title.TextStyle.Font.Size = vg.Points(11)
	return p
}

// save writes base.png and base.svg: the plot on the left, its legend (if
// any) in a column of its own on the right, clear of the data.
func save(p *plot.Plot, leg *plot.Legend, base string) error {
	const w, h = 8 * vg.Inch, 4.5 * vg.Inch
	legendWidth := vg.Length(0)
	if leg != nil {
		legendWidth = 1.8 * vg.Inch
		leg.Top, leg.Left = true, true
	}
	for _, c := range []interface {
		vg.CanvasWriterTo
		vg.Canvas
	}{vgimg.PngCanvas{Canvas: vgimg.New(w, h)}, vgsvg.New(w, h)} {
		dc := draw.New(c)
		p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))
		if leg != nil {
			leg.Draw(draw.Crop(dc, w-legendWidth+vg.Points(6), 0, -vg.Points(30), -vg.Points(30)))
		}
		ext := ".svg"
		if _, ok := c.(vgimg.PngCanvas); ok {
			ext = ".png"
		}
		if err := writeFile(base+ext, c); err != nil {
			return err
		}
	}
	return nil
}

// humanTicks are log-scale ticks labelled 1, 10, 100, 1k, 10k, 100k, 1M.
type humanTicks struct{}

func (humanTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.LogTicks{}.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = human(ticks[i].Value)
		}
	}
	return ticks
}

func human(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 3, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
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

func writeFile(name string, c vg.CanvasWriterTo) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
