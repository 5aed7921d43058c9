//go:build !noasm

#include "textflag.h"

// Register use of both kernels:
//
//	AX sti, BX c2, CX c4, DX xw, SI xc (at row j0-1), DI xe
//	R12 byte offset of the current row from j0, R13 end offset (32*n),
//	R14 scratch
//	Y0 a1, Y1 a5 (broadcast), Y7 sign bits (negation by XOR, as Go's -x)
//	Y8..Y13 temporaries (Y13: the centre value xc[j], loaded once for L
//	and the stage's u1 term)
//
// WEIGHTS computes y of some rows into V9 from the operands STI, C2, C4
// (the rows' sti, c2, c4), XW and XE (the west and east neighbours) and
// XM, XC, XP (xc[j-1], xc[j], xc[j+1]): memory operands at byte offset
// off from the row R12 (AT(reg, off); xc through SI, which points at row
// j0-1, so that xc[j-1], xc[j], xc[j+1] are at off, off+8, off+16), or
// registers (the AVX-512 kernel's aligned rows and shared weights). It
// overwrites V8, V10..V12 and leaves xc[j] in V13 (the stage reads
// u1 = xc[j] from there). The operations and their order are those of
// the scalar code, with no fused multiply-add:
//
//	w1 = (a1*s)*s; w5 = (a5*s)*s; w3 = -(((w1+w2)+w4)+w5)
//	y  = (((w1*xw + w2*xc[j-1]) + w3*xc[j]) + w4*xc[j+1]) + w5*xe
//
// It is written once for the three widths: MOV, MUL, ADD and XOR are the
// instructions and V0..V13 the registers of a width (WEIGHTS_Y: four
// rows in Y registers; STAGE1: one row, scalar SD instructions on the low
// lanes; the Z forms: eight rows in Z registers, where VPXORQ flips the
// sign, AVX512F).
#define WEIGHTS(MOV, MUL, ADD, XOR, V0, V1, V7, V8, V9, V10, V11, V12, V13, STI, C2, C4, XW, XM, XC, XP, XE) \
	MOV STI, V8; \
	MUL V8, V0, V9; \
	MUL V8, V9, V9; \
	MUL V8, V1, V10; \
	MUL V8, V10, V10; \
	MOV C2, V11; \
	MOV C4, V12; \
	ADD V11, V9, V8; \
	ADD V12, V8, V8; \
	ADD V10, V8, V8; \
	XOR V7, V8, V8; \
	MUL XW, V9, V9; \
	MUL XM, V11, V11; \
	ADD V11, V9, V9; \
	MOV XC, V13; \
	MUL V13, V8, V8; \
	ADD V8, V9, V9; \
	MUL XP, V12, V12; \
	ADD V12, V9, V9; \
	MUL XE, V10, V10; \
	ADD V10, V9, V9

// STAGE does the fused stage on the rows of WEIGHTS, storing into u2:
//
//	u2 = (((u*u1 + v*u2) + w*u0) + ubtau*y) + g*y0
//
// with u, v, w, ubtau, g (argument gam) broadcast in V2..V6 and U2, U0,
// Y0 the memory operands of u2, u0 and y0 (R11, R8, R9 in the kernels).
#define STAGE(MOV, MUL, ADD, XOR, V0, V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, STI, C2, C4, XW, XM, XC, XP, XE, U2, U0, Y0) \
	WEIGHTS(MOV, MUL, ADD, XOR, V0, V1, V7, V8, V9, V10, V11, V12, V13, STI, C2, C4, XW, XM, XC, XP, XE); \
	MUL V13, V2, V8; \
	MUL U2, V3, V10; \
	ADD V10, V8, V8; \
	MUL U0, V4, V10; \
	ADD V10, V8, V8; \
	MUL V9, V5, V10; \
	ADD V10, V8, V8; \
	MUL Y0, V6, V10; \
	ADD V10, V8, V8; \
	MOV V8, U2

// AT is the operand at byte offset off from row R12 of the column at reg.
#define AT(reg, off) off(reg)(R12*1)

