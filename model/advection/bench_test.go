package advection

import (
	"runtime"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// benchAdvectors returns a serial advector for method on a uniform mesh of
// ntRes x npRes points (theta x phi, HipFT's res_nt and res_np) with nReal
// realizations, the reference implementation of the same (see
// reference_test.go), both with the AFT flow set, and a random field.
func benchAdvectors(b *testing.B, ntRes, npRes, nReal, method int) (*Advector, *refAdvector, []float64) {
	m, err := mesh.Uniform(ntRes, npRes)
	if err != nil {
		b.Fatal(err)
	}
	a, err := New(m, nReal, method, 1, 0, nil)
	if err != nil {
		b.Fatal(err)
	}
	v := aftVelocity(&testing.T{}, m, nReal)
	a.SetVelocity(v)
	ref := newRefAdvector(a)
	ref.refSetVelocity(v)
	return a, ref, randomField(m, nReal, 6)
}

// timed runs op b.N times on the benchmark goroutine locked to its thread
// and reports, besides ns/op, the thread's CPU time per operation
// (cpu-ns/op, Linux only) and main-mesh points per CPU second for n
// points per operation.
func timed(b *testing.B, n int, op func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	t0 := threadCPU()
	for i := 0; i < b.N; i++ {
		op()
	}
	if cpu := threadCPU() - t0; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)*float64(n)/(float64(cpu)*1e-9), "points/cpu-s")
	}
}

// benchKernel runs the "ref" (the code before optimisation) and "opt"
// sub-benchmarks of one kernel, serially on 1024x512 cells (phi x theta)
// with 8 realizations and SSPRK(4,3)+WENO3; each operation is one pass of
// the kernel over every column. setup prepares both advectors once.
func benchKernel(b *testing.B, setup func(a *Advector, r *refAdvector, f []float64), opt func(a *Advector), ref func(r *refAdvector)) {
	a, r, f := benchAdvectors(b, 513, 1025, 8, 4)
	setup(a, r, f)
	b.Run("ref", func(b *testing.B) { timed(b, len(f), func() { ref(r) }) })
	b.Run("opt", func(b *testing.B) { timed(b, len(f), func() { opt(a) }) })
}

// setStage sets both advectors up as for the third SSPRK(4,3) stage of
// f, writing to a scratch field, and runs their column passes once (the
// pole pass reads the fluxes they leave).
func setStage(a *Advector, r *refAdvector, f []float64) {
	out := make([]float64, len(f))
	nc := (a.Mesh.NPhiMain - 2) * a.NReal
	a.in, r.in = f, f
	a.out, a.x, a.y = out, f, f
	r.out, r.x, r.y = out, f, f
	a.ca, a.cb, a.cc, a.kind2 = twoThird, third, 0.1, true
	r.ca, r.cb, r.cc, r.kind2 = twoThird, third, 0.1, true
	a.stageColumns(0, 0, nc)
	r.refFluxColumns(0, nc)
}

func nCols(a *Advector) int { return (a.Mesh.NPhiMain - 2) * a.NReal }

// BenchmarkKernelColumns times a stage's column pass: the WENO3 theta and
// phi face fluxes, the operator from them and the stage update (out =
// ca*x + cb*y - c*A) on the interior points; the reference forms every
// flux in one pass and the operator in a second.
func BenchmarkKernelColumns(b *testing.B) {
	benchKernel(b, setStage,
		func(a *Advector) { a.stageColumns(0, 0, nCols(a)) },
		func(r *refAdvector) {
			nc := (r.Mesh.NPhiMain - 2) * r.NReal
			r.refFluxColumns(0, nc)
			r.refOperatorColumns(0, nc)
		})
}

// BenchmarkKernelPoles times the pole closure, periodic copy and the
// update of the points the operator pass leaves out.
func BenchmarkKernelPoles(b *testing.B) {
	benchKernel(b, setStage,
		func(a *Advector) { a.poleRealizations(0, a.NReal) },
		func(r *refAdvector) { r.refPoleRealizations(0, r.NReal) })
}

