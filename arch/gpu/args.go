package gpu

import (
	"fmt"
	"math"
)

// maxKernelArgs is the most arguments a kernel may take.
const maxKernelArgs = 32

// kernelArgs is the argument list of one kernel launch, in the kernel's
// order, each in one 8-byte slot: device pointers (kind 'p'), doubles
// ('d'), integers ('i', passed as 64 bits) and the Geo struct ('g', at most
// once, passed by its address). It is built in place by chained calls,
//
//	b.args().geom(&b.g).ptr(b.vt, b.vp).f64(dt).ints(n)
//
// so that a launch allocates nothing; the device checks it against the
// kernel's declared kinds (kernelSignatures) before launching.
type kernelArgs struct {
	n        int
	kinds    [maxKernelArgs]byte
	slots    [maxKernelArgs]uint64
	geo      *geo
	tooMany  bool // more than maxKernelArgs were added
	geoTwice bool // a second Geo was added
}

// reset empties a for the next launch.
func (a *kernelArgs) reset() *kernelArgs {
	a.n, a.geo, a.tooMany, a.geoTwice = 0, nil, false, false
	return a
}

func (a *kernelArgs) add(kind byte, bits uint64) {
	if a.n == maxKernelArgs {
		a.tooMany = true
		return
	}
	a.kinds[a.n], a.slots[a.n] = kind, bits
	a.n++
}

// ptr appends device pointers.
func (a *kernelArgs) ptr(ps ...devPtr) *kernelArgs {
	for _, p := range ps {
		a.add('p', uint64(p))
	}
	return a
}

// f64 appends doubles.
func (a *kernelArgs) f64(xs ...float64) *kernelArgs {
	for _, x := range xs {
		a.add('d', math.Float64bits(x))
	}
	return a
}

// ints appends integers (a kernel's int, long long or unsigned long long
// parameters all take 8 bytes here; see kernelSignatures).
func (a *kernelArgs) ints(vs ...int) *kernelArgs {
	for _, v := range vs {
		a.add('i', uint64(int64(v)))
	}
	return a
}

// u64 appends unsigned 64-bit integers.
func (a *kernelArgs) u64(vs ...uint64) *kernelArgs {
	for _, v := range vs {
		a.add('i', v)
	}
	return a
}

// geom appends the Geo struct g (passed by address; the device copies it
// at launch).
func (a *kernelArgs) geom(g *geo) *kernelArgs {
	if a.geo != nil {
		a.geoTwice = true
	}
	a.geo = g
	a.add('g', 0)
	return a
}

// check reports whether a matches kinds, the declared parameter kinds of
// kernel name.
func (a *kernelArgs) check(name, kinds string) error {
	switch {
	case a.tooMany:
		return fmt.Errorf("kernel %s: more than %d arguments", name, maxKernelArgs)
	case a.geoTwice:
		return fmt.Errorf("kernel %s: more than one Geo argument", name)
	case a.n != len(kinds):
		return fmt.Errorf("kernel %s takes %d arguments, got %d", name, len(kinds), a.n)
	}
	for i := 0; i < a.n; i++ {
		if a.kinds[i] != kinds[i] {
			return fmt.Errorf("kernel %s argument %d: got kind %c, the kernel declares %c", name, i, a.kinds[i], kinds[i])
		}
	}
	return nil
}
