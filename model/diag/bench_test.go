package diag

import (
	"fmt"
	"math"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// BenchmarkAnalyze1024x512 times the history statistics of one
// realization at production size (1025 x 513 points).
func BenchmarkAnalyze1024x512(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	f := fillField(m, func(t, p float64) float64 { return 10*math.Cos(t) + math.Sin(t)*math.Cos(3*p) })
	a := NewAnalyzer(m, 30)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Analyze(f, nil, 0)
	}
	b.ReportMetric(float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkAnalyzeMixedSign1024x512 is BenchmarkAnalyze1024x512 on a field
// whose sign changes from point to point (as in active regions and noise),
// where a branch on the sign of each flux would be mispredicted.
func BenchmarkAnalyzeMixedSign1024x512(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	f := fillField(m, func(t, p float64) float64 { return math.Sin(1e4 * (t + 3*p)) })
	a := NewAnalyzer(m, 30)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Analyze(f, nil, 0)
	}
	b.ReportMetric(float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkAnalyzePart1024x512 times each part of the statistics alone
// (AnalyzePart: 0 the extremes and fluxes, 1 the dipoles and, with a
// reference, the validation error), as the run's workers compute them.
func BenchmarkAnalyzePart1024x512(b *testing.B) {
	m, _ := mesh.Uniform(513, 1025)
	f := fillField(m, func(t, p float64) float64 { return math.Sin(1e4 * (t + 3*p)) })
	ref := fillField(m, func(t, p float64) float64 { return math.Cos(t) })
	a := NewAnalyzer(m, 30)
	for part := 0; part < AnalyzeParts; part++ {
		b.Run(fmt.Sprintf("part=%d", part), func(b *testing.B) {
			var s Stats
			for i := 0; i < b.N; i++ {
				a.AnalyzePart(f, ref, part, &s)
			}
			b.ReportMetric(float64(len(f))*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
