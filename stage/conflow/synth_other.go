//go:build !amd64 || noasm

package conflow

// useAVX2 is false: there is no assembly kernel on this architecture (or
// with the noasm build tag).
var useAVX2 = false

func synthLanesAVX2(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int) {
	panic("conflow: no AVX2 kernel")
}

// useAVX512 is false, as useAVX2.
var useAVX512 = false

func synthLanesAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int) {
	panic("conflow: no AVX-512 kernel")
}

// fft4Stage is fft4StageGo: no assembly here.
func fft4Stage(w []float64, ne, mmax int, tw []float64) { fft4StageGo(w, ne, mmax, tw) }

// couplingLanes and useCouplingKernel: no coupling kernel here.
const couplingLanes = 8

var useCouplingKernel = false

func (g *Generator) couplingSums(o *order, m, lo, hi int, e []float64, d [4][]float64, b *stepBuf) {
	panic("conflow: no coupling kernel")
}

func synthLanesMaskedAVX512(blk *laneBlock, col, row *float64, s, t *complex128, degree, degree1 *float64, fm float64, pairs int) {
	panic("conflow: no AVX-512 kernel")
}
