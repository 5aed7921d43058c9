package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one line of a line plot.
type Series struct {
	// Label names the line in the legend ("" leaves it out).
	Label string
	// X and Y are the points: X in hours, days or Unix seconds as the
	// plot's axis says; Y in the plot's unit.
	X, Y []float64
	// Color is the line colour.
	Color color.Color
	// Dashes is the dash pattern (nil: solid).
	Dashes []vg.Length
	// Width is the line width (0: 1.5 points).
	Width vg.Length
	// Lower and Upper, when set (one value per X), bound a band drawn
	// under the line in Color, translucent: an ensemble's spread.
	Lower, Upper []float64
}

// LegendEntry is a legend line that need not belong to one series (for
// example "r2" drawn dashed in black when colours tell quantities apart
// and dashes realizations).
type LegendEntry struct {
	// Label is the legend text.
	Label string
	// Color and Dashes style the legend's sample line.
	Color  color.Color
	Dashes []vg.Length
}

// LineOptions control a line plot.
type LineOptions struct {
	// Title is drawn above the plot; XLabel and YLabel name the axes
	// (with units).
	Title, XLabel, YLabel string
	// Dates means X holds Unix seconds (UTC) and is labelled with dates.
	Dates bool
	// Zero includes 0 in the Y range; Symmetric makes it symmetric about 0.
	Zero, Symmetric bool
	// Legend replaces the per-series legend when not nil.
	Legend []LegendEntry
	// Width and Height are the image size in pixels (0: 1000 x 450).
	Width, Height int
}

