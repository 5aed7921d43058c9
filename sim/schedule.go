package sim

import "time"

// Schedule decides when a callback runs. Due is asked once per moment at
// the callback's callsite (see Callsite); a schedule that keeps state (the
// count of its firings, the time of the last) updates it when it returns
// true, so a schedule value belongs to one callback.
type Schedule interface {
	Due(m Moment) bool
}

// ScheduleFunc adapts a function to a Schedule.
type ScheduleFunc func(m Moment) bool

// Due calls f.
func (f ScheduleFunc) Due(m Moment) bool { return f(m) }

// IterationInterval fires every N iterations: at the start of a fresh
// simulation (iteration 0) and after every step whose iteration is a
// multiple of N. N < 1 fires after every step.
type IterationInterval struct {
	N int64
}

// Due implements Schedule.
func (s *IterationInterval) Due(m Moment) bool {
	if m.Phase != Start && m.Phase != Step {
		return false
	}
	return s.N < 1 || m.Iteration%s.N == 0
}

// TimeInterval fires every Interval of simulated time from Start: at the
// first moment (the start of a fresh simulation, or after a step) whose
// time has reached Start + Actuations*Interval, where Actuations counts
// its firings. It fires at most once a moment, so a step longer than the
// interval leaves it behind and it catches up one interval a step (HipFT's
// output_history_time_cadence; Oceananigans jumps ahead instead). The
// model need not step onto the interval's times. Interval <= 0 fires at
// the start and after every step.
type TimeInterval struct {
	Interval float64 // simulated time between firings (<= 0: every step)
	Start    float64 // the time of the first firing
	// Actuations is the number of firings so far; a resumed simulation
	// restores it.
	Actuations int64
}

// Next returns the time at which the schedule fires next.
func (s *TimeInterval) Next() float64 { return s.Start + float64(s.Actuations)*s.Interval }

// Due implements Schedule.
func (s *TimeInterval) Due(m Moment) bool {
	if m.Phase != Start && m.Phase != Step {
		return false
	}
	if s.Interval > 0 && !(m.Time >= s.Next()) {
		return false
	}
	s.Actuations++
	return true
}

// WallTimeInterval fires after a step when Interval of wall-clock time has
// passed since it last fired, or since the start. Last is that moment; Due
// sets it at the start (fresh or resumed) and on firing.
type WallTimeInterval struct {
	Interval time.Duration
	Last     time.Time
}

// Due implements Schedule.
func (s *WallTimeInterval) Due(m Moment) bool {
	switch m.Phase {
	case Start, Restart:
		s.Last = m.Wall
		return false
	case Step:
		if s.Interval > 0 && m.Wall.Sub(s.Last) >= s.Interval {
			s.Last = m.Wall
			return true
		}
	}
	return false
}

// AtStart fires once, at the start of the simulation, fresh or resumed (a
// callback tells them apart by the Moment's Phase).
func AtStart() Schedule { return ScheduleFunc(atStart) }

func atStart(m Moment) bool { return m.Phase == Start || m.Phase == Restart }

// AtEnd fires once, at the end of Run (after the last step, or after a
// Stop).
func AtEnd() Schedule { return ScheduleFunc(atEnd) }

func atEnd(m Moment) bool { return m.Phase == End }

// Always fires at every moment: the start, every step and the end.
func Always() Schedule { return ScheduleFunc(always) }

func always(Moment) bool { return true }

// EveryStep fires after every step (not at the start or the end).
func EveryStep() Schedule { return ScheduleFunc(everyStep) }

func everyStep(m Moment) bool { return m.Phase == Step }

// Any fires when any of its schedules does. Every schedule is asked, so
// that each keeps its own count.
type Any []Schedule

// Due implements Schedule.
func (a Any) Due(m Moment) bool {
	due := false
	for _, s := range a {
		if s.Due(m) {
			due = true
		}
	}
	return due
}
