package advection

import (
	"math"

	"github.com/goft-sft/goft/internal/memalign"
	"github.com/goft-sft/goft/model/mesh"
)

// Every expression below is written in HipFT's order of evaluation
// (Fortran evaluates a*b*c as (a*b)*c and a+b+c as (a+b)+c, as Go does).
// A product that is added to something is rounded explicitly (float64),
// so that no compiler fuses them into a multiply-add (Go does on arm64 and
// with GOAMD64=v3): every CPU, and the GPU kernels (compiled with
// --fmad=false), then give the same bits.

// upwindFlux is the donor-cell flux v*0.5*((1-c)*fc + (1+c)*fm) with
// c = sign(upwind, v), where fc is the value after the face and fm before.
func upwindFlux(v, fc, fm, upwind float64) float64 {
	c := math.Copysign(upwind, v)
	return v * 0.5 * (float64((1-c)*fc) + float64((1+c)*fm))
}

// wenoFlux is the CS-WENO3 flux at a face from the split fluxes LN (cells
// -2, -1, 0 relative to the face) and LP (cells -1, 0, +1); cell 0 is the
// cell after the face. The AVX2 kernels (weno_amd64.s) perform the same
// operations in the same order.
func wenoFlux(w *wenoWeights, nm2, nm1, n0, pm1, p0, pp1 float64) float64 {
	// The split fluxes are products: rounded here, they are not fused
	// into the differences below (the conversion holds across inlining).
	nm2, nm1, n0, pm1, p0, pp1 = float64(nm2), float64(nm1), float64(n0), float64(pm1), float64(p0), float64(pp1)
	p0m := float64(w.opA*nm1) - float64(w.cmcA*nm2)
	p1m := float64(w.cmcB*nm1) + float64(w.ccpA*n0)
	p0p := float64(w.opB*p0) - float64(w.ccpB*pp1)
	p1p := float64(w.ccpA*p0) + float64(w.cmcB*pm1)

	b := w.cmcA * (nm1 - nm2)
	b0m := float64(4 * (b * b))
	b = w.ccpA * (n0 - nm1)
	b1m := float64(4 * (b * b))
	b = w.ccpB * (pp1 - p0)
	b0p := float64(4 * (b * b))
	b = w.cmcB * (p0 - pm1)
	b1p := float64(4 * (b * b))

	// The nonlinear weights w = lin/(eps+beta)^2 are normalised and
	// applied as (w0*p0 + w1*p1)/(w0 + w1); multiplying through by both
	// (eps+beta)^2 factors leaves two divisions per face instead of eight
	// (HipFT divides eight times; the results agree to round-off).
	q0 := w.epsA + b0m
	q0 *= q0
	q1 := w.epsA + b1m
	q1 *= q1
	a0, a1 := float64(w.pTA*q1), float64(w.mcTA*q0)
	um := (float64(a0*p0m) + float64(a1*p1m)) / (a0 + a1)
	q0 = w.epsB + b0p
	q0 *= q0
	q1 = w.epsB + b1p
	q1 *= q1
	a0, a1 = float64(w.mTB*q1), float64(w.cpTB*q0)
	up := (float64(a0*p0p) + float64(a1*p1p)) / (a0 + a1)
	return up + um
}

// columnScratch is one worker's scratch of the column pass: the theta
// fluxes of the current column (ThetaFace rows) and the phi fluxes of two
// faces, the current column's west and east faces by parity of the face.
// Row 1 of each starts a cache line (the kernels' first row).
type columnScratch struct {
	thetaFlux []float64
	phiFlux   [2][]float64
}

// newColumnScratch returns the scratch of a mesh of nt theta faces.
func newColumnScratch(nt int) columnScratch {
	return columnScratch{thetaFlux: memalign.Float64s(nt, 1),
		phiFlux: [2][]float64{memalign.Float64s(nt, 1), memalign.Float64s(nt, 1)}}
}

