package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 7} {
		p := New(workers)
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			hits := make([]int32, n)
			p.For(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("workers=%d n=%d: index %d visited %d times", workers, n, i, h)
				}
			}
		}
		p.Close()
	}
}

func TestNilPoolRunsInline(t *testing.T) {
	var p *Pool
	sum := 0
	p.For(10, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sum += i
		}
	})
	if sum != 45 {
		t.Fatalf("sum = %d, want 45", sum)
	}
}

// TestBarrierOrdersPhases checks that no member passes phase p before every
// member has finished the work of phase p, over many phases and team sizes
// (including teams larger than GOMAXPROCS).
func TestBarrierOrdersPhases(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		p := New(n)
		b := NewBarrier(n)
		const phases = 2000
		done := make([]int32, n)
		var bad atomic.Int32
		p.For(n, func(lo, hi int) {
			for w := lo; w < hi; w++ {
				for ph := int32(1); ph <= phases; ph++ {
					atomic.StoreInt32(&done[w], ph)
					b.Wait()
					for v := range done {
						if atomic.LoadInt32(&done[v]) < ph {
							bad.Add(1)
						}
					}
					b.Wait()
				}
			}
		})
		p.Close()
		if bad.Load() != 0 {
			t.Fatalf("team of %d: %d members passed a barrier early", n, bad.Load())
		}
	}
}

func TestCopierCopies(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		p := New(workers)
		c := NewCopier(p)
		for _, n := range []int{0, 1, 7, 1000} {
			src, dst := make([]float64, n+3), make([]float64, n)
			for i := range src {
				src[i] = float64(i) + 0.5
			}
			c.Copy(dst, src)
			for i := range dst {
				if dst[i] != src[i] {
					t.Fatalf("workers=%d n=%d: dst[%d] = %v, want %v", workers, n, i, dst[i], src[i])
				}
			}
		}
		p.Close()
	}
}
