//go:build !noasm

#include "textflag.h"

// func couplingSumsAVX512(a *couplingArgs)
//
// couplingSum for a.blocks blocks of eight modes l (all thirteen
// neighbours in the sums), one Z register lane per mode: for k = 6 down
// to -6 (q = k+6), with c = the coupling (cr + i ci), x = the stage
// input at l+k and e = the rotation at l+k,
//
//	as = (cr*xsr - ci*xsi, cr*xsi + ci*xsr)    likewise at from xt
//	as = (asr*er - asi*ei, asr*ei + asi*er)    where a.e is set
//	sum += as                                  sums start at +0
//
// every lane with couplingSum's operations in its order, no fused
// multiply-add. Go operand order: VOP b, a, d is d = a OP b.
//
// couplingArgs: c at 0, stride at 8, x[0..3] at 16..40, e[0..1] at
// 48, 56, d[0..3] at 64..88, blocks at 96.
//
// Registers: AX = a, DX = stride (bytes between couplings q and q+1),
// R9 = 13 stride (from a real part to its imaginary part), R8 = the
// block's byte offset, CX = blocks left; within a block BX = &cr of q,
// SI, DI, R10, R11 = &x[0..3] at l+k, R12, R13 = &e re, im at l+k;
// Z0-Z3 the sums (S re, S im, T re, T im), Z4-Z16 work.

#define STARTBLOCK \
	MOVQ DX, BX; \
	IMULQ $12, BX; \
	ADDQ 0(AX), BX; \
	ADDQ R8, BX; \
	MOVQ 16(AX), SI; \
	LEAQ 96(SI)(R8*1), SI; \
	MOVQ 24(AX), DI; \
	LEAQ 96(DI)(R8*1), DI; \
	MOVQ 32(AX), R10; \
	LEAQ 96(R10)(R8*1), R10; \
	MOVQ 40(AX), R11; \
	LEAQ 96(R11)(R8*1), R11; \
	VPXORQ Z0, Z0, Z0; \
	VPXORQ Z1, Z1, Z1; \
	VPXORQ Z2, Z2, Z2; \
	VPXORQ Z3, Z3, Z3

#define PRODUCTS \
	VMOVUPD (BX), Z4; \
	VMOVUPD (BX)(R9*1), Z5; \
	VMOVUPD (SI), Z6; \
	VMOVUPD (DI), Z7; \
	VMOVUPD (R10), Z8; \
	VMOVUPD (R11), Z9; \
	VMULPD Z6, Z4, Z10; \
	VMULPD Z7, Z5, Z11; \
	VSUBPD Z11, Z10, Z10; \
	VMULPD Z7, Z4, Z11; \
	VMULPD Z6, Z5, Z12; \
	VADDPD Z12, Z11, Z11; \
	VMULPD Z8, Z4, Z12; \
	VMULPD Z9, Z5, Z13; \
	VSUBPD Z13, Z12, Z12; \
	VMULPD Z9, Z4, Z13; \
	VMULPD Z8, Z5, Z14; \
	VADDPD Z14, Z13, Z13

#define ROTATE \
	VMOVUPD (R12), Z4; \
	VMOVUPD (R13), Z5; \
	VMULPD Z4, Z10, Z14; \
	VMULPD Z5, Z11, Z15; \
	VSUBPD Z15, Z14, Z14; \
	VMULPD Z5, Z10, Z15; \
	VMULPD Z4, Z11, Z16; \
	VADDPD Z16, Z15, Z11; \
	VMOVAPD Z14, Z10; \
	VMULPD Z4, Z12, Z14; \
	VMULPD Z5, Z13, Z15; \
	VSUBPD Z15, Z14, Z14; \
	VMULPD Z5, Z12, Z15; \
	VMULPD Z4, Z13, Z16; \
	VADDPD Z16, Z15, Z13; \
	VMOVAPD Z14, Z12; \
	SUBQ $8, R12; \
	SUBQ $8, R13

#define ACCUMULATE \
	VADDPD Z10, Z0, Z0; \
	VADDPD Z11, Z1, Z1; \
	VADDPD Z12, Z2, Z2; \
	VADDPD Z13, Z3, Z3; \
	SUBQ DX, BX; \
	SUBQ $8, SI; \
	SUBQ $8, DI; \
	SUBQ $8, R10; \
	SUBQ $8, R11

#define QPLAIN PRODUCTS; ACCUMULATE
#define QROT PRODUCTS; ROTATE; ACCUMULATE

#define STORE \
	MOVQ 64(AX), BX; \
	VMOVUPD Z0, (BX)(R8*1); \
	MOVQ 72(AX), BX; \
	VMOVUPD Z1, (BX)(R8*1); \
	MOVQ 80(AX), BX; \
	VMOVUPD Z2, (BX)(R8*1); \
	MOVQ 88(AX), BX; \
	VMOVUPD Z3, (BX)(R8*1); \
	ADDQ $64, R8

TEXT ·couplingSumsAVX512(SB), NOSPLIT, $0-8
	MOVQ a+0(FP), AX
	MOVQ 8(AX), DX
	MOVQ DX, R9
	IMULQ $13, R9
	MOVQ 96(AX), CX
	XORQ R8, R8
	TESTQ CX, CX
	JLE done
	MOVQ 48(AX), R12
	TESTQ R12, R12
	JEQ plain

rotated:
	STARTBLOCK
	MOVQ 48(AX), R12
	LEAQ 96(R12)(R8*1), R12
	MOVQ 56(AX), R13
	LEAQ 96(R13)(R8*1), R13
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	QROT
	STORE
	DECQ CX
	JNZ rotated
	JMP done

plain:
	STARTBLOCK
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	QPLAIN
	STORE
	DECQ CX
	JNZ plain

done:
	VZEROUPPER
	RET
