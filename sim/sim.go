// Package sim runs a time-stepping model with callbacks on schedules, after
// Oceananigans.jl's Simulation: a Simulation advances a Model step by step
// to a stop time or iteration, and after every step runs the callbacks
// whose Schedule is due. Schedules say when: every N iterations
// (IterationInterval), every T units of simulated time (TimeInterval),
// every D of wall-clock time (WallTimeInterval), at the start (AtStart),
// at the end (AtEnd), any of several (Any), or by a function
// (ScheduleFunc). Output writers, progress reports, checks and checkpoints
// are all callbacks.
//
// The model chooses its own time step (it may shorten a step to land on an
// output time, as HipFT does); the Simulation only asks it to take one and
// reads its Clock. Time is in the model's unit (hours for goft).
//
// # The life of a simulation
//
//   - Start (or Run, or the first Step) runs the callbacks due at the
//     start: a fresh simulation (Resumed false) at Phase Start, where
//     IterationInterval and TimeInterval fire as at iteration 0, so that
//     the initial state is written as every later one; a resumed one at
//     Phase Restart, where only AtStart fires (its start-time outputs exist
//     already).
//   - Step takes one model step and runs the AfterStep callbacks whose
//     schedule is due (Phase Step).
//   - Run takes steps until the clock reaches StopTime or StopIteration
//     (it takes at least one step: a simulation whose stop time is its
//     start time takes one step, which the model may make of zero length).
//     After each step that does not end the run, the BeforeNextStep
//     callbacks run (checks that matter only if another step follows: stop
//     files, checkpoints). Then the AtEnd callbacks run (Phase End).
//
// Callbacks run in the order they were added. A callback that returns an
// error ends the run at once: no later callback runs, not even at the end,
// and Run returns the error. A callback (or any code between steps) that
// calls Stop ends the run cleanly: the rest of that moment's callbacks are
// skipped, the AtEnd callbacks run, and Run returns the error given to
// Stop (nil for a plain stop).
package sim

import "time"

// Clock is a model's position in time: the number of steps taken and the
// simulated time.
type Clock struct {
	Iteration int64   // steps taken since the start of the simulation
	Time      float64 // simulated time, in the model's unit
}

// Model is what a Simulation advances.
type Model interface {
	// TimeStep advances the model by one step of its own choosing.
	TimeStep() error
	// Clock returns the model's current step count and time.
	Clock() Clock
}

// Phase says where in a simulation's life a Moment is.
type Phase int

const (
	// Start is the start of a fresh simulation, before its first step.
	Start Phase = iota
	// Restart is the start of a resumed simulation, before its first step.
	Restart
	// Step is the moment after a time step.
	Step
	// End is the end of the run, after its last step.
	End
)

// String names the phase.
func (p Phase) String() string {
	switch p {
	case Start:
		return "start"
	case Restart:
		return "restart"
	case Step:
		return "step"
	case End:
		return "end"
	}
	return "unknown phase"
}

// Moment is what a Schedule decides on and a callback is called with: the
// model's clock, the wall-clock time and the phase.
type Moment struct {
	Clock
	Wall  time.Time
	Phase Phase
}

// Func is a callback's body. It runs at moment m of simulation s; an error
// ends the run (see the package documentation).
type Func func(s *Simulation, m Moment) error

// Callsite says when in the step cycle a callback's schedule is asked.
type Callsite int

const (
	// AfterStep callbacks are asked after every step (Step), and at the
	// start and the end.
	AfterStep Callsite = iota
	// BeforeNextStep callbacks are asked after the AfterStep callbacks of
	// a step that does not end the run, and at the start and the end.
	// Step alone does not run them; Run does.
	BeforeNextStep
)

// Callback is a function run when its schedule is due.
type Callback struct {
	Name     string // for error messages
	Func     Func
	Schedule Schedule
	Callsite Callsite
}

// Simulation advances a Model with callbacks. Set its fields before the
// first Start, Step or Run.
type Simulation struct {
	// Model is the model advanced.
	Model Model
	// StopTime ends Run when the model's time reaches it (>=).
	StopTime float64
	// StopIteration, if positive, ends Run when the model has taken that
	// many steps.
	StopIteration int64
	// Resumed says the model continues an earlier simulation: the start
	// is Phase Restart.
	Resumed bool
	// Now is the wall clock (nil: time.Now); tests inject their own.
	Now func() time.Time

	callbacks []*Callback
	started   bool
	stopping  bool
	stopErr   error
}