// BenchmarkKernelAlpha times the Lax-Friedrichs speeds (SetVelocity
// without the periodic copy).
func BenchmarkKernelAlpha(b *testing.B) {
	benchKernel(b, func(*Advector, *refAdvector, []float64) {},
		func(a *Advector) { a.alphaColumns(0, a.Mesh.NPhiMain*a.NReal) },
		func(r *refAdvector) { r.refAlphaColumns(0, r.Mesh.NPhiMain*r.NReal) })
}

// BenchmarkKernelCFL times StableDt.
func BenchmarkKernelCFL(b *testing.B) {
	benchKernel(b, func(*Advector, *refAdvector, []float64) {},
		func(a *Advector) { _ = a.StableDt(false) },
		func(r *refAdvector) { _ = r.refStableDt(false) })
}

// BenchmarkStepSerial times one serial advection step (all stages), the
// reference and the optimised code, for methods 4 (SSPRK(4,3)+WENO3), 3
// and 2 (SSPRK(3,3)+upwind) at 1024x512x8 and 360x180x5 (phi x theta
// cells x realizations).
func BenchmarkStepSerial(b *testing.B) {
	for _, tc := range []struct {
		name                string
		ntRes, npRes, nReal int
	}{
		{"1024x512x8", 513, 1025, 8},
		{"360x180x5", 181, 361, 5},
	} {
		for _, method := range []int{4, 3, 2} {
			b.Run(tc.name+"/method"+string(rune('0'+method)), func(b *testing.B) {
				a, r, f := benchAdvectors(b, tc.ntRes, tc.npRes, tc.nReal, method)
				dt := a.StableDt(false)
				b.Run("ref", func(b *testing.B) { timed(b, len(f), func() { r.refStep(f, dt) }) })
				b.Run("opt", func(b *testing.B) { timed(b, len(f), func() { a.Step(f, dt) }) })
			})
		}
	}
}

// BenchmarkKernelWeno times the WENO3 theta and phi flux kernels alone
// (wenoTheta and wenoPhi, or for AVX-512 phiFace with its ring, over every
// interior column), in each form this
// CPU runs: Go, AVX2 and, where the CPU has AVX512F, AVX-512, on the
// meshes of BenchmarkStepSerial.
func BenchmarkKernelWeno(b *testing.B) {
	savedAVX2, savedAVX512 := useAVX2, useAVX512
	defer func() { useAVX2, useAVX512 = savedAVX2, savedAVX512 }()
	forms := []string{"go"}
	if savedAVX2 {
		forms = append(forms, "avx2")
		if savedAVX512 {
			forms = append(forms, "avx512")
		}
	}
	for _, tc := range []struct {
		name                string
		ntRes, npRes, nReal int
	}{
		{"360x180x5", 181, 361, 5},
		{"1024x512x8", 513, 1025, 8},
	} {
		a, r, f := benchAdvectors(b, tc.ntRes, tc.npRes, tc.nReal, 4)
		setStage(a, r, f)
		nk := a.Mesh.NPhiMain - 2
		fluxT, fluxP := make([]float64, a.tf.Len()), make([]float64, a.pf.Len())
		theta := func() {
			for c := 0; c < nCols(a); c++ {
				r, k := c/nk, c%nk+1
				a.wenoTheta(a.tf.Column(fluxT, k, r), a.ctr.Column(a.in, k, r),
					a.tf.Column(a.v.Vt, k, r), a.ctr.Column(a.AlphaT, k, r))
			}
		}
		phi := func() {
			// As the column pass forms them (phiFlux): with AVX-512, from
			// split fluxes carried across the faces of each realization.
			for c := 0; c < nCols(a); c++ {
				r, k := c/nk, c%nk+1
				a.phiFlux(0, a.pf.Column(fluxP, k, r), r, k, k == 1)
			}
		}
		for _, form := range forms {
			for _, kc := range []struct {
				name string
				op   func()
			}{{"theta", theta}, {"phi", phi}} {
				b.Run(tc.name+"/"+kc.name+"/"+form, func(b *testing.B) {
					useAVX2, useAVX512 = form != "go", form == "avx512"
					timed(b, len(f), kc.op)
				})
			}
		}
	}
}
