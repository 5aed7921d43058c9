package export

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/datadir"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
)

// testMesh returns phi and theta scales with nphi and ntheta points (ends
// included); with jitter > 0 the interior points are moved randomly by up
// to jitter times the step (a non-uniform mesh).
func testMesh(nphi, ntheta int, jitter float64, rng *rand.Rand) (phi, theta []float64) {
	phi = make([]float64, nphi)
	theta = make([]float64, ntheta)
	dp, dt := 2*math.Pi/float64(nphi-1), math.Pi/float64(ntheta-1)
	for k := range phi {
		phi[k] = float64(k) * dp
		if k > 0 && k < nphi-1 && jitter > 0 {
			phi[k] += jitter * dp * (rng.Float64() - 0.5)
		}
	}
	for j := range theta {
		theta[j] = float64(j) * dt
		if j > 0 && j < ntheta-1 && jitter > 0 {
			theta[j] += jitter * dt * (rng.Float64() - 0.5)
		}
	}
	phi[nphi-1], theta[ntheta-1] = mesh.TwoPi, math.Pi
	return phi, theta
}

// sample fills a map in file layout (phi fastest) with f(theta, phi), the
// 2pi column a copy of the 0 column.
func sample(phi, theta []float64, f func(t, p float64) float64) []float64 {
	np := len(phi)
	out := make([]float64, np*len(theta))
	for j, t := range theta {
		for k, p := range phi {
			if k == np-1 {
				p = 0
			}
			out[k+np*j] = f(t, p)
		}
	}
	return out
}

// smooth is the analytic test field (Gauss): an axial dipole, a tilted
// part and small-scale structure, not symmetric in either direction.
func smooth(t, p float64) float64 {
	return 5*math.Cos(t) + 3*math.Sin(t)*math.Cos(p-0.3) + 2*math.Pow(math.Sin(t), 3)*math.Sin(3*p) + math.Cos(t)*math.Cos(t)
}

func unsignedMeshFlux(r *Remapper, br []float64) float64 {
	abs := make([]float64, len(br))
	for i, v := range br {
		abs[i] = math.Abs(v)
	}
	return r.MeshFlux(abs)
}

// TestTotalFluxConserved: on random fields and non-uniform meshes, the
// remapped map's net flux equals the mesh's to 1e-12 of the unsigned flux.
func TestTotalFluxConserved(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		nphi, ntheta int
		jitter       float64
		g            Grid
	}{
		{73, 37, 0, Grid{CEA, 360, 180}},
		{73, 37, 0, Grid{CAR, 360, 180}},
		{65, 33, 0.8, Grid{CEA, 37, 19}},
		{65, 33, 0.8, Grid{CAR, 7, 3}},
		{129, 65, 0.5, Grid{CEA, 1000, 7}},
		{17, 9, 0.9, Grid{CAR, 1, 2}},
	} {
		phi, theta := testMesh(tc.nphi, tc.ntheta, tc.jitter, rng)
		br := sample(phi, theta, func(t, p float64) float64 { return rng.NormFloat64() * 100 })
		r, err := NewRemapper(phi, theta, tc.g)
		if err != nil {
			t.Fatal(err)
		}
		out := r.Remap(br)
		got, want := GridFlux(tc.g, out), r.MeshFlux(br)
		if d := math.Abs(got - want); d > 1e-12*unsignedMeshFlux(r, br) {
			t.Errorf("%d x %d mesh (jitter %g) to %v %dx%d: flux %v, mesh flux %v (difference %.3g of the unsigned flux)",
				tc.nphi, tc.ntheta, tc.jitter, tc.g.Proj, tc.g.NLon, tc.g.NLat, got, want, d/unsignedMeshFlux(r, br))
		}
	}
}