// The operands of a column's rows at byte offset off (offm, offc, offp:
// xc[j-1], xc[j], xc[j+1] through SI), for the kernels' registers.
#define WEIGHTS_Y(off, offm, offc, offp) WEIGHTS(VMOVUPD, VMULPD, VADDPD, VXORPD, Y0, Y1, Y7, Y8, Y9, Y10, Y11, Y12, Y13, AT(AX, off), AT(BX, off), AT(CX, off), AT(DX, off), AT(SI, offm), AT(SI, offc), AT(SI, offp), AT(DI, off))
#define STAGE4(off, offm, offc, offp) STAGE(VMOVUPD, VMULPD, VADDPD, VXORPD, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, AT(AX, off), AT(BX, off), AT(CX, off), AT(DX, off), AT(SI, offm), AT(SI, offc), AT(SI, offp), AT(DI, off), AT(R11, off), AT(R8, off), AT(R9, off))
#define STAGE1(off, offm, offc, offp) STAGE(VMOVSD, VMULSD, VADDSD, VXORPD, X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, AT(AX, off), AT(BX, off), AT(CX, off), AT(DX, off), AT(SI, offm), AT(SI, offc), AT(SI, offp), AT(DI, off), AT(R11, off), AT(R8, off), AT(R9, off))

// STAGE8 is the stage on eight rows of one column with xc[j-1], xc[j],
// xc[j+1] in Z19, Z17 and Z20 (bandAVX512 forms them from aligned loads).
#define STAGE8 STAGE(VMOVUPD, VMULPD, VADDPD, VPXORQ, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, AT(AX, 0), AT(BX, 0), AT(CX, 0), AT(DX, 0), Z19, Z17, Z20, AT(DI, 0), AT(R11, 0), AT(R8, 0), AT(R9, 0))

// HALOS copies the column's first row of out (at R11) up bytes further
// and its last row down bytes further: into the halos of the neighbouring
// bands (stageBandVector). An offset of 0 copies the row onto itself,
// which leaves it as it is. R12 and R14 are scratch.
#define HALOS \
	MOVQ up+136(FP), R14; \
	MOVQ (R11), R12; \
	MOVQ R12, (R11)(R14*1); \
	MOVQ nrows+8(FP), R12; \
	LEAQ (R11)(R12*8), R12; \
	MOVQ down+144(FP), R14; \
	ADDQ R12, R14; \
	MOVQ -8(R12), R12; \
	MOVQ R12, -8(R14)

// func columnAVX2(n int, sti, c2, c4, xw, xc, xe, yc *float64, a1, a5 float64)
TEXT ·columnAVX2(SB), NOSPLIT, $0-80
	MOVQ n+0(FP), R13
	SHLQ $5, R13
	MOVQ sti+8(FP), AX
	MOVQ c2+16(FP), BX
	MOVQ c4+24(FP), CX
	MOVQ xw+32(FP), DX
	MOVQ xc+40(FP), SI
	MOVQ xe+48(FP), DI
	MOVQ yc+56(FP), R8
	VBROADCASTSD a1+64(FP), Y0
	VBROADCASTSD a5+72(FP), Y1
	VPCMPEQQ Y7, Y7, Y7
	VPSLLQ   $63, Y7, Y7
	XORQ     R12, R12

column8:
	LEAQ 64(R12), R14
	CMPQ R14, R13
	JGT  column4
	WEIGHTS_Y(0, 0, 8, 16)
	VMOVUPD Y9, 0(R8)(R12*1)
	WEIGHTS_Y(32, 32, 40, 48)
	VMOVUPD Y9, 32(R8)(R12*1)
	MOVQ R14, R12
	JMP  column8

column4:
	CMPQ R12, R13
	JGE  columndone
	WEIGHTS_Y(0, 0, 8, 16)
	VMOVUPD Y9, 0(R8)(R12*1)

columndone:
	VZEROUPPER
	RET

