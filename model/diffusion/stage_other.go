//go:build !amd64 || noasm

package diffusion

// HasAVX2Kernels reports whether the AVX2 stage and operator kernels are
// built and the CPU has AVX2: never on this architecture or with noasm.
func HasAVX2Kernels() bool { return false }

// columnUniformVector has no vector form on this architecture: it does no
// rows and returns j0, so the caller's scalar loop does them all. (See
// stage_amd64.go for what it computes.)
func columnUniformVector(j0, j1 int, a1, a5 float64, sti, c2, c4, xw, xc, xe, yc []float64) int {
	return j0
}

// stageBandVector has no vector form on this architecture: it does no rows
// and returns 0. (See stage_amd64.go for what it computes.)
func stageBandVector(ncol, nrows, stride int, a1s, a5s, sti, c2, c4, x, u0, y0, out []float64, off int, a *stageArgs, up, down int) int {
	return 0
}

// stageBandStoredVector has no vector form on this architecture: it does
// no rows and returns 0. (See stage_amd64.go for what it computes.)
func stageBandStoredVector(ncol, nrows, stride, wstride int, c1, c2, c4, c5 []float64, woff int, x, u0, y0, out []float64, off int, a *stageArgs) int {
	return 0
}

// ptlMaxVector has no vector form on this architecture: it scans nothing.
// (See stage_amd64.go for what it computes.)
func ptlMaxVector(f, af []float64) (n int, lanes [8]float64, at [8]int64, ties uint8) {
	return 0, lanes, at, 0
}

// stsInitVector has no vector form on this architecture: it does nothing.
func stsInitVector(fs, ls, u0, b0, y0, b1 []float64, tau, ub1 float64) int { return 0 }
