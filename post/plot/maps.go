package plot

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/goft-sft/goft/format/psihdf"
)

// MapOptions control map and butterfly images.
type MapOptions struct {
	// Sat is the saturation level (Gauss): values beyond +-Sat get the end
	// colours of the scale, and the colour bar overflow triangles. 0 chooses
	// AutoSaturation over all panels (on an asinh scale, the largest |Br|
	// rounded up: see AsinhScale).
	Sat float64
	// Asinh draws the colours on an asinh scale (ColourScale), linear below
	// Knee and logarithmic above, instead of a linear one.
	Asinh bool
	// Knee is the asinh scale's linear range (Gauss); 0 chooses a tenth of
	// AutoSaturation. It is ignored on a linear scale.
	Knee float64
	// SinLat draws the vertical axis linear in sin(latitude), which gives
	// equal areas equal heights, instead of linear in latitude.
	SinLat bool
	// Title is drawn above all panels ("" for none).
	Title string
	// Label is the colour-bar label; "" means "Br (Gauss)".
	Label string
	// Cols is the number of panels per row (0: 1 for one panel, 2 for up to
	// 4, 3 for more).
	Cols int
	// PanelWidth is the width of one panel in pixels (0: 1000 for a single
	// panel, 640 in a grid).
	PanelWidth int
}

// MapPanel is one map of a figure: a 2D HipFT map (dim1 longitude phi,
// dim2 colatitude theta, radians; Br in Gauss).
type MapPanel struct {
	// Title is drawn above the panel ("" for none).
	Title string
	// Map is the 2D map drawn.
	Map *psihdf.Map
}

func (o *MapOptions) defaults(n int) {
	if o.Label == "" {
		o.Label = "Br (Gauss)"
	}
	if o.Cols <= 0 {
		switch {
		case n == 1:
			o.Cols = 1
		case n <= 4:
			o.Cols = 2
		default:
			o.Cols = 3
		}
	}
	if o.PanelWidth <= 0 {
		o.PanelWidth = 640
		if n == 1 {
			o.PanelWidth = 1000
		}
	}
}

// MapPNG draws full-Sun maps in Carrington longitude (0 to 360 degrees, left
// to right) and latitude (north up), one panel per map with a shared
// colour bar, and returns the PNG image and the colour scale used (pass it
// back as Sat, Knee and Asinh to draw more maps on the same scale).
func MapPNG(panels []MapPanel, opt MapOptions) ([]byte, ColourScale, error) {
	if len(panels) == 0 {
		return nil, ColourScale{}, fmt.Errorf("no maps to draw")
	}
	opt.defaults(len(panels))
	f := &figure{title: opt.Title, cols: opt.Cols, sinLat: opt.SinLat, cbLabel: opt.Label}
	var all, w []float64
	for i, mp := range panels {
		m := mp.Map
		if len(m.Dims) != 2 || len(m.Scales) < 2 {
			return nil, ColourScale{}, fmt.Errorf("map %d: want a 2D map (phi, theta), got dimensions %v", i+1, m.Dims)
		}
		x := make([]float64, len(m.Scales[0]))
		for k, p := range m.Scales[0] {
			x[k] = p * 180 / math.Pi
		}
		fd := &Field{X: x, Lat: ThetaToLat(m.Scales[1]), V: m.Data}
		f.panels = append(f.panels, panel{title: mp.Title, field: fd, x0: 0, x1: 360,
			xLabel: "Carrington longitude (°)", xTicks: lonTicks()})
		all = append(all, fd.V...)
		w = append(w, fd.weights()...)
	}
	f.scale = opt.scale(all, w)
	pw := vg.Length(opt.PanelWidth) / DPI * vg.Inch
	f.panelW = pw
	// Room for title and axes around a 2:1 (or, on a sine axis, pi:1) data area.
	aspect := 0.5
	if opt.SinLat {
		aspect = 1 / math.Pi
	}
	f.panelH = pw * vg.Length(aspect)
	f.aspect = aspect
	png, err := f.render()
	return png, f.scale, err
}

// scale returns the colour scale of the options for values v with area
// weights w.
func (o *MapOptions) scale(v, w []float64) ColourScale {
	if !o.Asinh {
		if o.Sat != 0 {
			return ColourScale{Sat: o.Sat}
		}
		return ColourScale{Sat: AutoSaturation(v, w)}
	}
	sc := AsinhScale(v, w)
	if o.Knee != 0 {
		sc.Knee = o.Knee
	}
	if o.Sat != 0 {
		sc.Sat = o.Sat
	}
	return sc
}

// ButterflyPNG draws a butterfly diagram: avg[i + len(hours)*j], the
// longitude-averaged Br (Gauss) at simulation time hours[i] and colatitude
// theta[j] (radians), with time to the right and north up. With a non-zero
// start, the time axis shows dates, start being the date of hours[0];
// otherwise it shows the simulation time in days. It returns the PNG image
// and the colour scale used.
func ButterflyPNG(hours, theta, avg []float64, start time.Time, opt MapOptions) ([]byte, ColourScale, error) {
	if len(hours) == 0 || len(theta) < 2 || len(avg) != len(hours)*len(theta) {
		return nil, ColourScale{}, fmt.Errorf("butterfly data: %d times, %d colatitudes, %d values", len(hours), len(theta), len(avg))
	}
	opt.defaults(1)
	if opt.Label == "Br (Gauss)" {
		opt.Label = "Longitude-averaged Br (Gauss)"
	}
	x := make([]float64, len(hours))
	pn := panel{title: "", xLabel: "Time (days)", xTicks: NiceTicks{N: 8}}
	if start.IsZero() {
		for i, h := range hours {
			x[i] = h / 24
		}
	} else {
		for i, h := range hours {
			x[i] = float64(start.Unix()) + (h-hours[0])*3600
		}
		pn.xLabel = "Date (UT)"
		pn.xTicks = DateTicks{}
	}
	pn.x0, pn.x1 = x[0], x[len(x)-1]
	if pn.x1 <= pn.x0 {
		half := 0.5
		if !start.IsZero() {
			half = 43200
		}
		pn.x0, pn.x1 = pn.x0-half, pn.x0+half
	}
	fd := &Field{X: x, Lat: ThetaToLat(theta), V: avg}
	pn.field = fd
	f := &figure{title: opt.Title, cols: 1, sinLat: opt.SinLat, cbLabel: opt.Label, panels: []panel{pn}}
	f.scale = opt.scale(avg, fd.weights())
	f.panelW = vg.Length(opt.PanelWidth) / DPI * vg.Inch
	f.panelH = 5 * vg.Inch
	png, err := f.render()
	return png, f.scale, err
}
