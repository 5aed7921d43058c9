package gpu

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/source"
)

// threads is the block size of the pointwise kernels; poleThreads that of
// the pole-sum kernels (one ring term per thread up to 1024 columns).
const (
	threads     = 256
	poleThreads = 1024
)

func blocks(n int) int { return (n + threads - 1) / threads }

// maxBits are the bits of math.MaxFloat64, the start of minimum reductions.
var maxBits = math.Float64bits(math.MaxFloat64)

// backend is run.Backend on a GPU. The field, velocities, coefficients and
// scratch arrays live on the device for the whole run; the host sees the
// field only through Download (outputs, sources, assimilation, checkpoints)
// and receives only the reduced history values, the time-step reductions
// and the non-finite check.
//
// Every method sends its device work to the device's thread as one call
// (a method expression with its arguments in b.call, see device.run); the
// host-side logic (subcycling decisions, coefficients) stays on the
// caller's goroutine where it calls back into the driver (the diffusion
// hook).
type backend struct {
	d  device
	m  *mesh.Mesh
	nr int
	n  int // points of all realizations
	g  geo

	f      devPtr // the field (the diffusion stepper rotates it with s1, s2)
	s1, s2 devPtr

	// Diffusion.
	diff           *diffusion.Stepper
	coef, y0, af   devPtr
	dconst         devPtr // per-realization constant coefficient, or 0 when D varies
	dpole          devPtr // L's pole-row values, 2 per realization
	accPTL         devPtr // PTL reductions: max |L f| and min ratio (bits)
	stages, cycles int64
	sts            map[int64]*stsCoef
	ncoef          int
	stsBlock       int      // stages per diff_sts_block launch; 1: one launch per stage
	shape          stsShape // the shape diff_sts_block was compiled for
	s3, s4, stsCap devPtr   // the blocked stages' second output pair and cap scratch

	// Advection and flows.
	adv              *advection.Advector
	weno             bool
	vt, vp, at, ap   devPtr
	fluxT, fluxP, f1 devPtr
	wT, wP, apole    devPtr
	accCFL           devPtr
	poleN, poleS     float64
	nvt, nvp         int
	flows            *flow.Flows
	base             *flow.Flows // the models alone (attenuation runs on the device)
	vt0, vp0, inv    devPtr

	// Analysis.
	an                                        *diag.Analyzer
	areaT, areaP, theta, sinA, cosA, cosP, sp devPtr
	ref                                       devPtr
	refHost                                   []float64
	refSet                                    []bool
	partial, sums                             devPtr
	sumsHost                                  []float64
	nb                                        int

	accNF   devPtr
	accHost [2]uint64

	// Sources (run.SourceBackend): the step's terms, the device copies of
	// their frames by Data slice, and a scratch sum for more than
	// srcTermsPerLaunch terms.
	srcTerms  []source.Term
	srcFrames map[*float64]*srcFrame
	srcAcc    devPtr

	// Data assimilation (run.AssimBackend): the map's observations, the
	// device arrays of its distinct weights, the increment, the new field
	// and the flux-balance scales.
	asmObs, asmDelta, asmOut, asmScale devPtr
	asmWeights                         []devPtr

	pending error // an error of a method that cannot return one (FlowStableDt)

	// karg is the argument list being built for the next launch (args).
	karg kernelArgs
	// call holds the arguments of the method running on the device thread
	// (see device.run).
	call deviceCall
}

// deviceCall holds the arguments a backend method passes to its part that
// runs on the device thread.
type deviceCall struct {
	host     []float64 // Upload, Download: the host field
	changed  bool      // UpdateFlows: the model velocity changed
	dt       float64   // Advect, Diffuse: the step (hours)
	tau      float64   // Diffuse: the subcycle (hours; the PTL's lower bound when automatic)
	elapsed  float64   // Diffuse: the time done of dt (hours)
	cycle    int       // Diffuse: the subcycle's number, from 1
	auto     bool      // Diffuse: automatic subcycles (PTL)
	done     bool      // Diffuse: the subcycle ends the step
	estimate int64     // Diffuse: the estimated number of subcycles
	hasRef   int       // Analyze: validation references were uploaded
	h        float64   // ApplySource: the step (hours)
}

// args returns the backend's launch argument list, emptied.
func (b *backend) args() *kernelArgs { return b.karg.reset() }

