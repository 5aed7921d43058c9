//go:build goexperiment.simd && amd64

package diffusion

import "simd/archsimd"

// haveVector reports whether the 4-wide AVX2 stage kernel can run.
var haveVector = archsimd.X86.AVX2()

// stageUniformVector is the fused STS stage of one column with factored
// weights (see stsFused), four rows at a time with AVX2: each lane does the
// scalar code's operations in the same order, so the results are the same
// bits. It covers rows j0 <= j < j1 in steps of 4 and returns the first row
// it did not do.
func stageUniformVector(j0, j1 int, a1, a5 float64, sti, c2, c4, xw, xc, xe, u0, y0, u1, u2 []float64, a *stageArgs) int {
	if !haveVector {
		return j0
	}
	A1, A5 := archsimd.BroadcastFloat64x4(a1), archsimd.BroadcastFloat64x4(a5)
	M1 := archsimd.BroadcastFloat64x4(-1)
	U, V, W := archsimd.BroadcastFloat64x4(a.u), archsimd.BroadcastFloat64x4(a.v), archsimd.BroadcastFloat64x4(a.w)
	UB, G := archsimd.BroadcastFloat64x4(a.ubtau), archsimd.BroadcastFloat64x4(a.g)
	j := j0
	for ; j+4 <= j1; j += 4 {
		s := archsimd.LoadFloat64x4((*[4]float64)(sti[j : j+4]))
		w1 := A1.Mul(s).Mul(s)
		w5 := A5.Mul(s).Mul(s)
		w2 := archsimd.LoadFloat64x4((*[4]float64)(c2[j : j+4]))
		w4 := archsimd.LoadFloat64x4((*[4]float64)(c4[j : j+4]))
		w3 := w1.Add(w2).Add(w4).Add(w5).Mul(M1)
		y := w1.Mul(archsimd.LoadFloat64x4((*[4]float64)(xw[j : j+4]))).
			Add(w2.Mul(archsimd.LoadFloat64x4((*[4]float64)(xc[j-1 : j+3])))).
			Add(w3.Mul(archsimd.LoadFloat64x4((*[4]float64)(xc[j : j+4])))).
			Add(w4.Mul(archsimd.LoadFloat64x4((*[4]float64)(xc[j+1 : j+5])))).
			Add(w5.Mul(archsimd.LoadFloat64x4((*[4]float64)(xe[j : j+4]))))
		r := U.Mul(archsimd.LoadFloat64x4((*[4]float64)(u1[j : j+4]))).
			Add(V.Mul(archsimd.LoadFloat64x4((*[4]float64)(u2[j : j+4])))).
			Add(W.Mul(archsimd.LoadFloat64x4((*[4]float64)(u0[j : j+4])))).
			Add(UB.Mul(y)).
			Add(G.Mul(archsimd.LoadFloat64x4((*[4]float64)(y0[j : j+4]))))
		r.Store((*[4]float64)(u2[j : j+4]))
	}
	return j
}
