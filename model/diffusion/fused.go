package diffusion

import "github.com/goft-sft/goft/internal/memalign"

// This file holds the memory-lean forms of the diffusion kernels:
//
//   - When the coefficient is constant over each realization's sphere (the
//     usual case: diffusion_coef_constant(s) without a file or the grid
//     term), the stencil weights are products of a per-column and a per-row
//     factor. They are formed on the fly, with the same operations in the
//     same order as the stored C1..C5, so the results are bit for bit those
//     of the stored weights, without streaming four weight arrays.
//   - Each super-time-step stage applies the operator to the previous stage
//     and combines the stages in one pass (HipFT applies the operator,
//     stores L, then combines), and blocks of stages sweep the mesh together
//     (wavefront.go).

// uniformWeights holds the factored stencil weights of realizations whose
// corner coefficient D is the same everywhere:
//
//	c1(j,k) = ((D*dph_i(k))*dp_i(k))*st_i(j)*st_i(j)   = (a1[k]*st_i(j))*st_i(j)
//	c5(j,k) = ((D*dph_i(k+1))*dp_i(k))*st_i(j)*st_i(j) = (a5[k]*st_i(j))*st_i(j)
//	c2(j)   = (((D*dth_i(j))*dt_i(j))*st_i(j))*sth(j)
//	c4(j)   = (((D*dth_i(j+1))*dt_i(j))*st_i(j))*sth(j+1)
//
// (0.5*(D+D) is exactly D.) Indexed [r][k] (a1, a5: NPhiMain values per
// realization) and [r][j] (c2, c4: NThetaMain values per realization).
//
// sti is the mesh's st_i(j), copied. sti, c2 and c4 start on a 64-byte
// boundary (memalign.Float64s): the band kernels then load whole cache lines
// (see bandLayout).
type uniformWeights struct {
	a1, a5, c2, c4 [][]float64
	sti            []float64
}

// newUniformWeights returns the factored weights if every realization's
// corner coefficient is constant, else nil.
func newUniformWeights(op *Operator) *uniformWeights {
	m := op.Mesh
	ntm, npm := m.NThetaMain, m.NPhiMain
	ds := make([]float64, op.NReal)
	for r := range ds {
		d := op.corner.Realization(op.Coef, r)
		for _, v := range d {
			if v != d[0] {
				return nil
			}
		}
		ds[r] = d[0]
	}
	nr := op.NReal
	u := &uniformWeights{a1: make([][]float64, nr), a5: make([][]float64, nr), c2: make([][]float64, nr), c4: make([][]float64, nr),
		sti: memalign.Float64s(ntm, 0)}
	copy(u.sti, m.SinThetaInv[:ntm])
	for r, d := range ds {
		a1, a5 := make([]float64, npm), make([]float64, npm)
		for k := 1; k < npm-1; k++ {
			a1[k] = d * m.DPhiHalfInv[k] * m.DPhiInv[k]
			a5[k] = d * m.DPhiHalfInv[k+1] * m.DPhiInv[k]
		}
		c2, c4 := memalign.Float64s(ntm, 0), memalign.Float64s(ntm, 0)
		for j := 1; j < ntm-1; j++ {
			c2[j] = d * m.DThetaHalfInv[j] * m.DThetaInv[j] * m.SinThetaInv[j] * m.SinThetaHalf[j]
			c4[j] = d * m.DThetaHalfInv[j+1] * m.DThetaInv[j] * m.SinThetaInv[j] * m.SinThetaHalf[j+1]
		}
		u.a1[r], u.a5[r], u.c2[r], u.c4[r] = a1, a5, c2, c4
	}
	return u
}

// uniformColumn computes y = L(x) on the interior rows of interior column k
// of realization r from the factored weights. xw, xc, xe are the columns
// k-1, k, k+1 of x.
func (op *Operator) uniformColumn(r, k int, xw, xc, xe, yc []float64) {
	u, m := op.uniform, op.Mesh
	ntm := m.NThetaMain
	a1, a5 := u.a1[r][k], u.a5[r][k]
	c2, c4 := u.c2[r], u.c4[r]
	sti := m.SinThetaInv[:ntm]
	xw, xc, xe, yc = xw[:ntm], xc[:ntm], xe[:ntm], yc[:ntm]
	j := 1
	if !op.GoKernels {
		j = columnUniformVector(1, ntm-1, a1, a5, sti, c2, c4, xw, xc, xe, yc)
	}
	for ; j < ntm-1; j++ {
		s := sti[j]
		w1 := float64(a1 * s * s)
		w5 := float64(a5 * s * s)
		w2, w4 := c2[j], c4[j]
		w3 := -(w1 + w2 + w4 + w5)
		// Explicitly rounded products: no fused multiply-adds, as in the
		// vector kernel that did the rows before j.
		yc[j] = float64(w1*xw[j]) + float64(w2*xc[j-1]) + float64(w3*xc[j]) + float64(w4*xc[j+1]) + float64(w5*xe[j])
	}
}

// poleValues returns L(x) at the north and south pole rows of realization r.
func (op *Operator) poleValues(x []float64, r int) (north, south float64) {
	return op.poleNorth(x, r), op.poleSouth(x, r)
}

// poleNorth returns L(x) at the north pole row of realization r: the
// small-cap flux balance over the ring of first interior faces, summed in
// phi order.
func (op *Operator) poleNorth(x []float64, r int) float64 {
	m := op.Mesh
	npm := m.NPhiMain
	var fn float64
	for k := 1; k < npm-1; k++ {
		d := op.corner.Column(op.Coef, k, r)
		fn += float64((d[0] + d[1]) * (x[m.Index(1, k, r)] - x[m.Index(0, k, r)]) * m.DPhi[k])
	}
	return fn * op.PoleNorth
}

// poleSouth returns L(x) at the south pole row of realization r (see
// poleNorth).
func (op *Operator) poleSouth(x []float64, r int) float64 {
	m := op.Mesh
	ntm, npm, nt := m.NThetaMain, m.NPhiMain, m.NThetaHalf
	var fs float64
	for k := 1; k < npm-1; k++ {
		d := op.corner.Column(op.Coef, k, r)
		fs += float64((d[nt-2] + d[nt-1]) * (x[m.Index(ntm-1, k, r)] - x[m.Index(ntm-2, k, r)]) * m.DPhi[k])
	}
	return -fs * op.PoleSouth
}
