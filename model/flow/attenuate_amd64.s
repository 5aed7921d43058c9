//go:build !noasm

#include "textflag.h"

// The constants of math.Exp's amd64 assembly (exp_amd64.s, from Naoki
// Shibata's SLEEF: the reduction by ln 2 in two parts, the series of
// e^(x/16) and its fourth power) and of math.Tanh's rational form (the
// Cephes coefficients of tanh.go), the same literals.
#define LOG2E 1.4426950408889634073599246810018920
#define LN2U 0.69314718055966295651160180568695068359375
#define LN2L 0.28235290563031577122588448175013436025525412068e-12

DATA attenconst<>+0(SB)/8, $0.5
DATA attenconst<>+8(SB)/8, $1.0
DATA attenconst<>+16(SB)/8, $2.0
DATA attenconst<>+24(SB)/8, $1.6666666666666666667e-1
DATA attenconst<>+32(SB)/8, $4.1666666666666666667e-2
DATA attenconst<>+40(SB)/8, $8.3333333333333333333e-3
DATA attenconst<>+48(SB)/8, $1.3888888888888888889e-3
DATA attenconst<>+56(SB)/8, $1.9841269841269841270e-4
DATA attenconst<>+64(SB)/8, $2.4801587301587301587e-5
DATA attenconst<>+72(SB)/8, $LOG2E
DATA attenconst<>+80(SB)/8, $LN2U
DATA attenconst<>+88(SB)/8, $LN2L
DATA attenconst<>+96(SB)/8, $0.0625
DATA attenconst<>+104(SB)/8, $0.625
DATA attenconst<>+112(SB)/8, $-9.64399179425052238628e-1
DATA attenconst<>+120(SB)/8, $-9.92877231001918586564e1
DATA attenconst<>+128(SB)/8, $-1.61468768441708447952e3
DATA attenconst<>+136(SB)/8, $1.12811678491632931402e2
DATA attenconst<>+144(SB)/8, $2.23548839060100448583e3
DATA attenconst<>+152(SB)/8, $4.84406305325125486048e3
DATA attenconst<>+160(SB)/8, $0x7FFFFFFFFFFFFFFF
DATA attenconst<>+168(SB)/8, $0x3FF
GLOBL attenconst<>(SB), RODATA, $176

// func attenuationAVX512(t, f *float64, nblk int, inv, halfMaxLog float64)
//
// For eight points at a time, x = |f|*inv and
//
//	t = 1 - tanh(x), tanh as math.Tanh:
//	  a = |x| > halfMaxLog:  tanh = ±1 (the sign of x)
//	  a >= 0.625:            s = exp(2a) (math.Exp's FMA path), tanh = ±(1 - 2/(s+1))
//	  otherwise:             s = x*x, tanh = x + ((x*s)*(((P0*s+P1)*s)+P2)) / ((((s+Q0)*s)+Q1)*s+Q2)
//
// Each branch runs on all lanes and the masks K1 (first case) and K2
// (first or second) pick the lanes' results. (math.Tanh returns x itself
// at x = 0, where the polynomial gives +0 for -0; 1 - tanh is 1 either
// way.) The exponent k of exp is in [2, 127] on the second case's lanes,
// so math.Exp's overflow and subnormal branches are never taken there.
//
// Registers: Z8..Z31 constants, Z0..Z7 the block.
TEXT ·attenuationAVX512(SB), NOSPLIT, $0-40
	MOVQ t+0(FP), DI
	MOVQ f+8(FP), SI
	MOVQ nblk+16(FP), CX
	LEAQ attenconst<>(SB), AX
	VBROADCASTSD inv+24(FP), Z30
	VBROADCASTSD halfMaxLog+32(FP), Z27
	VPBROADCASTQ 160(AX), Z31   // |.| mask
	VBROADCASTSD 8(AX), Z29     // 1
	VBROADCASTSD 16(AX), Z28    // 2
	VBROADCASTSD 104(AX), Z26   // 0.625
	VBROADCASTSD 72(AX), Z25    // LOG2E
	VBROADCASTSD 80(AX), Z24    // LN2U
	VBROADCASTSD 88(AX), Z23    // LN2L
	VBROADCASTSD 96(AX), Z22    // 1/16
	VBROADCASTSD 64(AX), Z21    // the series' coefficients
	VBROADCASTSD 56(AX), Z20
	VBROADCASTSD 48(AX), Z19
	VBROADCASTSD 40(AX), Z18
	VBROADCASTSD 32(AX), Z17
	VBROADCASTSD 24(AX), Z16
	VBROADCASTSD 0(AX), Z15
	VBROADCASTSD 112(AX), Z14   // P0, P1, P2
	VBROADCASTSD 120(AX), Z13
	VBROADCASTSD 128(AX), Z12
	VBROADCASTSD 136(AX), Z11   // Q0, Q1, Q2
	VBROADCASTSD 144(AX), Z10
	VBROADCASTSD 152(AX), Z9
	VPBROADCASTQ 168(AX), Z8    // exponent bias
	TESTQ CX, CX
	JLE  done

