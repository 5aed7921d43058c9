//go:build amd64 && !amd64.v3

package flow

// goFusesMulAdd reports whether the compiler contracts a*b+c into fused
// multiply-adds in Go code, the standard library's math.Tanh included (it
// does on amd64 from GOAMD64=v3 on).
const goFusesMulAdd = false
