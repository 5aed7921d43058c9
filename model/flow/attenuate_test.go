package flow

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/mesh"
)

// refAttenuate is the attenuation as it was before it was optimised to
// evaluate tanh once per Br point, kept verbatim (serial) as the reference
// the optimised code must match bit for bit.
func refAttenuate(v *Velocity, m *mesh.Mesh, f []float64, values []float64) {
	nReal := v.NReal
	inv := make([]float64, nReal)
	for r := 0; r < nReal; r++ {
		if values[r] > 0 {
			inv[r] = 1 / values[r]
		} else {
			inv[r] = math.MaxFloat64
		}
	}
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nk := npm - 2
	for c := 0; c < nk*nReal; c++ {
		r, k := c/nk, c%nk+1
		inv := inv[r]
		fc := f[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		vt := v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		for j := 1; j < nt-1; j++ {
			br := max(math.Abs(fc[j-1]), math.Abs(fc[j]))
			vt[j] = vt[j] * (1 - math.Tanh(br*inv))
		}
	}
	nk = np - 2
	for c := 0; c < nk*nReal; c++ {
		r, k := c/nk, c%nk+1
		inv := inv[r]
		fw := f[ntm*(k-1+npm*r) : ntm*(k+npm*r)]
		fc := f[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		vp := v.Vp[ntm*(k+np*r) : ntm*(k+np*r+1)]
		for j := range vp {
			br := max(math.Abs(fw[j]), math.Abs(fc[j]))
			vp[j] = vp[j] * (1 - math.Tanh(br*inv))
		}
	}
	mesh.SetPeriodic(v.Vt, m.NThetaHalf, m.NPhiMain, nReal)
	mesh.SetPeriodic(v.Vp, m.NThetaMain, m.NPhiHalf, nReal)
}

// TestAttenuateMatchesReference checks the attenuation bit for bit against
// refAttenuate on several meshes and realization counts, serially and on
// pools of several sizes, with fields that have zeros, signed zeros, ties
// of |Br| across a face and magnitudes from tiny to huge.
func TestAttenuateMatchesReference(t *testing.T) {
	pools := []*parallel.Pool{nil, parallel.New(2), parallel.New(3), parallel.New(7)}
	defer func() {
		for _, p := range pools[1:] {
			p.Close()
		}
	}()
	for gi, g := range [][3]int{{5, 6, 1}, {9, 13, 3}, {17, 33, 2}, {46, 91, 5}, {91, 181, 2}} {
		m, err := mesh.Uniform(g[0], g[1])
		if err != nil {
			t.Fatal(err)
		}
		nReal := g[2]
		rng := rand.New(rand.NewSource(int64(gi)))
		f := make([]float64, m.Size()*nReal)
		for i := range f {
			switch rng.Intn(12) {
			case 0:
				f[i] = 0
			case 1:
				f[i] = math.Copysign(0, -1)
			case 2:
				if i > 0 {
					f[i] = -f[i-1] // a tie with the point before
				}
			case 3:
				f[i] = 1e300 * rng.NormFloat64()
			case 4:
				f[i] = 1e-310 * rng.NormFloat64()
			default:
				f[i] = 800 * rng.NormFloat64()
			}
		}
		values := make([]float64, nReal)
		for r := range values {
			values[r] = []float64{500, 300, -1, 0, 1e-3}[r%5]
		}
		v0 := NewVelocity(m, nReal)
		for _, s := range [][]float64{v0.Vt, v0.Vp} {
			for i := range s {
				s[i] = rng.NormFloat64()
			}
		}
		want := &Velocity{NReal: nReal, Vt: append([]float64(nil), v0.Vt...), Vp: append([]float64(nil), v0.Vp...)}
		refAttenuate(want, m, f, values)
		for pi, p := range pools {
			v := NewVelocity(m, nReal)
			copy(v.Vt, v0.Vt)
			copy(v.Vp, v0.Vp)
			a := newAttenuator(m, nReal, p)
			a.apply(v, v, f, values)
			name := fmt.Sprintf("%dx%dx%d pool %d", g[0], g[1], nReal, pi)
			for _, c := range []struct {
				what      string
				got, want []float64
			}{{"vt", v.Vt, want.Vt}, {"vp", v.Vp, want.Vp}} {
				for i := range c.got {
					if math.Float64bits(c.got[i]) != math.Float64bits(c.want[i]) {
						t.Fatalf("%s: %s[%d] = %v, reference %v", name, c.what, i, c.got[i], c.want[i])
					}
				}
			}
		}
	}
}

// BenchmarkAttenuate1024x512x8 times the attenuation alone, serially, at
// 1024x512 cells with 8 realizations, on a smooth field plus noise (as in
// magnetograms, neighbouring |Br| are in random order): "ref" is the code
// before optimisation (refAttenuate), "opt" the current one.
func BenchmarkAttenuate1024x512x8(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	const nReal = 8
	rng := rand.New(rand.NewSource(1))
	f := make([]float64, m.Size()*nReal)
	for i := range f {
		f[i] = 300*math.Sin(float64(i)*0.001) + 100*rng.NormFloat64()
	}
	v := NewVelocity(m, nReal)
	a := newAttenuator(m, nReal, nil)
	values := []float64{500, 500, 500, 500, 500, 500, 500, 500}
	for _, c := range []struct {
		name  string
		apply func()
	}{
		{"ref", func() { refAttenuate(v, m, f, values) }},
		{"opt", func() { a.apply(v, v, f, values) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				for j := range v.Vt {
					v.Vt[j] = 1
				}
				for j := range v.Vp {
					v.Vp[j] = 1
				}
				b.StartTimer()
				c.apply()
			}
			b.ReportMetric(float64(b.N)*float64(len(f))/b.Elapsed().Seconds(), "points/s")
		})
	}
}