// stageColumns is the column pass of Operator and of a stage, for worker
// w (which owns a.columns[w] and a.phiRings[w]) on the interior phi columns
// k = 1..NPhiMain-2 of the flattened (realization, k-1) range [lo, hi)
// (the pool body, parallel.Pool.Share). For each column it forms the
// theta fluxes at the column's faces and the phi flux at its east face
// (the west face is the previous column's east face, formed again at the
// start of a range), keeps the theta fluxes at the first and last interior
// faces for the pole sums (a.poleTerms), and evaluates A on the interior
// rows and, in a stage, the update (operatorColumn). The fluxes stay in
// the worker's cache: the pass reads in, the velocity and the speeds, and
// writes out. A face formed twice, at the ends of two ranges, has the same
// bits each time.
func (a *Advector) stageColumns(w, lo, hi int) {
	ntm, nk := a.Mesh.NThetaMain, a.Mesh.NPhiMain-2
	sc := &a.columns[w]
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		fpw, fpe := sc.phiFlux[k&1], sc.phiFlux[(k+1)&1]
		if c == lo || k == 1 {
			a.phiFlux(w, fpw, r, k, true)
		}
		ft := sc.thetaFlux
		a.thetaFluxes(ft, r, k)
		a.poleTerms[2*c], a.poleTerms[2*c+1] = ft[1], ft[ntm-1]
		a.phiFlux(w, fpe, r, k+1, false)
		a.operatorColumn(ft, fpw, fpe, r, k)
	}
}

// thetaFluxes sets the theta fluxes ft[j], j = 1..NThetaMain-1, at the
// faces of column k of realization r: upwind, or WENO3 with upwind at the
// faces next to the poles.
func (a *Advector) thetaFluxes(ft []float64, r, k int) {
	ntm := a.Mesh.NThetaMain
	f := a.ctr.Column(a.in, k, r)
	vt := a.tf.Column(a.v.Vt, k, r)
	if a.SpaceMethod == Upwind {
		upwindTheta(ft, vt, f, a.UpwindCoef)
		return
	}
	ft[1] = upwindFlux(vt[1], f[1], f[0], a.UpwindCoef)
	ft[ntm-1] = upwindFlux(vt[ntm-1], f[ntm-1], f[ntm-2], a.UpwindCoef)
	a.wenoTheta(ft, f, vt, a.ctr.Column(a.AlphaT, k, r))
}

// phiFlux sets fp[j], j = 1..NThetaMain-2, to the phi fluxes at face k
// (1..NPhiMain-1; face NPhiMain-1 is face 1, periodic) of realization r,
// for worker w. With the phi ring (usePhiRing), start primes the ring
// with the split fluxes of the face's stencil; otherwise the ring must
// hold those of the previous face's stencil (this worker's last call).
func (a *Advector) phiFlux(w int, fp []float64, r, k int, start bool) {
	if k == a.Mesh.NPhiMain-1 {
		k, start = 1, true
	}
	if a.SpaceMethod == Upwind {
		upwindPhi(fp, a.pf.Column(a.v.Vp, k, r), a.ctr.Column(a.in, k, r), a.ctr.Column(a.in, k-1, r), a.UpwindCoef)
		return
	}
	if a.usePhiRing() {
		// The split fluxes of the stencil's columns k-2..k+1 from the
		// ring: those of k-2..k formed for the face before (or here, at
		// the start), those of k+1 now.
		ring := a.phiRings[w]
		if start {
			for s := k - 2; s <= k; s++ {
				a.phiSplit(ring, r, s)
			}
		}
		a.phiFace(fp, ring, r, k)
		return
	}
	off := a.phiStencil(k, r)
	a.wenoPhi(fp, &off, k)
}

// usePhiRing reports whether the phi fluxes are formed from split fluxes
// kept in a ring across columns (phiSplit, phiFace): with the AVX-512
// kernels, on meshes with at least one block of eight interior rows.
func (a *Advector) usePhiRing() bool {
	return useAVX2 && useAVX512 && !a.GoKernels && a.phiRings != nil
}

// phiRingSlot returns the offset in a ring of the LN split fluxes of
// stencil column s (s = -1 .. NPhiMain-1; four consecutive columns in four
// slots); its LP follow phiRingStride values further.
func (a *Advector) phiRingSlot(s int) int { return 2 * ((s + 4) & 3) * a.phiRingStride }

// phiColumn returns the mesh column of stencil column s: s itself, except
// that column -1 is column NPhiMain-3 and column NPhiMain-1 is column 1
// (the periodic continuation of phiStencil).
func (a *Advector) phiColumn(s int) int {
	switch npm := a.Mesh.NPhiMain; {
	case s < 0:
		return npm - 3
	case s > npm-2:
		return 1
	}
	return s
}

