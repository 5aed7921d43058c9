package flow_test

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
)

// cell is a user-defined flow model: a single-cell meridional flow
// vt = -A sin(2 theta), poleward in both hemispheres, with A in m/s.
// Everything a model needs is in this one type.
type cell struct {
	A float64 // amplitude, m/s
}

// Name is the name the model is registered under.
func (c *cell) Name() string { return "meridional_cell" }

// Add adds the model's velocity (Rs/hr) at time t (hours) to every
// realization. vt lives on the theta faces (ThetaHalf, ghosts included)
// and the main phi points; vp on the main theta points and the phi faces.
func (c *cell) Add(v *flow.Velocity, m *mesh.Mesh, t float64) error {
	for r := 0; r < v.NReal; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			for j := 0; j < m.NThetaHalf; j++ {
				v.Vt[v.VtIndex(j, k, r)] += -c.A * mesh.MPerSToRsPerHr * math.Sin(2*m.ThetaHalf[j])
			}
		}
	}
	return nil
}

// Example registers a user model next to the built-ins and runs it
// together with HipFT's rigid rotation.
func Example() {
	reg := flow.DefaultRegistry()
	reg.MustRegister("meridional_cell", func(s *flow.Setup) (flow.Model, error) {
		return &cell{A: 15}, nil
	})

	m, err := mesh.Uniform(91, 181) // 2 degree spacing
	if err != nil {
		panic(err)
	}
	cfg := &flow.Config{
		VpRigidOmega: 1.0,                         // built-in: 1 km/s at the equator
		Extra:        []string{"meridional_cell"}, // user models, added after the built-ins
	}
	fl, err := flow.FromConfig(cfg, reg, m, 1, 0, nil)
	if err != nil {
		panic(err)
	}
	if _, err := fl.Update(nil, 0); err != nil {
		panic(err)
	}
	v := fl.V
	// Theta face 23 is at 45 degrees colatitude; main row 45 is the equator.
	fmt.Printf("vt at 45 deg: %.3f m/s\n", v.Vt[v.VtIndex(23, 10, 0)]/mesh.MPerSToRsPerHr)
	fmt.Printf("vp at the equator: %.3f m/s\n", v.Vp[v.VpIndex(45, 10, 0)]/mesh.MPerSToRsPerHr)
	// Output:
	// vt at 45 deg: -15.000 m/s
	// vp at the equator: 1000.000 m/s
}
