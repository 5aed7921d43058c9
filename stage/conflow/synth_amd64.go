//go:build !noasm

package conflow

import (
	"golang.org/x/sys/cpu"

	"github.com/goft-sft/goft/internal/fma"
)

// useAVX2 selects the AVX2 kernel of synth_amd64.s. It reproduces the Go
// code bit for bit only when the Go code is not compiled with fused
// multiply-adds, which the compiler emits from GOAMD64=v3 on, so it is
// used only below v3 (see fma_amd64*.go).
var useAVX2 = cpu.X86.HasAVX2 && !fma.Contracted

// synthLanesAVX2 runs 2 pairs steps of laneRange's loop for the four
// lanes of blk, all past their recurrence's start, from ll with l = ll-2
// and l - m even: col and s, t, degree and degree1 point at element l,
// row at element ll-1 (see synth_amd64.s).
//
//go:noescape
func synthLanesAVX2(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)

// useAVX512 selects the AVX-512 kernel of synth512_amd64.s (with
// useAVX2, whose no-fused-multiply-add condition it shares); a Generator
// made while it holds groups latitudes by eight.
var useAVX512 = cpu.X86.HasAVX512F

// synthLanesAVX512 is synthLanesAVX2 for the eight lanes of blk (see
// synth512_amd64.s).
//
//go:noescape
func synthLanesAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)

// synthLanesMaskedAVX512 is synthLanesAVX512 from blk.ll0 for lanes that
// may not yet be past their recurrence's start (see synth512_amd64.s).
//
//go:noescape
func synthLanesMaskedAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)
