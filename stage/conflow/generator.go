package conflow

import (
	"math"
	"math/cmplx"

	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/internal/parallel"
)

// rSun is ConFlow's solar radius, m.
const rSun = 6.96e8

// Single-precision literals of conflow.f90 (1.8, 0.1), as gfortran widens
// them to double precision where they meet a REAL(8).
const (
	randAmpScale = float64(float32(1.8))
	lifetimeL0   = float64(float32(0.1))
)

// Generator makes ConFlow's convective flows: a spectrum of poloidal (S)
// and toroidal (T) spherical-harmonic coefficients, advanced from one map
// to the next by the differential rotation and meridional flow couplings
// (4th-order Runge-Kutta in ConFlow's interaction picture) and random phase
// walks that give each mode a lifetime, and summed on ConFlow's uniform
// grid of 2 n_long x 2 n_lat cell centres.
//
// Every value is computed with the operations of conflow.f90 in the same
// order (the single-precision literals included), so a seeded Generator
// reproduces ConFlow's flows to round-off; work is spread over cores only
// across independent orders m and latitudes, which leaves each value's
// arithmetic unchanged.
type Generator struct {
	p      Params
	n      int // n_lat_2x: degrees l = 0 .. n-1, orders m = 0 .. n-1
	lmax   int // n_lat_2x - 1
	nlong2 int // n_long_2x: longitudes of the uniform grid
	rng    *fortranrand.Generator
	pool   *parallel.Pool
	// Each worker's Runge-Kutta scratch, and Step's pool body.
	stepBufs []*stepBuf
	stepBody parallel.WorkerBody
	// Each worker's scratch of the synthesis (synthesize).
	synthBufs []*synthBuf
	synthBody parallel.WorkerBody

	// coef(l1,m1) (1-based, ConFlow's plmcoef) is coef[(l1-1)+(m1-1)*n];
	// coefT holds the transpose, coefT[(m1-1)+(l1-1)*n] = coef(l1,m1),
	// so that both of plm's accesses run along memory.
	coef, coefT []float64
	// degree[l] and degree1[l] are l and l+1 as float64 (read by the
	// AVX2 kernel).
	degree, degree1 []float64
	// log10Pmm[m] is log10(coef(m+1,m+1)), the first term of plm's
	// scale estimate.
	log10Pmm []float64

	// s and t are S_lm and T_lm at index l + m*n (0-based degree and
	// order); only 1 <= m <= l <= lmax are set.
	s, t []complex128

	// orders[m] holds the couplings of the evolved modes l = m .. lmax-1
	// of order m (1 <= m <= lmax-1).
	orders []order

	// lifeStep[l] is sqrt(dtime/lifetime(l)), the scale of a mode's
	// random phase step per map.
	lifeStep []float64

	rnd    []float64 // the random numbers of one step, in ConFlow's order
	rndOff []int     // rndOff[m]: the first of order m's numbers in rnd

	// U and V are the flows of the latest step on ConFlow's uniform grid,
	// at index (i-1) + (j-1)*2 n_long, m/s: U is ConFlow's u (the phi
	// component, written to the vp files) and V its v (the theta
	// component, written unchanged to the vt files). Row j runs from the
	// cell next to one pole to the other as in ConFlow (the staggered
	// maps flip it); i = 1 is the first cell in phi.
	U, V []float64

	// fft is the plan of the Fourier transforms to longitude.
	fft *fftPlan

	// width is how many latitudes synthRows treats together: 8 where
	// the AVX-512 kernel runs, else 4.
	width int

	// starts[group][m-1][k] is plmStartLanes's result for order m at
	// latitude k of the group of lanes latitudes (see synthRows), made
	// on the first step: it depends on the grid alone.
	starts [][][lanes]laneStart

	step int // steps taken
}

// order holds the couplings of order m's evolved modes l = m .. lmax-1
// at index i = l - m (n of them), each quantity in its own array so that
// the vector kernel reads eight modes at once.
type order struct {
	n int
	// c[q*n+i] and c[(13+q)*n+i] are the real and imaginary parts of
	// MFlow_k + i Omega_k, mode i's coupling to degree l+k, k = q-6
	// (Omega_k is 0 for k = 0 and |k| >= 5: ConFlow's l term multiplies
	// 0 i Omega).
	c []float64
	// omega[i] is Omega(l,m), the phase the differential rotation turns
	// the mode by per step, rad; eh = exp(i omega/2) and ef = exp(i omega)
	// with real parts at [i] and imaginary parts at [n+i].
	omega, eh, ef []float64
}

