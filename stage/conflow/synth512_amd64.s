//go:build !noasm

#include "textflag.h"

// AVX-512 version of synth_amd64.s's kernel: the same step, eight
// latitudes at once in Z registers, every lane performing exactly the
// scalar operations of laneRange in the same order (no fused
// multiply-add). Registers as in synth_amd64.s with Z for Y, and Z16 = m,
// Z17 = the sign mask (loop invariants held in registers); the sign flip
// is VPXORQ (AVX512F; VXORPD on Z registers needs AVX512DQ).
//
// blk points at a laneBlock: x, pm1, pm2 and the eight sums, each eight
// float64 (64 bytes). The step itself is synthstep.h's SYNTHSTEP.

#include "synthstep.h"

#define V2Z \
	VMULPD Z1, Z16, Z14; \
	VPXORQ Z17, Z14, Z14

#define SHIFTZ \
	VMOVAPD Z1, Z2; \
	VMOVAPD Z12, Z1

#define STEP512(S2OP, S4OP) SYNTHSTEP(S2OP, S4OP, V2Z, NOTHING, SHIFTZ, Z0, Z1, Z2, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

// The masked kernel's step: Z18, Z19 = the stored p(ll-1), p(ll-2), Z20 =
// each lane's start, Z21 = ll in every lane, Z22 = 1 in every lane.
// A lane runs its recurrence where ll > start (K1), as plm does.
#define MASKZ \
	VPCMPGTQ Z20, Z21, K1; \
	VMOVAPD Z1, K1, Z2; \
	VMOVAPD Z12, K1, Z1; \
	VMOVAPD.Z Z12, K1, Z12; \
	VPADDQ Z22, Z21, Z21

#define V2P \
	VMULPD Z18, Z16, Z14; \
	VPXORQ Z17, Z14, Z14

#define SHIFTP \
	VMOVAPD Z18, Z19; \
	VMOVAPD Z12, Z18

#define STEPM(S2OP, S4OP) SYNTHSTEP(S2OP, S4OP, V2P, MASKZ, SHIFTP, Z0, Z1, Z2, Z19, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

// func synthLanesAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)
TEXT ·synthLanesAVX512(SB), NOSPLIT, $0-72
	MOVQ blk+0(FP), AX
	MOVQ col+8(FP), BX
	MOVQ row+16(FP), SI
	MOVQ s+24(FP), DI
	MOVQ t+32(FP), R8
	MOVQ degree+40(FP), R9
	MOVQ degree1+48(FP), R10
	MOVQ pairs+64(FP), R11
	VBROADCASTSD fm+56(FP), Z16
	MOVQ $0x8000000000000000, R12
	VPBROADCASTQ R12, Z17
	VMOVUPD 0(AX), Z0
	VMOVUPD 64(AX), Z1
	VMOVUPD 128(AX), Z2
	VMOVUPD 192(AX), Z3
	VMOVUPD 256(AX), Z4
	VMOVUPD 320(AX), Z5
	VMOVUPD 384(AX), Z6
	VMOVUPD 448(AX), Z7
	VMOVUPD 512(AX), Z8
	VMOVUPD 576(AX), Z9
	VMOVUPD 640(AX), Z10
	XORQ CX, CX
	XORQ DX, DX
	TESTQ R11, R11
	JLE done

loop:
	STEP512(VADDPD, VSUBPD)
	STEP512(VSUBPD, VADDPD)
	DECQ R11
	JNZ loop

done:
	VMOVUPD Z1, 64(AX)
	VMOVUPD Z2, 128(AX)
	VMOVUPD Z3, 192(AX)
	VMOVUPD Z4, 256(AX)
	VMOVUPD Z5, 320(AX)
	VMOVUPD Z6, 384(AX)
	VMOVUPD Z7, 448(AX)
	VMOVUPD Z8, 512(AX)
	VMOVUPD Z9, 576(AX)
	VMOVUPD Z10, 640(AX)
	VZEROUPPER
	RET

// func synthLanesMaskedAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int)
//
// synthLanesAVX512 from blk.ll0 for lanes that may not yet be past their
// recurrence's start (blk.start): laneRange's loop from its first call,
// with the stored values p(ll-1), p(ll-2) (blk.p1, blk.p2) apart from the
// recurrence's pm1, pm2. A lane before its start keeps pm1, pm2, gets
// p = 0 and adds signed zeros to sums that are +0, which leaves them +0,
// as laneRange's skipped steps do.
TEXT ·synthLanesMaskedAVX512(SB), NOSPLIT, $0-72
	MOVQ blk+0(FP), AX
	MOVQ col+8(FP), BX
	MOVQ row+16(FP), SI
	MOVQ s+24(FP), DI
	MOVQ t+32(FP), R8
	MOVQ degree+40(FP), R9
	MOVQ degree1+48(FP), R10
	MOVQ pairs+64(FP), R11
	VBROADCASTSD fm+56(FP), Z16
	MOVQ $0x8000000000000000, R12
	VPBROADCASTQ R12, Z17
	MOVQ $1, R12
	VPBROADCASTQ R12, Z22
	VMOVUPD 0(AX), Z0
	VMOVUPD 64(AX), Z1
	VMOVUPD 128(AX), Z2
	VMOVUPD 192(AX), Z3
	VMOVUPD 256(AX), Z4
	VMOVUPD 320(AX), Z5
	VMOVUPD 384(AX), Z6
	VMOVUPD 448(AX), Z7
	VMOVUPD 512(AX), Z8
	VMOVUPD 576(AX), Z9
	VMOVUPD 640(AX), Z10
	VMOVUPD 704(AX), Z18
	VMOVUPD 768(AX), Z19
	VMOVDQU64 832(AX), Z20
	VPBROADCASTQ 896(AX), Z21
	XORQ CX, CX
	XORQ DX, DX
	TESTQ R11, R11
	JLE mdone

mloop:
	STEPM(VADDPD, VSUBPD)
	STEPM(VSUBPD, VADDPD)
	DECQ R11
	JNZ mloop

mdone:
	VMOVUPD Z1, 64(AX)
	VMOVUPD Z2, 128(AX)
	VMOVUPD Z3, 192(AX)
	VMOVUPD Z4, 256(AX)
	VMOVUPD Z5, 320(AX)
	VMOVUPD Z6, 384(AX)
	VMOVUPD Z7, 448(AX)
	VMOVUPD Z8, 512(AX)
	VMOVUPD Z9, 576(AX)
	VMOVUPD Z10, 640(AX)
	VMOVUPD Z18, 704(AX)
	VMOVUPD Z19, 768(AX)
	VZEROUPPER
	RET
