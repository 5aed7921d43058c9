package run

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/sim"
)

// hipftOutput is HipFT's output layer: the history files, the map and flow
// lists, the schedules of history lines and maps, and the history
// statistics of the field.
type hipftOutput struct {
	hist     *output.Histories
	mapList  *output.AppendFile
	flowList *output.AppendFile
	// history is output_history_time_cadence from time_start: its count of
	// firings is HipFT's history index.
	history *sim.TimeInterval
	maps    *mapSchedule

	stats []diag.Stats // of every realization, for the history lines
	// statsValid reports that stats were computed from the current field
	// at time statsTime (hours); every change to the field clears it.
	statsValid bool
	statsTime  float64
	refFn      func(i int) []float64 // Run.referenceField, bound once
}

// newHipFTOutput sets the output schedules up from the parameters.
func newHipFTOutput(p *input.Params) *hipftOutput {
	return &hipftOutput{
		history: &sim.TimeInterval{Interval: p.OutputHistoryTimeCadence, Start: p.TimeStart},
		maps: &mapSchedule{
			on:          p.OutputMapIdxCadence > 0 || p.OutputMapTimeCadence > 0,
			idxCadence:  p.OutputMapIdxCadence,
			timeCadence: p.OutputMapTimeCadence,
			timeStart:   p.TimeStart,
			idxStart:    p.OutputMapIdxStart,
			idx:         p.OutputMapIdxStart - 1,
		},
	}
}

// syncAppended flushes the history files and the map and flow lists to
// stable storage.
func (o *hipftOutput) syncAppended() error {
	if err := o.hist.Sync(); err != nil {
		return err
	}
	for _, f := range []*output.AppendFile{o.mapList, o.flowList} {
		if f != nil {
			if err := f.Sync(); err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
		}
	}
	return nil
}

func (o *hipftOutput) close() {
	if o.hist != nil {
		o.hist.Close()
	}
	o.mapList.Close()
	o.flowList.Close()
}

// mapSchedule is HipFT's output-map cadence: a map at the start (when maps
// are on), after every step that is a multiple of output_map_idx_cadence,
// and after the first step at or past time_start + n*output_map_time_cadence,
// where n counts the maps written so far, whatever made them due (the
// model shortens its steps to land on those times: Run.updateTimestep).
type mapSchedule struct {
	on          bool  // output_map_idx_cadence or output_map_time_cadence set
	idxCadence  int64 // output_map_idx_cadence (steps)
	timeCadence float64
	timeStart   float64
	idxStart    int64 // output_map_idx_start
	idx         int64 // the index of the last map written
	wrote       bool  // a map was written at the current moment (for the flows)
}

// next is the time of the next map of the time cadence (hours).
func (s *mapSchedule) next() float64 {
	return s.timeStart + float64(s.idx-(s.idxStart-1))*s.timeCadence
}

// Due implements sim.Schedule.
func (s *mapSchedule) Due(m sim.Moment) bool {
	if m.Phase != sim.Start && m.Phase != sim.Step {
		return false
	}
	due := s.on && m.Iteration == 0
	if s.idxCadence > 0 && m.Iteration%s.idxCadence == 0 {
		due = true
	}
	if s.timeCadence > 0 && m.Time >= s.next() {
		due = true
	}
	return due
}

// writeRunFiles creates the run and output folders and writes the
// parameter dump and the realization table (also when resuming, as
// before).
func (r *Run) writeRunFiles(*sim.Simulation, sim.Moment) error {
	p := r.P
	if r.opt.Dir != "" {
		if err := os.MkdirAll(r.opt.Dir, 0o755); err != nil {
			return fmt.Errorf("run directory: %w", err)
		}
	}
	if r.rank0() {
		if err := output.WriteFileAtomic(r.path("hipft_run_parameters_used.out"), r.full.WriteUsed); err != nil {
			return err
		}
	}
	if p.NRealizations > 1 && r.opt.Part == nil {
		if err := output.WriteFileAtomic(r.path("hipft_realization_parameters.out"), p.WriteRealizationTable); err != nil {
			return err
		}
	}
	if r.out.maps.on {
		if err := os.MkdirAll(r.path(p.OutputMapDirectory), 0o755); err != nil {
			return fmt.Errorf("cannot create output_map_directory %q: %w", p.OutputMapDirectory, err)
		}
		if p.OutputFlows {
			if err := os.MkdirAll(r.path(p.OutputFlowsDirectory), 0o755); err != nil {
				return fmt.Errorf("cannot create output_flows_directory %q: %w", p.OutputFlowsDirectory, err)
			}
		}
	}
	return nil
}

