//go:build !noasm

#include "textflag.h"

DATA ptllanes<>+0(SB)/8, $0
DATA ptllanes<>+8(SB)/8, $1
DATA ptllanes<>+16(SB)/8, $2
DATA ptllanes<>+24(SB)/8, $3
DATA ptllanes<>+32(SB)/8, $4
DATA ptllanes<>+40(SB)/8, $5
DATA ptllanes<>+48(SB)/8, $6
DATA ptllanes<>+56(SB)/8, $7
GLOBL ptllanes<>(SB), RODATA, $64

// func ptlMaxAVX512(f, af *float64, nblk int, fmin float64, lanes *[8]float64, at *[8]int64) (ties uint64)
//
// For the points i < 8*nblk, lane l = i%8 keeps the largest |af[i]| where
// |f[i]| > fmin (ordered comparisons: NaN never counts), starting from -1,
// and the first point where it was found; bit l of the result is set when
// the lane found its largest value again after that (a tie).
//
// Registers: Z0 the lanes' largest |af|, Z1 their points, Z2 the current
// points, Z3 eight in every lane, Z10 fmin, Z11 the |.| mask; K3 the ties.
TEXT ·ptlMaxAVX512(SB), NOSPLIT, $0-56
	MOVQ f+0(FP), SI
	MOVQ af+8(FP), DI
	MOVQ nblk+16(FP), CX
	VBROADCASTSD fmin+24(FP), Z10
	MOVQ $0x7FFFFFFFFFFFFFFF, AX
	VPBROADCASTQ AX, Z11
	MOVQ $0xBFF0000000000000, AX // -1
	VPBROADCASTQ AX, Z0
	VPXORQ Z1, Z1, Z1
	VMOVDQU64 ptllanes<>(SB), Z2
	MOVQ $8, AX
	VPBROADCASTQ AX, Z3
	KXORW K3, K3, K3
	TESTQ CX, CX
	JLE  done

loop:
	VMOVUPD (SI), Z4
	VPANDQ  Z11, Z4, Z4
	VCMPPD  $0x1e, Z10, Z4, K1      // |f| > fmin
	VMOVUPD (DI), Z5
	VPANDQ  Z11, Z5, Z5
	VCMPPD  $0x1e, Z0, Z5, K1, K2   // and |af| above the lane's largest
	VCMPPD  $0x00, Z0, Z5, K1, K4   // and |af| equal to it
	VMOVAPD Z5, K2, Z0
	VMOVDQA64 Z2, K2, Z1
	KANDNW  K3, K2, K3              // a new largest value: no tie yet
	KORW    K4, K3, K3
	VPADDQ  Z3, Z2, Z2
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

done:
	MOVQ lanes+32(FP), AX
	VMOVUPD Z0, (AX)
	MOVQ at+40(FP), AX
	VMOVDQU64 Z1, (AX)
	KMOVW K3, AX
	MOVQ AX, ties+48(FP)
	VZEROUPPER
	RET
