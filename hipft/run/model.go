package run

import (
	"fmt"
	"math"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/source"
	"github.com/goft-sft/goft/model/validation"
	"github.com/goft-sft/goft/sim"
)

// physics is the model's physics (nil where it is off) and the backend
// that holds the field and runs the kernels.
type physics struct {
	diff  *diffusion.Stepper
	flows *flow.Flows
	adv   *advection.Advector
	src   *source.Sources
	// srcTerm is the rate formed on the host (S, weight 1) for a
	// SourceBackend when some source is not Framed; srcVersion counts its
	// updates.
	srcTerm    [1]source.Term
	srcVersion uint64
	asm        *assim.Assimilator
	be         Backend // where the field lives and the kernels run
	an         *diag.Analyzer
	// stagesNow reports the STS stages of the subcycle just taken, for a
	// backend whose stepper is not diff.
	stagesNow func() int64

	val     *validation.Problem   // the validation run (nil: none)
	valRef  *validation.Reference // its reference fields on the mesh
	vtConst float64               // flow_vt_const after validation overrides (km/s)
	vpOmega float64               // flow_vp_rigid_omega after overrides (km/s)
}

// stepping is HipFT's time-step bookkeeping: what the history lines report
// and the checkpoint keeps besides the clock.
type stepping struct {
	tsu, fcu     bool    // time step / flow CFL need updating
	dtMaxFlow    float64 // DTIME_ADV_STB
	dtAdvUsed    float64 // DTIME_ADV_USED
	dtDiffStable float64 // DTIME_DIFF_STB
	diffPerStep  int64   // N_DIFF_PER_STEP
	diffCycles   int64   // N_DIFF_CYCLES
	// stepErr is the first error of a kernel or of a history write inside
	// the diffusion loop during the current step.
	stepErr error
}

// nanGuard keeps the field at the start of the step on the host, to save
// if the step produces NaN or Inf (a device backend keeps its field on the
// device and saves nothing).
type nanGuard struct {
	lastGood []float64
	time     float64 // hours
	copier   *parallel.Copier
}

// hipftModel is the run's model as a sim.Simulation advances it.
type hipftModel struct{ r *Run }

// TimeStep takes one time step (section 11.2): update, flux transport,
// clock and assimilation.
func (m hipftModel) TimeStep() error { return m.r.timeStep() }

// Clock returns the run's step count and time (hours).
func (m hipftModel) Clock() sim.Clock { return sim.Clock{Iteration: m.r.Step, Time: m.r.Time} }

func (r *Run) timeStep() error {
	r.Step++
	if _, onHost := r.be.(*cpuBackend); onHost {
		if r.guard.lastGood == nil {
			r.guard.lastGood = make([]float64, len(r.F))
			r.guard.copier = parallel.NewCopier(r.pool)
		}
		r.guard.copier.Copy(r.guard.lastGood, r.F)
	}
	r.guard.time = r.Time
	t0 := time.Now()
	if r.P.AdvanceFlow {
		if err := r.updateFlows(); err != nil {
			return err
		}
	}
	if r.src != nil {
		if err := r.updateSource(); err != nil {
			return err
		}
	}
	r.updateTimestep()
	t1 := time.Now()
	r.timing.Update += t1.Sub(t0)
	if err := r.fluxTransport(r.Dt); err != nil {
		return err
	}
	r.timing.FluxTransport += time.Since(t1)
	r.Time += r.Dt
	if next, ok := r.asmNext(); ok && r.Time >= next {
		if err := r.assimilate(); err != nil {
			return err
		}
	}
	return nil
}

// loadDiffusion builds the diffusion operator and stepper (load_diffusion).
func (r *Run) loadDiffusion() error {
	p := r.P
	spec := diffusionSpec(p)
	if p.DiffusionCoefFilename != "" {
		mp, err := psihdf.Read(r.path(p.DiffusionCoefFilename))
		if err != nil {
			return fmt.Errorf("diffusion_coef_filename: %w", err)
		}
		if len(mp.Dims) != 2 {
			return fmt.Errorf("diffusion_coef_filename %q: the file holds a %dD dataset; a 2D (phi, theta) map is required", p.DiffusionCoefFilename, len(mp.Dims))
		}
		spec.File = &diffusion.CoefFile{Phi: mp.Scales[0], Theta: mp.Scales[1], Data: mp.Data}
	}
	coef, err := diffusion.CornerCoef(r.Mesh, spec)
	if err != nil {
		return fmt.Errorf("diffusion_coef_filename %q: %w", p.DiffusionCoefFilename, err)
	}
	op := diffusion.NewOperator(r.Mesh, r.NReal, coef, r.pool)
	if r.opt.Part != nil {
		// HipFT's ranks share the smallest Euler bound over all realizations
		// (MPI_Allreduce MIN in load_diffusion): every part computes it from
		// all realizations' coefficients, one realization at a time.
		for i := 0; i < r.full.NRealizations; i++ {
			one := spec
			one.Constants = r.full.DiffusionCoefConstants[i : i+1]
			c, err := diffusion.CornerCoef(r.Mesh, one)
			if err != nil {
				return fmt.Errorf("diffusion_coef_filename %q: %w", p.DiffusionCoefFilename, err)
			}
			op.DtEuler = min(op.DtEuler, diffusion.NewOperator(r.Mesh, 1, c, nil).DtEuler)
		}
	}
	r.diff, err = diffusion.NewStepper(op, diffusion.Method(p.DiffusionNumMethod), p.DiffusionSubcycles, r.pool)
	if err != nil {
		return err
	}
	r.dtDiffStable = op.DtEuler
	r.diffPerStep = r.diff.StagesUsed
	r.diffCycles = int64(p.DiffusionSubcycles)
	return nil
}

