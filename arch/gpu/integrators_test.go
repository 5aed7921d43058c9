package gpu

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/testenv"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// This file runs every advection and diffusion integrator, which exist
// once (model/advection, model/diffusion), on every architecture's kernels
// against analytic solutions: the CPU's Go kernels, its AVX2 kernels where
// the CPU has them, and the GPU's kernels on the C++ emulator (blocked
// super-step stages and one launch per stage) where a C++ compiler is
// found. Every architecture must also give the CPU Go kernels' bits.

// archStepper is what the tests drive on an architecture: run.Backend's
// field, advection and diffusion methods.
type archStepper interface {
	Upload(f []float64) error
	Download(f []float64) error
	FlowStableDt(strang bool) float64
	Advect(dt float64) error
	Diffuse(dt float64, hook diffusion.CycleHook) (stages, cycles int64, err error)
	Close()
}

// testArch is an architecture: open sets it up for the advector and/or
// stepper of s (with s.Flows holding the velocity), or skips t.
type testArch struct {
	name string
	open func(t *testing.T, s *run.BackendSetup) archStepper
}

// hostArch is the CPU: the Advector's and the Stepper's own kernels on a
// host field.
type hostArch struct {
	f    []float64
	adv  *advection.Advector
	diff *diffusion.Stepper
}

func (h *hostArch) Upload(f []float64) error         { copy(h.f, f); return nil }
func (h *hostArch) Download(f []float64) error       { copy(f, h.f); return nil }
func (h *hostArch) FlowStableDt(strang bool) float64 { return h.adv.StableDt(strang) }
func (h *hostArch) Advect(dt float64) error          { h.adv.Step(h.f, dt); return nil }
func (h *hostArch) Close()                           {}
func (h *hostArch) Diffuse(dt float64, hook diffusion.CycleHook) (int64, int64, error) {
	h.diff.Advance(h.f, dt, hook)
	return h.diff.StagesUsed, h.diff.CyclesUsed, nil
}

// openHost returns the CPU architecture, with the Go kernels alone when
// goKernels is set.
func openHost(goKernels bool) func(t *testing.T, s *run.BackendSetup) archStepper {
	return func(t *testing.T, s *run.BackendSetup) archStepper {
		if s.Advector != nil {
			s.Advector.GoKernels = goKernels
			s.Advector.SetVelocity(s.Flows.V)
		}
		if s.Diffusion != nil {
			s.Diffusion.Op.GoKernels = goKernels
		}
		return &hostArch{f: make([]float64, s.Mesh.Size()*s.NReal), adv: s.Advector, diff: s.Diffusion}
	}
}

// openEmulated returns the GPU architecture on the kernel emulator with
// opts, skipping t when no C++ compiler is found.
func openEmulated(opts Options) func(t *testing.T, s *run.BackendSetup) archStepper {
	return func(t *testing.T, s *run.BackendSetup) archStepper {
		if os.Getenv("GOFT_GPU_EMU") == "0" || testing.Short() {
			t.Skip("emulated GPU skipped (GOFT_GPU_EMU=0 or -short)")
		}
		if _, err := buildEmulator(defaultSTSShape); errors.Is(err, errNoCXX) {
			t.Skipf("emulated GPU unavailable: %v", err)
		}
		var emu *emuDevice
		be, err := emuFactory(opts, &emu)(s)
		if err != nil {
			t.Fatal(err)
		}
		if s.Flows != nil {
			if err := be.RestoreVelocity(s.Flows.V); err != nil {
				t.Fatal(err)
			}
		}
		return be
	}
}

// testArchs are the architectures; AVX2 only where the build and the CPU
// have it (else the Go kernels run twice under another name).
func testArchs() []testArch {
	as := []testArch{{"cpu-go", openHost(true)}}
	if advection.HasAVX2Kernels() || diffusion.HasAVX2Kernels() {
		as = append(as, testArch{"cpu-avx2", openHost(false)})
	}
	as = append(as, testArch{"gpu-emulated", openEmulated(Options{})})
	if testenv.Long() {
		as = append(as, testArch{"gpu-emulated-1-stage-per-launch", openEmulated(Options{StagesPerLaunch: 1})})
	}
	return as
}

