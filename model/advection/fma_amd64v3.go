//go:build amd64.v3

package advection

// goFusesMulAdd reports whether the compiler contracts a*b+c into fused
// multiply-adds in the Go kernels (it does on amd64 from GOAMD64=v3 on).
const goFusesMulAdd = true
