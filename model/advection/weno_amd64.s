//go:build !noasm

#include "textflag.h"

// AVX2 and AVX-512 versions of wenoFlux over four (Y registers) or eight
// (Z registers) faces at a time. Every lane performs exactly the scalar
// operations of wenoFlux and the split fluxes, in the same order and
// without fused multiply-adds, so the results are bit for bit those of the
// Go code.
//
// Register use in every kernel: Y0-Y13 (Z0-Z13) work, Y14 (Z14) = 0.5,
// Y15 (Z15) = 4. The grid weights are twelve vectors in the order of the
// offsets below. The AVX2 kernels read them as memory operands at BX
// (4-lane vectors); the AVX-512 kernels hold them in Z16-Z27 in that
// order: wenoThetaAVX512 loads them for each block (8-lane vectors at
// twice the offsets), wenoPhiRingAVX512, whose weights are the same for
// every row, broadcasts them once. (wenoPhiRingAVX512 and phiSplitAVX512
// also use Z11-Z13 as work registers.)

#define CMCA 0
#define CCPA 32
#define PTA 64
#define MCTA 96
#define EPSA 128
#define CMCB 160
#define CCPB 192
#define MTB 224
#define CPTB 256
#define EPSB 288
#define OPA 320
#define OPB 352

// WENOCORE computes wenoFlux from nm2..n0 in x0-x2 and pm1..pp1 in x3-x5
// and leaves it in x7, in wenoFlux's order (Go operand order: VOP b, a, d
// is d = a OP b); x0-x10 are the work registers, four holds 4 in every
// lane and the other arguments are the weight operands:
//
//	x6 = opA*nm1 - cmcA*nm2                  p0m
//	x7 = cmcB*nm1 + ccpA*n0                  p1m
//	x8 = 4*((cmcA*(nm1-nm2))^2), x9 likewise with ccpA*(n0-nm1)   b0m, b1m
//	  (4*x by TIMES4: MUL4, or ADD4's (x+x)+(x+x), the same bits on the
//	  adders, which the multiplies leave idler: the phi kernel, bound by
//	  its multiplies, runs a quarter faster with it; the theta kernel,
//	  bound by its loads, a little slower)
//	x8 = (epsA+b0m)^2, x9 = (epsA+b1m)^2     q0, q1
//	x9 = pTA*q1, x8 = mcTA*q0                a0, a1
//	x6 = (a0*p0m + a1*p1m)/(a0 + a1)         um
//	the same for up with p0p, p1p, b0p, b1p, epsB, mTB, cpTB
//	x7 = up + um
#define WENOCORE(TIMES4, x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, four, cmcA, ccpA, pTA, mcTA, epsA, cmcB, ccpB, mTB, cpTB, epsB, opA, opB) \
	VMULPD opA, x1, x6; \
	VMULPD cmcA, x0, x7; \
	VSUBPD x7, x6, x6; \
	VMULPD cmcB, x1, x7; \
	VMULPD ccpA, x2, x8; \
	VADDPD x8, x7, x7; \
	VSUBPD x0, x1, x8; \
	VMULPD cmcA, x8, x8; \
	VMULPD x8, x8, x8; \
	TIMES4(x8, four); \
	VSUBPD x1, x2, x9; \
	VMULPD ccpA, x9, x9; \
	VMULPD x9, x9, x9; \
	TIMES4(x9, four); \
	VADDPD epsA, x8, x8; \
	VMULPD x8, x8, x8; \
	VADDPD epsA, x9, x9; \
	VMULPD x9, x9, x9; \
	VMULPD pTA, x9, x9; \
	VMULPD mcTA, x8, x8; \
	VMULPD x6, x9, x6; \
	VMULPD x7, x8, x7; \
	VADDPD x7, x6, x6; \
	VADDPD x8, x9, x9; \
	VDIVPD x9, x6, x6; \
	VMULPD opB, x4, x7; \
	VMULPD ccpB, x5, x8; \
	VSUBPD x8, x7, x7; \
	VMULPD ccpA, x4, x8; \
	VMULPD cmcB, x3, x9; \
	VADDPD x9, x8, x8; \
	VSUBPD x4, x5, x9; \
	VMULPD ccpB, x9, x9; \
	VMULPD x9, x9, x9; \
	TIMES4(x9, four); \
	VSUBPD x3, x4, x10; \
	VMULPD cmcB, x10, x10; \
	VMULPD x10, x10, x10; \
	TIMES4(x10, four); \
	VADDPD epsB, x9, x9; \
	VMULPD x9, x9, x9; \
	VADDPD epsB, x10, x10; \
	VMULPD x10, x10, x10; \
	VMULPD mTB, x10, x10; \
	VMULPD cpTB, x9, x9; \
	VMULPD x7, x10, x7; \
	VMULPD x8, x9, x8; \
	VADDPD x8, x7, x7; \
	VADDPD x9, x10, x10; \
	VDIVPD x10, x7, x7; \
	VADDPD x6, x7, x7         // up+um