// quickOnEmulator are the integrators run on the emulated GPU without the
// long tests (every one runs on the CPU architectures; all of them on the
// emulator with GOFT_LONG_TESTS=1): PTL subcycling with RKL2's and RKG2's
// super steps, and FE and SSPRK(4,3) advection.
var quickOnEmulator = map[string]bool{"RKL2-PTL": true, "RKG2-PTL": true, "FE-upwind": true, "SSPRK43-WENO3": true}

// onArch reports whether integrator case runs on architecture a.
func onArch(a testArch, name string) bool {
	return !strings.HasPrefix(a.name, "gpu-") || testenv.Long() || quickOnEmulator[name]
}

// fieldOn evaluates g(theta, phi) on the main mesh (the periodic columns
// included) for one realization.
func fieldOn(m *mesh.Mesh, g func(theta, phi float64) float64) []float64 {
	f := make([]float64, m.Size())
	for k := 0; k < m.NPhiMain; k++ {
		for j := 0; j < m.NThetaMain; j++ {
			f[m.Index(j, k, 0)] = g(m.Theta[j], m.Phi[k])
		}
	}
	return f
}

// maxDiff returns the largest |a-b|.
func maxDiff(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

// sameBits reports the first index where a and b differ in bits, or -1.
func sameBits(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}

// diffusionHarmonic is a degree-2 spherical harmonic (an eigenfunction of
// the surface Laplacian with eigenvalue -l(l+1) = -6 on the unit sphere):
// under diffusion with coefficient D (Rs^2/hr) it decays as exp(-6 D t).
func diffusionHarmonic(theta, phi float64) float64 {
	c, s := math.Cos(theta), math.Sin(theta)
	return 0.5*(3*c*c-1) + s*c*math.Cos(phi)
}

// TestIntegratorsOnEveryArchitecture runs the diffusion steppers (Euler,
// RKL2, RKG2, fixed and automatic subcycles) on a decaying harmonic and
// the advection integrators (Euler, SSPRK(3,3), SSPRK(4,3) with upwind,
// central and WENO3 fluxes) on a smooth bump in rigid rotation, on every
// architecture, at two resolutions: the error must be within the case's
// bound at both, shrink with the mesh at least as fast as the case's
// order allows, and every architecture must give the CPU Go kernels'
// bits.
func TestIntegratorsOnEveryArchitecture(t *testing.T) {
	archs := testArchs()
	type result struct {
		err  [2]float64   // max error at each resolution
		bits [2][]float64 // final fields
	}
	const coef = 0.01 // Rs^2/hr: exp(-6*0.01*1) = 0.94 over tEnd = 1 hour
	diffCases := []struct {
		name      string
		method    diffusion.Method
		subcycles int
		bound     float64 // on the coarse mesh
		rate      float64 // smallest coarse/fine error ratio
		// timeBound is the largest difference from Euler's field on the
		// coarse mesh (0: this is Euler's field, which the others use).
		timeBound float64
	}{
		// Over so short a time every method's time error is small: the
		// error is the operator's, second order in space.
		{"FE", diffusion.ForwardEuler, 1, 1.6e-3, 3.3, 0},
		{"FE-subcycled", diffusion.ForwardEuler, 3, 1.6e-3, 3.3, 1e-4},
		{"RKL2", diffusion.RKL2, 1, 1.6e-3, 3.3, 1e-4},
		{"RKL2-subcycled", diffusion.RKL2, 4, 1.6e-3, 3.3, 1e-4},
		{"RKL2-PTL", diffusion.RKL2, 0, 1.6e-3, 3.3, 1e-4},
		{"RKG2", diffusion.RKG2, 1, 1.6e-3, 3.3, 1e-4},
		{"RKG2-subcycled", diffusion.RKG2, 4, 1.6e-3, 3.3, 1e-4},
		{"RKG2-PTL", diffusion.RKG2, 0, 1.6e-3, 3.3, 1e-4},
	}
	res := [2][2]int{{21, 41}, {41, 81}}
	var euler []float64 // the coarse field of the case with timeBound 0 (Euler's)
	for _, c := range diffCases {
		t.Run("diffusion/"+c.name, func(t *testing.T) {
			results := map[string]*result{}
			for _, a := range archs {
				if !onArch(a, c.name) {
					continue
				}
				t.Run(a.name, func(t *testing.T) {
					r := &result{}
					for i, rr := range res {
						m, err := mesh.Uniform(rr[0], rr[1])
						if err != nil {
							t.Fatal(err)
						}
						cc := make([]float64, m.NThetaHalf*m.NPhiHalf)
						for q := range cc {
							cc[q] = coef
						}
						op := diffusion.NewOperator(m, 1, cc, nil)
						st, err := diffusion.NewStepper(op, c.method, c.subcycles, nil)
						if err != nil {
							t.Fatal(err)
						}
						s := a.open(t, &run.BackendSetup{Mesh: m, NReal: 1, Diffusion: st})
						f0 := fieldOn(m, diffusionHarmonic)
						if err := s.Upload(f0); err != nil {
							t.Fatal(err)
						}
						const tEnd, steps = 1.0, 2
						for q := 0; q < steps; q++ {
							if _, _, err := s.Diffuse(tEnd/steps, nil); err != nil {
								t.Fatal(err)
							}
						}
						got := make([]float64, len(f0))
						if err := s.Download(got); err != nil {
							t.Fatal(err)
						}
						s.Close()
						want := make([]float64, len(f0))
						for q := range want {
							want[q] = f0[q] * math.Exp(-6*coef*tEnd)
						}
						r.err[i], r.bits[i] = maxDiff(got, want), got
					}
					results[a.name] = r
					checkErrors(t, r.err, c.bound, c.rate)
					if c.timeBound == 0 {
						euler = r.bits[0]
					} else if euler == nil {
						t.Log("not compared with Euler's field, which was not computed")
					} else if d := maxDiff(r.bits[0], euler); !(d <= c.timeBound) {
						t.Errorf("differs from Euler's field by %.3e; want at most %.1e", d, c.timeBound)
					} else {
						t.Logf("differs from Euler's field by %.3e", d)
					}
				})
			}
			compareArchs(t, archs, func(name string) ([2][]float64, bool) {
				r, ok := results[name]
				if !ok {
					return [2][]float64{}, false
				}
				return r.bits, true
			})
		})
	}

	const omega = 0.05 // rad/hr
	advCases := []struct {
		name   string
		method int     // flow_num_method (the space method's)
		time   int     // the time integrator
		upwind float64 // upwind coefficient (1: donor cell, 0: central)
		bound  float64
		rate   float64
	}{
		// Donor cell is first order; central and WENO3 are second order or
		// better on this smooth profile.
		{"FE-upwind", 1, advection.FE, 1, 0.33, 1.5},
		{"SSPRK33-upwind", 2, advection.SSPRK33, 1, 0.45, 1.4},
		{"SSPRK33-central", 2, advection.SSPRK33, 0, 0.17, 3.3},
		{"SSPRK33-WENO3", 3, advection.SSPRK33, 1, 0.065, 5},
		{"SSPRK43-upwind", 2, advection.SSPRK43, 1, 0.45, 1.4},
		{"SSPRK43-central", 2, advection.SSPRK43, 0, 0.17, 3.3},
		{"SSPRK43-WENO3", 4, advection.SSPRK43, 1, 0.065, 5},
	}
	// A Gaussian bump on the equator, carried east by the rigid rotation
	// vp = omega sin(theta) through a quarter turn.
	bump := func(phi0 float64) func(theta, phi float64) float64 {
		return func(theta, phi float64) float64 {
			dp := math.Remainder(phi-phi0, 2*math.Pi)
			return math.Exp(-(dp*dp + (theta-math.Pi/2)*(theta-math.Pi/2)) / 0.3)
		}
	}
	for _, c := range advCases {
		t.Run("advection/"+c.name, func(t *testing.T) {
			results := map[string]*result{}
			for _, a := range archs {
				if !onArch(a, c.name) {
					continue
				}
				t.Run(a.name, func(t *testing.T) {
					r := &result{}
					for i, rr := range res {
						m, err := mesh.Uniform(rr[0], rr[1])
						if err != nil {
							t.Fatal(err)
						}
						adv, err := advection.New(m, 1, c.method, c.upwind, 0, nil)
						if err != nil {
							t.Fatal(err)
						}
						adv.TimeMethod = c.time
						fl, err := flow.New(m, 1, nil, nil, nil)
						if err != nil {
							t.Fatal(err)
						}
						for k := 0; k < m.NPhiHalf; k++ {
							for j := 0; j < m.NThetaMain; j++ {
								fl.V.Vp[j+m.NThetaMain*k] = omega * m.SinTheta[j]
							}
						}
						s := a.open(t, &run.BackendSetup{Mesh: m, NReal: 1, Advector: adv, Flows: fl})
						f0 := fieldOn(m, bump(math.Pi/2))
						if err := s.Upload(f0); err != nil {
							t.Fatal(err)
						}
						tEnd := 0.5 * math.Pi / omega
						n := int(math.Ceil(tEnd / s.FlowStableDt(false)))
						for q := 0; q < n; q++ {
							if err := s.Advect(tEnd / float64(n)); err != nil {
								t.Fatal(err)
							}
						}
						got := make([]float64, len(f0))
						if err := s.Download(got); err != nil {
							t.Fatal(err)
						}
						s.Close()
						r.err[i], r.bits[i] = maxDiff(got, fieldOn(m, bump(math.Pi))), got
					}
					results[a.name] = r
					checkErrors(t, r.err, c.bound, c.rate)
				})
			}
			compareArchs(t, archs, func(name string) ([2][]float64, bool) {
				r, ok := results[name]
				if !ok {
					return [2][]float64{}, false
				}
				return r.bits, true
			})
		})
	}
}

// checkErrors checks the errors at the two resolutions against the bound
// (coarse mesh) and the convergence rate (coarse over fine).
func checkErrors(t *testing.T, errs [2]float64, bound, rate float64) {
	t.Helper()
	t.Logf("max error %.3e (coarse), %.3e (fine): ratio %.2f", errs[0], errs[1], errs[0]/errs[1])
	if !(errs[0] <= bound) {
		t.Errorf("coarse-mesh error %.3e is above %.1e", errs[0], bound)
	}
	if !(errs[0] >= rate*errs[1]) {
		t.Errorf("the error shrinks %.2f times with twice the resolution; want at least %.1f", errs[0]/errs[1], rate)
	}
}

// compareArchs requires every architecture that ran to give the bits of
// the first one (the CPU Go kernels).
func compareArchs(t *testing.T, archs []testArch, fields func(name string) ([2][]float64, bool)) {
	t.Helper()
	ref, ok := fields(archs[0].name)
	if !ok {
		return
	}
	for _, a := range archs[1:] {
		got, ok := fields(a.name)
		if !ok {
			continue
		}
		for i := range got {
			if q := sameBits(got[i], ref[i]); q >= 0 {
				t.Errorf("%s differs from %s at resolution %d, point %d: %v != %v", a.name, archs[0].name, i, q, got[i][q], ref[i][q])
			}
		}
	}
}
