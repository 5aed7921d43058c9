//go:build !noasm

#include "textflag.h"

// AVX2 versions of wenoFlux over four faces at a time. Every lane performs
// exactly the scalar operations of wenoFlux and the split fluxes, in the
// same order and without fused multiply-adds, so the results are bit for
// bit those of the Go code.
//
// Register use in both kernels: Y0-Y10 work, Y14 = 0.5, Y15 = 4. The grid
// weights are memory operands at BX, twelve 4-lane vectors in the order of
// the offsets below.

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

// WENOCORE computes wenoFlux from nm2..n0 in Y0-Y2 and pm1..pp1 in Y3-Y5
// and leaves it in Y7, in wenoFlux's order (Go operand order: VOP b, a, d
// is d = a OP b):
//
//	Y6 = opA*nm1 - cmcA*nm2                  p0m
//	Y7 = cmcB*nm1 + ccpA*n0                  p1m
//	Y8 = 4*((cmcA*(nm1-nm2))^2), Y9 likewise with ccpA*(n0-nm1)   b0m, b1m
//	Y8 = (epsA+b0m)^2, Y9 = (epsA+b1m)^2     q0, q1
//	Y9 = pTA*q1, Y8 = mcTA*q0                a0, a1
//	Y6 = (a0*p0m + a1*p1m)/(a0 + a1)         um
//	the same for up with p0p, p1p, b0p, b1p, epsB, mTB, cpTB
//	Y7 = up + um
#define WENOCORE \
	VMULPD OPA(BX), Y1, Y6; \
	VMULPD CMCA(BX), Y0, Y7; \
	VSUBPD Y7, Y6, Y6; \
	VMULPD CMCB(BX), Y1, Y7; \
	VMULPD CCPA(BX), Y2, Y8; \
	VADDPD Y8, Y7, Y7; \
	VSUBPD Y0, Y1, Y8; \
	VMULPD CMCA(BX), Y8, Y8; \
	VMULPD Y8, Y8, Y8; \
	VMULPD Y15, Y8, Y8; \
	VSUBPD Y1, Y2, Y9; \
	VMULPD CCPA(BX), Y9, Y9; \
	VMULPD Y9, Y9, Y9; \
	VMULPD Y15, Y9, Y9; \
	VADDPD EPSA(BX), Y8, Y8; \
	VMULPD Y8, Y8, Y8; \
	VADDPD EPSA(BX), Y9, Y9; \
	VMULPD Y9, Y9, Y9; \
	VMULPD PTA(BX), Y9, Y9; \
	VMULPD MCTA(BX), Y8, Y8; \
	VMULPD Y6, Y9, Y6; \
	VMULPD Y7, Y8, Y7; \
	VADDPD Y7, Y6, Y6; \
	VADDPD Y8, Y9, Y9; \
	VDIVPD Y9, Y6, Y6; \
	VMULPD OPB(BX), Y4, Y7; \
	VMULPD CCPB(BX), Y5, Y8; \
	VSUBPD Y8, Y7, Y7; \
	VMULPD CCPA(BX), Y4, Y8; \
	VMULPD CMCB(BX), Y3, Y9; \
	VADDPD Y9, Y8, Y8; \
	VSUBPD Y4, Y5, Y9; \
	VMULPD CCPB(BX), Y9, Y9; \
	VMULPD Y9, Y9, Y9; \
	VMULPD Y15, Y9, Y9; \
	VSUBPD Y3, Y4, Y10; \
	VMULPD CMCB(BX), Y10, Y10; \
	VMULPD Y10, Y10, Y10; \
	VMULPD Y15, Y10, Y10; \
	VADDPD EPSB(BX), Y9, Y9; \
	VMULPD Y9, Y9, Y9; \
	VADDPD EPSB(BX), Y10, Y10; \
	VMULPD Y10, Y10, Y10; \
	VMULPD MTB(BX), Y10, Y10; \
	VMULPD CPTB(BX), Y9, Y9; \
	VMULPD Y7, Y10, Y7; \
	VMULPD Y8, Y9, Y8; \
	VADDPD Y8, Y7, Y7; \
	VADDPD Y9, Y10, Y10; \
	VDIVPD Y10, Y7, Y7; \
	VADDPD Y6, Y7, Y7         // up+um

#define CONSTANTS \
	MOVQ $0x3FE0000000000000, AX; \
	MOVQ AX, X14; \
	VBROADCASTSD X14, Y14; \
	MOVQ $0x4010000000000000, AX; \
	MOVQ AX, X15; \
	VBROADCASTSD X15, Y15

// func wenoThetaAVX2(ft, f, vt, at, w *float64, nblk int)
//
// ft, f, vt and at point at face/row j0; for nblk blocks of four faces
// j = j0.., ft[j] = wenoFlux with LN(i) = 0.5*f[i]*(vt[i]+at[i]) at
// i = j-2, j-1, j and LP(i) = 0.5*f[i]*(vt[i+1]-at[i]) at i = j-1, j, j+1;
// w holds 48 weights per block.
TEXT ·wenoThetaAVX2(SB), NOSPLIT, $0-48
	CONSTANTS
	MOVQ ft+0(FP), R8
	MOVQ f+8(FP), SI
	MOVQ vt+16(FP), DI
	MOVQ at+24(FP), DX
	MOVQ w+32(FP), BX
	MOVQ nblk+40(FP), CX
	TESTQ CX, CX
	JLE thetaDone

