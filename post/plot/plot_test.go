package plot

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/datadir"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/internal/testrun"
	"github.com/goft-sft/goft/post/analysis"
)

func TestDiverging(t *testing.T) {
	for _, tc := range []struct {
		u    float64
		want string // "blue", "white", "red"
	}{{-1, "blue"}, {-0.5, "blue"}, {0, "white"}, {0.5, "red"}, {1, "red"}, {5, "red"}, {-7, "blue"}} {
		c := Diverging(tc.u)
		var got string
		switch {
		case c.R > 0xf0 && c.G > 0xf0 && c.B > 0xf0:
			got = "white"
		case c.R > c.B:
			got = "red"
		default:
			got = "blue"
		}
		if got != tc.want {
			t.Errorf("Diverging(%g) = %v (%s), want %s", tc.u, c, got, tc.want)
		}
	}
	if Diverging(2) != Diverging(1) || Diverging(-2) != Diverging(-1) {
		t.Error("values beyond the saturation level must get the end colours")
	}
}

func TestNiceCeilAndAutoSaturation(t *testing.T) {
	for _, tc := range []struct{ x, want float64 }{
		{0, 1}, {-3, 1}, {1, 1}, {1.2, 2}, {3, 5}, {7, 10}, {10, 10}, {0.013, 0.02}, {450, 500},
	} {
		if got := NiceCeil(tc.x); math.Abs(got-tc.want) > 1e-12*tc.want {
			t.Errorf("NiceCeil(%g) = %g, want %g", tc.x, got, tc.want)
		}
	}
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(i + 1) // 98th percentile: 98
	}
	v[50] = -v[50]
	if got := AutoSaturation(v, nil); got != 100 {
		t.Errorf("AutoSaturation = %g, want 100", got)
	}
	if got := AutoSaturation(make([]float64, 10), nil); got != 1 {
		t.Errorf("AutoSaturation(zeros) = %g, want 1", got)
	}
	// Weights: the large values carry no area.
	w := make([]float64, 100)
	for i := range w {
		if i < 50 {
			w[i] = 1
		}
	}
	if got := AutoSaturation(v, w); got != 50 {
		t.Errorf("weighted AutoSaturation = %g, want 50", got)
	}
}

