//go:build !noasm

package diag

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// TestAnalyzeVectorMatchesScalar compares Analyze with the AVX-512 history
// kernels against Analyze with the Go loops alone, bit for bit: fields of
// both signs, non-negative fields whose minimum is a zero of either sign
// (the lanes would reorder those ties), a field of zeros, a field with a
// NaN, on meshes whose columns are and are not whole blocks of eight, for
// cap limits that put rows in no cap, one, or both.
func TestAnalyzeVectorMatchesScalar(t *testing.T) {
	if !useAVX512 {
		t.Skip("AVX-512 history kernels not checked: the CPU lacks AVX512F")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	fields := map[string]func(i, n int) float64{
		"signed": func(i, n int) float64 { return 1000 * (2*rng.Float64() - 1) },
		"zero first -0": func(i, n int) float64 {
			switch {
			case i == n/3:
				return math.Copysign(0, -1)
			case i%17 == 5 && i > n/3:
				return 0
			}
			return 500 * rng.Float64()
		},
		"zero first +0": func(i, n int) float64 {
			switch {
			case i == n/3:
				return 0
			case i%17 == 5 && i > n/3:
				return math.Copysign(0, -1)
			}
			return 500 * rng.Float64()
		},
		"zeros": func(i, n int) float64 {
			if i == 9 {
				return math.Copysign(0, -1)
			}
			return 0
		},
		"nan": func(i, n int) float64 {
			if i == n/2 {
				return math.NaN()
			}
			return 1000 * (2*rng.Float64() - 1)
		},
	}
	for _, size := range [][2]int{{7, 12}, {15, 30}, {91, 180}, {128, 256}} {
		m, _ := mesh.Uniform(size[0], size[1])
		n := m.Size()
		for name, gen := range fields {
			f, ref := make([]float64, n), make([]float64, n)
			for i := range f {
				f[i] = gen(i, n)
				ref[i] = 1000 * (2*rng.Float64() - 1)
			}
			for _, limit := range []float64{0, 30, 90, 180} {
				a := NewAnalyzer(m, limit)
				for _, r := range [][]float64{nil, ref} {
					useAVX512 = false
					want := a.Analyze(f, r, 3)
					useAVX512 = true
					got := a.Analyze(f, r, 3)
					gv, wv := got.Values(), want.Values()
					for c := range gv {
						if math.Float64bits(gv[c]) != math.Float64bits(wv[c]) {
							t.Errorf("%dx%d %s, limit %v, ref %v: column %d = %v, Go loops %v", size[0], size[1], name, limit, r != nil, c, gv[c], wv[c])
						}
					}
				}
			}
		}
	}
}
