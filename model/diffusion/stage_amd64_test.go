//go:build !noasm

package diffusion

import (
	"fmt"
	"github.com/goft-sft/goft/internal/memalign"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// GOFT_NOVECTOR=1 turns the AVX2 kernels off for a whole test binary, to
// compare the benchmarks of the scalar and vector paths on the same tree:
//
//	GOFT_NOVECTOR=1 go test ./model/diffusion/ -run '^$' -bench RKG2Step
func init() {
	if os.Getenv("GOFT_NOVECTOR") != "" {
		useVector = false
	}
}

// The scalar references below write every rounding out with float64
// conversions so that no multiply-add can be fused: they are the operations
// of the scalar loops in fused.go in the same order.

func refWeightsY(j int, a1, a5 float64, sti, c2, c4, xw, xc, xe []float64) float64 {
	s := sti[j]
	w1 := float64(float64(a1*s) * s)
	w5 := float64(float64(a5*s) * s)
	w2, w4 := c2[j], c4[j]
	w3 := -float64(float64(float64(w1+w2)+w4) + w5)
	y := float64(float64(w1 * xw[j]))
	y = float64(y + float64(w2*xc[j-1]))
	y = float64(y + float64(w3*xc[j]))
	y = float64(y + float64(w4*xc[j+1]))
	return float64(y + float64(w5*xe[j]))
}

func refStage(j int, a1, a5 float64, sti, c2, c4, xw, xc, xe, u0, y0, u1, u2 []float64, a *stageArgs) float64 {
	y := refWeightsY(j, a1, a5, sti, c2, c4, xw, xc, xe)
	r := float64(a.u * u1[j])
	r = float64(r + float64(a.v*u2[j]))
	r = float64(r + float64(a.w*u0[j]))
	r = float64(r + float64(a.ubtau*y))
	return float64(r + float64(a.g*y0[j]))
}

// randVec returns n values of mixed sign spread over several decades, with
// some exact zeros of both signs.
func randVec(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch rng.IntN(20) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = math.Copysign(0, -1)
		default:
			v[i] = (2*rng.Float64() - 1) * math.Pow(10, float64(rng.IntN(13)-6))
		}
	}
	return v
}

func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func snapshot(ins [][]float64) [][]float64 {
	c := make([][]float64, len(ins))
	for i, v := range ins {
		c[i] = append([]float64(nil), v...)
	}
	return c
}

// checkUnchanged fails if a kernel wrote to one of its inputs.
func checkUnchanged(t *testing.T, ins, saved [][]float64) {
	t.Helper()
	for i, v := range ins {
		for j := range v {
			if !sameBits(v[j], saved[i][j]) {
				t.Fatalf("input %d row %d changed", i, j)
			}
		}
	}
}

// kernelCases returns (column length, j0, j1) triples: start rows 1, 3, 8,
// 17 and every end row up to the last interior one, including bands
// shorter than 4 rows and empty or reversed ones.
func kernelCases() [][3]int {
	var cs [][3]int
	for _, ntm := range []int{3, 5, 8, 12, 19, 20, 21, 22, 23, 40, 67} {
		for _, j0 := range []int{1, 3, 8, 17} {
			if j0 > ntm-1 {
				continue
			}
			for j1 := j0 - 1; j1 <= ntm-1; j1++ {
				cs = append(cs, [3]int{ntm, j0, j1})
			}
		}
	}
	return cs
}

func wantDone(j0, j1 int) int {
	if j1-j0 < 4 {
		return j0
	}
	return j0 + 4*((j1-j0)/4)
}

// TestStageBandVectorBits checks the AVX2 band kernel against the scalar
// formula bit for bit on several columns of a banded array, for row counts
// with and without a tail of single rows, and that it writes nothing but
// the rows of out it does.
// It runs for each form of the kernel the CPU has (AVX2, and AVX-512).
func TestStageBandVectorBits(t *testing.T) {
	if !useVector {
		t.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
	}
	forEachBandForm(t, checkStageBandVectorBits)
}