// updateTimestep chooses the step exactly as HipFT's update_timestep.
func (r *Run) updateTimestep() {
	p := r.P
	if r.tsu {
		r.Dt = p.TimeEnd - r.Time
		r.Reason = "endrun"
		if p.AdvanceFlow {
			r.dtMaxFlow = math.MaxFloat64
			if r.fcu {
				r.dtMaxFlow = r.flowStableDt()
				r.fcu = false
			}
			if r.dtMaxFlow < r.Dt {
				r.Dt = r.dtMaxFlow
				r.Reason = "flowcfl"
			}
		}
		if p.DtMax < r.Dt {
			r.Dt = p.DtMax
			r.Reason = "dtmax"
		}
		if r.Dt < p.DtMin {
			r.logf(" WARNING: time step %g h is below dt_min = %g h at step %d (time %g h)\n", r.Dt, p.DtMin, r.Step, r.Time)
		}
		r.tsu = false
	}
	if p.OutputMapTimeCadence > 0 {
		next := r.out.maps.next()
		if r.Time+r.Dt >= next {
			r.Dt = next - r.Time
			r.Reason = "output"
			r.tsu, r.fcu = true, true
		}
	}
	if r.asm != nil {
		if dt, ok := r.asm.ClipDt(r.Time, r.Dt); ok {
			r.Dt = dt
			r.Reason = "dataassim"
			r.tsu, r.fcu = true, true
		}
	}
	if p.AdvanceFlow && p.UseFlowFromFiles {
		if next, ok := r.flows.NextFileTime(); ok && r.Time+r.Dt >= next {
			r.Dt = next - r.Time
			r.Reason = "flowfile"
			r.tsu, r.fcu = true, true
			r.flows.Invalidate()
		}
	}
	if r.src != nil {
		if dt, ok := r.src.ClipDt(r.Time, r.Dt); ok {
			r.Dt = dt
			r.Reason = "rfeswap"
			r.tsu, r.fcu = true, true
		}
	}
	if r.Time+r.Dt >= p.TimeEnd {
		r.Dt = p.TimeEnd - r.Time
		r.Reason = "end"
		r.tsu = false
	}
}

// flowStableDt is the advection CFL limit (DTIME_ADV_STB).
func (r *Run) flowStableDt() float64 { return r.be.FlowStableDt(r.P.StrangSplitting) }

// fluxTransport advances the field by dt (section 11.4).
func (r *Run) fluxTransport(dt float64) error {
	p := r.P
	if p.StrangSplitting {
		if err := r.applySource(dt * 0.5); err != nil {
			return err
		}
		if p.AdvanceFlow {
			r.advect(dt * 0.5)
		}
		if err := r.diffuse(dt); err != nil {
			return err
		}
		if p.AdvanceFlow {
			r.advect(dt * 0.5)
		}
		return r.applySource(dt * 0.5)
	}
	if p.AdvanceFlow {
		r.advect(dt)
	}
	if err := r.diffuse(dt); err != nil {
		return err
	}
	return r.applySource(dt)
}

// diffuse takes one diffusion call of dt hours, with its subcycles.
func (r *Run) diffuse(dt float64) error {
	p := r.P
	if p.AdvanceDiffusion {
		t0 := time.Now()
		var hook diffusion.CycleHook
		if p.Verbose > 1 {
			hook = r.inLoopHistory
		}
		r.out.statsValid = false
		stages, cycles, err := r.be.Diffuse(dt, hook)
		if err != nil {
			return err
		}
		r.diffPerStep, r.diffCycles = stages, cycles
		r.timing.Diffusion += time.Since(t0)
	}
	return r.stepErr
}

// inLoopHistory emulates HipFT's verbose >= 2 history lines written after
// every diffusion subcycle at time + elapsed: the history callback, on its
// schedule, fired by the model inside its step.
func (r *Run) inLoopHistory(elapsed float64, estimate int64) {
	if r.stepErr != nil {
		return
	}
	r.out.statsValid = false // a subcycle has changed the field
	saved := r.Time
	r.Time = saved + elapsed
	r.diffPerStep = r.diff.StagesUsed
	if r.stagesNow != nil {
		r.diffPerStep = r.stagesNow()
	}
	r.diffCycles = estimate
	if r.out.history.Due(sim.Moment{Clock: hipftModel{r}.Clock(), Phase: sim.Step}) {
		r.stepErr = r.writeHistory()
	}
	r.Time = saved
}

// checkFinite stops the run at the first NaN or Inf, naming where it is.
func (r *Run) checkFinite() error {
	i, err := r.be.FirstNonFinite()
	if err != nil || i < 0 {
		return err
	}
	if err := r.be.Download(r.F); err != nil {
		return err
	}
	m := r.Mesh
	j, k, rz := m.Layout(field.Center, r.NReal).Coords(i)
	return fmt.Errorf("non-finite Br (%v) in realization %d at step %d, time %g h, theta index %d (colatitude %.4f rad), phi index %d (longitude %.4f rad); the time step is probably unstable or an input holds bad values",
		r.F[i], r.Offset+rz+1, r.Step, r.Time, j+1, m.Theta[j], k+1, m.Phi[k])
}

// asmNext is the time of the next assimilation map, if any.
func (r *Run) asmNext() (float64, bool) {
	if r.asm == nil {
		return 0, false
	}
	return r.asm.NextTime()
}

// onHost runs fn on the host copy of the field (Run.F), fetching it from
// the backend first and sending it back afterwards (no copies on the CPU).
func (r *Run) onHost(fn func() error) error {
	if err := r.be.Download(r.F); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return r.be.Upload(r.F)
}
