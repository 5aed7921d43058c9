package gpu

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
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
// (a method expression with its arguments in b.call, see device.run).
// Advection and diffusion run the shared integrators of model/advection
// and model/diffusion on the device kernels of advect.go and diffuse.go;
// diffusion makes one device call per subcycle, and its hook, which calls
// back into the driver, runs between them on the caller's goroutine.
type backend struct {
	d  device
	m  *mesh.Mesh
	nr int
	br field.Layout // the field's layout: Center, nr realizations
	n  int          // points of all realizations, br.Len()
	g  geo

	f      devPtr // the field (diffKernels rotates it with s1, s2)
	s1, s2 devPtr

	// Diffusion.
	diff         *diffusion.Stepper
	coef, y0, af devPtr
	dconst       devPtr           // per-realization constant coefficient, or 0 when D varies
	dpole        devPtr           // L's pole-row values, 2 per realization
	accPTL       devPtr           // PTL reductions: max |L f| and min ratio (bits)
	stsTables    map[int64]devPtr // per stage count, the blocked stages' coefficient table
	ncoef        int
	stsBlock     int      // stages per diff_sts_block launch; 1: one launch per stage
	shape        stsShape // the shape diff_sts_block was compiled for
	// The current super step (diffKernels), its last two stages and the
	// number of diff_sts_block launches so far.
	super          *diffusion.SuperStep
	ukm1, ukm2     devPtr
	stsLaunch      int
	s3, s4, stsCap devPtr // the blocked stages' second output pair and cap scratch

	// Advection and flows.
	adv            *advection.Advector
	weno           bool
	vt, vp, at, ap devPtr
	fluxT, fluxP   devPtr
	f1, f2         devPtr // the integrator's stage fields
	wT, wP, apole  devPtr
	accCFL         devPtr
	poleN, poleS   float64
	nvt, nvp       int
	flows          *flow.Flows
	base           *flow.Flows // the models alone (attenuation runs on the device)
	vt0, vp0, inv  devPtr

	// Analysis.
	an                                        *diag.Analyzer
	areaT, areaP, theta, sinA, cosA, cosP, sp devPtr
	ref                                       devPtr
	kept, keptVt, keptVp                      devPtr // copies of the field and velocity kept on the device (KeepField)
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
	host    []float64    // Upload, Download: the host field
	changed bool         // UpdateFlows: the model velocity changed
	dt      float64      // Advect: the step (hours); FlowStableDt's result
	strang  bool         // FlowStableDt: Strang splitting
	fn      func() error // Diffuse: the subcycle (diffKernels.Run)
	hasRef  int          // Analyze: validation references were uploaded
	h       float64      // ApplySource: the step (hours)
}