// NewGenerator sets up ConFlow's spectrum for p: the Legendre recurrence
// coefficients, the random initial amplitudes and phases (drawn from rng
// in ConFlow's order), and the coupling coefficients. pool spreads the
// work of later steps over its workers (nil: one core). p must have
// passed Check.
func NewGenerator(p Params, rng *fortranrand.Generator, pool *parallel.Pool) *Generator {
	n := 2 * p.NLat
	g := &Generator{p: p, n: n, lmax: n - 1, nlong2: 2 * p.NLong, rng: rng, pool: pool, width: 4}
	if useAVX2 && useAVX512 {
		g.width = 8
	}
	g.fft = newFFTPlan(g.nlong2, -1)
	g.coef = plmcoef(n)
	g.coefT = make([]float64, n*n)
	for m := 0; m < n; m++ {
		for l := 0; l < n; l++ {
			g.coefT[m+l*n] = g.coef[l+m*n]
		}
	}
	g.degree = make([]float64, n)
	g.degree1 = make([]float64, n)
	for l := range g.degree {
		g.degree[l] = float64(l)
		g.degree1[l] = float64(l) + 1
	}
	g.log10Pmm = make([]float64, n)
	for m := range g.log10Pmm {
		g.log10Pmm[m] = math.Log10(g.coef[m+m*n])
	}
	g.initSpectrum()
	g.initCouplings()
	g.lifeStep = make([]float64, n)
	for l := 1; l < n; l++ {
		el := float64(l)
		y := 100 / (el + lifetimeL0)
		xlifetime := 36000 * (y * y) // 10.*3600.*(100./(el+0.1))**2.0
		g.lifeStep[l] = math.Sqrt(p.DTime / xlifetime)
	}
	g.rndOff = make([]int, n)
	off := 0
	for m := 1; m <= g.lmax-1; m++ {
		g.rndOff[m] = off
		off += 2 * (g.lmax - m)
	}
	g.rnd = make([]float64, off)
	g.U = make([]float64, g.nlong2*n)
	g.V = make([]float64, g.nlong2*n)
	return g
}

// plmcoef returns ConFlow's coefficient matrix for the Legendre
// recurrence (subroutine plmcoef), coef(l1,m1) at (l1-1)+(m1-1)*n.
func plmcoef(n int) []float64 {
	coef := make([]float64, n*n)
	at := func(l1, m1 int) *float64 { return &coef[(l1-1)+(m1-1)*n] }
	lmax := n - 1
	x1 := 0.5
	*at(1, 1) = math.Sqrt(x1)
	fill := func(m int) {
		fm := float64(m)
		for l := m + 1; l <= lmax; l++ {
			fl := float64(l)
			*at(l+1, m+1) = math.Sqrt(((2*fl + 1) / float64(l+m)) * ((2*fl - 1) / float64(l-m)))
			*at(m+1, l+1) = math.Sqrt(((2*fl + 1) / float64(l+m)) * ((fl + fm - 1) / float64(l-m)) * ((fl - fm - 1) / (2*fl - 3)))
		}
	}
	fill(0)
	for m := 1; m <= lmax-1; m++ {
		fm := float64(m)
		x1 = x1 * (2*fm + 1) / (2 * fm)
		*at(m+1, m+1) = math.Sqrt(x1)
		fill(m)
	}
	fm := float64(lmax)
	x1 = x1 * (2*fm + 1) / (2 * fm)
	*at(lmax+1, lmax+1) = math.Sqrt(x1)
	return coef
}

