package parallel

import (
	"testing"
	"time"
)

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

// BenchmarkForOverhead times a For over all workers whose chunks do almost
// nothing: the cost of handing work to the workers and waiting for them,
// paid by every kernel pass (hundreds per time step on small meshes).
func BenchmarkForOverhead(b *testing.B) {
	p := New(0)
	defer p.Close()
	var sink [64]float64
	body := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sink[i%64]++
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.For(p.Workers(), body)
	}
}

// BenchmarkForAfterSerialWork times a For of 64K points (one realization
// of a 180 x 360 mesh; a scaled copy split between the workers) that
// follows 50 microseconds of serial work on the caller, as kernel passes
// follow a time step's bookkeeping: the workers must be woken or found
// waiting.
func BenchmarkForAfterSerialWork(b *testing.B) {
	const n = 180 * 360
	x, y := make([]float64, n), make([]float64, n)
	p := New(0)
	defer p.Close()
	body := func(lo, hi int) {
		xs, ys := x[lo:hi], y[lo:hi]
		for i := range xs {
			xs[i] = 0.5 * ys[i]
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for t0 := time.Now(); time.Since(t0) < 50*time.Microsecond; {
		}
		p.For(n, body)
	}
}

// BenchmarkShareOverhead is BenchmarkForOverhead for Share over 1024
// indices (shareChunks chunks per worker): the cost of handing the chunks
// out, against For's one chunk per worker.
func BenchmarkShareOverhead(b *testing.B) {
	p := New(0)
	defer p.Close()
	var sink [64]float64
	body := func(w, _, _ int) {
		sink[w%64]++ // each worker its own element
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Share(1024, body)
	}
}
