//go:build !noasm

#include "textflag.h"

// AVX2 version of laneRange's loop for four latitudes at once, for the
// steps where every lane's recurrence runs and p(ll-1), p(ll-2) equal
// pm1, pm2. Every lane performs exactly the scalar operations of
// laneRange, in the same order and without fused multiply-adds, so the
// results are bit for bit those of the Go code.
//
// Registers: Y0 = x, Y1 = pm1, Y2 = pm2, Y3-Y10 = the sums (s1r, s1i,
// s2r, s2i, s3r, s3i, s4r, s4i), Y11-Y15 work. BX = col (element l),
// SI = row (element ll-1), DI = s, R8 = t (element l), R9 = degree,
// R10 = degree1 (element l), CX = steps done, DX = 2 CX (complex index),
// R11 = pairs left. AX = blk: x, pm1, pm2 and the eight sums, each at a
// stride of 64 bytes (laneBlock's eight lanes; this kernel uses the
// first four). Go operand order: VOP b, a, d is d = a OP b.
//
// One step (synthstep.h's SYNTHSTEP), for ll (l = ll-2):
//
//	Y12 = col[ll-1]*x*pm1 - row[ll-1]*pm2            pn
//	Y13 = l*pn/col[ll-1] - (l+1)*pm2/col[ll-2]       v1
//	Y14 = -(m*pm1)                                    v2
//	pm2, pm1 = pm1, pn
//	P1 = si v2, P6 = si v1, P3 = tr v1, P8 = tr v2, P2 = sr v2,
//	P5 = sr v1, P4 = ti v1, P7 = ti v2
//	s1r = s1r - P1 - P3      s2r = s2r S2OP (P3 - P1)
//	s3i = s3i + P6 + P8      s4i = s4i S4OP (P6 - P8)
//	s1i = s1i + P2 - P4      s2i = s2i S2OP (P2 + P4)
//	s3r = s3r + P5 - P7      s4r = s4r S4OP (P5 + P7)
//
// with S2OP, S4OP = +, - where l - m is even and -, + where it is odd.

DATA conflowSign<>+0(SB)/8, $0x8000000000000000
DATA conflowSign<>+8(SB)/8, $0x8000000000000000
DATA conflowSign<>+16(SB)/8, $0x8000000000000000
DATA conflowSign<>+24(SB)/8, $0x8000000000000000
GLOBL conflowSign<>(SB), RODATA|NOPTR, $32

#include "synthstep.h"

#define V2Y \
	VBROADCASTSD fm+56(FP), Y14; \
	VMULPD Y1, Y14, Y14; \
	VXORPD conflowSign<>(SB), Y14, Y14

#define SHIFTY \
	VMOVAPD Y1, Y2; \
	VMOVAPD Y12, Y1

#define STEP(S2OP, S4OP) SYNTHSTEP(S2OP, S4OP, V2Y, NOTHING, SHIFTY, Y0, Y1, Y2, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15)

// func synthLanesAVX2(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)
TEXT ·synthLanesAVX2(SB), NOSPLIT, $0-72
	MOVQ blk+0(FP), AX
	MOVQ col+8(FP), BX
	MOVQ row+16(FP), SI
	MOVQ s+24(FP), DI
	MOVQ t+32(FP), R8
	MOVQ degree+40(FP), R9
	MOVQ degree1+48(FP), R10
	MOVQ pairs+64(FP), R11
	VMOVUPD 0(AX), Y0
	VMOVUPD 64(AX), Y1
	VMOVUPD 128(AX), Y2
	VMOVUPD 192(AX), Y3
	VMOVUPD 256(AX), Y4
	VMOVUPD 320(AX), Y5
	VMOVUPD 384(AX), Y6
	VMOVUPD 448(AX), Y7
	VMOVUPD 512(AX), Y8
	VMOVUPD 576(AX), Y9
	VMOVUPD 640(AX), Y10
	XORQ CX, CX
	XORQ DX, DX
	TESTQ R11, R11
	JLE done

loop:
	STEP(VADDPD, VSUBPD)
	STEP(VSUBPD, VADDPD)
	DECQ R11
	JNZ loop

done:
	VMOVUPD Y1, 64(AX)
	VMOVUPD Y2, 128(AX)
	VMOVUPD Y3, 192(AX)
	VMOVUPD Y4, 256(AX)
	VMOVUPD Y5, 320(AX)
	VMOVUPD Y6, 384(AX)
	VMOVUPD Y7, 448(AX)
	VMOVUPD Y8, 512(AX)
	VMOVUPD Y9, 576(AX)
	VMOVUPD Y10, 640(AX)
	VZEROUPPER
	RET