// stsCoef holds the coefficients of an n-stage super step; dev, for the
// blocked stages, is the device array of (u, v, 1-u-v, ub, g) per stage.
type stsCoef struct {
	uj, vj, ubj, gj []float64
	dev             devPtr
}

// newBackend prepares a backend on the host (prepareBackend) and sets it
// up on d (attach). The driver uploads the initial field.
func newBackend(d device, s *run.BackendSetup, opts Options) (*backend, error) {
	b, err := prepareBackend(s)
	if err != nil {
		return nil, err
	}
	if err := b.attach(d, opts); err != nil {
		return nil, err
	}
	return b, nil
}

// prepareBackend does the part of the backend's set-up that needs no
// device, so that Open's factory can do it while the device starts: with
// attenuation, the flow models' velocity (unattenuated) is kept apart, and
// when no model depends on time it is computed here, once (setup uploads
// it).
func prepareBackend(s *run.BackendSetup) (*backend, error) {
	b := &backend{m: s.Mesh, nr: s.NReal, n: s.Mesh.Size() * s.NReal,
		diff: s.Diffusion, adv: s.Advector, flows: s.Flows, an: s.Analyzer, sts: map[int64]*stsCoef{}}
	if s.Flows != nil && s.Flows.AttenuateValues != nil {
		var err error
		if b.base, err = flow.New(s.Mesh, s.NReal, s.Flows.Models, nil, nil); err != nil {
			return nil, err
		}
		if !b.base.EveryStep() {
			if _, err := b.base.Update(nil, s.Params.TimeStart); err != nil {
				return nil, err
			}
		}
	}
	return b, nil
}

// attach sets b up on device d: the blocked stages' shape (the one d's
// kernels were compiled for), then setup on d's thread, which allocates the
// device arrays and uploads the mesh, the coefficients and the constant
// data.
func (b *backend) attach(d device, opts Options) error {
	b.d = d
	b.shape = d.info().shape
	if b.shape == (stsShape{}) {
		b.shape = defaultSTSShape
	}
	b.stsBlock = opts.StagesPerLaunch
	if b.stsBlock <= 0 || b.stsBlock > b.shape.halo {
		b.stsBlock = b.shape.halo
	}
	if !b.shape.fits(b.m) {
		b.stsBlock = 1
	}
	return d.run((*backend).setup, b)
}

// up allocates a device copy of x.
func (b *backend) up(x []float64) (devPtr, error) {
	p, err := b.d.alloc(8 * len(x))
	if err != nil {
		return 0, err
	}
	return p, b.htod(p, x)
}

func (b *backend) htod(p devPtr, x []float64) error {
	if len(x) == 0 {
		return nil
	}
	return b.d.htod(p, unsafe.Pointer(&x[0]), 8*len(x))
}

func (b *backend) dtoh(x []float64, p devPtr) error {
	if len(x) == 0 {
		return nil
	}
	return b.d.dtoh(unsafe.Pointer(&x[0]), p, 8*len(x))
}

// allocs allocates zero-filled arrays of the given numbers of doubles.
func (b *backend) allocs(ps []*devPtr, ns []int) error {
	for i, p := range ps {
		var err error
		if *p, err = b.d.alloc(8 * ns[i]); err != nil {
			return err
		}
	}
	return nil
}