// The flux on four lanes with the 4-lane weights at BX, and on eight lanes
// with the weights in Z16-Z27.
#define MUL4(x, four) VMULPD four, x, x
#define ADD4(x, four) VADDPD x, x, x; VADDPD x, x, x
#define WENOCORE_Y WENOCORE(MUL4, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y15, CMCA(BX), CCPA(BX), PTA(BX), MCTA(BX), EPSA(BX), CMCB(BX), CCPB(BX), MTB(BX), CPTB(BX), EPSB(BX), OPA(BX), OPB(BX))
#define WENOCORE_ZREG_ADD4 WENOCORE(ADD4, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z15, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)

// CONSTANTS sets half to 0.5 and four to 4 in every lane (Y14 and Y15, or
// Z14 and Z15).
#define CONSTANTS(half, four) \
	MOVQ $0x3FE0000000000000, AX; \
	MOVQ AX, X14; \
	VBROADCASTSD X14, half; \
	MOVQ $0x4010000000000000, AX; \
	MOVQ AX, X15; \
	VBROADCASTSD X15, four

// THETASPLIT computes the split fluxes of wenoThetaAVX2 (see there) for the
// faces at SI, DI and DX: nm2..n0 in x0-x2, pm1..pp1 in x3-x5, with x8,
// x9 and x11-x13 as scratch and half = 0.5. vt[j], at[j-1] and at[j],
// used twice each, are loaded once.
#define THETASPLIT(x0, x1, x2, x3, x4, x5, x8, x9, x11, x12, x13, half) \
	VMOVUPD 0(DI), x11        /* vt[j] */; \
	VMOVUPD -8(DX), x12       /* at[j-1] */; \
	VMOVUPD 0(DX), x13        /* at[j] */; \
	VMULPD -16(SI), half, x0  /* 0.5*f[j-2] */; \
	VMOVUPD -16(DI), x8; \
	VADDPD -16(DX), x8, x8    /* vt[j-2]+at[j-2] */; \
	VMULPD x8, x0, x0         /* nm2 */; \
	VMULPD -8(SI), half, x1   /* 0.5*f[j-1] */; \
	VSUBPD x12, x11, x9       /* vt[j]-at[j-1] */; \
	VMULPD x9, x1, x3         /* pm1 */; \
	VMOVUPD -8(DI), x8; \
	VADDPD x12, x8, x8        /* vt[j-1]+at[j-1] */; \
	VMULPD x8, x1, x1         /* nm1 */; \
	VMULPD 0(SI), half, x2    /* 0.5*f[j] */; \
	VMOVUPD 8(DI), x9; \
	VSUBPD x13, x9, x9        /* vt[j+1]-at[j] */; \
	VMULPD x9, x2, x4         /* p0 */; \
	VADDPD x13, x11, x8       /* vt[j]+at[j] */; \
	VMULPD x8, x2, x2         /* n0 */; \
	VMULPD 8(SI), half, x5    /* 0.5*f[j+1] */; \
	VMOVUPD 16(DI), x9; \
	VSUBPD 8(DX), x9, x9      /* vt[j+2]-at[j+1] */; \
	VMULPD x9, x5, x5         /* pp1 */

