//go:build !(goexperiment.simd && amd64)

package diffusion

// stageUniformVector has no vector form in this build (build with
// GOEXPERIMENT=simd on amd64 for the AVX2 one); it does no rows.
func stageUniformVector(j0, j1 int, a1, a5 float64, sti, c2, c4, xw, xc, xe, u0, y0, u1, u2 []float64, a *stageArgs) int {
	return j0
}
