// Package diffusion implements HipFT's surface diffusion dBr/dt =
// div(D grad Br) on the unit sphere: the 5-point central-difference operator
// with its pole closure, the explicit Euler stability limit, forward Euler,
// the RKL2 and RKG2 super-time-stepping methods, and the automatic PTL
// subcycling (hipft-model.md section 8).
//
// Every kernel works on all realizations at once. Fields are flat slices in
// mesh order (theta fastest, then phi, then realization); times are in hours
// and diffusion coefficients in Rs^2/hr.
//
// The steppers (subcycling, Euler substeps, super steps) are written once,
// over Kernels, the field operations an architecture supplies
// (Stepper.AdvanceOn): Stepper.Advance runs them on the CPU's kernels (Go
// and AVX2, on the worker pool, the super-step stages in wavefront blocks),
// and arch/gpu on device kernels.
package diffusion

import (
	"math"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Operator is the discrete diffusion operator L of every realization.
type Operator struct {
	Mesh  *mesh.Mesh // the mesh the fields are on
	NReal int        // number of realizations

	// Coef holds the corner diffusion coefficient D(j,k,r) in Rs^2/hr on the
	// (theta half, phi half) mesh, theta fastest, len NThetaHalf*NPhiHalf*NReal.
	Coef []float64
	// C1, C2, C4, C5 are the 5-point stencil weights (west, north, south,
	// east) on main-mesh interior points, stored in main-mesh order (len
	// NThetaMain*NPhiMain*NReal; non-interior entries are 0). The centre
	// weight -(C1+C2+C4+C5) is formed on the fly, bit for bit as HipFT
	// stores it. They are nil when the coefficient is constant over each
	// realization: the kernels then form the weights on the fly.
	C1, C2, C4, C5 []float64
	// PoleNorth and PoleSouth are 1/(pi dth^2) at the first and last theta
	// faces: the small-cap closure factors.
	PoleNorth, PoleSouth float64
	// DtEuler is the forward Euler stable step (hours), 0.95*2/max Gershgorin
	// radius over all realizations and interior points.
	DtEuler float64
	// GoKernels selects the portable Go kernels even where the CPU has
	// the AVX2 ones (which give the same bits; tests compare them).
	GoKernels bool

	pool    *parallel.Pool
	uniform *uniformWeights // factored weights when D is constant per realization
	// The layouts, every realization: center of the field and of C1..C5
	// (field.Center), corner of Coef (field.Corner).
	center, corner field.Layout
	// Scratch for the parallel Apply.
	applyX, applyY []float64
	applyBody      parallel.WorkerBody
}

// NewOperator builds the operator from corner coefficients coef (Rs^2/hr,
// layout as Operator.Coef, already multiplied by diffusion_coef_factor).
// pool may be nil (serial).
func NewOperator(m *mesh.Mesh, nReal int, coef []float64, pool *parallel.Pool) *Operator {
	ntm, npm, nt := m.NThetaMain, m.NPhiMain, m.NThetaHalf
	center, corner := m.Layout(field.Center, nReal), m.Layout(field.Corner, nReal)
	n := center.Len()
	op := &Operator{Mesh: m, NReal: nReal, Coef: coef, pool: pool, center: center, corner: corner}
	op.uniform = newUniformWeights(op)
	if op.uniform == nil {
		op.C1, op.C2, op.C4, op.C5 = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	}
	maxEig := 0.0
	for r := 0; r < nReal; r++ {
		for k := 1; k < npm-1; k++ {
			dk, dk1 := corner.Column(coef, k, r), corner.Column(coef, k+1, r)
			for j := 1; j < ntm-1; j++ {
				i := m.Index(j, k, r)
				djk, dj1k := dk[j], dk[j+1]
				djk1, dj1k1 := dk1[j], dk1[j+1]
				c1 := 0.5 * (djk + dj1k) * m.DPhiHalfInv[k] * m.DPhiInv[k] * m.SinThetaInv[j] * m.SinThetaInv[j]
				c2 := 0.5 * (djk + djk1) * m.DThetaHalfInv[j] * m.DThetaInv[j] * m.SinThetaInv[j] * m.SinThetaHalf[j]
				c4 := 0.5 * (dj1k + dj1k1) * m.DThetaHalfInv[j+1] * m.DThetaInv[j] * m.SinThetaInv[j] * m.SinThetaHalf[j+1]
				c5 := 0.5 * (djk1 + dj1k1) * m.DPhiHalfInv[k+1] * m.DPhiInv[k] * m.SinThetaInv[j] * m.SinThetaInv[j]
				c3 := -(c1 + c2 + c4 + c5)
				if op.uniform == nil {
					op.C1[i], op.C2[i], op.C4[i], op.C5[i] = c1, c2, c4, c5
				}
				g := math.Abs(c1) + math.Abs(c2) + math.Abs(c3) + math.Abs(c4) + math.Abs(c5)
				maxEig = math.Max(g, maxEig)
			}
		}
	}
	op.DtEuler = mesh.Safety * (2 / maxEig)
	op.PoleNorth = mesh.InvPi * (m.DThetaHalfInv[1] * m.DThetaHalfInv[1])
	op.PoleSouth = mesh.InvPi * (m.DThetaHalfInv[nt-2] * m.DThetaHalfInv[nt-2])
	op.applyBody = parallel.Each(op.applyColumns)
	return op
}

// Apply computes y = L(x) for every realization: the interior 5-point
// stencil, the pole rows from the small-cap flux balance (the same value at
// every k), then the periodic phi overlap. x must be periodic in phi.
func (op *Operator) Apply(y, x []float64) {
	m := op.Mesh
	op.applyX, op.applyY = x, y
	op.pool.Share((m.NPhiMain-2)*op.NReal, op.applyBody)
	op.applyX, op.applyY = nil, nil
	op.applyPoles(y, x)
	mesh.SetPeriodic(y, m.NThetaMain, m.NPhiMain, op.NReal)
}

// applyColumns applies the interior stencil to interior columns [lo,hi) of
// the flattened (realization, k-1) column index.
func (op *Operator) applyColumns(lo, hi int) {
	m := op.Mesh
	x, y := op.applyX, op.applyY
	ntm := m.NThetaMain
	nk := m.NPhiMain - 2
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		// Columns resliced to ntm values: the row loop has no bounds checks.
		xw, xc, xe := op.center.Column(x, k-1, r)[:ntm], op.center.Column(x, k, r)[:ntm], op.center.Column(x, k+1, r)[:ntm]
		yc := op.center.Column(y, k, r)[:ntm]
		if op.uniform != nil {
			op.uniformColumn(r, k, xw, xc, xe, yc)
			continue
		}
		c1 := op.center.Column(op.C1, k, r)[:ntm]
		c2 := op.center.Column(op.C2, k, r)[:ntm]
		c4 := op.center.Column(op.C4, k, r)[:ntm]
		c5 := op.center.Column(op.C5, k, r)[:ntm]
		for j := 1; j < ntm-1; j++ {
			a1, a2, a4, a5 := c1[j], c2[j], c4[j], c5[j]
			a3 := -(a1 + a2 + a4 + a5)
			yc[j] = float64(a1*xw[j]) + float64(a2*xc[j-1]) + float64(a3*xc[j]) + float64(a4*xc[j+1]) + float64(a5*xe[j])
		}
	}
}

func (op *Operator) applyPoles(y, x []float64) {
	m := op.Mesh
	for r := 0; r < op.NReal; r++ {
		yn, ys := op.poleValues(x, r)
		for k := 0; k < m.NPhiMain; k++ {
			y[m.Index(0, k, r)] = yn
			y[m.Index(m.NThetaMain-1, k, r)] = ys
		}
	}
}