// setup runs on the device thread.
func (b *backend) setup() error {
	m := b.m
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	b.g = geo{uint64(ntm), uint64(nt), uint64(npm), uint64(np), uint64(b.nr)}
	for i, x := range [][]float64{m.DThetaHalfInv, m.DThetaInv, m.DPhiHalfInv, m.DPhiInv, m.DPhi, m.SinThetaInv, m.SinThetaHalf} {
		p, err := b.up(x)
		if err != nil {
			return err
		}
		b.g[5+i] = uint64(p)
	}
	if err := b.allocs([]*devPtr{&b.f, &b.accNF}, []int{b.n, 2}); err != nil {
		return err
	}

	if b.diff != nil {
		op := b.diff.Op
		b.ncoef = len(op.Coef)
		var err error
		if b.coef, err = b.up(op.Coef); err != nil {
			return err
		}
		if d := uniformCoef(op.Coef, b.nr); d != nil {
			if b.dconst, err = b.up(d); err != nil {
				return err
			}
			b.ncoef = 0 // the stage kernels do not read the corner array
		}
		if err := b.allocs([]*devPtr{&b.s1, &b.s2, &b.y0, &b.af, &b.dpole, &b.accPTL},
			[]int{b.n, b.n, b.n, b.n, 2 * b.nr, 2}); err != nil {
			return err
		}
		b.stages, b.cycles = b.diff.StagesUsed, b.diff.CyclesUsed
		if b.stsBlock > 1 && b.diff.Method != diffusion.ForwardEuler {
			caps := 2 * b.nr * 3 * 2 * b.shape.halo * npm
			if err := b.allocs([]*devPtr{&b.s3, &b.s4, &b.stsCap}, []int{b.n, b.n, caps}); err != nil {
				return err
			}
		}
	}

	if b.adv != nil {
		b.weno = b.adv.SpaceMethod == advection.WENO3
		b.nvt, b.nvp = nt*npm*b.nr, ntm*np*b.nr
		b.poleN, b.poleS = b.adv.PoleFactors()
		if err := b.allocs([]*devPtr{&b.vt, &b.vp, &b.fluxT, &b.fluxP, &b.f1, &b.apole, &b.accCFL},
			[]int{b.nvt, b.nvp, b.nvt, b.nvp, b.n, 2 * b.nr, 2}); err != nil {
			return err
		}
		if b.weno {
			if err := b.allocs([]*devPtr{&b.at, &b.ap}, []int{b.n, b.n}); err != nil {
				return err
			}
			wT, wP := b.adv.WenoWeights()
			var err error
			if b.wT, err = b.up(flatten(wT)); err != nil {
				return err
			}
			if b.wP, err = b.up(flatten(wP)); err != nil {
				return err
			}
		}
	}
	if b.base != nil {
		if err := b.allocs([]*devPtr{&b.vt0, &b.vp0}, []int{b.nvt, b.nvp}); err != nil {
			return err
		}
		if !b.base.NeedsUpdate() { // computed by prepareBackend
			if err := b.htod(b.vt0, b.base.V.Vt); err != nil {
				return err
			}
			if err := b.htod(b.vp0, b.base.V.Vp); err != nil {
				return err
			}
		}
		inv := make([]float64, b.nr)
		for r := range inv {
			if v := b.flows.AttenuateValues[r]; v > 0 {
				inv[r] = 1 / v
			} else {
				inv[r] = math.MaxFloat64
			}
		}
		var err error
		if b.inv, err = b.up(inv); err != nil {
			return err
		}
	}

	if b.an != nil {
		sinA, cosA, cosP, sinP := b.an.Tables()
		for _, x := range []struct {
			p *devPtr
			v []float64
		}{{&b.areaT, m.AreaTheta}, {&b.areaP, m.AreaPhi}, {&b.theta, m.Theta},
			{&b.sinA, sinA}, {&b.cosA, cosA}, {&b.cosP, cosP}, {&b.sp, sinP}} {
			var err error
			if *x.p, err = b.up(x.v); err != nil {
				return err
			}
		}
		// Blocks per realization: a power of two, at least 8 points per
		// thread, at most 256 (diag_final's block).
		npts := ntm * (npm - 1)
		b.nb = 1
		for b.nb < 256 && b.nb*threads*8 < npts {
			b.nb *= 2
		}
		if err := b.allocs([]*devPtr{&b.partial, &b.sums}, []int{b.nb * b.nr * diagNV, b.nr * diagNV}); err != nil {
			return err
		}
		b.sumsHost = make([]float64, b.nr*diagNV)
	}
	return nil
}

// uniformCoef returns each realization's coefficient when the corner
// coefficients of every realization are constant (the usual
// diffusion_coef_constant(s) without a file or grid term), else nil.
func uniformCoef(coef []float64, nr int) []float64 {
	n := len(coef) / nr
	d := make([]float64, nr)
	for r := range d {
		c := coef[r*n : (r+1)*n]
		for _, v := range c {
			if v != c[0] {
				return nil
			}
		}
		d[r] = c[0]
	}
	return d
}

func flatten(w []wenoFace) []float64 {
	out := make([]float64, 0, 10*len(w))
	for _, f := range w {
		out = append(out, f[:]...)
	}
	return out
}

// Name implements run.Backend.
func (b *backend) Name() string { return b.d.info().String() }

// Info describes the device.
func (b *backend) Info() Info { return *b.d.info() }

// StagesNow reports the STS stages (FE substeps) of the last diffusion
// subcycle, for the driver's verbose in-loop history lines.
func (b *backend) StagesNow() int64 { return b.stages }

