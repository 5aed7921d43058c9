package finite

import (
	"fmt"
	"math"
	"testing"
)

func TestFirst(t *testing.T) {
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	good := []float64{0, math.Copysign(0, -1), math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-310, -3.5}
	for _, n := range []int{0, 1, 7, 8, 9, 16, 23, 64, 100} {
		v := make([]float64, n)
		for i := range v {
			v[i] = good[i%len(good)]
		}
		if got := First(v); got != -1 {
			t.Fatalf("n=%d, all finite: First = %d, want -1", n, got)
		}
		for pos := 0; pos < n; pos++ {
			for _, b := range bad {
				v[pos] = b
				if got := First(v); got != pos {
					t.Fatalf("n=%d, %v at %d: First = %d", n, b, pos, got)
				}
				// A second bad value later does not move the answer.
				if pos+3 < n {
					v[pos+3] = math.NaN()
					if got := First(v); got != pos {
						t.Fatalf("n=%d, %v at %d and NaN at %d: First = %d", n, b, pos, pos+3, got)
					}
					v[pos+3] = good[(pos+3)%len(good)]
				}
			}
			v[pos] = good[pos%len(good)]
		}
	}
}

func ExampleFirst() {
	v := []float64{1, 2, math.Inf(1), math.NaN()}
	fmt.Println(First(v))
	// Output: 2
}

// BenchmarkFirst scans a finite field of 181 x 361 x 5 values (the
// attenuation testsuite case's), as the run does after every step.
func BenchmarkFirst(b *testing.B) {
	v := make([]float64, 181*361*5)
	for i := range v {
		v[i] = float64(i) * 1e-3
	}
	b.SetBytes(int64(8 * len(v)))
	for i := 0; i < b.N; i++ {
		if First(v) != -1 {
			b.Fatal("finite field reported non-finite")
		}
	}
}
