//go:build !noasm

package diffusion

import "golang.org/x/sys/cpu"

// useVector selects the AVX2 kernels of this file. It is true when the CPU
// (and the OS) support AVX2; tests turn it off to compare against the scalar
// loops.
var useVector = cpu.X86.HasAVX2

// useAVX512 selects the AVX-512 form of the band kernel (in stage_amd64.s)
// where the CPU has AVX512F and the vector kernels are on; tests turn it
// off to compare it with the AVX2 form. Both give the bits of the Go loop.
var useAVX512 = cpu.X86.HasAVX512F

// HasAVX2Kernels reports whether the AVX2 stage and operator kernels are
// built and the CPU has AVX2: Operator.GoKernels then chooses between them
// and the Go kernels.
func HasAVX2Kernels() bool { return useVector }

// columnUniformVector is the operator on one column with factored weights
// (see (*Operator).uniformColumn), four rows at a time with AVX2. For each
// row j with j0 <= j < j0+4n, where n = (j1-j0)/4, it computes
//
//	s  = sti[j]
//	w1 = (a1*s)*s, w5 = (a5*s)*s, w2 = c2[j], w4 = c4[j]
//	w3 = -(((w1+w2)+w4)+w5)
//	yc[j] = (((w1*xw[j] + w2*xc[j-1]) + w3*xc[j]) + w4*xc[j+1]) + w5*xe[j]
//
// with the scalar code's operations in the same order and no fused
// multiply-add, so the results are the same bits as the scalar loop. It
// returns the first row it did not do: j0 when AVX2 is not available (or
// j1-j0 < 4), else j0+4n. Rows outside [j0, returned) are not touched. It
// panics like the scalar loop if a slice is too short for the rows done.
func columnUniformVector(j0, j1 int, a1, a5 float64, sti, c2, c4, xw, xc, xe, yc []float64) int {
	n := (j1 - j0) / 4
	if !useVector || n <= 0 {
		return j0
	}
	e := j0 + 4*n
	// The asm trusts these lengths: each slice covers the rows it reads.
	sti, c2, c4, xw, xe, yc = sti[j0:e], c2[j0:e], c4[j0:e], xw[j0:e], xe[j0:e], yc[j0:e]
	xc = xc[j0-1 : e+1]
	columnAVX2(n, &sti[0], &c2[0], &c4[0], &xw[0], &xc[0], &xe[0], &yc[0], a1, a5)
	return e
}

// columnAVX2 does 4*n rows of columnUniformVector. Every pointer is to the
// first row's element except xc, which points at the element one row before
// it (xc[j0-1]); each array holds the 4*n rows (xc 4*n+2 elements). The
// caller must have checked that the CPU has AVX2.
//
//go:noescape
func columnAVX2(n int, sti, c2, c4, xw, xc, xe, yc *float64, a1, a5 float64)

// stageBandVector is the fused STS stage with factored weights (see
// stageBand) on ncol consecutive interior columns of banded arrays (column
// segments stride elements apart), rows 0 <= i < nrows of each. Column c
// of the range uses the weights a1s[c], a5s[c] and the rows' sti[i],
// c2[i], c4[i]; its row i is element n = off+c*stride+i of x (the previous
// stage, u1), u0, y0 and out, with the west and east neighbours stride
// elements before and after and the north and south neighbours next to it:
//
//	s  = sti[i]
//	w1 = (a1*s)*s, w5 = (a5*s)*s, w2 = c2[i], w4 = c4[i]
//	w3 = -(((w1+w2)+w4)+w5)
//	y  = (((w1*x[n-stride] + w2*x[n-1]) + w3*x[n]) + w4*x[n+1]) + w5*x[n+stride]
//	out[n] = (((a.u*x[n] + a.v*out[n]) + a.w*u0[n]) + a.ubtau*y) + a.g*y0[n]
//
// Rows go four at a time with AVX2, the last nrows%4 one at a time, all
// with these operations in this order and no fused multiply-add, so the
// results are the bits of the Go loop. Each column's first (last) row of
// out is then copied up (down) elements further: into the halo of the
// band before (after); an offset of 0 leaves the row as it is. It returns
// the number of rows done in every column: nrows, or 0 when AVX2 is not
// available (and then copies nothing). It panics if a slice is too short.
func stageBandVector(ncol, nrows, stride int, a1s, a5s, sti, c2, c4, x, u0, y0, out []float64, off int, a *stageArgs, up, down int) int {
	if !useVector || nrows <= 0 || ncol <= 0 {
		return 0
	}
	last := off + (ncol-1)*stride // first row of the last column
	// The asm trusts these bounds.
	_, _, _ = sti[nrows-1], c2[nrows-1], c4[nrows-1]
	_, _ = a1s[ncol-1], a5s[ncol-1]
	_, _ = x[off-stride], x[off-1]
	_, _, _, _ = x[last+stride+nrows-1], x[last+nrows], u0[last+nrows-1], y0[last+nrows-1]
	_ = out[last+nrows-1]
	if up != 0 {
		_, _ = out[off+up], out[last+up]
	}
	if down != 0 {
		_, _ = out[off+nrows-1+down], out[last+nrows-1+down]
	}
	if useAVX512 {
		if nb8 := nrows / 8; nb8 > 0 {
			// The eight-row blocks load xc eight rows before the first
			// and up to seven after the last row they need.
			_, _ = x[off-8], x[last+8*nb8+7]
		}
		bandAVX512(ncol, nrows, 8*stride, &sti[0], &c2[0], &c4[0], &x[off], &u0[off], &y0[off], &out[off], &a1s[0], &a5s[0],
			a.u, a.v, a.w, a.ubtau, a.g, 8*up, 8*down)
		return nrows
	}
	bandAVX2(ncol, nrows, 8*stride, &sti[0], &c2[0], &c4[0], &x[off], &u0[off], &y0[off], &out[off], &a1s[0], &a5s[0],
		a.u, a.v, a.w, a.ubtau, a.g, 8*up, 8*down)
	return nrows
}

