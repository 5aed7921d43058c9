//go:build !noasm

package advection

import (
	"golang.org/x/sys/cpu"

	"github.com/goft-sft/goft/internal/fma"
)

// useAVX2 selects the AVX2 kernels of weno_amd64.s. They reproduce the Go
// code bit for bit only when the Go code is not compiled with fused
// multiply-adds, which the compiler emits from GOAMD64=v3 on, so they are
// used only below v3 (see fma_amd64v3.go).
var useAVX2 = cpu.X86.HasAVX2 && !fma.Contracted

// useAVX512 selects the AVX-512 forms of the WENO kernels (eight faces or
// rows per block, same bits) where the CPU has AVX512F; they are used only
// where useAVX2 is also set (the same no-FMA condition). Tests turn it off
// to compare the forms.
var useAVX512 = cpu.X86.HasAVX512F

// wenoThetaAVX2 evaluates wenoFlux at nblk blocks of four theta faces (see
// weno_amd64.s); ft, f, vt and at point at the first face's element.
//
//go:noescape
func wenoThetaAVX2(ft, f, vt, at, w *float64, nblk int)

// wenoPhiAVX2 evaluates wenoFlux at nblk blocks of four rows of one phi
// face (see weno_amd64.s).
//
//go:noescape
func wenoPhiAVX2(fp, f, al, v *float64, off *[6]int, w *float64, nblk int)

// wenoThetaAVX512 is wenoThetaAVX2 on nblk blocks of eight faces
// (AVX512F), with 96 weights per block (Advector.wTv8).
//
//go:noescape
func wenoThetaAVX512(ft, f, vt, at, w *float64, nblk int)

// phiSplitAVX512 forms the split fluxes of one column for the phi faces
// on nblk blocks of eight rows: ln = (0.5*f)*(v+al), lp = (0.5*f)*(v1-al),
// v being vp at the column's face and v1 at the next (see weno_amd64.s).
//
//go:noescape
func phiSplitAVX512(ln, lp, f, al, v, v1 *float64, nblk int)

// wenoPhiRingAVX512 forms the split fluxes of stencil column k+1 into a
// ring and evaluates wenoFlux at face k from the ring (see weno_amd64.s).
//
//go:noescape
func wenoPhiRingAVX512(fp, f, al, v *float64, vstride int, ring *float64, lpOff int, slots *[4]int, w *float64, nblk int)

// operatorAVX2 evaluates the advection operator and the stage update of
// operatorColumnVector at n blocks of four rows (see operator_amd64.s);
// every pointer is at the first row's element.
//
//go:noescape
func operatorAVX2(n int, sth, ft, sti, dti, fpe, fpw, x, y, out *float64, dpi, ca, cb, cc float64, mode int)

// alphaPhiAVX512 sets ap[i] to the largest |v[c][i]| (c = 0..5) for
// i < 8 n (see cfl_amd64.s).
//
//go:noescape
func alphaPhiAVX512(ap *float64, v *[6]*float64, n int)

// alphaThetaAVX512 sets at[j] to the largest |vt[j-2..j+3]| for j in
// [2, 2+8 n); at and vt point at element 0 (see cfl_amd64.s).
//
//go:noescape
func alphaThetaAVX512(at, vt *float64, n int)

// cflColumnAVX512 sets out[l] to the absBits-largest CFL speed of the
// rows l, l+8, .. of 8 n rows of a column (see cfl_amd64.s).
//
//go:noescape
func cflColumnAVX512(vt, vpw, vpe, dti, sti *float64, dpi float64, n int, out *[8]uint64)
