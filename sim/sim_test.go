package sim

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// stepper is a model whose steps have the lengths dts (the last repeated).
type stepper struct {
	clock Clock
	dts   []float64
	fail  int64 // the step that fails (0: none)
}

func (m *stepper) TimeStep() error {
	if m.fail > 0 && m.clock.Iteration+1 == m.fail {
		return errors.New("model blew up")
	}
	dt := m.dts[min(int(m.clock.Iteration), len(m.dts)-1)]
	m.clock.Iteration++
	m.clock.Time += dt
	return nil
}

func (m *stepper) Clock() Clock { return m.clock }

// record returns a callback that logs "name@phase:iteration" into log.
func record(log *[]string, name string) Func {
	return func(s *Simulation, m Moment) error {
		*log = append(*log, fmt.Sprintf("%s@%v:%d", name, m.Phase, m.Iteration))
		return nil
	}
}

// fireTimes runs a simulation of steps dt to stop with one callback on sch
// and returns the times at which it ran.
func fireTimes(t *testing.T, dts []float64, stop float64, sch Schedule) []float64 {
	t.Helper()
	s := New(&stepper{dts: dts}, stop)
	var at []float64
	s.Add("probe", func(_ *Simulation, m Moment) error { at = append(at, m.Time); return nil }, sch)
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return at
}