// Upload implements run.Backend.
func (b *backend) Upload(f []float64) error {
	if len(f) != b.n {
		return fmt.Errorf("gpu: Upload: field has %d values, want %d", len(f), b.n)
	}
	b.call.host = f
	defer func() { b.call.host = nil }()
	return b.d.run(func(b *backend) error { return b.htod(b.f, b.call.host) }, b)
}

// Download implements run.Backend.
func (b *backend) Download(f []float64) error {
	if len(f) != b.n {
		return fmt.Errorf("gpu: Download: field has %d values, want %d", len(f), b.n)
	}
	b.call.host = f
	defer func() { b.call.host = nil }()
	return b.d.run(func(b *backend) error { return b.dtoh(b.call.host, b.f) }, b)
}

// UpdateFlows implements run.Backend. The models are evaluated on the
// host (flow.Flows.Update) and uploaded when they change; with attenuation
// the model velocity is uploaded when it changes and attenuated on the
// device from the current field every step.
func (b *backend) UpdateFlows(t float64) (bool, error) {
	if b.pending != nil {
		return false, b.pending
	}
	if b.flows == nil {
		return false, nil
	}
	if b.base == nil {
		changed, err := b.flows.Update(nil, t)
		if err != nil || !changed {
			return changed, err
		}
		return true, b.d.run((*backend).uploadFlows, b)
	}
	if !b.flows.NeedsUpdate() {
		return false, nil
	}
	changed, err := b.base.Update(nil, t)
	if err != nil {
		return true, err
	}
	b.call.changed = changed
	return true, b.d.run((*backend).attenuateFlows, b)
}

// uploadFlows (on the device thread) copies the flows' velocity to the
// device.
func (b *backend) uploadFlows() error {
	if err := b.htod(b.vt, b.flows.V.Vt); err != nil {
		return err
	}
	if err := b.htod(b.vp, b.flows.V.Vp); err != nil {
		return err
	}
	return b.alphas()
}

// attenuateFlows (on the device thread) copies the model velocity to the
// device when it has changed (call.changed) and attenuates it by the
// current field.
func (b *backend) attenuateFlows() error {
	if b.call.changed {
		if err := b.htod(b.vt0, b.base.V.Vt); err != nil {
			return err
		}
		if err := b.htod(b.vp0, b.base.V.Vp); err != nil {
			return err
		}
	}
	if err := b.d.launch("flow_atten_vt", blocks(b.nvt), 1, threads, 8*float64(2*b.nvt+b.n), b.args().geom(&b.g).ptr(b.vt0, b.f, b.inv, b.vt)); err != nil {
		return err
	}
	if err := b.d.launch("flow_atten_vp", blocks(b.nvp), 1, threads, 8*float64(2*b.nvp+b.n), b.args().geom(&b.g).ptr(b.vp0, b.f, b.inv, b.vp)); err != nil {
		return err
	}
	return b.alphas()
}

// alphas recomputes the Lax-Friedrichs speeds (WENO3 only).
func (b *backend) alphas() error {
	if !b.weno {
		return nil
	}
	return b.d.launch("adv_alpha", blocks(b.n), 1, threads, 8*float64(b.nvt+b.nvp+2*b.n), b.args().geom(&b.g).ptr(b.vt, b.vp, b.at, b.ap))
}

// Velocity implements run.Backend: the current (attenuated) velocity,
// copied into the run's flow.Flows.V.
func (b *backend) Velocity() (*flow.Velocity, error) {
	if b.flows == nil {
		return nil, fmt.Errorf("gpu: Velocity: the run has no flows")
	}
	v := b.flows.V
	err := b.d.run(func(b *backend) error {
		if err := b.dtoh(v.Vt, b.vt); err != nil {
			return err
		}
		return b.dtoh(v.Vp, b.vp)
	}, b)
	return v, err
}

// RestoreVelocity implements run.Backend.
func (b *backend) RestoreVelocity(v *flow.Velocity) error {
	if b.flows == nil {
		return fmt.Errorf("gpu: RestoreVelocity: the run has no flows")
	}
	if v != b.flows.V {
		copy(b.flows.V.Vt, v.Vt)
		copy(b.flows.V.Vp, v.Vp)
	}
	return b.d.run(func(b *backend) error {
		if err := b.htod(b.vt, v.Vt); err != nil {
			return err
		}
		if err := b.htod(b.vp, v.Vp); err != nil {
			return err
		}
		return b.alphas()
	}, b)
}

