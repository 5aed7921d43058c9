package run

import (
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/finite"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// Backend runs the kernels that touch the field: flows and advection,
// diffusion, the finiteness check and the history reductions. The driver
// (time-step selection, sources, assimilation, outputs) is shared; a
// backend only decides where the field lives and how the kernels run.
//
// The CPU backend works on the host field in place. A device backend keeps
// the field on the device for the whole run and copies it to the host only
// when the driver calls Download (map output, sources, assimilation,
// checkpoints).
type Backend interface {
	// Name describes the backend and its device for logs.
	Name() string
	// Upload replaces the backend's field by f (all realizations, mesh
	// layout, Gauss).
	Upload(f []float64) error
	// Download copies the backend's field into f.
	Download(f []float64) error
	// UpdateFlows recomputes the velocity at time t (hours) from the field
	// at the start of the step when it is due (HipFT's update_flow) and
	// reports whether it did; the WENO alphas follow the new velocity.
	UpdateFlows(t float64) (changed bool, err error)
	// Velocity returns the current velocity (Rs/hr) on the host, for flow
	// output and checkpoints.
	Velocity() (*flow.Velocity, error)
	// RestoreVelocity puts back a checkpointed velocity.
	RestoreVelocity(v *flow.Velocity) error
	// FlowStableDt is DTIME_ADV_STB (hours) for the current velocity.
	FlowStableDt(strang bool) float64
	// Advect advances the field by one advection call of dt hours.
	Advect(dt float64) error
	// Diffuse advances the field by dt hours of diffusion with HipFT's
	// subcycling, calling hook after every subcycle, and returns
	// N_DIFF_PER_STEP and N_DIFF_CYCLES.
	Diffuse(dt float64, hook diffusion.CycleHook) (stages, cycles int64, err error)
	// Analyze fills stats[i] with realization i's history statistics at
	// time t; ref(i) returns the validation reference field of
	// realization i (main-mesh layout) or nil.
	Analyze(t float64, ref func(i int) []float64, stats []diag.Stats) error
	// FirstNonFinite returns the flat index of the first NaN or Inf in the
	// field, or -1.
	FirstNonFinite() (int, error)
	// Close releases the backend's resources.
	Close()
}

// FieldKeeper is implemented by backends whose field lives away from the
// host (a GPU's memory): KeepField copies the field and the velocity aside
// where they live, KeptField copies those copies to the host (v nil in a
// run without flows). A run keeps its state before a possible last step
// this way, without a transfer each time.
type FieldKeeper interface {
	KeepField() error
	KeptField(f []float64, v *flow.Velocity) error
}

// cpuBackend runs every kernel on the host, in place on Run.F, spread over
// a worker pool.
type cpuBackend struct {
	m     *mesh.Mesh
	f     []float64    // the run's field (shared with Run.F)
	br    field.Layout // f's layout: Center, every realization of the run
	flows *flow.Flows
	adv   *advection.Advector
	diff  *diffusion.Stepper
	an    *diag.Analyzer
	pool  *parallel.Pool

	// Arguments of the parallel Analyze body.
	anRef   func(i int) []float64
	anTime  float64
	anStats []diag.Stats
	anBody  parallel.WorkerBody
	// First NaN or Inf of each worker's share of the field.
	nanFirst []int
	nanBody  parallel.Body
}

func (b *cpuBackend) Name() string { return "CPU" }

func (b *cpuBackend) Upload(f []float64) error {
	if &f[0] != &b.f[0] {
		copy(b.f, f)
	}
	return nil
}

func (b *cpuBackend) Download(f []float64) error {
	if &f[0] != &b.f[0] {
		copy(f, b.f)
	}
	return nil
}

func (b *cpuBackend) UpdateFlows(t float64) (bool, error) {
	changed, err := b.flows.Update(b.f, t)
	if err != nil || !changed {
		return changed, err
	}
	b.adv.SetVelocity(b.flows.V)
	return true, nil
}

func (b *cpuBackend) Velocity() (*flow.Velocity, error) { return b.flows.V, nil }

func (b *cpuBackend) RestoreVelocity(v *flow.Velocity) error {
	if v != b.flows.V {
		copy(b.flows.V.Vt, v.Vt)
		copy(b.flows.V.Vp, v.Vp)
	}
	b.adv.SetVelocity(b.flows.V)
	return nil
}

func (b *cpuBackend) FlowStableDt(strang bool) float64 { return b.adv.StableDt(strang) }

func (b *cpuBackend) Advect(dt float64) error {
	b.adv.Step(b.f, dt)
	return nil
}

func (b *cpuBackend) Diffuse(dt float64, hook diffusion.CycleHook) (int64, int64, error) {
	b.diff.Advance(b.f, dt, hook)
	return b.diff.StagesUsed, b.diff.CyclesUsed, nil
}

func (b *cpuBackend) Analyze(t float64, ref func(i int) []float64, stats []diag.Stats) error {
	// The first reference is formed here, before the realizations are
	// analysed in parallel: a reference shared by every realization is then
	// only read (Run.referenceField).
	ref(0)
	b.anRef, b.anTime, b.anStats = ref, t, stats
	if b.anBody == nil {
		b.anBody = parallel.Each(b.analyzeRealizations)
	}
	for i := range stats {
		stats[i] = diag.Stats{Time: t}
	}
	// Each realization's statistics in their independent parts, so that
	// one realization, or an odd number of them, still keeps every worker
	// busy (the parts keep HipFT's summation order: the same bits).
	b.pool.Share(len(stats)*diag.AnalyzeParts, b.anBody)
	b.anRef, b.anStats = nil, nil
	return nil
}

// analyzeRealizations computes the parts [lo, hi) of the statistics, part
// p of realization i being index i*diag.AnalyzeParts+p.
func (b *cpuBackend) analyzeRealizations(lo, hi int) {
	for n := lo; n < hi; n++ {
		i, part := n/diag.AnalyzeParts, n%diag.AnalyzeParts
		var ref []float64
		if part == diag.ReferencePart {
			ref = b.anRef(i) // formed once per realization, by the part that reads it
		}
		b.an.AnalyzePart(b.br.Realization(b.f, i), ref, part, &b.anStats[i])
	}
}

func (b *cpuBackend) FirstNonFinite() (int, error) {
	workers := b.pool.Workers()
	if len(b.nanFirst) != workers {
		b.nanFirst = make([]int, workers)
		b.nanBody = b.scanNonFinite
	}
	b.pool.For(workers, b.nanBody)
	for _, i := range b.nanFirst {
		if i >= 0 {
			return i, nil
		}
	}
	return -1, nil
}

// scanNonFinite stores in nanFirst[w] the first NaN or Inf of worker w's
// share of the field (-1 if none), for workers [lo, hi).
func (b *cpuBackend) scanNonFinite(lo, hi int) {
	n := len(b.f)
	for w := lo; w < hi; w++ {
		b.nanFirst[w] = -1
		a := w * n / len(b.nanFirst)
		if i := finite.First(b.f[a : (w+1)*n/len(b.nanFirst)]); i >= 0 {
			b.nanFirst[w] = a + i
		}
	}
}

func (b *cpuBackend) Close() {}

// BackendSetup is what a backend factory receives: the mesh, this
// process's realizations and parameters, and the host-side physics the
// driver prepared (nil where the physics is off), from which a backend
// takes its coefficients.
type BackendSetup struct {
	Mesh      *mesh.Mesh          // the run's mesh
	NReal     int                 // realizations of this process
	Params    *input.Params       // this process's share (per-realization slices cut)
	Field     []float64           // the initial field, host layout
	Flows     *flow.Flows         // flow models and the current velocity
	Advector  *advection.Advector // advection method and its settings
	Diffusion *diffusion.Stepper  // diffusion method, coefficients, subcycling
	Analyzer  *diag.Analyzer      // history statistics
	Pool      *parallel.Pool      // the CPU workers, for host-side work
}

// BackendFactory creates a backend for a run.
type BackendFactory func(s *BackendSetup) (Backend, error)

// newBackend creates the run's backend (the CPU one unless Options.Backend
// names another) and gives it the initial field.
func (r *Run) newBackend() error {
	if r.opt.Backend == nil {
		r.be = &cpuBackend{m: r.Mesh, f: r.F, br: r.Mesh.Layout(field.Center, r.NReal), flows: r.flows, adv: r.adv, diff: r.diff, an: r.an, pool: r.pool}
		return nil
	}
	be, err := r.opt.Backend(&BackendSetup{Mesh: r.Mesh, NReal: r.NReal, Params: r.P, Field: r.F,
		Flows: r.flows, Advector: r.adv, Diffusion: r.diff, Analyzer: r.an, Pool: r.pool})
	if err != nil {
		return r.flowError(err)
	}
	r.be = be
	if sn, ok := be.(interface{ StagesNow() int64 }); ok {
		r.stagesNow = sn.StagesNow
	}
	r.logf(" --> Kernels run on %s\n", be.Name())
	return be.Upload(r.F)
}
