package flow

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

const (
	mps = 5.172413793103448e-06 // m/s in Rs/hr (696000 km, 3600 s)
	kps = 0.005172413793103448  // km/s in Rs/hr
	tol = 1e-14                 // relative, for single formulas
)

func testMesh(t *testing.T) *mesh.Mesh {
	t.Helper()
	m, err := mesh.Uniform(19, 37)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// near reports whether got equals want to rel relative to scale.
func near(got, want, scale, rel float64) bool {
	return math.Abs(got-want) <= rel*scale
}

func maxAbs(v []float64) float64 {
	x := 0.0
	for _, y := range v {
		x = max(x, math.Abs(y))
	}
	return x
}

func addOne(t *testing.T, m *mesh.Mesh, nReal int, md Model) *Velocity {
	t.Helper()
	v := NewVelocity(m, nReal)
	if err := md.Add(v, m, 0); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMeridionalAFT(t *testing.T) {
	m := testMesh(t)
	md := &MeridionalAFT{P1: []float64{22, 15}, P3: []float64{11, -3}, P5: []float64{-28, 7}}
	v := addOne(t, m, 2, md)
	scale := maxAbs(v.Vt)
	for r := 0; r < 2; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			for j := 0; j < m.NThetaHalf; j++ {
				th := m.ThetaHalf[j]
				// sin|theta|: the north ghost (theta < 0) gets a positive sine, the
				// south ghost (theta > pi) keeps its negative one.
				want := -mps * math.Sin(math.Abs(th)) * (md.P1[r]*math.Cos(th) + md.P3[r]*math.Pow(math.Cos(th), 3) + md.P5[r]*math.Pow(math.Cos(th), 5))
				if got := v.Vt[v.VtIndex(j, k, r)]; !near(got, want, scale, tol) {
					t.Fatalf("vt(%d,%d,%d) = %v, want %v", j, k, r, got, want)
				}
			}
		}
	}
	// Default coefficients: poleward in both hemispheres.
	d := addOne(t, m, 1, &MeridionalAFT{P1: []float64{22}, P3: []float64{11}, P5: []float64{-28}})
	if d.Vt[d.VtIndex(5, 3, 0)] >= 0 || d.Vt[d.VtIndex(m.NThetaHalf-6, 3, 0)] <= 0 {
		t.Error("default AFT meridional flow is not poleward")
	}
	if len(v.Vp) != 0 && maxAbs(v.Vp) != 0 {
		t.Error("meridional flow changed vp")
	}
	if err := md.Add(NewVelocity(m, 3), m, 0); err == nil {
		t.Error("no error with fewer coefficients than realizations")
	}
}

func TestDiffRotationAFT(t *testing.T) {
	m := testMesh(t)
	md := &DiffRotationAFT{P0: []float64{46, 30}, P2: []float64{-262, -100}, P4: []float64{-379, 50}}
	v := addOne(t, m, 2, md)
	scale := maxAbs(v.Vp)
	for r := 0; r < 2; r++ {
		for k := 0; k < m.NPhiHalf; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				th := m.Theta[j]
				want := mps * math.Sin(th) * (md.P0[r] + md.P2[r]*math.Pow(math.Cos(th), 2) + md.P4[r]*math.Pow(math.Cos(th), 4))
				if j == 0 || j == m.NThetaMain-1 {
					want = 0 // sin t is exactly 0 at the poles
				}
				if got := v.Vp[v.VpIndex(j, k, r)]; !near(got, want, scale, tol) || (want == 0 && got != 0) {
					t.Fatalf("vp(%d,%d,%d) = %v, want %v", j, k, r, got, want)
				}
			}
		}
	}
	if maxAbs(v.Vt) != 0 {
		t.Error("differential rotation changed vt")
	}
}