// FlowStableDt implements run.Backend (advection.Advector.StableDt). An
// error is returned by the next method that can return one; the step is
// then NaN.
func (b *backend) FlowStableDt(strang bool) float64 {
	if b.adv == nil {
		return math.MaxFloat64
	}
	err := b.d.run((*backend).cfl, b)
	if err != nil {
		if b.pending == nil {
			b.pending = err
		}
		return math.NaN()
	}
	dt := mesh.Safety * math.Float64frombits(b.accHost[0])
	if strang {
		dt = 2 * dt
	}
	if b.adv.TimeMethod == advection.SSPRK43 {
		dt = 2 * dt
	}
	return dt
}

// cfl (on the device thread) leaves the velocity's largest stable step
// (advection.Advector.StableDt without the safety factor) in accHost[0].
func (b *backend) cfl() error {
	if err := b.d.launch("set_u64", 1, 1, 32, 0, b.args().ptr(b.accCFL).u64(maxBits, 0)); err != nil {
		return err
	}
	if err := b.d.launch("adv_cfl", blocks(b.n), 1, threads, 8*float64(b.nvt+b.nvp), b.args().geom(&b.g).ptr(b.vt, b.vp, b.accCFL)); err != nil {
		return err
	}
	return b.d.dtoh(unsafe.Pointer(&b.accHost[0]), b.accCFL, 8)
}

// Advect implements run.Backend (advection.Advector.Step).
func (b *backend) Advect(dt float64) error {
	if b.pending != nil {
		return b.pending
	}
	if b.adv == nil {
		return fmt.Errorf("gpu: Advect: the run has no advection")
	}
	b.call.dt = dt
	return b.d.run((*backend).advect, b)
}

// advect (on the device thread) is one advection step of call.dt.
func (b *backend) advect() error {
	f, f1, dt := b.f, b.f1, b.call.dt
	var steps [4]advStage
	var n int
	switch b.adv.TimeMethod {
	case advection.FE:
		steps[0], n = advStage{f, f, f, 0, 0, 0, dt}, 1
	case advection.SSPRK33:
		steps[0] = advStage{f, f1, f, 0, 0, 0, dt}
		steps[1] = advStage{f1, f1, f, f1, 0.75, 0.25, 0.25 * dt}
		steps[2] = advStage{f1, f, f, f1, third, twoThird, twoThird * dt}
		n = 3
	case advection.SSPRK43:
		steps[0] = advStage{f, f1, f, 0, 0, 0, 0.5 * dt}
		steps[1] = advStage{f1, f1, f1, 0, 0, 0, 0.5 * dt}
		steps[2] = advStage{f1, f1, f, f1, twoThird, third, sixth * dt}
		steps[3] = advStage{f1, f, f1, 0, 0, 0, 0.5 * dt}
		n = 4
	default:
		return fmt.Errorf("gpu: unknown advection time method %d", b.adv.TimeMethod)
	}
	for _, s := range steps[:n] {
		if err := b.advStage(s); err != nil {
			return err
		}
	}
	return nil
}

// advStage is one call of advection.Advector.stage: out = x - c*A(in), or
// out = ca*x + cb*y - c*A(in) when y is set.
type advStage struct {
	in, out, x, y devPtr
	ca, cb, c     float64
}

func (b *backend) advStage(s advStage) error {
	weno, y, kind2 := 0, s.x, 0
	if b.weno {
		weno = 1
	}
	if s.y != 0 {
		y, kind2 = s.y, 1
	}
	nflux := b.m.NThetaMain * (b.m.NPhiMain - 2) * b.nr
	fluxBytes := 8 * float64(b.n+2*b.nvt+2*b.nvp)
	if b.weno {
		fluxBytes += 8 * float64(2*b.n)
	}
	if err := b.d.launch("adv_flux", blocks(nflux), 1, threads, fluxBytes,
		b.args().geom(&b.g).ptr(s.in, b.vt, b.vp, b.at, b.ap, b.wT, b.wP).ints(weno).f64(b.adv.UpwindCoef).ptr(b.fluxT, b.fluxP)); err != nil {
		return err
	}
	if err := b.d.launch("adv_pole_sums", 2*b.nr, 1, poleThreads, 8*float64(2*b.nr*b.m.NPhiMain),
		b.args().geom(&b.g).ptr(b.fluxT).f64(b.poleN, b.poleS).ptr(b.apole)); err != nil {
		return err
	}
	return b.d.launch("adv_update", blocks(b.n), 1, threads, 8*float64(b.nvt+b.nvp+(2+kind2)*b.n),
		b.args().geom(&b.g).ptr(b.fluxT, b.fluxP, b.apole, s.x, y).f64(s.ca, s.cb, s.c).ints(kind2).ptr(s.out))
}

