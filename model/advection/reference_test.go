package advection

// The advection kernels as they were before they were optimised for speed,
// kept verbatim (serial, renamed) as the reference the optimised kernels
// must match bit for bit.

import (
	"math"

	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// newRefAdvector returns the reference advector with a's configuration.
func newRefAdvector(a *Advector) *refAdvector {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	n := ntm * npm * a.NReal
	r := &refAdvector{Mesh: m, NReal: a.NReal, TimeMethod: a.TimeMethod, SpaceMethod: a.SpaceMethod,
		UpwindCoef: a.UpwindCoef, WenoEps: a.WenoEps,
		f1: make([]float64, n), aop: make([]float64, n),
		fluxT:  make([]float64, nt*npm*a.NReal),
		fluxP:  make([]float64, ntm*np*a.NReal),
		colMin: make([]float64, (npm-2)*a.NReal),
	}
	r.poleN = 2 * m.DThetaHalfInv[1] * mesh.InvPi
	r.poleS = 2 * m.DThetaHalfInv[nt-2] * mesh.InvPi
	if r.SpaceMethod == WENO3 {
		r.AlphaT = make([]float64, n)
		r.AlphaP = make([]float64, n)
		r.refSetWeights()
	}
	return r
}

// Every expression below is written in HipFT's order of evaluation
// (Fortran evaluates a*b*c as (a*b)*c and a+b+c as (a+b)+c, as Go does).

// refUpwindFlux is the donor-cell flux v*0.5*((1-c)*fc + (1+c)*fm) with
// c = sign(upwind, v), where fc is the value after the face and fm before.
func refUpwindFlux(v, fc, fm, upwind float64) float64 {
	c := math.Copysign(upwind, v)
	return v * 0.5 * ((1-c)*fc + (1+c)*fm)
}

// refWenoFlux is the CS-WENO3 flux at a face from the split fluxes LN (cells
// -2, -1, 0 relative to the face) and LP (cells -1, 0, +1); cell 0 is the
// cell after the face.
func refWenoFlux(w *refWeights, nm2, nm1, n0, pm1, p0, pp1 float64) float64 {
	p0m := (1+w.cmcA)*nm1 - w.cmcA*nm2
	p1m := w.cmcB*nm1 + w.ccpA*n0
	p0p := (1+w.ccpB)*p0 - w.ccpB*pp1
	p1p := w.ccpA*p0 + w.cmcB*pm1

	b := w.cmcA * (nm1 - nm2)
	b0m := 4 * (b * b)
	b = w.ccpA * (n0 - nm1)
	b1m := 4 * (b * b)
	b = w.ccpB * (pp1 - p0)
	b0p := 4 * (b * b)
	b = w.cmcB * (p0 - pm1)
	b1p := 4 * (b * b)

	// The nonlinear weights w = lin/(eps+beta)^2 are normalised and
	// applied as (w0*p0 + w1*p1)/(w0 + w1); multiplying through by both
	// (eps+beta)^2 factors leaves two divisions per face instead of eight
	// (HipFT divides eight times; the results agree to round-off).
	q0 := w.epsA + b0m
	q0 *= q0
	q1 := w.epsA + b1m
	q1 *= q1
	a0, a1 := w.pTA*q1, w.mcTA*q0
	um := (a0*p0m + a1*p1m) / (a0 + a1)
	q0 = w.epsB + b0p
	q0 *= q0
	q1 = w.epsB + b1p
	q1 *= q1
	a0, a1 = w.mTB*q1, w.cpTB*q0
	up := (a0*p0p + a1*p1p) / (a0 + a1)
	return up + um
}

// refFluxColumns computes, for the interior phi columns k = 1..NPhiMain-2 of
// the flattened (realization, k-1) range [lo, hi), the theta fluxes at the
// faces of column k and the phi flux at face k (between columns k-1 and k)
// for the interior rows.
func (a *refAdvector) refFluxColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nk := npm - 2
	up := a.UpwindCoef
	in := a.in
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		fcol := func(kk int) []float64 { return in[ntm*(kk+npm*r) : ntm*(kk+npm*r+1)] }
		vpcol := func(kk int) []float64 { return a.v.Vp[ntm*(kk+np*r) : ntm*(kk+np*r+1)] }
		f := fcol(k)
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		ft := a.fluxT[nt*(k+npm*r) : nt*(k+npm*r+1)]
		fp := a.fluxP[ntm*(k+np*r) : ntm*(k+np*r+1)]
		vp := vpcol(k)
		fw := fcol(k - 1)

		if a.SpaceMethod == Upwind {
			for j := 1; j < ntm; j++ {
				ft[j] = refUpwindFlux(vt[j], f[j], f[j-1], up)
			}
			for j := 1; j < ntm-1; j++ {
				fp[j] = refUpwindFlux(vp[j], f[j], fw[j], up)
			}
			continue
		}

		// WENO3 theta fluxes, with upwind at the faces next to the poles.
		at := a.AlphaT[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		ln := func(j int) float64 { return 0.5 * f[j] * (vt[j] + at[j]) }
		lp := func(j int) float64 { return 0.5 * f[j] * (vt[j+1] - at[j]) }
		ft[1] = refUpwindFlux(vt[1], f[1], f[0], up)
		ft[ntm-1] = refUpwindFlux(vt[ntm-1], f[ntm-1], f[ntm-2], up)
		nm2, nm1, n0 := ln(0), ln(1), ln(2)
		pm1, p0, pp1 := lp(1), lp(2), lp(3)
		for j := 2; j <= ntm-2; j++ {
			ft[j] = refWenoFlux(&a.wT[j], nm2, nm1, n0, pm1, p0, pp1)
			if j < ntm-2 {
				nm2, nm1, n0 = nm1, n0, ln(j+1)
				pm1, p0, pp1 = p0, pp1, lp(j+2)
			}
		}

		// WENO3 phi flux at face k. The split fluxes are defined on columns
		// 0..npm-2 and continued periodically: column -1 is npm-3 and
		// column npm-1 is 1.
		km2, kp1 := k-2, k+1
		if km2 < 0 {
			km2 = npm - 3
		}
		if kp1 > npm-2 {
			kp1 = 1
		}
		apcol := func(kk int) []float64 { return a.AlphaP[ntm*(kk+npm*r) : ntm*(kk+npm*r+1)] }
		fA, fB, fC, fD := fcol(km2), fw, f, fcol(kp1)
		aA, aB, aC, aD := apcol(km2), apcol(k-1), apcol(k), apcol(kp1)
		// LN(col) uses vp at face col, LP(col) at face col+1.
		vA, vB, vC, vC1, vD1 := vpcol(km2), vpcol(k-1), vp, vpcol(k+1), vpcol(kp1+1)
		w := &a.wP[k]
		for j := 1; j < ntm-1; j++ {
			nm2 := 0.5 * fA[j] * (vA[j] + aA[j])
			nm1 := 0.5 * fB[j] * (vB[j] + aB[j])
			n0 := 0.5 * fC[j] * (vC[j] + aC[j])
			pm1 := 0.5 * fB[j] * (vC[j] - aB[j])
			p0 := 0.5 * fC[j] * (vC1[j] - aC[j])
			pp1 := 0.5 * fD[j] * (vD1[j] - aD[j])
			fp[j] = refWenoFlux(w, nm2, nm1, n0, pm1, p0, pp1)
		}
	}
}

