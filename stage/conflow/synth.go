package conflow

import (
	"math"
)

// rlpa are plm's scale factors 10^-1 .. 10^-20, written in conflow.f90 as
// single-precision literals (1.0e-1, ...) and widened to double.
var rlpa = [21]float64{0,
	float64(float32(1e-1)), float64(float32(1e-2)), float64(float32(1e-3)), float64(float32(1e-4)), float64(float32(1e-5)),
	float64(float32(1e-6)), float64(float32(1e-7)), float64(float32(1e-8)), float64(float32(1e-9)), float64(float32(1e-10)),
	float64(float32(1e-11)), float64(float32(1e-12)), float64(float32(1e-13)), float64(float32(1e-14)), float64(float32(1e-15)),
	float64(float32(1e-16)), float64(float32(1e-17)), float64(float32(1e-18)), float64(float32(1e-19)), float64(float32(1e-20)),
}

// synthBuf is one latitude's work space.
type synthBuf struct {
	p                            []float64 // p[1..n]: P_l^m, p[l+1] for degree l
	unorth, usouth, vnorth, vsou []complex128
	fft                          []float64
}

func (g *Generator) newSynthBuf() *synthBuf {
	return &synthBuf{
		p:      make([]float64, g.n+1),
		unorth: make([]complex128, g.nlong2),
		usouth: make([]complex128, g.nlong2),
		vnorth: make([]complex128, g.nlong2),
		vsou:   make([]complex128, g.nlong2),
		fft:    make([]float64, 2*g.nlong2+1),
	}
}

// synthesize computes U and V from the spectrum (ConFlow's latitude loop):
// latitudes are independent and are spread over the pool.
func (g *Generator) synthesize() {
	nlhalf := g.n / 2
	if g.pool == nil {
		g.synthRows(1, nlhalf+1, g.newSynthBuf())
		return
	}
	g.pool.For(nlhalf, func(lo, hi int) {
		g.synthRows(lo+1, hi+1, g.newSynthBuf())
	})
}

// synthRows computes the flows at the latitude pairs j in [jlo, jhi)
// (1-based; j = 1 is next to the equator). For each order m it runs
// ConFlow's Legendre recurrence (plm) and its sums over l in one loop,
// so that the recurrence's latency overlaps the sums' work; each value
// is computed with ConFlow's operations in ConFlow's order
// (TestFusedSynthesisSameBits).
func (g *Generator) synthRows(jlo, jhi int, b *synthBuf) {
	n, lmax, nlong2 := g.n, g.lmax, g.nlong2
	nlhalf := n / 2
	dtheta := math.Pi / float64(n)
	p := b.p
	for j := jlo; j < jhi; j++ {
		jn := nlhalf + j
		js := nlhalf + 1 - j
		theta := 0.5*math.Pi - (float64(j)-0.5)*dtheta
		x := math.Cos(theta)
		rst := 1.0 / math.Sin(theta)
		log10x2 := math.Log10(math.Sqrt(1 - x*x))
		un, us, vn, vs := b.unorth, b.usouth, b.vnorth, b.vsou
		un[0], us[0], vn[0], vs[0] = 0, 0, 0, 0
		for m := 1; m <= lmax-1; m++ {
			m2 := nlong2 + 1 - m // 1-based
			mm := m + 1
			start, pm1, pm2, pStart := g.plmStart(m, x, log10x2)
			col := g.coef[m*n : (m+1)*n]  // col[ll-1] = coef(ll, mm)
			row := g.coefT[m*n : (m+1)*n] // row[ll-1] = coef(mm, ll)
			s := g.s[m*n : (m+1)*n]
			t := g.t[m*n : (m+1)*n]
			p[mm-1] = 0 // p(m) = P_{m-1}^m
			p[mm] = pStart
			fm := float64(m)
			var s1r, s1i, s2r, s2i, s3r, s3i, s4r, s4i float64
			odd := false // l - m odd: ConFlow's eo = -1
			for ll := mm + 1; ll <= n; ll++ {
				// p(ll), degree ll-1, by plm's main recurrence (0 before
				// its start, as plm leaves it).
				c1 := col[ll-1]
				var pn float64
				if ll > start {
					pn = c1*x*pm1 - row[ll-1]*pm2
					pm2 = pm1
					pm1 = pn
				}
				p[ll] = pn
				// The sums' term of degree l = ll-2.
				l := ll - 2
				fl := float64(l)
				v1 := fl*pn/c1 - (fl+1)*p[ll-2]/col[ll-2]
				v2 := -(fm * p[ll-1])
				sr, si := real(s[l]), imag(s[l])
				tr, ti := real(t[l]), imag(t[l])
				ar, ai := -si*v2, sr*v2
				br, bi := tr*v1, ti*v1
				cr, ci := sr*v1, si*v1
				dr, di := -ti*v2, tr*v2
				s1r, s1i = s1r+ar-br, s1i+ai-bi
				s3r, s3i = s3r+cr+dr, s3i+ci+di
				// eo*(x) is exactly x or -x, and a + (-x) is a - x.
				if odd {
					s2r, s2i = s2r-(ar+br), s2i-(ai+bi)
					s4r, s4i = s4r+(cr-dr), s4i+(ci-di)
				} else {
					s2r, s2i = s2r+(ar+br), s2i+(ai+bi)
					s4r, s4i = s4r-(cr-dr), s4i-(ci-di)
				}
				odd = !odd
			}
			un[m] = complex(0.5*s1r*rst, 0.5*s1i*rst)
			us[m] = complex(0.5*s2r*rst, 0.5*s2i*rst)
			un[m2-1] = complex(0.5*s1r*rst, 0.5*-s1i*rst)
			us[m2-1] = complex(0.5*s2r*rst, 0.5*-s2i*rst)
			vn[m] = complex(0.5*s3r*rst, 0.5*s3i*rst)
			vs[m] = complex(0.5*s4r*rst, 0.5*s4i*rst)
			vn[m2-1] = complex(0.5*s3r*rst, 0.5*-s3i*rst)
			vs[m2-1] = complex(0.5*s4r*rst, 0.5*-s4i*rst)
		}
		g.finishRow(jn, js, b)
	}
}

