// One step of laneRange's loop for the lanes of a vector register, shared
// by the AVX2 (synth_amd64.s, Y registers) and AVX-512 (synth512_amd64.s,
// Z registers) kernels, which pass their registers: X = x, PM1, PM2 = the
// recurrence's pm1, pm2, S1R .. S4I = the eight sums, W11 .. W15 work; W12
// holds pn once it is formed. The kernels differ in three places, passed
// as macros:
//   - MASK, right after pn: nothing, or (the masked kernel) the lanes not
//     yet past their recurrence's start keep pm1, pm2 and get pn = 0;
//   - V2 sets W14 = -(m*p(ll-1)) (AVX2 broadcasts m from the frame and
//     flips the sign from memory, AVX-512 holds both in registers);
//   - SHIFT moves p(ll-1), pn into p(ll-2), p(ll-1): the recurrence's
//     registers where they are the stored values (every lane past its
//     start), the masked kernel's own P1, P2 otherwise.
// Q2 is the register holding p(ll-2) for v1 (PM2, or the masked kernel's
// P2). See synth_amd64.s for the step's formulas and other registers.
#define NOTHING
#define SYNTHSTEP(S2OP, S4OP, V2, MASK, SHIFT, X, PM1, PM2, Q2, S1R, S1I, S2R, S2I, S3R, S3I, S4R, S4I, W11, W12, W13, W14, W15) \
	VBROADCASTSD 8(BX)(CX*8), W11; \
	VMULPD X, W11, W12; \
	VMULPD PM1, W12, W12; \
	VBROADCASTSD (SI)(CX*8), W13; \
	VMULPD PM2, W13, W13; \
	VSUBPD W13, W12, W12; \
	MASK; \
	VBROADCASTSD (R9)(CX*8), W13; \
	VMULPD W12, W13, W13; \
	VDIVPD W11, W13, W13; \
	VBROADCASTSD (R10)(CX*8), W11; \
	VMULPD Q2, W11, W11; \
	VBROADCASTSD (BX)(CX*8), W14; \
	VDIVPD W14, W11, W11; \
	VSUBPD W11, W13, W13; \
	V2; \
	SHIFT; \
	VBROADCASTSD 8(DI)(DX*8), W11; \
	VMULPD W14, W11, W12; \
	VMULPD W13, W11, W15; \
	VSUBPD W12, S1R, S1R; \
	VBROADCASTSD (R8)(DX*8), W11; \
	VMULPD W13, W11, W11; \
	VSUBPD W11, S1R, S1R; \
	VSUBPD W12, W11, W11; \
	S2OP W11, S2R, S2R; \
	VADDPD W15, S3I, S3I; \
	VBROADCASTSD (R8)(DX*8), W11; \
	VMULPD W14, W11, W11; \
	VADDPD W11, S3I, S3I; \
	VSUBPD W11, W15, W15; \
	S4OP W15, S4I, S4I; \
	VBROADCASTSD (DI)(DX*8), W11; \
	VMULPD W14, W11, W12; \
	VMULPD W13, W11, W15; \
	VADDPD W12, S1I, S1I; \
	VBROADCASTSD 8(R8)(DX*8), W11; \
	VMULPD W13, W11, W11; \
	VSUBPD W11, S1I, S1I; \
	VADDPD W11, W12, W12; \
	S2OP W12, S2I, S2I; \
	VADDPD W15, S3R, S3R; \
	VBROADCASTSD 8(R8)(DX*8), W11; \
	VMULPD W14, W11, W11; \
	VSUBPD W11, S3R, S3R; \
	VADDPD W11, W15, W15; \
	S4OP W15, S4R, S4R; \
	INCQ CX; \
	ADDQ $2, DX
