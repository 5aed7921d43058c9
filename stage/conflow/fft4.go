package conflow

import (
	"math"
	"math/bits"
)

// fftLanes is how many transforms fftTransform4 runs side by side.
const fftLanes = 4

// fftPlan holds what fftTransform4 computes once for a length and a
// direction: where fftTransform's bit-reversal puts each value, and each
// stage's twiddle factors from fftTransform's recurrence.
type fftPlan struct {
	num, direction int
	// at[i] is the 1-based index in fftTransform's rp of the real part of
	// complex value i after its swaps (i with its bits reversed).
	at []int
	// tw[s] holds stage s's (mmax = 2 << s) twiddle factors wr, wi for
	// m = 1, 3, .., mmax-1, in the order fftTransform computes them.
	tw [][]float64
}

// newFFTPlan returns the plan for transforms of num values (a power of
// two) in direction (the sign of the exponent).
func newFFTPlan(num, direction int) *fftPlan {
	p := &fftPlan{num: num, direction: direction, at: make([]int, num)}
	nbits := bits.TrailingZeros(uint(num))
	for i := range p.at {
		r := 0
		if nbits > 0 {
			r = int(bits.Reverse(uint(i)) >> (bits.UintSize - nbits))
		}
		p.at[i] = 1 + 2*r
	}
	for mmax := 2; 2*num > mmax; mmax *= 2 {
		angle := 2 * math.Pi / float64(direction*mmax)
		sh := math.Sin(0.5 * angle)
		wpr := -(2 * (sh * sh))
		wpi := math.Sin(angle)
		tw := make([]float64, 0, mmax)
		wr, wi := 1.0, 0.0
		for m := 1; m <= mmax; m += 2 {
			tw = append(tw, wr, wi)
			wtemp := wr
			wr = wr*wpr - wi*wpi + wr
			wi = wi*wpr + wtemp*wpi + wi
		}
		p.tw = append(p.tw, tw)
	}
	return p
}

// fftTransform4 runs fftTransform (length p.num, direction p.direction)
// on the four arrays of data at once and stores the real part of
// transform k in re[k]; data is left as it was. work must hold
// fftLanes*(2 p.num+1) values. Each transform performs exactly
// fftTransform's operations: the arrays are interleaved value by value
// in work (element-major, lane-minor) so that one butterfly of the four
// is one vector operation (AVX2 where available: fft4_amd64.s), the
// twiddle factors come from the plan (computed by fftTransform's
// recurrence), and the butterflies of a stage, which touch disjoint
// values, run block by block so that memory is read in order.
func fftTransform4(p *fftPlan, data *[fftLanes][]complex128, work []float64, re *[fftLanes][]float64) {
	num := p.num
	ne := 2 * num
	w := work[:fftLanes*(ne+1)] // w[fftLanes*i + k] is rp[i] of transform k (1-based i)
	// Each value goes straight to its place after fftTransform's swaps,
	// the four transforms' values together (one pass over work).
	at := p.at[:num]
	d0, d1, d2, d3 := data[0][:num], data[1][:num], data[2][:num], data[3][:num]
	for i, r := range at {
		v := w[fftLanes*r : fftLanes*(r+2)]
		z0, z1, z2, z3 := d0[i], d1[i], d2[i], d3[i]
		v[0], v[1], v[2], v[3] = real(z0), real(z1), real(z2), real(z3)
		v[4], v[5], v[6], v[7] = imag(z0), imag(z1), imag(z2), imag(z3)
	}
	for s, mmax := 0, 2; ne > mmax; s, mmax = s+1, mmax*2 {
		fft4Stage(w, ne, mmax, p.tw[s])
	}
	r0, r1, r2, r3 := re[0][:num], re[1][:num], re[2][:num], re[3][:num]
	for i := range num {
		v := w[fftLanes*(2*i+1) : fftLanes*(2*i+2)]
		r0[i], r1[i], r2[i], r3[i] = v[0], v[1], v[2], v[3]
	}
}

// fft4StageGo is one stage (mmax) of fftTransform's butterflies for the
// fftLanes interleaved transforms of w, with the stage's twiddle factors
// tw: the portable form of fft4Stage.
func fft4StageGo(w []float64, ne, mmax int, tw []float64) {
	for blk := 0; blk < ne; blk += 2 * mmax {
		for m := 1; m <= mmax; m += 2 {
			wr, wi := tw[m-1], tw[m]
			i := blk + m
			k := i + mmax
			for l := range fftLanes {
				xr, xi := w[fftLanes*k+l], w[fftLanes*(k+1)+l]
				tr := wr*xr - wi*xi
				ti := wr*xi + wi*xr
				yr, yi := w[fftLanes*i+l], w[fftLanes*(i+1)+l]
				w[fftLanes*k+l] = yr - tr
				w[fftLanes*(k+1)+l] = yi - ti
				w[fftLanes*i+l] = yr + tr
				w[fftLanes*(i+1)+l] = yi + ti
			}
		}
	}
}
