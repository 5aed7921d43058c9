package mapprep

import (
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
)

func readMap(t *testing.T, name string) *psihdf.Map {
	t.Helper()
	m, err := psihdf.Read(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func uniform(t *testing.T, np, nt int) Grid {
	t.Helper()
	g, err := UniformGrid(np, nt)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// ulp32 is the spacing of float32 values at v.
func ulp32(v float64) float64 {
	f := float32(math.Abs(v))
	return float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
}

// TestScriptFixtures compares goft's processing with psi_map_prep.py's
// outputs (testdata/README.md): the same precision and scales, and the
// values equal to within one float32 ulp for the single-precision outputs
// (they went through HipFT; the remap's sums run in another order than
// numpy's, which changes float64 results in the last bits) and to 1e-14 of
// the largest value for the double-precision ones (remap only).
func TestScriptFixtures(t *testing.T) {
	wsa, err := WSAGrid(90, 45)
	if err != nil {
		t.Fatal(err)
	}
	def := func(np, nt int) Options {
		o := DefaultOptions()
		o.Target = uniform(t, np, nt)
		return o
	}
	for _, tc := range []struct {
		name, in, want string
		opt            Options
	}{
		{"default", "input_121x61.h5", "default_91x46.h5", def(91, 46)},
		{"mfac, smoothfac 1, upsampling", "input_121x61.h5", "mfac1.7_smoothfac1_181x91.h5", func() Options {
			o := def(181, 91)
			o.Multiplier, o.SmoothingFactor = 1.7, 1.0
			return o
		}()},
		{"nosmooth", "input_121x61.h5", "nosmooth_91x46.h5", func() Options { o := def(91, 46); o.SmoothingFactor = 0; return o }()},
		{"noflux", "input_121x61.h5", "noflux_91x46.h5", func() Options { o := def(91, 46); o.FluxBalance = false; return o }()},
		{"noremap", "input_121x61.h5", "noremap.h5", func() Options { o := DefaultOptions(); o.Remap = false; return o }()},
		{"WSA", "default_91x46.h5", "wsa_90x45.h5", Options{Multiplier: 1, Remap: true, Target: wsa}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Process(readMap(t, tc.in), tc.opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, want := res.Map, readMap(t, tc.want)
			if got.Float32 != want.Float32 {
				t.Errorf("single precision %v, the script's %v", got.Float32, want.Float32)
			}
			if len(got.Dims) != 2 || got.Dims[0] != want.Dims[0] || got.Dims[1] != want.Dims[1] {
				t.Fatalf("dims %v, the script's %v", got.Dims, want.Dims)
			}
			for d := 0; d < 2; d++ {
				for i, v := range want.Scales[d] {
					g := got.Scales[d][i]
					if want.Float32 {
						g = float64(float32(g))
					}
					if g != v {
						t.Fatalf("dim%d[%d] = %v, the script's %v", d+1, i, g, v)
					}
				}
			}
			var maxAbs, maxDiff float64
			for _, v := range want.Data {
				maxAbs = math.Max(maxAbs, math.Abs(v))
			}
			for i, v := range want.Data {
				d := math.Abs(got.Data[i] - v)
				maxDiff = math.Max(maxDiff, d)
				if want.Float32 && d > ulp32(v) || !want.Float32 && d > 1e-14*maxAbs {
					t.Fatalf("point %d (phi %d, theta %d): %v, the script's %v", i, i%want.Dims[0]+1, i/want.Dims[0]+1, got.Data[i], v)
				}
			}
			t.Logf("max |goft - script| = %.3g (max |Br| %.4g G)", maxDiff, maxAbs)
		})
	}
}

// TestWSAGridMatchesTemplate checks WSAGrid against the scales of
// oft_make_2d_inner_mesh_template.py's file.
func TestWSAGridMatchesTemplate(t *testing.T) {
	tm := readMap(t, "template_wsa_90x45.h5")
	g, err := WSAGrid(90, 45)
	if err != nil {
		t.Fatal(err)
	}
	for d, s := range [][]float64{g.Phi, g.Theta} {
		if len(s) != len(tm.Scales[d]) {
			t.Fatalf("dim%d has %d points, the template %d", d+1, len(s), len(tm.Scales[d]))
		}
		for i, v := range tm.Scales[d] {
			if s[i] != v {
				t.Errorf("dim%d[%d] = %v, the template's %v", d+1, i, s[i], v)
			}
		}
	}
}

func TestResolutionPoints(t *testing.T) {
	for _, tc := range []struct {
		deg    float64
		np, nt int
	}{{1, 361, 181}, {2, 181, 91}, {0.5, 721, 361}, {0.7, 516, 259}, {3, 121, 61}} {
		np, nt, err := ResolutionPoints(tc.deg)
		if err != nil || np != tc.np || nt != tc.nt {
			t.Errorf("ResolutionPoints(%g) = %d, %d, %v; want %d, %d", tc.deg, np, nt, err, tc.np, tc.nt)
		}
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1), 90} {
		if _, _, err := ResolutionPoints(bad); err == nil {
			t.Errorf("ResolutionPoints(%g): no error", bad)
		}
	}
}

// randomMap returns a smooth random field on g (file layout) with net
// flux: a few random harmonics plus an offset.
func randomMap(g Grid, seed int64) []float64 {
	rng := rand.New(rand.NewSource(seed))
	np := len(g.Phi)
	out := make([]float64, np*len(g.Theta))
	type mode struct{ a, m, l, ph float64 }
	var modes []mode
	for i := 0; i < 6; i++ {
		modes = append(modes, mode{rng.NormFloat64() * 20, float64(rng.Intn(6)), float64(1 + rng.Intn(6)), rng.Float64() * 2 * math.Pi})
	}
	for j, th := range g.Theta {
		for k, ph := range g.Phi {
			v := 3.0
			for _, md := range modes {
				v += md.a * math.Cos(md.m*ph+md.ph) * math.Sin(md.l*th) * math.Pow(math.Sin(th), md.m)
			}
			out[k+np*j] = v
		}
	}
	return out
}

// TestFluxBalanceExact checks that the balanced map's net flux, integrated
// as HipFT does, is zero to round-off in double precision, and within the
// float32 rounding in the written map.
func TestFluxBalanceExact(t *testing.T) {
	g := uniform(t, 91, 46)
	for _, factor := range []float64{0, 0.5, 2} {
		s, err := NewSmoother(g, factor, nil)
		if err != nil {
			t.Fatal(err)
		}
		br := randomMap(g, 7)
		if net := s.NetFlux(br); math.Abs(net) < 1e-3 {
			t.Fatalf("the test map has no net flux to balance (%g)", net)
		}
		out, err := s.Process(br, true)
		if err != nil {
			t.Fatal(err)
		}
		f := make([]float64, s.m.Size())
		s.m.FromMapLayout(f, out)
		pos, neg := diag.Flux(s.m, f)
		if rel := math.Abs(pos+neg) / (pos - neg); rel > 1e-14 {
			t.Errorf("factor %g: net flux %g of unsigned %g (%.2g relative), want zero to round-off", factor, pos+neg, pos-neg, rel)
		}
		// The processed map as written (float32).
		m := &psihdf.Map{Dims: []int{len(g.Phi), len(g.Theta)}, Scales: [][]float64{g.Phi, g.Theta}, Data: br}
		res, err := Process(m, Options{Multiplier: 1, SmoothingFactor: factor, FluxBalance: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(res.FluxAfter[0]) / (pos - neg); rel > 0x1p-23 {
			t.Errorf("factor %g: the single-precision map's net flux is %.2g of the unsigned flux, more than float32 rounding", factor, rel)
		}
	}
}

// TestMultiplier checks the multiplication: exact in double precision, in
// float32 for a float32 map (numpy's arithmetic), and commuting with the
// remap and the smoothing (both linear).
func TestMultiplier(t *testing.T) {
	g := uniform(t, 37, 19)
	br := randomMap(g, 3)
	for _, single := range []bool{false, true} {
		in := append([]float64(nil), br...)
		if single {
			for i, v := range in {
				in[i] = float64(float32(v))
			}
		}
		m := &psihdf.Map{Dims: []int{len(g.Phi), len(g.Theta)}, Scales: [][]float64{g.Phi, g.Theta}, Data: in, Float32: single}
		const mfac = 1.3
		res, err := Process(m, Options{Multiplier: mfac}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Map.Float32 != single {
			t.Errorf("single %v: the multiplied map's precision changed", single)
		}
		for i, v := range in {
			want := mfac * v
			if single {
				want = float64(float32(mfac) * float32(v))
			}
			if res.Map.Data[i] != want {
				t.Fatalf("single %v: point %d = %v, want %v", single, i, res.Map.Data[i], want)
			}
		}
	}
	// Multiplying first, as the script does, equals multiplying the
	// remapped and smoothed map (no balance: it is not linear).
	rm, err := NewRemapper(g, uniform(t, 25, 13))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSmoother(rm.Target(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	process := func(f float64) []float64 {
		in := append([]float64(nil), br...)
		for i := range in {
			in[i] *= f
		}
		r, err := rm.Remap(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Process(r, false)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one, k := process(1), process(2.7)
	for i := range one {
		if d := math.Abs(k[i] - 2.7*one[i]); d > 1e-13*math.Abs(k[i])+1e-13 {
			t.Fatalf("point %d: processed 2.7*map %v, 2.7*processed map %v", i, k[i], 2.7*one[i])
		}
	}
}

// TestSmoothingAnalytic checks the smoother's diffusion, with a constant
// coefficient eta (Rs^2/hr), on a spherical harmonic Y_l^m: on the unit
// sphere it decays as exp(-l(l+1) eta t). Taken as the script takes it
// (one RKG2 step of 1 hour) the error is that of the time integration,
// about 1e-3 of the amplitude here; in 32 steps the time error is below
// the space error, which is second order in the grid step.
func TestSmoothingAnalytic(t *testing.T) {
	const eta, hours = 0.02, 1.0
	// Y_3^2 ~ sin^2(theta) cos(theta) cos(2 phi), l(l+1) = 12; max |Y| =
	// 2/(3 sqrt 3).
	y := func(th, ph float64) float64 { return math.Pow(math.Sin(th), 2) * math.Cos(th) * math.Cos(2*ph) }
	maxY := 2 / (3 * math.Sqrt(3))
	decay := math.Exp(-12 * eta * hours)
	maxErr := func(n, steps int) float64 {
		g := uniform(t, 2*n-1, n)
		s, err := newSmoother(g, &diffusion.CoefSpec{Constants: []float64{eta}, Factor: 1}, hours/float64(steps), nil)
		if err != nil {
			t.Fatal(err)
		}
		np := len(g.Phi)
		br := make([]float64, np*len(g.Theta))
		for j, th := range g.Theta {
			for k, ph := range g.Phi {
				br[k+np*j] = y(th, ph)
			}
		}
		for i := 0; i < steps; i++ {
			if br, err = s.Process(br, false); err != nil {
				t.Fatal(err)
			}
		}
		var e float64
		for j, th := range g.Theta {
			for k, ph := range g.Phi {
				e = math.Max(e, math.Abs(br[k+np*j]-decay*y(th, ph)))
			}
		}
		e /= maxY
		t.Logf("%d x %d points, %d steps: max error %.3g of max |Y| (decay %.4f)", np, n, steps, e, decay)
		return e
	}
	if e := maxErr(181, 1); e > 2e-3 {
		t.Errorf("one step of 1 hour: error %.3g of max |Y|, want below 2e-3", e)
	}
	var errs []float64
	for _, n := range []int{31, 61, 121} {
		errs = append(errs, maxErr(n, 32))
	}
	for i := 1; i < len(errs); i++ {
		if r := errs[i-1] / errs[i]; r < 3.5 {
			t.Errorf("error ratio %.2f between grids %d and %d: want about 4 (second order in space)", r, i, i+1)
		}
	}
}

// TestRemapConservation checks what psi_remap_mm.py's remap conserves:
// the integral of Br dphi dtheta over the cells (the edges midway between
// points and at the first and last points), to round-off, between grids
// with the same outer edges; and a constant map stays constant.
func TestRemapConservation(t *testing.T) {
	src := uniform(t, 121, 61)
	br := randomMap(src, 11)
	// The integral, summed with Neumaier's compensation so that its own
	// rounding does not hide the remap's.
	integral := func(g Grid, f []float64) (sum, abs float64) {
		pe, te := cellEdges(g.Phi, false), cellEdges(g.Theta, false)
		np := len(g.Phi)
		var c float64
		for j := range g.Theta {
			for k := 0; k < np; k++ {
				v := f[k+np*j] * (pe[k+1] - pe[k]) * (te[j+1] - te[j])
				s := sum + v
				if math.Abs(sum) >= math.Abs(v) {
					c += (sum - s) + v
				} else {
					c += (v - s) + sum
				}
				sum = s
				abs += math.Abs(v)
			}
		}
		return sum + c, abs
	}
	want, abs := integral(src, br)
	// A non-uniform target too: theta points crowded to the equator.
	nonUniform := uniform(t, 50, 40)
	for j := range nonUniform.Theta {
		x := float64(j) / float64(len(nonUniform.Theta)-1)
		nonUniform.Theta[j] = math.Pi * (x - 0.3*math.Sin(2*math.Pi*x)/(2*math.Pi))
	}
	for _, tc := range []struct {
		name string
		g    Grid
	}{{"down 37x19", uniform(t, 37, 19)}, {"down 91x46", uniform(t, 91, 46)}, {"up 361x181", uniform(t, 361, 181)}, {"non-uniform", nonUniform}} {
		rm, err := NewRemapper(src, tc.g)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out, err := rm.Remap(br)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := integral(tc.g, out)
		if rel := math.Abs(got-want) / abs; rel > 1e-14 {
			t.Errorf("%s: integral of Br dphi dtheta %v, source %v (%.2g of the absolute integral)", tc.name, got, want, rel)
		}
		c := make([]float64, len(br))
		for i := range c {
			c[i] = -4.25
		}
		cc, _ := rm.Remap(c)
		for i, v := range cc {
			if math.Abs(v+4.25) > 4e-15 {
				t.Fatalf("%s: a constant -4.25 became %v at point %d", tc.name, v, i)
			}
		}
	}
}

// TestProcessRealizations checks that a 3D map's realizations are
// processed one at a time and packed back with their numbers.
func TestProcessRealizations(t *testing.T) {
	in := readMap(t, "input_121x61.h5")
	n := len(in.Data)
	cube := &psihdf.Map{Dims: []int{in.Dims[0], in.Dims[1], 2}, Scales: [][]float64{in.Scales[0], in.Scales[1], {4, 5}}, Float32: true}
	cube.Data = append(append([]float64(nil), in.Data...), in.Data...)
	for i := n; i < 2*n; i++ {
		cube.Data[i] = float64(float32(-0.5 * cube.Data[i])) // another realization
	}
	opt := DefaultOptions()
	opt.Target = uniform(t, 91, 46)
	res, err := Process(cube, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Map.Dims) != 3 || res.Map.Dims[2] != 2 || res.Map.Scales[2][0] != 4 || res.Map.Scales[2][1] != 5 {
		t.Fatalf("dims %v, dim3 %v: want 91 x 46 x 2 with realizations 4, 5", res.Map.Dims, res.Map.Scales[2])
	}
	m := len(res.Map.Data) / 2
	for r := 0; r < 2; r++ {
		one := &psihdf.Map{Dims: in.Dims, Scales: in.Scales[:2], Data: cube.Data[r*n : (r+1)*n], Float32: true}
		want, err := Process(one, opt, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range want.Map.Data {
			if res.Map.Data[r*m+i] != v {
				t.Fatalf("realization %d, point %d: %v in the cube, %v alone", r+1, i, res.Map.Data[r*m+i], v)
			}
		}
		if res.FluxBefore[r] != want.FluxBefore[0] || res.FluxAfter[r] != want.FluxAfter[0] {
			t.Errorf("realization %d: fluxes differ from the map processed alone", r+1)
		}
	}
}

func TestProcessErrors(t *testing.T) {
	in := readMap(t, "input_121x61.h5")
	g := Grid{Phi: in.Scales[0], Theta: in.Scales[1]}
	withValue := func(v float64) *psihdf.Map {
		m := *in
		m.Data = append([]float64(nil), in.Data...)
		m.Data[200] = v
		return &m
	}
	positive := *in
	positive.Data = make([]float64, len(in.Data))
	for i := range positive.Data {
		positive.Data[i] = 1 + float64(i%7)
	}
	thetaPhi := &psihdf.Map{Dims: []int{in.Dims[1], in.Dims[0]}, Scales: [][]float64{in.Scales[1], in.Scales[0]}, Data: in.Data}
	def := DefaultOptions()
	outside := def
	outside.Target = Grid{Phi: []float64{7, 8, 9}, Theta: g.Theta}
	for _, tc := range []struct {
		name string
		m    *psihdf.Map
		opt  Options
		want string
	}{
		{"zero multiplier", in, Options{Multiplier: 0}, "-mfac"},
		{"NaN multiplier", in, Options{Multiplier: math.NaN()}, "-mfac"},
		{"negative smoothing", in, Options{Multiplier: 1, SmoothingFactor: -1}, "-smoothfac"},
		{"bad target", in, Options{Multiplier: 1, Remap: true, Target: Grid{Phi: []float64{0, 1, 1}, Theta: g.Theta}}, "not strictly increasing"},
		{"target outside", in, outside, "overlaps no cell"},
		{"theta-phi map", thetaPhi, def, "theta-phi"},
		{"missing value", withValue(MissingValue), def, "missing data"},
		{"one polarity", &positive, def, "one sign only"},
		{"1D", &psihdf.Map{Dims: []int{3}, Scales: [][]float64{{0, 1, 2}}, Data: []float64{1, 2, 3}}, def, "2D (phi, theta)"},
	} {
		_, err := Process(tc.m, tc.opt, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := NewSmoother(Grid{Phi: g.Phi, Theta: g.Theta[1:]}, 0.5, nil); err == nil {
		t.Error("a grid without the north pole: no error (HipFT needs a main-main mesh)")
	}
}