// phiSplit forms, in the ring, the split fluxes of stencil column s of
// realization r on the interior rows: LN = 0.5*f*(vp+alpha) with vp at
// face s and LP = 0.5*f*(vp-alpha) with vp at face s+1, as wenoPhi does.
func (a *Advector) phiSplit(ring []float64, r, s int) {
	ntm := a.Mesh.NThetaMain
	col := a.phiColumn(s)
	o, o1 := a.ctr.ColumnStart(col, r), a.pf.ColumnStart(col+1, r)
	f, al := a.in[o:][:ntm], a.AlphaP[o:][:ntm]
	v, v1 := a.v.Vp[o:][:ntm], a.v.Vp[o1:][:ntm]
	lo := a.phiRingSlot(s)
	ln, lp := ring[lo:][:ntm], ring[lo+a.phiRingStride:][:ntm]
	// Rows 1..8nb, then a block ending at row ntm-2 (the rows it repeats
	// get the same values).
	nb := (ntm - 2) / 8
	phiSplitAVX512(&ln[1], &lp[1], &f[1], &al[1], &v[1], &v1[1], nb)
	if (ntm-2)%8 != 0 {
		j := ntm - 9
		phiSplitAVX512(&ln[j], &lp[j], &f[j], &al[j], &v[j], &v1[j], 1)
	}
}

// phiFace forms the split fluxes of stencil column k+1 into the ring and
// sets fp to the WENO3 phi fluxes at face k of realization r on the
// interior rows from those of columns k-2..k+1.
func (a *Advector) phiFace(fp, ring []float64, r, k int) {
	ntm, S := a.Mesh.NThetaMain, a.phiRingStride
	fp = fp[:ntm]
	wv := a.wPv[48*k : 48*k+48]
	col := a.phiColumn(k + 1)
	o := a.ctr.ColumnStart(col, r)
	_ = a.pf.Column(a.v.Vp, col+1, r)[ntm-2] // v1 = v + ntm, inside Vp
	f, al, v := a.in[o:][:ntm], a.AlphaP[o:][:ntm], a.v.Vp[o:][:ntm]
	slots := [4]int{a.phiRingSlot(k - 2), a.phiRingSlot(k - 1), a.phiRingSlot(k), a.phiRingSlot(k + 1)}
	_ = ring[8*S-1] // every slot's LN and LP
	nb := (ntm - 2) / 8
	wenoPhiRingAVX512(&fp[1], &f[1], &al[1], &v[1], ntm, &ring[1], S, &slots, &wv[0], nb)
	if (ntm-2)%8 != 0 {
		j := ntm - 9
		wenoPhiRingAVX512(&fp[j], &f[j], &al[j], &v[j], ntm, &ring[j], S, &slots, &wv[0], 1)
	}
}

// phiStencil returns the element offsets of the columns of the WENO3
// stencil of phi face k of realization r, as wenoPhi takes them. The split
// fluxes are defined on columns 0..npm-2 and continued periodically:
// column -1 is npm-3 and column npm-1 is 1. LN(col) uses vp at face col,
// LP(col) at face col+1.
func (a *Advector) phiStencil(k, r int) [6]int {
	npm := a.Mesh.NPhiMain
	km2, kp1 := k-2, k+1
	if km2 < 0 {
		km2 = npm - 3
	}
	if kp1 > npm-2 {
		kp1 = 1
	}
	return [6]int{a.ctr.ColumnStart(km2, r), a.ctr.ColumnStart(k-1, r), a.ctr.ColumnStart(k, r),
		a.ctr.ColumnStart(kp1, r), a.ctr.ColumnStart(k+1, r), a.ctr.ColumnStart(kp1+1, r)}
}

// upwindTheta sets the donor-cell theta fluxes ft[j], j = 1..len(f)-1, of
// one column from vt and f.
func upwindTheta(ft, vt, f []float64, up float64) {
	n := len(f)
	ft, vt = ft[:n], vt[:n]
	for j := 1; j < n; j++ {
		ft[j] = upwindFlux(vt[j], f[j], f[j-1], up)
	}
}

// upwindPhi sets the donor-cell phi fluxes fp[j], j = 1..len(f)-2, of one
// face from vp, the column after the face f and the one before it fw.
func upwindPhi(fp, vp, f, fw []float64, up float64) {
	n := len(f)
	fp, vp, fw = fp[:n], vp[:n], fw[:n]
	for j := 1; j < n-1; j++ {
		fp[j] = upwindFlux(vp[j], f[j], fw[j], up)
	}
}