// func wenoThetaAVX2(ft, f, vt, at, w *float64, nblk int)
//
// ft, f, vt and at point at face/row j0; for nblk blocks of four faces
// j = j0.., ft[j] = wenoFlux with LN(i) = 0.5*f[i]*(vt[i]+at[i]) at
// i = j-2, j-1, j and LP(i) = 0.5*f[i]*(vt[i+1]-at[i]) at i = j-1, j, j+1;
// w holds 48 weights per block.
TEXT ·wenoThetaAVX2(SB), NOSPLIT, $0-48
	CONSTANTS(Y14, Y15)
	MOVQ ft+0(FP), R8
	MOVQ f+8(FP), SI
	MOVQ vt+16(FP), DI
	MOVQ at+24(FP), DX
	MOVQ w+32(FP), BX
	MOVQ nblk+40(FP), CX
	TESTQ CX, CX
	JLE thetaDone

thetaLoop:
	THETASPLIT(Y0, Y1, Y2, Y3, Y4, Y5, Y8, Y9, Y11, Y12, Y13, Y14)
	WENOCORE_Y
	VMOVUPD Y7, 0(R8)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $384, BX
	DECQ CX
	JNZ thetaLoop

thetaDone:
	VZEROUPPER
	RET

// func wenoThetaAVX512(ft, f, vt, at, w *float64, nblk int)
//
// wenoThetaAVX2 on nblk blocks of eight faces (AVX512F); w holds 96
// weights per block, twelve 8-lane vectors. The split fluxes are formed
// once per row, a block ahead, and shifted into place: for the faces
// j..j+7, n0 = LN(j..j+7) and p0 = LP(j..j+7) are whole blocks, and
// nm2, nm1, pm1 and pp1 come out of them and their neighbouring blocks by
// VALIGNQ (a data move: each split flux is the product wenoFlux takes,
// 0.5*f times the sum, as THETASPLIT forms it). The first block's
// predecessor is read from the eight rows before it (in the column
// before, which every interior column has); the loads a block ahead of
// the last block are masked to its first row (row ntm-1 and face ntm at
// most), so nothing past the column is read.
//
// Registers: Z28, Z29 LN of the previous and current block, Z30, Z31 LP
// of them; Z11, Z12 LN and LP of the next block; K2 the first row (the
// last block's masked loads, LDFIRST; the others load whole blocks,
// LDALL: a masked load is slower).
#define LDALL(off, reg, dst) VMOVUPD off(reg), dst
#define LDFIRST(off, reg, dst) VMOVUPD.Z off(reg), K2, dst
#define THETANEXT(LD) \
	LD(64, SI, Z6); \
	VMULPD Z6, Z14, Z6             /* 0.5*f */; \
	LD(64, DI, Z8); \
	LD(64, DX, Z9); \
	VADDPD Z9, Z8, Z10             /* vt+at */; \
	VMULPD Z10, Z6, Z11            /* LN */; \
	LD(72, DI, Z8); \
	VSUBPD Z9, Z8, Z10             /* vt[i+1]-at */; \
	VMULPD Z10, Z6, Z12            /* LP */

