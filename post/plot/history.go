package plot

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/goft-sft/goft/post/analysis"
)

// Figure is a rendered image with the file name it is saved under.
type Figure struct {
	// Name is the PNG file name, e.g. "history_flux_pm.png".
	Name string
	// Title describes the figure.
	Title string
	// PNG is the encoded image.
	PNG []byte
}

// HistoryOptions control the history plots.
type HistoryOptions struct {
	// Start, if not zero, is the date of the first history time: the time
	// axis then shows dates.
	Start time.Time
	// PoleLat is the polar-cap latitude limit (degrees) the run used
	// (pole_flux_lat_limit, HipFT's default 30), for labels.
	PoleLat float64
	// FromZero starts the flux and Br-extreme axes at zero; by default
	// they are scaled to the data, so that a change of a few percent shows.
	FromZero bool
	// MaxLines is the most realizations drawn as lines: a larger ensemble
	// is drawn as its median with a band from its minimum to its maximum
	// (0: 10).
	MaxLines int
}

var (
	red    = color.RGBA{0xd6, 0x27, 0x28, 0xff}
	blue   = color.RGBA{0x1f, 0x5f, 0xb4, 0xff}
	orange = color.RGBA{0xff, 0x8c, 0x00, 0xff}
	teal   = color.RGBA{0x17, 0xa5, 0xb0, 0xff}
	black  = color.RGBA{0, 0, 0, 0xff}
	purple = color.RGBA{0x80, 0x3c, 0xb0, 0xff}
)

// translucent returns c at half opacity: a wide line under a thin one of
// the same colour.
func translucent(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x70}
}

// qty is one plotted quantity of a multi-quantity plot.
type qty struct {
	label string
	col   color.Color
	get   func(q *analysis.Quantities) []float64
}

