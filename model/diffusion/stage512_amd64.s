//go:build !noasm

#include "textflag.h"

// The AVX-512 band kernel: bandAVX2 (stage_amd64.s) eight rows at a time in
// ZMM registers, then one four-row block with the AVX2 macros and the last
// rows one at a time, with the same operations in the same order and no
// fused multiply-add, so the results are the bits of the Go loop. The
// registers are those of bandAVX2: the broadcasts and the sign mask are
// made in Z0..Z7, whose low halves Y0..Y7 the AVX2 macros use.

// WEIGHTS_Z and STAGE8 are WEIGHTS_Y and STAGE4 (stage_amd64.s) on eight
// rows (ZMM); VPXORQ flips the sign bit (AVX512F).
#define WEIGHTS_Z(off, offm, offc, offp) \
	VMOVUPD off(AX)(R12*1), Z8; \
	VMULPD  Z8, Z0, Z9; \
	VMULPD  Z8, Z9, Z9; \
	VMULPD  Z8, Z1, Z10; \
	VMULPD  Z8, Z10, Z10; \
	VMOVUPD off(BX)(R12*1), Z11; \
	VMOVUPD off(CX)(R12*1), Z12; \
	VADDPD  Z11, Z9, Z8; \
	VADDPD  Z12, Z8, Z8; \
	VADDPD  Z10, Z8, Z8; \
	VPXORQ  Z7, Z8, Z8; \
	VMULPD  off(DX)(R12*1), Z9, Z9; \
	VMULPD  offm(SI)(R12*1), Z11, Z11; \
	VADDPD  Z11, Z9, Z9; \
	VMULPD  offc(SI)(R12*1), Z8, Z8; \
	VADDPD  Z8, Z9, Z9; \
	VMULPD  offp(SI)(R12*1), Z12, Z12; \
	VADDPD  Z12, Z9, Z9; \
	VMULPD  off(DI)(R12*1), Z10, Z10; \
	VADDPD  Z10, Z9, Z9

#define STAGE8(off, offm, offc, offp) \
	WEIGHTS_Z(off, offm, offc, offp); \
	VMULPD  off(R10)(R12*1), Z2, Z8; \
	VMULPD  off(R11)(R12*1), Z3, Z10; \
	VADDPD  Z10, Z8, Z8; \
	VMULPD  off(R8)(R12*1), Z4, Z10; \
	VADDPD  Z10, Z8, Z8; \
	VMULPD  Z9, Z5, Z10; \
	VADDPD  Z10, Z8, Z8; \
	VMULPD  off(R9)(R12*1), Z6, Z10; \
	VADDPD  Z10, Z8, Z8; \
	VMOVUPD Z8, off(R11)(R12*1)

// The four-row and one-row forms, as in stage_amd64.s (macros do not cross
// files).
#define WEIGHTS_Y(off, offm, offc, offp) \
	VMOVUPD off(AX)(R12*1), Y8; \
	VMULPD  Y8, Y0, Y9; \
	VMULPD  Y8, Y9, Y9; \
	VMULPD  Y8, Y1, Y10; \
	VMULPD  Y8, Y10, Y10; \
	VMOVUPD off(BX)(R12*1), Y11; \
	VMOVUPD off(CX)(R12*1), Y12; \
	VADDPD  Y11, Y9, Y8; \
	VADDPD  Y12, Y8, Y8; \
	VADDPD  Y10, Y8, Y8; \
	VXORPD  Y7, Y8, Y8; \
	VMULPD  off(DX)(R12*1), Y9, Y9; \
	VMULPD  offm(SI)(R12*1), Y11, Y11; \
	VADDPD  Y11, Y9, Y9; \
	VMULPD  offc(SI)(R12*1), Y8, Y8; \
	VADDPD  Y8, Y9, Y9; \
	VMULPD  offp(SI)(R12*1), Y12, Y12; \
	VADDPD  Y12, Y9, Y9; \
	VMULPD  off(DI)(R12*1), Y10, Y10; \
	VADDPD  Y10, Y9, Y9

#define STAGE4(off, offm, offc, offp) \
	WEIGHTS_Y(off, offm, offc, offp); \
	VMULPD  off(R10)(R12*1), Y2, Y8; \
	VMULPD  off(R11)(R12*1), Y3, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  off(R8)(R12*1), Y4, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  Y9, Y5, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  off(R9)(R12*1), Y6, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMOVUPD Y8, off(R11)(R12*1)

