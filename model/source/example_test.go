package source_test

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/source"
)

// bipole is a user-defined source: an active region emerging at a fixed
// place between Start and End (hours), as two Gaussian spots of opposite
// sign whose field grows at Rate G/hr at their centres.
type bipole struct {
	Rate       float64      // G/hr at the spot centres
	Start, End float64      // hours
	shape      []float64    // one realization's spots, unit peak
	l          field.Layout // of the rate S: the main mesh, every realization
}

func newBipole(m *mesh.Mesh, nReal int, lat, lon, sep, width, rate, start, end float64) *bipole {
	b := &bipole{Rate: rate, Start: start, End: end, l: m.Layout(field.Center, nReal)}
	b.shape = make([]float64, b.l.RealizationLen())
	for k := 0; k < m.NPhiMain; k++ { // every column, ghosts included
		col := b.l.One().Column(b.shape, k, 0) // theta runs fastest
		for j := range col {
			for _, s := range []float64{1, -1} { // leading (east) spot positive
				ct := (90 - lat) * mesh.Deg2Rad
				cp := (lon + s*sep/2) * mesh.Deg2Rad
				cosd := math.Cos(m.Theta[j])*math.Cos(ct) + math.Sin(m.Theta[j])*math.Sin(ct)*math.Cos(m.Phi[k]-cp)
				d := math.Acos(math.Max(-1, math.Min(1, cosd))) / mesh.Deg2Rad
				col[j] += s * math.Exp(-d*d/(width*width))
			}
		}
	}
	return b
}

// Name is the name the source is registered under.
func (b *bipole) Name() string { return "bipole" }

// Add adds the source rate (G/hr) at time t (hours) to every realization.
func (b *bipole) Add(s []float64, t float64) error {
	if t < b.Start || t >= b.End {
		return nil
	}
	for r := 0; r < b.l.NReal; r++ {
		sr := b.l.Realization(s, r)
		for i, v := range b.shape {
			sr[i] += b.Rate * v
		}
	}
	return nil
}

// Example registers a user source and runs it next to HipFT's random flux
// emergence for one hour.
func Example() {
	reg := source.DefaultRegistry()
	reg.MustRegister("bipole", func(s *source.Setup) (source.Source, error) {
		return newBipole(s.Mesh, s.NReal, 20, 90, 10, 4, 5, 0, 48), nil
	})

	m, err := mesh.Uniform(91, 181) // 2 degree spacing
	if err != nil {
		panic(err)
	}
	cfg := &source.Config{
		RFEModel: 1, RFEFluxPerHour: []float64{0}, RFELifetime: 0.3, RFESeed: 1, // built-in, here with no flux
		Extra: []string{"bipole"}, // user sources, added after the built-ins
	}
	src, err := source.FromConfig(cfg, reg, m, 1, 0)
	if err != nil {
		panic(err)
	}
	f := make([]float64, m.Size()) // Br, G
	for t := 0.0; t < 1; t += 0.25 {
		if err := src.Update(t); err != nil { // at the start of each step
			panic(err)
		}
		src.Apply(f, 0.25) // f += 0.25 h * S
	}
	pos, neg := diag.Flux(m, f)
	fmt.Printf("flux after 1 h: %+.3e Mx, %+.3e Mx\n", pos*mesh.RsunCm2, neg*mesh.RsunCm2)
	// Output:
	// flux after 1 h: +3.301e+20 Mx, -3.301e+20 Mx
}
