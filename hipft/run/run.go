// Package run is goft's HipFT driver: it translates a HipFT run's
// parameters (hipft.in, package input) into a model and a sim.Simulation
// that advances it exactly as HipFT does (hipft-model.md sections 4 and
// 11), writing the same output files, byte for byte.
//
// # Model and outputs
//
// New builds the model without writing anything: the mesh and the initial
// field of every realization (reading the initial map), the flows,
// diffusion, sources, data assimilation and validation problem, configured
// from the parameters in one place (translate.go: the physics packages do
// not know hipft.in), and the Backend that runs the field kernels. When
// resuming it also reads the checkpoint and restores the model's state.
//
// Everything HipFT writes is a callback on the simulation, with a schedule
// that keeps HipFT's timing (callbacks.go):
//
//   - at the start: the run folder, the parameter dump and realization
//     table, the output folders, the initial (and validation) maps, and the
//     history files and map lists (created, or reopened at the checkpoint's
//     lengths when resuming); then the step-0 history line and map;
//   - after every step: the NaN/Inf check (saving the last good state), a
//     history line on output_history_time_cadence (HipFT's counted time
//     window; with verbose >= 2 the model also fires it after every
//     diffusion subcycle), a map (and flows) on output_map_idx_cadence or
//     output_map_time_cadence (the model shortens its step to land on the
//     latter) and the flows with it, the step's log line and the progress
//     report;
//   - before the next step: a stop asked by Stop (a signal), a STOPRUN file,
//     and a checkpoint when CheckpointPolicy asks;
//   - at the end: the final map, the timing file and summary, then the
//     checkpoint (a stopped run) or its removal (a finished one).
//
// Start, Advance and Execute run them: Start only the start (the files
// and the step-0 outputs), Advance one step and its after-step outputs,
// Execute the rest of the run.
package run

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/source"
	"github.com/goft-sft/goft/sim"
	"github.com/goft-sft/goft/stage/conflow"
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

// Clock is a run's position in time and its current time step.
type Clock struct {
	// Time is the simulation time (hours); Step the number of steps taken.
	Time float64
	Step int64
	// Dt and Reason are the current time step (hours) and why it was chosen.
	Dt     float64
	Reason string
}