#define WEIGHTS_1(off, offm, offc, offp) \
	VMOVSD  off(AX)(R12*1), X8; \
	VMULSD  X8, X0, X9; \
	VMULSD  X8, X9, X9; \
	VMULSD  X8, X1, X10; \
	VMULSD  X8, X10, X10; \
	VMOVSD  off(BX)(R12*1), X11; \
	VMOVSD  off(CX)(R12*1), X12; \
	VADDSD  X11, X9, X8; \
	VADDSD  X12, X8, X8; \
	VADDSD  X10, X8, X8; \
	VXORPD  X7, X8, X8; \
	VMULSD  off(DX)(R12*1), X9, X9; \
	VMULSD  offm(SI)(R12*1), X11, X11; \
	VADDSD  X11, X9, X9; \
	VMULSD  offc(SI)(R12*1), X8, X8; \
	VADDSD  X8, X9, X9; \
	VMULSD  offp(SI)(R12*1), X12, X12; \
	VADDSD  X12, X9, X9; \
	VMULSD  off(DI)(R12*1), X10, X10; \
	VADDSD  X10, X9, X9

#define STAGE1(off, offm, offc, offp) \
	WEIGHTS_1(off, offm, offc, offp); \
	VMULSD  off(R10)(R12*1), X2, X8; \
	VMULSD  off(R11)(R12*1), X3, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  off(R8)(R12*1), X4, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  X9, X5, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  off(R9)(R12*1), X6, X10; \
	VADDSD  X10, X8, X8; \
	VMOVSD  X8, off(R11)(R12*1)

// func bandAVX512(ncol, nrows, stride int, sti, c2, c4, x, u0, y0, out, a1s, a5s *float64, u, v, w, ubtau, gam float64)
//
// bandAVX2's contract (see stage_amd64.go: stageBandVector). R13 is the
// byte offset where the eight-row blocks end.
TEXT ·bandAVX512(SB), NOSPLIT, $0-136
	MOVQ nrows+8(FP), R13
	SHRQ $3, R13
	SHLQ $6, R13
	MOVQ sti+24(FP), AX
	MOVQ c2+32(FP), BX
	MOVQ c4+40(FP), CX
	MOVQ x+48(FP), R10
	MOVQ stride+16(FP), R14
	MOVQ R10, DX
	SUBQ R14, DX
	LEAQ -8(R10), SI
	LEAQ (R10)(R14*1), DI
	MOVQ u0+56(FP), R8
	MOVQ y0+64(FP), R9
	MOVQ out+72(FP), R11
	VBROADCASTSD u+96(FP), Z2
	VBROADCASTSD v+104(FP), Z3
	VBROADCASTSD w+112(FP), Z4
	VBROADCASTSD ubtau+120(FP), Z5
	VBROADCASTSD gam+128(FP), Z6
	MOVQ $0x8000000000000000, R14
	VPBROADCASTQ R14, Z7
	XORQ R15, R15

zcol:
	CMPQ R15, ncol+0(FP)
	JGE  zdone
	MOVQ a1s+80(FP), R14
	VBROADCASTSD (R14)(R15*8), Z0
	MOVQ a5s+88(FP), R14
	VBROADCASTSD (R14)(R15*8), Z1
	XORQ R12, R12

z8:
	CMPQ R12, R13
	JGE  z4
	STAGE8(0, 0, 8, 16)
	ADDQ $64, R12
	JMP  z8

z4:
	// One block of four rows if at least four are left.
	MOVQ nrows+8(FP), R14
	SHLQ $3, R14
	SUBQ $32, R14
	CMPQ R12, R14
	JGT  ztail
	STAGE4(0, 0, 8, 16)
	ADDQ $32, R12

ztail:
	MOVQ nrows+8(FP), R14
	SHLQ $3, R14
	CMPQ R12, R14
	JGE  znext
	STAGE1(0, 0, 8, 16)
	ADDQ $8, R12
	JMP  ztail

znext:
	MOVQ stride+16(FP), R14
	ADDQ R14, DX
	ADDQ R14, SI
	ADDQ R14, DI
	ADDQ R14, R8
	ADDQ R14, R9
	ADDQ R14, R10
	ADDQ R14, R11
	INCQ R15
	JMP  zcol

zdone:
	VZEROUPPER
	RET
