// Package advection implements HipFT's advection of Br by the surface flow,
// dBr/dt + div(v Br) = 0 on the unit sphere (hipft-model.md section 7): the
// flux-form operator with its small-cap pole closure, first-order upwind and
// CS-WENO3(h) fluxes with local Lax-Friedrichs splitting, the forward Euler,
// SSPRK(3,3) and SSPRK(4,3) integrators, and the flow CFL limit.
//
// Fields are flat slices of all realizations in mesh order (theta fastest,
// then phi, then realization), Br in Gauss; velocities are in Rs/hr and
// times in hours. Every kernel runs over (realization, phi column) on a
// parallel.Pool and Step does not allocate.
//
// The integrators and the CFL limit are written once, over Kernels, the
// field operations an architecture supplies (Integrate, StableStep):
// Advector.Step and StableDt run them on the CPU's kernels (Go and AVX2),
// and arch/gpu on device kernels.
package advection

import (
	"fmt"

	"github.com/goft-sft/goft/internal/memalign"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// Time integrators (HipFT's advection_num_method_time).
const (
	FE      = 1 // forward Euler
	SSPRK33 = 2 // SSPRK(3,3)
	SSPRK43 = 3 // SSPRK(4,3), CFL coefficient 2
)

// Spatial schemes (HipFT's advection_num_method_space).
const (
	Upwind = 1 // donor cell with coefficient upwind
	WENO3  = 2 // CS-WENO3(h) with local Lax-Friedrichs splitting
)

// Methods maps flow_num_method (1..4) to the (time, space) pair:
// 1 FE+upwind, 2 SSPRK33+upwind, 3 SSPRK33+WENO3, 4 SSPRK43+WENO3.
func Methods(flowNumMethod int) (timeMethod, spaceMethod int, err error) {
	switch flowNumMethod {
	case 1:
		return FE, Upwind, nil
	case 2:
		return SSPRK33, Upwind, nil
	case 3:
		return SSPRK33, WENO3, nil
	case 4:
		return SSPRK43, WENO3, nil
	}
	return 0, 0, fmt.Errorf("advection: invalid flow_num_method %d; valid values are 1 (FE + upwind), 2 (SSPRK(3,3) + upwind), 3 (SSPRK(3,3) + WENO3), 4 (SSPRK(4,3) + WENO3)", flowNumMethod)
}

// HipFT's literals for the Runge-Kutta coefficients.
const (
	third    = 0.33333333333333333
	twoThird = 0.66666666666666666
	sixth    = 0.16666666666666666
)

// wenoWeights are the CS-WENO3 grid weights of one face, taken at the cell
// before the face (A: index j-1) and after it (B: index j).
type wenoWeights struct {
	cmcA, ccpA, pTA, mcTA, epsA float64
	cmcB, ccpB, mTB, cpTB, epsB float64
	opA, opB                    float64 // 1+cmcA and 1+ccpB
}

// vector returns w's twelve values in the order of the AVX2 kernels'
// weight vectors (weno_amd64.s).
func (w *wenoWeights) vector() [12]float64 {
	return [12]float64{w.cmcA, w.ccpA, w.pTA, w.mcTA, w.epsA, w.cmcB, w.ccpB, w.mTB, w.cpTB, w.epsB, w.opA, w.opB}
}

// Advector advances Br by advection for every realization.
type Advector struct {
	Mesh        *mesh.Mesh // the mesh all realizations share
	NReal       int        // number of realizations
	TimeMethod  int        // FE, SSPRK33 or SSPRK43
	SpaceMethod int        // Upwind or WENO3
	UpwindCoef  float64    // upwind: 1 is donor cell, 0 central
	WenoEps     float64    // weno_eps: <= 0 means the local cell width
	// GoKernels selects the portable Go flux kernels even where the CPU
	// has the AVX2 ones (which give the same bits; tests compare them).
	GoKernels bool

	v *flow.Velocity
	// AlphaT and AlphaP are the local Lax-Friedrichs speeds (Rs/hr) on the
	// main mesh (WENO3 only), recomputed by SetVelocity.
	AlphaT, AlphaP []float64

	wT []wenoWeights // per theta face, 0..NThetaHalf-1 (faces 2..NThetaMain-2 used)
	wP []wenoWeights // per phi face, 0..NPhiHalf-1 (faces 1..NPhiMain-2 used)
	// wTv holds wT for the AVX2 kernel in blocks of four faces from face 2,
	// each block twelve 4-lane vectors (lane l = face 2+4*block+l), then a
	// block of the last four faces ntm-5..ntm-2 (nil if ntm < 7); wTv8
	// the same for the AVX-512 kernel, with blocks of eight faces (nil if
	// ntm < 11, or if the AVX-512 kernels were off at New); wPv holds wP
	// with each value repeated four times, 48 values per face.
	wTv, wTv8, wPv []float64

	poleN, poleS float64 // 2/(pi dth) at the first and last interior theta faces

	// f1 and f2 are the integrator's stage fields (f2 nil for FE); aop
	// holds A where a later pass reads it (poleRealizations, Operator).
	f1, f2, aop []float64
	colMin      []float64
	// poleTerms holds, for every interior column c (the flattened
	// (realization, k-1) index of the column pass), its theta fluxes through
	// the first and last interior faces at 2c and 2c+1: the terms of the
	// pole sums (poleRealizations adds them in column order).
	poleTerms []float64
	// columns holds each worker's scratch of the column pass.
	columns []columnScratch
	copier  *parallel.Copier

	// The layouts of the fields, every realization: ctr of Br, f1, f2,
	// aop, AlphaT and AlphaP (field.Center), tf of Vt (field.ThetaFace),
	// pf of Vp (field.PhiFace).
	ctr, tf, pf field.Layout

	// Arguments of the current stage, read by the parallel bodies.
	in, x, y, out []float64
	ca, cb, cc    float64
	kind2         bool

	// phiRings holds each worker's ring of phi split fluxes (phiFlux):
	// four stencil columns of LN and LP, phiRingStride values each, row 1
	// of each at the start of a cache line; nil where usePhiRing is off.
	phiRings      [][]float64
	phiRingStride int

	columnBody, poleBody, alphaBody, cflBody parallel.WorkerBody
	pool                                     *parallel.Pool
}

// New prepares advection on m for nReal realizations with flow_num_method
// method (1..4), the upwind coefficient upwind and weno_eps wenoEps (<= 0:
// the local cell width in radians). pool may be nil (serial). A velocity
// must be set with SetVelocity before Step or StableDt.
func New(m *mesh.Mesh, nReal int, method int, upwind, wenoEps float64, pool *parallel.Pool) (*Advector, error) {
	tm, sm, err := Methods(method)
	if err != nil {
		return nil, err
	}
	if nReal < 1 {
		return nil, fmt.Errorf("advection: need at least one realization (got %d)", nReal)
	}
	if m.NThetaMain < 5 || m.NPhiMain < 6 {
		return nil, fmt.Errorf("advection: mesh too small (%d theta x %d phi points; need at least 5 x 5)", m.NThetaMain, m.NPhiFile)
	}
	nt, npm := m.NThetaHalf, m.NPhiMain
	ctr, tf, pf := m.Layout(field.Center, nReal), m.Layout(field.ThetaFace, nReal), m.Layout(field.PhiFace, nReal)
	n := ctr.Len()
	a := &Advector{Mesh: m, NReal: nReal, TimeMethod: tm, SpaceMethod: sm,
		UpwindCoef: upwind, WenoEps: wenoEps, pool: pool,
		f1: make([]float64, n), aop: make([]float64, n),
		colMin:    make([]float64, (npm-2)*nReal),
		poleTerms: make([]float64, 2*(npm-2)*nReal),
		ctr:       ctr, tf: tf, pf: pf,
		copier: parallel.NewCopier(pool),
	}
	if tm != FE {
		a.f2 = make([]float64, n)
	}
	a.poleN = 2 * m.DThetaHalfInv[1] * mesh.InvPi
	a.poleS = 2 * m.DThetaHalfInv[nt-2] * mesh.InvPi
	if sm == WENO3 {
		a.AlphaT = make([]float64, n)
		a.AlphaP = make([]float64, n)
		a.setWeights()
	}
	workers := pool.Workers()
	if sm == WENO3 && useAVX2 && useAVX512 && (m.NThetaMain-2)/8 > 0 {
		a.phiRingStride = (m.NThetaMain + 7) &^ 7
		a.phiRings = make([][]float64, workers)
		for w := range a.phiRings {
			a.phiRings[w] = memalign.Float64s(8*a.phiRingStride, 1)
		}
	}
	a.columns = make([]columnScratch, workers)
	for w := range a.columns {
		a.columns[w] = newColumnScratch(m.NThetaHalf)
	}
	a.columnBody = a.stageColumns
	a.poleBody = parallel.Each(a.poleRealizations)
	a.alphaBody = parallel.Each(a.alphaColumns)
	a.cflBody = parallel.Each(a.cflColumns)
	return a, nil
}

// setWeights precomputes the CS-WENO3 grid weights and epsilons (section
// 7.4) from the main-cell widths.
func (a *Advector) setWeights() {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	type w6 struct{ ccp, cmc, mT, cpT, pT, mcT float64 }
	grid := func(d []float64, lo, hi int, out []w6) {
		for j := lo; j <= hi; j++ {
			tot := d[j-1] + d[j] + d[j+1]
			out[j] = w6{
				ccp: d[j] / (d[j] + d[j+1]),
				cmc: d[j] / (d[j-1] + d[j]),
				mT:  d[j-1] / tot,
				cpT: (d[j] + d[j+1]) / tot,
				pT:  d[j+1] / tot,
				mcT: (d[j-1] + d[j]) / tot,
			}
		}
	}
	gt := make([]w6, nt)
	grid(m.DTheta, 1, nt-3, gt)
	gp := make([]w6, np)
	grid(m.DPhi, 1, np-2, gp)
	gp[0], gp[np-1] = gp[np-2], gp[1]

	epsT := make([]float64, ntm)
	epsP := make([]float64, npm)
	for j := range epsT {
		epsT[j] = a.WenoEps
		if a.WenoEps <= 0 {
			epsT[j] = m.DTheta[j]
		}
	}
	for k := range epsP {
		epsP[k] = a.WenoEps
		if a.WenoEps <= 0 {
			epsP[k] = m.DPhi[k]
		}
	}
	face := func(g []w6, eps []float64, j int) wenoWeights {
		A, B := g[j-1], g[j]
		return wenoWeights{
			cmcA: A.cmc, ccpA: A.ccp, pTA: A.pT, mcTA: A.mcT, epsA: eps[j-1],
			cmcB: B.cmc, ccpB: B.ccp, mTB: B.mT, cpTB: B.cpT, epsB: eps[j],
			opA: 1 + A.cmc, opB: 1 + B.ccp,
		}
	}
	a.wT = make([]wenoWeights, nt)
	for j := 2; j <= ntm-2; j++ {
		a.wT[j] = face(gt, epsT, j)
	}
	a.wP = make([]wenoWeights, np)
	for k := 1; k <= npm-2; k++ {
		a.wP[k] = face(gp, epsP, k)
	}
	a.wTv = a.thetaBlocks(4)
	if useAVX2 && useAVX512 {
		a.wTv8 = a.thetaBlocks(8)
	}
	a.wPv = make([]float64, 48*np)
	for k := range a.wP {
		for q, x := range a.wP[k].vector() {
			for l := 0; l < 4; l++ {
				a.wPv[48*k+4*q+l] = x
			}
		}
	}
}

// thetaBlocks returns wT laid out for the theta kernel of n lanes: blocks
// of n faces from face 2, each twelve n-lane vectors in the order of
// wenoWeights.vector (lane l = face 2+n*block+l), then one block ending at
// the last face NThetaMain-2; nil if there are fewer than n faces.
func (a *Advector) thetaBlocks(n int) []float64 {
	ntm := a.Mesh.NThetaMain
	nb := (ntm - 3) / n
	if nb == 0 {
		return nil
	}
	v := make([]float64, 12*n*(nb+1))
	for b := 0; b <= nb; b++ {
		j0 := 2 + n*b
		if b == nb {
			j0 = ntm - 1 - n
		}
		for l := 0; l < n; l++ {
			for q, x := range a.wT[j0+l].vector() {
				v[12*n*b+n*q+l] = x
			}
		}
	}
	return v
}

// SetVelocity sets the velocity used by Step and StableDt and, for WENO3,
// recomputes the Lax-Friedrichs alphas (section 6.9) from it. Call it after
// every flow update. v is used by reference; it must match the mesh and
// realization count (SetVelocity panics otherwise).
func (a *Advector) SetVelocity(v *flow.Velocity) {
	if !v.Matches(a.Mesh, a.NReal) {
		panic("advection: SetVelocity: velocity does not match the mesh or realization count")
	}
	a.v = v
	if a.SpaceMethod == WENO3 {
		a.pool.Share(a.Mesh.NPhiMain*a.NReal, a.alphaBody)
		mesh.SetPeriodic(a.AlphaP, a.Mesh.NThetaMain, a.Mesh.NPhiMain, a.NReal)
	}
}

// Step advances f (Gauss, all realizations) in place by one advection
// call of length dt hours with the configured integrator (section 7.5).
// Every point is updated, the pole rows and periodic columns included, as
// HipFT does. It does not allocate.
func (a *Advector) Step(f []float64, dt float64) {
	if a.v == nil {
		panic("advection: Step before SetVelocity")
	}
	if err := Integrate(a.Kernels(), a.TimeMethod, f, a.f1, a.f2, dt); err != nil {
		panic(err) // New accepts only the known integrators, and the CPU's kernels fail only on a stage that writes its input, which Integrate never asks
	}
}

// Operator computes aop = A(in) = div(v in) (Gauss/hr) for every
// realization (sections 7.1-7.4), on all points including the poles and the
// periodic columns.
func (a *Advector) Operator(aop, in []float64) {
	if a.v == nil {
		panic("advection: Operator before SetVelocity")
	}
	a.in, a.out = in, nil
	a.pool.Share((a.Mesh.NPhiMain-2)*a.NReal, a.columnBody)
	a.pool.Share(a.NReal, a.poleBody)
	copy(aop, a.aop)
	a.in = nil
}

// stage evaluates A(in) and sets, at every point,
//
//	out = x - c*A(in)             (y == nil)
//	out = ca*x + cb*y - c*A(in)   (otherwise)
//
// in HipFT's order of evaluation. out may alias x or y, not in (see
// Kernels): that is an error.
func (a *Advector) stage(in, out, x, y []float64, ca, cb, c float64) error {
	if len(in) > 0 && len(out) > 0 && &in[0] == &out[0] {
		return fmt.Errorf("advection: a stage's output is its input field (the column pass writes out while neighbouring columns still read in)")
	}
	a.in, a.out, a.x, a.y = in, out, x, y
	a.ca, a.cb, a.cc, a.kind2 = ca, cb, c, y != nil
	a.pool.Share((a.Mesh.NPhiMain-2)*a.NReal, a.columnBody)
	a.pool.Share(a.NReal, a.poleBody)
	a.in, a.out, a.x, a.y = nil, nil, nil, nil
	return nil
}

// WenoWeights returns the CS-WENO3 grid weights of every theta face
// (index 0..NThetaHalf-1; faces 2..NThetaMain-2 are set) and phi face
// (0..NPhiHalf-1; faces 1..NPhiMain-2 are set), each as cmcA, ccpA, pTA,
// mcTA, epsA, cmcB, ccpB, mTB, cpTB, epsB (A: the cell before the face, B:
// after it), for other backends. Nil for upwind schemes.
func (a *Advector) WenoWeights() (theta, phi [][10]float64) {
	conv := func(ws []wenoWeights) [][10]float64 {
		out := make([][10]float64, len(ws))
		for i, w := range ws {
			out[i] = [10]float64{w.cmcA, w.ccpA, w.pTA, w.mcTA, w.epsA, w.cmcB, w.ccpB, w.mTB, w.cpTB, w.epsB}
		}
		return out
	}
	if a.wT == nil {
		return nil, nil
	}
	return conv(a.wT), conv(a.wP)
}

// PoleFactors returns the pole closure factors 2/(pi dth) at the first and
// last interior theta faces (section 7.2).
func (a *Advector) PoleFactors() (north, south float64) { return a.poleN, a.poleS }