// bandAVX512 is bandAVX2 eight rows at a time (in stage_amd64.s). The
// caller must have checked that the CPU has AVX512F.
//
//go:noescape
func bandAVX512(ncol, nrows, stride int, sti, c2, c4, x, u0, y0, out, a1s, a5s *float64, u, v, w, ubtau, gam float64, up, down int)

// bandAVX2 does stageBandVector's rows with stride in bytes and pointers at
// the first row of the first column, and the halo offsets up and down in
// bytes (see stage_amd64.s). The caller must have checked that the CPU has
// AVX2.
//
//go:noescape
func bandAVX2(ncol, nrows, stride int, sti, c2, c4, x, u0, y0, out, a1s, a5s *float64, u, v, w, ubtau, gam float64, up, down int)

// stageBandStoredVector is stageBandVector for an operator with stored
// weights (a coefficient that varies in space): column c of the range and
// its row i use the weights w1, w2, w4, w5 = c1[q], c2[q], c4[q], c5[q] at
// q = woff+c*wstride+i instead of the factored ones,
//
//	w3 = -(((w1+w2)+w4)+w5)
//	y  = (((w1*x[n-stride] + w2*x[n-1]) + w3*x[n]) + w4*x[n+1]) + w5*x[n+stride]
//	out[n] = (((a.u*x[n] + a.v*out[n]) + a.w*u0[n]) + a.ubtau*y) + a.g*y0[n]
//
// with the bits of the Go loop. It returns nrows, or 0 when AVX2 is not
// available, and panics if a slice is too short.
func stageBandStoredVector(ncol, nrows, stride, wstride int, c1, c2, c4, c5 []float64, woff int, x, u0, y0, out []float64, off int, a *stageArgs) int {
	if !useVector || nrows <= 0 || ncol <= 0 {
		return 0
	}
	last := off + (ncol-1)*stride // first row of the last column
	wlast := woff + (ncol-1)*wstride
	// The asm trusts these bounds.
	_, _, _, _ = c1[woff], c2[woff], c4[woff], c5[woff]
	_, _, _, _ = c1[wlast+nrows-1], c2[wlast+nrows-1], c4[wlast+nrows-1], c5[wlast+nrows-1]
	_, _ = x[off-stride], x[off-1]
	_, _, _, _ = x[last+stride+nrows-1], x[last+nrows], u0[last+nrows-1], y0[last+nrows-1]
	_ = out[last+nrows-1]
	bandStoredAVX2(ncol, nrows, 8*stride, 8*wstride, &c1[woff], &c2[woff], &c4[woff], &c5[woff], &x[off], &u0[off], &y0[off], &out[off],
		a.u, a.v, a.w, a.ubtau, a.g)
	return nrows
}

// bandStoredAVX2 does stageBandStoredVector's rows with stride and wstride
// in bytes (see stage_amd64.s). The caller must have checked that the CPU
// has AVX2.
//
//go:noescape
func bandStoredAVX2(ncol, nrows, stride, wstride int, c1, c2, c4, c5, x, u0, y0, out *float64, u, v, w, ubtau, gam float64)

// ptlMaxAVX512 is the vector part of ptlMaxVector (ptl_amd64.s). The
// caller must have checked that the CPU has AVX512F.
//
//go:noescape
func ptlMaxAVX512(f, af *float64, nblk int, fmin float64, lanes *[8]float64, at *[8]int64) (ties uint64)

// ptlMaxVector scans the leading whole blocks of eight points of f and af
// as ptlMax's loop does, lane by lane (lane l holds the points i with
// i%8 == l): for each lane the largest |af[i]| where |f[i]| > ptlFmin (-1
// where none), the first point where it was found, and whether the lane
// found it again. It returns the number of points scanned: 0 without
// AVX-512, else a multiple of eight.
func ptlMaxVector(f, af []float64) (n int, lanes [8]float64, at [8]int64, ties uint8) {
	nblk := len(f) / 8
	if !useVector || !useAVX512 || nblk == 0 {
		return 0, lanes, at, 0
	}
	_ = af[8*nblk-1]
	t := ptlMaxAVX512(&f[0], &af[0], nblk, ptlFmin, &lanes, &at)
	return 8 * nblk, lanes, at, uint8(t)
}

// stsInitAVX512 is the vector part of stsInitVector (stage_amd64.s). The
// caller must have checked that the CPU has AVX512F.
//
//go:noescape
func stsInitAVX512(f, lf, u0, b0, y0, b1 *float64, nblk int, tau, ub1 float64)

// stsInitVector does stsInit's loop on the leading whole blocks of eight
// points of fs (the field) and ls (its L), into u0, b0, y0 and b1, and
// returns how many points it did.
func stsInitVector(fs, ls, u0, b0, y0, b1 []float64, tau, ub1 float64) int {
	nblk := len(fs) / 8
	if !useVector || !useAVX512 || nblk == 0 {
		return 0
	}
	n := 8 * nblk
	_, _, _, _, _ = ls[n-1], u0[n-1], b0[n-1], y0[n-1], b1[n-1]
	stsInitAVX512(&fs[0], &ls[0], &u0[0], &b0[0], &y0[0], &b1[0], nblk, tau, ub1)
	return n
}