func TestRigidRotationAndConstVt(t *testing.T) {
	m := testMesh(t)
	v := addOne(t, m, 2, &RigidRotation{Omega: 2})
	// Angular speed 2 km/s / 696000 km = 2.873...e-6 rad/s, in rad/hr.
	w := 2.0 / 696000 * 3600
	for r := 0; r < 2; r++ {
		for k := 0; k < m.NPhiHalf; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				want := w * math.Sin(m.Theta[j])
				if j == 0 || j == m.NThetaMain-1 {
					want = 0
				}
				if got := v.Vp[v.VpIndex(j, k, r)]; !near(got, want, w, tol) {
					t.Fatalf("vp(%d,%d,%d) = %v, want %v", j, k, r, got, want)
				}
			}
		}
	}
	v = addOne(t, m, 2, &ConstVt{V: -0.3})
	for i, x := range v.Vt { // every face, ghosts included
		if !near(x, -0.3/696000*3600, 0.3/696000*3600, tol) {
			t.Fatalf("vt[%d] = %v", i, x)
		}
	}
}

func TestRotatedRigidRotation(t *testing.T) {
	m := testMesh(t)
	md := &RotatedRigidRotation{Omega: 0.8}
	v := addOne(t, m, 1, md)
	V := 0.8 * kps
	sg := func(x float64) float64 { return math.Copysign(1, x) }
	pw := math.Pow
	nanOrInf := 0
	for k := 0; k < m.NPhiMain; k++ {
		for j := 0; j < m.NThetaHalf; j++ {
			c, s := math.Cos(m.Phi[k]), math.Sin(m.Phi[k])
			C, S := math.Cos(m.ThetaHalf[j]), math.Sin(math.Abs(m.ThetaHalf[j]))
			num := -2*C*math.Abs(S*c) + ((c*C*C-c)*pw(math.Abs(c), 3)+(2*c-3*c*C*C)*math.Abs(c)+sg(c)*C*C)*sg(S) +
				2*pw(math.Abs(c), 3)*C*math.Abs(S) + (3*c*c-pw(c, 4)-1)*C*C + (2*S*c-2*pw(c, 3)*S)*C + pw(c, 4) - 2*c*c + 1
			den := math.Sqrt((pw(c, 4)-3*c*c+1)*C*C + (2*pw(c, 3)*S-2*S*c)*C - pw(c, 4) - 2*c*c)
			want := -num * math.Abs(S*c) * s * V / den
			if math.Abs(want) > 1e5 {
				want = 0
			}
			got := v.Vt[v.VtIndex(j, k, 0)]
			if math.IsNaN(want) {
				nanOrInf++
				if !math.IsNaN(got) {
					t.Fatalf("vt(%d,%d) = %v, want NaN", j, k, got)
				}
				continue
			}
			if !near(got, want, math.Max(math.Abs(want), V), 1e-12) {
				t.Fatalf("vt(%d,%d) = %v, want %v", j, k, got, want)
			}
		}
	}
	for k := 0; k < m.NPhiHalf; k++ {
		for j := 0; j < m.NThetaMain; j++ {
			c := math.Cos(m.PhiHalf[k])
			ct, st := m.CosTheta[j], m.SinTheta[j]
			want := -V * (c*c*ct + st*c - ct) * sg(c) * math.Abs(st) /
				math.Sqrt((pw(c, 4)-3*c*c+1)*ct*ct+(2*pw(c, 3)*st-2*st*c)*ct-pw(c, 4)-2*c*c)
			if math.Abs(want) > 1e5 {
				want = 0
			}
			got := v.Vp[v.VpIndex(j, k, 0)]
			if math.IsNaN(want) {
				nanOrInf++
				if !math.IsNaN(got) {
					t.Fatalf("vp(%d,%d) = %v, want NaN", j, k, got)
				}
				continue
			}
			if !near(got, want, math.Max(math.Abs(want), V), 1e-12) {
				t.Fatalf("vp(%d,%d) = %v, want %v", j, k, got, want)
			}
		}
	}
	t.Logf("%d points are NaN (negative square-root argument), as in HipFT", nanOrInf)
	if nanOrInf == 0 {
		t.Error("expected HipFT's NaNs where the square-root argument is negative")
	}
	// Speeds above 1e5 Rs/hr are reset to 0.
	big := addOne(t, m, 1, &RotatedRigidRotation{Omega: 1e12})
	for _, x := range append(append([]float64(nil), big.Vt...), big.Vp...) {
		if math.Abs(x) > 1e5 {
			t.Fatalf("speed %v above 1e5 not reset", x)
		}
	}
}

