//go:build !amd64

package conflow

// goFusesMulAdd reports whether the compiler may contract a*b+c into
// fused multiply-adds: on arm64, ppc64le, s390x and riscv64 it does.
const goFusesMulAdd = true
