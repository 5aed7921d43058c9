package run

import (
	"fmt"
	"os"
	"time"

	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/sim"
)

// newSimulation returns the simulation that advances the run to time_end
// with HipFT's outputs, checks and checkpoints as callbacks. The order of
// the callbacks is the order of HipFT's writes.
func (r *Run) newSimulation() *sim.Simulation {
	s := sim.New(hipftModel{r}, r.P.TimeEnd)
	o := r.out
	// At the start (fresh or resumed).
	s.Add("run files", r.writeRunFiles, sim.AtStart())
	s.Add("initial maps", r.writeInitialMaps, sim.AtStart())
	s.Add("history files and map lists", r.openOutputs, sim.AtStart())
	s.Add("checkpoint clock", r.startCheckpointClock, sim.AtStart())
	// After every step (and at the start of a fresh run, step 0).
	s.Add("non-finite check", r.checkFiniteField, sim.EveryStep())
	s.Add("history", r.historyLine, o.history)
	s.Add("output map", r.outputMap, o.maps)
	if r.P.OutputFlows {
		s.Add("output flows", r.outputFlows, sim.ScheduleFunc(o.flowsDue))
	}
	s.Add("step log", r.logStep, sim.EveryStep())
	if r.opt.Progress != nil {
		s.Add("progress", r.progress, sim.EveryStep())
	}
	s.Add("setup time", r.setupDone, sim.AtStart())
	// After the start's outputs (a run whose first step may be its last).
	s.Add("state before the last step", r.beforeLastStep, sim.ScheduleFunc(func(m sim.Moment) bool {
		return (m.Phase == sim.Start || m.Phase == sim.Restart) && r.mayEndNextStep(m)
	}))
	// Between steps.
	s.Add("stop request", r.checkStopRequest, sim.EveryStep()).Callsite = sim.BeforeNextStep
	s.Add("STOPRUN", r.checkStopFile, sim.EveryStep()).Callsite = sim.BeforeNextStep
	s.Add("checkpoint", r.periodicCheckpoint, sim.ScheduleFunc(r.checkpointDue)).Callsite = sim.BeforeNextStep
	s.Add("state before the last step", r.beforeLastStep, sim.ScheduleFunc(func(m sim.Moment) bool {
		return m.Phase == sim.Step && r.mayEndNextStep(m)
	})).Callsite = sim.BeforeNextStep
	// At the end.
	s.Add("final map and timing", r.wrapUp, sim.AtEnd())
	s.Add("final checkpoint", r.finalCheckpoint, sim.AtEnd())
	return s
}

// setupDone records the setup time (a fresh run's; a resumed run keeps
// the checkpoint's).
func (r *Run) setupDone(_ *sim.Simulation, m sim.Moment) error {
	if m.Phase == sim.Start {
		r.timing.Setup = time.Since(r.started)
	}
	return nil
}

// checkStopRequest ends the run when Stop was called.
func (r *Run) checkStopRequest(s *sim.Simulation, _ sim.Moment) error {
	if reason, ok := r.ckpt.stop.Load().(string); ok {
		s.Stop(&Interrupted{Reason: reason, Step: r.Step, Time: r.Time, Checkpoint: r.checkpointPath()})
	}
	return nil
}

// checkStopFile ends the run when a STOPRUN file appears in its folder.
func (r *Run) checkStopFile(s *sim.Simulation, _ sim.Moment) error {
	if _, err := os.Stat(r.path("STOPRUN")); err == nil {
		r.logf(" ### NOTE: The run was stopped prematurely via STOPRUN!\n")
		s.Stop(ErrStopped)
	}
	return nil
}

// periodicCheckpoint writes the checkpoint the policy asks for.
func (r *Run) periodicCheckpoint(*sim.Simulation, sim.Moment) error { return r.WriteCheckpoint() }

// finalCheckpoint writes the checkpoint of a stopped run (its current
// state), or of a finished one: the state before its last step, so that
// the run can be continued to a later time_end exactly as one run to that
// end would go. It runs after the final outputs are written, so that the
// previous checkpoint survives until they are complete.
func (r *Run) finalCheckpoint(s *sim.Simulation, _ sim.Moment) error {
	if stopped, _ := s.Stopped(); stopped {
		return r.WriteCheckpoint()
	}
	c := r.ckpt.beforeLast
	if c == nil {
		return fmt.Errorf("internal error: no state before the last step was kept (time %g h, step %d)", r.Time, r.Step)
	}
	if c.F == nil { // kept on the device (FieldKeeper)
		c.F = make([]float64, len(r.F))
		var v *flow.Velocity
		if c.Flows != nil {
			v = &flow.Velocity{Vt: c.Flows.Vt, Vp: c.Flows.Vp}
			if c.Flows.Stale { // the device hands its kept velocity over all the same; not kept (flow.Flows.State)
				v = &flow.Velocity{Vt: make([]float64, len(r.flows.V.Vt)), Vp: make([]float64, len(r.flows.V.Vp))}
			}
		}
		if err := r.be.(FieldKeeper).KeptField(c.F, v); err != nil {
			return err
		}
	}
	c.FinishedEnd = r.P.TimeEnd
	return r.writeCheckpoint(c)
}