// wenoTheta sets the WENO3 theta fluxes ft[j], j = 2..len(f)-2, of one
// column from f, vt and the Lax-Friedrichs speeds at.
func (a *Advector) wenoTheta(ft, f, vt, at []float64) {
	ntm := len(f)
	ft, vt, at = ft[:ntm+1], vt[:ntm+1], at[:ntm]
	if nb := (ntm - 3) / 4; useAVX2 && !a.GoKernels && nb > 0 {
		// The faces past the last whole block are done by a block ending
		// at the last face; the faces it repeats get the same values.
		if nb8 := (ntm - 3) / 8; useAVX512 && len(a.wTv8) > 0 {
			wv := a.wTv8[:96*(nb8+1)]
			wenoThetaAVX512(&ft[2], &f[2], &vt[2], &at[2], &wv[0], nb8)
			if (ntm-3)%8 != 0 {
				j := ntm - 9
				wenoThetaAVX512(&ft[j], &f[j], &vt[j], &at[j], &wv[96*nb8], 1)
			}
			return
		}
		wv := a.wTv[:48*(nb+1)]
		wenoThetaAVX2(&ft[2], &f[2], &vt[2], &at[2], &wv[0], nb)
		if (ntm-3)%4 != 0 {
			j := ntm - 5
			wenoThetaAVX2(&ft[j], &f[j], &vt[j], &at[j], &wv[48*nb], 1)
		}
		return
	}
	w := a.wT[:ntm-1]
	ln := func(j int) float64 { return 0.5 * f[j] * (vt[j] + at[j]) }
	lp := func(j int) float64 { return 0.5 * f[j] * (vt[j+1] - at[j]) }
	nm2, nm1, n0 := ln(0), ln(1), ln(2)
	pm1, p0, pp1 := lp(1), lp(2), lp(3)
	for j := 2; j <= ntm-2; j++ {
		ft[j] = wenoFlux(&w[j], nm2, nm1, n0, pm1, p0, pp1)
		if j < ntm-2 {
			nm2, nm1, n0 = nm1, n0, ln(j+1)
			pm1, p0, pp1 = p0, pp1, lp(j+2)
		}
	}
}

