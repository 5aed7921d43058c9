package diffusion

import (
	"math"
)

// This file holds the diffusion steppers once for every architecture: the
// subcycling (fixed or automatic by the PTL, with its cycle estimate and a
// hook after every subcycle), forward Euler and the RKL2/RKG2 super steps,
// written over Kernels, the few field operations an architecture supplies.
// The CPU's kernels are the Stepper's own (cpuKernels: the operator and the
// PTL scans on the worker pool, and the fused wavefront-blocked super-step
// stages of wavefront.go with their AVX2 forms); a GPU supplies device
// kernels (arch/gpu).

// Kernels are the operations on the field (all realizations, Gauss) that
// an architecture supplies to the steppers (Stepper.AdvanceOn). The
// architecture keeps the field and the scratch arrays; every kernel
// evaluates its expressions in the order of the CPU's (operator.go,
// fused.go, wavefront.go), so that every architecture gives the same bits.
// Errors are the architecture's (a failed launch); the CPU's kernels never
// fail.
type Kernels interface {
	// Run calls fn, which calls the other kernels, where the kernels can
	// run (on the CPU: here; a GPU: on its device's thread) and returns its
	// error. AdvanceOn calls it once per subcycle, so that an architecture
	// pays one hand-off per subcycle.
	Run(fn func() error) error
	// PTLReductions returns the reductions of HipFT's practical time-step
	// limit on the field f: lmax, the largest |L f| (Gauss/hr) over the
	// points where |f| > 1e-14 (any value <= 0 when there are none), and,
	// when lmax > 0, ratio, the smallest -du/dA (hours) over the four
	// neighbours of the interior points where |L f| = lmax and |f| >
	// 1e-14, with du the difference of f and dA that of L f between the
	// point and the neighbour, taken where du*dA < -1e-14
	// (math.MaxFloat64 when there is none).
	PTLReductions() (lmax, ratio float64, err error)
	// EulerSubstep sets the field to f + h*L(f), h in hours, the product
	// rounded before the sum.
	EulerSubstep(h float64) error
	// StartSuperStep begins super step st on the field f: U(0) = f, the
	// first stage U(1) = f + ub_1*y0 with y0 = tau*L(f), the product
	// rounded before the sum. st stays valid until EndSuperStep.
	StartSuperStep(st *SuperStep) error
	// Stages computes stages first..first+count-1 (first >= 2, count at
	// most StagesPerCall) of the current super step in order: stage j is
	// u*U(j-1) + v*U(j-2) + w*U(0) + ubtau*L(U(j-1)) + g*y0, with
	// (u, v, w, ubtau, g) = st.Stage(j), each product rounded and the
	// terms summed from the left.
	Stages(first, count int64) error
	// EndSuperStep makes the super step's last stage U(N) the field.
	EndSuperStep() error
	// StagesPerCall is the most stages one call of Stages takes: the
	// stages the architecture runs together (the CPU's wavefront block, a
	// GPU's stages per launch), at least 1.
	StagesPerCall() int64
}

// SuperStep is one RKL2 or RKG2 super step as the steppers hand it to an
// architecture's kernels.
type SuperStep struct {
	Tau float64 // the step (hours)
	N   int64   // the number of stages
	// U, V, UB and G are the recurrence coefficients u_j, v_j, ub_j and
	// g_j (dimensionless; 1-based: index 0 unused, len N+1) with HipFT's
	// arithmetic order (Coefficients).
	U, V, UB, G []float64

	args []stageArgs // index j = 2..N: stage j's coefficients as applied
}

// Stage returns the coefficients of stage j (2 <= j <= N) as the stage
// kernels apply them (see Kernels.Stages): u = u_j, v = v_j, w = 1-u-v,
// ubtau = ub_j*Tau (hours) and g = g_j.
func (st *SuperStep) Stage(j int64) (u, v, w, ubtau, g float64) {
	a := &st.args[j]
	return a.u, a.v, a.w, a.ubtau, a.g
}

// cycleState is the state of one AdvanceOn: the kernels, the call's step
// dt, the current subcycle tau and the time done (hours), the subcycle's
// number (from 1) and HipFT's cycle estimate.
type cycleState struct {
	k                Kernels
	dt, tau, elapsed float64
	cycle            int
	auto, done       bool
	estimate         int64
}

