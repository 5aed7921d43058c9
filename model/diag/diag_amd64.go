//go:build !noasm

package diag

import "golang.org/x/sys/cpu"

// useAVX512 selects the AVX-512 history kernels (diag_amd64.s) where the
// CPU has AVX512F. They give the Go loops' bits: each sum still adds its
// terms one point after the other, in HipFT's order; only the products
// are formed eight at a time. Tests turn it off to compare.
var useAVX512 = cpu.X86.HasAVX512F

//go:noescape
func momentsAVX512(v, sinA, cosA, at *float64, nblk int, cp, sp, dap float64, sums *[3]float64)

//go:noescape
func fluxRowsAVX512(v, at *float64, nblk int, dap float64, sums *[8]float64, cap int)

//go:noescape
func validationAVX512(v, ref *float64, nblk int, sums *[2]float64)

//go:noescape
func extremesAVX512(v *float64, nblk int, lanes *[24]float64)

// momentsVector adds the dipole terms of the leading whole blocks of eight
// rows of a column (v, with the rows' sinA, cosA and area weights at) to
// sums, as moments' loop, and returns how many rows it did.
func momentsVector(v, sinA, cosA, at []float64, cp, sp, dap float64, sums *[3]float64) int {
	nblk := len(v) / 8
	if !useAVX512 || nblk == 0 {
		return 0
	}
	n := 8 * nblk
	_, _, _ = sinA[n-1], cosA[n-1], at[n-1]
	momentsAVX512(&v[0], &sinA[0], &cosA[0], &at[0], nblk, cp, sp, dap, sums)
	return n
}

// fluxRowsVector adds the flux terms of the leading whole blocks of eight
// rows of v (area weights at) to sums (fp, fm, fpn, fmn, an, fps, fms,
// as), the cap's too, as fluxes' loop, and returns how many rows it did.
func fluxRowsVector(v, at []float64, dap float64, sums *[8]float64, cap int) int {
	nblk := len(v) / 8
	if !useAVX512 || nblk == 0 {
		return 0
	}
	n := 8 * nblk
	_ = at[n-1]
	fluxRowsAVX512(&v[0], &at[0], nblk, dap, sums, cap)
	return n
}

// validationVector adds (v-g)^2 and |v|*|g| of the leading whole blocks of
// eight points to sums, as moments' validation loop, and returns how many
// points it did.
func validationVector(v, g []float64, sums *[2]float64) int {
	nblk := len(v) / 8
	if !useAVX512 || nblk == 0 {
		return 0
	}
	n := 8 * nblk
	_ = g[n-1]
	validationAVX512(&v[0], &g[0], nblk, sums)
	return n
}

// extremesVector scans the leading whole blocks of eight points of v as
// extremes does, lane by lane, and merges the lanes into lo, hi and absLo
// in lane order. It returns how many points it did. Lanes reorder only
// ties, and the only ties with different bits are zeros of both signs: a
// caller must redo the scan where lo or hi comes out zero (fluxes checks
// lo; its hi starts above zero, and |v| has no sign).
func extremesVector(v []float64, lo, hi, absLo float64) (n int, _, _, _ float64) {
	nblk := len(v) / 8
	if !useAVX512 || nblk == 0 {
		return 0, lo, hi, absLo
	}
	var lanes [24]float64
	for l := 0; l < 8; l++ {
		lanes[l], lanes[8+l], lanes[16+l] = lo, hi, absLo
	}
	extremesAVX512(&v[0], nblk, &lanes)
	for l := 0; l < 8; l++ {
		if x := lanes[l]; x < lo {
			lo = x
		}
		if x := lanes[8+l]; x > hi {
			hi = x
		}
		if x := lanes[16+l]; x < absLo {
			absLo = x
		}
	}
	return 8 * nblk, lo, hi, absLo
}