// func bandAVX2(ncol, nrows, stride int, sti, c2, c4, x, u0, y0, out, a1s, a5s *float64, u, v, w, ubtau, gam float64, up, down int)
//
// The fused stage on nrows rows (4 at a time, then the last nrows%4 one by
// one) of ncol consecutive columns of banded arrays
// whose column segments are stride bytes apart. x, u0, y0 and out point at
// the first row of the first column; a1s and a5s at the first column's
// factored weights. Per column the row loop runs STAGE4 (then STAGE1), with
// xw = x - stride, xc = x - 8, xe = x + stride and u1 = x; then every
// column pointer moves on by stride. R15 counts the columns. Before it
// moves on, a column's first row is copied up bytes and its last row down
// bytes further (where up or down is not 0): into the halos of the
// neighbouring bands.
TEXT ·bandAVX2(SB), NOSPLIT, $0-152
	MOVQ nrows+8(FP), R13
	SHRQ $2, R13
	SHLQ $5, R13
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
	VBROADCASTSD u+96(FP), Y2
	VBROADCASTSD v+104(FP), Y3
	VBROADCASTSD w+112(FP), Y4
	VBROADCASTSD ubtau+120(FP), Y5
	VBROADCASTSD gam+128(FP), Y6
	VPCMPEQQ Y7, Y7, Y7
	VPSLLQ   $63, Y7, Y7
	XORQ     R15, R15

bandcol:
	CMPQ R15, ncol+0(FP)
	JGE  banddone
	MOVQ a1s+80(FP), R14
	VBROADCASTSD (R14)(R15*8), Y0
	MOVQ a5s+88(FP), R14
	VBROADCASTSD (R14)(R15*8), Y1
	XORQ R12, R12

band8:
	LEAQ 64(R12), R14
	CMPQ R14, R13
	JGT  band4
	STAGE4(0, 0, 8, 16)
	STAGE4(32, 32, 40, 48)
	MOVQ R14, R12
	JMP  band8

band4:
	CMPQ R12, R13
	JGE  bandtail
	STAGE4(0, 0, 8, 16)
	ADDQ $32, R12

bandtail:
	MOVQ nrows+8(FP), R14
	SHLQ $3, R14
	CMPQ R12, R14
	JGE  bandnext
	STAGE1(0, 0, 8, 16)
	ADDQ $8, R12
	JMP  bandtail

bandnext:
	HALOS
	MOVQ stride+16(FP), R14
	ADDQ R14, DX
	ADDQ R14, SI
	ADDQ R14, DI
	ADDQ R14, R8
	ADDQ R14, R9
	ADDQ R14, R10
	ADDQ R14, R11
	INCQ R15
	JMP  bandcol

banddone:
	VZEROUPPER
	RET

// WEIGHTS_S and STAGE_S are WEIGHTS_Y and STAGE4 with stored weights: w1,
// w2, w4, w5 are loaded from AX, BX, CX, R10 (the operator's C1, C2, C4,
// C5 at the current column), and u1 is the centre of xc (offc(SI), loaded
// once into Y13):
//
//	w3 = -(((w1+w2)+w4)+w5)
//	y  = (((w1*xw + w2*xc[j-1]) + w3*xc[j]) + w4*xc[j+1]) + w5*xe
//	u2 = (((u*u1 + v*u2) + w*u0) + ubtau*y) + g*y0
#define WEIGHTS_S(off, offm, offc, offp) \
	VMOVUPD off(AX)(R12*1), Y9; \
	VMOVUPD off(BX)(R12*1), Y11; \
	VMOVUPD off(CX)(R12*1), Y12; \
	VMOVUPD off(R10)(R12*1), Y10; \
	VADDPD  Y11, Y9, Y8; \
	VADDPD  Y12, Y8, Y8; \
	VADDPD  Y10, Y8, Y8; \
	VXORPD  Y7, Y8, Y8; \
	VMULPD  off(DX)(R12*1), Y9, Y9; \
	VMULPD  offm(SI)(R12*1), Y11, Y11; \
	VADDPD  Y11, Y9, Y9; \
	VMOVUPD offc(SI)(R12*1), Y13; \
	VMULPD  Y13, Y8, Y8; \
	VADDPD  Y8, Y9, Y9; \
	VMULPD  offp(SI)(R12*1), Y12, Y12; \
	VADDPD  Y12, Y9, Y9; \
	VMULPD  off(DI)(R12*1), Y10, Y10; \
	VADDPD  Y10, Y9, Y9

