package diffusion

import (
	"fmt"
	"math"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/mesh"
)

// BenchmarkRKG2Step1024x512x8 times one RKG2 diffusion step of 1 hour
// (D = 500 km^2/s, one fixed subcycle) at production size: a 1024 x 512
// map (1025 x 513 points) with 8 realizations. It reports the STS stages
// per step and the cell updates per second (stages x cells / time).
func BenchmarkRKG2Step1024x512x8(b *testing.B) {
	ds := make([]float64, 8)
	for i := range ds {
		ds[i] = 500
	}
	benchRKG2Step(b, 8, CoefSpec{Constants: ds, Factor: mesh.DiffKm2PerSToRs2PerHr})
}

// BenchmarkRKG2StepGridCoef1024x512 is BenchmarkRKG2Step1024x512x8 for
// one realization with the grid coefficient of HipFT's smooth_magnetogram
// example (diffusion_coef_grid, diffusion_coef_factor = 3): a coefficient
// that varies in space, so the operator's weights are stored, not
// factored.
func BenchmarkRKG2StepGridCoef1024x512(b *testing.B) {
	benchRKG2Step(b, 1, CoefSpec{Constants: []float64{0}, Grid: true, Factor: 3})
}

// benchRKG2Step times one-hour RKG2 steps of nr realizations on the
// 1025 x 513 mesh with the coefficient spec.
func benchRKG2Step(b *testing.B, nr int, spec CoefSpec) {
	m, err := mesh.Uniform(513, 1025)
	if err != nil {
		b.Fatal(err)
	}
	coef, err := CornerCoef(m, spec)
	if err != nil {
		b.Fatal(err)
	}
	pool := parallel.New(0)
	defer pool.Close()
	op := NewOperator(m, nr, coef, pool)
	s, _ := NewStepper(op, RKG2, 1, pool)
	f := make([]float64, m.Size()*nr)
	for r := 0; r < nr; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				f[m.Index(j, k, r)] = 10*math.Cos(m.Theta[j]) + math.Sin(m.Theta[j])*math.Cos(4*m.Phi[k])
			}
		}
	}
	mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nr)
	m.PoleAverage(f, nr)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Advance(f, 1, nil)
	}
	b.StopTimer()
	stages := float64(s.StagesUsed)
	b.ReportMetric(stages, "stages/step")
	b.ReportMetric(stages*float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "cell-updates/s")
}

// BenchmarkOperatorApply1024x512x8 times one application of L.
func BenchmarkOperatorApply1024x512x8(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	const nr = 8
	ds := make([]float64, nr)
	for i := range ds {
		ds[i] = 500
	}
	coef, _ := CornerCoef(m, CoefSpec{Constants: ds, Factor: mesh.DiffKm2PerSToRs2PerHr})
	pool := parallel.New(0)
	defer pool.Close()
	op := NewOperator(m, nr, coef, pool)
	x := make([]float64, m.Size()*nr)
	y := make([]float64, len(x))
	for i := range x {
		x[i] = float64(i%97) * 0.01
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op.Apply(y, x)
	}
	b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds(), "cell-updates/s")
}

// BenchmarkBlockShape times one RKG2 step of 1 hour on 1025 x 513 points
// with 1 and 8 realizations for several wavefront block shapes (theta rows
// per band, stages per block), with a constant coefficient (D = 500
// km^2/s, factored weights) and, for 1 and 2 realizations, the grid
// coefficient of HipFT's smooth_magnetogram example (stored weights); the
// default shapes are chosen from it. One stage per block is the unblocked
// stage sequence.
func BenchmarkBlockShape(b *testing.B) {
	m, err := mesh.Uniform(513, 1025)
	if err != nil {
		b.Fatal(err)
	}
	pool := parallel.New(0)
	defer pool.Close()
	for _, c := range []struct {
		name string
		nr   int
		grid bool
	}{{"constant", 1, false}, {"constant", 8, false}, {"grid", 1, true}, {"grid", 2, true}} {
		ds := make([]float64, c.nr)
		spec := CoefSpec{Constants: ds, Grid: true, Factor: 0.3}
		if !c.grid {
			for i := range ds {
				ds[i] = 500
			}
			spec = CoefSpec{Constants: ds, Factor: mesh.DiffKm2PerSToRs2PerHr}
		}
		coef, _ := CornerCoef(m, spec)
		op := NewOperator(m, c.nr, coef, pool)
		s, _ := NewStepper(op, RKG2, 1, pool)
		f := make([]float64, m.Size()*c.nr)
		for i := range f {
			f[i] = math.Sin(float64(i))
		}
		for _, shape := range [][2]int{{513, 1}, {16, 8}, {32, 16}, {64, 8}, {64, 16}, {64, 32}} {
			b.Run(fmt.Sprintf("%s/nr=%d/rows=%d/stages=%d", c.name, c.nr, shape[0], shape[1]), func(b *testing.B) {
				s.wave = newWavefront(m.NThetaMain, m.NPhiMain, c.nr, s.wave.team, shape[0], shape[1])
				for i := 0; i < b.N; i++ {
					s.Advance(f, 1, nil)
				}
				b.ReportMetric(float64(s.StagesUsed)*float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "cell-updates/s")
			})
		}
	}
}

// BenchmarkRKG2FewStages181x361x5 times a diffusion step of a few stages
// (three RKG2 stages of 0.25 h at D = 25 km^2/s on 181 x 361 points, five
// realizations: diffuse_advect_atten_map_1cr's), where the super step's
// set-up and copy-out weigh as much as the stages.
func BenchmarkRKG2FewStages181x361x5(b *testing.B) {
	m, _ := mesh.Uniform(181, 361)
	const nr = 5
	pool := parallel.New(0)
	defer pool.Close()
	coef, _ := CornerCoef(m, CoefSpec{Constants: []float64{25, 25, 25, 25, 25}, Factor: mesh.DiffKm2PerSToRs2PerHr})
	op := NewOperator(m, nr, coef, pool)
	s, _ := NewStepper(op, RKG2, 1, pool)
	f := make([]float64, m.Size()*nr)
	for i := range f {
		f[i] = math.Sin(float64(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Advance(f, 0.25, nil)
	}
	b.ReportMetric(float64(s.StagesUsed), "stages/step")
}
