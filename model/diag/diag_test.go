package diag

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// fillField fills one realization with g(theta, phi), periodic and pole-constant.
func fillField(m *mesh.Mesh, g func(t, p float64) float64) []float64 {
	f := make([]float64, m.Size())
	for k := 0; k < m.NPhiMain; k++ {
		for j := 0; j < m.NThetaMain; j++ {
			f[m.Index(j, k, 0)] = g(m.Theta[j], m.Phi[k])
		}
	}
	mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, 1)
	m.PoleAverage(f, 1)
	return f
}

// TestAnalyzeDipole checks the statistics of an axial dipole Br = B cos(theta)
// against their integrals: flux B*pi*R^2 per hemisphere, axial dipole
// moment B, no equatorial dipole.
func TestAnalyzeDipole(t *testing.T) {
	m, _ := mesh.Uniform(181, 361)
	const b = 10.0
	f := fillField(m, func(th, _ float64) float64 { return b * math.Cos(th) })
	a := NewAnalyzer(m, 30)
	s := a.Analyze(f, nil, 5)
	wantFlux := b * math.Pi * mesh.RsunCm2
	capEdge := 30.5 * math.Pi / 180 // integral of B cos over a hemisphere
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"FluxPos", s.FluxPos, wantFlux, 1e-4},
		{"FluxNeg", s.FluxNeg, -wantFlux, 1e-4},
		{"BrMax", s.BrMax, b, 1e-12},
		{"BrMin", s.BrMin, -b, 1e-12},
		{"AxDipole", s.AxDipole, b, 1e-4},
		// The rows at colatitudes up to 30 deg cover a cap to 30.5 deg (half
		// a 1-degree cell beyond): area 2 pi (1 - cos c), flux B pi sin^2 c.
		{"NPoleArea", s.NPoleArea, 2 * math.Pi * (1 - math.Cos(capEdge)) * mesh.RsunCm2, 1e-3},
		{"NPoleFluxPos", s.NPoleFluxPos, b * math.Pi * math.Sin(capEdge) * math.Sin(capEdge) * mesh.RsunCm2, 1e-3},
	} {
		if rel := math.Abs(c.got-c.want) / math.Abs(c.want); rel > c.tol {
			t.Errorf("%s = %.10g, want %.10g (rel %.2g)", c.name, c.got, c.want, rel)
		}
	}
	if s.EqDipole > 1e-12*b || s.ValidationErr != 0 || s.Time != 5 {
		t.Errorf("EqDipole %g, ValidationErr %g, Time %g", s.EqDipole, s.ValidationErr, s.Time)
	}
	// An equatorial dipole B sin(theta) cos(phi) has equatorial moment B.
	e := a.Analyze(fillField(m, func(th, p float64) float64 { return b * math.Sin(th) * math.Cos(p) }), nil, 0)
	if rel := math.Abs(e.EqDipole-b) / b; rel > 1e-3 || math.Abs(e.AxDipole) > 1e-12 {
		t.Errorf("equatorial dipole: Eq %g (want %g), Ax %g", e.EqDipole, b, e.AxDipole)
	}
}

func TestValidationError(t *testing.T) {
	m, _ := mesh.Uniform(31, 61)
	f := fillField(m, func(th, p float64) float64 { return 1 + math.Cos(th) })
	g := make([]float64, len(f))
	for i, v := range f {
		g[i] = 1.01 * v
	}
	s := NewAnalyzer(m, 30).Analyze(f, g, 0)
	// sqrt(sum (0.01 v)^2 / sum 1.01 v^2) = 0.01/sqrt(1.01)
	if want := 0.01 / math.Sqrt(1.01); math.Abs(s.ValidationErr-want) > 1e-12 {
		t.Errorf("validation error %g, want %g", s.ValidationErr, want)
	}
}

func TestBalanceFlux(t *testing.T) {
	m, _ := mesh.Uniform(31, 61)
	f := fillField(m, func(th, p float64) float64 { return 3*math.Cos(th) + 0.5 + math.Sin(th)*math.Sin(2*p) })
	pos0, neg0 := Flux(m, f)
	BalanceFlux(m, f)
	pos, neg := Flux(m, f)
	if math.Abs(pos+neg) > 1e-13*pos {
		t.Errorf("after balancing: pos %g neg %g", pos, neg)
	}
	if want := math.Sqrt(pos0 * -neg0); math.Abs(pos-want) > 1e-13*want {
		t.Errorf("balanced flux %g, want the geometric mean %g", pos, want)
	}
	for k := 1; k < m.NPhiMain; k++ {
		if f[m.NThetaMain*k] != f[0] {
			t.Fatal("pole row no longer constant")
		}
	}
}

// TestAnalyzeMatchesReference checks that Analyze gives exactly the bits of
// the branching reference, on fields of random sign with exact zeros of
// both signs, with and without a validation reference, for several cap
// limits.
func TestAnalyzeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{7, 12}, {91, 180}, {181, 361}} {
		m, _ := mesh.Uniform(size[0], size[1])
		f, ref := make([]float64, m.Size()), make([]float64, m.Size())
		for i := range f {
			switch rng.IntN(10) {
			case 0:
				f[i] = 0
			case 1:
				f[i] = math.Copysign(0, -1)
			default:
				f[i] = 1000 * (2*rng.Float64() - 1)
			}
			ref[i] = f[i] + rng.Float64()
		}
		for _, limit := range []float64{0, 30, 90, 180} {
			a := NewAnalyzer(m, limit)
			for _, r := range [][]float64{nil, ref} {
				got, want := a.Analyze(f, r, 3), referenceAnalyze(a, f, r, 3)
				gv, wv := got.Values(), want.Values()
				for c := range gv {
					if math.Float64bits(gv[c]) != math.Float64bits(wv[c]) {
						t.Errorf("%dx%d, limit %v, ref %v: column %d = %v, reference %v", size[0], size[1], limit, r != nil, c, gv[c], wv[c])
					}
				}
			}
		}
	}
}

// TestAnalyzePartsConcurrently computes the parts of the statistics on
// separate goroutines into one Stats, with and without a reference, and
// requires Analyze's bits in every field (the run's backend spreads the
// parts over its workers).
func TestAnalyzePartsConcurrently(t *testing.T) {
	m, err := mesh.Uniform(37, 71)
	if err != nil {
		t.Fatal(err)
	}
	f := fillField(m, func(th, ph float64) float64 { return 3*math.Cos(th) + math.Sin(5*ph)*math.Sin(th) - 0.2 })
	ref := fillField(m, func(th, ph float64) float64 { return 3 * math.Cos(th) })
	a := NewAnalyzer(m, 30)
	for _, r := range [][]float64{nil, ref} {
		want := a.Analyze(f, r, 7)
		got := Stats{Time: 7}
		var wg sync.WaitGroup
		for part := 0; part < AnalyzeParts; part++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a.AnalyzePart(f, r, part, &got)
			}()
		}
		wg.Wait()
		w, g := want.Values(), got.Values()
		for i := range w {
			if math.Float64bits(w[i]) != math.Float64bits(g[i]) {
				t.Errorf("reference %v: column %d = %v, Analyze gives %v", r != nil, i, g[i], w[i])
			}
		}
		if r != nil && got.ValidationErr == 0 {
			t.Error("no validation error with a reference")
		}
	}
}
