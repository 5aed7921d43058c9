// Package validation holds HipFT's built-in analytic test problems:
// validation_run 1, the "soccer ball" (a degree-6 spherical harmonic decaying
// under diffusion), and validation_run 2, two Gaussian blobs carried by rigid
// flows (hipft-model.md sections 4.4, 4.5 and 12.2).
//
// Fields are returned in map layout (field.MapLayout, phi fastest): index
// iPhi + len(phi)*jTheta, on the map points phi (dim1, 0..2pi) and theta
// (dim2, 0..pi), in Gauss.
package validation

import (
	"math"

	"github.com/goft-sft/goft/model/field"
)

// Harmonic evaluates HipFT's 4pi-normalised real tesseral harmonic Y_l^m
// (divided by sqrt(4pi), with the (-1)^m phase and cos(m phi) for m >= 0)
// on the map points, using the same column recursion as HipFT so that the
// values agree to the last bit.
func Harmonic(m, l int, phi, theta []float64) []float64 {
	const pi = 3.141592653589793
	am := m
	if am < 0 {
		am = -am
	}
	nt := len(theta)
	pold := make([]float64, nt)
	poldold := make([]float64, nt)
	cost := make([]float64, nt)
	for i, t := range theta {
		cost[i] = math.Cos(t)
		pold[i] = 1
	}
	if am > 0 {
		for i := range pold {
			pold[i] = math.Sqrt(3)
		}
		for im := 2; im <= am; im++ {
			fim := float64(im)
			c := math.Sqrt((2*fim + 1) / (2 * fim))
			for i := range pold {
				pold[i] = c * pold[i]
			}
		}
	}
	for il := am + 1; il <= l; il++ {
		fl := float64(il)
		anm := math.Sqrt(((2*fl - 1) * (2*fl + 1)) / float64((il-am)*(il+am)))
		bnm := math.Sqrt(((2*fl + 1) * (float64(il+am) - 1) * (float64(il-am) - 1)) /
			(float64((il-am)*(il+am)) * (2*fl - 3)))
		for i := range pold {
			// HipFT's builds (gfortran -march=native, nvfortran) contract
			// this recurrence into a fused multiply-add; doing the same
			// reproduces the round-off of their fields (the step-0
			// validation error of the soccer ball is pure round-off).
			pl := math.FMA(anm*cost[i], pold[i], -(bnm * poldold[i]))
			poldold[i] = pold[i]
			pold[i] = pl
		}
	}
	inv := 1 / math.Sqrt(4*pi)
	sign := 1.0
	if am%2 == 1 {
		sign = -1
	}
	for i, t := range theta {
		pold[i] = sign * powi(math.Sin(t), am) * inv * pold[i]
	}
	ml := field.MapLayout{NPhi: len(phi), NTheta: nt, NReal: 1}
	y := make([]float64, ml.Len())
	for j := 0; j < nt; j++ {
		row := ml.Row(y, j, 0)
		for i, p := range phi {
			var c float64
			if m >= 0 {
				c = math.Cos(float64(m) * p)
			} else {
				c = math.Sin(float64(am) * p)
			}
			row[i] = pold[j] * c
		}
	}
	return y
}

// powi is x**n by binary exponentiation, as libgcc's __powidf2.
func powi(x float64, n int) float64 {
	y := 1.0
	if n%2 == 1 {
		y = x
	}
	for n >>= 1; n > 0; n >>= 1 {
		x = x * x
		if n%2 == 1 {
			y = y * x
		}
	}
	return y
}

// SoccerBall returns the unaveraged initial field of validation run 1,
// u0 = Y_6^0 + sqrt(14/11) Y_6^5 (Gauss).
func SoccerBall(phi, theta []float64) []float64 {
	y0 := Harmonic(0, 6, phi, theta)
	y5 := Harmonic(5, 6, phi, theta)
	c := math.Sqrt(14.0 / 11.0)
	for i := range y0 {
		y0[i] = y0[i] + c*y5[i]
	}
	return y0
}

// SoccerDecay is the analytic decay factor exp(-42 D factor t) of the
// soccer ball after t hours, for diffusion constant d (input units) and
// diffusion_coef_factor factor. 42 = l(l+1) for l = 6.
func SoccerDecay(d, factor, t float64) float64 {
	return math.Exp(-42.0 * d * factor * t)
}

// Gaussian blob parameters of validation run 2 (radians).
const (
	BlobTheta0   = 0.7853981633974483 // pi/4, initial blob colatitude
	BlobPhiMinus = 1.5707963267948966 // pi/2, negative blob longitude
	BlobPhiPlus  = 4.71238898038469   // 3pi/2, positive blob longitude
)

// Blobs returns validation run 2's field: a negative and a positive Gaussian
// of width parameter w centred at colatitude thetaC and longitudes pi/2 and
// 3pi/2, divided by sin(theta) (0 at the poles).
func Blobs(phi, theta []float64, thetaC, w float64) []float64 {
	nt := len(theta)
	l := field.MapLayout{NPhi: len(phi), NTheta: nt, NReal: 1}
	f := make([]float64, l.Len())
	for j, t := range theta {
		row := l.Row(f, j, 0)
		sti := 0.0
		if j > 0 && j < nt-1 {
			sti = 1 / math.Sin(t)
		}
		dt := t - thetaC
		for i, p := range phi {
			dm := p - BlobPhiMinus
			dp := p - BlobPhiPlus
			row[i] = -sti*math.Exp(-(dt*dt)/w-(dm*dm)/w) + sti*math.Exp(-(dt*dt)/w-(dp*dp)/w)
		}
	}
	return f
}
