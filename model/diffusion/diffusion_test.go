package diffusion

import (
	"math"
	"strings"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/validation"
)

// soccerField returns the soccer-ball field on mesh m in mesh layout, with
// HipFT's periodic and pole averaging applied, for nr realizations.
func soccerField(m *mesh.Mesh, nr int) []float64 {
	u0 := validation.SoccerBall(m.Phi[:m.NPhiFile], m.Theta)
	f := make([]float64, m.Size()*nr)
	for r := 0; r < nr; r++ {
		for j := 0; j < m.NThetaMain; j++ {
			for k := 0; k < m.NPhiFile; k++ {
				f[m.Index(j, k, r)] = u0[k+m.NPhiFile*j]
			}
			f[m.Index(j, m.NPhiMain-1, r)] = f[m.Index(j, 1, r)]
		}
	}
	m.PoleAverage(f, nr)
	return f
}

func constantCoef(m *mesh.Mesh, ds ...float64) []float64 {
	c, err := CornerCoef(m, CoefSpec{Constants: ds, Factor: mesh.DiffKm2PerSToRs2PerHr})
	if err != nil {
		panic(err)
	}
	return c
}

// soccerError diffuses the soccer ball for T hours and returns the max-norm
// error against the analytic decay exp(-42 D t).
func soccerError(t *testing.T, nt, np int, method Method, subcycles int, T, dtStep float64) float64 {
	m, err := mesh.Uniform(nt, np)
	if err != nil {
		t.Fatal(err)
	}
	const d = 500.0
	op := NewOperator(m, 1, constantCoef(m, d), nil)
	s, err := NewStepper(op, method, subcycles, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := soccerField(m, 1)
	for time := 0.0; time < T-1e-9; time += dtStep {
		s.Advance(f, dtStep, nil)
	}
	exact := soccerField(m, 1)
	decay := validation.SoccerDecay(d, mesh.DiffKm2PerSToRs2PerHr, T)
	maxErr := 0.0
	for i := range f {
		maxErr = math.Max(maxErr, math.Abs(f[i]-exact[i]*decay))
	}
	return maxErr
}

// TestSoccerBallConvergesSecondOrder checks that the spatial error of the
// diffused l=6 harmonic falls at the operator's second order.
func TestSoccerBallConvergesSecondOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("convergence study skipped in -short mode")
	}
	res := []int{24, 48, 96}
	var errs []float64
	for _, n := range res {
		// A short, well-resolved time integration so the spatial error dominates.
		e := soccerError(t, n+1, 2*n+1, RKG2, 20, 200, 50)
		errs = append(errs, e)
	}
	// Least-squares slope of log(err) against log(h).
	var sx, sy, sxx, sxy float64
	for i, n := range res {
		x, y := math.Log(1/float64(n)), math.Log(errs[i])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	k := float64(len(res))
	slope := (k*sxy - sx*sy) / (k*sxx - sx*sx)
	t.Logf("errors %v, fitted order %.3f", errs, slope)
	if slope < 1.8 || slope > 2.3 {
		t.Fatalf("fitted convergence order %.3f, want about 2 (errors %v)", slope, errs)
	}
}

// TestMethodsAgreeWithAnalyticDecay checks every time integrator against the
// analytic decay on one grid.
func TestMethodsAgreeWithAnalyticDecay(t *testing.T) {
	for _, c := range []struct {
		method    Method
		subcycles int
	}{{ForwardEuler, 1}, {RKL2, 3}, {RKG2, 0}, {RKG2, 2}} {
		e := soccerError(t, 37, 73, c.method, c.subcycles, 100, 25)
		// The amplitude is about 1 G; a 36x72 grid gives a ~1e-3 relative error.
		if e > 5e-3 {
			t.Errorf("%v subcycles=%d: max error %g", c.method, c.subcycles, e)
		}
	}
}