// Diffuse implements run.Backend: diffusion.Stepper.Advance with the
// subcycling decisions on the host and every kernel on the device (one
// device call per subcycle; the hook runs between them).
func (b *backend) Diffuse(dt float64, hook diffusion.CycleHook) (int64, int64, error) {
	if b.pending != nil {
		return b.stages, b.cycles, b.pending
	}
	if b.diff == nil {
		return 0, 0, fmt.Errorf("gpu: Diffuse: the run has no diffusion")
	}
	sub := b.diff.Subcycles
	c := &b.call
	*c = deviceCall{dt: dt, auto: sub == 0, estimate: int64(sub)}
	if !c.auto {
		c.tau = dt / float64(sub)
	}
	for c.cycle = 1; ; c.cycle++ {
		c.done = false
		if err := b.d.run((*backend).diffuseCycle, b); err != nil {
			return b.stages, b.cycles, err
		}
		c.elapsed += c.tau
		if hook != nil {
			hook(c.elapsed, c.estimate)
		}
		if !c.auto && c.cycle == sub {
			c.done = true
		}
		if c.done {
			if c.auto {
				b.cycles = int64(c.cycle)
			}
			return b.stages, b.cycles, nil
		}
	}
}

// diffuseCycle (on the device thread) is subcycle call.cycle of Diffuse:
// with automatic subcycles it first sets call.tau from the PTL (and
// call.done when the subcycle ends the step).
func (b *backend) diffuseCycle() error {
	c := &b.call
	if c.auto {
		ptl, err := b.ptl(c.tau)
		if err != nil {
			return err
		}
		c.tau = ptl
		if c.elapsed+c.tau >= c.dt {
			c.tau = c.dt - c.elapsed
			c.done = true
		}
		if c.cycle == diffusion.MaxAutoCycles-1 {
			c.tau = c.dt - c.elapsed
			c.done = true
		}
		c.estimate = int64(math.Ceil((c.dt - c.elapsed) / c.tau))
	}
	if b.diff.Method == diffusion.ForwardEuler {
		return b.stepFE(c.tau)
	}
	return b.stepSTS(c.tau)
}

// polesDiff launches diff_pole_sums for x.
func (b *backend) polesDiff(x devPtr) error {
	op := b.diff.Op
	return b.d.launch("diff_pole_sums", 2*b.nr, 1, poleThreads, 8*float64(8*b.nr*b.m.NPhiMain),
		b.args().geom(&b.g).ptr(b.coef, x).f64(op.PoleNorth, op.PoleSouth).ptr(b.dpole))
}

// ptl is diffusion.Stepper.PTL on the device field.
func (b *backend) ptl(tauIn float64) (float64, error) {
	if err := b.d.launch("set_u64", 1, 1, 32, 0, b.args().ptr(b.accPTL).u64(0, maxBits)); err != nil {
		return 0, err
	}
	if err := b.polesDiff(b.f); err != nil {
		return 0, err
	}
	if err := b.d.launch("diff_apply_amax", blocks(b.n), 1, threads, 8*float64(b.ncoef+2*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole, b.af, b.accPTL)); err != nil {
		return 0, err
	}
	if err := b.d.launch("diff_ptl_min", blocks(b.n), 1, threads, 8*float64(2*b.n), b.args().geom(&b.g).ptr(b.f, b.af, b.accPTL)); err != nil {
		return 0, err
	}
	if err := b.d.dtoh(unsafe.Pointer(&b.accHost[0]), b.accPTL, 16); err != nil {
		return 0, err
	}
	amax := math.Float64frombits(b.accHost[0])
	if !(amax > 0) {
		return math.MaxFloat64, nil
	}
	ptl := math.Float64frombits(b.accHost[1])
	ptl *= 0.95
	if ptl < tauIn {
		ptl = tauIn
	}
	return ptl, nil
}

// stepFE is diffusion.Stepper.stepFE: ceil(tau/DtEuler) Euler substeps,
// each written to a scratch array that then becomes the field.
func (b *backend) stepFE(tau float64) error {
	n := int64(math.Ceil(tau / b.diff.Op.DtEuler))
	b.stages = n
	h := tau / float64(n)
	for i := int64(0); i < n; i++ {
		if err := b.polesDiff(b.f); err != nil {
			return err
		}
		if err := b.d.launch("diff_fe", blocks(b.n), 1, threads, 8*float64(b.ncoef+2*b.n),
			b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole).f64(h).ptr(b.s1)); err != nil {
			return err
		}
		b.f, b.s1 = b.s1, b.f
	}
	return nil
}