// forEachBandForm runs check with the AVX2 form of the band kernel and,
// where the CPU has AVX512F, again with the AVX-512 form (said in the log
// when it is skipped).
func forEachBandForm(t *testing.T, check func(t *testing.T)) {
	saved := useAVX512
	defer func() { useAVX512 = saved }()
	useAVX512 = false
	t.Run("AVX2", check)
	if !saved {
		t.Log("AVX-512 band kernel not checked: the CPU lacks AVX512F")
		return
	}
	useAVX512 = true
	t.Run("AVX512", check)
}

func checkStageBandVectorBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Stride 72 is the default band shape's segment.
	type shape struct{ ncol, nrows, stride int }
	var shapes []shape
	for _, ncol := range []int{1, 2, 5} {
		for _, nrows := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 63, 64, 65} {
			shapes = append(shapes, shape{ncol, nrows, nrows + 3})
		}
	}
	for _, ncol := range []int{1, 2, 3, 4, 7} {
		for _, nrows := range []int{8, 16, 56, 63, 64} {
			shapes = append(shapes, shape{ncol, nrows, 72})
		}
	}
	for _, sh := range shapes {
		ncol, nrows, stride := sh.ncol, sh.nrows, sh.stride
		{
			size := (ncol + 2) * stride
			x, u0, y0, out := randVec(rng, size), randVec(rng, size), randVec(rng, size), randVec(rng, size)
			sti, c2, c4 := randVec(rng, nrows), randVec(rng, nrows), randVec(rng, nrows)
			a1s, a5s := randVec(rng, ncol), randVec(rng, ncol)
			a := stageArgs{u: rng.NormFloat64(), v: rng.NormFloat64(), w: rng.NormFloat64(),
				ubtau: rng.NormFloat64(), g: rng.NormFloat64()}
			off := stride + 1 // row 0 of column 0 of the range; one halo row above it
			ins := [][]float64{x, u0, y0, sti, c2, c4, a1s, a5s}
			saved := snapshot(ins)
			orig := append([]float64(nil), out...)
			want := append([]float64(nil), out...)
			// The reference: refStage on each column, its slices starting one
			// row above row 0 (so that row i is element i+1).
			pad := func(v []float64) []float64 { return append([]float64{0}, v...) }
			ps, p2, p4 := pad(sti), pad(c2), pad(c4)
			for c := 0; c < ncol; c++ {
				b := off + c*stride - 1
				for i := 0; i < nrows; i++ {
					want[b+1+i] = refStage(i+1, a1s[c], a5s[c], ps, p2, p4, x[b-stride:], x[b:], x[b+stride:],
						u0[b:], y0[b:], x[b:], orig[b:], &a)
				}
			}
			if done := stageBandVector(ncol, nrows, stride, a1s, a5s, sti, c2, c4, x, u0, y0, out, off, &a, 0, 0); done != nrows {
				t.Fatalf("%d columns of %d rows: returned %d", ncol, nrows, done)
			}
			for n := range out {
				if !sameBits(out[n], want[n]) {
					t.Fatalf("%d columns of %d rows: element %d = %v, want %v", ncol, nrows, n, out[n], want[n])
				}
			}
			checkUnchanged(t, ins, saved)
		}
	}
}

func refStoredStage(n, q, stride int, c1, c2, c4, c5, x, u0, y0, out []float64, a *stageArgs) float64 {
	w1, w2, w4, w5 := c1[q], c2[q], c4[q], c5[q]
	w3 := -float64(float64(float64(w1+w2)+w4) + w5)
	y := float64(w1 * x[n-stride])
	y = float64(y + float64(w2*x[n-1]))
	y = float64(y + float64(w3*x[n]))
	y = float64(y + float64(w4*x[n+1]))
	y = float64(y + float64(w5*x[n+stride]))
	r := float64(a.u * x[n])
	r = float64(r + float64(a.v*out[n]))
	r = float64(r + float64(a.w*u0[n]))
	r = float64(r + float64(a.ubtau*y))
	return float64(r + float64(a.g*y0[n]))
}