// regionFlux integrates the piecewise-uniform source field of r over the
// target cells in the set (index K + NLon*J) by brute force: each source
// cell against each target cell, the 2D overlap computed directly (the
// seam cell split in two at phi = 0).
func regionFlux(r *Remapper, br []float64, set map[int]bool) float64 {
	m, g := r.Mesh, r.Grid
	f := r.load(br)
	ntm, nc := m.NThetaMain, m.NPhiFile-1
	lon, mu := g.LonEdges(), g.SinLatEdges()
	var sum float64
	for k := 0; k < nc; k++ {
		var pieces [][2]float64
		p0, p1 := m.PhiHalf[k], m.PhiHalf[k+1]
		if p0 < 0 {
			pieces = [][2]float64{{p0 + 2*math.Pi, 2 * math.Pi}, {0, p1}}
		} else {
			pieces = [][2]float64{{p0, p1}}
		}
		for j := 0; j < ntm; j++ {
			th0, th1 := math.Max(m.ThetaHalf[j], 0), math.Min(m.ThetaHalf[j+1], math.Pi)
			muHi, muLo := math.Cos(th0), math.Cos(th1)
			dens := f[j+ntm*k] * r.weight[j+ntm*k] / ((muHi - muLo) * (p1 - p0))
			for idx := range set {
				K, J := idx%g.NLon, idx/g.NLon
				dm := math.Min(muHi, mu[J+1]) - math.Max(muLo, mu[J])
				if dm <= 0 {
					continue
				}
				for _, pc := range pieces {
					dp := math.Min(pc[1], lon[K+1]) - math.Max(pc[0], lon[K])
					if dp > 0 {
						sum += dens * dm * dp
					}
				}
			}
		}
	}
	return sum
}

// TestRegionFluxConserved: the flux of regions made of whole target cells
// (blocks, a random scatter, the seam column, polar rows) equals the
// integral of the source field over them.
func TestRegionFluxConserved(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		nphi, ntheta int
		jitter       float64
		g            Grid
	}{
		{41, 21, 0.7, Grid{CEA, 36, 18}},
		{41, 21, 0, Grid{CAR, 24, 12}},
		{33, 17, 0.9, Grid{CAR, 90, 45}},
	} {
		phi, theta := testMesh(tc.nphi, tc.ntheta, tc.jitter, rng)
		br := sample(phi, theta, func(t, p float64) float64 { return rng.NormFloat64()*100 + 20 })
		r, err := NewRemapper(phi, theta, tc.g)
		if err != nil {
			t.Fatal(err)
		}
		out := r.Remap(br)
		areas := tc.g.CellAreas()
		g := tc.g
		block := func(k0, k1, j0, j1 int) map[int]bool {
			s := map[int]bool{}
			for J := j0; J < j1; J++ {
				for K := k0; K < k1; K++ {
					s[K+g.NLon*J] = true
				}
			}
			return s
		}
		scatter := map[int]bool{}
		for i := 0; i < g.NLon*g.NLat/5; i++ {
			scatter[rng.IntN(g.NLon*g.NLat)] = true
		}
		regions := map[string]map[int]bool{
			"block":      block(g.NLon/5, g.NLon/2, g.NLat/4, 3*g.NLat/4),
			"seam":       block(0, 1, 0, g.NLat),
			"last":       block(g.NLon-1, g.NLon, 0, g.NLat),
			"north row":  block(0, g.NLon, g.NLat-1, g.NLat),
			"south cell": block(3, 4, 0, 1),
			"scatter":    scatter,
		}
		for name, set := range regions {
			var got, abs float64
			for idx := range set {
				got += out[idx] * areas[idx/g.NLon]
				abs += math.Abs(out[idx]) * areas[idx/g.NLon]
			}
			want := regionFlux(r, br, set)
			if d := math.Abs(got - want); d > 1e-13*abs {
				t.Errorf("%v %dx%d from %dx%d, %s: flux %v, source integral %v (difference %.3g relative)",
					g.Proj, g.NLon, g.NLat, tc.nphi, tc.ntheta, name, got, want, d/abs)
			}
		}
	}
}

// cellAverage is the average of smooth over a target cell, by 8x8-point
// Gauss-Legendre quadrature in (phi, mu), exact to far below the errors
// measured.
func cellAverage(lon0, lon1, mu0, mu1 float64) float64 {
	x := []float64{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363}
	w := []float64{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763}
	var s float64
	for a := range x {
		p := lon0 + (lon1-lon0)*(x[a]+1)/2
		for b := range x {
			mu := mu0 + (mu1-mu0)*(x[b]+1)/2
			s += w[a] * w[b] * smooth(math.Acos(mu), p)
		}
	}
	return s / 4
}