// initSpectrum draws the initial S_lm and T_lm (ConFlow's "Construct the
// convection spectrum"): Hathaway's amplitudes, tapered, times 1.8 u with
// u uniform, at a uniform random phase; four numbers per (l, m), l outer.
func (g *Generator) initSpectrum() {
	n := g.n
	g.s = make([]complex128, n*n)
	g.t = make([]complex128, n*n)
	for l := 1; l <= g.lmax; l++ {
		el := float64(l)
		ampS := 0.08*(1-math.Tanh(el/165.0)) + 0.0024*(1-math.Tanh(el/2000.0))
		ampT := 1.5 * (1 - 0.5*math.Sqrt(el/1000.0)) / el
		var taperL1 float64
		taper := 1.0
		switch g.p.SpectrumModModel {
		case 1:
			const taperL0 = 384.0
			taperL1 = 512.0
			if el > taperL0 {
				taper = 0.5 * (1 + math.Cos(math.Pi*(el-taperL0)/(taperL1-taperL0)))
			}
		default:
			taperL1 = g.p.SpectralCutoff
		}
		if el > taperL1 {
			taper = 0
		}
		ampS = taper * ampS
		ampT = taper * ampT
		for m := 1; m <= l; m++ {
			phase := 2 * math.Pi * g.rng.Float64()
			sin, cos := math.Sincos(phase)
			a := randAmpScale * g.rng.Float64() * ampS
			g.s[l+m*n] = complex(a*cos, a*sin)
			phase = 2 * math.Pi * g.rng.Float64()
			sin, cos = math.Sincos(phase)
			a = randAmpScale * g.rng.Float64() * ampT
			g.t[l+m*n] = complex(a*cos, a*sin)
		}
	}
}

// Spectrum returns |S_lm| as ConFlow's spectrum.h5 holds it: an n x n
// array (n = 2 n_lat) with degree l fastest, at index l + m*n; entries
// ConFlow never sets (l = 0, m = 0, m > l) are 0.
func (g *Generator) Spectrum() []float64 {
	a := make([]float64, len(g.s))
	for i, v := range g.s {
		a[i] = cmplx.Abs(v)
	}
	return a
}

// initCouplings computes ConFlow's coupling coefficients (the "Coupling
// Coefficients" loop) for the evolved modes.
func (g *Generator) initCouplings() {
	lmax, p := g.lmax, g.p
	var coefDR [5]float64
	var coefMF [6]float64
	for i := range coefDR {
		coefDR[i] = p.DR[i] * p.DTime / rSun
	}
	for i := range coefMF {
		coefMF[i] = p.MF[i] * p.DTime / rSun
	}
	g.orders = make([]order, lmax)
	orders := func(lo, hi int) {
		for m := lo + 1; m <= hi; m++ {
			g.initOrder(m, coefDR, coefMF)
		}
	}
	g.pool.Share(lmax-1, parallel.Each(orders)) // order m has lmax-m modes: unequal work
}