// refOperatorColumns evaluates A on the interior rows of the interior columns
// of [lo, hi) from the fluxes, stores it in a.aop and, in a refStage, updates
// a.out there.
func (a *refAdvector) refOperatorColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nk := npm - 2
	sth, sti, dti := m.SinThetaHalf, m.SinThetaInv, m.DThetaInv
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		kp := k + 1
		if kp == npm-1 {
			kp = 1 // periodic phi flux: face npm-1 is face 1
		}
		ft := a.fluxT[nt*(k+npm*r) : nt*(k+npm*r+1)]
		fpw := a.fluxP[ntm*(k+np*r) : ntm*(k+np*r+1)]
		fpe := a.fluxP[ntm*(kp+np*r) : ntm*(kp+np*r+1)]
		base := ntm * (k + npm*r)
		aop := a.aop[base : base+ntm]
		dpi := m.DPhiInv[k]
		for j := 1; j < ntm-1; j++ {
			aop[j] = (sth[j+1]*ft[j+1]-sth[j]*ft[j])*sti[j]*dti[j] + (fpe[j]-fpw[j])*sti[j]*dpi
		}
		if a.out != nil {
			a.refUpdate(base+1, base+ntm-1)
		}
	}
}

// refUpdate applies the refStage refUpdate on the index range [lo, hi).
func (a *refAdvector) refUpdate(lo, hi int) {
	out, x, aop := a.out[lo:hi], a.x[lo:hi], a.aop[lo:hi]
	c := a.cc
	if !a.kind2 {
		for i := range out {
			out[i] = x[i] - c*aop[i]
		}
		return
	}
	y := a.y[lo:hi]
	ca, cb := a.ca, a.cb
	for i := range out {
		out[i] = ca*x[i] + cb*y[i] - c*aop[i]
	}
}

