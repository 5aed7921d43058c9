package conflow

import (
	"math"
)

// Step advances the spectrum by one map interval, dtime (ConFlow's
// Runge-Kutta steps 1 to 4 and "Add changes and evolve"), and computes
// the flows U and V. The random numbers of the step are drawn first, in
// ConFlow's order; the orders m are then independent and are spread over
// the pool (parallel.Pool.Share: order m has lmax-m modes, so equal
// ranges of orders are far from equal work).
func (g *Generator) Step() {
	for i := range g.rnd {
		g.rnd[i] = g.rng.Float64()
	}
	nm := g.lmax - 1 // orders 1 .. lmax-1
	for len(g.stepBufs) < g.pool.Workers() {
		g.stepBufs = append(g.stepBufs, newStepBuf(g.n))
	}
	if g.stepBody == nil {
		g.stepBody = func(w, lo, hi int) { g.advanceOrders(lo+1, hi+1, g.stepBufs[w]) }
	}
	g.pool.Share(nm, g.stepBody)
	g.synthesize()
	g.step++
}

// stepBuf holds one order's Runge-Kutta increments and a stage's inputs,
// real and imaginary parts apart: d[k][0..3] are dS re, dS im, dT re and
// dT im of stage k+1 at degree l, x[0..3] the stage's input (S_l and T_l
// plus the previous stage's increment) likewise.
type stepBuf struct {
	d [4][4][]float64
	x [4][]float64
}

func newStepBuf(n int) *stepBuf {
	b := &stepBuf{}
	for k := range b.d {
		for p := range b.d[k] {
			b.d[k][p] = make([]float64, n)
		}
	}
	for p := range b.x {
		b.x[p] = make([]float64, n)
	}
	return b
}

// The complex products below are gfortran's formula (-fcx-fortran-rules),
// (a+ib)(c+id) = (ac-bd) + i(ad+bc), written out on real and imaginary
// parts; the vector kernel (couplings_amd64.s) performs the same
// operations.

// advanceOrders advances the modes of orders m in [mlo, mhi).
func (g *Generator) advanceOrders(mlo, mhi int, b *stepBuf) {
	n, lmax := g.n, g.lmax
	xsr, xsi, xtr, xti := b.x[0], b.x[1], b.x[2], b.x[3]
	for m := mlo; m < mhi; m++ {
		o := &g.orders[m]
		s := g.s[m*n : (m+1)*n]
		t := g.t[m*n : (m+1)*n]
		for stage := 0; stage < 4; stage++ {
			// The stage's input at each degree, as ConFlow forms it
			// inside its sums (the same value for every l reading it):
			// S, S + dS/2 (each part halved) or S + dS.
			switch stage {
			case 0:
				for l := m; l <= lmax-1; l++ {
					xsr[l], xsi[l] = real(s[l]), imag(s[l])
					xtr[l], xti[l] = real(t[l]), imag(t[l])
				}
			case 1, 2:
				d := &b.d[stage-1]
				for l := m; l <= lmax-1; l++ {
					xsr[l], xsi[l] = real(s[l])+d[0][l]/2, imag(s[l])+d[1][l]/2
					xtr[l], xti[l] = real(t[l])+d[2][l]/2, imag(t[l])+d[3][l]/2
				}
			case 3:
				d := &b.d[2]
				for l := m; l <= lmax-1; l++ {
					xsr[l], xsi[l] = real(s[l])+d[0][l], imag(s[l])+d[1][l]
					xtr[l], xti[l] = real(t[l])+d[2][l], imag(t[l])+d[3][l]
				}
			}
			// ConFlow multiplies c*(s+ds/2) first, then exp(i Omega/2)
			// (stages 2 and 3) or exp(i Omega) (stage 4).
			var e []float64
			switch stage {
			case 1, 2:
				e = o.eh
			case 3:
				e = o.ef
			}
			// Degrees l with all thirteen neighbours in ConFlow's sums
			// (l+k >= m for k < 0, l+k < lmax-1 for k > 0) are
			// [m+6, lmax-8]; the vector kernel takes whole blocks of them.
			lo, hi := m, m
			if useCouplingKernel {
				lo = m + 6
				hi = lo + (lmax-7-lo)/couplingLanes*couplingLanes
				if hi > lo {
					g.couplingSums(o, m, lo, hi, e, b.d[stage], b)
				} else {
					lo, hi = m, m
				}
			}
			for l := m; l <= lmax-1; l++ {
				if l == lo && hi > lo {
					l = hi - 1
					continue
				}
				couplingSum(o, m, l, lmax, e, &b.d[stage], b)
			}
		}
		// Add the changes and turn each mode by its rotation and random
		// phase step.
		rnd := g.rnd[g.rndOff[m]:]
		d1, d2, d3, d4 := &b.d[0], &b.d[1], &b.d[2], &b.d[3]
		for l := m; l <= lmax-1; l++ {
			i := 2 * (l - m)
			omega := o.omega[l-m]
			phase := omega + 2*(rnd[i]-0.5)*g.lifeStep[l]
			sin, cos := math.Sincos(phase)
			zr := real(s[l]) + d1[0][l]/6 + d2[0][l]/3 + d3[0][l]/3 + d4[0][l]/6
			zi := imag(s[l]) + d1[1][l]/6 + d2[1][l]/3 + d3[1][l]/3 + d4[1][l]/6
			s[l] = complex(zr*cos-zi*sin, zr*sin+zi*cos)
			phase = omega + 2*(rnd[i+1]-0.5)*g.lifeStep[l]
			sin, cos = math.Sincos(phase)
			zr = real(t[l]) + d1[2][l]/6 + d2[2][l]/3 + d3[2][l]/3 + d4[2][l]/6
			zi = imag(t[l]) + d1[3][l]/6 + d2[3][l]/3 + d3[3][l]/3 + d4[3][l]/6
			t[l] = complex(zr*cos-zi*sin, zr*sin+zi*cos)
		}
	}
}

// couplingSum sets d[0..3][l], the real and imaginary parts of the sums
// over ConFlow's neighbours l+k (k = 6 down to -6, those with l+k >= m
// for k < 0 and l+k < lmax-1 for k > 0) of c_k x_{l+k}, times e_{l+k}
// where e is not nil, for S (x = the stage's S input) and T.
func couplingSum(o *order, m, l, lmax int, e []float64, d *[4][]float64, b *stepBuf) {
	nm := o.n
	xsr, xsi, xtr, xti := b.x[0], b.x[1], b.x[2], b.x[3]
	kmax := max(0, min(6, lmax-2-l))
	kmin := max(-6, m-l)
	i := l - m
	var sr, si, tr, ti float64
	for k := kmax; k >= kmin; k-- {
		lk := l + k
		q := k + 6
		cr, ci := o.c[q*nm+i], o.c[(13+q)*nm+i]
		asr, asi := cr*xsr[lk]-ci*xsi[lk], cr*xsi[lk]+ci*xsr[lk]
		atr, ati := cr*xtr[lk]-ci*xti[lk], cr*xti[lk]+ci*xtr[lk]
		if e != nil {
			er, ei := e[lk-m], e[nm+lk-m]
			asr, asi = asr*er-asi*ei, asr*ei+asi*er
			atr, ati = atr*er-ati*ei, atr*ei+ati*er
		}
		sr += asr
		si += asi
		tr += atr
		ti += ati
	}
	d[0][l], d[1][l], d[2][l], d[3][l] = sr, si, tr, ti
}
