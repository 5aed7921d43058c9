// Package run is goft's run driver: it sets a HipFT run up from its
// parameters and advances it step by step exactly as HipFT does
// (hipft-model.md sections 4 and 11), writing the same output files.
package run

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/source"
	"github.com/goft-sft/goft/model/validation"
)

// Options control where and how a run writes.
type Options struct {
	// Dir is the run directory: relative file names in the parameters are
	// resolved against it and every output is written there, as HipFT does
	// with its working directory. Empty means the current directory.
	Dir string
	// Log receives HipFT's log text (banner, step lines, timing summary).
	// Nil discards it.
	Log io.Writer
	// Workers is the number of goroutines the kernels use (0: all cores).
	Workers int
	// Progress, if not nil, is called after every step.
	Progress func(step int64, time, timeEnd float64)
	// FlowRegistry provides the flow models (nil: flow.DefaultRegistry()).
	FlowRegistry *flow.Registry
	// ExtraFlowModels names registered models added after HipFT's built-in
	// flows (goft extension).
	ExtraFlowModels []string
	// Part, if not nil, runs only this process's share of the realizations
	// of a multi-process ensemble (see Part and PartName).
	Part *Part
	// Backend, if not nil, creates the backend that runs the field kernels
	// (for example on a GPU); nil runs them on the CPU.
	Backend BackendFactory
	// SourceRegistry provides the source terms (nil: the built-ins).
	SourceRegistry *source.Registry
	// Checkpoint says when to write checkpoints besides clean stops.
	Checkpoint CheckpointPolicy
	// Resume continues from the checkpoint (Checkpoint.Path or the default)
	// instead of starting from the initial condition.
	Resume bool
}

// ErrStopped reports that a run ended early because a STOPRUN file
// appeared; its outputs are complete up to the last step.
var ErrStopped = errors.New("run stopped by STOPRUN file")

// Run is the state of one HipFT-style run: the mesh, the field of every
// realization, the clock and the time-step bookkeeping.
type Run struct {
	P    *input.Params // this process's parameters (per-realization lists cut to its share)
	Mesh *mesh.Mesh    // the mesh of the initial map
	// NReal is the number of realizations this process runs.
	NReal int
	// Offset is the 0-based global index of the first of them.
	Offset int
	// F is Br (Gauss) of every realization in mesh layout.
	F []float64
	// Time is the simulation time (hours); Step the number of steps taken.
	Time float64
	Step int64
	// Dt and Reason are the current time step (hours) and why it was chosen.
	Dt     float64
	Reason string

	opt  Options
	full *input.Params // all realizations' parameters (P: this part's)
	log  io.Writer
	pool *parallel.Pool

	tsu, fcu     bool    // time step / flow CFL need updating
	dtMaxFlow    float64 // DTIME_ADV_STB
	dtAdvUsed    float64 // DTIME_ADV_USED
	dtDiffStable float64 // DTIME_DIFF_STB
	diffPerStep  int64   // N_DIFF_PER_STEP
	diffCycles   int64   // N_DIFF_CYCLES

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
	stats      []diag.Stats

	// Validation run data.
	val       *validation.Problem   // the validation run (nil: none)
	valRef    *validation.Reference // its reference fields on the mesh
	vtConst   float64               // flow_vt_const after validation overrides (km/s)
	vpOmega   float64               // flow_vp_rigid_omega after overrides (km/s)
	hist      *output.Histories
	idxHist   int64
	idxOut    int64
	outputMap bool
	mapList   *output.AppendFile
	flowList  *output.AppendFile
	mapDir    string

	timing  output.Timing
	started time.Time

	resuming           bool
	lastCheckpointTime float64
	lastCheckpointWall time.Time
	stop               atomic.Value // string: why the run was asked to stop
	// statsValid reports that r.stats were computed from the current field
	// at time statsTime (hours); every change to the field clears it.
	statsValid bool
	statsTime  float64
	lastGood   []float64 // the field at the start of the current step
	copier     *parallel.Copier
	hookErr    error // first error of a history write inside the diffusion loop
	// stagesNow reports the STS stages of the subcycle just taken, for a
	// backend whose stepper is not r.diff.
	stagesNow func() int64
	refFn     func(i int) []float64 // r.referenceField, bound once
}

