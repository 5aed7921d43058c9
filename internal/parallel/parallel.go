// Package parallel runs loop bodies over index ranges on a fixed set of
// worker goroutines. It exists so that numerical kernels can be written as
// plain functions over a range [lo, hi) and spread over all cores without
// allocating in the time loop.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Body is a loop body over the half-open index range [lo, hi).
type Body func(lo, hi int)

// WorkerBody is a loop body over [lo, hi) run by worker w (0 <= w <
// Workers), for bodies that keep per-worker scratch.
type WorkerBody func(w, lo, hi int)

// Each returns body as a WorkerBody that ignores the worker (for Share).
// Make it once, outside the time loop: the result is a new closure.
func Each(body Body) WorkerBody { return func(_, lo, hi int) { body(lo, hi) } }

// Pool is a set of worker goroutines. The zero value is not usable; create
// one with New. A Pool is safe for use by one caller goroutine at a time.
//
// Two ways to spread a loop: For gives each worker one fixed share (for
// bodies that keep per-worker results, or a team in step through a
// Barrier); Share hands out smaller chunks, so that a worker that lags
// holds up no one (for element-wise bodies).
//
// Kernels call For and Share hundreds of times per time step, often with
// a little serial work in between. A worker that has finished its chunk therefore
// polls for the next For for a while (spinBudget polls, yielding the
// processor between them after the first hundred: poll, as Barrier does) before
// it sleeps: on a virtual machine, waking a sleeping thread can take longer
// than a whole kernel pass on a small mesh, and the caller, done with its
// own chunk, would wait for it. The caller likewise polls for the workers
// to finish before it sleeps.
type Pool struct {
	workers int

	// The current For or Share: its body, range and chunk count,
	// published by incrementing gen (a worker reads them after it sees
	// gen change). A Share sets shared instead of body.
	body   Body
	shared WorkerBody
	n      int
	chunks int
	left   []chunkRange // each worker's chunks of a Share not yet started
	gen    atomic.Uint64
	closed atomic.Bool

	// pending counts the workers not yet done with the current For.
	pending atomic.Int32
	// asleepFor is the generation whose end the caller sleeps on done for
	// (0: the caller is not asleep). The worker that finishes that
	// generation's last chunk swaps it to 0 and sends on done; tying the
	// flag to the generation keeps a worker that was descheduled right
	// after finishing one For from waking the caller of the next.
	asleepFor atomic.Uint64
	done      chan struct{}

	// Sleeping workers wait on wake (under mu) for gen to change; sleepers
	// counts them, so that For takes the lock only when one sleeps.
	mu       sync.Mutex
	wake     *sync.Cond
	sleepers atomic.Int32
	exited   sync.WaitGroup
}

// New starts a pool of n workers (n <= 0 means runtime.GOMAXPROCS(0)).
// With one worker every For runs inline on the caller.
func New(n int) *Pool {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &Pool{workers: n, done: make(chan struct{}, 1), left: make([]chunkRange, n)}
	p.wake = sync.NewCond(&p.mu)
	p.exited.Add(n - 1)
	for w := 1; w < n; w++ {
		go p.work(w)
	}
	return p
}

// work is worker w's loop: wait for a new For, do chunk w if there is one.
func (p *Pool) work(w int) {
	defer p.exited.Done()
	var seen uint64
	for {
		g := p.await(seen)
		if p.closed.Load() {
			return
		}
		seen = g
		// Every worker reports back, with a chunk or without, so that no
		// worker still reads this For's fields when the next one sets them.
		if p.shared != nil {
			p.share(w)
		} else if w < p.chunks {
			p.body(w*p.n/p.chunks, (w+1)*p.n/p.chunks)
		}
		if p.pending.Add(-1) == 0 {
			if afterLastChunk != nil {
				afterLastChunk()
			}
			if p.asleepFor.CompareAndSwap(g, 0) {
				p.done <- struct{}{}
			}
		}
	}
}

// await returns the generation once it differs from seen (Close changes
// it too): polling first, then asleep on wake.
func (p *Pool) await(seen uint64) uint64 {
	if poll(func() bool { return p.gen.Load() != seen }) {
		return p.gen.Load()
	}
	p.mu.Lock()
	p.sleepers.Add(1)
	// For publishes gen before it reads sleepers, and this worker counts
	// itself before it reads gen (both sequentially consistent): either
	// it sees the new gen here, or For sees it asleep and wakes it.
	for p.gen.Load() == seen {
		p.wake.Wait()
	}
	p.sleepers.Add(-1)
	g := p.gen.Load()
	p.mu.Unlock()
	return g
}

// Workers reports the number of goroutines For and Share spread work
// over: 1 for a nil Pool, which runs every body on the caller.
func (p *Pool) Workers() int {
	if p == nil {
		return 1
	}
	return p.workers
}

// Close stops the worker goroutines and waits for them to exit. The pool
// must not be used afterwards.
func (p *Pool) Close() {
	if p == nil || p.closed.Swap(true) {
		return
	}
	p.mu.Lock()
	p.gen.Add(1)
	p.mu.Unlock()
	p.wake.Broadcast()
	p.exited.Wait()
}

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
	chunks := min(p.workers, n)
	p.body, p.n, p.chunks = body, n, chunks
	g := p.publish()
	body(0, n/chunks)
	p.wait(g)
	p.body = nil
}