// refPoleRealizations sets A at the pole rows from the theta fluxes through
// the first and last interior faces (section 7.2), makes A periodic in
// phi, and applies the refStage refUpdate at the points refOperatorColumns left out
// (pole rows and the two periodic columns), for realizations [lo, hi).
func (a *refAdvector) refPoleRealizations(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm := m.NThetaMain, m.NThetaHalf, m.NPhiMain
	for r := lo; r < hi; r++ {
		var fn, fs float64
		for k := 1; k < npm-1; k++ {
			ft := a.fluxT[nt*(k+npm*r):]
			fn = fn + ft[1]*m.DPhi[k]
			fs = fs + ft[nt-2]*m.DPhi[k]
		}
		an, as := fn*a.poleN, -fs*a.poleS
		for k := 1; k < npm-1; k++ {
			base := ntm * (k + npm*r)
			a.aop[base] = an
			a.aop[base+ntm-1] = as
			if a.out != nil {
				a.refUpdate(base, base+1)
				a.refUpdate(base+ntm-1, base+ntm)
			}
		}
		base := ntm * npm * r
		mesh.SetPeriodic(a.aop[base:base+ntm*npm], ntm, npm, 1)
		if a.out != nil {
			a.refUpdate(base, base+ntm)
			a.refUpdate(base+ntm*(npm-1), base+ntm*npm)
		}
	}
}

// refAlphaColumns computes the local Lax-Friedrichs speeds (section 6.9) for
// the columns k = 0..NPhiMain-1 of the flattened (realization, k) range
// [lo, hi): AlphaT on every row from the widest |vt| stencil that fits,
// AlphaP on the interior rows of columns 1..NPhiHalf-2 with the stencil
// wrapped through the phi overlap. The periodic AlphaP columns are set by
// the caller.
func (a *refAdvector) refAlphaColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	for c := lo; c < hi; c++ {
		r, k := c/npm, c%npm
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		at := a.AlphaT[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		absMax := func(v []float64, lo, hi int) float64 {
			x := math.Abs(v[lo])
			for i := lo + 1; i <= hi; i++ {
				x = max(x, math.Abs(v[i]))
			}
			return x
		}
		at[0] = absMax(vt, 0, 3)
		at[1] = absMax(vt, 0, 4)
		for j := 2; j <= nt-4; j++ {
			at[j] = absMax(vt, j-2, j+3)
		}
		at[nt-3] = absMax(vt, nt-5, nt-1)
		at[nt-2] = absMax(vt, nt-4, nt-1)

		if k == 0 || k >= np-1 {
			continue
		}
		vp := func(kk int) []float64 { return a.v.Vp[ntm*(kk+np*r) : ntm*(kk+np*r+1)] }
		ap := a.AlphaP[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		// The six phi faces of the stencil, wrapped at the ends.
		var cols [6]int
		switch {
		case k == 1:
			cols = [6]int{np - 3, 0, 1, 2, 3, 4}
		case k == np-3:
			cols = [6]int{k - 2, k - 1, k, k + 1, k + 2, 2}
		case k == np-2:
			cols = [6]int{k - 2, k - 1, k, k + 1, 2, 3}
		default:
			cols = [6]int{k - 2, k - 1, k, k + 1, k + 2, k + 3}
		}
		v0, v1, v2, v3, v4, v5 := vp(cols[0]), vp(cols[1]), vp(cols[2]), vp(cols[3]), vp(cols[4]), vp(cols[5])
		for j := 1; j < ntm-1; j++ {
			ap[j] = max(math.Abs(v0[j]), math.Abs(v1[j]), math.Abs(v2[j]),
				math.Abs(v3[j]), math.Abs(v4[j]), math.Abs(v5[j]))
		}
	}
}

// refCflColumns stores in colMin the smallest 0.5/max(kv, tiny) over the
// interior rows of each interior column of [lo, hi) (section 7.6).
func (a *refAdvector) refCflColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nk := npm - 2
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		vpw := a.v.Vp[ntm*(k+np*r) : ntm*(k+np*r+1)]
		vpe := a.v.Vp[ntm*(k+1+np*r) : ntm*(k+1+np*r+1)]
		dpi := m.DPhiInv[k]
		dtmax := math.MaxFloat64
		for j := 1; j < ntm-1; j++ {
			kv := max(math.Abs(vt[j]), math.Abs(vt[j+1]))*m.DThetaInv[j] +
				max(math.Abs(vpw[j]), math.Abs(vpe[j]))*m.SinThetaInv[j]*dpi
			dtmax = min(dtmax, 0.5/max(kv, mesh.SmallValue))
		}
		a.colMin[c] = dtmax
	}
}