// path resolves a file name of the parameters against the run directory.
func (r *Run) path(name string) string {
	if filepath.IsAbs(name) || r.opt.Dir == "" {
		return name
	}
	return filepath.Join(r.opt.Dir, name)
}

func (r *Run) logf(format string, a ...any) {
	if r.log == io.Discard {
		return // formatting would allocate in the time loop for nothing
	}
	fmt.Fprintf(r.log, format, a...)
}

// New sets up a run (HipFT's setup, section 11.1): it writes the parameter
// dump and realization table, loads the initial condition (writing the
// initial map), prepares the physics, creates the history files and writes
// the step-0 history line and first output map.
func New(p *input.Params, opt Options) (*Run, error) {
	r := &Run{P: p, full: p, opt: opt, log: opt.Log, NReal: p.NRealizations, started: time.Now(), resuming: opt.Resume}
	if opt.Part != nil {
		off, n, err := Split(p.NRealizations, opt.Part.Ranks, opt.Part.Rank)
		if err != nil {
			return nil, err
		}
		if opt.Part.Ranks > 1 && p.AdvanceSource && p.SourceRfeModel > 0 && p.SourceRfeSeed == source.NoSeed {
			// HipFT draws the random flux on rank 0 and sends it to every
			// rank; goft's processes share nothing, so they must share a seed.
			return nil, fmt.Errorf("%s: source_rfe_seed is not set (-9999: a seed from the system), but the run is split over %d processes, each of which would draw its own random flux (HipFT draws one for all realizations): set source_rfe_seed to an integer",
				p.Where("source_rfe_model"), opt.Part.Ranks)
		}
		if r.P, err = p.Subset(off, n); err != nil {
			return nil, err
		}
		p = r.P
		r.Offset, r.NReal = off, n
	}
	if r.log == nil {
		r.log = io.Discard
	}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("run directory: %w", err)
		}
	}
	r.pool = parallel.New(opt.Workers)
	r.logf("\n ****** goft: a Go surface flux transport model (HipFT %s compatible)\n\n", HipFTVersion)
	r.logf(" --> Reading input file...\n")
	if r.rank0() {
		if err := output.WriteFileAtomic(r.path("hipft_run_parameters_used.out"), r.full.WriteUsed); err != nil {
			return nil, err
		}
	}
	r.logf(" --> Initializing realization parameters...\n")
	if p.NRealizations > 1 && r.opt.Part == nil {
		if err := output.WriteFileAtomic(r.path("hipft_realization_parameters.out"), p.WriteRealizationTable); err != nil {
			return nil, err
		}
	}
	r.mapDir = p.OutputMapDirectory
	if p.OutputMapIdxCadence > 0 || p.OutputMapTimeCadence > 0 {
		if err := os.MkdirAll(r.path(r.mapDir), 0o755); err != nil {
			return nil, fmt.Errorf("cannot create output_map_directory %q: %w", p.OutputMapDirectory, err)
		}
		r.outputMap = true
		if p.OutputFlows {
			if err := os.MkdirAll(r.path(p.OutputFlowsDirectory), 0o755); err != nil {
				return nil, fmt.Errorf("cannot create output_flows_directory %q: %w", p.OutputFlowsDirectory, err)
			}
		}
	}
	r.logf(" --> Loading initial condition...\n")
	if err := r.loadInitialCondition(); err != nil {
		return nil, err
	}
	r.Time = p.TimeStart
	r.tsu, r.fcu = true, true
	r.diffPerStep = 0
	if p.AdvanceFlow {
		r.logf(" --> Loading flows...\n")
		if err := r.loadFlows(); err != nil {
			return nil, err
		}
	}
	if p.AdvanceDiffusion {
		r.logf(" --> Loading diffusion...\n")
		if err := r.loadDiffusion(); err != nil {
			return nil, err
		}
	}
	if p.AdvanceSource {
		r.logf(" --> Loading sources...\n")
		cfg := sourceConfig(p, r.path, nil)
		var err error
		if r.src, err = source.FromConfig(&cfg, r.opt.SourceRegistry, r.Mesh, r.NReal, p.TimeStart); err != nil {
			return nil, err
		}
	}
	if p.AssimilateData {
		r.logf(" --> Loading data assimilation...\n")
		var err error
		if r.asm, err = assim.New(r.Mesh, r.NReal, assimConfig(p, r.path)); err != nil {
			return nil, err
		}
	}
	r.an = diag.NewAnalyzer(r.Mesh, p.PoleFluxLatLimit)
	if err := r.newBackend(); err != nil {
		return nil, err
	}
	r.stats = make([]diag.Stats, r.NReal)
	if r.val != nil {
		r.valRef = r.val.Reference(r.Mesh, r.NReal)
	}
	r.idxOut = p.OutputMapIdxStart - 1

	idx := make([]int, r.NReal)
	for i := range idx {
		idx[i] = r.Offset + i + 1
	}
	if r.resuming {
		if err := r.resume(idx); err != nil {
			r.Close()
			return nil, err
		}
		return r, nil
	}
	var err error
	if r.hist, err = output.CreateHistories(r.dirOrDot(), idx); err != nil {
		return nil, err
	}
	if r.outputMap && r.rank0() {
		if r.mapList, err = output.CreateAppendFile(r.path("hipft_output_map_list.out"), output.MapListHeader); err != nil {
			return nil, err
		}
		if p.OutputFlows {
			if r.flowList, err = output.CreateAppendFile(r.path("hipft_output_flow_list.out"), output.MapListHeader); err != nil {
				return nil, err
			}
		}
	}
	if err := r.outputStep(); err != nil {
		return nil, err
	}
	r.lastCheckpointTime, r.lastCheckpointWall = r.Time, time.Now()
	r.timing.Setup = time.Since(r.started)
	return r, nil
}

