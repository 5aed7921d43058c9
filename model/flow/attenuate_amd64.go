//go:build !noasm

package flow

import (
	"golang.org/x/sys/cpu"

	"github.com/goft-sft/goft/internal/fma"
)

// useAttenuationAVX512 selects attenuationAVX512 for whole blocks of eight
// points. It gives math.Tanh's bits only where math.Tanh is compiled
// without fused multiply-adds and math.Exp takes its FMA path (the
// standard library's useFMA: AVX and FMA, which every AVX-512 CPU has).
// Tests turn it off to compare.
var useAttenuationAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX && cpu.X86.HasFMA && !fma.Contracted

// attenuationAVX512 sets t[i] = 1 - math.Tanh(math.Abs(f[i])*inv) for
// i < 8*nblk, eight points at a time (attenuate_amd64.s): the operations of
// math.Tanh and of math.Exp's FMA path (exp_amd64.s) in their order, each
// branch on every lane and the lanes' results chosen by masks, so the
// results are math.Tanh's bits.
//
//go:noescape
func attenuationAVX512(t, f *float64, nblk int, inv, halfMaxLog float64)

// halfMaxLog is math.Tanh's bound 0.5*MAXLOG, the same constant
// expression (log(2**127)/2): above it tanh is ±1.
const halfMaxLog = 0.5 * 8.8029691931113054295988e+01

// attenuationVector does the leading whole blocks of eight points of
// attenuation and returns how many points it did.
func attenuationVector(t, f []float64, inv float64) int {
	nblk := len(f) / 8
	if !useAttenuationAVX512 || nblk == 0 {
		return 0
	}
	_ = t[8*nblk-1]
	attenuationAVX512(&t[0], &f[0], nblk, inv, halfMaxLog)
	return 8 * nblk
}

// selectScaledAVX512 sets, for i < 8*nblk,
//
//	out[i] = s[i] * (x[i] if |a[i]| > |b[i]| else y[i])
//
// comparing the bits of |a| and |b| as unsigned integers, as larger does
// (attenuate_amd64.s).
//
//go:noescape
func selectScaledAVX512(out, s, a, b, x, y *float64, nblk int)

// selectScaledVector does the leading whole blocks of eight of
// out[i] = s[i] * (x[i] if |a[i]| > |b[i]| else y[i]) over len(out) points
// (by absBits, as larger) and returns how many it did.
func selectScaledVector(out, s, a, b, x, y []float64) int {
	nblk := len(out) / 8
	if !useAttenuationAVX512 || nblk == 0 {
		return 0
	}
	n := 8 * nblk
	_, _, _, _, _ = s[n-1], a[n-1], b[n-1], x[n-1], y[n-1]
	selectScaledAVX512(&out[0], &s[0], &a[0], &b[0], &x[0], &y[0], nblk)
	return n
}
