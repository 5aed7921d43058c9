// Package memalign allocates float64 slices that start on a cache line,
// for the vector kernels: an unaligned 512-bit load costs the CPUs goft
// runs on two loads where a line-aligned one costs one.
package memalign

import "unsafe"

// LineBytes is the cache line (and 512-bit vector) size the slices are
// aligned to.
const LineBytes = 64

// Float64s returns a slice of n zeros whose element first (0 <= first < n,
// or first == 0 for n == 0) starts a LineBytes boundary. Go's heap does
// not move objects, so the alignment holds for the slice's life.
func Float64s(n, first int) []float64 {
	raw := make([]float64, n+LineBytes/8-1)
	o := 0
	for uintptr(unsafe.Pointer(&raw[o+first]))%LineBytes != 0 {
		o++
	}
	return raw[o : o+n : o+n]
}
