package advection

import (
	"math"
	"math/rand"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// rigidVelocity returns a velocity with vp = w sin(t) (angular speed w
// rad/hr) and vt = vt0 (Rs/hr) for nReal realizations.
func rigidVelocity(t *testing.T, m *mesh.Mesh, nReal int, w, vt0 float64) *flow.Velocity {
	t.Helper()
	var models []flow.Model
	if w != 0 {
		models = append(models, &flow.RigidRotation{Omega: w / mesh.KmPerSToRsPerHr})
	}
	if vt0 != 0 {
		models = append(models, &flow.ConstVt{V: vt0 / mesh.KmPerSToRsPerHr})
	}
	fl, err := flow.New(m, nReal, models, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.Update(nil, 0); err != nil {
		t.Fatal(err)
	}
	return fl.V
}

// fill sets f(j,k,r) = g(theta_j, phi_k) on every point of every
// realization (the periodic columns get the values at their own phi, which
// is consistent for 2pi-periodic g).
func fill(m *mesh.Mesh, nReal int, g func(theta, phi float64) float64) []float64 {
	f := make([]float64, m.Size()*nReal)
	for r := 0; r < nReal; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				f[m.Index(j, k, r)] = g(m.Theta[j], m.Phi[k])
			}
		}
	}
	return f
}

