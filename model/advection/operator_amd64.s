//go:build !noasm

#include "textflag.h"

// func operatorAVX2(n int, sth, ft, sti, dti, fpe, fpw, x, y, out *float64, dpi, ca, cb, cc float64, mode int)
//
// The advection operator of one column at 4*n consecutive rows j (every
// pointer at the first row's element; sth and ft are also read one row
// further), with the Go code's operations in its order and no fused
// multiply-add (see operatorColumnVector):
//
//	A = ((sth[j+1]*ft[j+1] - sth[j]*ft[j])*sti[j])*dti[j] + ((fpe[j]-fpw[j])*sti[j])*dpi
//	mode 0: out[j] = A
//	mode 1: out[j] = x[j] - cc*A
//	mode 2: out[j] = (ca*x[j] + cb*y[j]) - cc*A
//
// Registers: AX sth, BX ft, CX sti, DX dti, SI fpe, DI fpw, R8 x, R9 y,
// R10 out, R11 end offset (32*n), R12 current byte offset, R13 mode;
// Y12 dpi, Y13 ca, Y14 cb, Y15 cc (broadcast).
TEXT ·operatorAVX2(SB), NOSPLIT, $0-120
	MOVQ n+0(FP), R11
	SHLQ $5, R11
	MOVQ sth+8(FP), AX
	MOVQ ft+16(FP), BX
	MOVQ sti+24(FP), CX
	MOVQ dti+32(FP), DX
	MOVQ fpe+40(FP), SI
	MOVQ fpw+48(FP), DI
	MOVQ x+56(FP), R8
	MOVQ y+64(FP), R9
	MOVQ out+72(FP), R10
	VBROADCASTSD dpi+80(FP), Y12
	VBROADCASTSD ca+88(FP), Y13
	VBROADCASTSD cb+96(FP), Y14
	VBROADCASTSD cc+104(FP), Y15
	MOVQ mode+112(FP), R13
	XORQ R12, R12

oploop:
	CMPQ R12, R11
	JGE  opdone
	// A into Y8.
	VMOVUPD 8(AX)(R12*1), Y8
	VMULPD  8(BX)(R12*1), Y8, Y8
	VMOVUPD 0(AX)(R12*1), Y9
	VMULPD  0(BX)(R12*1), Y9, Y9
	VSUBPD  Y9, Y8, Y8
	VMOVUPD 0(CX)(R12*1), Y10
	VMULPD  Y10, Y8, Y8
	VMULPD  0(DX)(R12*1), Y8, Y8
	VMOVUPD 0(SI)(R12*1), Y9
	VSUBPD  0(DI)(R12*1), Y9, Y9
	VMULPD  Y10, Y9, Y9
	VMULPD  Y12, Y9, Y9
	VADDPD  Y9, Y8, Y8
	CMPQ R13, $1
	JEQ  opeuler
	JGT  opcombine
	VMOVUPD Y8, 0(R10)(R12*1)
	ADDQ $32, R12
	JMP  oploop

opeuler:
	VMULPD  Y15, Y8, Y8
	VMOVUPD 0(R8)(R12*1), Y9
	VSUBPD  Y8, Y9, Y9
	VMOVUPD Y9, 0(R10)(R12*1)
	ADDQ $32, R12
	JMP  oploop

opcombine:
	VMULPD  0(R8)(R12*1), Y13, Y9
	VMULPD  0(R9)(R12*1), Y14, Y11
	VADDPD  Y11, Y9, Y9
	VMULPD  Y15, Y8, Y8
	VSUBPD  Y8, Y9, Y9
	VMOVUPD Y9, 0(R10)(R12*1)
	ADDQ $32, R12
	JMP  oploop

opdone:
	VZEROUPPER
	RET