loop:
	VMOVUPD (SI), Z0
	VPANDQ  Z31, Z0, Z0         // math.Abs(f)
	VMULPD  Z30, Z0, Z0         // x = |f|*inv
	VPANDQ  Z31, Z0, Z1         // a = |x|
	VPANDNQ Z0, Z31, Z2         // the sign bit of x
	VCMPPD  $0x1e, Z27, Z1, K1  // a > halfMaxLog (ordered: not NaN)
	VCMPPD  $0x1d, Z26, Z1, K2  // a >= 0.625

	// The rational form, into Z7.
	VMULPD  Z0, Z0, Z3          // s = x*x
	VMULPD  Z3, Z14, Z4         // P0*s
	VADDPD  Z13, Z4, Z4
	VMULPD  Z3, Z4, Z4
	VADDPD  Z12, Z4, Z4         // ((P0*s+P1)*s)+P2
	VADDPD  Z11, Z3, Z5         // s+Q0
	VMULPD  Z3, Z5, Z5
	VADDPD  Z10, Z5, Z5
	VMULPD  Z3, Z5, Z5
	VADDPD  Z9, Z5, Z5          // (((s+Q0)*s+Q1)*s)+Q2
	VMULPD  Z3, Z0, Z7          // x*s
	VMULPD  Z4, Z7, Z7
	VDIVPD  Z5, Z7, Z7
	VADDPD  Z7, Z0, Z7          // x + ...

	// s = exp(2a), math.Exp's FMA path.
	VADDPD  Z1, Z1, Z3          // y = 2a (exact)
	VMULPD  Z3, Z25, Z4         // LOG2E*y
	VCVTPD2DQ Z4, Y5            // k, rounded to nearest
	VCVTDQ2PD Y5, Z4
	VFNMADD231PD Z24, Z4, Z3    // y - k*LN2U, fused
	VFNMADD231PD Z23, Z4, Z3    // - k*LN2L, fused
	VMULPD  Z22, Z3, Z3         // r = (y - k ln 2)/16
	VMOVAPD Z21, Z6
	VFMADD213PD Z20, Z3, Z6     // the series, fused steps
	VFMADD213PD Z19, Z3, Z6
	VFMADD213PD Z18, Z3, Z6
	VFMADD213PD Z17, Z3, Z6
	VFMADD213PD Z16, Z3, Z6
	VFMADD213PD Z15, Z3, Z6
	VFMADD213PD Z29, Z3, Z6
	VMULPD  Z6, Z3, Z3          // e^r - 1
	VADDPD  Z28, Z3, Z6         // squared four times: u = u*(u+2)
	VMULPD  Z6, Z3, Z3
	VADDPD  Z28, Z3, Z6
	VMULPD  Z6, Z3, Z3
	VADDPD  Z28, Z3, Z6
	VMULPD  Z6, Z3, Z3
	VADDPD  Z28, Z3, Z6
	VFMADD213PD Z29, Z6, Z3     // u*(u+2) + 1, fused
	VPMOVSXDQ Y5, Z6            // 2^k
	VPADDQ  Z8, Z6, Z6
	VPSLLQ  $52, Z6, Z6
	VMULPD  Z6, Z3, Z3          // s
	VADDPD  Z29, Z3, Z3         // s+1
	VDIVPD  Z3, Z28, Z3         // 2/(s+1)
	VSUBPD  Z3, Z29, Z3         // 1 - 2/(s+1)
	VPXORQ  Z2, Z3, Z3          // with the sign of x
	VMOVAPD Z3, K2, Z7

	VPXORQ  Z2, Z29, Z4         // ±1
	VMOVAPD Z4, K1, Z7
	VSUBPD  Z7, Z29, Z7         // 1 - tanh
	VMOVUPD Z7, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET

// func selectScaledAVX512(out, s, a, b, x, y *float64, nblk int)
//
// out = s * (|a| > |b| ? x : y), eight points at a time; |a| > |b| compares
// the bits of the magnitudes as unsigned integers (flows.go: larger).
TEXT ·selectScaledAVX512(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ s+8(FP), SI
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), BX
	MOVQ x+32(FP), DX
	MOVQ y+40(FP), R8
	MOVQ nblk+48(FP), CX
	MOVQ $0x7FFFFFFFFFFFFFFF, R9
	VPBROADCASTQ R9, Z31
	TESTQ CX, CX
	JLE  seldone

selloop:
	VPANDQ  (AX), Z31, Z0
	VPANDQ  (BX), Z31, Z1
	VPCMPUQ $6, Z1, Z0, K1    // |a| > |b| (NLE: greater, unsigned)
	VMOVUPD (R8), Z2
	VMOVUPD (DX), K1, Z2      // x where |a| is larger, else y
	VMULPD  (SI), Z2, Z2      // s * that
	VMOVUPD Z2, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, AX
	ADDQ $64, BX
	ADDQ $64, DX
	ADDQ $64, R8
	DECQ CX
	JNZ  selloop

seldone:
	VZEROUPPER
	RET