// openOutputs creates the history files and the map and flow lists, or,
// resuming, reopens them at the lengths the checkpoint recorded.
func (r *Run) openOutputs(_ *sim.Simulation, m sim.Moment) error {
	o := r.out
	idx := make([]int, r.NReal)
	for i := range idx {
		idx[i] = r.Offset + i + 1
	}
	var err error
	if m.Phase == sim.Restart {
		sizes := r.ckpt.fileSizes
		if o.hist, err = output.ResumeHistories(r.dirOrDot(), idx, sizes); err != nil {
			return err
		}
		reopen := func(name string) (*output.AppendFile, error) {
			size, ok := sizes[name]
			if !ok {
				return nil, fmt.Errorf("checkpoint %s does not record %s", r.checkpointPath(), name)
			}
			return output.ResumeAppendFile(r.path(name), size)
		}
		if o.maps.on && r.rank0() {
			if o.mapList, err = reopen("hipft_output_map_list.out"); err != nil {
				return err
			}
			if r.P.OutputFlows {
				if o.flowList, err = reopen("hipft_output_flow_list.out"); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if o.hist, err = output.CreateHistories(r.dirOrDot(), idx); err != nil {
		return err
	}
	if o.maps.on && r.rank0() {
		if o.mapList, err = output.CreateAppendFile(r.path("hipft_output_map_list.out"), output.MapListHeader); err != nil {
			return err
		}
		if r.P.OutputFlows {
			if o.flowList, err = output.CreateAppendFile(r.path("hipft_output_flow_list.out"), output.MapListHeader); err != nil {
				return err
			}
		}
	}
	return nil
}

// historyLine is the history callback: it runs the analysis and appends a
// history line (its schedule is out.history).
func (r *Run) historyLine(*sim.Simulation, sim.Moment) error { return r.writeHistory() }

// writeHistory runs the analysis and appends a history line at the
// current time.
func (r *Run) writeHistory() error {
	o := r.out
	t0 := time.Now()
	if o.refFn == nil {
		o.refFn = r.referenceField // bound once: a method value allocates
	}
	// With verbose >= 2 the line after the last diffusion subcycle and the
	// step's line describe the same field at the same time: analyse once.
	if !o.statsValid || o.statsTime != r.Time {
		if err := r.be.Analyze(r.Time, o.refFn, o.stats); err != nil {
			return err
		}
		o.statsValid, o.statsTime = true, r.Time
	}
	t1 := time.Now()
	r.timing.Analysis += t1.Sub(t0)
	num := output.NumRecord{Step: r.Step, Time: r.Time, Dt: r.Dt, DtAdvStable: r.dtMaxFlow,
		DtAdvUsed: r.dtAdvUsed, DtDiffStable: r.dtDiffStable, DiffPerStep: r.diffPerStep, DiffCycles: r.diffCycles}
	if r.Step == 0 {
		num.Dt = 0
	}
	err := o.hist.Write(r.Step, &num, o.stats)
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

// outputMap is the map callback: it writes the next output map and its
// line in the map list (its schedule is out.maps).
func (r *Run) outputMap(*sim.Simulation, sim.Moment) error {
	p := r.P
	o := r.out
	t0 := time.Now()
	if err := r.be.Download(r.F); err != nil {
		return err
	}
	o.maps.idx++
	base := fmt.Sprintf("%s_idx%06d.h5", p.OutputMapRootFilename, o.maps.idx)
	if err := r.writeMap(r.path(filepath.Join(p.OutputMapDirectory, base)), r.F); err != nil {
		return err
	}
	if p.GoftOutputMapFITS {
		if err := r.writeFITSMap(r.path(filepath.Join(p.OutputMapDirectory, base))); err != nil {
			return err
		}
	}
	if o.mapList != nil {
		if err := o.mapList.Line(output.MapListLine(o.maps.idx, r.Time, base)); err != nil {
			return err
		}
	}
	o.maps.wrote = true
	r.timing.IO += time.Since(t0)
	return nil
}

// outputFlows is the flow callback: it writes the velocity with the map
// just written, under its index (write_flows; its schedule is flowsDue).
func (r *Run) outputFlows(*sim.Simulation, sim.Moment) error {
	t0 := time.Now()
	err := r.writeFlows()
	r.timing.IO += time.Since(t0)
	return err
}

// flowsDue reports whether a map was written at this moment (output_flows
// writes the flows with every output map), and forgets it.
func (o *hipftOutput) flowsDue(sim.Moment) bool {
	due := o.maps.wrote
	o.maps.wrote = false
	return due
}

// checkFiniteField is the NaN/Inf callback: at the first non-finite value
// it stops the run, naming where it is, after saving the field of the
// start of the step (on a host backend).
func (r *Run) checkFiniteField(*sim.Simulation, sim.Moment) error {
	err := r.checkFinite()
	if err == nil {
		return nil
	}
	if _, onHost := r.be.(*cpuBackend); !onHost {
		return err
	}
	name := r.P.OutputMapRootFilename + "_last_good.h5"
	if werr := r.writeMap(r.path(name), r.guard.lastGood); werr != nil {
		return fmt.Errorf("%w (and the last good state could not be written: %v)", err, werr)
	}
	return fmt.Errorf("%w; the last good state (time %g h) is in %s", err, r.guard.time, name)
}

// logStep writes HipFT's line of a completed step.
func (r *Run) logStep(*sim.Simulation, sim.Moment) error {
	if r.log != io.Discard { // boxing the arguments would allocate
		if r.P.Verbose > 0 {
			r.logf(" \n")
		}
		r.logf("Completed step: %10d  Time: %14.3f / %14.3f  dt: %12.6f (%s)\n", r.Step, r.Time, r.P.TimeEnd, r.Dt, r.Reason)
	}
	return nil
}

// progress reports the step to Options.Progress.
func (r *Run) progress(*sim.Simulation, sim.Moment) error {
	r.opt.Progress(r.Step, r.Time, r.P.TimeEnd)
	return nil
}

// wrapUp writes the final map, the timing file and the timing summary.
func (r *Run) wrapUp(*sim.Simulation, sim.Moment) error {
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