#define THETABLOCK(LD) \
	VMOVUPD 2*CMCA(BX), Z16; \
	VMOVUPD 2*CCPA(BX), Z17; \
	VMOVUPD 2*PTA(BX), Z18; \
	VMOVUPD 2*MCTA(BX), Z19; \
	VMOVUPD 2*EPSA(BX), Z20; \
	VMOVUPD 2*CMCB(BX), Z21; \
	VMOVUPD 2*CCPB(BX), Z22; \
	VMOVUPD 2*MTB(BX), Z23; \
	VMOVUPD 2*CPTB(BX), Z24; \
	VMOVUPD 2*EPSB(BX), Z25; \
	VMOVUPD 2*OPA(BX), Z26; \
	VMOVUPD 2*OPB(BX), Z27; \
	THETANEXT(LD); \
	VALIGNQ $6, Z28, Z29, Z0       /* nm2 */; \
	VALIGNQ $7, Z28, Z29, Z1       /* nm1 */; \
	VALIGNQ $7, Z30, Z31, Z3       /* pm1 */; \
	VALIGNQ $1, Z31, Z12, Z5       /* pp1 */; \
	WENOCORE(MUL4, Z0, Z1, Z29, Z3, Z31, Z5, Z6, Z7, Z8, Z9, Z10, Z15, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27); \
	VMOVUPD Z7, 0(R8); \
	VMOVAPD Z29, Z28; \
	VMOVAPD Z11, Z29; \
	VMOVAPD Z31, Z30; \
	VMOVAPD Z12, Z31; \
	ADDQ $64, SI; \
	ADDQ $64, DI; \
	ADDQ $64, DX; \
	ADDQ $64, R8; \
	ADDQ $768, BX

TEXT ·wenoThetaAVX512(SB), NOSPLIT, $0-48
	CONSTANTS(Z14, Z15)
	MOVQ ft+0(FP), R8
	MOVQ f+8(FP), SI
	MOVQ vt+16(FP), DI
	MOVQ at+24(FP), DX
	MOVQ w+32(FP), BX
	MOVQ nblk+40(FP), CX
	TESTQ CX, CX
	JLE theta8Done
	MOVQ $1, AX
	KMOVW AX, K2
	// The split fluxes of the eight rows before the first block, then of
	// the first block, as THETANEXT forms the next block's.
	SUBQ $128, SI
	SUBQ $128, DI
	SUBQ $128, DX
	THETANEXT(LDALL)
	VMOVAPD Z11, Z28
	VMOVAPD Z12, Z30
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	THETANEXT(LDALL)
	VMOVAPD Z11, Z29
	VMOVAPD Z12, Z31
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX

theta8Loop:
	CMPQ CX, $1
	JEQ  theta8Last
	THETABLOCK(LDALL)
	DECQ CX
	JMP  theta8Loop

theta8Last:
	THETABLOCK(LDFIRST)

theta8Done:
	VZEROUPPER
	RET

// PHISPLIT computes the split fluxes of wenoPhiAVX2 (see there) for the
// rows at SI, DX and DI (the column offsets in R8-R13): nm2..n0 in x0-x2,
// pm1..pp1 in x3-x5, with x8, x9 and x11-x13 as scratch and half = 0.5.
// vC, aB and aC, used twice each, are loaded once.
#define PHISPLIT(x0, x1, x2, x3, x4, x5, x8, x9, x11, x12, x13, half) \
	VMOVUPD (DI)(R10*1), x11      /* vC */; \
	VMOVUPD (DX)(R9*1), x12       /* aB */; \
	VMOVUPD (DX)(R10*1), x13      /* aC */; \
	VMULPD (SI)(R8*1), half, x0   /* 0.5*fA */; \
	VMOVUPD (DI)(R8*1), x8; \
	VADDPD (DX)(R8*1), x8, x8     /* vA+aA */; \
	VMULPD x8, x0, x0             /* nm2 */; \
	VMULPD (SI)(R9*1), half, x1   /* 0.5*fB */; \
	VSUBPD x12, x11, x9           /* vC-aB */; \
	VMULPD x9, x1, x3             /* pm1 */; \
	VMOVUPD (DI)(R9*1), x8; \
	VADDPD x12, x8, x8            /* vB+aB */; \
	VMULPD x8, x1, x1             /* nm1 */; \
	VMULPD (SI)(R10*1), half, x2  /* 0.5*fC */; \
	VMOVUPD (DI)(R12*1), x9; \
	VSUBPD x13, x9, x9            /* vC1-aC */; \
	VMULPD x9, x2, x4             /* p0 */; \
	VADDPD x13, x11, x8           /* vC+aC */; \
	VMULPD x8, x2, x2             /* n0 */; \
	VMULPD (SI)(R11*1), half, x5  /* 0.5*fD */; \
	VMOVUPD (DI)(R13*1), x9; \
	VSUBPD (DX)(R11*1), x9, x9    /* vD1-aD */; \
	VMULPD x9, x5, x5             /* pp1 */