// wenoPhi sets fp to the WENO3 phi fluxes at face k on the interior rows.
// off holds the element offsets of the stencil's columns [A, B, C, D, C1,
// D1]: LN at columns A, B, C (vp at the same columns), LP at B, C, D with
// vp at C, C1, D1.
func (a *Advector) wenoPhi(fp []float64, off *[6]int, k int) {
	ntm := a.Mesh.NThetaMain
	in, al, vp := a.in, a.AlphaP, a.v.Vp
	fp = fp[:ntm]
	if nb := (ntm - 2) / 4; useAVX2 && !a.GoKernels && nb > 0 {
		// The kernel reads and writes rows 1..ntm-2 of the columns at
		// off[i] of each array; check that here as the Go code would.
		for _, o := range off {
			_ = in[o : o+ntm-1]
			_ = al[o : o+ntm-1]
			_ = vp[o : o+ntm-1]
		}
		wv := a.wPv[48*k : 48*k+48]
		wenoPhiAVX2(&fp[1], &in[1], &al[1], &vp[1], off, &wv[0], nb)
		if (ntm-2)%4 != 0 {
			// The rows past the last whole block, by a block ending at
			// row ntm-2 (the rows it repeats get the same values).
			j := ntm - 5
			wenoPhiAVX2(&fp[j], &in[j], &al[j], &vp[j], off, &wv[0], 1)
		}
		return
	}
	col := func(s []float64, o int) []float64 { return s[o : o+ntm] }
	fA, fB, fC, fD := col(in, off[0]), col(in, off[1]), col(in, off[2]), col(in, off[3])
	aA, aB, aC, aD := col(al, off[0]), col(al, off[1]), col(al, off[2]), col(al, off[3])
	vA, vB, vC, vC1, vD1 := col(vp, off[0]), col(vp, off[1]), col(vp, off[2]), col(vp, off[4]), col(vp, off[5])
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

// operatorColumn evaluates A on the interior rows of column k of
// realization r from its theta fluxes ft and the phi fluxes fpw and fpe of
// its west and east faces and, in a stage, updates a.out there. A is
// stored in a.aop where it is read later: everywhere for Operator, and in a
// stage only in columns 1 and NPhiMain-2, which poleRealizations copies to
// the periodic columns.
func (a *Advector) operatorColumn(ft, fpw, fpe []float64, r, k int) {
	m := a.Mesh
	ntm, npm := m.NThetaMain, m.NPhiMain
	sth, sti, dti := m.SinThetaHalf[:ntm], m.SinThetaInv[:ntm], m.DThetaInv[:ntm]
	col := a.ctr.ColumnStart(k, r)
	dpi := m.DPhiInv[k]
	if a.out == nil || k == 1 || k == npm-2 {
		aop := a.aop[col:][:ntm]
		a.operatorRows(opStore, sth, ft, sti, dti, fpe, fpw, aop, aop, aop, dpi)
		if a.out != nil {
			a.update(col+1, col+ntm-1) // the interior rows
		}
		return
	}
	out, x := a.out[col:][:ntm], a.x[col:][:ntm]
	if !a.kind2 {
		a.operatorRows(opEuler, sth, ft, sti, dti, fpe, fpw, x, x, out, dpi)
		return
	}
	a.operatorRows(opCombine, sth, ft, sti, dti, fpe, fpw, x, a.y[col:][:ntm], out, dpi)
}

// The stage updates of operatorRows.
const (
	opStore   = iota // out = A
	opEuler          // out = x - cc*A
	opCombine        // out = ca*x + cb*y - cc*A
)

// operatorRows evaluates the advection operator A on the interior rows
// j = 1..len(sth)-2 of one column from the theta fluxes ft of its faces,
// the phi fluxes fpw and fpe of its west and east faces and the mesh
// factors sth (sin theta at the theta faces), sti (1/sin theta) and dti
// (1/dtheta) of its rows and dpi (1/dphi) of the column, and stores the
// stage update mode (a.ca, a.cb, a.cc) in out, in HipFT's order of
// evaluation. Rows go four at a time through the AVX2 kernel where it is
// used (same operations, same order, no fused multiply-add: the same
// bits), the rest one at a time. out may be x or y.
func (a *Advector) operatorRows(mode int, sth, ft, sti, dti, fpe, fpw, x, y, out []float64, dpi float64) {
	ntm := len(out)
	sth, ft, sti, dti, fpe, fpw, x, y = sth[:ntm], ft[:ntm], sti[:ntm], dti[:ntm], fpe[:ntm], fpw[:ntm], x[:ntm], y[:ntm]
	ca, cb, cc := a.ca, a.cb, a.cc
	j := 1
	if n := (ntm - 2) / 4; useAVX2 && !a.GoKernels && n > 0 {
		// The kernel reads rows 1..4n (sth and ft to row 4n+1 <= ntm-1).
		operatorAVX2(n, &sth[1], &ft[1], &sti[1], &dti[1], &fpe[1], &fpw[1], &x[1], &y[1], &out[1], dpi, ca, cb, cc, mode)
		j += 4 * n
	}
	for ; j < ntm-1; j++ {
		A := float64((float64(sth[j+1]*ft[j+1])-float64(sth[j]*ft[j]))*sti[j]*dti[j]) + float64((fpe[j]-fpw[j])*sti[j]*dpi)
		switch mode {
		case opStore:
			out[j] = A
		case opEuler:
			out[j] = x[j] - float64(cc*A)
		default:
			out[j] = float64(ca*x[j]) + float64(cb*y[j]) - float64(cc*A)
		}
	}
}

// update applies the stage update on the index range [lo, hi) from a.aop.
func (a *Advector) update(lo, hi int) {
	out, x, aop := a.out[lo:hi], a.x[lo:hi], a.aop[lo:hi]
	c := a.cc
	if !a.kind2 {
		for i := range out {
			out[i] = x[i] - float64(c*aop[i])
		}
		return
	}
	y := a.y[lo:hi]
	ca, cb := a.ca, a.cb
	x, y, aop = x[:len(out)], y[:len(out)], aop[:len(out)]
	for i := range out {
		out[i] = float64(ca*x[i]) + float64(cb*y[i]) - float64(c*aop[i])
	}
}

// poleRealizations sets A at the pole rows from the theta fluxes through
// the first and last interior faces (section 7.2), makes A periodic in
// phi, and applies the stage update at the points operatorColumn left out
// (pole rows and the two periodic columns), for realizations [lo, hi).
func (a *Advector) poleRealizations(lo, hi int) {
	m := a.Mesh
	ntm, npm := m.NThetaMain, m.NPhiMain
	for r := lo; r < hi; r++ {
		var fn, fs float64
		terms := a.poleTerms[2*(npm-2)*r:][:2*(npm-2)]
		for k := 1; k < npm-1; k++ {
			fn = fn + float64(terms[2*(k-1)]*m.DPhi[k])
			fs = fs + float64(terms[2*(k-1)+1]*m.DPhi[k])
		}
		an, as := fn*a.poleN, -fs*a.poleS
		for k := 1; k < npm-1; k++ {
			north, south := a.ctr.Index(0, k, r), a.ctr.Index(ntm-1, k, r)
			a.aop[north] = an
			a.aop[south] = as
			if a.out != nil {
				a.update(north, north+1)
				a.update(south, south+1)
			}
		}
		mesh.SetPeriodic(a.ctr.Realization(a.aop, r), ntm, npm, 1)
		if a.out != nil {
			first, last := a.ctr.ColumnStart(0, r), a.ctr.ColumnStart(npm-1, r)
			a.update(first, first+ntm)
			a.update(last, last+ntm)
		}
	}
}
