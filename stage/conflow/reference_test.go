package conflow

import (
	"math"
	"testing"

	"github.com/goft-sft/goft/internal/fma"
	"github.com/goft-sft/goft/internal/fortranrand"
)

// synthRowsReference computes the flows at the latitude pairs j in [jlo, jhi)
// (1-based; j = 1 is next to the equator).
func (g *Generator) synthRowsReference(jlo, jhi int, b *refBuf) {
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
		un, us, vn, vs := b.unorth, b.usouth, b.vnorth, b.vsou
		un[0], us[0], vn[0], vs[0] = 0, 0, 0, 0
		for m := 1; m <= lmax-1; m++ {
			m2 := nlong2 + 1 - m // 1-based
			g.plm(m, x, p)
			col := g.coef[m*n:] // col[l1-1] = coef(l1, m+1)
			s := g.s[m*n : (m+1)*n]
			t := g.t[m*n : (m+1)*n]
			fm := float64(m)
			var s1r, s1i, s2r, s2i, s3r, s3i, s4r, s4i float64
			for l := m; l <= lmax-1; l++ {
				eo := 1.0
				if (l-m)%2 != 0 {
					eo = -1.0
				}
				fl := float64(l)
				v1 := float64(fl*p[l+2])/col[l+1] - float64((fl+1)*p[l])/col[l]
				v2 := -(fm * p[l+1])
				sr, si := real(s[l]), imag(s[l])
				tr, ti := real(t[l]), imag(t[l])
				// A = xi*s*v2, B = t*v1, C = s*v1, D = xi*t*v2.
				ar, ai := float64(-si*v2), float64(sr*v2)
				br, bi := float64(tr*v1), float64(ti*v1)
				cr, ci := float64(sr*v1), float64(si*v1)
				dr, di := float64(-ti*v2), float64(tr*v2)
				s1r, s1i = s1r+ar-br, s1i+ai-bi
				s2r, s2i = s2r+float64(eo*(ar+br)), s2i+float64(eo*(ai+bi))
				s3r, s3i = s3r+cr+dr, s3i+ci+di
				s4r, s4i = s4r-float64(eo*(cr-dr)), s4i-float64(eo*(ci-di))
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
		for m := lmax; m <= nlong2-lmax; m++ {
			un[m], us[m], vn[m], vs[m] = 0, 0, 0, 0
		}
		fftTransform(un, -1, b.fft)
		fftTransform(us, -1, b.fft)
		fftTransform(vn, -1, b.fft)
		fftTransform(vs, -1, b.fft)
		u := g.U
		v := g.V
		for i := 0; i < nlong2; i++ {
			u[i+(jn-1)*nlong2] = real(un[i])
			u[i+(js-1)*nlong2] = real(us[i])
			v[i+(jn-1)*nlong2] = real(vn[i])
			v[i+(js-1)*nlong2] = real(vs[i])
		}
	}
}

// TestFusedSynthesisSameBits checks the fused Legendre recurrence and
// sums of synthRows against the direct transcription of ConFlow's loops
// (plm, then the sums over l) kept above, on a grid where the rescaled
// branch of plm runs near the poles, on the second step (whose
// recurrence starts are those the first step cached).
func TestFusedSynthesisSameBits(t *testing.T) {
	if fma.Contracted {
		t.Skip("the compiler fuses multiply-adds here (GOAMD64=v3, arm64): the two loops may round differently")
	}
	for _, c := range []struct{ nLat, nLong int }{{24, 64}, {100, 256}} {
		p := Defaults()
		p.NLat, p.NLong, p.SpectralCutoff = c.nLat, c.nLong, 1000
		g := NewGenerator(p, fortranrand.Fill(5), nil)
		g.Step()
		g.Step() // the second step runs from the cached recurrence starts
		u, v := append([]float64(nil), g.U...), append([]float64(nil), g.V...)
		g.synthRowsReference(1, g.n/2+1, g.newRefBuf())
		for i := range u {
			if math.Float64bits(u[i]) != math.Float64bits(g.U[i]) || math.Float64bits(v[i]) != math.Float64bits(g.V[i]) {
				t.Fatalf("%dx%d: value %d: fused (%v, %v), reference (%v, %v)", c.nLong, c.nLat, i, u[i], v[i], g.U[i], g.V[i])
			}
		}
	}
}

// refBuf is the reference synthesis's work space.
type refBuf struct {
	p                            []float64
	unorth, usouth, vnorth, vsou []complex128
	fft                          []float64
}

func (g *Generator) newRefBuf() *refBuf {
	return &refBuf{
		p:      make([]float64, g.n+1),
		unorth: make([]complex128, g.nlong2),
		usouth: make([]complex128, g.nlong2),
		vnorth: make([]complex128, g.nlong2),
		vsou:   make([]complex128, g.nlong2),
		fft:    make([]float64, 2*g.nlong2+1),
	}
}

// TestVectorKernelsSameBits checks that the AVX2 and AVX-512 kernels (the
// synthesis, and the Runge-Kutta coupling sums in AVX-512) give the Go
// loops' bits, on grids whose latitude pairs fill the groups
// (64), leave a group of four after the groups of eight (44) and leave
// two latitudes for the Go loop alone (42), over two steps (the second
// runs from the cached recurrence starts).
func TestVectorKernelsSameBits(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernel on this machine or build")
	}
	forms := []struct {
		name         string
		avx2, avx512 bool
	}{{"Go", false, false}, {"AVX2", true, false}, {"AVX-512", true, true}}
	canCouple := useCouplingKernel
	if !useAVX512 {
		t.Log("no AVX-512 on this CPU: its kernel is not tested here")
		forms = forms[:2]
	}
	for _, nLat := range []int{64, 44, 42} {
		p := Defaults()
		p.NLat, p.NLong, p.SpectralCutoff = nLat, 128, 1000
		flows := func(avx2, avx512 bool) (u, v []float64) {
			defer func(a, b, c bool) { useAVX2, useAVX512, useCouplingKernel = a, b, c }(useAVX2, useAVX512, useCouplingKernel)
			useAVX2, useAVX512, useCouplingKernel = avx2, avx512, avx512 && canCouple
			g := NewGenerator(p, fortranrand.Fill(11), nil)
			g.Step()
			u = append(u, g.U...)
			v = append(v, g.V...)
			g.Step()
			return append(u, g.U...), append(v, g.V...)
		}
		u0, v0 := flows(false, false)
		for _, f := range forms[1:] {
			u1, v1 := flows(f.avx2, f.avx512)
			for i := range u0 {
				if math.Float64bits(u0[i]) != math.Float64bits(u1[i]) || math.Float64bits(v0[i]) != math.Float64bits(v1[i]) {
					t.Fatalf("n_lat %d: value %d: %s (%v, %v), Go (%v, %v)", nLat, i, f.name, u1[i], v1[i], u0[i], v0[i])
				}
			}
		}
	}
}

// The direct transcriptions of ConFlow's subroutines plm and
// fft_transform: the references of the fused recurrence and of
// fftTransform4 (the generator no longer calls them).

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
	x2 := math.Sqrt(1 - float64(x*x))
	alp := math.Log10(col[mm-1]) + float64(float64(m)*math.Log10(x2))
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
			pa = float64(col[ll-1]*x*pm1) - float64(row[ll-1]*pm2)
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
		pa = float64(col[ll-1]*x*pm1) - float64(row[ll-1]*pm2)
		pm2 = pm1
		pm1 = pa
		p[ll] = pm1
	}
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