// initOrder computes the couplings of order m's evolved modes.
func (g *Generator) initOrder(m int, coefDR [5]float64, coefMF [6]float64) {
	n, lmax := g.n, g.lmax
	DR0, DR1, DR2, DR3, DR4 := coefDR[0], coefDR[1], coefDR[2], coefDR[3], coefDR[4]
	MF0, MF1, MF2, MF3, MF4, MF5 := coefMF[0], coefMF[1], coefMF[2], coefMF[3], coefMF[4], coefMF[5]
	em := float64(m)
	col := g.coef[m*n:] // col[l1-1] = coef(l1, m1)
	c := func(l1 int) float64 { return col[l1-1] }
	nm := lmax - m
	o := order{n: nm, c: make([]float64, 26*nm), omega: make([]float64, nm), eh: make([]float64, 2*nm), ef: make([]float64, 2*nm)}
	for l := m; l <= lmax-1; l++ {
		l1 := l + 1
		el := float64(l)
		var om, mf [13]float64 // Omega_k, MFlow_k at k+6
		BAALM4 := (el + em - 4) * (el - em - 4) / ((2*el - 7) * (2*el - 9))
		BAALM3 := (el + em - 3) * (el - em - 3) / ((2*el - 5) * (2*el - 7))
		BAALM2 := (el + em - 2) * (el - em - 2) / ((2*el - 3) * (2*el - 5))
		BAALM1 := (el + em - 1) * (el - em - 1) / ((2*el - 1) * (2*el - 3))
		BAALP0 := (el + em + 0) * (el - em + 0) / ((2*el + 1) * (2*el - 1))
		BAALP1 := (el + em + 1) * (el - em + 1) / ((2*el + 3) * (2*el + 1))
		BAALP2 := (el + em + 2) * (el - em + 2) / ((2*el + 5) * (2*el + 3))
		BAALP3 := (el + em + 3) * (el - em + 3) / ((2*el + 7) * (2*el + 5))
		BAALP4 := (el + em + 4) * (el - em + 4) / ((2*el + 9) * (2*el + 7))
		BAALP5 := (el + em + 5) * (el - em + 5) / ((2*el + 11) * (2*el + 9))
		var BAA0, BAA1, BAA2, BAA3, BAA4, BAA5, BAA6 float64
		if l+6 < lmax {
			BAA0 = 1 / (c(l1+6) * c(l1+5) * c(l1+4) * c(l1+3) * c(l1+2) * c(l1+1))
			mf[6+6] = -(el + 7) * BAA0 * MF5
		}
		if l+5 < lmax {
			BAA0 = 1 / (c(l1+5) * c(l1+4) * c(l1+3) * c(l1+2) * c(l1+1))
			mf[6+5] = -(el + 6) * BAA0 * MF4
		}
		if l+4 < lmax {
			BAA0 = 1 / (c(l1+4) * c(l1+3) * c(l1+2) * c(l1+1))
			om[6+4] = em * BAA0 * DR4
			BAA1 = BAA0 * BAALP5
			BAA2 = BAA0 * (BAALP4 + BAALP3 + BAALP2 + BAALP1 + BAALP0)
			mf[6+4] = -(el+5)*BAA0*MF3 + ((el+4)*BAA1-(el+5)*BAA2)*MF5
		}
		if l+3 < lmax {
			BAA0 = 1 / (c(l1+3) * c(l1+2) * c(l1+1))
			om[6+3] = em * BAA0 * DR3
			BAA1 = BAA0 * BAALP4
			BAA2 = BAA0 * (BAALP3 + BAALP2 + BAALP1 + BAALP0)
			mf[6+3] = -(el+4)*BAA0*MF2 + ((el+3)*BAA1-(el+4)*BAA2)*MF4
		}
		if l+2 < lmax {
			BAA0 = 1 / (c(l1+2) * c(l1+1))
			BAA1 = BAA0 * (BAALP3 + BAALP2 + BAALP1 + BAALP0)
			om[6+2] = em * (BAA0*DR2 + BAA1*DR4)
			BAA1 = BAA0 * BAALP3
			BAA2 = BAA0 * (BAALP2 + BAALP1 + BAALP0)
			BAA3 = BAA0 * BAALP3 * (BAALP4 + BAALP3 + BAALP2 + BAALP1 + BAALP0)
			BAA4 = BAA0 * (BAALP2*(BAALP3+BAALP2+BAALP1) + BAALP1*(BAALP2+BAALP1+BAALP0) + BAALP0*(BAALP2+BAALP1+BAALP0+BAALM1))
			mf[6+2] = -(el+3)*BAA0*MF1 + ((el+2)*BAA1-(el+3)*BAA2)*MF3 + ((el+2)*BAA3-(el+3)*BAA4)*MF5
		}
		if l+1 < lmax {
			BAA0 = 1 / c(l1+1)
			BAA1 = BAA0 * (BAALP2 + BAALP1 + BAALP0)
			om[6+1] = em * (BAA0*DR1 + BAA1*DR3)
			BAA1 = BAA0 * BAALP2
			BAA2 = BAA0 * (BAALP1 + BAALP0)
			BAA3 = BAA0 * BAALP2 * (BAALP3 + BAALP2 + BAALP1 + BAALP0)
			BAA4 = BAA0 * (BAALP1*(BAALP2+BAALP1+BAALP0) + BAALP0*(BAALP1+BAALP0+BAALM1))
			mf[6+1] = -(el+2)*BAA0*MF0 + ((el+1)*BAA1-(el+2)*BAA2)*MF2 + ((el+1)*BAA3-(el+2)*BAA4)*MF4
		}
		BAA2 = BAALP1 + BAALP0
		BAA4 = BAALP1*(BAALP2+BAALP1+BAALP0) + BAALP0*(BAALP1+BAALP0+BAALM1)
		omega := em * (DR0 + BAA2*DR2 + BAA4*DR4)
		BAA1 = BAALP1
		BAA2 = BAALP0
		BAA3 = BAALP1 * (BAALP2 + BAALP1 + BAALP0)
		BAA4 = BAALP0 * (BAALP1 + BAALP0 + BAALM1)
		BAA5 = BAALP1 * (BAALP2*(BAALP3+BAALP2+BAALP1) + BAALP1*(BAALP2+BAALP1+BAALP0) + BAALP0*(BAALP2+BAALP1+BAALP0+BAALM1))
		BAA6 = BAALP0 * (BAALP1*(BAALP2+BAALP1+BAALP0+BAALM1) + BAALP0*(BAALP1+BAALP0+BAALM1) + BAALM1*(BAALP0+BAALM1+BAALM2))
		mf[6] = (el*BAA1-(el+1)*BAA2)*MF1 + (el*BAA3-(el+1)*BAA4)*MF3 + (el*BAA5-(el+1)*BAA6)*MF5
		if l-1 >= m {
			BAA0 = 1 / c(l1)
			BAA1 = BAA0 * (BAALP1 + BAALP0 + BAALM1)
			om[6-1] = em * (BAA0*DR1 + BAA1*DR3)
			BAA1 = BAA0 * (BAALP1 + BAALP0)
			BAA2 = BAA0 * BAALM1
			BAA3 = BAA0 * (BAALP1*(BAALP2+BAALP1+BAALP0) + BAALP0*(BAALP1+BAALP0+BAALM1))
			BAA4 = BAA0 * BAALM1 * (BAALP1 + BAALP0 + BAALM1 + BAALM2)
			mf[6-1] = (el-1)*BAA0*MF0 + ((el-1)*BAA1-el*BAA2)*MF2 + ((el-1)*BAA3-el*BAA4)*MF4
		}
		if l-2 >= m {
			BAA0 = 1 / (c(l1) * c(l1-1))
			BAA1 = BAA0 * (BAALP1 + BAALP0 + BAALM1 + BAALM2)
			om[6-2] = em * (BAA0*DR2 + BAA1*DR4)
			BAA2 = BAA0 * (BAALP1 + BAALP0 + BAALM1)
			BAA3 = BAA0 * BAALM2
			BAA4 = BAA0 * (BAALP1*(BAALP2+BAALP1+BAALP0+BAALM1) + BAALP0*(BAALP1+BAALP0+BAALM1) + BAALM1*(BAALP0+BAALM1+BAALM2))
			BAA5 = BAA0 * BAALM2 * (BAALP1 + BAALP0 + BAALM1 + BAALM2 + BAALM3)
			mf[6-2] = (el-2)*BAA0*MF1 + ((el-2)*BAA2-(el-1)*BAA3)*MF3 + ((el-2)*BAA4-(el-1)*BAA5)*MF5
		}
		if l-3 >= m {
			BAA0 = 1 / (c(l1) * c(l1-1) * c(l1-2))
			om[6-3] = em * BAA0 * DR3
			BAA2 = BAA0 * (BAALP1 + BAALP0 + BAALM1 + BAALM2)
			BAA3 = BAA0 * BAALM3
			mf[6-3] = (el-3)*BAA0*MF2 + ((el-3)*BAA2-(el-2)*BAA3)*MF4
		}
		if l-4 >= m {
			BAA0 = 1 / (c(l1) * c(l1-1) * c(l1-2) * c(l1-3))
			om[6-4] = em * BAA0 * DR4
			BAA1 = BAA0 * (BAALP1 + BAALP0 + BAALM1 + BAALM2)
			BAA2 = BAA0 * BAALM4
			mf[6-4] = (el-4)*BAA0*MF3 + ((el-4)*BAA1-(el-3)*BAA2)*MF5
		}
		if l-5 >= m {
			BAA0 = 1 / (c(l1) * c(l1-1) * c(l1-2) * c(l1-3) * c(l1-4))
			mf[6-5] = (el - 5) * BAA0 * MF4
		}
		if l-6 >= m {
			BAA0 = 1 / (c(l1) * c(l1-1) * c(l1-2) * c(l1-3) * c(l1-4) * c(l1-5))
			mf[6-6] = (el - 6) * BAA0 * MF5
		}
		i := l - m
		for q := range mf {
			o.c[q*nm+i] = mf[q]
			o.c[(13+q)*nm+i] = om[q]
		}
		o.omega[i] = omega
		eh := cmplx.Exp(complex(0, omega/2))
		ef := cmplx.Exp(complex(0, omega))
		o.eh[i], o.eh[nm+i] = real(eh), imag(eh)
		o.ef[i], o.ef[nm+i] = real(ef), imag(ef)
	}
	g.orders[m] = o
}
