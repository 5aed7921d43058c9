package diffusion

import (
	"math"
	"time"
)

// cpuKernels are the CPU's Kernels: the operator and the PTL scans on the
// Stepper's worker pool, in place on the host field f of the current
// Advance, and the super-step stages in the wavefront's banded arrays
// (wavefront.go), blocks of stages sweeping the mesh together.
type cpuKernels struct {
	s  *Stepper
	f  []float64  // the field (set by Advance and PTL)
	st *SuperStep // the current super step
}

// Run implements Kernels: it calls fn.
func (c *cpuKernels) Run(fn func() error) error { return fn() }

// PTLReductions implements Kernels. It leaves L(f) in lbuf for a super
// step that follows.
func (c *cpuKernels) PTLReductions() (lmax, ratio float64, err error) {
	s, f := c.s, c.f
	s.Op.Apply(s.lbuf, f)
	s.lbufOf = &f[0]
	s.ptlF = f
	defer func() { s.ptlF = nil }()
	team := s.wave.team
	s.pool.For(team, s.bodyPTLMax)
	amax := -1.0
	for _, v := range s.ptlPart[:team] {
		amax = max(amax, v)
	}
	if !(amax > 0) {
		return amax, math.MaxFloat64, nil
	}
	s.ptlAmax = amax
	if ptl, ok := s.ptlMinAt(); ok {
		return amax, ptl, nil
	}
	s.pool.For(team, s.bodyPTLMin)
	ptl := math.MaxFloat64
	for _, v := range s.ptlPart[:team] {
		ptl = math.Min(v, ptl)
	}
	return amax, ptl, nil
}

// EulerSubstep implements Kernels: L(f) into lbuf, then f += h*L(f) in
// place.
func (c *cpuKernels) EulerSubstep(h float64) error {
	s, f := c.s, c.f
	s.Op.Apply(s.lbuf, f)
	s.lbufOf = nil
	s.feF, s.feH = f, h
	s.pool.Share(len(f), s.bodyFE)
	s.feF = nil
	return nil
}

// StartSuperStep implements Kernels: L(f) (unless PTL left it in lbuf),
// then stsInit sets up the banded start field, y0 and the first two
// stages.
func (c *cpuKernels) StartSuperStep(st *SuperStep) error {
	s, f := c.s, c.f
	c.st = st
	wf := s.wave
	if s.lbufOf != &f[0] {
		s.Op.Apply(s.lbuf, f)
	}
	s.lbufOf = nil // f is about to change
	wf.f, wf.lf, wf.tau, wf.ub1 = f, s.lbuf, st.Tau, st.UB[1]
	s.pool.Share(s.Op.NReal*s.Op.Mesh.NPhiMain, s.bodyInit)
	return nil
}

// Stages implements Kernels: one wavefront block of count stages.
func (c *cpuKernels) Stages(first, count int64) error {
	s := c.s
	wf := s.wave
	wf.s0 = first
	wf.args = c.st.args[first : first+count]
	tuned := wf.tuned()
	if tuned {
		wf.sharedBefore, wf.shared = wf.shared, wf.mode.next()
	}
	start := time.Now()
	s.pool.For(wf.team, s.bodyWave)
	if tuned {
		wf.mode.record(wf.shared, count, time.Since(start))
	}
	wf.rebalance()
	wf.args = nil
	return nil
}

// EndSuperStep implements Kernels: the last stage's banded array is
// copied back to f.
func (c *cpuKernels) EndSuperStep() error {
	s := c.s
	wf := s.wave
	wf.last = wf.bufs[c.st.N%2]
	s.pool.Share(s.Op.NReal*s.Op.Mesh.NPhiMain, s.bodyOut)
	wf.f, wf.lf, wf.last = nil, nil, nil
	c.st = nil
	return nil
}

// StagesPerCall implements Kernels: the wavefront's block.
func (c *cpuKernels) StagesPerCall() int64 { return c.s.wave.stages }
