//go:build amd64 && !amd64.v3

package fma

// Contracted reports whether the compiler contracts a*b+c into fused
// multiply-adds in Go code, the standard library's included: on amd64 it
// does from GOAMD64=v3 on, not below.
const Contracted = false