// resume reopens the outputs of a checkpointed run and restores its state.
func (r *Run) resume(idx []int) error {
	path := r.checkpointPath()
	c, err := r.readCheckpoint(path)
	if err != nil {
		return err
	}
	if r.hist, err = output.ResumeHistories(r.dirOrDot(), idx, c.FileSizes); err != nil {
		return err
	}
	reopen := func(name string) (*output.AppendFile, error) {
		size, ok := c.FileSizes[name]
		if !ok {
			return nil, fmt.Errorf("checkpoint %s does not record %s", path, name)
		}
		return output.ResumeAppendFile(r.path(name), size)
	}
	if r.outputMap && r.rank0() {
		if r.mapList, err = reopen("hipft_output_map_list.out"); err != nil {
			return err
		}
		if r.P.OutputFlows {
			if r.flowList, err = reopen("hipft_output_flow_list.out"); err != nil {
				return err
			}
		}
	}
	if err := r.restore(c); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	r.logf(" --> Resumed from %s at step %d, time %g h\n", path, r.Step, r.Time)
	return nil
}

// Stop asks the run to stop cleanly after the current step (for example on
// SIGINT or SIGTERM): Execute then writes the final map, the timing file
// and a checkpoint, and returns an *Interrupted error. Safe to call from
// any goroutine.
func (r *Run) Stop(reason string) { r.stop.Store(reason) }

// Interrupted is returned by Execute when Stop was called.
type Interrupted struct {
	Reason     string  // what asked for the stop (e.g. a signal's name)
	Step       int64   // the last step completed
	Time       float64 // hours
	Checkpoint string  // the checkpoint file written
}

// Error says where the run stopped and how to continue it.
func (e *Interrupted) Error() string {
	return fmt.Sprintf("stopped by %s after step %d (time %g h); outputs and checkpoint %s written; continue with 'goft run -resume'",
		e.Reason, e.Step, e.Time, e.Checkpoint)
}

// HipFTVersion is the HipFT release whose behaviour goft reproduces.
const HipFTVersion = "1.19.3"

func (r *Run) dirOrDot() string {
	if r.opt.Dir == "" {
		return "."
	}
	return r.opt.Dir
}