// StableDt returns HipFT's flow CFL step DTIME_ADV_STB (hours, section
// 7.6): 0.95 times the smallest 0.5/(|vt| dt_i + |vp| st_i dp_i) over all
// realizations and interior points, doubled when strang is set (each
// advection call is then half a step) and doubled again for SSPRK(4,3).
func (a *refAdvector) refStableDt(strang bool) float64 {
	if a.v == nil {
		panic("advection: StableDt before SetVelocity")
	}
	a.refCflColumns(0, len(a.colMin))
	dtmax := math.MaxFloat64
	for _, x := range a.colMin {
		dtmax = min(dtmax, x)
	}
	dt := mesh.Safety * dtmax
	if strang {
		dt = 2 * dt
	}
	if a.TimeMethod == SSPRK43 {
		dt = 2 * dt
	}
	return dt
}

// refWeights are the CS-WENO3 grid weights of one face, taken at the cell
// before the face (A: index j-1) and after it (B: index j).
type refWeights struct {
	cmcA, ccpA, pTA, mcTA, epsA float64
	cmcB, ccpB, mTB, cpTB, epsB float64
}

// refAdvector is the advection code before the kernels were optimised,
// run serially.
type refAdvector struct {
	Mesh        *mesh.Mesh // the mesh all realizations share
	NReal       int        // number of realizations
	TimeMethod  int        // FE, SSPRK33 or SSPRK43
	SpaceMethod int        // Upwind or WENO3
	UpwindCoef  float64    // upwind: 1 is donor cell, 0 central
	WenoEps     float64    // weno_eps: <= 0 means the local cell width

	v *flow.Velocity
	// AlphaT and AlphaP are the local Lax-Friedrichs speeds (Rs/hr) on the
	// main mesh (WENO3 only), recomputed by SetVelocity.
	AlphaT, AlphaP []float64

	wT []refWeights // per theta face, 0..NThetaHalf-1 (faces 2..NThetaMain-2 used)
	wP []refWeights // per phi face, 0..NPhiHalf-1 (faces 1..NPhiMain-2 used)

	poleN, poleS float64 // 2/(pi dth) at the first and last interior theta faces

	f1, aop, fluxT, fluxP []float64
	colMin                []float64

	// Arguments of the current refStage, read by the parallel bodies.
	in, x, y, out []float64
	ca, cb, cc    float64
	kind2         bool
}