thetaLoop:
	VMULPD -16(SI), Y14, Y0   // 0.5*f[j-2]
	VMOVUPD -16(DI), Y8
	VADDPD -16(DX), Y8, Y8    // vt[j-2]+at[j-2]
	VMULPD Y8, Y0, Y0         // nm2
	VMULPD -8(SI), Y14, Y1    // 0.5*f[j-1]
	VMOVUPD 0(DI), Y9
	VSUBPD -8(DX), Y9, Y9     // vt[j]-at[j-1]
	VMULPD Y9, Y1, Y3         // pm1
	VMOVUPD -8(DI), Y8
	VADDPD -8(DX), Y8, Y8     // vt[j-1]+at[j-1]
	VMULPD Y8, Y1, Y1         // nm1
	VMULPD 0(SI), Y14, Y2     // 0.5*f[j]
	VMOVUPD 8(DI), Y9
	VSUBPD 0(DX), Y9, Y9      // vt[j+1]-at[j]
	VMULPD Y9, Y2, Y4         // p0
	VMOVUPD 0(DI), Y8
	VADDPD 0(DX), Y8, Y8      // vt[j]+at[j]
	VMULPD Y8, Y2, Y2         // n0
	VMULPD 8(SI), Y14, Y5     // 0.5*f[j+1]
	VMOVUPD 16(DI), Y9
	VSUBPD 8(DX), Y9, Y9      // vt[j+2]-at[j+1]
	VMULPD Y9, Y5, Y5         // pp1
	WENOCORE
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

// func wenoPhiAVX2(fp, f, al, v *float64, off *[6]int, w *float64, nblk int)
//
// For nblk blocks of four rows j = 0.., with the element offsets
// off = [A, B, C, D, C1, D1] of the stencil's columns:
// fp[C+j] = wenoFlux of
// LN = 0.5*f[X+j]*(v[X+j]+al[X+j]) at X = A, B, C and
// LP = 0.5*f[B+j]*(v[C+j]-al[B+j]), 0.5*f[C+j]*(v[C1+j]-al[C+j]),
// 0.5*f[D+j]*(v[D1+j]-al[D+j]); w holds the 48 broadcast weights.
TEXT ·wenoPhiAVX2(SB), NOSPLIT, $0-56
	CONSTANTS
	MOVQ fp+0(FP), AX
	MOVQ f+8(FP), SI
	MOVQ al+16(FP), DX
	MOVQ v+24(FP), DI
	MOVQ off+32(FP), BX
	MOVQ 0(BX), R8
	MOVQ 8(BX), R9
	MOVQ 16(BX), R10
	MOVQ 24(BX), R11
	MOVQ 32(BX), R12
	MOVQ 40(BX), R13
	SHLQ $3, R8
	SHLQ $3, R9
	SHLQ $3, R10
	SHLQ $3, R11
	SHLQ $3, R12
	SHLQ $3, R13
	MOVQ w+40(FP), BX
	MOVQ nblk+48(FP), CX
	TESTQ CX, CX
	JLE phiDone

phiLoop:
	VMULPD (SI)(R8*1), Y14, Y0   // 0.5*fA
	VMOVUPD (DI)(R8*1), Y8
	VADDPD (DX)(R8*1), Y8, Y8    // vA+aA
	VMULPD Y8, Y0, Y0            // nm2
	VMULPD (SI)(R9*1), Y14, Y1   // 0.5*fB
	VMOVUPD (DI)(R10*1), Y9
	VSUBPD (DX)(R9*1), Y9, Y9    // vC-aB
	VMULPD Y9, Y1, Y3            // pm1
	VMOVUPD (DI)(R9*1), Y8
	VADDPD (DX)(R9*1), Y8, Y8    // vB+aB
	VMULPD Y8, Y1, Y1            // nm1
	VMULPD (SI)(R10*1), Y14, Y2  // 0.5*fC
	VMOVUPD (DI)(R12*1), Y9
	VSUBPD (DX)(R10*1), Y9, Y9   // vC1-aC
	VMULPD Y9, Y2, Y4            // p0
	VMOVUPD (DI)(R10*1), Y8
	VADDPD (DX)(R10*1), Y8, Y8   // vC+aC
	VMULPD Y8, Y2, Y2            // n0
	VMULPD (SI)(R11*1), Y14, Y5  // 0.5*fD
	VMOVUPD (DI)(R13*1), Y9
	VSUBPD (DX)(R11*1), Y9, Y9   // vD1-aD
	VMULPD Y9, Y5, Y5            // pp1
	WENOCORE
	VMOVUPD Y7, (AX)(R10*1)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, AX
	DECQ CX
	JNZ phiLoop

phiDone:
	VZEROUPPER
	RET