// TestStageBandStoredVectorBits checks the AVX2 band kernel with stored
// weights against the scalar formula bit for bit, as
// TestStageBandVectorBits does for factored weights, with the weights in
// their own layout (wstride apart, not the data's stride).
func TestStageBandStoredVectorBits(t *testing.T) {
	if !useVector {
		t.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, ncol := range []int{1, 2, 5} {
		for _, nrows := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 63, 64, 65} {
			stride, wstride, woff := nrows+3, nrows+6, 2
			size, wsize := (ncol+2)*stride, woff+ncol*wstride
			x, u0, y0, out := randVec(rng, size), randVec(rng, size), randVec(rng, size), randVec(rng, size)
			c1, c2, c4, c5 := randVec(rng, wsize), randVec(rng, wsize), randVec(rng, wsize), randVec(rng, wsize)
			a := stageArgs{u: rng.NormFloat64(), v: rng.NormFloat64(), w: rng.NormFloat64(),
				ubtau: rng.NormFloat64(), g: rng.NormFloat64()}
			off := stride + 1
			ins := [][]float64{x, u0, y0, c1, c2, c4, c5}
			saved := snapshot(ins)
			want := append([]float64(nil), out...)
			for c := 0; c < ncol; c++ {
				for i := 0; i < nrows; i++ {
					n := off + c*stride + i
					want[n] = refStoredStage(n, woff+c*wstride+i, stride, c1, c2, c4, c5, x, u0, y0, out, &a)
				}
			}
			if done := stageBandStoredVector(ncol, nrows, stride, wstride, c1, c2, c4, c5, woff, x, u0, y0, out, off, &a); done != nrows {
				t.Fatalf("%d columns of %d rows: returned %d", ncol, nrows, done)
			}
			for n := range out {
				if !sameBits(out[n], want[n]) {
					t.Fatalf("%d columns of %d rows: element %d = %v, want %v", ncol, nrows, n, out[n], want[n])
				}
			}
			checkUnchanged(t, ins, saved)
		}
	}
}