#define STAGE_S(off, offm, offc, offp) \
	WEIGHTS_S(off, offm, offc, offp); \
	VMULPD  Y13, Y2, Y8; \
	VMULPD  off(R11)(R12*1), Y3, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  off(R8)(R12*1), Y4, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  Y9, Y5, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMULPD  off(R9)(R12*1), Y6, Y10; \
	VADDPD  Y10, Y8, Y8; \
	VMOVUPD Y8, off(R11)(R12*1)

// WEIGHTS_S1 and STAGE_S1 are WEIGHTS_S and STAGE_S for the single row at
// byte offset off (scalar SD instructions, the same operations in the same
// order).
#define WEIGHTS_S1(off, offm, offc, offp) \
	VMOVSD  off(AX)(R12*1), X9; \
	VMOVSD  off(BX)(R12*1), X11; \
	VMOVSD  off(CX)(R12*1), X12; \
	VMOVSD  off(R10)(R12*1), X10; \
	VADDSD  X11, X9, X8; \
	VADDSD  X12, X8, X8; \
	VADDSD  X10, X8, X8; \
	VXORPD  X7, X8, X8; \
	VMULSD  off(DX)(R12*1), X9, X9; \
	VMULSD  offm(SI)(R12*1), X11, X11; \
	VADDSD  X11, X9, X9; \
	VMOVSD  offc(SI)(R12*1), X13; \
	VMULSD  X13, X8, X8; \
	VADDSD  X8, X9, X9; \
	VMULSD  offp(SI)(R12*1), X12, X12; \
	VADDSD  X12, X9, X9; \
	VMULSD  off(DI)(R12*1), X10, X10; \
	VADDSD  X10, X9, X9

#define STAGE_S1(off, offm, offc, offp) \
	WEIGHTS_S1(off, offm, offc, offp); \
	VMULSD  X13, X2, X8; \
	VMULSD  off(R11)(R12*1), X3, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  off(R8)(R12*1), X4, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  X9, X5, X10; \
	VADDSD  X10, X8, X8; \
	VMULSD  off(R9)(R12*1), X6, X10; \
	VADDSD  X10, X8, X8; \
	VMOVSD  X8, off(R11)(R12*1)

// func bandStoredAVX2(ncol, nrows, stride, wstride int, c1, c2, c4, c5, x, u0, y0, out *float64, u, v, w, ubtau, gam float64)
//
// bandAVX2 with stored weights: c1, c2, c4, c5 point at the first column's
// weights of the first row, and move on by wstride bytes a column (the
// data pointers by stride). Registers as bandAVX2's, except AX, BX, CX,
// R10 hold the weight pointers (u1 is read through SI).
TEXT ·bandStoredAVX2(SB), NOSPLIT, $0-136
	MOVQ nrows+8(FP), R13
	SHRQ $2, R13
	SHLQ $5, R13
	MOVQ c1+32(FP), AX
	MOVQ c2+40(FP), BX
	MOVQ c4+48(FP), CX
	MOVQ c5+56(FP), R10
	MOVQ x+64(FP), SI
	MOVQ stride+16(FP), R14
	MOVQ SI, DX
	SUBQ R14, DX
	LEAQ (SI)(R14*1), DI
	LEAQ -8(SI), SI
	MOVQ u0+72(FP), R8
	MOVQ y0+80(FP), R9
	MOVQ out+88(FP), R11
	VBROADCASTSD u+96(FP), Y2
	VBROADCASTSD v+104(FP), Y3
	VBROADCASTSD w+112(FP), Y4
	VBROADCASTSD ubtau+120(FP), Y5
	VBROADCASTSD gam+128(FP), Y6
	VPCMPEQQ Y7, Y7, Y7
	VPSLLQ   $63, Y7, Y7
	XORQ     R15, R15

storedcol:
	CMPQ R15, ncol+0(FP)
	JGE  storeddone
	XORQ R12, R12

stored8:
	LEAQ 64(R12), R14
	CMPQ R14, R13
	JGT  stored4
	STAGE_S(0, 0, 8, 16)
	STAGE_S(32, 32, 40, 48)
	MOVQ R14, R12
	JMP  stored8