// Run is one HipFT-style run: its parameters, the model (mesh, the field of
// every realization, the physics and the kernels' backend), the clock and
// time-step bookkeeping, and the HipFT outputs and checkpoints, written by
// the callbacks of the simulation that advances it.
type Run struct {
	P    *input.Params // this process's parameters (per-realization lists cut to its share)
	Mesh *mesh.Mesh    // the mesh of the initial map
	// NReal is the number of realizations this process runs.
	NReal int
	// Offset is the 0-based global index of the first of them.
	Offset int
	// F is Br (Gauss) of every realization in mesh layout.
	F []float64
	// Clock is the run's time, step count and current time step (its
	// fields read as r.Time, r.Step, r.Dt, r.Reason).
	Clock

	opt  Options
	full *input.Params // all realizations' parameters (P: this part's)
	log  io.Writer
	pool *parallel.Pool
	// mapBuf holds the map-layout copy writeMap writes out.
	mapBuf []float64
	// inline, if not nil, makes the convective flows in-line
	// (inlineConflow); Close waits for the pair it is making.
	inline *conflow.FlowSource

	physics                  // the model's physics and its backend
	stepping                 // time-step bookkeeping
	guard    nanGuard        // the field at the start of the step
	out      *hipftOutput    // HipFT's output files and their schedules
	ckpt     checkpointState // checkpoints and stop requests
	timing   output.Timing   // wall time by phase (hipft_timing.out)
	started  time.Time       // when New began
	sim      *sim.Simulation // advances the model and runs the callbacks
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

// New sets up a run (HipFT's setup, section 11.1) without writing
// anything: it loads the initial condition, prepares the physics and the
// backend and, with Options.Resume, restores the checkpointed state. The
// output files are written when the run starts (Start, Advance or Execute).
func New(p *input.Params, opt Options) (*Run, error) {
	r := &Run{P: p, full: p, opt: opt, log: opt.Log, NReal: p.NRealizations, started: time.Now()}
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
		if opt.Part.Ranks > 1 && p.GoftOutputMapFITS {
			return nil, fmt.Errorf("%s: goft_output_map_fits is not available in a run split over %d processes (each writes a part of every map): join the parts with goft merge, then write FITS with goft export -o DIR RUN_DIR",
				p.Where("goft_output_map_fits"), opt.Part.Ranks)
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
	r.pool = parallel.New(opt.Workers)
	r.logf("\n ****** goft: a Go surface flux transport model (HipFT %s compatible)\n\n", HipFTVersion)
	r.logf(" --> Reading input file...\n")
	r.logf(" --> Initializing realization parameters...\n")
	r.out = newHipFTOutput(p)
	r.logf(" --> Loading initial condition...\n")
	if err := r.loadInitialCondition(); err != nil {
		r.Close()
		return nil, err
	}
	r.Time = p.TimeStart
	r.tsu, r.fcu = true, true
	r.diffPerStep = 0
	if p.AdvanceFlow {
		r.logf(" --> Loading flows...\n")
		if err := r.loadFlows(); err != nil {
			r.Close()
			return nil, err
		}
	}
	if p.AdvanceDiffusion {
		r.logf(" --> Loading diffusion...\n")
		if err := r.loadDiffusion(); err != nil {
			r.Close()
			return nil, err
		}
	}
	if p.AdvanceSource {
		r.logf(" --> Loading sources...\n")
		cfg := sourceConfig(p, r.path, nil)
		var err error
		if r.src, err = source.FromConfig(&cfg, r.opt.SourceRegistry, r.Mesh, r.NReal, p.TimeStart); err != nil {
			r.Close()
			return nil, err
		}
	}
	if p.AssimilateData {
		r.logf(" --> Loading data assimilation...\n")
		var err error
		if r.asm, err = assim.New(r.Mesh, r.NReal, assimConfig(p, r.path)); err != nil {
			r.Close()
			return nil, err
		}
	}
	r.an = diag.NewAnalyzer(r.Mesh, p.PoleFluxLatLimit)
	if err := r.newBackend(); err != nil {
		r.Close()
		return nil, err
	}
	r.out.stats = make([]diag.Stats, r.NReal)
	if r.val != nil {
		r.valRef = r.val.Reference(r.Mesh, r.NReal, r.pool)
	}
	r.sim = r.newSimulation()
	if opt.Resume {
		if err := r.resume(); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// resume restores the state of the run's checkpoint; the outputs are
// reopened at its lengths when the run starts.
func (r *Run) resume() error {
	path := r.checkpointPath()
	c, err := r.readCheckpoint(path)
	if err != nil {
		return err
	}
	if err := r.restore(c); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	r.ckpt.fileSizes = c.FileSizes
	r.sim.Resumed = true
	r.logf(" --> Resumed from %s at step %d, time %g h\n", path, r.Step, r.Time)
	return nil
}

// Stop asks the run to stop cleanly after the current step (for example on
// SIGINT or SIGTERM): Execute then writes the final map, the timing file
// and a checkpoint, and returns an *Interrupted error. Safe to call from
// any goroutine.
func (r *Run) Stop(reason string) { r.ckpt.stop.Store(reason) }

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
	if r.out != nil {
		r.out.close()
	}
	if r.be != nil {
		r.be.Close()
		r.be = nil
	}
	if r.pool != nil {
		r.pool.Close()
		r.pool = nil
	}
	if r.inline != nil {
		r.inline.Close()
		r.inline = nil
	}
}

// Start writes what a run writes before its first step (HipFT's setup
// outputs): the run folder, the parameter dump and realization table, the
// output folders, the initial maps, the history files and map lists, and
// the step-0 history line and map; a resumed run reopens its outputs
// instead. Advance and Execute call it when it has not been called.
func (r *Run) Start() error { return r.sim.Start() }

// Execute runs to time_end (or a STOPRUN file, or Stop), then writes the
// final map and the timing file.
func (r *Run) Execute() error {
	if err := r.Start(); err != nil {
		return err
	}
	r.logf("\n >running\n\n")
	return r.sim.Run()
}

// Advance takes one time step (section 11.2): update, flux transport,
// clock, then the after-step callbacks (finiteness check, history, output
// maps, log line, progress). It does not check for stops or checkpoints.
func (r *Run) Advance() error { return r.sim.Step() }

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