// RealizationColor returns a distinct colour for realization index i
// (0-based), from the Tableau 10 palette.
func RealizationColor(i int) color.Color {
	p := []color.RGBA{
		{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
		{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
		{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
		{0x17, 0xbe, 0xcf, 0xff},
	}
	return p[i%len(p)]
}

// RealizationDashes returns a dash pattern for index i (0-based): solid for
// the first, then dashed, dotted, ... History plots use it for the
// quantities of a plot (sign, hemisphere) when colours tell realizations
// apart.
func RealizationDashes(i int) []vg.Length {
	ps := [][]vg.Length{
		nil,
		{vg.Points(6), vg.Points(3)},
		{vg.Points(1.5), vg.Points(2)},
		{vg.Points(8), vg.Points(3), vg.Points(1.5), vg.Points(3)},
		{vg.Points(12), vg.Points(4)},
		{vg.Points(3), vg.Points(3)},
	}
	return ps[i%len(ps)]
}

// decimate keeps at most about max points of a long series, keeping the
// minimum and maximum of each bucket so that spikes stay visible.
func decimate(x, y []float64, limit int) ([]float64, []float64) {
	if len(x) <= limit {
		return x, y
	}
	buckets := limit / 2
	var ox, oy []float64
	for b := 0; b < buckets; b++ {
		lo, hi := b*len(x)/buckets, (b+1)*len(x)/buckets
		imin, imax := lo, lo
		for i := lo; i < hi; i++ {
			if y[i] < y[imin] {
				imin = i
			}
			if y[i] > y[imax] {
				imax = i
			}
		}
		a, c := min(imin, imax), max(imin, imax)
		ox, oy = append(ox, x[a]), append(oy, y[a])
		if c != a {
			ox, oy = append(ox, x[c]), append(oy, y[c])
		}
	}
	return ox, oy
}

// legendWidth is the width of the strip right of the plot for the legend.
const legendWidth = 1.9 * vg.Inch

// LinePNG draws a line plot and returns it as PNG bytes.
func LinePNG(series []Series, opt LineOptions) ([]byte, error) {
	if opt.Width <= 0 {
		opt.Width = 1000
	}
	if opt.Height <= 0 {
		opt.Height = 450
	}
	p := plot.New()
	p.Title.Text = opt.Title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text = opt.XLabel
	p.Y.Label.Text = opt.YLabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font.Size = vg.Points(11)
		ax.Tick.Label.Font.Size = vg.Points(10)
	}
	p.X.Tick.Marker = NiceTicks{N: 8}
	p.Y.Tick.Marker = NiceTicks{N: 6}
	if opt.Dates {
		p.X.Tick.Marker = DateTicks{}
	}
	p.Add(plotter.NewGrid(), frame{})
	leg := plot.NewLegend()
	leg.Top = true
	leg.Left = true
	leg.TextStyle.Font.Size = vg.Points(10)
	leg.Padding = vg.Points(3)
	leg.ThumbnailWidth = vg.Points(28)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("series %q: %d x values but %d y values", s.Label, len(s.X), len(s.Y))
		}
		if len(s.X) == 0 {
			continue
		}
		if s.Lower != nil || s.Upper != nil {
			if len(s.Lower) != len(s.X) || len(s.Upper) != len(s.X) {
				return nil, fmt.Errorf("series %q: band of %d and %d values for %d points", s.Label, len(s.Lower), len(s.Upper), len(s.X))
			}
			lx, lo := decimate(s.X, s.Lower, 4000)
			ux, up := decimate(s.X, s.Upper, 4000)
			band := make(plotter.XYs, 0, len(lx)+len(ux))
			for i := range ux {
				band = append(band, plotter.XY{X: ux[i], Y: up[i]})
				ymax = math.Max(ymax, up[i])
			}
			for i := len(lx) - 1; i >= 0; i-- {
				band = append(band, plotter.XY{X: lx[i], Y: lo[i]})
				ymin = math.Min(ymin, lo[i])
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, fmt.Errorf("series %q: band: %w", s.Label, err)
			}
			r, g, b, _ := s.Color.RGBA()
			poly.Color = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x40}
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		x, y := decimate(s.X, s.Y, 4000)
		xy := make(plotter.XYs, len(x))
		for i := range x {
			xy[i].X, xy[i].Y = x[i], y[i]
			ymin, ymax = math.Min(ymin, y[i]), math.Max(ymax, y[i])
			xmin, xmax = math.Min(xmin, x[i]), math.Max(xmax, x[i])
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("series %q: %w", s.Label, err)
		}
		l.Color = s.Color
		l.Width = vg.Points(1.5)
		if s.Width > 0 {
			l.Width = s.Width
		}
		l.Dashes = s.Dashes
		p.Add(l)
		if opt.Legend == nil && s.Label != "" {
			leg.Add(s.Label, l)
		}
		if len(x) == 1 {
			sc, err := plotter.NewScatter(xy)
			if err == nil {
				sc.Color = s.Color
				p.Add(sc)
			}
		}
	}
	for _, e := range opt.Legend {
		l := &plotter.Line{LineStyle: draw.LineStyle{Color: e.Color, Width: vg.Points(1.5), Dashes: e.Dashes}}
		leg.Add(e.Label, l)
	}
	if math.IsInf(ymin, 0) {
		ymin, ymax, xmin, xmax = 0, 1, 0, 1
	}
	if opt.Zero {
		ymin, ymax = math.Min(ymin, 0), math.Max(ymax, 0)
	}
	if opt.Symmetric {
		a := math.Max(math.Abs(ymin), math.Abs(ymax))
		ymin, ymax = -a, a
	}
	if ymax <= ymin {
		d := math.Max(math.Abs(ymax)*0.1, 1e-30)
		if ymax == 0 {
			d = 1
		}
		ymin, ymax = ymin-d, ymax+d
	} else {
		pad := 0.05 * (ymax - ymin)
		if !(opt.Zero && ymin == 0) {
			ymin -= pad
		}
		ymax += pad
	}
	if xmax <= xmin {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax

	w, h := vg.Length(opt.Width)/DPI*vg.Inch, vg.Length(opt.Height)/DPI*vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(img)
	pc := draw.Crop(dc, 0.05*vg.Inch, -legendWidth, 0.05*vg.Inch, -0.05*vg.Inch)
	p.Draw(pc)
	da := p.DataCanvas(pc)
	lc := draw.Crop(dc, w-legendWidth+0.15*vg.Inch, 0, 0, 0)
	lc.Max.Y = da.Max.Y
	leg.Draw(lc)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