// randomBr is a field with a spread of magnitudes, including exact zeros.
func randomBr(m *mesh.Mesh, nReal int, seed int64) []float64 {
	rng := rand.New(rand.NewSource(seed))
	f := make([]float64, m.Size()*nReal)
	for i := range f {
		if rng.Intn(10) > 0 {
			f[i] = 800 * rng.NormFloat64()
		}
	}
	mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nReal)
	return f
}

func TestAttenuate(t *testing.T) {
	m := testMesh(t)
	const nReal = 3
	f := randomBr(m, nReal, 1)
	rng := rand.New(rand.NewSource(2))
	v := NewVelocity(m, nReal)
	for i := range v.Vt {
		v.Vt[i] = rng.NormFloat64()
	}
	for i := range v.Vp {
		v.Vp[i] = rng.NormFloat64()
	}
	orig := &Velocity{Vt: append([]float64(nil), v.Vt...), Vp: append([]float64(nil), v.Vp...)}
	values := []float64{500, 300, -1} // -1: any nonzero Br stops the flow
	Attenuate(v, m, f, values)
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	br := func(j, k, r int) float64 { return math.Abs(f[m.Index(j, k, r)]) }
	factor := func(b float64, r int) float64 {
		if values[r] <= 0 {
			if b == 0 {
				return 1
			}
			return 0
		}
		return 1 - math.Tanh(b/values[r])
	}
	for r := 0; r < nReal; r++ {
		for k := 1; k < npm-1; k++ {
			for j := 0; j < nt; j++ {
				i := v.VtIndex(j, k, r)
				want := orig.Vt[i] // the ghost/pole faces are left alone
				if j > 0 && j < nt-1 {
					want = orig.Vt[i] * factor(math.Max(br(j-1, k, r), br(j, k, r)), r)
				}
				if !near(v.Vt[i], want, math.Abs(orig.Vt[i]), 1e-15) {
					t.Fatalf("vt(%d,%d,%d) = %v, want %v", j, k, r, v.Vt[i], want)
				}
			}
		}
		for k := 1; k < np-1; k++ {
			for j := 0; j < ntm; j++ {
				i := v.VpIndex(j, k, r)
				want := orig.Vp[i] * factor(math.Max(br(j, k-1, r), br(j, k, r)), r)
				if !near(v.Vp[i], want, math.Abs(orig.Vp[i]), 1e-15) {
					t.Fatalf("vp(%d,%d,%d) = %v, want %v", j, k, r, v.Vp[i], want)
				}
			}
		}
		// Periodic phi overlap afterwards.
		for j := 0; j < nt; j++ {
			if v.Vt[v.VtIndex(j, 0, r)] != v.Vt[v.VtIndex(j, npm-2, r)] || v.Vt[v.VtIndex(j, npm-1, r)] != v.Vt[v.VtIndex(j, 1, r)] {
				t.Fatalf("vt not periodic at row %d", j)
			}
		}
		for j := 0; j < ntm; j++ {
			if v.Vp[v.VpIndex(j, 0, r)] != v.Vp[v.VpIndex(j, np-2, r)] || v.Vp[v.VpIndex(j, np-1, r)] != v.Vp[v.VpIndex(j, 1, r)] {
				t.Fatalf("vp not periodic at row %d", j)
			}
		}
	}
}

