package parallel

import "testing"

// BenchmarkTriad measures the machine's sustainable memory bandwidth with a
// STREAM-like triad a = b + s*c over 3 x 64 MiB arrays on all cores (24
// bytes per element), the ceiling for memory-bound kernels such as the
// diffusion stages.
func BenchmarkTriad(b *testing.B) {
	const n = 8 << 20
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range y {
		y[i], z[i] = 1, 2
	}
	p := New(0)
	defer p.Close()
	body := func(lo, hi int) {
		xs, ys, zs := x[lo:hi], y[lo:hi], z[lo:hi]
		for i := range xs {
			xs[i] = ys[i] + 3*zs[i]
		}
	}
	b.SetBytes(24 * n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.For(n, body)
	}
}
