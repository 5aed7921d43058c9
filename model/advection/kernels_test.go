package advection

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/goft-sft/goft/internal/fma"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// jitteredMesh returns a mesh of nt x np points (theta x phi, poles and
// both phi ends included) with randomly non-uniform spacing, so that every
// face has its own WENO weights.
func jitteredMesh(t testing.TB, nt, np int, seed int64) *mesh.Mesh {
	rng := rand.New(rand.NewSource(seed))
	scale := func(n int, end float64) []float64 {
		x := make([]float64, n)
		for i := 1; i < n; i++ {
			x[i] = x[i-1] + 0.5 + rng.Float64()
		}
		for i := 1; i < n-1; i++ {
			x[i] *= end / x[n-1]
		}
		x[n-1] = end
		return x
	}
	m, err := mesh.New(scale(np, mesh.TwoPi), scale(nt, math.Pi))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomVelocity fills v with normal deviates, with some exact zeros of
// both signs (the upwind flux takes the sign of the velocity), and leaves
// the phi overlap inconsistent unless periodic is set.
func randomVelocity(m *mesh.Mesh, nReal int, seed int64, periodic bool) *flow.Velocity {
	rng := rand.New(rand.NewSource(seed))
	v := flow.NewVelocity(m, nReal)
	for _, s := range [][]float64{v.Vt, v.Vp} {
		for i := range s {
			switch rng.Intn(20) {
			case 0:
				s[i] = 0
			case 1:
				s[i] = math.Copysign(0, -1)
			default:
				s[i] = 0.05 * rng.NormFloat64()
			}
		}
	}
	if periodic {
		mesh.SetPeriodic(v.Vt, m.NThetaHalf, m.NPhiMain, nReal)
		mesh.SetPeriodic(v.Vp, m.NThetaMain, m.NPhiHalf, nReal)
	}
	return v
}

// sameBits fails t unless got and want agree bit for bit. Where the
// compiler contracts a*b+c into fused multiply-adds (amd64 from GOAMD64=v3
// on, arm64 and others), which products it fuses depends on the shape of
// the code, so there the results need only agree to round-off.
func sameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	scale := 0.0
	for _, x := range want {
		scale = max(scale, math.Abs(x))
	}
	for i := range got {
		if fma.Contracted && math.Abs(got[i]-want[i]) <= 1e-12*scale {
			continue
		}
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: element %d is %v (%#x), reference %v (%#x)", what, i, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
		}
	}
}

// kernelForm is one form of the flux kernels: the Go code, the AVX2
// kernels, or the AVX2 kernels with the AVX-512 WENO kernels.
type kernelForm struct {
	name         string
	avx2, avx512 bool
}

// use selects f (New builds the AVX-512 theta weights only while useAVX512
// is set, so select the form before New).
func (f kernelForm) use() { useAVX2, useAVX512 = f.avx2, f.avx512 }

// kernelForms returns the forms this build and CPU run, logging those it
// cannot check, and restores the selection when t ends.
func kernelForms(t *testing.T) []kernelForm {
	saved2, saved512 := useAVX2, useAVX512
	t.Cleanup(func() { useAVX2, useAVX512 = saved2, saved512 })
	forms := []kernelForm{{"go", false, false}}
	switch {
	case !saved2:
		t.Log("AVX2 and AVX-512 kernels not checked: not built, or the CPU lacks AVX2, or the Go code is compiled with fused multiply-adds")
	case !saved512:
		forms = append(forms, kernelForm{"avx2", true, false})
		t.Log("AVX-512 WENO kernels not checked: the CPU lacks AVX512F")
	default:
		forms = append(forms, kernelForm{"avx2", true, false}, kernelForm{"avx512", true, true})
	}
	return forms
}

// TestKernelsMatchReference checks the optimised kernels (Go and, where
// the CPU has them, AVX2 and AVX-512) bit for bit (see sameBits) against
// the code they replaced (reference_test.go): Lax-Friedrichs speeds, CFL
// step, operator and several steps of every method, on uniform and
// non-uniform meshes of several sizes with several realizations, serially
// and on a pool.
func TestKernelsMatchReference(t *testing.T) {
	type grid struct {
		nt, np, nReal int
		jitter        bool
	}
	grids := []grid{
		{5, 7, 1, false}, {7, 9, 2, true}, {8, 10, 1, false}, {9, 12, 3, true},
		{12, 17, 2, false}, {19, 37, 3, true}, {26, 31, 5, true}, {37, 73, 1, false},
	}
	if !testing.Short() {
		grids = append(grids, grid{181, 361, 2, false}, grid{64, 130, 3, true})
	}
	forms := kernelForms(t)
	pool := parallel.New(3)
	defer pool.Close()
	for gi, g := range grids {
		m, err := mesh.Uniform(g.nt, g.np)
		if g.jitter {
			m = jitteredMesh(t, g.nt, g.np, int64(gi))
		} else if err != nil {
			t.Fatal(err)
		}
		for method := 1; method <= 4; method++ {
			for _, coef := range [][2]float64{{1, 0}, {0.7, 1e-3}} {
				for _, form := range forms {
					for _, p := range []*parallel.Pool{nil, pool} {
						form.use()
						name := fmt.Sprintf("%dx%dx%d jitter=%v method=%d upwind=%g eps=%g kernels=%s pool=%v",
							g.nt, g.np, g.nReal, g.jitter, method, coef[0], coef[1], form.name, p != nil)
						checkAgainstReference(t, name, m, g.nReal, method, coef[0], coef[1], p, int64(gi*10+method))
					}
				}
			}
		}
	}
}

