package fma

import (
	"math"
	"testing"
)

// Operands whose product a*b = 1 - 2^-60 rounds to 1: a*b + c is 0 when
// the product is rounded first and -2^-60 when it is fused with the sum.
var a, b, c = 1 + 0x1p-30, 1 - 0x1p-30, -1.0

func mulAdd(x, y, z float64) float64 { return x*y + z }

// TestContracted checks the constant against what this build's compiler
// does with a*b+c: where Contracted is false, the product must be rounded
// before the sum. (Where it is true, the compiler may fuse, so nothing is
// asserted.)
func TestContracted(t *testing.T) {
	got := mulAdd(a, b, c)
	if want := math.FMA(a, b, c); want != -0x1p-60 {
		t.Fatalf("math.FMA(a, b, c) = %g, want -2^-60 (the test's operands are wrong)", want)
	}
	if !Contracted && got != 0 {
		t.Fatalf("Contracted is false, but a*b+c = %g: the compiler fused the product into the sum", got)
	}
	t.Logf("Contracted = %v; a*b+c = %g", Contracted, got)
}