func maxError(g Grid, out []float64) float64 {
	lon, mu := g.LonEdges(), g.SinLatEdges()
	var e float64
	for J := 0; J < g.NLat; J++ {
		for K := 0; K < g.NLon; K++ {
			e = math.Max(e, math.Abs(out[K+g.NLon*J]-cellAverage(lon[K], lon[K+1], mu[J], mu[J+1])))
		}
	}
	return e
}

// TestAnalyticConvergence remaps a smooth analytic field sampled on
// uniform meshes of 16, 32, 64 and 128 theta steps and compares the target
// values with the exact cell averages. The orders measured, from the
// largest error over the target cells at the coarsest and finest source
// meshes (log2 of their ratio over three halvings of the step; single
// halvings vary with how target edges cut source cells):
//
//   - target cells larger than the source cells (a fixed 36x18 grid):
//     second order (1.94 CEA, 2.03 CAR);
//   - target cells as fine as the source cells (2n x n for n theta steps):
//     first order (0.89 CEA, 1.27 CAR), from the piecewise-uniform source
//     field.
func TestAnalyticConvergence(t *testing.T) {
	for _, tc := range []struct {
		name     string
		proj     Projection
		fixed    bool
		minOrder float64
	}{
		{"CEA 36x18 fixed", CEA, true, 1.85},
		{"CAR 36x18 fixed", CAR, true, 1.85},
		{"CEA refined", CEA, false, 0.8},
		{"CAR refined", CAR, false, 0.8},
	} {
		var errs []float64
		for _, n := range []int{16, 32, 64, 128} {
			phi, theta := testMesh(2*n+1, n+1, 0, nil)
			g := Grid{tc.proj, 36, 18}
			if !tc.fixed {
				g = Grid{tc.proj, 2 * n, n}
			}
			r, err := NewRemapper(phi, theta, g)
			if err != nil {
				t.Fatal(err)
			}
			errs = append(errs, maxError(g, r.Remap(sample(phi, theta, smooth))))
		}
		for i := 1; i < len(errs); i++ {
			if errs[i] >= errs[i-1] {
				t.Errorf("%s: max errors %.3g do not decrease at step %d", tc.name, errs, i)
			}
		}
		order := math.Log2(errs[0]/errs[len(errs)-1]) / float64(len(errs)-1)
		if order < tc.minOrder {
			t.Errorf("%s: max errors %.3g: order %.3g, want at least %g", tc.name, errs, order, tc.minOrder)
		}
		t.Logf("%s: max errors (G) %.3g, order %.3g", tc.name, errs, order)
	}
}

// TestConstantField: a uniform field stays uniform to O(h^2) (HipFT's
// weights differ from the spherical cell areas at that order).
func TestConstantField(t *testing.T) {
	phi, theta := testMesh(257, 129, 0, nil)
	for _, g := range []Grid{{CEA, 360, 180}, {CAR, 180, 90}} {
		r, err := NewRemapper(phi, theta, g)
		if err != nil {
			t.Fatal(err)
		}
		out := r.Remap(sample(phi, theta, func(t, p float64) float64 { return 7 }))
		for i, v := range out {
			if math.Abs(v-7) > 7*1e-3 {
				t.Fatalf("%v: cell %d = %v, want 7 to 1e-3", g.Proj, i, v)
			}
		}
	}
}