func checkAgainstReference(t *testing.T, name string, m *mesh.Mesh, nReal, method int, upwind, eps float64, p *parallel.Pool, seed int64) {
	t.Helper()
	a, err := New(m, nReal, method, upwind, eps, p)
	if err != nil {
		t.Fatal(err)
	}
	ref := newRefAdvector(a)
	if a.SpaceMethod == WENO3 {
		theta, phi := a.WenoWeights()
		for j, w := range ref.wT {
			sameBits(t, name+": theta weights", theta[j][:], []float64{w.cmcA, w.ccpA, w.pTA, w.mcTA, w.epsA, w.cmcB, w.ccpB, w.mTB, w.cpTB, w.epsB})
		}
		for k, w := range ref.wP {
			sameBits(t, name+": phi weights", phi[k][:], []float64{w.cmcA, w.ccpA, w.pTA, w.mcTA, w.epsA, w.cmcB, w.ccpB, w.mTB, w.cpTB, w.epsB})
		}
	}
	for _, periodic := range []bool{false, true} {
		v := randomVelocity(m, nReal, seed, periodic)
		a.SetVelocity(v)
		ref.refSetVelocity(v)
		if a.SpaceMethod == WENO3 {
			sameBits(t, name+": AlphaT", a.AlphaT, ref.AlphaT)
			sameBits(t, name+": AlphaP", a.AlphaP, ref.AlphaP)
		}
		for _, strang := range []bool{false, true} {
			got, want := a.StableDt(strang), ref.refStableDt(strang)
			sameBits(t, name+": StableDt", []float64{got}, []float64{want})
		}
		rng := rand.New(rand.NewSource(seed + 1))
		f := make([]float64, m.Size()*nReal)
		for i := range f {
			f[i] = rng.NormFloat64()
		}
		if periodic {
			mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nReal)
		}
		got, want := make([]float64, len(f)), make([]float64, len(f))
		a.Operator(got, f)
		ref.refOperator(want, f)
		sameBits(t, name+": Operator", got, want)
		fa, fr := append([]float64(nil), f...), append([]float64(nil), f...)
		dt := 0.5 * ref.refStableDt(false)
		for i := 0; i < 3; i++ {
			a.Step(fa, dt)
			ref.refStep(fr, dt)
			sameBits(t, fmt.Sprintf("%s periodic=%v: step %d", name, periodic, i+1), fa, fr)
		}
	}
}

// TestWenoFormsMatch checks the WENO3 theta and phi fluxes and the
// operator of every kernel form (see kernelForms) bit for bit against the
// Go code's on meshes of 5..40 theta points, so that the AVX2 and AVX-512
// kernels meet every remainder of their four- and eight-row blocks (and
// meshes too small for them).
func TestWenoFormsMatch(t *testing.T) {
	forms := kernelForms(t)
	for nt := 5; nt <= 40; nt++ {
		m := jitteredMesh(t, nt, 11, int64(nt))
		const nReal = 2
		v := randomVelocity(m, nReal, int64(nt), true)
		f := randomField(m, nReal, int64(nt))
		var wantT, wantP, wantA []float64
		for _, form := range forms {
			form.use()
			a, err := New(m, nReal, 4, 0.7, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			a.SetVelocity(v)
			a.in = f
			gotT, gotP := fluxArrays(a)
			gotA := make([]float64, len(f))
			a.Operator(gotA, f)
			if wantT == nil {
				wantT, wantP, wantA = gotT, gotP, gotA
				continue
			}
			name := fmt.Sprintf("nt=%d kernels=%s", nt, form.name)
			sameBits(t, name+": theta fluxes", gotT, wantT)
			sameBits(t, name+": phi fluxes", gotP, wantP)
			sameBits(t, name+": operator", gotA, wantA)
		}
	}
}

// fluxArrays returns the theta fluxes at the faces of every interior
// column (field.ThetaFace layout) and the phi fluxes at every face
// 1..NPhiMain-2 (field.PhiFace) of a.in, formed as the column pass forms
// them (thetaFluxes, phiFlux with worker 0's scratch; the phi ring primed
// at face 1 of each realization and carried across the faces after it).
func fluxArrays(a *Advector) (fluxT, fluxP []float64) {
	fluxT, fluxP = make([]float64, a.tf.Len()), make([]float64, a.pf.Len())
	for r := 0; r < a.NReal; r++ {
		for k := 1; k <= a.Mesh.NPhiMain-2; k++ {
			a.thetaFluxes(a.tf.Column(fluxT, k, r), r, k)
			a.phiFlux(0, a.pf.Column(fluxP, k, r), r, k, k == 1)
		}
	}
	return fluxT, fluxP
}
