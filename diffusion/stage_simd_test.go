//go:build goexperiment.simd && amd64

package diffusion

import (
	"math"
	"testing"

	"goft/mesh"
)

// TestVectorStageIsBitIdentical compares RKG2 super steps with and without
// the AVX2 stage kernel: every value must have the same bits.
func TestVectorStageIsBitIdentical(t *testing.T) {
	if !haveVector {
		t.Skip("no AVX2 on this CPU")
	}
	m, _ := mesh.Uniform(67, 129) // 65 interior rows: vector body and scalar tail
	const nr = 3
	run := func(vector bool) []float64 {
		saved := haveVector
		haveVector = vector
		defer func() { haveVector = saved }()
		op := NewOperator(m, nr, constantCoef(m, 100, 0, 900), nil)
		s, _ := NewStepper(op, RKG2, 0, nil)
		f := soccerField(m, nr)
		for i := range f {
			f[i] += 0.25 * math.Sin(float64(i))
		}
		mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nr)
		s.Advance(f, 300, nil)
		return f
	}
	a, b := run(false), run(true)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("index %d: scalar %v, vector %v", i, a[i], b[i])
		}
	}
}