// publish starts the For or Share whose fields the caller has set: it
// hands it to the workers, waking any asleep, and returns its generation.
func (p *Pool) publish() uint64 {
	p.pending.Store(int32(p.workers - 1))
	g := p.gen.Add(1)
	if p.sleepers.Load() > 0 {
		p.mu.Lock()
		p.mu.Unlock() //nolint:staticcheck // orders the broadcast after a sleeper's check of gen
		p.wake.Broadcast()
	}
	return g
}

// shareChunks is how many chunks per worker Share splits its range into.
const shareChunks = 8

// Share calls body over [0, n) split into contiguous chunks, about
// shareChunks per worker, and returns when all are done; w tells the body
// which worker runs a chunk. Each worker starts on the chunks of the share
// For would give it, in order (so that consecutive passes over the same
// range find their data in the same core's cache); a worker done with its
// own takes the last chunk not yet started of the worker with the most
// left. A worker that starts late, or runs on a slower core, thus holds up
// the others by at most about one chunk. It is for bodies whose result
// does not depend on how the range is split (each index written once, from
// inputs no chunk writes). A nil pool, one worker or n == 1 runs body(0,
// 0, n) inline.
func (p *Pool) Share(n int, body WorkerBody) {
	if n <= 0 {
		return
	}
	if p == nil || p.workers == 1 || n == 1 {
		body(0, 0, n)
		return
	}
	chunks := min(n, shareChunks*p.workers)
	p.shared, p.n, p.chunks = body, n, chunks
	for w := range p.workers {
		p.left[w].set(w*chunks/p.workers, (w+1)*chunks/p.workers)
	}
	g := p.publish()
	p.share(0)
	p.wait(g)
	p.shared = nil
}

// share runs, as worker w, chunks of the current Share: its own from the
// front, then others' from the back, until none is left.
func (p *Pool) share(w int) {
	n, chunks := p.n, p.chunks
	for {
		c, ok := p.left[w].take(true)
		if !ok {
			break
		}
		p.shared(w, c*n/chunks, (c+1)*n/chunks)
	}
	for {
		victim, most := -1, 0
		for v := range p.workers {
			if r := p.left[v].remaining(); r > most {
				victim, most = v, r
			}
		}
		if victim < 0 {
			return
		}
		if c, ok := p.left[victim].take(false); ok {
			p.shared(w, c*n/chunks, (c+1)*n/chunks)
		}
	}
}

// chunkRange is a worker's chunks not yet started in a Share, [first,
// end) packed in one word (first in the low half), on a cache line of its
// own.
type chunkRange struct {
	v atomic.Uint64
	_ [56]byte
}

// pack is the word of a chunkRange [first, end).
func pack(first, end int) uint64 { return uint64(first) | uint64(end)<<32 }

// set makes r the chunks [first, end).
func (r *chunkRange) set(first, end int) { r.v.Store(pack(first, end)) }

// remaining is the number of chunks in r.
func (r *chunkRange) remaining() int {
	v := r.v.Load()
	return max(0, int(v>>32)-int(uint32(v)))
}

// take removes the first chunk of r (front) or its last, and reports it;
// ok is false when r is empty.
func (r *chunkRange) take(front bool) (c int, ok bool) {
	for {
		v := r.v.Load()
		first, end := int(uint32(v)), int(v>>32)
		if first >= end {
			return 0, false
		}
		nv := pack(first+1, end)
		c = first
		if !front {
			nv, c = pack(first, end-1), end-1
		}
		if r.v.CompareAndSwap(v, nv) {
			return c, true
		}
	}
}

// afterLastChunk, when set (by tests), runs in the worker that finished
// the last chunk of a For, between its count and its wake-up of the
// caller: a test descheduling the worker there checks that a late worker
// cannot end the next For early.
var afterLastChunk func()

// wait returns when every worker is done with For generation g.
func (p *Pool) wait(g uint64) {
	if poll(func() bool { return p.pending.Load() == 0 }) {
		return
	}
	p.asleepFor.Store(g)
	if p.pending.Load() == 0 && p.asleepFor.CompareAndSwap(g, 0) {
		return // the last chunk finished before it could see the flag
	}
	<-p.done
}

// Copier copies float64 slices with a pool's workers, without allocating.
type Copier struct {
	pool     *Pool
	dst, src []float64
	body     WorkerBody
}

// NewCopier returns a Copier on pool p (nil copies serially).
func NewCopier(p *Pool) *Copier {
	c := &Copier{pool: p}
	c.body = Each(c.chunk)
	return c
}

// Copy copies src into dst (len(dst) elements; src must be at least as
// long) and returns when it is done.
func (c *Copier) Copy(dst, src []float64) {
	c.dst, c.src = dst, src[:len(dst)]
	c.pool.Share(len(dst), c.body)
	c.dst, c.src = nil, nil
}

func (c *Copier) chunk(lo, hi int) { copy(c.dst[lo:hi], c.src[lo:hi]) }