// Close releases the run's files and worker goroutines.
func (r *Run) Close() {
	if r.hist != nil {
		r.hist.Close()
	}
	r.mapList.Close()
	r.flowList.Close()
	if r.be != nil {
		r.be.Close()
		r.be = nil
	}
	if r.pool != nil {
		r.pool.Close()
		r.pool = nil
	}
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

// Execute runs to time_end (or a STOPRUN file), then writes the final map
// and the timing file.
func (r *Run) Execute() error {
	r.logf("\n >running\n\n")
	for {
		if err := r.Advance(); err != nil {
			return err
		}
		if r.Time >= r.P.TimeEnd {
			break
		}
		if reason, ok := r.stop.Load().(string); ok {
			if err := r.wrapUp(); err != nil {
				return err
			}
			if err := r.WriteCheckpoint(); err != nil {
				return err
			}
			return &Interrupted{Reason: reason, Step: r.Step, Time: r.Time, Checkpoint: r.checkpointPath()}
		}
		if _, err := os.Stat(r.path("STOPRUN")); err == nil {
			r.logf(" ### NOTE: The run was stopped prematurely via STOPRUN!\n")
			if err := r.wrapUp(); err != nil {
				return err
			}
			if err := r.WriteCheckpoint(); err != nil {
				return err
			}
			return ErrStopped
		}
		if r.checkpointDue() {
			if err := r.WriteCheckpoint(); err != nil {
				return err
			}
		}
	}
	if err := r.wrapUp(); err != nil {
		return err
	}
	// The run is complete: a checkpoint of it has nothing left to resume.
	if err := os.Remove(r.checkpointPath()); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (r *Run) wrapUp() error {
	t0 := time.Now()
	if err := r.be.Download(r.F); err != nil {
		return err
	}
	name := r.P.OutputMapRootFilename + "_final.h5"
	if err := r.writeMap(r.path(name), r.F); err != nil {
		return err
	}
	r.timing.IO += time.Since(t0)
	r.logf(" \n Final data written out to %s\n \n", name)
	r.timing.Total = time.Since(r.started)
	if err := output.WriteFileAtomic(r.path(r.partName("hipft_timing.out")), r.timing.WriteFile); err != nil {
		return err
	}
	r.logf("%s\n \n", "----------------------------------------")
	return r.timing.WriteSummary(r.log)
}

// Advance takes one time step (section 11.2): update, flux transport,
// clock, analysis and output.
func (r *Run) Advance() error {
	r.Step++
	_, onHost := r.be.(*cpuBackend)
	if onHost {
		// Keep the state at the start of the step, to save if the step
		// produces NaN or Inf (a device backend keeps its field on the device).
		if r.lastGood == nil {
			r.lastGood = make([]float64, len(r.F))
			r.copier = parallel.NewCopier(r.pool)
		}
		r.copier.Copy(r.lastGood, r.F)
	}
	lastGoodTime := r.Time
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
	if err := r.checkFinite(); err != nil {
		if !onHost {
			return err
		}
		name := r.P.OutputMapRootFilename + "_last_good.h5"
		if werr := r.writeMap(r.path(name), r.lastGood); werr != nil {
			return fmt.Errorf("%w (and the last good state could not be written: %v)", err, werr)
		}
		return fmt.Errorf("%w; the last good state (time %g h) is in %s", err, lastGoodTime, name)
	}
	if err := r.outputStep(); err != nil {
		return err
	}
	if r.log != io.Discard { // boxing the arguments would allocate
		if r.P.Verbose > 0 {
			r.logf(" \n")
		}
		r.logf("Completed step: %10d  Time: %14.3f / %14.3f  dt: %12.6f (%s)\n", r.Step, r.Time, r.P.TimeEnd, r.Dt, r.Reason)
	}
	if r.opt.Progress != nil {
		r.opt.Progress(r.Step, r.Time, r.P.TimeEnd)
	}
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
		next := p.TimeStart + float64(r.idxOut-(p.OutputMapIdxStart-1))*p.OutputMapTimeCadence
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
		r.statsValid = false
		stages, cycles, err := r.be.Diffuse(dt, hook)
		if err != nil {
			return err
		}
		r.diffPerStep, r.diffCycles = stages, cycles
		r.timing.Diffusion += time.Since(t0)
	}
	return r.hookErr
}

// inLoopHistory emulates HipFT's verbose >= 2 history lines written after
// every diffusion subcycle at time + elapsed.
func (r *Run) inLoopHistory(elapsed float64, estimate int64) {
	if r.hookErr != nil {
		return
	}
	r.statsValid = false // a subcycle has changed the field
	saved := r.Time
	r.Time = saved + elapsed
	r.diffPerStep = r.diff.StagesUsed
	if r.stagesNow != nil {
		r.diffPerStep = r.stagesNow()
	}
	r.diffCycles = estimate
	r.hookErr = r.writeHistory()
	r.Time = saved
}

// historyDue reports whether a history line is due at the current time.
func (r *Run) historyDue() bool {
	c := r.P.OutputHistoryTimeCadence
	return !(c > 0) || r.Time >= r.P.TimeStart+float64(r.idxHist)*c
}

// writeHistory runs the analysis and appends a history line when due.
func (r *Run) writeHistory() error {
	if !r.historyDue() {
		return nil
	}
	t0 := time.Now()
	if r.refFn == nil {
		r.refFn = r.referenceField // bound once: a method value allocates
	}
	// With verbose >= 2 the line after the last diffusion subcycle and the
	// step's line describe the same field at the same time: analyse once.
	if !r.statsValid || r.statsTime != r.Time {
		if err := r.be.Analyze(r.Time, r.refFn, r.stats); err != nil {
			return err
		}
		r.statsValid, r.statsTime = true, r.Time
	}
	t1 := time.Now()
	r.timing.Analysis += t1.Sub(t0)
	r.idxHist++
	num := output.NumRecord{Step: r.Step, Time: r.Time, Dt: r.Dt, DtAdvStable: r.dtMaxFlow,
		DtAdvUsed: r.dtAdvUsed, DtDiffStable: r.dtDiffStable, DiffPerStep: r.diffPerStep, DiffCycles: r.diffCycles}
	if r.Step == 0 {
		num.Dt = 0
	}
	err := r.hist.Write(r.Step, &num, r.stats)
	r.timing.IO += time.Since(t1)
	return err
}

// referenceField returns the validation reference of realization i at the
// current time in main-mesh layout, or nil outside validation runs.
func (r *Run) referenceField(i int) []float64 {
	if r.valRef == nil {
		return nil
	}
	return r.valRef.Field(i, r.Time)
}

// outputStep writes the history line and the cadence map when due.
func (r *Run) outputStep() error {
	if err := r.writeHistory(); err != nil {
		return err
	}
	return r.outputMapIfDue()
}

func (r *Run) outputMapIfDue() error {
	p := r.P
	due := r.outputMap && r.Step == 0
	if p.OutputMapIdxCadence > 0 && r.Step%p.OutputMapIdxCadence == 0 {
		due = true
	}
	if p.OutputMapTimeCadence > 0 &&
		r.Time >= p.TimeStart+float64(r.idxOut-(p.OutputMapIdxStart-1))*p.OutputMapTimeCadence {
		due = true
	}
	if !due {
		return nil
	}
	t0 := time.Now()
	if err := r.be.Download(r.F); err != nil {
		return err
	}
	r.idxOut++
	base := fmt.Sprintf("%s_idx%06d.h5", p.OutputMapRootFilename, r.idxOut)
	if err := r.writeMap(r.path(filepath.Join(r.mapDir, base)), r.F); err != nil {
		return err
	}
	if r.mapList != nil {
		if err := r.mapList.Line(output.MapListLine(r.idxOut, r.Time, base)); err != nil {
			return err
		}
	}
	if p.OutputFlows {
		if err := r.writeFlows(); err != nil {
			return err
		}
	}
	r.timing.IO += time.Since(t0)
	return nil
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
	n := m.Size()
	rz, rem := i/n, i%n
	k, j := rem/m.NThetaMain, rem%m.NThetaMain
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

// rank0 reports whether this process writes the ensemble-wide files (the
// parameter dump, map list): always, unless it is a part other than rank 0.
func (r *Run) rank0() bool { return r.opt.Part == nil || r.opt.Part.Rank == 0 }

// partName gives a per-process file name in a multi-process run.
func (r *Run) partName(name string) string {
	if r.opt.Part == nil {
		return name
	}
	return PartName(name, r.opt.Part.Rank, r.opt.Part.Ranks)
}

// Summary describes the run's setup in one line: grid, realizations,
// physics, threads and checkpoint file.
func (r *Run) Summary() string {
	p := r.P
	phys := ""
	if p.AdvanceFlow {
		phys += " flow"
	}
	if p.AdvanceDiffusion {
		phys += " diffusion"
	}
	if p.AdvanceSource {
		phys += " sources"
	}
	if p.AssimilateData {
		phys += " assimilation"
	}
	if phys == "" {
		phys = " none"
	}
	return fmt.Sprintf("grid %d x %d (theta x phi), realizations %d-%d of %d, %g to %g h, physics:%s, %d threads, checkpoint %s",
		r.Mesh.NThetaMain, r.Mesh.NPhiFile, r.Offset+1, r.Offset+r.NReal, p.NRealizations,
		p.TimeStart, p.TimeEnd, phys, r.pool.Workers(), r.checkpointPath())
}
