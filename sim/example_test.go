package sim_test

import (
	"fmt"

	"github.com/goft-sft/goft/sim"
)

// decay is a model of exponential decay, du/dt = -u/tau, stepped by
// forward Euler with a fixed step.
type decay struct {
	clock  sim.Clock
	u, tau float64
	dt     float64
}

func (d *decay) TimeStep() error {
	d.u -= d.dt * d.u / d.tau
	d.clock.Iteration++
	d.clock.Time += d.dt
	return nil
}

func (d *decay) Clock() sim.Clock { return d.clock }

// A Simulation with an output every 1.0 time units (the step, 0.4, does not
// divide it), a progress line every 5 steps and a summary at the end.
func Example() {
	m := &decay{u: 1, tau: 2, dt: 0.4}
	s := sim.New(m, 3)
	s.Add("output", func(_ *sim.Simulation, at sim.Moment) error {
		fmt.Printf("t = %.1f  u = %.4f\n", at.Time, m.u)
		return nil
	}, &sim.TimeInterval{Interval: 1})
	s.Add("progress", func(_ *sim.Simulation, at sim.Moment) error {
		fmt.Printf("step %d\n", at.Iteration)
		return nil
	}, &sim.IterationInterval{N: 5})
	s.Add("summary", func(_ *sim.Simulation, at sim.Moment) error {
		fmt.Printf("done: %d steps to t = %.1f\n", at.Iteration, at.Time)
		return nil
	}, sim.AtEnd())
	if err := s.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// t = 0.0  u = 1.0000
	// step 0
	// t = 1.2  u = 0.5120
	// t = 2.0  u = 0.3277
	// step 5
	// t = 3.2  u = 0.1678
	// done: 8 steps to t = 3.2
}
