//go:build !noasm

#include "textflag.h"

// The history sums keep HipFT's serial order: each sum adds its terms one
// point after the other. The kernels below form eight points' terms at
// once (the products are independent of the order), then add them to the
// sums one by one, in the points' order, with scalar additions, moving
// each 128-bit chunk out of the vector (VEXTRACTF32X4, VPERMILPD: data
// moves; a buffer on the stack ran a fifth slower): the bits of the Go
// loops.

// LANES3(c) adds lanes 2c and 2c+1 of Z2, Z1, Z0 to X13, X14, X15, in
// that order (the 128-bit chunk c moved out; X4..X9 scratch).
#define LANES3(c) \
	VEXTRACTF32X4 $c, Z2, X4; \
	VEXTRACTF32X4 $c, Z1, X5; \
	VEXTRACTF32X4 $c, Z0, X6; \
	VADDSD X4, X13, X13; \
	VADDSD X5, X14, X14; \
	VADDSD X6, X15, X15; \
	VPERMILPD $1, X4, X7; \
	VPERMILPD $1, X5, X8; \
	VPERMILPD $1, X6, X9; \
	VADDSD X7, X13, X13; \
	VADDSD X8, X14, X14; \
	VADDSD X9, X15, X15

// LANES2(A, XA, B, XB, c) adds lanes 2c and 2c+1 of ZA and ZB (XA, XB:
// their low 128 bits) to X13 and X14; c = 0 reads them in place, c = 1..3
// moves chunk c out first (X4..X7 scratch).
#define LANES2(A, XA, B, XB, c) \
	VEXTRACTF32X4 $c, A, X4; \
	VEXTRACTF32X4 $c, B, X5; \
	VADDSD X4, X13, X13; \
	VADDSD X5, X14, X14; \
	VPERMILPD $1, X4, X6; \
	VPERMILPD $1, X5, X7; \
	VADDSD X6, X13, X13; \
	VADDSD X7, X14, X14
#define LANES2LOW(XA, XB) \
	VADDSD XA, X13, X13; \
	VADDSD XB, X14, X14; \
	VPERMILPD $1, XA, X6; \
	VPERMILPD $1, XB, X7; \
	VADDSD X6, X13, X13; \
	VADDSD X7, X14, X14
#define ADDLANES2(A, XA, B, XB) \
	LANES2LOW(XA, XB); \
	LANES2(A, XA, B, XB, 1); \
	LANES2(A, XA, B, XB, 2); \
	LANES2(A, XA, B, XB, 3)

// func momentsAVX512(v, sinA, cosA, at *float64, nblk int, cp, sp, dap float64, sums *[3]float64)
//
// For the points i < 8*nblk of a column, in order:
//
//	sums[0] += v*sinA*cp*dat*dap; sums[1] += v*sinA*sp*dat*dap; sums[2] += v*cosA*dat*dap
//
// (products left to right, dat = at[i]), as moments' loop.
TEXT ·momentsAVX512(SB), NOSPLIT, $0-72
	MOVQ v+0(FP), SI
	MOVQ sinA+8(FP), BX
	MOVQ cosA+16(FP), CX
	MOVQ at+24(FP), DX
	MOVQ nblk+32(FP), R8
	VBROADCASTSD cp+40(FP), Z10
	VBROADCASTSD sp+48(FP), Z11
	VBROADCASTSD dap+56(FP), Z12
	MOVQ sums+64(FP), DI
	VMOVSD 0(DI), X13
	VMOVSD 8(DI), X14
	VMOVSD 16(DI), X15
	TESTQ R8, R8
	JLE  mdone

mloop:
	VMOVUPD (SI), Z0
	VMOVUPD (DX), Z3
	VMULPD  (BX), Z0, Z1     // v*sinA
	VMULPD  Z10, Z1, Z2      // *cp
	VMULPD  Z3, Z2, Z2       // *dat
	VMULPD  Z12, Z2, Z2      // *dap
	VMULPD  Z11, Z1, Z1      // v*sinA*sp
	VMULPD  Z3, Z1, Z1
	VMULPD  Z12, Z1, Z1
	VMULPD  (CX), Z0, Z0     // v*cosA
	VMULPD  Z3, Z0, Z0
	VMULPD  Z12, Z0, Z0
	VADDSD X2, X13, X13
	VADDSD X1, X14, X14
	VADDSD X0, X15, X15
	VPERMILPD $1, X2, X7
	VPERMILPD $1, X1, X8
	VPERMILPD $1, X0, X9
	VADDSD X7, X13, X13
	VADDSD X8, X14, X14
	VADDSD X9, X15, X15
	LANES3(1)
	LANES3(2)
	LANES3(3)
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, CX
	ADDQ $64, DX
	DECQ R8
	JNZ  mloop

mdone:
	VMOVSD X13, 0(DI)
	VMOVSD X14, 8(DI)
	VMOVSD X15, 16(DI)
	VZEROUPPER
	RET

// LANES5LOW and LANES5(c) add lanes 2c and 2c+1 of pos (Z2), neg (Z1)
// and the areas (Z3) to fp (X13), fm (X14) and the cap's sums (X8, X9,
// X10), each sum in the points' order (X4..X7, X11, X15 scratch).
#define LANES5LOW(P, N, A) \
	VADDSD P, X13, X13; \
	VADDSD N, X14, X14; \
	VADDSD P, X8, X8; \
	VADDSD N, X9, X9; \
	VADDSD A, X10, X10; \
	VPERMILPD $1, P, X6; \
	VPERMILPD $1, N, X7; \
	VPERMILPD $1, A, X11; \
	VADDSD X6, X13, X13; \
	VADDSD X7, X14, X14; \
	VADDSD X6, X8, X8; \
	VADDSD X7, X9, X9; \
	VADDSD X11, X10, X10
