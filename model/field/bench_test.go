package field

import "testing"

// The benchmarks sum a 513 x 1026 x 8 field (a 1024 x 512 run's main mesh)
// three ways: by columns from Layout.Column, by Layout.Index per point,
// and by the hand-written formula, to show what the layout's range checks
// cost when hoisted (nothing measurable) and when not.

var benchLayout = Layout{NTheta: 513, NPhi: 1026, NReal: 8}

var benchSink float64

func BenchmarkSumColumns(b *testing.B) {
	l := benchLayout
	data := make([]float64, l.Len())
	for i := 0; i < b.N; i++ {
		s := 0.0
		for r := 0; r < l.NReal; r++ {
			for k := 0; k < l.NPhi; k++ {
				for _, v := range l.Column(data, k, r) {
					s += v
				}
			}
		}
		benchSink = s
	}
}

func BenchmarkSumIndex(b *testing.B) {
	l := benchLayout
	data := make([]float64, l.Len())
	for i := 0; i < b.N; i++ {
		s := 0.0
		for r := 0; r < l.NReal; r++ {
			for k := 0; k < l.NPhi; k++ {
				for j := 0; j < l.NTheta; j++ {
					s += data[l.Index(j, k, r)]
				}
			}
		}
		benchSink = s
	}
}

func BenchmarkSumHandWritten(b *testing.B) {
	l := benchLayout
	nt, np := l.NTheta, l.NPhi
	data := make([]float64, l.Len())
	for i := 0; i < b.N; i++ {
		s := 0.0
		for r := 0; r < l.NReal; r++ {
			for k := 0; k < np; k++ {
				for j := 0; j < nt; j++ {
					s += data[j+nt*(k+np*r)]
				}
			}
		}
		benchSink = s
	}
}