func TestRasterOrientation(t *testing.T) {
	// +1 at the north pole row, -1 at the south, 0 at the equator; and a
	// column gradient in x.
	f := &Field{X: []float64{0, 360}, Lat: []float64{90, 0, -90}, V: []float64{1, 1, 0, 0, -1, -1}}
	img := Raster(f, 40, 20, 0, 360, false, ColourScale{Sat: 1})
	top, bottom, mid := img.RGBAAt(20, 0), img.RGBAAt(20, 19), img.RGBAAt(20, 10)
	if !(top.R > top.B) || !(bottom.B > bottom.R) {
		t.Errorf("north (top) %v should be red, south (bottom) %v blue", top, bottom)
	}
	if mid.R < 0xd0 || mid.B < 0xd0 {
		t.Errorf("equator %v should be near white", mid)
	}
	// Descending latitudes give the same picture.
	g := &Field{X: f.X, Lat: []float64{-90, 0, 90}, V: []float64{-1, -1, 0, 0, 1, 1}}
	img2 := Raster(g, 40, 20, 0, 360, true, ColourScale{Sat: 1})
	if c := img2.RGBAAt(5, 0); !(c.R > c.B) {
		t.Errorf("ascending-latitude field, sine axis: top %v should be red", c)
	}
	// Longitude increases to the right.
	h := &Field{X: []float64{0, 180, 360}, Lat: []float64{90, -90}, V: []float64{-1, 0, 1, -1, 0, 1}}
	img3 := Raster(h, 36, 4, 0, 360, false, ColourScale{Sat: 1})
	if l, r := img3.RGBAAt(0, 2), img3.RGBAAt(35, 2); !(l.B > l.R) || !(r.R > r.B) {
		t.Errorf("left %v should be blue, right %v red", l, r)
	}
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// strong reports whether c is a strongly red (+1) or blue (-1) pixel.
func strong(r, g, b, _ uint32) int {
	r, g, b = r>>8, g>>8, b>>8
	switch {
	case r > 150 && g < 80 && b < 90:
		return 1
	case b > 90 && r < 60 && g < 120:
		return -1
	}
	return 0
}

func TestMapPNGOrientation(t *testing.T) {
	m := testrun.Map() // positive spot at lon 100, negative at lon 80, both at lat 20 N
	b, sat, err := MapPNG([]MapPanel{{Map: m}}, MapOptions{Sat: 50, Title: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if sat != (ColourScale{Sat: 50}) {
		t.Errorf("scale %+v, want a linear scale saturating at 50", sat)
	}
	img := decode(t, b)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w != 1000+cbPixels || h < 400 || h > 700 {
		t.Errorf("image %dx%d", w, h)
	}
	// Centroids of strongly coloured pixels, leaving out the colour bar.
	var sx, sy, n [2]float64
	for y := 0; y < h; y++ {
		for x := 0; x < 1000; x++ {
			if s := strong(img.At(x, y).RGBA()); s != 0 {
				k := (s + 1) / 2
				sx[k] += float64(x)
				sy[k] += float64(y)
				n[k]++
			}
		}
	}
	if n[0] == 0 || n[1] == 0 {
		t.Fatalf("no strong pixels: %v", n)
	}
	bx, by := sx[0]/n[0], sy[0]/n[0]
	rx, ry := sx[1]/n[1], sy[1]/n[1]
	if rx <= bx {
		t.Errorf("positive spot (lon 100) at x=%.0f should be right of the negative one (lon 80) at x=%.0f", rx, bx)
	}
	if ry > float64(h)/2 || by > float64(h)/2 {
		t.Errorf("spots at 20 N should be in the upper half: y=%.0f, %.0f of %d", ry, by, h)
	}
	// Longitude 90 sits at a quarter of the data width: the spots' mean x
	// is at about 25% of the plot area (which starts at about 60 px).
	if mx := (rx + bx) / 2; mx < 60+0.2*900 || mx > 60+0.3*900 {
		t.Errorf("bipole centre at x=%.0f, want about a quarter of the way across", mx)
	}
}

func TestMapPNGGridAndErrors(t *testing.T) {
	m := testrun.Map()
	panels := []MapPanel{{"a", m}, {"b", m}, {"c", m}}
	b, sat, err := MapPNG(panels, MapOptions{SinLat: true})
	if err != nil {
		t.Fatal(err)
	}
	if sat.Sat <= 0 || sat.Knee != 0 {
		t.Errorf("automatic scale %+v", sat)
	}
	img := decode(t, b)
	if w := img.Bounds().Dx(); w != 2*640+cbPixels {
		t.Errorf("grid of 3 maps in 2 columns: width %d", w)
	}
	if _, _, err := MapPNG(nil, MapOptions{}); err == nil {
		t.Error("no panels: no error")
	}
	if _, _, err := MapPNG(panels, MapOptions{Sat: -1}); err == nil {
		t.Error("negative saturation: no error")
	}
}

func TestButterflyPNG(t *testing.T) {
	hours := []float64{0, 24, 48}
	theta := []float64{0, math.Pi / 4, math.Pi / 2, 3 * math.Pi / 4, math.Pi}
	avg := []float64{5, 5, 5, 5, 5, 5, 0, 0, 0, -5, -5, -5, -5, -5, -5}
	for _, start := range []time.Time{{}, time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)} {
		b, sat, err := ButterflyPNG(hours, theta, avg, start, MapOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if sat.Sat != 5 {
			t.Errorf("saturation %g, want 5", sat.Sat)
		}
		decode(t, b)
	}
	if _, _, err := ButterflyPNG(hours, theta, avg[:3], time.Time{}, MapOptions{}); err == nil {
		t.Error("short data: no error")
	}
	// One map only.
	if _, _, err := ButterflyPNG(hours[:1], theta, []float64{1, 1, 0, -1, -1}, time.Time{}, MapOptions{}); err != nil {
		t.Errorf("one map: %v", err)
	}
}

func TestHistoryFigures(t *testing.T) {
	dir := t.TempDir()
	testrun.Make(t, dir, testrun.Options{Realizations: 3})
	hs, err := analysis.ReadRunHistories(dir)
	if err != nil {
		t.Fatal(err)
	}
	var qs []*analysis.Quantities
	for _, h := range hs {
		q, err := analysis.HistoryQuantities(h)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q)
	}
	figs, err := HistoryFigures(qs, HistoryOptions{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"history_flux_pm.png", "history_flux_total_unsigned.png", "history_flux_imb_pm.png",
		"history_flux_poles_30.png", "history_field_poles_30.png", "history_dipole_axial.png",
		"history_dipole_eq.png", "history_br.png"}
	if len(figs) != len(want) {
		t.Fatalf("%d figures, want %d", len(figs), len(want))
	}
	for i, f := range figs {
		if f.Name != want[i] {
			t.Errorf("figure %d is %s, want %s", i, f.Name, want[i])
		}
		img := decode(t, f.PNG)
		if img.Bounds().Dx() != 1000 || img.Bounds().Dy() != 450 {
			t.Errorf("%s is %v", f.Name, img.Bounds())
		}
	}
	// A validation column adds a plot.
	qs[0].Validation = make([]float64, len(qs[0].Time))
	qs[0].Validation[1] = 1e-3
	figs, err = HistoryFigures(qs[:1], HistoryOptions{PoleLat: 60})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(figs); n != 9 || figs[8].Name != "history_val.png" || figs[3].Name != "history_flux_poles_60.png" {
		t.Errorf("validation run: %d figures", n)
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		labels []string
	}{
		{0, 5, []string{"0", "1", "2", "3", "4", "5"}},
		{0, 120, []string{"0", "20", "40", "60", "80", "100", "120"}},
		{-0.3, 0.3, []string{"-0.3", "-0.2", "-0.1", "0", "0.1", "0.2", "0.3"}},
	} {
		var got []string
		for _, tk := range (NiceTicks{}).Ticks(tc.lo, tc.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if len(got) != len(tc.labels) {
			t.Errorf("NiceTicks(%g, %g) = %v, want %v", tc.lo, tc.hi, got, tc.labels)
			continue
		}
		for i := range got {
			if got[i] != tc.labels[i] {
				t.Errorf("NiceTicks(%g, %g) = %v, want %v", tc.lo, tc.hi, got, tc.labels)
				break
			}
		}
	}
	d0 := float64(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Unix())
	for _, tc := range []struct {
		days  float64
		first string
	}{{5, "2024-05-01"}, {60, "2024-05-01"}, {200, "2024-05"}, {3000, "2025"}} {
		ts := (DateTicks{}).Ticks(d0, d0+tc.days*86400)
		if len(ts) < 2 || ts[0].Label != tc.first {
			t.Errorf("DateTicks over %g days: %v", tc.days, ts)
		}
	}
	for _, tc := range []struct {
		sat  float64
		want []float64
	}{
		{10, []float64{-10, -5, 0, 5, 10}},
		{5, []float64{-5, -2.5, 0, 2.5, 5}},
		{30, []float64{-30, -20, -10, 0, 10, 20, 30}},
		{100, []float64{-100, -50, 0, 50, 100}},
		{7, []float64{-6, -4, -2, 0, 2, 4, 6}},
		{0.02, []float64{-0.02, -0.015, -0.01, -0.005, 0, 0.005, 0.01, 0.015, 0.02}},
	} {
		got := colourBarTicks(tc.sat)
		ok := len(got) == len(tc.want)
		for i := 0; ok && i < len(got); i++ {
			ok = math.Abs(got[i]-tc.want[i]) < 1e-12
		}
		if !ok {
			t.Errorf("colour bar ticks for %g G: %v, want %v", tc.sat, got, tc.want)
		}
	}
}

// cbPixels is the colour-bar strip's width in pixels.
var cbPixels = int(math.Round(colourBarWidth.Dots(DPI)))

func TestMovieGIF(t *testing.T) {
	frame := func(w, h int, c color.Color) []byte {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(img, img.Bounds(), &image.Uniform{c}, image.Point{}, draw.Src)
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	red, grey := Diverging(0.7), color.RGBA{0x33, 0x33, 0x33, 0xff}
	out, err := movieGIF([][]byte{frame(40, 20, red), frame(40, 20, grey), frame(40, 20, color.White)}, 10)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.LoopCount != 0 || g.Delay[0] != 10 || g.Delay[2] != 30 {
		t.Fatalf("%d frames, loop %d, delays %v; want 3 frames looping forever, delays 10, 10, 30", len(g.Image), g.LoopCount, g.Delay)
	}
	// Colours of the map scale and greys come through (nearly) unchanged.
	for i, want := range []color.RGBA{red, grey, {0xff, 0xff, 0xff, 0xff}} {
		r, gg, b, _ := g.Image[i].At(5, 5).RGBA()
		d := max(absDiff(r>>8, uint32(want.R)), absDiff(gg>>8, uint32(want.G)), absDiff(b>>8, uint32(want.B)))
		if d > 3 {
			t.Errorf("frame %d: colour %v, want %v", i+1, g.Image[i].At(5, 5), want)
		}
	}
	if _, err := movieGIF([][]byte{frame(40, 20, red), frame(30, 20, red)}, 10); err == nil || !strings.Contains(err.Error(), "one size") {
		t.Errorf("frames of two sizes: error %v", err)
	}
	if _, err := movieGIF(nil, 10); err == nil {
		t.Error("no frames: no error")
	}
	for _, d := range []int{0, MaxFrameDelay + 1} {
		if _, err := movieGIF([][]byte{frame(40, 20, red)}, d); err == nil {
			t.Errorf("delay %d: no error", d)
		}
	}
	if _, err := movieGIF([][]byte{[]byte("not a PNG")}, 10); err == nil || !strings.Contains(err.Error(), "frame 1") {
		t.Errorf("a bad frame: error %v", err)
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// movieGIF joins PNG frames into an animated GIF (NewMovie, Add, Encode).
func movieGIF(frames [][]byte, delay int) ([]byte, error) {
	mv, err := NewMovie(delay)
	if err != nil {
		return nil, err
	}
	for _, f := range frames {
		if err := mv.Add(f); err != nil {
			return nil, err
		}
	}
	return mv.Encode()
}

func TestColourScale(t *testing.T) {
	cases := []struct {
		sc      ColourScale
		v, want float64
	}{
		{ColourScale{Sat: 10}, 5, 0.5},
		{ColourScale{Sat: 10}, -20, -1},
		{ColourScale{Sat: 10}, 0, 0},
		{ColourScale{Sat: 100, Knee: 1}, 100, 1},
		{ColourScale{Sat: 100, Knee: 1}, -1000, -1},
		{ColourScale{Sat: 100, Knee: 1}, 1, math.Asinh(1) / math.Asinh(100)},
		{ColourScale{Sat: 100, Knee: 1}, -10, -math.Asinh(10) / math.Asinh(100)},
	}
	for _, c := range cases {
		if got := c.sc.U(c.v); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%+v.U(%g) = %g, want %g", c.sc, c.v, got, c.want)
		}
	}
	// Near zero the asinh scale is linear with slope 1/(Knee asinh(Sat/Knee)).
	sc := ColourScale{Sat: 500, Knee: 2}
	if got, want := sc.U(1e-6)/1e-6, 1/(2*math.Asinh(250)); math.Abs(got-want) > 1e-9*want {
		t.Errorf("slope at 0: %g, want %g", got, want)
	}
	for _, bad := range []ColourScale{{}, {Sat: -1}, {Sat: math.Inf(1)}, {Sat: 1, Knee: -1}, {Sat: 1, Knee: math.NaN()}} {
		if bad.check() == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
	if d := (ColourScale{Sat: 500, Knee: 2}).Describe("G"); d != "+-500 G, asinh with knee 2 G" {
		t.Errorf("Describe: %q", d)
	}
}

func TestColourScaleTicks(t *testing.T) {
	for _, sc := range []ColourScale{{Sat: 10}, {Sat: 300, Knee: 1}, {Sat: 2000, Knee: 0.5}, {Sat: 5, Knee: 5}, {Sat: 1, Knee: 100}} {
		ts := sc.ticks()
		if !sort.Float64sAreSorted(ts) || ts[0] != -sc.Sat || ts[len(ts)-1] != sc.Sat {
			t.Errorf("%+v: ticks %v: want sorted, from -Sat to Sat", sc, ts)
			continue
		}
		has0 := false
		for i, v := range ts {
			has0 = has0 || v == 0
			if i > 0 && sc.Knee > 0 && sc.U(v)-sc.U(ts[i-1]) < 0.12-1e-12 {
				t.Errorf("%+v: ticks %g and %g are %g apart on the bar", sc, ts[i-1], v, sc.U(v)-sc.U(ts[i-1]))
			}
		}
		if !has0 {
			t.Errorf("%+v: no tick at 0 in %v", sc, ts)
		}
		if sc.Knee > 0 && sc.Sat/sc.Knee > 100 && len(ts) < 7 {
			t.Errorf("%+v: only %d ticks over more than two decades: %v", sc, len(ts), ts)
		}
	}
}

// countColour counts the pixels of img of colour c, in the columns [x0, x1).
func countColour(img image.Image, c color.RGBA, x0, x1 int) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := x0; x < x1; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B {
				n++
			}
		}
	}
	return n
}

// TestSaturationAndOverflowMarks checks on the images: the automatic
// linear scale saturates only a few percent of the map's pixels, the asinh
// scale none, and the colour bar carries overflow triangles exactly when
// values lie beyond the scale.
func TestSaturationAndOverflowMarks(t *testing.T) {
	m := testrun.Map() // |Br| up to about 100 G in two spots, 10 G at the poles
	render := func(opt MapOptions) (image.Image, ColourScale) {
		t.Helper()
		b, sc, err := MapPNG([]MapPanel{{Map: m}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		return decode(t, b), sc
	}
	hi, lo := Diverging(1), Diverging(-1)
	saturated := func(img image.Image) float64 {
		w := img.Bounds().Dx() - cbPixels
		return float64(countColour(img, hi, 0, w)+countColour(img, lo, 0, w)) / float64(w*img.Bounds().Dy())
	}
	lin, sc := render(MapOptions{})
	if f := saturated(lin); f == 0 || f > 0.05 {
		t.Errorf("automatic linear scale %+v saturates %.2f%% of the pixels, want a few percent", sc, 100*f)
	}
	asinh, sc := render(MapOptions{Asinh: true})
	if f := saturated(asinh); f != 0 || sc.Knee <= 0 || sc.Sat < maxAbs(m.Data) {
		t.Errorf("asinh scale %+v saturates %.3f%% of the pixels, want none", sc, 100*saturated(asinh))
	}
	bar := func(img image.Image) (int, int) {
		w := img.Bounds().Dx()
		return countColour(img, hi, w-cbPixels, w), countColour(img, lo, w-cbPixels, w)
	}
	if up, down := bar(lin); up == 0 || down == 0 {
		t.Errorf("saturated map: overflow triangles %d (top) and %d (bottom) pixels, want both", up, down)
	}
	if up, down := bar(asinh); up != 0 || down != 0 {
		t.Errorf("nothing saturates: overflow triangles %d and %d pixels, want none", up, down)
	}
	wide, _ := render(MapOptions{Sat: 1000})
	if up, down := bar(wide); up != 0 || down != 0 {
		t.Errorf("-sat 1000: overflow triangles %d and %d pixels, want none", up, down)
	}
}

func TestTimeLabel(t *testing.T) {
	start := time.Date(2022, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		hours float64
		start time.Time
		want  string
	}{
		{120, time.Time{}, "t = 120 h"},
		{0.25, time.Time{}, "t = 0.25 h"},
		{1.0 / 3, time.Time{}, "t = 0.33 h"},
		// HMI's synoptic map of CR 2255 covers 2022-03-07 to 2022-04-03.
		{240, start, "2022-03-20 00:00 UT, CR 2255 (t = 240 h)"},
		{24 * 30, start, "2022-04-09 00:00 UT, CR 2256 (t = 720 h)"},
	} {
		if got := TimeLabel(c.hours, c.start); got != c.want {
			t.Errorf("TimeLabel(%g, %v) = %q, want %q", c.hours, c.start, got, c.want)
		}
	}
	// Carrington rotation 1 began on 1853 November 9; each lasts 27.2753 days.
	cr1 := time.Date(1853, 11, 9, 20, 0, 0, 0, time.UTC)
	for n := 0; n < 3000; n += 250 {
		mid := cr1.Add(time.Duration((float64(n) + 0.5) * 27.2753 * 24 * float64(time.Hour)))
		if got := CarringtonRotation(mid); got != n+1 {
			t.Errorf("middle of rotation %d (%v): CarringtonRotation = %d", n+1, mid, got)
		}
	}
}

// syntheticEnsemble returns n realizations whose unsigned flux decays by 3%
// over 100 hours from about 1e23 Mx, each a little apart.
func syntheticEnsemble(n int) []*analysis.Quantities {
	var qs []*analysis.Quantities
	for k := 0; k < n; k++ {
		q := &analysis.Quantities{Realization: k + 1}
		for i := 0; i <= 50; i++ {
			t := 2 * float64(i)
			f := 5e22 * (1 - 0.0003*t) * (1 + 0.002*float64(k))
			q.Time = append(q.Time, t)
			q.FluxPos = append(q.FluxPos, f)
			q.FluxNeg = append(q.FluxNeg, -0.99*f)
			q.Unsigned = append(q.Unsigned, 1.99*f)
			q.Imbalance = append(q.Imbalance, 100*0.01/1.99)
			for _, c := range []*[]float64{&q.NPos, &q.NNeg, &q.SPos, &q.SNeg, &q.NField, &q.SField, &q.AxDipole, &q.EqDipole} {
				*c = append(*c, float64(k+1)*(1+0.01*t))
			}
			q.BrMax = append(q.BrMax, 300-t)
			q.BrMin = append(q.BrMin, -290+t)
		}
		qs = append(qs, q)
	}
	return qs
}

// figure returns the named figure's image.
func figureNamed(t *testing.T, figs []Figure, name string) image.Image {
	t.Helper()
	for _, f := range figs {
		if f.Name == name {
			return decode(t, f.PNG)
		}
	}
	t.Fatalf("no figure %s", name)
	return nil
}

// TestHistoryScalesAndSpread checks the history plots on their images: the
// flux axes are scaled to the data unless FromZero, and an ensemble larger
// than MaxLines is drawn as a median over a translucent min-max band.
func TestHistoryScalesAndSpread(t *testing.T) {
	qs := syntheticEnsemble(3)
	figs, err := HistoryFigures(qs, HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	zero, err := HistoryFigures(qs, HistoryOptions{FromZero: true})
	if err != nil {
		t.Fatal(err)
	}
	// A 3% decay drawn from zero is nearly flat: its lines span far fewer
	// rows than when the axis is scaled to the data.
	rows := func(img image.Image, c color.Color) int {
		want := color.RGBAModel.Convert(c).(color.RGBA)
		n := 0
		b := img.Bounds()
		x1 := b.Max.X - int(math.Round(legendWidth.Dots(DPI)))
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < x1; x++ {
				c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
				if d := math.Abs(float64(c.R)-float64(want.R)) + math.Abs(float64(c.G)-float64(want.G)) + math.Abs(float64(c.B)-float64(want.B)); d < 60 {
					n++
					break
				}
			}
		}
		return n
	}
	// (The last realization's line is drawn on top.)
	scaledRows := rows(figureNamed(t, figs, "history_flux_total_unsigned.png"), RealizationColor(2))
	zeroRows := rows(figureNamed(t, zero, "history_flux_total_unsigned.png"), RealizationColor(2))
	if scaledRows < 5*zeroRows || zeroRows == 0 {
		t.Errorf("unsigned flux line spans %d rows scaled to the data and %d from zero: want the scaled one much taller", scaledRows, zeroRows)
	}

	// 12 realizations, more than MaxLines: a band in the first colour.
	big := syntheticEnsemble(12)
	figs, err = HistoryFigures(big, HistoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := RealizationColor(0).RGBA()
	blend := func(c uint32) uint8 { return uint8(math.Round((0xff*(0xff-0x40) + float64(c>>8)*0x40) / 0xff)) }
	fill := color.RGBA{blend(r), blend(g), blend(b), 0xff}
	near := func(img image.Image) int {
		n := 0
		bd := img.Bounds()
		for y := bd.Min.Y; y < bd.Max.Y; y++ {
			for x := bd.Min.X; x < bd.Max.X; x++ {
				pr, pg, pb, _ := img.At(x, y).RGBA()
				d := math.Abs(float64(pr>>8)-float64(fill.R)) + math.Abs(float64(pg>>8)-float64(fill.G)) + math.Abs(float64(pb>>8)-float64(fill.B))
				if d <= 6 {
					n++
				}
			}
		}
		return n
	}
	if n := near(figureNamed(t, figs, "history_flux_total_unsigned.png")); n < 1000 {
		t.Errorf("12 realizations: %d pixels of the band's colour, want a band", n)
	}
	lines, err := HistoryFigures(big, HistoryOptions{MaxLines: 20})
	if err != nil {
		t.Fatal(err)
	}
	if n := near(figureNamed(t, lines, "history_flux_total_unsigned.png")); n > 200 {
		t.Errorf("12 realizations as lines: %d pixels of a band's colour", n)
	}
}

// TestRealMapsSaturation renders the demo's map and a real HMI map with the
// default (automatic linear) scale and with -asinh, and counts the map
// pixels drawn in the scale's end colours: a few percent by default, none
// on the asinh scale.
func TestRealMapsSaturation(t *testing.T) {
	maps := map[string]*psihdf.Map{"demo": demo.Map(181, 91)}
	if dir, ok := datadir.Maps(); ok {
		m, err := psihdf.Read(filepath.Join(dir, "hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5"))
		if err != nil {
			t.Fatal(err)
		}
		maps["HMI CR2255"] = m
	} else {
		t.Log("real maps not found (set GOFT_MAPS or provide ../shared/maps): the HMI map is left out")
	}
	hi, lo := Diverging(1), Diverging(-1)
	for name, m := range maps {
		for _, opt := range []MapOptions{{}, {Asinh: true}} {
			b, sc, err := MapPNG([]MapPanel{{Map: m}}, opt)
			if err != nil {
				t.Fatal(err)
			}
			img := decode(t, b)
			w := img.Bounds().Dx() - cbPixels
			frac := float64(countColour(img, hi, 0, w)+countColour(img, lo, 0, w)) / float64(w*img.Bounds().Dy())
			t.Logf("%s, scale %s: %.3f%% of the pixels saturate", name, sc.Describe("G"), 100*frac)
			if opt.Asinh && frac != 0 {
				t.Errorf("%s on the asinh scale %+v: %.3f%% of the pixels saturate, want none", name, sc, 100*frac)
			}
			if !opt.Asinh && frac > 0.04 {
				t.Errorf("%s on the default scale %+v: %.2f%% of the pixels saturate, want at most a few percent", name, sc, 100*frac)
			}
		}
	}
}
