//go:build !amd64 || noasm

package advection

// useAVX2 is false: there are no assembly kernels on this architecture (or
// with the noasm build tag).
var useAVX2 = false

// useAVX512 is false likewise.
var useAVX512 = false

func wenoThetaAVX2(ft, f, vt, at, w *float64, nblk int) {
	panic("advection: no AVX2 kernels")
}

func wenoPhiAVX2(fp, f, al, v *float64, off *[6]int, w *float64, nblk int) {
	panic("advection: no AVX2 kernels")
}

func wenoThetaAVX512(ft, f, vt, at, w *float64, nblk int) {
	panic("advection: no AVX-512 kernels")
}

func phiSplitAVX512(ln, lp, f, al, v, v1 *float64, nblk int) {
	panic("advection: no AVX-512 kernels")
}

func wenoPhiRingAVX512(fp, f, al, v *float64, vstride int, ring *float64, lpOff int, slots *[4]int, w *float64, nblk int) {
	panic("advection: no AVX-512 kernels")
}

func operatorAVX2(n int, sth, ft, sti, dti, fpe, fpw, x, y, out *float64, dpi, ca, cb, cc float64, mode int) {
	panic("advection: no AVX2 kernels")
}

func alphaPhiAVX512(ap *float64, v *[6]*float64, n int) { panic("advection: no AVX-512 kernels") }

func alphaThetaAVX512(at, vt *float64, n int) { panic("advection: no AVX-512 kernels") }

func cflColumnAVX512(vt, vpw, vpe, dti, sti *float64, dpi float64, n int, out *[8]uint64) {
	panic("advection: no AVX-512 kernels")
}
