//go:build amd64.v3

package conflow

// goFusesMulAdd reports whether the compiler contracts a*b+c into fused
// multiply-adds (it does on amd64 from GOAMD64=v3 on).
const goFusesMulAdd = true