// AdvanceOn diffuses the field of kernels k over dt hours, exactly as
// HipFT's diffusion_step: fixed or automatic (PTL) subcycles, each one FE,
// RKL2 or RKG2 step, with hook (which may be nil) called after every
// subcycle, outside k.Run. It sets StagesUsed and CyclesUsed as Advance
// does and returns the kernels' first error.
func (s *Stepper) AdvanceOn(k Kernels, dt float64, hook CycleHook) error {
	c := &s.cycle
	*c = cycleState{k: k, dt: dt, auto: s.Subcycles == 0, estimate: int64(s.Subcycles)}
	defer func() { c.k = nil }()
	if !c.auto {
		c.tau = dt / float64(s.Subcycles)
	}
	for c.cycle = 1; ; c.cycle++ {
		c.done = false
		if err := k.Run(s.subcycleBody); err != nil {
			return err
		}
		c.elapsed += c.tau
		if hook != nil {
			hook(c.elapsed, c.estimate)
		}
		if !c.auto && c.cycle == s.Subcycles {
			c.done = true
		}
		if c.done {
			if c.auto {
				s.CyclesUsed = int64(c.cycle)
			}
			return nil
		}
	}
}

// subcycle is subcycle cycle.cycle of AdvanceOn (run by the kernels' Run):
// with automatic subcycles it first sets cycle.tau from the PTL (and
// cycle.done when the subcycle ends the call), then takes the step.
func (s *Stepper) subcycle() error {
	c := &s.cycle
	if c.auto {
		ptl, err := s.ptl(c.k, c.tau)
		if err != nil {
			return err
		}
		c.tau = ptl
		if c.elapsed+c.tau >= c.dt {
			c.tau = c.dt - c.elapsed
			c.done = true
		}
		if c.cycle == MaxAutoCycles-1 {
			c.tau = c.dt - c.elapsed
			c.done = true
		}
		c.estimate = int64(math.Ceil((c.dt - c.elapsed) / c.tau))
	}
	if s.Method == ForwardEuler {
		return s.stepFE(c.k, c.tau)
	}
	return s.stepSTS(c.k, c.tau)
}

// ptl is HipFT's practical time-step limit from the kernels' reductions:
// 0.95 times the smallest ratio, never below tauIn, and math.MaxFloat64
// when L f vanishes wherever |f| > 1e-14.
func (s *Stepper) ptl(k Kernels, tauIn float64) (float64, error) {
	lmax, ratio, err := k.PTLReductions()
	if err != nil {
		return 0, err
	}
	if !(lmax > 0) {
		return math.MaxFloat64, nil
	}
	ptl := ratio
	ptl *= 0.95
	if ptl < tauIn {
		ptl = tauIn
	}
	return ptl, nil
}

// stepFE takes ceil(tau/DtEuler) forward Euler substeps.
func (s *Stepper) stepFE(k Kernels, tau float64) error {
	n := int64(math.Ceil(tau / s.Op.DtEuler))
	s.StagesUsed = n
	h := tau / float64(n)
	for i := int64(0); i < n; i++ {
		if err := k.EulerSubstep(h); err != nil {
			return err
		}
	}
	return nil
}

// stepSTS takes one RKL2 or RKG2 super step of tau hours: the first stage,
// then stages 2..N in calls of at most k.StagesPerCall stages.
func (s *Stepper) stepSTS(k Kernels, tau float64) error {
	n := s.Stages(tau)
	s.StagesUsed = n
	st := s.superStep(n, tau)
	if err := k.StartSuperStep(st); err != nil {
		return err
	}
	per := k.StagesPerCall()
	for s0 := int64(2); s0 <= n; s0 += per {
		if err := k.Stages(s0, min(n+1-s0, per)); err != nil {
			return err
		}
	}
	return k.EndSuperStep()
}

// superStep fills the stepper's SuperStep for n stages of tau hours (the
// coefficients with HipFT's arithmetic order) and returns it.
func (s *Stepper) superStep(n int64, tau float64) *SuperStep {
	s.loadCoefficients(n)
	st := &s.super
	st.Tau, st.N = tau, n
	st.U, st.V, st.UB, st.G = s.uj[:n+1], s.vj[:n+1], s.ubj[:n+1], s.gj[:n+1]
	if int64(cap(st.args)) < n+1 {
		st.args = make([]stageArgs, 2*n+1)
	}
	st.args = st.args[:n+1]
	for j := int64(2); j <= n; j++ {
		u, v := st.U[j], st.V[j]
		st.args[j] = stageArgs{u: u, v: v, w: 1 - u - v, ubtau: st.UB[j] * tau, g: st.G[j]}
	}
	return st
}
