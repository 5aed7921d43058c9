//go:build !noasm

package flow

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAttenuationVectorBits checks the AVX-512 attenuation factors against
// 1 - math.Tanh(|f|*inv) bit for bit: on random fields over the whole
// range of tanh's three branches, densely around the branch points 0.625
// and 0.5*MAXLOG, and at zeros, subnormals, infinities and NaN.
func TestAttenuationVectorBits(t *testing.T) {
	if !useAttenuationAVX512 {
		t.Skip("AVX-512 attenuation kernel not checked: the CPU lacks AVX512F or FMA, or the build fuses multiply-adds")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var xs []float64
	for range 400000 {
		// |f|*inv from 1e-12 to 1e3 (inv = 1 below), both signs.
		x := math.Pow(10, -12+15*rng.Float64())
		if rng.IntN(2) == 0 {
			x = -x
		}
		xs = append(xs, x)
	}
	for _, c := range []float64{0.625, halfMaxLog} {
		x := c
		for range 2000 {
			x = math.Nextafter(x, 0)
		}
		for range 4000 {
			xs = append(xs, x, -x)
			x = math.Nextafter(x, math.Inf(1))
		}
		for range 20000 {
			xs = append(xs, c*(0.99+0.02*rng.Float64()))
		}
	}
	for x := 0.0; x < 50; x += 1.0 / 1024 {
		xs = append(xs, x) // the binary fractions, where k*ln2 reductions are exact
	}
	xs = append(xs, 0, math.Copysign(0, -1), 5e-324, -5e-324, 2.2250738585072014e-308, math.MaxFloat64,
		-math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 1, -1, 2, 44, 45, 709, 710)
	for len(xs)%8 != 0 {
		xs = append(xs, rng.Float64())
	}
	for _, inv := range []float64{1, 1.0 / 300, 1e-3, 37.5, -1.0 / 300} {
		got := make([]float64, len(xs))
		if n := attenuationVector(got, xs, inv); n != len(xs) {
			t.Fatalf("inv %v: attenuationVector did %d of %d points", inv, n, len(xs))
		}
		for i, x := range xs {
			want := 1 - math.Tanh(math.Abs(x)*inv)
			if math.Float64bits(got[i]) != math.Float64bits(want) && !(math.IsNaN(got[i]) && math.IsNaN(want)) {
				t.Fatalf("inv %v, f = %v (%#x): got %v (%#x), math.Tanh gives %v (%#x)", inv, x, math.Float64bits(x),
					got[i], math.Float64bits(got[i]), want, math.Float64bits(want))
			}
		}
	}
}

// BenchmarkAttenuation times the attenuation factors of a 1024 x 512
// field (the vector kernel where the CPU has it, else math.Tanh).
func BenchmarkAttenuation(b *testing.B) {
	f := make([]float64, 1024*512)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range f {
		f[i] = 500 * rng.NormFloat64()
	}
	tf := make([]float64, len(f))
	for _, vec := range []bool{false, true} {
		name := "scalar"
		if vec {
			name = "vector"
		}
		b.Run(name, func(b *testing.B) {
			saved := useAttenuationAVX512
			defer func() { useAttenuationAVX512 = saved }()
			useAttenuationAVX512 = vec && saved
			for i := 0; i < b.N; i++ {
				attenuation(tf, f, 1.0/300)
			}
			b.ReportMetric(float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