// finishRow zeroes the orders ConFlow does not use, transforms the four
// spectra to longitude and stores their real parts in rows jn and js of
// U and V.
func (g *Generator) finishRow(jn, js int, b *synthBuf) {
	lmax, nlong2 := g.lmax, g.nlong2
	un, us, vn, vs := b.unorth, b.usouth, b.vnorth, b.vsou
	for m := lmax; m <= nlong2-lmax; m++ {
		un[m], us[m], vn[m], vs[m] = 0, 0, 0, 0
	}
	fftTransform(un, -1, b.fft)
	fftTransform(us, -1, b.fft)
	fftTransform(vn, -1, b.fft)
	fftTransform(vs, -1, b.fft)
	u, v := g.U, g.V
	for i := 0; i < nlong2; i++ {
		u[i+(jn-1)*nlong2] = real(un[i])
		u[i+(js-1)*nlong2] = real(us[i])
		v[i+(jn-1)*nlong2] = real(vn[i])
		v[i+(js-1)*nlong2] = real(vs[i])
	}
}

// plmStart runs subroutine plm for order m at x (log10x2 is
// log10(sqrt(1-x*x)), computed once per latitude) up to its main
// recurrence: it returns the index start (1-based, as plm's lls) after
// which the recurrence runs, its state pm1 and pm2 there, and the value
// plm stores at p(m+1) (P_m^m, or 0 when the rescaled branch runs; plm
// stores nothing else up to start). start >= n means every value is 0.
func (g *Generator) plmStart(m int, x, log10x2 float64) (start int, pm1, pm2, pStart float64) {
	const minlp = -20
	const r10p10, r10m10 = 1.0e+10, 1.0e-10
	lmaxp := g.n
	mm := m + 1
	col := g.coef[(mm-1)*lmaxp:]
	row := g.coefT[(mm-1)*lmaxp:]
	x2 := math.Sqrt(1 - x*x)
	alp := g.log10Pmm[m] + float64(m)*log10x2
	lp := int(alp)
	if lp >= minlp {
		pa := col[mm-1] * powi(x2, m)
		return mm, pa, 0, pa
	}
	alp = alp - float64(lp)
	pa := math.Pow(10, alp)
	lls := mm + 1
	pm2, pm1 = 0, pa
	for ll := mm + 1; ll <= lmaxp; ll++ {
		pa = col[ll-1]*x*pm1 - row[ll-1]*pm2
		pm2 = pm1
		pm1 = pa
		if pa > r10p10 {
			pm2 = pm2 * r10m10
			pm1 = pm1 * r10m10
			lp = lp + 10
			if lp >= minlp {
				pm2 = pm2 * rlpa[-lp]
				pm1 = pm1 * rlpa[-lp]
				break
			}
		}
		lls = ll + 1
	}
	return lls, pm1, pm2, 0
}

