package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Barrier is a reusable barrier for a fixed team of goroutines, for kernels
// that advance in lock step (such as wavefront-blocked stencils, where each
// worker must see its neighbours' previous step before taking the next).
// Waiting spins briefly, which synchronises a team no larger than the free
// cores in well under a microsecond, then sleeps until the last member
// arrives, so an oversubscribed machine is not kept busy by waiters.
type Barrier struct {
	n       int32
	arrived atomic.Int32
	phase   atomic.Uint32
	mu      sync.Mutex
	wake    *sync.Cond
}

// spinBudget is how many times a waiter polls before it sleeps.
const spinBudget = 2000

// poll reports whether ready became true within spinBudget polls, yielding
// the processor between polls after the first hundred: how Barrier's
// members and Pool's workers and caller wait before they sleep.
func poll(ready func() bool) bool {
	for spins := 0; spins < spinBudget; spins++ {
		if ready() {
			return true
		}
		if spins >= 100 {
			runtime.Gosched()
		}
	}
	return false
}

// NewBarrier returns a barrier for a team of n goroutines.
func NewBarrier(n int) *Barrier {
	b := &Barrier{n: int32(n)}
	b.wake = sync.NewCond(&b.mu)
	return b
}

// Wait blocks until all n goroutines of the team have called Wait for the
// current phase. Writes made before Wait by any member are visible to every
// member after it returns.
func (b *Barrier) Wait() {
	if b.n <= 1 {
		return
	}
	ph := b.phase.Load()
	if b.arrived.Add(1) == b.n {
		b.arrived.Store(0)
		b.mu.Lock()
		b.phase.Add(1)
		b.mu.Unlock()
		b.wake.Broadcast()
		return
	}
	if poll(func() bool { return b.phase.Load() != ph }) {
		return
	}
	b.mu.Lock()
	for b.phase.Load() == ph {
		b.wake.Wait()
	}
	b.mu.Unlock()
}