// OFFSETS loads the element offsets at BX into R8-R13 as byte offsets.
#define OFFSETS \
	MOVQ 0(BX), R8; \
	MOVQ 8(BX), R9; \
	MOVQ 16(BX), R10; \
	MOVQ 24(BX), R11; \
	MOVQ 32(BX), R12; \
	MOVQ 40(BX), R13; \
	SHLQ $3, R8; \
	SHLQ $3, R9; \
	SHLQ $3, R10; \
	SHLQ $3, R11; \
	SHLQ $3, R12; \
	SHLQ $3, R13

// func wenoPhiAVX2(fp, f, al, v *float64, off *[6]int, w *float64, nblk int)
//
// For nblk blocks of four rows j = 0.., with the element offsets
// off = [A, B, C, D, C1, D1] of the stencil's columns:
// fp[j] = wenoFlux of
// LN = 0.5*f[X+j]*(v[X+j]+al[X+j]) at X = A, B, C and
// LP = 0.5*f[B+j]*(v[C+j]-al[B+j]), 0.5*f[C+j]*(v[C1+j]-al[C+j]),
// 0.5*f[D+j]*(v[D1+j]-al[D+j]); w holds the 48 broadcast weights.
TEXT ·wenoPhiAVX2(SB), NOSPLIT, $0-56
	CONSTANTS(Y14, Y15)
	MOVQ fp+0(FP), AX
	MOVQ f+8(FP), SI
	MOVQ al+16(FP), DX
	MOVQ v+24(FP), DI
	MOVQ off+32(FP), BX
	OFFSETS
	MOVQ w+40(FP), BX
	MOVQ nblk+48(FP), CX
	TESTQ CX, CX
	JLE phiDone

phiLoop:
	PHISPLIT(Y0, Y1, Y2, Y3, Y4, Y5, Y8, Y9, Y11, Y12, Y13, Y14)
	WENOCORE_Y
	VMOVUPD Y7, (AX)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, AX
	DECQ CX
	JNZ phiLoop

phiDone:
	VZEROUPPER
	RET

// func phiSplitAVX512(ln, lp, f, al, v, v1 *float64, nblk int)
//
// The split fluxes of one column for the phi faces, on nblk blocks of
// eight rows (AVX512F): ln[i] = (0.5*f[i])*(v[i]+al[i]) and
// lp[i] = (0.5*f[i])*(v1[i]-al[i]), where v is vp at the column's own face
// and v1 at the next face, the products PHISPLIT forms (the same
// operations, the same bits): the ring's first three columns at the start
// of a run of faces (wenoPhiRingAVX512 forms the next ones).
TEXT ·phiSplitAVX512(SB), NOSPLIT, $0-56
	MOVQ $0x3FE0000000000000, AX
	MOVQ AX, X14
	VBROADCASTSD X14, Z14
	MOVQ ln+0(FP), R8
	MOVQ lp+8(FP), R9
	MOVQ f+16(FP), SI
	MOVQ al+24(FP), DX
	MOVQ v+32(FP), DI
	MOVQ v1+40(FP), R10
	MOVQ nblk+48(FP), CX
	TESTQ CX, CX
	JLE splitDone

splitLoop:
	VMULPD (SI), Z14, Z0  // 0.5*f
	VMOVUPD (DX), Z3      // al
	VMOVUPD (DI), Z1
	VADDPD Z3, Z1, Z1     // v+al
	VMULPD Z1, Z0, Z1     // LN
	VMOVUPD (R10), Z2
	VSUBPD Z3, Z2, Z2     // v1-al
	VMULPD Z2, Z0, Z2     // LP
	VMOVUPD Z1, (R8)
	VMOVUPD Z2, (R9)
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	ADDQ $64, R10
	DECQ CX
	JNZ splitLoop

