package conflow

import (
	"math"
)

// Step advances the spectrum by one map interval, dtime (ConFlow's
// Runge-Kutta steps 1 to 4 and "Add changes and evolve"), and computes
// the flows U and V. The random numbers of the step are drawn first, in
// ConFlow's order; the orders m are then independent and are spread over
// the pool.
func (g *Generator) Step() {
	for i := range g.rnd {
		g.rnd[i] = g.rng.Float64()
	}
	nm := g.lmax - 1 // orders 1 .. lmax-1
	if g.pool == nil {
		g.advanceOrders(1, nm+1, newStepBuf(g.n))
	} else {
		g.pool.For(nm, func(lo, hi int) {
			g.advanceOrders(lo+1, hi+1, newStepBuf(g.n))
		})
	}
	g.synthesize()
	g.step++
}

// stepBuf holds one order's Runge-Kutta increments, ds[k][l] and dt[k][l]
// for stage k+1 and degree l, and a stage's inputs xs[l] and xt[l]
// (S_l and T_l plus the previous stage's increment).
type stepBuf struct {
	ds, dt [4][]complex128
	xs, xt []complex128
}

func newStepBuf(n int) *stepBuf {
	b := &stepBuf{xs: make([]complex128, n), xt: make([]complex128, n)}
	for k := range b.ds {
		b.ds[k] = make([]complex128, n)
		b.dt[k] = make([]complex128, n)
	}
	return b
}

// half returns z/2 as gfortran computes a complex divided by the real 2:
// each part divided.
func half(z complex128) complex128 { return complex(real(z)/2, imag(z)/2) }

// cmul is the complex product (a+ib)(c+id) = (ac-bd) + i(ad+bc), the
// formula gfortran uses (-fcx-fortran-rules).
func cmul(a, b complex128) complex128 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(ar*br-ai*bi, ar*bi+ai*br)
}

// advanceOrders advances the modes of orders m in [mlo, mhi).
func (g *Generator) advanceOrders(mlo, mhi int, b *stepBuf) {
	n, lmax := g.n, g.lmax
	for m := mlo; m < mhi; m++ {
		ms := g.modes[m]
		s := g.s[m*n : (m+1)*n]
		t := g.t[m*n : (m+1)*n]
		xs, xt := b.xs, b.xt
		for stage := 0; stage < 4; stage++ {
			// The stage's input at each degree, as ConFlow forms it
			// inside its sums (the same value for every l reading it).
			switch stage {
			case 0:
				copy(xs[m:lmax], s[m:lmax])
				copy(xt[m:lmax], t[m:lmax])
			case 1, 2:
				ps, pt := b.ds[stage-1], b.dt[stage-1]
				for l := m; l <= lmax-1; l++ {
					xs[l] = s[l] + half(ps[l])
					xt[l] = t[l] + half(pt[l])
				}
			case 3:
				ps, pt := b.ds[2], b.dt[2]
				for l := m; l <= lmax-1; l++ {
					xs[l] = s[l] + ps[l]
					xt[l] = t[l] + pt[l]
				}
			}
			ds, dt := b.ds[stage], b.dt[stage]
			for l := m; l <= lmax-1; l++ {
				// ConFlow's sums run over the neighbours l+k, k = 6
				// down to -6, with l+k >= m for k < 0 and l+k < lmax-1
				// for k > 0. The k = 0 coupling's imaginary part is 0
				// (ConFlow's 0*xi*Omega(l1,m1); initOrder leaves it 0).
				kmax := max(0, min(6, lmax-2-l))
				kmin := max(-6, m-l)
				c := &ms[l-m].c
				var sumS, sumT complex128
				for k := kmax; k >= kmin; k-- {
					lk := l + k
					ck := c[k+6]
					as, at := cmul(ck, xs[lk]), cmul(ck, xt[lk])
					switch stage {
					case 1, 2:
						// ConFlow multiplies c*(s+ds/2) first, then exp(i Omega/2).
						e := ms[lk-m].eh
						as, at = cmul(as, e), cmul(at, e)
					case 3:
						e := ms[lk-m].ef
						as, at = cmul(as, e), cmul(at, e)
					}
					sumS += as
					sumT += at
				}
				ds[l], dt[l] = sumS, sumT
			}
		}
		// Add the changes and turn each mode by its rotation and random
		// phase step.
		rnd := g.rnd[g.rndOff[m]:]
		d1, d2, d3, d4 := b.ds[0], b.ds[1], b.ds[2], b.ds[3]
		e1, e2, e3, e4 := b.dt[0], b.dt[1], b.dt[2], b.dt[3]
		for l := m; l <= lmax-1; l++ {
			md := &ms[l-m]
			i := 2 * (l - m)
			phase := md.omega + 2*(rnd[i]-0.5)*g.lifeStep[l]
			sin, cos := math.Sincos(phase)
			s[l] = cmul(s[l]+sixth(d1[l])+third(d2[l])+third(d3[l])+sixth(d4[l]), complex(cos, sin))
			phase = md.omega + 2*(rnd[i+1]-0.5)*g.lifeStep[l]
			sin, cos = math.Sincos(phase)
			t[l] = cmul(t[l]+sixth(e1[l])+third(e2[l])+third(e3[l])+sixth(e4[l]), complex(cos, sin))
		}
	}
}

func sixth(z complex128) complex128 { return complex(real(z)/6, imag(z)/6) }
func third(z complex128) complex128 { return complex(real(z)/3, imag(z)/3) }
