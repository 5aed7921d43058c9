// Package plot draws goft's figures as PNG images: full-Sun maps of Br in
// Carrington longitude and latitude, butterfly diagrams and history line
// plots. It uses gonum.org/v1/plot for axes, text and lines, and draws the
// map rasters itself.
//
// Conventions, as in solar physics: north up, longitude increasing to the
// right from 0 to 360 degrees, a diverging colour map symmetric about zero
// with positive Br red and negative Br blue, values saturating at a chosen
// level in Gauss.
package plot

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strconv"
)

// divergingStops is ColorBrewer's 11-class RdBu scale, reversed: dark blue
// (most negative) through white (zero) to dark red (most positive).
var divergingStops = []color.RGBA{
	{0x05, 0x30, 0x61, 0xff}, {0x21, 0x66, 0xac, 0xff}, {0x43, 0x93, 0xc3, 0xff},
	{0x92, 0xc5, 0xde, 0xff}, {0xd1, 0xe5, 0xf0, 0xff}, {0xf7, 0xf7, 0xf7, 0xff},
	{0xfd, 0xdb, 0xc7, 0xff}, {0xf4, 0xa5, 0x82, 0xff}, {0xd6, 0x60, 0x4d, 0xff},
	{0xb2, 0x18, 0x2b, 0xff}, {0x67, 0x00, 0x1f, 0xff},
}

// Diverging returns the colour of u on the diverging map: u = -1 dark
// blue, 0 near-white, +1 dark red; u is clamped to [-1, 1] and NaN is grey.
func Diverging(u float64) color.RGBA {
	if math.IsNaN(u) {
		return color.RGBA{0x80, 0x80, 0x80, 0xff}
	}
	u = math.Max(-1, math.Min(1, u))
	x := (u + 1) / 2 * float64(len(divergingStops)-1)
	i := int(x)
	if i >= len(divergingStops)-1 {
		return divergingStops[len(divergingStops)-1]
	}
	f := x - float64(i)
	a, b := divergingStops[i], divergingStops[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// AutoSaturation returns a saturation level (Gauss) for values v with
// weights w (nil: equal weights): the weighted 98th percentile of |v|,
// rounded up to 1, 2 or 5 times a power of ten, so that the weak large-scale
// field stays visible next to strong active regions. It is 1 when all
// values are 0.
func AutoSaturation(v, w []float64) float64 {
	type vw struct{ v, w float64 }
	s := make([]vw, 0, len(v))
	total := 0.0
	for i, x := range v {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		if wi <= 0 || math.IsNaN(x) {
			continue
		}
		s = append(s, vw{math.Abs(x), wi})
		total += wi
	}
	if total == 0 {
		return 1
	}
	sort.Slice(s, func(i, j int) bool { return s[i].v < s[j].v })
	acc, q := 0.0, 0.0
	for _, e := range s {
		acc += e.w
		q = e.v
		if acc >= 0.98*total {
			break
		}
	}
	return NiceCeil(q)
}

// NiceCeil returns the smallest of 1, 2 or 5 times a power of ten that is
// >= x (x > 0), or 1 when x <= 0.
func NiceCeil(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-12) {
			return m * p
		}
	}
	return 10 * p
}

// ColourScale maps a value (Gauss, or m/s for a flow map) to the diverging
// colour map's [-1, 1]: linearly, v/Sat, when Knee is 0, or as
// asinh(v/Knee)/asinh(Sat/Knee) when Knee > 0, which is linear below the
// knee and logarithmic above it, so that weak large-scale fields and strong
// active regions show on one map. Values beyond +-Sat get the end colours
// (the colour bar then shows overflow triangles).
type ColourScale struct {
	Sat  float64 // saturation level, > 0
	Knee float64 // 0: linear; > 0: the asinh scale's linear range
}

// U returns v's position on the colour map, in [-1, 1].
func (s ColourScale) U(v float64) float64 {
	var u float64
	if s.Knee > 0 {
		u = math.Asinh(v/s.Knee) / math.Asinh(s.Sat/s.Knee)
	} else {
		u = v / s.Sat
	}
	return math.Max(-1, math.Min(1, u))
}

// check reports a scale that cannot be drawn.
func (s ColourScale) check() error {
	if !(s.Sat > 0) || math.IsInf(s.Sat, 0) {
		return fmt.Errorf("saturation level must be a positive number of Gauss, got %g", s.Sat)
	}
	if s.Knee < 0 || math.IsNaN(s.Knee) || math.IsInf(s.Knee, 0) {
		return fmt.Errorf("asinh knee must be a positive number of Gauss (or 0 for a linear scale), got %g", s.Knee)
	}
	return nil
}

// ticks returns the colour-bar ticks of the scale from -Sat to Sat: those
// of colourBarTicks on a linear scale; on an asinh scale 0, +-Sat and the
// values 1, 2 or 5 times a power of ten between the knee and Sat that lie
// at least 0.12 apart on the bar (and from its ends).
func (s ColourScale) ticks() []float64 {
	if s.Knee <= 0 {
		return colourBarTicks(s.Sat)
	}
	pos := []float64{s.Sat}
	last := s.U(s.Sat)
	p := math.Pow(10, math.Ceil(math.Log10(s.Sat)))
	for ; p >= s.Knee/10 && p > 0; p /= 10 {
		for _, m := range []float64{5, 2, 1} {
			v := m * p
			if v >= s.Sat || v < s.Knee/2 {
				continue
			}
			if u := s.U(v); last-u >= 0.12 && u >= 0.12 {
				pos = append(pos, v)
				last = u
			}
		}
	}
	ts := []float64{0}
	for _, v := range pos {
		ts = append(ts, v, -v)
	}
	sort.Float64s(ts)
	return ts
}

// maxAbs returns the largest |v| of v (NaN skipped), 0 when there is none.
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if a := math.Abs(x); a > m {
			m = a
		}
	}
	return m
}

// AsinhScale returns the asinh colour scale for values v with weights w
// (nil: equal weights): the knee at a tenth of AutoSaturation (the 98th
// percentile of |v|) and saturation at NiceCeil of the largest |v|, so that
// nothing saturates.
func AsinhScale(v, w []float64) ColourScale {
	knee := AutoSaturation(v, w) / 10
	return ColourScale{Sat: math.Max(NiceCeil(maxAbs(v)), knee), Knee: knee}
}

// Describe writes the scale for messages and captions, in unit: "+-10 G",
// or "+-500 G, asinh with knee 1 G".
func (s ColourScale) Describe(unit string) string {
	d := "+-" + strconv.FormatFloat(s.Sat, 'g', -1, 64) + " " + unit
	if s.Knee > 0 {
		d += ", asinh with knee " + strconv.FormatFloat(s.Knee, 'g', 4, 64) + " " + unit
	}
	return d
}
