//go:build !amd64

package fma

// Contracted reports whether the compiler may contract a*b+c into fused
// multiply-adds in Go code: it does on arm64, ppc64x, riscv64 and s390x,
// and is assumed to on every architecture but amd64.
const Contracted = true
