//go:build !amd64

package advection

// goFusesMulAdd reports whether the compiler may contract a*b+c into fused
// multiply-adds in the Go kernels (it does on arm64, ppc64x, riscv64 and
// s390x; assumed for every architecture but amd64).
const goFusesMulAdd = true
