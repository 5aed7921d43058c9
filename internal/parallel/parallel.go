// Package parallel runs loop bodies over index ranges on a fixed set of
// worker goroutines. It exists so that numerical kernels can be written as
// plain functions over a range [lo, hi) and spread over all cores without
// allocating in the time loop.
package parallel

import (
	"runtime"
	"sync"
)

// Body is a loop body over the half-open index range [lo, hi).
type Body func(lo, hi int)

type task struct {
	body   Body
	lo, hi int
	wg     *sync.WaitGroup
}

// Pool is a set of worker goroutines. The zero value is not usable; create
// one with New. A Pool is safe for use by one caller goroutine at a time.
type Pool struct {
	workers int
	tasks   chan task
	wg      sync.WaitGroup
}

// New starts a pool of n workers (n <= 0 means runtime.GOMAXPROCS(0)).
// With one worker every For runs inline on the caller.
func New(n int) *Pool {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Pool{workers: n, tasks: make(chan task, n)}
	for i := 1; i < n; i++ {
		go func() {
			for t := range p.tasks {
				t.body(t.lo, t.hi)
				t.wg.Done()
			}
		}()
	}
	return p
}

// Workers reports the number of goroutines For spreads work over.
func (p *Pool) Workers() int { return p.workers }

// Close stops the worker goroutines. The pool must not be used afterwards.
func (p *Pool) Close() { close(p.tasks) }

// For calls body over [0, n) split into at most Workers contiguous chunks of
// near-equal size, and returns when all chunks are done. The caller's
// goroutine runs the first chunk. A nil pool runs body(0, n) inline.
//
// With n equal to Workers, body(w, w+1) runs once for each worker w, all
// at the same time on their own goroutines: kernels that keep per-worker
// partial results, or keep their workers in step with a Barrier, use this.
func (p *Pool) For(n int, body Body) {
	if n <= 0 {
		return
	}
	if p == nil || p.workers == 1 || n == 1 {
		body(0, n)
		return
	}
	chunks := p.workers
	if chunks > n {
		chunks = n
	}
	p.wg.Add(chunks - 1)
	for c := 1; c < chunks; c++ {
		p.tasks <- task{body: body, lo: c * n / chunks, hi: (c + 1) * n / chunks, wg: &p.wg}
	}
	body(0, n/chunks)
	p.wg.Wait()
}

// Copier copies float64 slices with a pool's workers, without allocating.
type Copier struct {
	pool     *Pool
	dst, src []float64
	body     Body
}

// NewCopier returns a Copier on pool p (nil copies serially).
func NewCopier(p *Pool) *Copier {
	c := &Copier{pool: p}
	c.body = c.chunk
	return c
}

// Copy copies src into dst (len(dst) elements; src must be at least as
// long) and returns when it is done.
func (c *Copier) Copy(dst, src []float64) {
	c.dst, c.src = dst, src[:len(dst)]
	c.pool.For(len(dst), c.body)
	c.dst, c.src = nil, nil
}

func (c *Copier) chunk(lo, hi int) { copy(c.dst[lo:hi], c.src[lo:hi]) }