// stepSTS is diffusion.Stepper.stepSTS: one RKL2/RKG2 super step. The
// field f stays u0 (and U0) throughout; the stages after the first go to
// scratch arrays (stagesBlocked or stagesOneByOne), and the last stage
// then becomes the field.
func (b *backend) stepSTS(tau float64) error {
	n := b.diff.Stages(tau)
	b.stages = n
	c := b.sts[n]
	if c == nil {
		c = &stsCoef{}
		c.uj, c.vj, c.ubj, c.gj = diffusion.Coefficients(b.diff.Method, n)
		b.sts[n] = c
	}
	if err := b.polesDiff(b.f); err != nil {
		return err
	}
	if err := b.d.launch("diff_sts_init", blocks(b.n), 1, threads, 8*float64(b.ncoef+3*b.n),
		b.args().geom(&b.g).ptr(b.coef, b.dconst, b.f, b.dpole).f64(tau, c.ubj[1]).ptr(b.y0, b.s1)); err != nil {
		return err
	}
	stages := b.stagesOneByOne
	if b.stsBlock > 1 {
		stages = b.stagesBlocked
	}
	last, err := stages(c, n, tau)
	if err != nil {
		return err
	}
	if last == b.s1 {
		b.f, b.s1 = b.s1, b.f
	} else {
		b.f, b.s2 = b.s2, b.f
	}
	return nil
}

// stagesOneByOne runs stages 2..n of a super step one launch each
// (diff_pole_sums, then diff_sts_stage), after diff_sts_init has left U(1)
// in s1 (U(0) is the field): stage 2 goes to s2, later stages over
// U(j-2). It returns the array holding U(n), s1 or s2.
func (b *backend) stagesOneByOne(c *stsCoef, n int64, tau float64) (devPtr, error) {
	ukm1, ukm2 := b.s1, b.f
	for k := int64(2); k <= n; k++ {
		if err := b.polesDiff(ukm1); err != nil {
			return 0, err
		}
		out := ukm2
		if ukm2 == b.f {
			out = b.s2
		}
		u, v := c.uj[k], c.vj[k]
		if err := b.d.launch("diff_sts_stage", blocks(b.n), 1, threads, 8*float64(b.ncoef+5*b.n),
			b.args().geom(&b.g).ptr(b.coef, b.dconst, ukm1, ukm2, b.f, b.y0, b.dpole).f64(u, v, 1-u-v, c.ubj[k]*tau, c.gj[k]).ptr(out)); err != nil {
			return 0, err
		}
		ukm1, ukm2 = out, ukm1
	}
	return ukm1, nil
}

// stagesBlocked runs stages 2..n of a super step with diff_sts_block,
// b.stsBlock stages per launch, after diff_sts_init has left U(1) in s1
// (U(0) is the field). The launches write their two last stages
// alternately to (s2, s3) and (s1, s4), so that no launch writes an array
// it reads; it returns the array holding U(n), s1 or s2.
func (b *backend) stagesBlocked(c *stsCoef, n int64, tau float64) (devPtr, error) {
	if c.dev == 0 {
		stc := make([]float64, 5*(n+1))
		for k := int64(2); k <= n; k++ {
			u, v := c.uj[k], c.vj[k]
			copy(stc[5*k:], []float64{u, v, 1 - u - v, c.ubj[k], c.gj[k]})
		}
		var err error
		if c.dev, err = b.up(stc); err != nil {
			return 0, err
		}
	}
	m := b.m
	sh := b.shape
	tilesJ := (m.NThetaMain - 2*sh.halo + sh.ownJ() - 1) / sh.ownJ()
	tilesK := (m.NPhiMain - 2 + sh.ownK() - 1) / sh.ownK()
	grid := 2*b.nr + b.nr*tilesJ*tilesK
	op := b.diff.Op
	in1, in2 := b.s1, b.f
	outs := [2][2]devPtr{{b.s2, b.s3}, {b.s1, b.s4}}
	for k0, i := int64(2), 0; k0 <= n; i++ {
		ns := min(int64(b.stsBlock), n-k0+1)
		o := outs[i%2]
		if err := b.d.launch("diff_sts_block", grid, 1, stsThreads, 8*float64(b.ncoef+6*b.n),
			b.args().geom(&b.g).ptr(b.coef, b.dconst, in1, in2, b.f, b.y0, c.dev).ints(int(k0), int(ns)).f64(tau, op.PoleNorth, op.PoleSouth).
				ptr(b.stsCap, o[0], o[1])); err != nil {
			return 0, err
		}
		in1, in2 = o[0], o[1]
		k0 += ns
	}
	return in1, nil
}