stored4:
	CMPQ R12, R13
	JGE  storedtail
	STAGE_S(0, 0, 8, 16)
	ADDQ $32, R12

storedtail:
	MOVQ nrows+8(FP), R14
	SHLQ $3, R14
	CMPQ R12, R14
	JGE  storednext
	STAGE_S1(0, 0, 8, 16)
	ADDQ $8, R12
	JMP  storedtail

storednext:
	MOVQ stride+16(FP), R14
	ADDQ R14, DX
	ADDQ R14, SI
	ADDQ R14, DI
	ADDQ R14, R8
	ADDQ R14, R9
	ADDQ R14, R11
	MOVQ wstride+24(FP), R14
	ADDQ R14, AX
	ADDQ R14, BX
	ADDQ R14, CX
	ADDQ R14, R10
	INCQ R15
	JMP  storedcol

storeddone:
	VZEROUPPER
	RET

// The AVX-512 band kernel: bandAVX2 eight rows at a time in ZMM registers,
// then one four-row block with the AVX2 macros above and the last rows one
// at a time, with the same operations in the same order and no fused
// multiply-add, so the results are the bits of the Go loop. The registers
// are those of bandAVX2: the broadcasts and the sign mask are made in
// Z0..Z7, whose low halves Y0..Y7 the AVX2 macros use.

// func bandAVX512(ncol, nrows, stride int, sti, c2, c4, x, u0, y0, out, a1s, a5s *float64, u, v, w, ubtau, gam float64, up, down int)
//
// bandAVX2's contract (see stage_amd64.go: stageBandVector). R13 is the
// byte offset where the eight-row blocks end.
TEXT ·bandAVX512(SB), NOSPLIT, $0-152
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
	TESTQ R13, R13
	JEQ  z4
	VMOVUPD -64(R10), Z16     // xc[j-8..j-1] of the first block
	VMOVUPD (R10), Z17        // xc[j..j+7]

z8:
	// Z16, Z17, Z18: xc at rows j-8.., j.., j+8.. (R10 is xc at row j0,
	// so with the banded layout's alignment the loads are whole lines);
	// xc[j-1..j+6] and xc[j+1..j+8] are shifted out of them (VALIGNQ:
	// the data move, the arithmetic is STAGE8's).
	CMPQ R12, R13
	JGE  z4
	VMOVUPD 64(R10)(R12*1), Z18
	VALIGNQ $7, Z16, Z17, Z19
	VALIGNQ $1, Z17, Z18, Z20
	STAGE8
	VMOVUPD Z17, Z16
	VMOVUPD Z18, Z17
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
	HALOS
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

// func stsInitAVX512(f, lf, u0, b0, y0, b1 *float64, nblk int, tau, ub1 float64)
//
// For i < 8*nblk: y = tau*lf[i]; u0[i] = b0[i] = f[i]; y0[i] = y;
// b1[i] = f[i] + ub1*y (no fused multiply-add), as stsInit's loop.
TEXT ·stsInitAVX512(SB), NOSPLIT, $0-72
	MOVQ f+0(FP), SI
	MOVQ lf+8(FP), DX
	MOVQ u0+16(FP), R8
	MOVQ b0+24(FP), R9
	MOVQ y0+32(FP), R10
	MOVQ b1+40(FP), R11
	MOVQ nblk+48(FP), CX
	VBROADCASTSD tau+56(FP), Z10
	VBROADCASTSD ub1+64(FP), Z11
	TESTQ CX, CX
	JLE  sdone

sloop:
	VMOVUPD (SI), Z0
	VMULPD  (DX), Z10, Z1     // y = tau*lf
	VMOVUPD Z0, (R8)
	VMOVUPD Z0, (R9)
	VMOVUPD Z1, (R10)
	VMULPD  Z11, Z1, Z1       // ub1*y
	VADDPD  Z1, Z0, Z1        // f + ub1*y
	VMOVUPD Z1, (R11)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	ADDQ $64, R11
	DECQ CX
	JNZ  sloop

sdone:
	VZEROUPPER
	RET