// TestFluxConserved checks that diffusion conserves the signed flux to
// round-off, for a field with net flux, with every method.
func TestFluxConserved(t *testing.T) {
	m, _ := mesh.Uniform(31, 61)
	for _, method := range []Method{ForwardEuler, RKL2, RKG2} {
		f := make([]float64, m.Size()*2)
		for r := 0; r < 2; r++ {
			for k := 0; k < m.NPhiMain; k++ {
				for j := 0; j < m.NThetaMain; j++ {
					f[m.Index(j, k, r)] = 3 + math.Cos(m.Theta[j])*10 + math.Sin(m.Theta[j])*math.Sin(3*m.Phi[k])
				}
			}
		}
		mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, 2)
		m.PoleAverage(f, 2)
		op := NewOperator(m, 2, constantCoef(m, 300, 900), parallel.New(2))
		s, _ := NewStepper(op, method, 0, nil)
		n := m.Size()
		var before [2]float64
		for r := 0; r < 2; r++ {
			p, q := diag.Flux(m, f[n*r:n*(r+1)])
			before[r] = p + q
		}
		s.Advance(f, 500, nil)
		for r := 0; r < 2; r++ {
			p, q := diag.Flux(m, f[n*r:n*(r+1)])
			if rel := math.Abs(p+q-before[r]) / math.Abs(before[r]); rel > 1e-12 {
				t.Errorf("%v realization %d: net flux changed by %.3g relative", method, r, rel)
			}
		}
	}
}

// TestStageCounts checks the STS stage formulas against hand-computed values.
func TestStageCounts(t *testing.T) {
	op := &Operator{DtEuler: 1}
	for _, c := range []struct {
		method Method
		ratio  float64
		want   int64
	}{
		{RKG2, 0.5, 3},  // 0.5*(sqrt(37)-3) = 1.54 -> 2 -> at least 3
		{RKG2, 100, 25}, // 0.5*(sqrt(2425)-3) = 23.12 -> 24 -> odd 25
		{RKL2, 100, 21}, // 0.5*(sqrt(1609)-1) = 19.56 -> 20 -> odd 21
		{RKL2, 0.1, 3},
	} {
		s := &Stepper{Op: op, Method: c.method}
		if got := s.Stages(c.ratio); got != c.want {
			t.Errorf("%v ratio %g: %d stages, want %d", c.method, c.ratio, got, c.want)
		}
	}
}

// TestCornerCoefFile checks the coefficient file: a constant file adds its
// value at every corner (pole ghosts included), and a negative total
// (file plus constant) is refused with its position and realization.
func TestCornerCoefFile(t *testing.T) {
	m, err := mesh.Uniform(9, 17)
	if err != nil {
		t.Fatal(err)
	}
	phi := []float64{0, math.Pi, 2 * math.Pi}
	theta := []float64{0, math.Pi / 2, math.Pi}
	data := []float64{30, 30, 30, 30, 30, 30, 30, 30, 30}
	c, err := CornerCoef(m, CoefSpec{Constants: []float64{100}, Factor: 1, File: &CoefFile{Phi: phi, Theta: theta, Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range c {
		if math.Abs(v-130) > 1e-12 {
			t.Fatalf("corner %d: %g, want 130", i, v)
		}
	}
	data[5] = -2
	// A negative file value is fine where the constant makes the sum
	// positive, and an error where it does not.
	if _, err = CornerCoef(m, CoefSpec{Constants: []float64{100}, Factor: 1, File: &CoefFile{Phi: phi, Theta: theta, Data: data}}); err != nil {
		t.Fatalf("constant 100 plus a file value of -2: %v", err)
	}
	_, err = CornerCoef(m, CoefSpec{Constants: []float64{100, 1}, Factor: 1, File: &CoefFile{Phi: phi, Theta: theta, Data: data}})
	if err == nil || !strings.Contains(err.Error(), "-2 km^2/s at phi point 3, theta point 2 (1-based), plus realization 2's constant 1, is negative") {
		t.Fatalf("error %v, want the negative value named", err)
	}
}