// TestFlowsUpdate checks the update logic: contributions are summed in
// order, steady flows are computed once, attenuation and time-dependent
// models force an update every step, Invalidate forces one.
func TestFlowsUpdate(t *testing.T) {
	m := testMesh(t)
	cfg := &Config{MFModel: 1, MFP1: []float64{22}, MFP3: []float64{11}, MFP5: []float64{-28},
		DRModel: 1, DRP0: []float64{46}, DRP2: []float64{-262}, DRP4: []float64{-379},
		VpRigidOmega: 1.2, VtConst: 0.05}
	if got, want := strings.Join(cfg.ModelNames(), ","), "mf_aft,dr_aft,vp_rigid,vt_const"; got != want {
		t.Fatalf("ModelNames = %s, want %s", got, want)
	}
	fl, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fl.EveryStep() {
		t.Error("steady analytic flows marked as every step")
	}
	f := randomBr(m, 1, 3)
	if ch, err := fl.Update(f, 0); !ch || err != nil {
		t.Fatalf("first Update: %v, %v", ch, err)
	}
	// The sum of the single contributions, added in the same order.
	want := NewVelocity(m, 1)
	for _, md := range []Model{&MeridionalAFT{P1: cfg.MFP1, P3: cfg.MFP3, P5: cfg.MFP5},
		&DiffRotationAFT{P0: cfg.DRP0, P2: cfg.DRP2, P4: cfg.DRP4},
		&RigidRotation{Omega: 1.2}, &ConstVt{V: 0.05}} {
		if err := md.Add(want, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := range want.Vt {
		if fl.V.Vt[i] != want.Vt[i] {
			t.Fatalf("vt[%d] = %v, want %v", i, fl.V.Vt[i], want.Vt[i])
		}
	}
	for i := range want.Vp {
		if fl.V.Vp[i] != want.Vp[i] {
			t.Fatalf("vp[%d] = %v, want %v", i, fl.V.Vp[i], want.Vp[i])
		}
	}
	if ch, _ := fl.Update(f, 1); ch {
		t.Error("steady flow recomputed")
	}
	fl.Invalidate()
	if ch, _ := fl.Update(f, 2); !ch {
		t.Error("Invalidate did not force an update")
	}
	if _, ok := fl.NextFileTime(); ok {
		t.Error("NextFileTime without file flows")
	}

	cfg.Attenuate = true
	cfg.AttenuateValues = []float64{400}
	fl, err = FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !fl.EveryStep() {
		t.Error("attenuated flows not marked every step")
	}
	for step := 0; step < 3; step++ {
		if ch, _ := fl.Update(f, float64(step)); !ch {
			t.Fatalf("attenuated flow not recomputed at step %d", step)
		}
	}
	Attenuate(want, m, f, cfg.AttenuateValues)
	for i := range want.Vt {
		if fl.V.Vt[i] != want.Vt[i] {
			t.Fatalf("attenuated vt[%d] = %v, want %v", i, fl.V.Vt[i], want.Vt[i])
		}
	}
	if n := testing.AllocsPerRun(10, func() { _, _ = fl.Update(f, 1) }); n != 0 {
		t.Errorf("Update allocates %v times", n)
	}

	cfg.AttenuateValues = nil
	if _, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil); err == nil {
		t.Error("no error for attenuation without values")
	}
	cfg.Attenuate = false
	cfg.Extra = []string{"nonesuch"}
	if _, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil); err == nil || !strings.Contains(err.Error(), "nonesuch") {
		t.Errorf("unknown model: err = %v", err)
	}
	cfg.Extra = nil
	cfg.DRP0 = nil
	if _, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil); err == nil || !strings.Contains(err.Error(), "flow_dr_coef_p0_values") {
		t.Errorf("missing coefficients: err = %v", err)
	}
}

func TestRegistry(t *testing.T) {
	r := DefaultRegistry()
	want := []string{"dr_aft", "files", "mf_aft", "rigid_rotated", "vp_rigid", "vt_const"}
	if got := strings.Join(r.Names(), ","); got != strings.Join(want, ",") {
		t.Errorf("Names = %s", got)
	}
	if err := r.Register("vt_const", func(*Setup) (Model, error) { return nil, nil }); err == nil {
		t.Error("duplicate registration accepted")
	}
	if err := r.Register("", nil); err == nil {
		t.Error("empty registration accepted")
	}
}

// badModel adds a finite velocity everywhere except one vp value.
type badModel struct{ bad float64 }

func (*badModel) Name() string { return "bad" }
func (b *badModel) Add(v *Velocity, m *mesh.Mesh, _ float64) error {
	for i := range v.Vt {
		v.Vt[i] += 1e-3
	}
	v.Vp[v.VpIndex(3, 5, v.NReal-1)] = b.bad
	return nil
}