// plm computes the associated Legendre functions P_l^m(x) for l = m ..
// n-1 into p[l+1] by ConFlow's recurrence in l (subroutine plm, with its
// rescaling for tiny values near the poles); p[1..m] are 0.
func (g *Generator) plm(m int, x float64, p []float64) {
	const minlp = -20
	const r10p10, r10m10 = 1.0e+10, 1.0e-10
	lmaxp := g.n
	mm := m + 1
	lls := mm
	for i := 1; i <= lmaxp; i++ {
		p[i] = 0
	}
	col := g.coef[(mm-1)*lmaxp:]  // col[ll-1] = coef(ll, mm)
	row := g.coefT[(mm-1)*lmaxp:] // row[ll-1] = coef(mm, ll)
	// ConFlow's special cases |x| = 1 do not arise: x = cos(theta) at
	// cell centres, and m >= 1 here.
	x2 := math.Sqrt(1 - x*x)
	alp := math.Log10(col[mm-1]) + float64(m)*math.Log10(x2)
	lp := int(alp)
	var pa float64
	if lp < minlp {
		alp = alp - float64(lp)
		pa = math.Pow(10, alp)
		lls = mm + 1
	} else {
		pa = col[mm-1] * powi(x2, m)
		p[mm] = pa
	}
	pm2 := 0.0
	pm1 := pa
	if lp < minlp {
		for ll := mm + 1; ll <= lmaxp; ll++ {
			pa = col[ll-1]*x*pm1 - row[ll-1]*pm2
			pm2 = pm1
			pm1 = pa
			if pa > r10p10 {
				pm2 = pm2 * r10m10
				pm1 = pm1 * r10m10
				lp = lp + 10
				if lp >= minlp {
					pm2 = pm2 * rlpa[-lp]
					pm1 = pm1 * rlpa[-lp]
					lp = 0
					break
				}
			}
			lls = ll + 1
		}
	}
	if lls >= lmaxp {
		return
	}
	for ll := lls + 1; ll <= lmaxp; ll++ {
		pa = col[ll-1]*x*pm1 - row[ll-1]*pm2
		pm2 = pm1
		pm1 = pa
		p[ll] = pm1
	}
}

// powi is x**m for an integer m >= 0 as gfortran computes it (libgcc's
// __powidf2: binary powering).
func powi(x float64, m int) float64 {
	n := uint(m)
	y := 1.0
	if n%2 != 0 {
		y = x
	}
	for n >>= 1; n != 0; n >>= 1 {
		x = x * x
		if n%2 != 0 {
			y = y * x
		}
	}
	return y
}

// fftTransform is ConFlow's in-place radix-2 Fourier transform
// (subroutine fft_transform, after Numerical Recipes' four1) of data,
// whose length must be a power of two; direction is the sign of the
// exponent. work must hold 2 len(data)+1 values.
func fftTransform(data []complex128, direction int, work []float64) {
	num := len(data)
	ne := 2 * num
	rp := work[:ne+1] // 1-based
	for i, z := range data {
		rp[2*i+1] = real(z)
		rp[2*i+2] = imag(z)
	}
	j := 1
	for i := 1; i <= ne; i += 2 {
		if j > i {
			rp[j], rp[i] = rp[i], rp[j]
			rp[j+1], rp[i+1] = rp[i+1], rp[j+1]
		}
		step := ne / 2
		for j > step && step >= 2 {
			j -= step
			step /= 2
		}
		j += step
	}
	mmax := 2
	for ne > mmax {
		istep := 2 * mmax
		angle := 2 * math.Pi / float64(direction*mmax)
		sh := math.Sin(0.5 * angle)
		wpr := -(2 * (sh * sh))
		wpi := math.Sin(angle)
		wr, wi := 1.0, 0.0
		for m := 1; m <= mmax; m += 2 {
			for i := m; i <= ne; i += istep {
				k := i + mmax
				tr := wr*rp[k] - wi*rp[k+1]
				ti := wr*rp[k+1] + wi*rp[k]
				rp[k] = rp[i] - tr
				rp[k+1] = rp[i+1] - ti
				rp[i] = rp[i] + tr
				rp[i+1] = rp[i+1] + ti
			}
			wtemp := wr
			wr = wr*wpr - wi*wpi + wr
			wi = wi*wpr + wtemp*wpi + wi
		}
		mmax = istep
	}
	for i := range data {
		data[i] = complex(rp[2*i+1], rp[2*i+2])
	}
}
