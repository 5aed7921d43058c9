package memalign

import (
	"testing"
	"unsafe"
)

func TestFloat64sAligned(t *testing.T) {
	for _, n := range []int{1, 2, 7, 8, 9, 100, 4099} {
		for _, first := range []int{0, 1, 7} {
			if first >= n {
				continue
			}
			for range 20 { // several allocations: each may land anywhere
				s := Float64s(n, first)
				if len(s) != n || cap(s) != n {
					t.Fatalf("n=%d first=%d: len %d cap %d", n, first, len(s), cap(s))
				}
				if a := uintptr(unsafe.Pointer(&s[first])); a%LineBytes != 0 {
					t.Fatalf("n=%d first=%d: element %d at %#x", n, first, first, a)
				}
				for i, v := range s {
					if v != 0 {
						t.Fatalf("n=%d: element %d = %v", n, i, v)
					}
				}
			}
		}
	}
}
