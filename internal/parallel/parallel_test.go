package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
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

// TestShareCoversEveryIndexOnce checks that Share visits every index once,
// in chunks within [0, n), each run by a worker index within the pool, and
// that a pool mixes Share and For.
func TestShareCoversEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 7} {
		p := New(workers)
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			hits := make([]int32, n)
			var badWorker atomic.Int32
			p.Share(n, func(w, lo, hi int) {
				if w < 0 || w >= workers || lo < 0 || hi > n || lo >= hi {
					badWorker.Add(1)
				}
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&hits[i], 1)
				}
			})
			if badWorker.Load() != 0 {
				t.Fatalf("workers=%d n=%d: %d chunks with a bad worker or range", workers, n, badWorker.Load())
			}
			for i, h := range hits {
				if h != 1 {
					t.Fatalf("workers=%d n=%d: index %d visited %d times", workers, n, i, h)
				}
			}
			sum := 0
			p.For(n, func(lo, hi int) {
				if lo == 0 {
					sum = hi // chunk 0 runs on the caller
				}
			})
			if n > 0 && sum == 0 {
				t.Fatalf("workers=%d n=%d: For after Share did not run chunk 0", workers, n)
			}
		}
		p.Close()
	}
}

// TestShareBalancesASlowWorker checks what Share is for: with one worker
// far slower than the others (here: every chunk worker 1 runs takes 50 ms
// longer), the others take over its chunks, so the whole takes far less
// than the slow worker's fixed share would. (Worker 1 could run its whole
// share only if the caller stalled for 400 ms after its own chunks.)
func TestShareBalancesASlowWorker(t *testing.T) {
	p := New(2)
	defer p.Close()
	var byWorker [2]atomic.Int32
	p.Share(64, func(w, lo, hi int) {
		byWorker[w].Add(int32(hi - lo))
		if w == 1 {
			time.Sleep(50 * time.Millisecond)
		}
	})
	// 16 chunks of 4: worker 1 can run at most a few of them while
	// worker 0 runs the rest without waiting (For would give it 32 indices).
	if got := byWorker[1].Load(); got >= 32 {
		t.Fatalf("the slow worker ran %d of 64 indices, want fewer than For's 32", got)
	}
	if byWorker[0].Load()+byWorker[1].Load() != 64 {
		t.Fatalf("indices run: %d + %d, want 64", byWorker[0].Load(), byWorker[1].Load())
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
	p.Share(10, func(w, lo, hi int) {
		if w != 0 || lo != 0 || hi != 10 {
			t.Fatalf("nil pool Share: body(%d, %d, %d), want body(0, 0, 10)", w, lo, hi)
		}
	})
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

// TestForReturnsAfterEveryChunk checks, over many passes, that For returns
// only after every index of its range was visited, and that no chunk runs
// outside its own For (each pass's body knows its pass and checks the
// token the caller holds up only during that For), with serial work of
// varying length between passes (so that workers are found polling,
// yielding or asleep), on pools larger and smaller than GOMAXPROCS.
func TestForReturnsAfterEveryChunk(t *testing.T) {
	for _, workers := range []int{2, 3, 8} {
		p := New(workers)
		var token, bad, ran atomic.Int64
		for pass := int64(1); pass <= 3000; pass++ {
			n := int(1 + pass%int64(2*workers+3))
			ran.Store(0)
			token.Store(pass)
			p.For(n, func(lo, hi int) {
				if token.Load() != pass {
					bad.Add(1)
				}
				ran.Add(int64(hi - lo))
			})
			if got := ran.Load(); got != int64(n) {
				t.Fatalf("%d workers, pass %d: For returned after %d of %d indices", workers, pass, got, n)
			}
			token.Store(0)
			if pass%7 == 0 {
				time.Sleep(time.Duration(pass%5) * 50 * time.Microsecond)
			}
		}
		p.Close()
		if bad.Load() != 0 {
			t.Fatalf("%d workers: %d chunks ran outside their For", workers, bad.Load())
		}
	}
}

// TestLateWorkerDoesNotEndNextFor deschedules the worker that finished a
// For's last chunk between its count and its wake-up of the caller (as a
// loaded machine may), long enough for the caller to return, start the
// next For and fall asleep waiting for it: the late wake-up must not end
// that next For before its chunks are done. (Before the flag named its
// generation, it did, and a chunk then ran after its For returned.)
func TestLateWorkerDoesNotEndNextFor(t *testing.T) {
	var stall atomic.Bool
	afterLastChunk = func() {
		if stall.Swap(false) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	defer func() { afterLastChunk = nil }()
	p := New(2)
	defer p.Close()
	for pass := 1; pass <= 20; pass++ {
		// A For whose worker chunk ends before the caller's: the caller
		// finds it done without sleeping, while the worker stalls.
		var workerDone atomic.Bool
		stall.Store(true)
		p.For(2, func(lo, hi int) {
			if lo > 0 {
				workerDone.Store(true)
				return
			}
			for !workerDone.Load() {
				runtime.Gosched()
			}
		})
		// The next For: the caller falls asleep while the worker stalls.
		var done atomic.Int64
		p.For(2, func(lo, hi int) {
			if lo > 0 {
				time.Sleep(time.Millisecond)
			}
			done.Add(1)
		})
		if done.Load() != 2 {
			t.Fatalf("pass %d: For returned after %d of its 2 chunks", pass, done.Load())
		}
	}
}
