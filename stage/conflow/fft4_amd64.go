//go:build !noasm

package conflow

// fft4Stage is fft4StageGo, in AVX2 where the Go code's bits allow it
// (useAVX2: no fused multiply-adds).
func fft4Stage(w []float64, ne, mmax int, tw []float64) {
	if !useAVX2 {
		fft4StageGo(w, ne, mmax, tw)
		return
	}
	_ = w[fftLanes*(ne+1)-1]
	_ = tw[mmax-1]
	fft4StageAVX2(&w[0], ne/(2*mmax), mmax, &tw[0])
}

// fft4StageAVX2 is fft4StageGo on the interleaved values at w (see
// fft4_amd64.s).
//
//go:noescape
func fft4StageAVX2(w *float64, blocks, mmax int, tw *float64)
