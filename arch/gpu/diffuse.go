package gpu

import (
	"math"
	"unsafe"

	"github.com/goft-sft/goft/model/diffusion"
)

// diffKernels are diffusion.Kernels on the device: the kernels of
// kernels/diffusion.cu, launched on the device thread. The subcycling, the
// PTL limit, the Euler substeps and the super-step stage loop are
// diffusion's (Stepper.AdvanceOn); so are the super steps' coefficients.
//
// The field b.f is rotated with the scratch arrays s1 and s2: an Euler
// substep writes s1, which becomes the field, and a super step keeps f as
// U(0) while its stages go to s1 and s2 (and, blocked, s3 and s4), the
// last of which becomes the field.
type diffKernels backend

// Run implements diffusion.Kernels: fn runs on the device thread, as one
// device call.
func (k *diffKernels) Run(fn func() error) error {
	b := (*backend)(k)
	b.call.fn = fn
	defer func() { b.call.fn = nil }()
	return b.d.run(func(b *backend) error { return b.call.fn() }, b)
}

// polesDiff launches diff_pole_sums for x: L's pole-row values into dpole.
func (b *backend) polesDiff(x devPtr) error {
	op := b.diff.Op
	return b.d.launch("diff_pole_sums", 2*b.nr, 1, poleThreads, 8*float64(8*b.nr*b.m.NPhiMain),
		b.args().geom(&b.g).ptr(b.coef, x).f64(op.PoleNorth, op.PoleSouth).ptr(b.dpole))
}

// PTLReductions implements diffusion.Kernels: L f into af with the
// largest |L f| (diff_apply_amax), then the smallest ratio (diff_ptl_min),
// both reduced on the device.
func (k *diffKernels) PTLReductions() (lmax, ratio float64, err error) {
	b := (*backend)(k)
	if err := b.d.launch("set_u64", 1, 1, 32, 0, b.args().ptr(b.accPTL).u64(0, maxBits)); err != nil {
		return 0, 0, err
	}
	if err := b.polesDiff(b.f); err != nil {
		return 0, 0, err
	}
	if err := b.d.launch("diff_apply_amax", blocks(b.n), 1, threads, 8*float64(b.ncoef+2*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole, b.af, b.accPTL)); err != nil {
		return 0, 0, err
	}
	if err := b.d.launch("diff_ptl_min", blocks(b.n), 1, threads, 8*float64(2*b.n), b.args().geom(&b.g).ptr(b.f, b.af, b.accPTL)); err != nil {
		return 0, 0, err
	}
	if err := b.d.dtoh(unsafe.Pointer(&b.accHost[0]), b.accPTL, 16); err != nil {
		return 0, 0, err
	}
	return math.Float64frombits(b.accHost[0]), math.Float64frombits(b.accHost[1]), nil
}

// EulerSubstep implements diffusion.Kernels: diff_fe writes f + h*L(f) to
// s1, which becomes the field.
func (k *diffKernels) EulerSubstep(h float64) error {
	b := (*backend)(k)
	if err := b.polesDiff(b.f); err != nil {
		return err
	}
	if err := b.d.launch("diff_fe", blocks(b.n), 1, threads, 8*float64(b.ncoef+2*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole).f64(h).ptr(b.s1)); err != nil {
		return err
	}
	b.f, b.s1 = b.s1, b.f
	return nil
}

// StartSuperStep implements diffusion.Kernels: diff_sts_init leaves
// y0 = tau*L(f) in y0 and U(1) in s1 (U(0) is the field). With blocked
// stages the super step's coefficient table is uploaded once per stage
// count.
func (k *diffKernels) StartSuperStep(st *diffusion.SuperStep) error {
	b := (*backend)(k)
	b.super = st
	if b.stsBlock > 1 && b.stsTables[st.N] == 0 {
		stc := make([]float64, 5*(st.N+1))
		for j := int64(2); j <= st.N; j++ {
			u, v := st.U[j], st.V[j]
			copy(stc[5*j:], []float64{u, v, 1 - u - v, st.UB[j], st.G[j]})
		}
		p, err := b.up(stc)
		if err != nil {
			return err
		}
		b.stsTables[st.N] = p
	}
	if err := b.polesDiff(b.f); err != nil {
		return err
	}
	if err := b.d.launch("diff_sts_init", blocks(b.n), 1, threads, 8*float64(b.ncoef+3*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole).f64(st.Tau, st.UB[1]).ptr(b.y0, b.s1)); err != nil {
		return err
	}
	b.ukm1, b.ukm2, b.stsLaunch = b.s1, b.f, 0
	return nil
}

// Stages implements diffusion.Kernels: with one launch per stage,
// diff_pole_sums then diff_sts_stage for each stage, stage 2 into s2 and
// later ones over U(j-2); blocked, one diff_sts_block launch for the
// count stages, which writes its last two stages alternately to (s2, s3)
// and (s1, s4), so that no launch writes an array it reads. ukm1 and ukm2
// then hold the last two stages.
func (k *diffKernels) Stages(first, count int64) error {
	b := (*backend)(k)
	st := b.super
	if b.stsBlock <= 1 {
		for j := first; j < first+count; j++ {
			if err := b.polesDiff(b.ukm1); err != nil {
				return err
			}
			out := b.ukm2
			if b.ukm2 == b.f {
				out = b.s2
			}
			u, v, w, ubtau, g := st.Stage(j)
			if err := b.d.launch("diff_sts_stage", blocks(b.n), 1, threads, 8*float64(b.ncoef+5*b.n),
				b.args().geom(&b.g).ptr(b.coef, b.dconst, b.ukm1, b.ukm2, b.f, b.y0, b.dpole).f64(u, v, w, ubtau, g).ptr(out)); err != nil {
				return err
			}
			b.ukm1, b.ukm2 = out, b.ukm1
		}
		return nil
	}
	m, sh := b.m, b.shape
	tilesJ := (m.NThetaMain - 2*sh.halo + sh.ownJ() - 1) / sh.ownJ()
	tilesK := (m.NPhiMain - 2 + sh.ownK() - 1) / sh.ownK()
	grid := 2*b.nr + b.nr*tilesJ*tilesK
	op := b.diff.Op
	o := [2][2]devPtr{{b.s2, b.s3}, {b.s1, b.s4}}[b.stsLaunch%2]
	if err := b.d.launch("diff_sts_block", grid, 1, stsThreads, 8*float64(b.ncoef+6*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.ukm1, b.ukm2, b.f, b.y0, b.stsTables[st.N]).ints(int(first), int(count)).f64(st.Tau, op.PoleNorth, op.PoleSouth).
			ptr(b.stsCap, o[0], o[1])); err != nil {
		return err
	}
	b.ukm1, b.ukm2 = o[0], o[1]
	b.stsLaunch++
	return nil
}

// EndSuperStep implements diffusion.Kernels: the array holding U(N), s1
// or s2, becomes the field.
func (k *diffKernels) EndSuperStep() error {
	b := (*backend)(k)
	if b.ukm1 == b.s1 {
		b.f, b.s1 = b.s1, b.f
	} else {
		b.f, b.s2 = b.s2, b.f
	}
	b.super = nil
	return nil
}

// StagesPerCall implements diffusion.Kernels: the stages of one
// diff_sts_block launch, or 1 when every stage is a launch of its own.
func (k *diffKernels) StagesPerCall() int64 { return int64(max(k.stsBlock, 1)) }
