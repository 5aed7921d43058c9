//go:build !noasm

#include "textflag.h"

// func fft4StageAVX2(w *float64, blocks, mmax int, tw *float64)
//
// One stage of fftTransform's butterflies (Numerical Recipes' four1) for
// four transforms interleaved value by value (w[4 i + k] is rp[i] of
// transform k, 1-based i), one Y register per rp[i] of the four, block
// by block (blk = 0, 2 mmax, ..; i = blk + m for m = 1, 3, .., mmax-1;
// k = i + mmax) with the twiddle factors tw[m-1], tw[m]. Each lane
// performs exactly fft4StageGo's operations in its order, without fused
// multiply-adds. Go operand order: VOP b, a, d is d = a OP b.
//
// blocks is ne/(2 mmax), at least 1; mmax is at least 2.
//
// Registers: DI = &w[4 (blk+1)], R8 = blocks left, R9 = mmax/2
// (butterflies per block), R10 = 32 mmax (bytes from i to k), R11 =
// 64 mmax (bytes per block), SI = &w[4 i], DX = &tw[m-1], CX =
// butterflies left in the block; Y6 = wr, Y7 = wi.
TEXT ·fft4StageAVX2(SB), NOSPLIT, $0-32
	MOVQ w+0(FP), DI
	ADDQ $32, DI
	MOVQ blocks+8(FP), R8
	MOVQ mmax+16(FP), R9
	MOVQ R9, R10
	SHLQ $5, R10
	MOVQ R10, R11
	SHLQ $1, R11
	SHRQ $1, R9                  // mmax/2 butterflies per block

blk:
	MOVQ DI, SI
	MOVQ tw+24(FP), DX
	MOVQ R9, CX

bfly:
	VBROADCASTSD (DX), Y6        // wr
	VBROADCASTSD 8(DX), Y7       // wi
	VMOVUPD (SI)(R10*1), Y0      // rp[k]
	VMOVUPD 32(SI)(R10*1), Y1    // rp[k+1]
	VMULPD Y0, Y6, Y8            // wr*rp[k]
	VMULPD Y1, Y7, Y9            // wi*rp[k+1]
	VSUBPD Y9, Y8, Y8            // tr
	VMULPD Y1, Y6, Y9            // wr*rp[k+1]
	VMULPD Y0, Y7, Y10           // wi*rp[k]
	VADDPD Y10, Y9, Y9           // ti
	VMOVUPD (SI), Y2             // rp[i]
	VMOVUPD 32(SI), Y3           // rp[i+1]
	VSUBPD Y8, Y2, Y0            // rp[i] - tr
	VSUBPD Y9, Y3, Y1            // rp[i+1] - ti
	VADDPD Y8, Y2, Y2            // rp[i] + tr
	VADDPD Y9, Y3, Y3            // rp[i+1] + ti
	VMOVUPD Y0, (SI)(R10*1)
	VMOVUPD Y1, 32(SI)(R10*1)
	VMOVUPD Y2, (SI)
	VMOVUPD Y3, 32(SI)
	ADDQ $64, SI
	ADDQ $16, DX
	DECQ CX
	JNZ bfly
	ADDQ R11, DI
	DECQ R8
	JNZ blk
	VZEROUPPER
	RET
