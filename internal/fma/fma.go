// Package fma says whether this build's Go code may have its products and
// sums contracted into fused multiply-adds: the one fact the assembly
// kernels of goft's packages (advection, flow, conflow) need to know whether
// the Go code they stand in for rounds every product, as they do. Where
// the compiler contracts, a kernel would not give the Go code's bits, so
// the packages use their Go code alone, and tests that compare forms
// accept round-off.
package fma