// refSetWeights precomputes the CS-WENO3 grid weights and epsilons (section
// 7.4) from the main-cell widths.
func (a *refAdvector) refSetWeights() {
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
	face := func(g []w6, eps []float64, j int) refWeights {
		A, B := g[j-1], g[j]
		return refWeights{
			cmcA: A.cmc, ccpA: A.ccp, pTA: A.pT, mcTA: A.mcT, epsA: eps[j-1],
			cmcB: B.cmc, ccpB: B.ccp, mTB: B.mT, cpTB: B.cpT, epsB: eps[j],
		}
	}
	a.wT = make([]refWeights, nt)
	for j := 2; j <= ntm-2; j++ {
		a.wT[j] = face(gt, epsT, j)
	}
	a.wP = make([]refWeights, np)
	for k := 1; k <= npm-2; k++ {
		a.wP[k] = face(gp, epsP, k)
	}
}

// SetVelocity sets the velocity used by Step and StableDt and, for WENO3,
// recomputes the Lax-Friedrichs alphas (section 6.9) from it. Call it after
// every flow refUpdate. v is used by reference; it must match the mesh and
// realization count (SetVelocity panics otherwise).
func (a *refAdvector) refSetVelocity(v *flow.Velocity) {
	if !v.Matches(a.Mesh, a.NReal) {
		panic("advection: SetVelocity: velocity does not match the mesh or realization count")
	}
	a.v = v
	if a.SpaceMethod == WENO3 {
		a.refAlphaColumns(0, a.Mesh.NPhiMain*a.NReal)
		mesh.SetPeriodic(a.AlphaP, a.Mesh.NThetaMain, a.Mesh.NPhiMain, a.NReal)
	}
}

// Step advances f (Gauss, all realizations) in place by one advection
// call of length dt hours with the configured integrator (section 7.5).
// Every point is updated, the pole rows and periodic columns included, as
// HipFT does. It does not allocate.
func (a *refAdvector) refStep(f []float64, dt float64) {
	if a.v == nil {
		panic("advection: Step before SetVelocity")
	}
	f1 := a.f1
	switch a.TimeMethod {
	case FE:
		a.refStage(f, f, f, nil, 0, 0, dt)
	case SSPRK33:
		a.refStage(f, f1, f, nil, 0, 0, dt)
		a.refStage(f1, f1, f, f1, 0.75, 0.25, 0.25*dt)
		a.refStage(f1, f, f, f1, third, twoThird, twoThird*dt)
	case SSPRK43:
		a.refStage(f, f1, f, nil, 0, 0, 0.5*dt)
		a.refStage(f1, f1, f1, nil, 0, 0, 0.5*dt)
		a.refStage(f1, f1, f, f1, twoThird, third, sixth*dt)
		a.refStage(f1, f, f1, nil, 0, 0, 0.5*dt)
	}
}

// Operator computes aop = A(in) = div(v in) (Gauss/hr) for every
// realization (sections 7.1-7.4), on all points including the poles and the
// periodic columns.
func (a *refAdvector) refOperator(aop, in []float64) {
	if a.v == nil {
		panic("advection: Operator before SetVelocity")
	}
	a.in, a.out = in, nil
	a.refFluxColumns(0, (a.Mesh.NPhiMain-2)*a.NReal)
	a.refOperatorColumns(0, (a.Mesh.NPhiMain-2)*a.NReal)
	a.refPoleRealizations(0, a.NReal)
	copy(aop, a.aop)
	a.in = nil
}

// refStage evaluates A(in) and sets, at every point,
//
//	out = x - c*A(in)             (y == nil)
//	out = ca*x + cb*y - c*A(in)   (otherwise)
//
// in HipFT's order of evaluation. out may alias in, x or y.
func (a *refAdvector) refStage(in, out, x, y []float64, ca, cb, c float64) {
	a.in, a.out, a.x, a.y = in, out, x, y
	a.ca, a.cb, a.cc, a.kind2 = ca, cb, c, y != nil
	nc := (a.Mesh.NPhiMain - 2) * a.NReal
	a.refFluxColumns(0, nc)
	a.refOperatorColumns(0, nc)
	a.refPoleRealizations(0, a.NReal)
	a.in, a.out, a.x, a.y = nil, nil, nil, nil
}
