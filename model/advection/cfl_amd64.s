//go:build !noasm

#include "textflag.h"

// AVX-512 forms of the Lax-Friedrichs speeds and the CFL column maxima of
// cfl.go, eight rows at a time. Magnitudes are compared as cfl.go's
// absBits does: the bits of |x| (sign bit cleared) as unsigned integers
// (VPMAXUQ), whose order is the order of the values with |NaN| above
// +Inf, so every maximum is the one the Go code finds. The CFL sum is
// formed with the Go code's rounded products, no fused multiply-add.

DATA advAbsMask<>+0(SB)/8, $0x7fffffffffffffff
GLOBL advAbsMask<>(SB), RODATA|NOPTR, $8

// func alphaPhiAVX512(ap *float64, v *[6]*float64, n int)
//
// ap[i] = the largest |v[c][i]|, c = 0..5, for i in [0, 8 n).
TEXT ·alphaPhiAVX512(SB), NOSPLIT, $0-24
	MOVQ ap+0(FP), AX
	MOVQ v+8(FP), BX
	MOVQ n+16(FP), CX
	MOVQ 0(BX), R8
	MOVQ 8(BX), R9
	MOVQ 16(BX), R10
	MOVQ 24(BX), R11
	MOVQ 32(BX), R12
	MOVQ 40(BX), R13
	VPBROADCASTQ advAbsMask<>(SB), Z15
	XORQ DX, DX
	TESTQ CX, CX
	JLE phiDone

phiLoop:
	VPANDQ (R8)(DX*1), Z15, Z0
	VPANDQ (R9)(DX*1), Z15, Z1
	VPANDQ (R10)(DX*1), Z15, Z2
	VPANDQ (R11)(DX*1), Z15, Z3
	VPANDQ (R12)(DX*1), Z15, Z4
	VPANDQ (R13)(DX*1), Z15, Z5
	VPMAXUQ Z1, Z0, Z0
	VPMAXUQ Z3, Z2, Z2
	VPMAXUQ Z5, Z4, Z4
	VPMAXUQ Z2, Z0, Z0
	VPMAXUQ Z4, Z0, Z0
	VMOVDQU64 Z0, (AX)(DX*1)
	ADDQ $64, DX
	DECQ CX
	JNZ phiLoop

phiDone:
	VZEROUPPER
	RET

// func alphaThetaAVX512(at, vt *float64, n int)
//
// at[j] = the largest |vt[i]|, i = j-2..j+3, for j in [2, 2+8 n); at and
// vt point at element 0.
TEXT ·alphaThetaAVX512(SB), NOSPLIT, $0-24
	MOVQ at+0(FP), AX
	MOVQ vt+8(FP), BX
	MOVQ n+16(FP), CX
	VPBROADCASTQ advAbsMask<>(SB), Z15
	XORQ DX, DX
	TESTQ CX, CX
	JLE thetaDone

thetaLoop:
	VPANDQ 0(BX)(DX*1), Z15, Z0
	VPANDQ 8(BX)(DX*1), Z15, Z1
	VPANDQ 16(BX)(DX*1), Z15, Z2
	VPANDQ 24(BX)(DX*1), Z15, Z3
	VPANDQ 32(BX)(DX*1), Z15, Z4
	VPANDQ 40(BX)(DX*1), Z15, Z5
	VPMAXUQ Z1, Z0, Z0
	VPMAXUQ Z3, Z2, Z2
	VPMAXUQ Z5, Z4, Z4
	VPMAXUQ Z2, Z0, Z0
	VPMAXUQ Z4, Z0, Z0
	VMOVDQU64 Z0, 16(AX)(DX*1)
	ADDQ $64, DX
	DECQ CX
	JNZ thetaLoop

thetaDone:
	VZEROUPPER
	RET

// func cflColumnAVX512(vt, vpw, vpe, dti, sti *float64, dpi float64, n int, out *[8]uint64)
//
// Sets out[l] to the largest, as absBits orders them, over the rows
// j = l mod 8 of
//
//	kv = max|vt[j], vt[j+1]| * dti[j] + (max|vpw[j], vpe[j]| * sti[j]) * dpi
//
// (kv >= 0 or NaN: its bits order as absBits does) over j in [0, 8 n),
// each product rounded; the pointers are at the first row.
TEXT ·cflColumnAVX512(SB), NOSPLIT, $0-64
	MOVQ vt+0(FP), R8
	MOVQ vpw+8(FP), R9
	MOVQ vpe+16(FP), R10
	MOVQ dti+24(FP), R11
	MOVQ sti+32(FP), R12
	VBROADCASTSD dpi+40(FP), Z14
	MOVQ n+48(FP), CX
	VPBROADCASTQ advAbsMask<>(SB), Z15
	VPXORQ Z6, Z6, Z6            // the running maximum (0: below every kv)
	XORQ DX, DX
	TESTQ CX, CX
	JLE cflDone

cflLoop:
	VPANDQ (R8)(DX*1), Z15, Z0
	VPANDQ 8(R8)(DX*1), Z15, Z1
	VPMAXUQ Z1, Z0, Z0           // max|vt[j], vt[j+1]|
	VPANDQ (R9)(DX*1), Z15, Z2
	VPANDQ (R10)(DX*1), Z15, Z3
	VPMAXUQ Z3, Z2, Z2           // max|vpw[j], vpe[j]|
	VMULPD (R11)(DX*1), Z0, Z0   // * dti[j]
	VMULPD (R12)(DX*1), Z2, Z2   // * sti[j]
	VMULPD Z14, Z2, Z2           // * dpi
	VADDPD Z2, Z0, Z0            // kv
	VPMAXUQ Z0, Z6, Z6
	ADDQ $64, DX
	DECQ CX
	JNZ cflLoop

cflDone:
	MOVQ out+56(FP), AX
	VMOVDQU64 Z6, (AX)
	VZEROUPPER
	RET