// Analyze implements run.Backend: the history statistics from device
// reductions; the validation references (computed on the host) are
// uploaded when present.
func (b *backend) Analyze(t float64, ref func(i int) []float64, stats []diag.Stats) error {
	if b.pending != nil {
		return b.pending
	}
	if b.an == nil {
		return fmt.Errorf("gpu: Analyze: the run has no analyzer")
	}
	size := b.m.Size()
	hasRef := 0
	for i := range stats {
		x := ref(i)
		if x == nil {
			continue
		}
		if b.refHost == nil {
			b.refHost, b.refSet = make([]float64, b.n), make([]bool, b.nr)
		}
		copy(b.refHost[i*size:(i+1)*size], x)
		b.refSet[i] = true
		hasRef = 1
	}
	b.call.hasRef = hasRef
	err := b.d.run((*backend).analyze, b)
	for i := range b.refSet {
		b.refSet[i] = false
	}
	if err != nil {
		return err
	}
	for i := range stats {
		stats[i] = statsFrom(b.m, b.sumsHost[i*diagNV:(i+1)*diagNV], t)
	}
	return nil
}

// analyze (on the device thread) reduces the field (and the validation
// references uploaded when call.hasRef is 1) to the history sums in
// sumsHost.
func (b *backend) analyze() error {
	size, hasRef := b.m.Size(), b.call.hasRef
	if hasRef != 0 {
		if b.ref == 0 {
			var err error
			if b.ref, err = b.d.alloc(8 * b.n); err != nil {
				return err
			}
		}
		if err := b.htod(b.ref, b.refHost); err != nil {
			return err
		}
		for i, set := range b.refSet {
			if !set { // no reference: compare the field with itself, as a nil ref does
				off := devPtr(8 * i * size)
				if err := b.d.dtod(b.ref+off, b.f+off, 8*size); err != nil {
					return err
				}
			}
		}
	}
	ref := b.ref
	if hasRef == 0 {
		ref = b.f
	}
	limS := math.Pi - b.an.PoleLimit
	if err := b.d.launch("diag_partial", b.nb, b.nr, threads, 8*float64((1+hasRef)*b.n),
		b.args().geom(&b.g).ptr(b.f, ref).ints(hasRef).ptr(b.areaT, b.areaP, b.theta, b.sinA, b.cosA, b.cosP, b.sp).
			f64(b.an.PoleLimit, limS).ptr(b.partial)); err != nil {
		return err
	}
	if err := b.d.launch("diag_final", b.nr, 1, threads, 8*float64(b.nb*b.nr*diagNV), b.args().ptr(b.partial).ints(b.nb).ptr(b.sums)); err != nil {
		return err
	}
	return b.dtoh(b.sumsHost, b.sums)
}

// FirstNonFinite implements run.Backend.
func (b *backend) FirstNonFinite() (int, error) {
	if b.pending != nil {
		return -1, b.pending
	}
	if err := b.d.run((*backend).firstNonFinite, b); err != nil {
		return -1, err
	}
	if i := b.accHost[0]; i < uint64(b.n) {
		return int(i), nil
	}
	return -1, nil
}

// firstNonFinite (on the device thread) leaves the index of the field's
// first non-finite value, or b.n, in accHost[0].
func (b *backend) firstNonFinite() error {
	if err := b.d.launch("set_u64", 1, 1, 32, 0, b.args().ptr(b.accNF).u64(uint64(b.n), 0)); err != nil {
		return err
	}
	if err := b.d.launch("first_nonfinite", blocks(b.n), 1, threads, 8*float64(b.n), b.args().ptr(b.f).ints(b.n).ptr(b.accNF)); err != nil {
		return err
	}
	return b.d.dtoh(unsafe.Pointer(&b.accHost[0]), b.accNF, 8)
}

// Close implements run.Backend: it frees the device arrays and releases
// the device.
func (b *backend) Close() {
	if b.d != nil {
		b.d.close()
		b.d = nil
	}
}