// HistoryFigures draws the history plots of all realizations together, as
// HipFT's hipft_plot_histories.py does: positive and negative flux, total
// unsigned flux, flux imbalance, polar-cap fluxes and mean fields, axial and
// equatorial dipole, Br extremes, and the validation error when a run has
// one.
func HistoryFigures(qs []*analysis.Quantities, opt HistoryOptions) ([]Figure, error) {
	if len(qs) == 0 {
		return nil, fmt.Errorf("no histories to plot")
	}
	if opt.PoleLat == 0 {
		opt.PoleLat = 30
	}
	// Time axis.
	t0 := math.Inf(1)
	tEnd := math.Inf(-1)
	for _, q := range qs {
		if len(q.Time) > 0 {
			t0 = math.Min(t0, q.Time[0])
			tEnd = math.Max(tEnd, q.Time[len(q.Time)-1])
		}
	}
	xlabel := "Time (days)"
	scale := 1.0 / 24
	if tEnd-t0 < 48 {
		xlabel, scale = "Time (hours)", 1
	}
	xs := make([][]float64, len(qs))
	for k, q := range qs {
		xs[k] = make([]float64, len(q.Time))
		for i, t := range q.Time {
			if opt.Start.IsZero() {
				xs[k][i] = t * scale
			} else {
				xs[k][i] = float64(opt.Start.Unix()) + (t-t0)*3600
			}
		}
	}
	if !opt.Start.IsZero() {
		xlabel = "Date (UT)"
	}
	many := len(qs) > 1
	rlabel := func(k int) string {
		r := qs[k].Realization
		if r == 0 {
			r = k + 1
		}
		return fmt.Sprintf("r%d", r)
	}
	scaled := func(v []float64, f float64, abs bool) []float64 {
		out := make([]float64, len(v))
		for i, x := range v {
			if abs {
				x = math.Abs(x)
			}
			out[i] = x * f
		}
		return out
	}
	if opt.MaxLines <= 0 {
		opt.MaxLines = 10
	}
	// spread: a large ensemble on a common time axis is drawn as its median
	// and its range.
	spread := len(qs) > opt.MaxLines
	for _, q := range qs[1:] {
		if len(q.Time) != len(qs[0].Time) {
			spread = false
		}
	}
	band := func(get func(q *analysis.Quantities) []float64) (median, lo, hi []float64) {
		n := len(qs[0].Time)
		median, lo, hi = make([]float64, n), make([]float64, n), make([]float64, n)
		vals := make([][]float64, len(qs))
		for k, q := range qs {
			vals[k] = get(q)
		}
		col := make([]float64, len(qs))
		for i := 0; i < n; i++ {
			for k := range qs {
				col[k] = vals[k][i]
			}
			sort.Float64s(col)
			lo[i], hi[i] = col[0], col[len(col)-1]
			if m := len(col); m%2 == 1 {
				median[i] = col[m/2]
			} else {
				median[i] = (col[m/2-1] + col[m/2]) / 2
			}
		}
		return median, lo, hi
	}
	ensembleNote := func(lo *LineOptions) {
		if spread {
			lo.Title += fmt.Sprintf(" (%d realizations: median, band from min to max)", len(qs))
		}
	}
	// multi draws several quantities. One meaning per channel: with one
	// realization the quantities are colours; with several, colours are
	// realizations and dash patterns the quantities; with a large ensemble,
	// the quantities' medians in their colours over their min-max bands.
	// With widen, the first quantity is drawn wider so that equal curves
	// (a balanced flux: Flux(+) = |Flux(-)|) stay visible under the second.
	multi := func(quantities []qty, widen bool, lo LineOptions) ([]byte, error) {
		var ss []Series
		width := func(i int) vg.Length {
			if widen && i == 0 {
				return vg.Points(3)
			}
			return vg.Points(1.5)
		}
		switch {
		case spread:
			for i, qt := range quantities {
				m, l, h := band(qt.get)
				ss = append(ss, Series{X: xs[0], Y: m, Lower: l, Upper: h, Color: qt.col, Width: width(i)})
				lo.Legend = append(lo.Legend, LegendEntry{Label: qt.label, Color: qt.col})
			}
			ensembleNote(&lo)
		case many:
			for k, q := range qs {
				for i, qt := range quantities {
					c := RealizationColor(k)
					if widen && i == 0 {
						c = translucent(c) // the dashed line on top stays visible
					}
					ss = append(ss, Series{X: xs[k], Y: qt.get(q), Color: c, Dashes: RealizationDashes(i), Width: width(i)})
				}
			}
			for i, qt := range quantities {
				c := color.Color(black)
				if widen && i == 0 {
					c = translucent(black)
				}
				lo.Legend = append(lo.Legend, LegendEntry{Label: qt.label, Color: c, Dashes: RealizationDashes(i)})
			}
			for k := range qs {
				lo.Legend = append(lo.Legend, LegendEntry{Label: rlabel(k), Color: RealizationColor(k)})
			}
		default:
			for _, q := range qs {
				for i, qt := range quantities {
					ss = append(ss, Series{X: xs[0], Y: qt.get(q), Color: qt.col, Width: width(i)})
				}
			}
			for _, qt := range quantities {
				lo.Legend = append(lo.Legend, LegendEntry{Label: qt.label, Color: qt.col})
			}
		}
		lo.XLabel, lo.Dates = xlabel, !opt.Start.IsZero()
		return LinePNG(ss, lo)
	}
	// single draws one quantity, realizations in colours (a large
	// ensemble: its median over its min-max band).
	single := func(get func(q *analysis.Quantities) []float64, lo LineOptions) ([]byte, error) {
		var ss []Series
		if spread {
			m, l, h := band(get)
			ss = append(ss, Series{X: xs[0], Y: m, Lower: l, Upper: h, Color: RealizationColor(0)})
			ensembleNote(&lo)
		} else {
			for k, q := range qs {
				s := Series{X: xs[k], Y: get(q), Color: RealizationColor(k)}
				if many {
					s.Label = rlabel(k)
				}
				ss = append(ss, s)
			}
		}
		lo.XLabel, lo.Dates = xlabel, !opt.Start.IsZero()
		return LinePNG(ss, lo)
	}
	const mx = 1e-21 // Mx -> 10^21 Mx
	fluxUnit := "Flux (10²¹ Mx)"
	pl := fmt.Sprintf("%g", opt.PoleLat)
	type spec struct {
		name, title string
		draw        func(title string) ([]byte, error)
	}
	specs := []spec{
		{"history_flux_pm.png", "Positive and negative flux", func(t string) ([]byte, error) {
			return multi([]qty{
				{"Flux (+)", red, func(q *analysis.Quantities) []float64 { return scaled(q.FluxPos, mx, false) }},
				{"|Flux (−)|", blue, func(q *analysis.Quantities) []float64 { return scaled(q.FluxNeg, mx, true) }},
			}, true, LineOptions{Title: t, YLabel: fluxUnit, Zero: opt.FromZero})
		}},
		{"history_flux_total_unsigned.png", "Total unsigned flux", func(t string) ([]byte, error) {
			return single(func(q *analysis.Quantities) []float64 { return scaled(q.Unsigned, mx, false) },
				LineOptions{Title: t, YLabel: fluxUnit, Zero: opt.FromZero})
		}},
		{"history_flux_imb_pm.png", "Flux imbalance: 100 (Flux(+) + Flux(−)) / (|Flux(+)| + |Flux(−)|)", func(t string) ([]byte, error) {
			return single(func(q *analysis.Quantities) []float64 { return q.Imbalance },
				LineOptions{Title: t, YLabel: "Imbalance (%)", Symmetric: true})
		}},
		{"history_flux_poles_" + pl + ".png", "Polar-cap fluxes (poleward of " + pl + "° latitude)", func(t string) ([]byte, error) {
			return multi([]qty{
				{"North (+)", red, func(q *analysis.Quantities) []float64 { return scaled(q.NPos, mx, false) }},
				{"North (−)", blue, func(q *analysis.Quantities) []float64 { return scaled(q.NNeg, mx, false) }},
				{"South (+)", orange, func(q *analysis.Quantities) []float64 { return scaled(q.SPos, mx, false) }},
				{"South (−)", teal, func(q *analysis.Quantities) []float64 { return scaled(q.SNeg, mx, false) }},
			}, false, LineOptions{Title: t, YLabel: fluxUnit, Symmetric: true})
		}},
		{"history_field_poles_" + pl + ".png", "Mean polar-cap field (net flux / area poleward of " + pl + "°)", func(t string) ([]byte, error) {
			return multi([]qty{
				{"North", black, func(q *analysis.Quantities) []float64 { return q.NField }},
				{"South", purple, func(q *analysis.Quantities) []float64 { return q.SField }},
			}, false, LineOptions{Title: t, YLabel: "Br (Gauss)", Symmetric: true})
		}},
		{"history_dipole_axial.png", "Axial dipole strength", func(t string) ([]byte, error) {
			return single(func(q *analysis.Quantities) []float64 { return q.AxDipole },
				LineOptions{Title: t, YLabel: "Axial dipole (Gauss)", Symmetric: true})
		}},
		{"history_dipole_eq.png", "Equatorial dipole strength", func(t string) ([]byte, error) {
			return single(func(q *analysis.Quantities) []float64 { return q.EqDipole },
				LineOptions{Title: t, YLabel: "Equatorial dipole (Gauss)"})
		}},
		{"history_br.png", "Br extremes: max(Br) and |min(Br)|", func(t string) ([]byte, error) {
			return multi([]qty{
				{"max(Br)", red, func(q *analysis.Quantities) []float64 { return q.BrMax }},
				{"|min(Br)|", blue, func(q *analysis.Quantities) []float64 { return scaled(q.BrMin, 1, true) }},
			}, true, LineOptions{Title: t, YLabel: "Br (Gauss)", Zero: opt.FromZero})
		}},
	}
	hasVal := false
	for _, q := range qs {
		hasVal = hasVal || q.Validation != nil
	}
	if hasVal {
		specs = append(specs, spec{"history_val.png", "Validation error HHabs against the exact solution", func(t string) ([]byte, error) {
			return single(func(q *analysis.Quantities) []float64 {
				if q.Validation == nil {
					return make([]float64, len(q.Time))
				}
				return q.Validation
			}, LineOptions{Title: t, YLabel: "HHabs", Zero: true})
		}})
	}
	var out []Figure
	for _, s := range specs {
		png, err := s.draw(s.title)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		out = append(out, Figure{Name: s.name, Title: s.title, PNG: png})
	}
	return out, nil
}
