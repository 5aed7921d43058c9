package conflow

import (
	"testing"

	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/internal/parallel"
)

func BenchmarkStep256(b *testing.B) {
	p := Defaults()
	p.NLat, p.NLong = 256, 512
	g := NewGenerator(p, fortranrand.Fill(1), nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Step()
	}
}

func BenchmarkStep512(b *testing.B) {
	p := Defaults()
	pool := parallel.New(0)
	defer pool.Close()
	g := NewGenerator(p, fortranrand.Fill(1), pool)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Step()
	}
}

// BenchmarkStep512OneCore is BenchmarkStep512 on the calling goroutine
// alone: the kernels' cost without the pool (steadier on a shared
// machine).
func BenchmarkStep512OneCore(b *testing.B) {
	g := NewGenerator(Defaults(), fortranrand.Fill(1), nil)
	g.Step()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Step()
	}
}