// advectError advances f0 on m for time T with nSteps equal steps and
// returns the largest error against exact over the interior rows and the
// unique phi columns.
func advectError(t *testing.T, m *mesh.Mesh, method int, v *flow.Velocity, f0, exact []float64, T float64, nSteps int) float64 {
	t.Helper()
	a, err := New(m, 1, method, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.SetVelocity(v)
	dt := T / float64(nSteps)
	if s := a.StableDt(false); dt > s {
		t.Fatalf("dt %g above the stable step %g", dt, s)
	}
	f := append([]float64(nil), f0...)
	for i := 0; i < nSteps; i++ {
		a.Step(f, dt)
	}
	e := 0.0
	for k := 0; k < m.NPhiMain-2; k++ {
		for j := 1; j < m.NThetaMain-1; j++ {
			e = max(e, math.Abs(f[m.Index(j, k, 0)]-exact[m.Index(j, k, 0)]))
		}
	}
	return e
}

// phiConvergence measures the error of advecting exp(sin phi) by rigid
// rotation through 1 rad, with the phi spacing halved each time.
func phiConvergence(t *testing.T, method int, cells []int, cfl float64) []float64 {
	var errs []float64
	for _, n := range cells {
		m, err := mesh.Uniform(9, n+1)
		if err != nil {
			t.Fatal(err)
		}
		const w, T = 1.0, 1.0
		v := rigidVelocity(t, m, 1, w, 0)
		g := func(theta, phi float64) float64 { return math.Exp(math.Sin(phi)) }
		f0 := fill(m, 1, g)
		exact := fill(m, 1, func(theta, phi float64) float64 { return g(theta, phi-w*T) })
		dphi := 2 * math.Pi / float64(n)
		steps := int(math.Ceil(T / (cfl * dphi / w)))
		errs = append(errs, advectError(t, m, method, v, f0, exact, T, steps))
	}
	return errs
}

// thetaConvergence measures the error of moving sin(theta)*Br = G(theta)
// by a constant vt, which translates G rigidly (section 4.5), with the
// theta spacing halved each time.
func thetaConvergence(t *testing.T, method int, cells []int, cfl float64) []float64 {
	var errs []float64
	for _, n := range cells {
		m, err := mesh.Uniform(n+1, 9)
		if err != nil {
			t.Fatal(err)
		}
		const vt, T = 0.4, 1.0
		v := rigidVelocity(t, m, 1, 0, vt)
		G := func(theta float64) float64 { return math.Exp(-(theta - 1.2) * (theta - 1.2) / 0.05) }
		br := func(theta, shift float64) float64 {
			s := math.Sin(theta)
			if s == 0 {
				return 0
			}
			return G(theta-shift) / s
		}
		f0 := fill(m, 1, func(theta, _ float64) float64 { return br(theta, 0) })
		exact := fill(m, 1, func(theta, _ float64) float64 { return br(theta, vt*T) })
		dth := math.Pi / float64(n)
		steps := int(math.Ceil(T / (cfl * dth / vt)))
		errs = append(errs, advectError(t, m, method, v, f0, exact, T, steps))
	}
	return errs
}

func slopes(errs []float64) []float64 {
	var s []float64
	for i := 1; i < len(errs); i++ {
		s = append(s, math.Log2(errs[i-1]/errs[i]))
	}
	return s
}

func checkOrder(t *testing.T, what string, errs []float64, minOrder, maxOrder float64) {
	t.Helper()
	s := slopes(errs)
	t.Logf("%s: errors %.3e, observed orders %.3f", what, errs, s)
	last := s[len(s)-1]
	if last < minOrder || last > maxOrder {
		t.Errorf("%s: observed order %.3f on the finest pair, want between %.2f and %.2f", what, last, minOrder, maxOrder)
	}
}

// TestConvergenceWENO3 checks that WENO3 (methods 3 and 4) converges at
// third order on smooth data in phi and in theta (measured: 3.14 and 3.27
// on the finest pairs), and upwind (methods 1 and 2) at first order
// (measured 0.98-0.99 in phi, 0.92-0.95 in theta).
func TestConvergence(t *testing.T) {
	phiCells := []int{32, 64, 128, 256, 512}
	thetaCells := []int{40, 80, 160, 320, 640}
	for _, tc := range []struct {
		method   int
		min, max float64
	}{
		{1, 0.85, 1.15}, {2, 0.85, 1.15}, {3, 2.7, 3.6}, {4, 2.7, 3.6},
	} {
		checkOrder(t, "phi method "+string(rune('0'+tc.method)), phiConvergence(t, tc.method, phiCells, 0.4), tc.min, tc.max)
		checkOrder(t, "theta method "+string(rune('0'+tc.method)), thetaConvergence(t, tc.method, thetaCells, 0.4), tc.min, tc.max)
	}
}

// randomField is a smooth field plus noise, periodic in phi with constant
// pole rows, as HipFT's fields are.
func randomField(m *mesh.Mesh, nReal int, seed int64) []float64 {
	rng := rand.New(rand.NewSource(seed))
	f := fill(m, nReal, func(theta, phi float64) float64 {
		return 3*math.Cos(theta) + math.Sin(2*theta)*math.Cos(phi) + 0.7
	})
	ntm, npm := m.NThetaMain, m.NPhiMain
	for r := 0; r < nReal; r++ {
		for k := 1; k < npm-1; k++ {
			for j := 1; j < ntm-1; j++ {
				f[m.Index(j, k, r)] += rng.NormFloat64()
			}
		}
	}
	mesh.SetPeriodic(f, ntm, npm, nReal)
	m.PoleAverage(f, nReal)
	return f
}

// aftVelocity is the default AFT differential rotation and meridional flow
// with a constant theta drift, all realizations alike.
func aftVelocity(t *testing.T, m *mesh.Mesh, nReal int) *flow.Velocity {
	t.Helper()
	rep := func(x float64) []float64 {
		s := make([]float64, nReal)
		for i := range s {
			s[i] = x
		}
		return s
	}
	fl, err := flow.New(m, nReal, []flow.Model{
		&flow.MeridionalAFT{P1: rep(22), P3: rep(11), P5: rep(-28)},
		&flow.DiffRotationAFT{P0: rep(46), P2: rep(-262), P4: rep(-379)},
		&flow.RigidRotation{Omega: 1.5},
		&flow.ConstVt{V: 0.01},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.Update(nil, 0); err != nil {
		t.Fatal(err)
	}
	return fl.V
}

// TestFluxConservation checks that advection conserves the net flux (the
// area integral of Br with HipFT's weights) to round-off, for every method.
func TestFluxConservation(t *testing.T) {
	m, err := mesh.Uniform(37, 73)
	if err != nil {
		t.Fatal(err)
	}
	v := aftVelocity(t, m, 1)
	for method := 1; method <= 4; method++ {
		f := randomField(m, 1, 1)
		pos0, neg0 := diag.Flux(m, f)
		a, err := New(m, 1, method, 1, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		a.SetVelocity(v)
		dt := a.StableDt(false)
		for i := 0; i < 50; i++ {
			a.Step(f, dt)
		}
		pos, neg := diag.Flux(m, f)
		drift := math.Abs((pos + neg) - (pos0 + neg0))
		scale := pos0 - neg0
		t.Logf("method %d: net flux %.17g -> %.17g (drift %.2e of the unsigned flux %.3g)", method, pos0+neg0, pos+neg, drift/scale, scale)
		if drift > 1e-13*scale {
			t.Errorf("method %d: net flux drifted by %.3e (unsigned flux %.3e)", method, drift, scale)
		}
		if pos-neg == scale {
			t.Errorf("method %d: the field did not change", method)
		}
	}
}

// TestStepDoesNotAllocate checks Step, SetVelocity and StableDt for zero
// allocations, serial and with a pool.
func TestStepDoesNotAllocate(t *testing.T) {
	m, err := mesh.Uniform(19, 37)
	if err != nil {
		t.Fatal(err)
	}
	pool := parallel.New(4)
	defer pool.Close()
	for _, p := range []*parallel.Pool{nil, pool} {
		for method := 1; method <= 4; method++ {
			a, err := New(m, 3, method, 1, 0, p)
			if err != nil {
				t.Fatal(err)
			}
			v := aftVelocity(t, m, 3)
			f := randomField(m, 3, 2)
			a.SetVelocity(v)
			if n := testing.AllocsPerRun(20, func() {
				a.SetVelocity(v)
				_ = a.StableDt(true)
				a.Step(f, 0.1)
			}); n != 0 {
				t.Errorf("method %d, pool %v: %v allocations per step", method, p != nil, n)
			}
		}
	}
}

// TestRealizationsAndPoolIndependent checks that stepping several
// realizations at once, in parallel, gives bit for bit what stepping each
// alone and serially gives.
func TestRealizationsAndPoolIndependent(t *testing.T) {
	m, err := mesh.Uniform(21, 40)
	if err != nil {
		t.Fatal(err)
	}
	const nReal = 3
	pool := parallel.New(3)
	defer pool.Close()
	for method := 1; method <= 4; method++ {
		all := randomField(m, nReal, 3)
		a, _ := New(m, nReal, method, 1, 0, pool)
		a.SetVelocity(aftVelocity(t, m, nReal))
		dt := a.StableDt(false)
		orig := append([]float64(nil), all...)
		for i := 0; i < 5; i++ {
			a.Step(all, dt)
		}
		for r := 0; r < nReal; r++ {
			one := append([]float64(nil), orig[m.Size()*r:m.Size()*(r+1)]...)
			b, _ := New(m, 1, method, 1, 0, nil)
			b.SetVelocity(aftVelocity(t, m, 1))
			for i := 0; i < 5; i++ {
				b.Step(one, dt)
			}
			for i, x := range one {
				if x != all[m.Size()*r+i] {
					t.Fatalf("method %d realization %d point %d: %v together, %v alone", method, r, i, all[m.Size()*r+i], x)
				}
			}
		}
	}
}

// TestAlphas checks the Lax-Friedrichs speeds against a direct evaluation:
// the largest |vt| over the six faces j-2..j+3 clipped to the mesh, and
// the largest |vp| over the faces k-2..k+3 wrapped periodically.
func TestAlphas(t *testing.T) {
	m, err := mesh.Uniform(15, 24)
	if err != nil {
		t.Fatal(err)
	}
	const nReal = 2
	rng := rand.New(rand.NewSource(4))
	v := flow.NewVelocity(m, nReal)
	for i := range v.Vt {
		v.Vt[i] = rng.NormFloat64()
	}
	for i := range v.Vp {
		v.Vp[i] = rng.NormFloat64()
	}
	mesh.SetPeriodic(v.Vp, m.NThetaMain, m.NPhiHalf, nReal)
	a, _ := New(m, nReal, 4, 1, 0, nil)
	a.SetVelocity(v)
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nu := np - 2 // unique phi faces 1..np-2
	wrap := func(k int) int { return ((k-1)%nu+nu)%nu + 1 }
	for r := 0; r < nReal; r++ {
		for k := 0; k < npm; k++ {
			for j := 0; j < ntm; j++ {
				want := 0.0
				for jj := max(j-2, 0); jj <= min(j+3, nt-1); jj++ {
					want = max(want, math.Abs(v.Vt[v.VtIndex(jj, k, r)]))
				}
				if got := a.AlphaT[m.Index(j, k, r)]; got != want {
					t.Fatalf("alpha_t(%d,%d,%d) = %v, want %v", j, k, r, got, want)
				}
				want = 0
				if j > 0 && j < ntm-1 {
					for kk := k - 2; kk <= k+3; kk++ {
						want = max(want, math.Abs(v.Vp[v.VpIndex(j, wrap(kk), r)]))
					}
				}
				if got := a.AlphaP[m.Index(j, k, r)]; got != want {
					t.Fatalf("alpha_p(%d,%d,%d) = %v, want %v", j, k, r, got, want)
				}
			}
		}
	}
}

// TestStableDt checks the CFL limit against closed forms: rigid rotation
// at angular speed w gives 0.95*0.5*dphi/w, a constant vt gives
// 0.95*0.5*dtheta/vt, doubled for Strang and for SSPRK(4,3).
func TestStableDt(t *testing.T) {
	m, err := mesh.Uniform(31, 61)
	if err != nil {
		t.Fatal(err)
	}
	dphi, dth := 2*math.Pi/60, math.Pi/30
	for _, tc := range []struct {
		w, vt, want float64
	}{
		{2, 0, 0.95 * 0.5 * dphi / 2},
		{0, 0.3, 0.95 * 0.5 * dth / 0.3},
	} {
		v := rigidVelocity(t, m, 1, tc.w, tc.vt)
		for method := 1; method <= 4; method++ {
			a, _ := New(m, 1, method, 1, 0, nil)
			a.SetVelocity(v)
			for _, strang := range []bool{false, true} {
				want := tc.want
				if strang {
					want *= 2
				}
				if method == 4 {
					want *= 2
				}
				if got := a.StableDt(strang); math.Abs(got-want) > 1e-12*want {
					t.Errorf("w=%g vt=%g method %d strang %v: StableDt %.16g, want %.16g", tc.w, tc.vt, method, strang, got, want)
				}
			}
		}
	}
	// Zero velocity: kv is replaced by the smallest normal number.
	a, _ := New(m, 1, 1, 1, 0, nil)
	a.SetVelocity(flow.NewVelocity(m, 1))
	if got, want := a.StableDt(false), 0.95*(0.5/mesh.SmallValue); got != want {
		t.Errorf("StableDt with no flow = %v, want %v", got, want)
	}
}

// TestOperatorUpwindByHand checks one interior point and both poles of the
// upwind operator against the formulas of section 7 written out by hand.
func TestOperatorUpwindByHand(t *testing.T) {
	m, err := mesh.Uniform(11, 21)
	if err != nil {
		t.Fatal(err)
	}
	v := aftVelocity(t, m, 1)
	f := randomField(m, 1, 5)
	a, _ := New(m, 1, 1, 1, 0, nil)
	a.SetVelocity(v)
	aop := make([]float64, len(f))
	a.Operator(aop, f)
	F := func(j, k int) float64 { return f[m.Index(j, k, 0)] }
	// Donor cell: the flux carries the value from the side the flow comes from.
	ft := func(j, k int) float64 { // face between rows j-1 and j
		u := v.Vt[v.VtIndex(j, k, 0)]
		if u > 0 {
			return u * F(j-1, k)
		}
		return u * F(j, k)
	}
	fp := func(j, k int) float64 { // face between columns k-1 and k
		u := v.Vp[v.VpIndex(j, k, 0)]
		if u > 0 {
			return u * F(j, k-1)
		}
		return u * F(j, k)
	}
	j, k := 4, 7
	st := math.Sin(m.Theta[j])
	want := (math.Sin(m.ThetaHalf[j+1])*ft(j+1, k)-math.Sin(m.ThetaHalf[j])*ft(j, k))/(st*m.DTheta[j]) +
		(fp(j, k+1)-fp(j, k))/(st*m.DPhi[k])
	if got := aop[m.Index(j, k, 0)]; math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("A(%d,%d) = %.16g, want %.16g", j, k, got, want)
	}
	// Poles: the flux through the cap edge over the cap area pi*dth^2/4.
	var fn, fs float64
	for k := 1; k < m.NPhiMain-1; k++ {
		fn += ft(1, k) * m.DPhi[k]
		fs += ft(m.NThetaMain-1, k) * m.DPhi[k]
	}
	dth := m.DThetaHalf[1]
	wantN := fn * (dth / 2) / (math.Pi * dth * dth / 4)
	wantS := -fs * (dth / 2) / (math.Pi * dth * dth / 4)
	for k := 0; k < m.NPhiMain; k++ {
		if got := aop[m.Index(0, k, 0)]; math.Abs(got-wantN) > 1e-12*math.Abs(wantN) {
			t.Errorf("north pole A(0,%d) = %.16g, want %.16g", k, got, wantN)
		}
		if got := aop[m.Index(m.NThetaMain-1, k, 0)]; math.Abs(got-wantS) > 1e-12*math.Abs(wantS) {
			t.Errorf("south pole A(ntm-1,%d) = %.16g, want %.16g", k, got, wantS)
		}
	}
	// The periodic columns repeat the interior ones.
	for j := 0; j < m.NThetaMain; j++ {
		if aop[m.Index(j, 0, 0)] != aop[m.Index(j, m.NPhiMain-2, 0)] || aop[m.Index(j, m.NPhiMain-1, 0)] != aop[m.Index(j, 1, 0)] {
			t.Fatalf("A is not periodic in phi at row %d", j)
		}
	}
}

// TestConstantFieldRigidRotation: a rigid rotation is divergence free, so
// a constant field is left unchanged by every method (exactly by upwind; to
// round-off by WENO3, whose grid weights carry the rounding of the phi
// spacings).
func TestConstantFieldRigidRotation(t *testing.T) {
	m, err := mesh.Uniform(19, 37)
	if err != nil {
		t.Fatal(err)
	}
	v := rigidVelocity(t, m, 1, 0.7, 0)
	for method := 1; method <= 4; method++ {
		f := fill(m, 1, func(float64, float64) float64 { return 2.5 })
		a, _ := New(m, 1, method, 1, 0, nil)
		a.SetVelocity(v)
		a.Step(f, a.StableDt(false))
		tol := 0.0
		if method > 2 {
			tol = 4e-16 * 2.5
		}
		for i, x := range f {
			if math.Abs(x-2.5) > tol {
				t.Fatalf("method %d: f[%d] = %v after a step, want 2.5", method, i, x)
			}
		}
	}
}

func TestMethods(t *testing.T) {
	want := [][2]int{{FE, Upwind}, {SSPRK33, Upwind}, {SSPRK33, WENO3}, {SSPRK43, WENO3}}
	for i, w := range want {
		tm, sm, err := Methods(i + 1)
		if err != nil || tm != w[0] || sm != w[1] {
			t.Errorf("Methods(%d) = %d, %d, %v; want %d, %d", i+1, tm, sm, err, w[0], w[1])
		}
	}
	for _, bad := range []int{0, 5, -1} {
		if _, _, err := Methods(bad); err == nil {
			t.Errorf("Methods(%d): no error", bad)
		}
	}
	m, _ := mesh.Uniform(9, 9)
	if _, err := New(m, 1, 7, 1, 0, nil); err == nil {
		t.Error("New accepted flow_num_method 7")
	}
}

// BenchmarkWENO3Step is one SSPRK(4,3)+WENO3 advection step on a 512x1024
// mesh (theta x phi points) with 8 realizations.
func BenchmarkWENO3Step(b *testing.B) {
	m, err := mesh.Uniform(512, 1024)
	if err != nil {
		b.Fatal(err)
	}
	const nReal = 8
	pool := parallel.New(0)
	defer pool.Close()
	a, err := New(m, nReal, 4, 1, 0, pool)
	if err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	a.SetVelocity(aftVelocity(t, m, nReal))
	f := randomField(m, nReal, 6)
	dt := a.StableDt(false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Step(f, dt)
	}
	b.ReportMetric(float64(b.N)*float64(m.Size()*nReal)/b.Elapsed().Seconds(), "points/s")
}