splitDone:
	VZEROUPPER
	RET

// func wenoPhiRingAVX512(fp, f, al, v *float64, vstride int, ring *float64, lpOff int, slots *[4]int, w *float64, nblk int)
//
// wenoPhiAVX2's flux at face k, eight rows at a time (AVX512F), from a
// ring of split fluxes carried across the faces: on nblk
// blocks of eight rows, it forms the split fluxes LN and LP of stencil
// column k+1 from f, al and v (vp at the column's face; v+vstride at the
// next face), as phiSplitAVX512 does, stores them in the ring and sets
// fp = wenoFlux of nm2, nm1, n0 = LN of columns k-2, k-1, k and pm1, p0,
// pp1 = LP of columns k-1, k, k+1. The ring's LN of a column is at ring
// plus the column's slot offset (slots: columns k-2, k-1, k, k+1), its LP
// lpOff further; the 48 weights are at w. Forming the split fluxes here,
// not in a pass of their own, hides the loads of the new column behind
// the arithmetic.
TEXT ·wenoPhiRingAVX512(SB), NOSPLIT, $0-80
	CONSTANTS(Z14, Z15)
	MOVQ fp+0(FP), AX
	MOVQ f+8(FP), SI
	MOVQ al+16(FP), DX
	MOVQ v+24(FP), DI
	MOVQ vstride+32(FP), R8
	SHLQ $3, R8
	MOVQ ring+40(FP), R9
	MOVQ lpOff+48(FP), R10
	SHLQ $3, R10
	ADDQ R9, R10
	MOVQ slots+56(FP), BX
	MOVQ 0(BX), R11
	MOVQ 8(BX), R12
	MOVQ 16(BX), R13
	MOVQ 24(BX), CX
	SHLQ $3, R11
	SHLQ $3, R12
	SHLQ $3, R13
	SHLQ $3, CX
	MOVQ w+64(FP), BX
	VBROADCASTSD CMCA(BX), Z16
	VBROADCASTSD CCPA(BX), Z17
	VBROADCASTSD PTA(BX), Z18
	VBROADCASTSD MCTA(BX), Z19
	VBROADCASTSD EPSA(BX), Z20
	VBROADCASTSD CMCB(BX), Z21
	VBROADCASTSD CCPB(BX), Z22
	VBROADCASTSD MTB(BX), Z23
	VBROADCASTSD CPTB(BX), Z24
	VBROADCASTSD EPSB(BX), Z25
	VBROADCASTSD OPA(BX), Z26
	VBROADCASTSD OPB(BX), Z27
	MOVQ CX, BX
	MOVQ nblk+72(FP), CX
	TESTQ CX, CX
	JLE ring8Done

ring8Loop:
	VMULPD (SI), Z14, Z11     // 0.5*f
	VMOVUPD (DX), Z12         // al
	VMOVUPD (DI), Z13
	VADDPD Z12, Z13, Z13      // v+al
	VMULPD Z13, Z11, Z13      // LN of column k+1
	VMOVUPD (DI)(R8*1), Z5
	VSUBPD Z12, Z5, Z5        // v1-al
	VMULPD Z5, Z11, Z5        // LP of column k+1: pp1
	VMOVUPD Z13, (R9)(BX*1)
	VMOVUPD Z5, (R10)(BX*1)
	VMOVUPD (R9)(R11*1), Z0   // nm2
	VMOVUPD (R9)(R12*1), Z1   // nm1
	VMOVUPD (R9)(R13*1), Z2   // n0
	VMOVUPD (R10)(R12*1), Z3  // pm1
	VMOVUPD (R10)(R13*1), Z4  // p0
	WENOCORE_ZREG_ADD4
	VMOVUPD Z7, (AX)
	ADDQ $64, AX
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	ADDQ $64, R9
	ADDQ $64, R10
	DECQ CX
	JNZ ring8Loop

ring8Done:
	VZEROUPPER
	RET
