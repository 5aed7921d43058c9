package flow

import (
	"math"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/mesh"
)

// BenchmarkUpdateAttenuated1024x512x8 times one flow update at production
// size with AFT differential rotation and meridional flow and attenuation
// (recomputed every step, as HipFT does when attenuating).
func BenchmarkUpdateAttenuated1024x512x8(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	const nr = 8
	rep := func(v float64) []float64 {
		s := make([]float64, nr)
		for i := range s {
			s[i] = v
		}
		return s
	}
	pool := parallel.New(0)
	defer pool.Close()
	models := []Model{&MeridionalAFT{P1: rep(22), P3: rep(11), P5: rep(-28)}, &DiffRotationAFT{P0: rep(46), P2: rep(-262), P4: rep(-379)}}
	fl, err := New(m, nr, models, rep(500), pool)
	if err != nil {
		b.Fatal(err)
	}
	f := make([]float64, m.Size()*nr)
	for i := range f {
		f[i] = 300 * math.Sin(float64(i)*0.001)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fl.Invalidate()
		if _, err := fl.Update(f, 0); err != nil {
			b.Fatal(err)
		}
	}
}