// args returns the backend's launch argument list, emptied.
func (b *backend) args() *kernelArgs { return b.karg.reset() }

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
	br := s.Mesh.Layout(field.Center, s.NReal)
	b := &backend{m: s.Mesh, nr: s.NReal, br: br, n: br.Len(),
		diff: s.Diffusion, adv: s.Advector, flows: s.Flows, an: s.Analyzer, stsTables: map[int64]devPtr{}}
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
		if d := uniformCoef(op.Coef, m.Layout(field.Corner, b.nr)); d != nil {
			if b.dconst, err = b.up(d); err != nil {
				return err
			}
			b.ncoef = 0 // the stage kernels do not read the corner array
		}
		if err := b.allocs([]*devPtr{&b.s1, &b.s2, &b.y0, &b.af, &b.dpole, &b.accPTL},
			[]int{b.n, b.n, b.n, b.n, 2 * b.nr, 2}); err != nil {
			return err
		}
		if b.stsBlock > 1 && b.diff.Method != diffusion.ForwardEuler {
			caps := 2 * b.nr * 3 * 2 * b.shape.halo * npm
			if err := b.allocs([]*devPtr{&b.s3, &b.s4, &b.stsCap}, []int{b.n, b.n, caps}); err != nil {
				return err
			}
		}
	}

	if b.adv != nil {
		b.weno = b.adv.SpaceMethod == advection.WENO3
		b.nvt, b.nvp = m.Layout(field.ThetaFace, b.nr).Len(), m.Layout(field.PhiFace, b.nr).Len()
		b.poleN, b.poleS = b.adv.PoleFactors()
		if err := b.allocs([]*devPtr{&b.vt, &b.vp, &b.fluxT, &b.fluxP, &b.f1, &b.f2, &b.apole, &b.accCFL},
			[]int{b.nvt, b.nvp, b.nvt, b.nvp, b.n, b.n, 2 * b.nr, 2}); err != nil {
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
// coefficients coef (in layout l, field.Corner) of every realization are
// constant (the usual diffusion_coef_constant(s) without a file or grid
// term), else nil.
func uniformCoef(coef []float64, l field.Layout) []float64 {
	d := make([]float64, l.NReal)
	for r := range d {
		c := l.Realization(coef, r)
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
func (b *backend) StagesNow() int64 {
	if b.diff == nil {
		return 0
	}
	return b.diff.StagesUsed
}

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

// KeepField copies the field (and the velocity, in a run with flows)
// aside on the device, with no transfer to the host, for the run's state
// before its last step; KeptField downloads the copies. The buffers are
// allocated on the first call.
func (b *backend) KeepField() error {
	return b.d.run(func(b *backend) error {
		if b.kept == 0 {
			var err error
			if b.kept, err = b.d.alloc(8 * b.n); err != nil {
				return err
			}
			if b.flows != nil {
				if b.keptVt, err = b.d.alloc(8 * len(b.flows.V.Vt)); err != nil {
					return err
				}
				if b.keptVp, err = b.d.alloc(8 * len(b.flows.V.Vp)); err != nil {
					return err
				}
			}
		}
		if b.flows != nil {
			if err := b.d.dtod(b.keptVt, b.vt, 8*len(b.flows.V.Vt)); err != nil {
				return err
			}
			if err := b.d.dtod(b.keptVp, b.vp, 8*len(b.flows.V.Vp)); err != nil {
				return err
			}
		}
		return b.d.dtod(b.kept, b.f, 8*b.n)
	}, b)
}

// KeptField copies the field kept by KeepField into f, and the velocity
// kept with it into v (nil in a run without flows).
func (b *backend) KeptField(f []float64, v *flow.Velocity) error {
	if len(f) != b.n {
		return fmt.Errorf("gpu: KeptField: field has %d values, want %d", len(f), b.n)
	}
	if b.kept == 0 {
		return fmt.Errorf("gpu: KeptField: no field was kept")
	}
	if (v != nil) != (b.flows != nil) {
		return fmt.Errorf("gpu: KeptField: a velocity is given for a run without flows, or none for one with")
	}
	b.call.host = f
	defer func() { b.call.host = nil }()
	return b.d.run(func(b *backend) error {
		if v != nil {
			if err := b.dtoh(v.Vt, b.keptVt); err != nil {
				return err
			}
			if err := b.dtoh(v.Vp, b.keptVp); err != nil {
				return err
			}
		}
		return b.dtoh(b.call.host, b.kept)
	}, b)
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

// FlowStableDt implements run.Backend: advection.StableStep on the
// device's kernels. An error is returned by the next method that can
// return one; the step is then NaN.
func (b *backend) FlowStableDt(strang bool) float64 {
	if b.adv == nil {
		return math.MaxFloat64
	}
	b.call.strang = strang
	err := b.d.run((*backend).flowStableDt, b)
	if err != nil {
		if b.pending == nil {
			b.pending = err
		}
		return math.NaN()
	}
	return b.call.dt
}

// flowStableDt (on the device thread) leaves the flow CFL step in call.dt.
func (b *backend) flowStableDt() (err error) {
	b.call.dt, err = advection.StableStep[devPtr]((*advKernels)(b), b.adv.TimeMethod, b.call.strang)
	return err
}

// Advect implements run.Backend: advection.Integrate on the device's
// kernels.
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
	return advection.Integrate[devPtr]((*advKernels)(b), b.adv.TimeMethod, b.f, b.f1, b.f2, b.call.dt)
}

// Diffuse implements run.Backend: diffusion.Stepper.AdvanceOn on the
// device's kernels (one device call per subcycle; the hook runs between
// them, on the caller's goroutine).
func (b *backend) Diffuse(dt float64, hook diffusion.CycleHook) (int64, int64, error) {
	if b.diff == nil {
		return 0, 0, fmt.Errorf("gpu: Diffuse: the run has no diffusion")
	}
	if b.pending != nil {
		return b.diff.StagesUsed, b.diff.CyclesUsed, b.pending
	}
	err := b.diff.AdvanceOn((*diffKernels)(b), dt, hook)
	return b.diff.StagesUsed, b.diff.CyclesUsed, err
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
	hasRef := 0
	for i := range stats {
		x := ref(i)
		if x == nil {
			continue
		}
		if b.refHost == nil {
			b.refHost, b.refSet = make([]float64, b.n), make([]bool, b.nr)
		}
		copy(b.br.Realization(b.refHost, i), x)
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
	hasRef := b.call.hasRef
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
				off := devPtr(8 * b.br.ColumnStart(0, i))
				if err := b.d.dtod(b.ref+off, b.f+off, 8*b.br.RealizationLen()); err != nil {
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