func TestSchedules(t *testing.T) {
	for _, tc := range []struct {
		name string
		dts  []float64
		stop float64
		sch  Schedule
		want []float64
	}{
		{"iterations", []float64{1}, 7, &IterationInterval{N: 3}, []float64{0, 3, 6}},
		{"every iteration", []float64{2}, 6, &IterationInterval{N: 0}, []float64{0, 2, 4, 6}},
		// dt does not divide the interval: it fires at the first step at
		// or past each multiple.
		{"time, dt does not divide", []float64{0.375}, 3, &TimeInterval{Interval: 1}, []float64{0, 1.125, 2.25, 3}},
		{"time from a later start", []float64{0.5}, 3, &TimeInterval{Interval: 1, Start: 1.2}, []float64{1.5, 2.5}},
		// Steps longer than the interval: one firing a step, catching up.
		{"time, steps longer than the interval", []float64{2.5}, 10, &TimeInterval{Interval: 1}, []float64{0, 2.5, 5, 7.5, 10}},
		{"time, steps of varying length", []float64{0.25, 0.25, 2, 0.125}, 3, &TimeInterval{Interval: 1}, []float64{0, 2.5, 2.625, 3}},
		{"time, no interval: every step", []float64{0.5}, 1.5, &TimeInterval{}, []float64{0, 0.5, 1, 1.5}},
		{"at start", []float64{1}, 3, AtStart(), []float64{0}},
		{"at end", []float64{1}, 3, AtEnd(), []float64{3}},
		{"every step", []float64{1}, 3, EveryStep(), []float64{1, 2, 3}},
		{"always", []float64{1}, 2, Always(), []float64{0, 1, 2, 2}},
		{"any", []float64{1}, 6, Any{&IterationInterval{N: 4}, &TimeInterval{Interval: 3, Start: 3}, AtEnd()}, []float64{0, 3, 4, 6, 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fireTimes(t, tc.dts, tc.stop, tc.sch); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("fired at %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTimeIntervalCountsFirings checks that Actuations counts the firings
// and Next follows it, so that a resumed simulation continues the grid.
func TestTimeIntervalCountsFirings(t *testing.T) {
	ti := &TimeInterval{Interval: 2, Start: 1}
	fireTimes(t, []float64{1.5}, 6, ti)
	// Fired at 1.5 (>= 1), 3 (>= 3), 6 (>= 5): three firings.
	if ti.Actuations != 3 || ti.Next() != 7 {
		t.Errorf("actuations %d, next %g; want 3 and 7", ti.Actuations, ti.Next())
	}
	resumed := &TimeInterval{Interval: 2, Start: 1, Actuations: 3}
	s := New(&stepper{clock: Clock{Iteration: 4, Time: 6}, dts: []float64{1.5}}, 9)
	s.Resumed = true
	var at []float64
	s.Add("probe", func(_ *Simulation, m Moment) error { at = append(at, m.Time); return nil }, resumed)
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	if want := []float64{7.5, 9}; !reflect.DeepEqual(at, want) {
		t.Errorf("resumed: fired at %v, want %v (not at the restart)", at, want)
	}
}

// fakeClock is a wall clock that moves by step at every reading.
type fakeClock struct {
	now  time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.now = c.now.Add(c.step)
	return c.now
}

// TestWallTimeInterval runs with an injected wall clock that moves 20 s at
// every reading: the start reads it once, every step twice (after the
// step, before the next), so 20 s pass between the start and the first
// step and 40 s between steps.
func TestWallTimeInterval(t *testing.T) {
	for _, tc := range []struct {
		every time.Duration
		want  []int64
	}{
		{time.Minute, []int64{2, 4, 6}}, // 40 s, 80 s (fires), then 40 s, 80 s (fires) ...
		{90 * time.Second, []int64{3, 6}},
		{20 * time.Second, []int64{1, 2, 3, 4, 5, 6}},
		{5 * time.Minute, nil},
		{0, nil}, // off
	} {
		t.Run(tc.every.String(), func(t *testing.T) {
			c := &fakeClock{now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), step: 20 * time.Second}
			s := New(&stepper{dts: []float64{1}}, 6)
			s.Now = c.Now
			var at []int64
			s.Add("wall", func(_ *Simulation, m Moment) error { at = append(at, m.Iteration); return nil },
				&WallTimeInterval{Interval: tc.every})
			if err := s.Run(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(at, tc.want) {
				t.Errorf("fired after steps %v, want %v", at, tc.want)
			}
		})
	}
}

// TestRunOrder checks the order of callbacks at the start, after steps,
// before the next step and at the end, and that BeforeNextStep callbacks
// do not run after the last step.
func TestRunOrder(t *testing.T) {
	var log []string
	s := New(&stepper{dts: []float64{1}}, 2)
	s.Add("a", record(&log, "a"), Always())
	s.Add("check", record(&log, "check"), EveryStep()).Callsite = BeforeNextStep
	s.Add("b", record(&log, "b"), &IterationInterval{N: 1})
	s.Add("end", record(&log, "end"), AtEnd())
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a@start:0", "b@start:0",
		"a@step:1", "b@step:1", "check@step:1",
		"a@step:2", "b@step:2",
		"a@end:2", "end@end:2",
	}
	if !reflect.DeepEqual(log, want) {
		t.Errorf("callbacks ran as\n%v\nwant\n%v", log, want)
	}
}

// TestStepRunsAfterStepCallbacksOnly checks that Step starts the
// simulation once and runs the AfterStep callbacks, not the
// BeforeNextStep ones, and that Run then continues from there.
func TestStepRunsAfterStepCallbacksOnly(t *testing.T) {
	var log []string
	s := New(&stepper{dts: []float64{1}}, 3)
	s.Add("out", record(&log, "out"), &IterationInterval{N: 1})
	s.Add("check", record(&log, "check"), EveryStep()).Callsite = BeforeNextStep
	for i := 0; i < 2; i++ {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{"out@start:0", "out@step:1", "out@step:2", "out@step:3"}
	if !reflect.DeepEqual(log, want) {
		t.Errorf("callbacks ran as %v, want %v", log, want)
	}
}

// TestRunTakesAFirstStep checks that a run whose stop time is its start
// time takes one step (HipFT's loop) and ends.
func TestRunTakesAFirstStep(t *testing.T) {
	m := &stepper{dts: []float64{0}}
	s := New(m, 0)
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	if m.clock.Iteration != 1 {
		t.Errorf("took %d steps, want 1", m.clock.Iteration)
	}
}

func TestStopIteration(t *testing.T) {
	m := &stepper{dts: []float64{1}}
	s := New(m, 100)
	s.StopIteration = 4
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	if m.clock.Iteration != 4 {
		t.Errorf("took %d steps, want 4", m.clock.Iteration)
	}
}

var errDisk = errors.New("disk full")
var errHalt = errors.New("asked to halt")

// TestErrorsAndStops checks how a run ends when a callback or the model
// fails, and when a callback stops it.
func TestErrorsAndStops(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failModel int64 // the model's step that fails
		failAt    int64 // the step after which the "out" callback fails
		stopAt    int64 // the step after which "halt" stops the run
		wantErr   error
		wantSteps int64
		wantLog   []string
	}{
		{name: "clean", wantSteps: 3,
			wantLog: []string{"out@start:0", "out@step:1", "out@step:2", "out@step:3", "end@end:3"}},
		{name: "callback error", failAt: 2, wantErr: errDisk, wantSteps: 2,
			wantLog: []string{"out@start:0", "out@step:1"}},
		{name: "model error", failModel: 2, wantSteps: 1,
			wantLog: []string{"out@start:0", "out@step:1"}},
		{name: "stop", stopAt: 1, wantErr: errHalt, wantSteps: 1,
			wantLog: []string{"out@start:0", "out@step:1", "end@end:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log []string
			m := &stepper{dts: []float64{1}, fail: tc.failModel}
			s := New(m, 3)
			s.Add("out", func(s *Simulation, mo Moment) error {
				if mo.Iteration == tc.failAt && tc.failAt > 0 {
					return errDisk
				}
				return record(&log, "out")(s, mo)
			}, &IterationInterval{N: 1})
			s.Add("halt", func(s *Simulation, mo Moment) error {
				if mo.Iteration == tc.stopAt {
					s.Stop(errHalt)
				}
				return nil
			}, EveryStep()).Callsite = BeforeNextStep
			s.Add("skipped after a stop", func(s *Simulation, mo Moment) error {
				if stopped, _ := s.Stopped(); stopped {
					t.Error("a callback ran after Stop in the same moment")
				}
				return nil
			}, EveryStep()).Callsite = BeforeNextStep
			s.Add("end", record(&log, "end"), AtEnd())
			err := s.Run()
			switch {
			case tc.failModel > 0:
				if err == nil || err.Error() != "model blew up" {
					t.Errorf("error %v, want the model's", err)
				}
			case !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil):
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
			if tc.failAt > 0 {
				var ce *CallbackError
				if !errors.As(err, &ce) || ce.Name != "out" || ce.Error() != errDisk.Error() {
					t.Errorf("error %#v does not name the failed callback with its message", err)
				}
			}
			if m.clock.Iteration != tc.wantSteps {
				t.Errorf("took %d steps, want %d", m.clock.Iteration, tc.wantSteps)
			}
			if !reflect.DeepEqual(log, tc.wantLog) {
				t.Errorf("callbacks ran as %v, want %v", log, tc.wantLog)
			}
		})
	}
}

// TestStoppedAtEnd: every end callback runs after a stop and sees why
// the run stopped.
func TestStoppedAtEnd(t *testing.T) {
	s := New(&stepper{dts: []float64{1}}, 10)
	var seen error
	s.Add("halt", func(s *Simulation, m Moment) error {
		if m.Iteration == 2 {
			s.Stop(errHalt)
		}
		return nil
	}, EveryStep())
	s.Add("end", func(s *Simulation, m Moment) error { _, seen = s.Stopped(); return nil }, AtEnd())
	ends := 0
	s.Add("second end", func(*Simulation, Moment) error { ends++; return nil }, AtEnd())
	if err := s.Run(); err != errHalt {
		t.Fatalf("error %v, want %v", err, errHalt)
	}
	if seen != errHalt {
		t.Errorf("the end callback saw %v", seen)
	}
	if ends != 1 {
		t.Errorf("the second end callback ran %d times after a stop, want 1", ends)
	}
}

// TestStepAllocatesNothing: a step with schedules of every kind allocates
// nothing once set up (goft's time loop is allocation-free).
func TestStepAllocatesNothing(t *testing.T) {
	s := New(&stepper{dts: []float64{1}}, 1e9)
	n := 0
	count := func(*Simulation, Moment) error { n++; return nil }
	s.Add("a", count, &IterationInterval{N: 2})
	s.Add("b", count, &TimeInterval{Interval: 3})
	s.Add("c", count, &WallTimeInterval{Interval: time.Hour})
	s.Add("d", count, Any{EveryStep(), AtEnd()})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(50, func() {
		if err := s.Step(); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("a step allocates %g times", a)
	}
}
