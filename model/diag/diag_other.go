//go:build !amd64 || noasm

package diag

// The history kernels have no vector form here: each does nothing and
// returns 0, and the Go loops do every point.

func momentsVector(v, sinA, cosA, at []float64, cp, sp, dap float64, sums *[3]float64) int {
	return 0
}

func fluxRowsVector(v, at []float64, dap float64, sums *[8]float64, cap int) int { return 0 }

func validationVector(v, g []float64, sums *[2]float64) int { return 0 }

func extremesVector(v []float64, lo, hi, absLo float64) (n int, _, _, _ float64) {
	return 0, lo, hi, absLo
}