// New returns a simulation of model that Run advances to stopTime.
func New(model Model, stopTime float64) *Simulation {
	return &Simulation{Model: model, StopTime: stopTime}
}

// Add adds a callback that runs fn when sch is due, after every step (the
// callsite AfterStep, which the returned Callback may change). Callbacks
// run in the order they were added.
func (s *Simulation) Add(name string, fn Func, sch Schedule) *Callback {
	c := &Callback{Name: name, Func: fn, Schedule: sch}
	s.callbacks = append(s.callbacks, c)
	return c
}

// Stop asks the run to end cleanly with err (nil: a plain stop): the rest
// of the current moment's callbacks are skipped and the AtEnd callbacks
// run; Run then returns err. Call it from a callback or between steps,
// not from another goroutine.
func (s *Simulation) Stop(err error) {
	s.stopping, s.stopErr = true, err
}

// Stopped reports whether Stop was called, and with which error: AtEnd
// callbacks use it to tell a stopped run from one that reached its end.
func (s *Simulation) Stopped() (bool, error) { return s.stopping, s.stopErr }

// Started reports whether the start callbacks have run.
func (s *Simulation) Started() bool { return s.started }

// moment is the model's current moment in phase p.
func (s *Simulation) moment(p Phase) Moment {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	return Moment{Clock: s.Model.Clock(), Wall: now(), Phase: p}
}

// fire runs the callbacks of callsite site (all, for the start and the
// end) whose schedule is due at m, until one fails or stops the run.
func (s *Simulation) fire(m Moment, site Callsite) error {
	stopped := s.stopping // the end of a stopped run runs every AtEnd callback
	for _, c := range s.callbacks {
		if m.Phase == Step && c.Callsite != site {
			continue
		}
		if !c.Schedule.Due(m) {
			continue
		}
		if err := c.Func(s, m); err != nil {
			return &CallbackError{Name: c.Name, Err: err}
		}
		if s.stopping && !stopped {
			return nil
		}
	}
	return nil
}

// Start runs the start callbacks (once; Step and Run call it when it has
// not been called).
func (s *Simulation) Start() error {
	if s.started {
		return nil
	}
	s.started = true
	p := Start
	if s.Resumed {
		p = Restart
	}
	return s.fire(s.moment(p), AfterStep)
}

// Step takes one model step and runs the AfterStep callbacks due after it.
func (s *Simulation) Step() error {
	if err := s.Start(); err != nil {
		return err
	}
	if err := s.Model.TimeStep(); err != nil {
		return err
	}
	return s.fire(s.moment(Step), AfterStep)
}

// done reports whether the clock has reached the stop time or iteration.
func (s *Simulation) done() bool {
	c := s.Model.Clock()
	return c.Time >= s.StopTime || (s.StopIteration > 0 && c.Iteration >= s.StopIteration)
}

// Run takes steps until the stop time or iteration, or a Stop, then runs
// the AtEnd callbacks. It returns the first error of the model or of a
// callback, or else the error given to Stop.
func (s *Simulation) Run() error {
	if err := s.Start(); err != nil {
		return err
	}
	for !s.stopping {
		if err := s.Step(); err != nil {
			return err
		}
		if s.stopping || s.done() {
			break
		}
		if err := s.fire(s.moment(Step), BeforeNextStep); err != nil {
			return err
		}
	}
	if err := s.fire(s.moment(End), AfterStep); err != nil {
		return err
	}
	return s.stopErr
}

// CallbackError is the error of a failed callback, named.
type CallbackError struct {
	Name string // the callback's name
	Err  error  // what it returned
}

// Error returns the callback's own message: the name is for errors.As and
// logs, so that a callback's errors read as they did without Simulation.
func (e *CallbackError) Error() string { return e.Err.Error() }

// Unwrap returns the callback's error.
func (e *CallbackError) Unwrap() error { return e.Err }
