// Package finite finds NaN and infinite values in float64 slices quickly:
// the run's per-step check of the whole field, and the checks of maps and
// velocities read or computed.
package finite

// First returns the index of the first NaN or infinite value of v, or -1
// when every value is finite.
//
// It tests eight values at a time: x-x is +0 for every finite x and NaN
// for NaN and ±Inf, and a sum of such differences is 0 exactly when all
// are finite (a NaN anywhere makes it NaN); only a block whose sum is not
// 0 is searched value by value.
func First(v []float64) int {
	i := 0
	for ; i+8 <= len(v); i += 8 {
		b := v[i : i+8 : i+8]
		s := ((b[0] - b[0]) + (b[1] - b[1])) + ((b[2] - b[2]) + (b[3] - b[3])) +
			(((b[4] - b[4]) + (b[5] - b[5])) + ((b[6] - b[6]) + (b[7] - b[7])))
		if s != 0 {
			break
		}
	}
	for ; i < len(v); i++ {
		if x := v[i]; x-x != 0 {
			return i
		}
	}
	return -1
}
