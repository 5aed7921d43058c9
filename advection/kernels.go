package advection

import (
	"math"

	"goft/mesh"
)

// Every expression below is written in HipFT's order of evaluation
// (Fortran evaluates a*b*c as (a*b)*c and a+b+c as (a+b)+c, as Go does).

// upwindFlux is the donor-cell flux v*0.5*((1-c)*fc + (1+c)*fm) with
// c = sign(upwind, v), where fc is the value after the face and fm before.
func upwindFlux(v, fc, fm, upwind float64) float64 {
	c := math.Copysign(upwind, v)
	return v * 0.5 * ((1-c)*fc + (1+c)*fm)
}

// wenoFlux is the CS-WENO3 flux at a face from the split fluxes LN (cells
// -2, -1, 0 relative to the face) and LP (cells -1, 0, +1); cell 0 is the
// cell after the face.
func wenoFlux(w *wenoWeights, nm2, nm1, n0, pm1, p0, pp1 float64) float64 {
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

// fluxColumns computes, for the interior phi columns k = 1..NPhiMain-2 of
// the flattened (realization, k-1) range [lo, hi), the theta fluxes at the
// faces of column k and the phi flux at face k (between columns k-1 and k)
// for the interior rows.
func (a *Advector) fluxColumns(lo, hi int) {
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
				ft[j] = upwindFlux(vt[j], f[j], f[j-1], up)
			}
			for j := 1; j < ntm-1; j++ {
				fp[j] = upwindFlux(vp[j], f[j], fw[j], up)
			}
			continue
		}

		// WENO3 theta fluxes, with upwind at the faces next to the poles.
		at := a.AlphaT[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		ln := func(j int) float64 { return 0.5 * f[j] * (vt[j] + at[j]) }
		lp := func(j int) float64 { return 0.5 * f[j] * (vt[j+1] - at[j]) }
		ft[1] = upwindFlux(vt[1], f[1], f[0], up)
		ft[ntm-1] = upwindFlux(vt[ntm-1], f[ntm-1], f[ntm-2], up)
		nm2, nm1, n0 := ln(0), ln(1), ln(2)
		pm1, p0, pp1 := lp(1), lp(2), lp(3)
		for j := 2; j <= ntm-2; j++ {
			ft[j] = wenoFlux(&a.wT[j], nm2, nm1, n0, pm1, p0, pp1)
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
			fp[j] = wenoFlux(w, nm2, nm1, n0, pm1, p0, pp1)
		}
	}
}

// operatorColumns evaluates A on the interior rows of the interior columns
// of [lo, hi) from the fluxes, stores it in a.aop and, in a stage, updates
// a.out there.
func (a *Advector) operatorColumns(lo, hi int) {
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
			a.update(base+1, base+ntm-1)
		}
	}
}

// update applies the stage update on the index range [lo, hi).
func (a *Advector) update(lo, hi int) {
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

// poleRealizations sets A at the pole rows from the theta fluxes through
// the first and last interior faces (section 7.2), makes A periodic in
// phi, and applies the stage update at the points operatorColumns left out
// (pole rows and the two periodic columns), for realizations [lo, hi).
func (a *Advector) poleRealizations(lo, hi int) {
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
				a.update(base, base+1)
				a.update(base+ntm-1, base+ntm)
			}
		}
		base := ntm * npm * r
		mesh.SetPeriodic(a.aop[base:base+ntm*npm], ntm, npm, 1)
		if a.out != nil {
			a.update(base, base+ntm)
			a.update(base+ntm*(npm-1), base+ntm*npm)
		}
	}
}