// TestColumnUniformVectorBits checks the AVX2 operator column kernel
// against the scalar formula of uniformColumn bit for bit, and that it
// leaves the rows it does not do alone.
func TestColumnUniformVectorBits(t *testing.T) {
	if !useVector {
		t.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range kernelCases() {
		ntm, j0, j1 := c[0], c[1], c[2]
		for trial := 0; trial < 3; trial++ {
			sti, c2, c4 := randVec(rng, ntm), randVec(rng, ntm), randVec(rng, ntm)
			xw, xc, xe := randVec(rng, ntm), randVec(rng, ntm), randVec(rng, ntm)
			yc := randVec(rng, ntm)
			a1, a5 := 10*rng.Float64(), -10*rng.Float64()
			orig := append([]float64(nil), yc...)
			ins := [][]float64{sti, c2, c4, xw, xc, xe}
			saved := snapshot(ins)
			done := columnUniformVector(j0, j1, a1, a5, sti, c2, c4, xw, xc, xe, yc)
			if done != wantDone(j0, j1) {
				t.Fatalf("ntm %d rows [%d,%d): returned %d, want %d", ntm, j0, j1, done, wantDone(j0, j1))
			}
			for j := range yc {
				w := orig[j]
				if j >= j0 && j < done {
					w = refWeightsY(j, a1, a5, sti, c2, c4, xw, xc, xe)
				}
				if !sameBits(yc[j], w) {
					t.Fatalf("ntm %d rows [%d,%d) done %d: row %d = %v (%#x), want %v (%#x)",
						ntm, j0, j1, done, j, yc[j], math.Float64bits(yc[j]), w, math.Float64bits(w))
				}
			}
			checkUnchanged(t, ins, saved)
		}
	}
}

// TestVectorKernelsOffDoNothing checks that with the vector kernels off
// both return j0.
func TestVectorKernelsOffDoNothing(t *testing.T) {
	saved := useVector
	useVector = false
	defer func() { useVector = saved }()
	x := make([]float64, 40)
	var a stageArgs
	if got := stageBandVector(1, 8, 10, x, x, x, x, x, x, x, x, x, 11, &a, 0, 0); got != 0 {
		t.Errorf("stageBandVector returned %d, want 0", got)
	}
	if got := stageBandStoredVector(1, 8, 10, 10, x, x, x, x, 0, x, x, x, x, 11, &a); got != 0 {
		t.Errorf("stageBandStoredVector returned %d, want 0", got)
	}
	if got := columnUniformVector(3, 39, 1, 1, x, x, x, x, x, x, x); got != 3 {
		t.Errorf("columnUniformVector returned %d, want 3", got)
	}
}

// TestVectorStageIsBitIdentical compares RKG2 and RKL2 steps with and
// without the AVX2 kernels, with a constant coefficient (factored weights)
// and one that varies in space (stored weights): every value must have the
// same bits.
func TestVectorStageIsBitIdentical(t *testing.T) {
	if !useVector {
		t.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
	}
	forEachBandForm(t, checkVectorStageIsBitIdentical)
}

func checkVectorStageIsBitIdentical(t *testing.T) {
	// 65 and 69 interior rows: 8-row body only, and 8-row body, one 4-row
	// group and a scalar row.
	for _, nt := range []int{67, 71} {
		for _, c := range []struct {
			method  Method
			varying bool
		}{{RKL2, false}, {RKG2, false}, {RKL2, true}, {RKG2, true}} {
			method, varying := c.method, c.varying
			m, err := mesh.Uniform(nt, 129)
			if err != nil {
				t.Fatal(err)
			}
			const nr = 3
			run := func(vector bool) []float64 {
				saved := useVector
				useVector = vector
				defer func() { useVector = saved }()
				coef := constantCoef(m, 100, 0, 900)
				if varying {
					for i := range coef {
						coef[i] *= 1 + 0.5*math.Sin(0.37*float64(i))
					}
				}
				op := NewOperator(m, nr, coef, nil)
				if (op.uniform == nil) != varying {
					t.Fatalf("varying coefficient %v: stored weights %v", varying, op.uniform == nil)
				}
				s, err := NewStepper(op, method, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				f := soccerField(m, nr)
				for i := range f {
					f[i] += 0.25 * math.Sin(float64(i))
				}
				mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nr)
				s.Advance(f, 300, nil)
				return f
			}
			a, b := run(false), run(true)
			for i := range a {
				if !sameBits(a[i], b[i]) {
					t.Fatalf("nt %d method %d varying coefficient %v: index %d: scalar %v, vector %v", nt, method, varying, i, a[i], b[i])
				}
			}
		}
	}
}

// kernelBenchData is one column of 513 rows for the kernel benchmarks.
type kernelBenchData struct {
	a1, a5                                      float64
	sti, c2, c4, xw, xc, xe, u0, y0, u1, u2, yc []float64
	a                                           stageArgs
}

func newKernelBenchData() *kernelBenchData {
	const ntm = 513
	rng := rand.New(rand.NewPCG(5, 6))
	d := &kernelBenchData{a1: 3.5, a5: 2.5,
		a: stageArgs{u: 0.7, v: 0.2, w: 0.1, ubtau: 1e-3, g: -2e-4}}
	for _, p := range []*[]float64{&d.sti, &d.c2, &d.c4, &d.xw, &d.xc, &d.xe, &d.u0, &d.y0, &d.u1, &d.u2, &d.yc} {
		*p = make([]float64, ntm)
		for i := range *p {
			(*p)[i] = 1 + rng.Float64()
		}
	}
	return d
}

// BenchmarkStageKernel times the fused STS stage on one column of 513 rows
// (rows 1..511) with the scalar loop of stageBand and with the AVX2 band
// kernel.
func BenchmarkStageKernel(b *testing.B) {
	d := newKernelBenchData()
	ntm := len(d.sti)
	scalar := func(j0 int) {
		a1, a5, a := d.a1, d.a5, &d.a
		sti, c2, c4, xw, xc, xe := d.sti, d.c2, d.c4, d.xw, d.xc, d.xe
		u0, y0, u1, u2 := d.u0, d.y0, d.u1, d.u2
		for j := j0; j < ntm-1; j++ {
			sj := sti[j]
			w1 := a1 * sj * sj
			w5 := a5 * sj * sj
			w2, w4 := c2[j], c4[j]
			w3 := -(w1 + w2 + w4 + w5)
			yj := w1*xw[j] + w2*xc[j-1] + w3*xc[j] + w4*xc[j+1] + w5*xe[j]
			u2[j] = a.u*u1[j] + a.v*u2[j] + a.w*u0[j] + a.ubtau*yj + a.g*y0[j]
		}
	}
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			scalar(1)
		}
		b.ReportMetric(float64(ntm-2)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("vector", func(b *testing.B) {
		if !useVector {
			b.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
		}
		// The column between its two neighbours in one banded array.
		x := append(append(append([]float64(nil), d.xw...), d.xc...), d.xe...)
		u0 := append(append(append([]float64(nil), d.u0...), d.u0...), d.u0...)
		y0 := append(append(append([]float64(nil), d.y0...), d.y0...), d.y0...)
		out := append(append(append([]float64(nil), d.u2...), d.u2...), d.u2...)
		a1s, a5s := []float64{d.a1}, []float64{d.a5}
		for b.Loop() {
			stageBandVector(1, ntm-2, ntm, a1s, a5s, d.sti[1:], d.c2[1:], d.c4[1:], x, u0, y0, out, ntm+1, &d.a, 0, 0)
		}
		b.ReportMetric(float64(ntm-2)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkColumnKernel times y = L(x) on one column of 513 rows (rows
// 1..511) with the scalar loop of uniformColumn and with the AVX2 kernel
// (plus the scalar loop for the rows it leaves).
func BenchmarkColumnKernel(b *testing.B) {
	d := newKernelBenchData()
	ntm := len(d.sti)
	scalar := func(j0 int) {
		a1, a5 := d.a1, d.a5
		sti, c2, c4, xw, xc, xe, yc := d.sti, d.c2, d.c4, d.xw, d.xc, d.xe, d.yc
		for j := j0; j < ntm-1; j++ {
			s := sti[j]
			w1 := a1 * s * s
			w5 := a5 * s * s
			w2, w4 := c2[j], c4[j]
			w3 := -(w1 + w2 + w4 + w5)
			yc[j] = w1*xw[j] + w2*xc[j-1] + w3*xc[j] + w4*xc[j+1] + w5*xe[j]
		}
	}
	b.Run("scalar", func(b *testing.B) {
		for b.Loop() {
			scalar(1)
		}
		b.ReportMetric(float64(ntm-2)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("vector", func(b *testing.B) {
		if !useVector {
			b.Skip("AVX2 kernels off: the CPU lacks AVX2 (or GOFT_NOVECTOR is set)")
		}
		for b.Loop() {
			j0 := columnUniformVector(1, ntm-1, d.a1, d.a5, d.sti, d.c2, d.c4, d.xw, d.xc, d.xe, d.yc)
			scalar(j0)
		}
		b.ReportMetric(float64(ntm-2)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkKernelBandAligned times the band kernel (stageBandVector) on
// one band of 64 rows of 16 columns (in L1) and of 1024 columns (in L2),
// with the banded layout's alignment (stride 72, slot 1 on a cache line)
// and without it (stride 66, the layout before the padding): an unaligned
// 512-bit load costs two.
func BenchmarkKernelBandAligned(b *testing.B) {
	const nrows = 64
	for _, ncol := range []int{16, 1024} {
		for _, l := range []struct {
			name          string
			stride, first int
		}{{"unaligned", nrows + 2, 2}, {"aligned", 72, 1}} {
			b.Run(fmt.Sprintf("ncol=%d/%s", ncol, l.name), func(b *testing.B) {
				size := (ncol+2)*l.stride + 8
				// Slot 1 of every segment aligned, or (first = 2) slot 2.
				x, u0, y0, out := memalign.Float64s(size, l.first), memalign.Float64s(size, l.first), memalign.Float64s(size, l.first), memalign.Float64s(size, l.first)
				for i := range x {
					x[i], u0[i], y0[i], out[i] = 1, 1, 1, 1
				}
				sti, c2, c4 := memalign.Float64s(nrows, 0), memalign.Float64s(nrows, 0), memalign.Float64s(nrows, 0)
				for i := range sti {
					sti[i], c2[i], c4[i] = 1, 0.1, 0.1
				}
				a1s, a5s := make([]float64, ncol), make([]float64, ncol)
				for i := range a1s {
					a1s[i], a5s[i] = 0.1, 0.1
				}
				a := stageArgs{u: 0.5, v: 0.5}
				for i := 0; i < b.N; i++ {
					stageBandVector(ncol, nrows, l.stride, a1s, a5s, sti, c2, c4, x, u0, y0, out, l.stride+1, &a, 0, 0)
				}
				b.ReportMetric(float64(ncol*nrows)*float64(b.N)/b.Elapsed().Seconds(), "cell-updates/s")
			})
		}
	}
}

// TestPTLMaxVectorMatchesLoop checks ptlMax with the AVX-512 scan against
// the Go loop: the largest |L f| of each worker (bits), the points where
// it was found (as sets), and the PTL minimum that follows, on random
// fields with NaN in L f, points where |f| is too small to count, ties in
// different lanes, and ties in one lane (which the vector scan reports as
// too many, leaving the minimum to the full scan).
func TestPTLMaxVectorMatchesLoop(t *testing.T) {
	if !useVector || !useAVX512 {
		t.Skip("AVX-512 PTL scan not checked: the CPU lacks AVX512F")
	}
	m, s := ptlTestStepper(t, 23, 37) // 23 x 38 points: not a multiple of 8
	n := m.Size() * s.Op.NReal
	rng := rand.New(rand.NewPCG(9, 10))
	type result struct {
		part []float64
		sets [][]int
		n    []int
		ptl  float64
	}
	run := func(f, af []float64, vector bool) result {
		saved := useAVX512
		defer func() { useAVX512 = saved }()
		useAVX512 = vector
		s.ptlF, s.lbuf = f, af
		defer func() { s.ptlF = nil }()
		s.pool.For(s.wave.team, s.bodyPTLMax)
		var r result
		s.ptlAmax = -1
		for w, v := range s.ptlPart {
			r.part = append(r.part, v)
			r.n = append(r.n, s.ptlAtN[w])
			set := append([]int(nil), s.ptlAt[w][:min(s.ptlAtN[w], ptlCandidates)]...)
			slices.Sort(set)
			r.sets = append(r.sets, set)
			s.ptlAmax = max(s.ptlAmax, v)
		}
		ptl, ok := s.ptlMinAt()
		if !ok {
			s.pool.For(s.wave.team, s.bodyPTLMin)
			ptl = math.MaxFloat64
			for _, v := range s.ptlPart {
				ptl = math.Min(v, ptl)
			}
		}
		r.ptl = ptl
		return r
	}
	interior := func(j, k, r int) int { return m.Index(j, k, r) }
	for _, c := range []struct {
		name     string
		ties     []int
		laneTies bool // two ties in one lane of the vector scan
	}{
		{"none", nil, false},
		{"lanes", []int{interior(3, 4, 0), interior(4, 4, 0), interior(5, 4, 0)}, false},
		{"one lane", []int{interior(3, 4, 0), interior(3+8, 4, 0)}, true},
		// A lane that finds 8 twice, then 10: no tie at its maximum.
		{"tie below", []int{interior(3, 4, 0), interior(3+8, 4, 0), interior(3+16, 4, 0)}, false},
	} {
		f, af := make([]float64, n), make([]float64, n)
		for i := range f {
			f[i], af[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		for i := 0; i+2 < n; i += 97 {
			af[i] = math.NaN()
			f[i+1] = 1e-15 // too small to count
			af[i+1] = 1e3
			f[i+2] = -ptlFmin // not above it: does not count either
			af[i+2] = 2e3
		}
		for q, i := range c.ties {
			sign := float64(1 - 2*(q%2))
			af[i], f[i] = 10*sign, -5*sign
			if c.name == "tie below" && q < 2 {
				af[i] = 8 * sign
			}
		}
		want, got := run(f, af, false), run(f, af, true)
		for w := range want.part {
			if math.Float64bits(got.part[w]) != math.Float64bits(want.part[w]) {
				t.Fatalf("%s: worker %d's largest |L f| %v, loop %v", c.name, w, got.part[w], want.part[w])
			}
			if c.laneTies && len(c.ties) > 0 && want.part[w] == 10 {
				if got.n[w] <= ptlCandidates {
					t.Fatalf("%s: worker %d: %d points from the vector scan, want too many", c.name, w, got.n[w])
				}
				continue
			}
			if got.n[w] != want.n[w] || !slices.Equal(got.sets[w], want.sets[w]) {
				t.Fatalf("%s: worker %d: points %v (%d), loop %v (%d)", c.name, w, got.sets[w], got.n[w], want.sets[w], want.n[w])
			}
		}
		if math.Float64bits(got.ptl) != math.Float64bits(want.ptl) {
			t.Fatalf("%s: PTL minimum %v, loop %v", c.name, got.ptl, want.ptl)
		}
	}
}