// TestUpdateRejectsNonFiniteVelocity checks that Flows.Update stops with
// an error naming the model, the point and, for flow_rigid_omega, the fix,
// instead of handing a NaN velocity to the advection.
func TestUpdateRejectsNonFiniteVelocity(t *testing.T) {
	m := testMesh(t)
	aft := &MeridionalAFT{P1: []float64{22, 15}, P3: []float64{11, -3}, P5: []float64{-28, 7}}
	for _, c := range []struct {
		name   string
		models []Model
		atten  []float64
		want   []string // in the error; none: no error
	}{
		{"aft", []Model{aft}, nil, nil},
		{"rotated rigid", []Model{aft, &RotatedRigidRotation{Omega: 0.3}}, nil, []string{"flow model rigid_rotated", "set flow_rigid_omega = 0", "at time 0 h"}},
		{"nan, attenuated", []Model{aft, &badModel{math.NaN()}}, []float64{10, 20}, []string{"flow model bad", "vp = NaN at theta point 3", "phi face 5", "realization 2"}},
		{"inf", []Model{&badModel{math.Inf(-1)}}, nil, []string{"flow model bad", "vp = -Inf"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fl, err := New(m, 2, c.models, c.atten, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = fl.Update(make([]float64, m.Size()*2), 0)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error for a non-finite velocity")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestModelParam checks that every built-in model names its parameter
// and that the parameter is a HipFT flow parameter.
func TestModelParam(t *testing.T) {
	for _, name := range []string{ModelFiles, ModelMeridional, ModelDiffRotation, ModelRigidRotation, ModelConstVt, ModelRotatedRigid} {
		if p := ModelParam(name); !strings.HasPrefix(p, "flow_") && p != "use_flow_from_files" {
			t.Errorf("ModelParam(%q) = %q", name, p)
		}
	}
	if p := ModelParam("user_model"); p != "" {
		t.Errorf("ModelParam of a user model = %q, want none", p)
	}
}

// TestVelocityLayouts checks that vt and vp are laid out as the package
// documentation says: theta fastest, vt on field.ThetaFace and vp on
// field.PhiFace of the mesh, and that VtIndex and VpIndex refuse points
// off their mesh.
func TestVelocityLayouts(t *testing.T) {
	m, err := mesh.Uniform(7, 9)
	if err != nil {
		t.Fatal(err)
	}
	const nr = 3
	v := NewVelocity(m, nr)
	for _, c := range []struct {
		name   string
		l      field.Layout
		data   []float64
		index  func(j, k, r int) int
		loc    field.Location
		nTheta int
		nPhi   int
	}{
		{"vt", v.VtLayout(), v.Vt, v.VtIndex, field.ThetaFace, m.NThetaHalf, m.NPhiMain},
		{"vp", v.VpLayout(), v.Vp, v.VpIndex, field.PhiFace, m.NThetaMain, m.NPhiHalf},
	} {
		if c.l != m.Layout(c.loc, nr) || len(c.data) != c.l.Len() {
			t.Fatalf("%s: layout %v, %d values", c.name, c.l, len(c.data))
		}
		i := 0
		for r := 0; r < nr; r++ {
			for k := 0; k < c.nPhi; k++ {
				for j := 0; j < c.nTheta; j++ {
					if got := c.index(j, k, r); got != i {
						t.Fatalf("%s: index(%d,%d,%d) = %d, want %d", c.name, j, k, r, got, i)
					}
					i++
				}
			}
		}
		for _, p := range [][3]int{{c.nTheta, 0, 0}, {0, c.nPhi, 0}, {0, 0, nr}, {-1, 0, 0}} {
			func() {
				defer func() {
					if recover() != field.ErrPoint {
						t.Errorf("%s: index%v did not panic with field.ErrPoint", c.name, p)
					}
				}()
				c.index(p[0], p[1], p[2])
			}()
		}
	}
	if !v.Matches(m, nr) || v.Matches(m, nr+1) {
		t.Error("Matches")
	}
	m2, _ := mesh.Uniform(7, 10)
	if v.Matches(m2, nr) {
		t.Error("Matches another mesh")
	}
}