// TestMeshFluxMatchesDiagnostics: MeshFlux is the net flux goft's
// diagnostics (post/analysis Summarize, HipFT's history sums) report, on
// a real HMI map when one is available and on a synthetic non-uniform map.
func TestMeshFluxMatchesDiagnostics(t *testing.T) {
	var maps []string
	if dir, ok := datadir.Maps(); ok {
		maps = append(maps, filepath.Join(dir, "hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5"))
	} else {
		t.Log("real maps not found (GOFT_MAPS): synthetic map only")
	}
	check := func(name string, phi, theta, br []float64) {
		t.Helper()
		m := psihdfMap(phi, theta, br)
		s, err := analysis.Summarize(m, 30)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewRemapper(phi, theta, Grid{CEA, 360, 180})
		if err != nil {
			t.Fatal(err)
		}
		want := (s.Stats[0].FluxPos + s.Stats[0].FluxNeg) / mesh.RsunCm2
		unsigned := (s.Stats[0].FluxPos - s.Stats[0].FluxNeg) / mesh.RsunCm2
		got := r.MeshFlux(br)
		if math.Abs(got-want) > 1e-13*unsigned {
			t.Errorf("%s: MeshFlux %v, diagnostics' net flux %v", name, got, want)
		}
		out := r.Remap(br)
		if d := math.Abs(GridFlux(r.Grid, out) - want); d > 1e-12*unsigned {
			t.Errorf("%s: remapped flux %v, diagnostics' net flux %v (%.3g of unsigned)", name, GridFlux(r.Grid, out), want, d/unsigned)
		}
	}
	for _, path := range maps {
		m, err := analysis.ReadMap(path)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Base(path), m.Scales[0], m.Scales[1], m.Data)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	phi, theta := testMesh(129, 65, 0.6, rng)
	check("synthetic", phi, theta, sample(phi, theta, func(t, p float64) float64 { return smooth(t, p) + rng.NormFloat64() }))
}

func TestGrid(t *testing.T) {
	for _, g := range []Grid{{CEA, 360, 180}, {CAR, 360, 181}, {CAR, 1, 2}} {
		var total float64
		for _, a := range g.CellAreas() {
			total += a * float64(g.NLon)
		}
		if math.Abs(total-4*math.Pi) > 1e-12 {
			t.Errorf("%v: cell areas sum to %v, want 4pi", g, total)
		}
		e := g.SinLatEdges()
		if e[0] != -1 || e[g.NLat] != 1 {
			t.Errorf("%v: sin(latitude) edges run %v..%v", g, e[0], e[g.NLat])
		}
	}
	g := Grid{CEA, 360, 180}
	if a := g.CellAreas(); math.Abs(a[0]-a[90]) > 1e-15 {
		t.Errorf("CEA cells differ in area: %v %v", a[0], a[90])
	}
	lon, lat := g.CellCenter(0, 0)
	if lon != 0.5 || math.Abs(lat-math.Asin(-1+1.0/180)*180/math.Pi) > 1e-12 {
		t.Errorf("CEA cell (0,0) centre %v %v", lon, lat)
	}
	if lon, lat := (Grid{CAR, 360, 180}).CellCenter(359, 179); lon != 359.5 || lat != 89.5 {
		t.Errorf("CAR cell (359,179) centre %v %v", lon, lat)
	}
	for _, bad := range []Grid{{CAR, 0, 10}, {CEA, 10, 1}, {Projection(7), 10, 10}, {CAR, 1 << 17, 10}} {
		if bad.Check() == nil {
			t.Errorf("%v accepted", bad)
		}
		if _, err := NewRemapper([]float64{0, 3, mesh.TwoPi}, []float64{0, 1, math.Pi}, bad); err == nil {
			t.Errorf("NewRemapper accepted grid %v", bad)
		}
	}
	if _, err := NewRemapper([]float64{0, 3, 5}, []float64{0, 1, math.Pi}, g); err == nil {
		t.Errorf("NewRemapper accepted a phi scale short of 2pi")
	}
	for _, s := range []string{"car", "CEA"} {
		if p, err := ParseProjection(s); err != nil || p.String() != map[string]string{"car": "CAR", "CEA": "CEA"}[s] {
			t.Errorf("ParseProjection(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParseProjection("merc"); err == nil {
		t.Errorf("ParseProjection accepted merc")
	}
}

func psihdfMap(phi, theta, br []float64) *psihdf.Map {
	return &psihdf.Map{Dims: []int{len(phi), len(theta)}, Scales: [][]float64{phi, theta}, Data: br}
}