#define LANES5(c) \
	VEXTRACTF32X4 $c, Z2, X4; \
	VEXTRACTF32X4 $c, Z1, X5; \
	VEXTRACTF32X4 $c, Z3, X15; \
	LANES5LOW(X4, X5, X15)

// func fluxRowsAVX512(v, at *float64, nblk int, dap float64, sums *[8]float64, cap int)
//
// For the points i < 8*nblk of a column's rows, in order, with
// fv = (v*dat)*dap split by its sign bit into pos and neg (the other +0):
//
//	sums[0] += pos; sums[1] += neg
//	cap 1 (north): sums[2] += pos; sums[3] += neg; sums[4] += dat*dap
//	cap 2 (south): sums[5] += pos; sums[6] += neg; sums[7] += dat*dap
//
// as fluxes' loop.
TEXT ·fluxRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ v+0(FP), SI
	MOVQ at+8(FP), DX
	MOVQ nblk+16(FP), R8
	VBROADCASTSD dap+24(FP), Z12
	MOVQ sums+32(FP), DI
	MOVQ cap+40(FP), R9
	MOVQ DI, R10              // the cap's sums: DI+16 (north) or DI+40 (south)
	ADDQ $16, R10
	CMPQ R9, $2
	JNE  fsums
	ADDQ $24, R10

fsums:
	VMOVSD 0(DI), X13
	VMOVSD 8(DI), X14
	VMOVSD 0(R10), X8
	VMOVSD 8(R10), X9
	VMOVSD 16(R10), X10
	TESTQ R8, R8
	JLE  fdone

floop:
	VMOVUPD (DX), Z3
	VMULPD  (SI), Z3, Z0     // v*dat
	VMULPD  Z12, Z0, Z0      // fv
	VPSRAQ  $63, Z0, Z1      // all ones where the sign bit is set
	VPANDNQ Z0, Z1, Z2       // pos
	VPANDQ  Z1, Z0, Z1       // neg
	TESTQ R9, R9
	JEQ  fmain
	VMULPD  Z12, Z3, Z3      // dat*dap
	LANES5LOW(X2, X1, X3)
	LANES5(1)
	LANES5(2)
	LANES5(3)
	JMP  fnext

fmain:
	ADDLANES2(Z2, X2, Z1, X1)

fnext:
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ R8
	JNZ  floop

fdone:
	VMOVSD X13, 0(DI)
	VMOVSD X14, 8(DI)
	TESTQ R9, R9
	JEQ  fret
	VMOVSD X8, 0(R10)
	VMOVSD X9, 8(R10)
	VMOVSD X10, 16(R10)

fret:
	VZEROUPPER
	RET

// func validationAVX512(v, ref *float64, nblk int, sums *[2]float64)
//
// For the points i < 8*nblk, in order, with g = ref[i] and d = v-g:
//
//	sums[0] += d*d; sums[1] += |v|*|g|
TEXT ·validationAVX512(SB), NOSPLIT, $0-32
	MOVQ v+0(FP), SI
	MOVQ ref+8(FP), DX
	MOVQ nblk+16(FP), R8
	MOVQ sums+24(FP), DI
	MOVQ $0x7FFFFFFFFFFFFFFF, AX
	VPBROADCASTQ AX, Z12
	VMOVSD 0(DI), X13
	VMOVSD 8(DI), X14
	TESTQ R8, R8
	JLE  vdone

vloop:
	VMOVUPD (SI), Z0
	VMOVUPD (DX), Z1
	VSUBPD  Z1, Z0, Z2       // d = v-g
	VMULPD  Z2, Z2, Z2
	VPANDQ  Z12, Z0, Z0
	VPANDQ  Z12, Z1, Z1
	VMULPD  Z1, Z0, Z0       // |v|*|g|
	ADDLANES2(Z2, X2, Z0, X0)
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ R8
	JNZ  vloop

vdone:
	VMOVSD X13, 0(DI)
	VMOVSD X14, 8(DI)
	VZEROUPPER
	RET

// func extremesAVX512(v *float64, nblk int, lanes *[24]float64)
//
// Per lane l (the points i%8 == l, i < 8*nblk, in order), starting from
// lanes[l], lanes[8+l], lanes[16+l]: the smallest value, the largest and
// the smallest magnitude, each replaced only by a strictly smaller (larger)
// one, as extremes does (VMINPD/VMAXPD take the second operand, the
// running value, on ties and NaN).
TEXT ·extremesAVX512(SB), NOSPLIT, $0-24
	MOVQ v+0(FP), SI
	MOVQ nblk+8(FP), R8
	MOVQ lanes+16(FP), DI
	MOVQ $0x7FFFFFFFFFFFFFFF, AX
	VPBROADCASTQ AX, Z12
	VMOVUPD 0(DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	TESTQ R8, R8
	JLE  edone

eloop:
	VMOVUPD (SI), Z3
	VMINPD  Z0, Z3, Z0       // v < lo ? v : lo
	VMAXPD  Z1, Z3, Z1       // v > hi ? v : hi
	VPANDQ  Z12, Z3, Z3
	VMINPD  Z2, Z3, Z2       // |v| < absLo ? |v| : absLo
	ADDQ $64, SI
	DECQ R8
	JNZ  eloop

edone:
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VZEROUPPER
	RET
