package conflow

import (
	"math"
	"slices"
)

// rlpa are plm's scale factors 10^-1 .. 10^-20, written in conflow.f90 as
// single-precision literals (1.0e-1, ...) and widened to double.
var rlpa = [21]float64{0,
	float64(float32(1e-1)), float64(float32(1e-2)), float64(float32(1e-3)), float64(float32(1e-4)), float64(float32(1e-5)),
	float64(float32(1e-6)), float64(float32(1e-7)), float64(float32(1e-8)), float64(float32(1e-9)), float64(float32(1e-10)),
	float64(float32(1e-11)), float64(float32(1e-12)), float64(float32(1e-13)), float64(float32(1e-14)), float64(float32(1e-15)),
	float64(float32(1e-16)), float64(float32(1e-17)), float64(float32(1e-18)), float64(float32(1e-19)), float64(float32(1e-20)),
}

// lanes is the most latitudes synthRows treats together: the width of
// the AVX-512 kernel. A Generator's groups are g.width wide: 8 where the
// AVX-512 kernel runs, 4 (the AVX2 kernel's width) elsewhere.
const lanes = 8

// synthBuf is the work space of one group of latitudes.
type synthBuf struct {
	spec [lanes]rowSpectra
	blk  laneBlock
	fft  []float64
}

// rowSpectra are one latitude's four Fourier spectra (ConFlow's unorth,
// usouth, vnorth, vsouth).
type rowSpectra struct {
	unorth, usouth, vnorth, vsou []complex128
}

// laneBlock is the state of the Legendre recurrence and of the sums over
// l for up to lanes latitudes at one order m; the vector kernels read and
// write it (its layout is fixed: see synth_amd64.s and synth512_amd64.s;
// the AVX2 kernel uses the first four lanes).
type laneBlock struct {
	x    [lanes]float64    // cos(theta)
	pm1  [lanes]float64    // plm's pm1: p(ll-1) once the recurrence runs
	pm2  [lanes]float64    // plm's pm2: p(ll-2)
	sums [8][lanes]float64 // sum1..sum4 of ConFlow, real and imaginary parts
	// For the masked kernel only: the stored values p(ll-1), p(ll-2),
	// each lane's start and the first ll.
	p1, p2 [lanes]float64
	start  [lanes]int64
	ll0    int64
}

func (g *Generator) newSynthBuf() *synthBuf {
	b := &synthBuf{fft: make([]float64, fftLanes*(2*g.nlong2+1))}
	for k := range b.spec {
		b.spec[k] = rowSpectra{
			unorth: make([]complex128, g.nlong2),
			usouth: make([]complex128, g.nlong2),
			vnorth: make([]complex128, g.nlong2),
			vsou:   make([]complex128, g.nlong2),
		}
	}
	return b
}

// synthesize computes U and V from the spectrum (ConFlow's latitude loop):
// latitudes are independent; groups of g.width are spread over the pool
// by parallel.Pool.Share (a group near the poles starts its recurrences
// later, so equal ranges of groups are not equal work).
func (g *Generator) synthesize() {
	nlhalf := g.n / 2
	width := g.width
	groups := (nlhalf + width - 1) / width
	if g.starts == nil {
		g.starts = make([][][lanes]laneStart, groups)
	}
	for len(g.synthBufs) < g.pool.Workers() {
		g.synthBufs = append(g.synthBufs, g.newSynthBuf())
	}
	if g.synthBody == nil {
		g.synthBody = func(w, lo, hi int) {
			for k := lo; k < hi; k++ {
				j0 := 1 + k*g.width
				g.synthRows(j0, min(j0+g.width, g.n/2+1), g.synthBufs[w])
			}
		}
	}
	g.pool.Share(groups, g.synthBody)
}

// laneState is one latitude's state in the fused loop of synthRows: the
// recurrence (plm's start index, pm1 and pm2), the stored values p(ll-1)
// and p(ll-2) the sums read (they differ from pm1 and pm2 only in the
// two steps after a rescaled start), and the sums.
type laneState struct {
	x, pm1, pm2, p1, p2 float64
	start               int
	sums                [8]float64
}

// laneStart is what plmStartLanes leaves for one latitude and order: the
// recurrence's start and its values there (laneState's pm1, pm2, p1 and
// start; p2 is always 0).
type laneStart struct {
	pm1, pm2, p1 float64
	start        int
}

// synthRows computes the flows at the latitude pairs j in [jlo, jhi)
// (1-based; j = 1 is next to the equator; at most g.width of them). For
// each order m it runs ConFlow's Legendre recurrence (plm) and its sums
// over l in one loop, so that the recurrence's latency overlaps the
// sums' work, and runs the steady part of that loop for eight latitudes
// at once in AVX-512, or four in AVX2, where available. Each value is
// computed with ConFlow's operations in ConFlow's order
// (TestFusedSynthesisSameBits, TestVectorKernelsSameBits).
func (g *Generator) synthRows(jlo, jhi int, b *synthBuf) {
	n, lmax, nlong2 := g.n, g.lmax, g.nlong2
	nlhalf := n / 2
	dtheta := math.Pi / float64(n)
	nl := jhi - jlo
	var ls [lanes]laneState
	var rst, log10x2 [lanes]float64
	// The recurrence's start for each order (plmStartLanes) does not
	// change from step to step: it is computed on the first step and
	// kept.
	group := (jlo - 1) / g.width
	starts := g.starts[group]
	first := starts == nil
	if first {
		starts = make([][lanes]laneStart, lmax-1)
		g.starts[group] = starts
	}
	for k := 0; k < nl; k++ {
		theta := 0.5*math.Pi - (float64(jlo+k)-0.5)*dtheta
		ls[k].x = math.Cos(theta)
		rst[k] = 1.0 / math.Sin(theta)
		log10x2[k] = math.Log10(math.Sqrt(1 - float64(ls[k].x*ls[k].x)))
		sp := &b.spec[k]
		sp.unorth[0], sp.usouth[0], sp.vnorth[0], sp.vsou[0] = 0, 0, 0, 0
	}
	for m := 1; m <= lmax-1; m++ {
		mm := m + 1
		col := g.coef[m*n : (m+1)*n]  // col[ll-1] = coef(ll, mm)
		row := g.coefT[m*n : (m+1)*n] // row[ll-1] = coef(mm, ll)
		s := g.s[m*n : (m+1)*n]
		t := g.t[m*n : (m+1)*n]
		fm := float64(m)
		if first {
			g.plmStartLanes(m, ls[:nl], log10x2[:nl])
			for k := 0; k < nl; k++ {
				st := &ls[k]
				starts[m-1][k] = laneStart{st.pm1, st.pm2, st.p1, st.start}
			}
		}
		for k := 0; k < nl; k++ {
			st := &ls[k]
			ss := &starts[m-1][k]
			st.pm1, st.pm2, st.p1, st.p2, st.start = ss.pm1, ss.pm2, ss.p1, 0, ss.start
			st.sums = [8]float64{}
		}
		end := n + 1 // ll runs to n
		// The first vec lanes run in a vector kernel from steady, the
		// first ll from which each of them has run two steps of its
		// recurrence (p(ll-1) = pm1, p(ll-2) = pm2), with l - m even;
		// the others run laneRange alone.
		vec := 0
		if useAVX2 {
			if nl == 8 && useAVX512 {
				vec = 8
			} else if nl >= 4 {
				vec = 4
			}
		}
		steady := mm + 1
		for k := 0; k < vec; k++ {
			if st := ls[k].start; st > mm {
				steady = max(steady, st+3)
			}
		}
		if (steady-mm-1)%2 != 0 {
			steady++
		}
		if steady >= end {
			vec = 0
		}
		for k := vec; k < nl; k++ {
			laneRange(&ls[k], m, mm+1, end, fm, col, row, s, t)
		}
		if vec > 0 {
			blk := &b.blk
			if vec == 8 {
				// From the first ll where a lane runs, up to steady, in
				// the masked kernel (lanes before their start stay 0).
				vstart := mm + 1
				if lo := slices.MinFunc(ls[:8], func(a, b laneState) int { return a.start - b.start }).start; lo > mm {
					vstart = lo + 1
				}
				if (vstart-mm-1)%2 != 0 {
					vstart--
				}
				for k := 0; k < 8; k++ {
					st := &ls[k]
					blk.x[k], blk.pm1[k], blk.pm2[k] = st.x, st.pm1, st.pm2
					blk.p1[k], blk.p2[k], blk.start[k] = st.p1, st.p2, int64(st.start)
					for i := range blk.sums {
						blk.sums[i][k] = 0
					}
				}
				blk.ll0 = int64(vstart)
				if steady > vstart {
					l0 := vstart - 2
					synthLanesMaskedAVX512(blk, &col[l0], &row[vstart-1], &s[l0], &t[l0], &g.degree[l0], &g.degree1[l0], fm, (steady-vstart)/2)
				}
			} else {
				for k := 0; k < vec; k++ {
					laneRange(&ls[k], m, mm+1, steady, fm, col, row, s, t)
				}
				for k := 0; k < vec; k++ {
					blk.x[k], blk.pm1[k], blk.pm2[k] = ls[k].x, ls[k].pm1, ls[k].pm2
					for i := range blk.sums {
						blk.sums[i][k] = ls[k].sums[i]
					}
				}
			}
			pairs := (end - steady) / 2
			l0 := steady - 2
			if vec == 8 {
				synthLanesAVX512(blk, &col[l0], &row[steady-1], &s[l0], &t[l0], &g.degree[l0], &g.degree1[l0], fm, pairs)
			} else {
				synthLanesAVX2(blk, &col[l0], &row[steady-1], &s[l0], &t[l0], &g.degree[l0], &g.degree1[l0], fm, pairs)
			}
			for k := 0; k < vec; k++ {
				st := &ls[k]
				st.pm1, st.pm2 = blk.pm1[k], blk.pm2[k]
				st.p1, st.p2 = st.pm1, st.pm2
				for i := range blk.sums {
					st.sums[i] = blk.sums[i][k]
				}
				laneRange(st, m, steady+2*pairs, end, fm, col, row, s, t)
			}
		}
		m2 := nlong2 + 1 - m // 1-based
		for k := 0; k < nl; k++ {
			r := rst[k]
			sm := &ls[k].sums
			sp := &b.spec[k]
			sp.unorth[m] = complex(0.5*sm[0]*r, 0.5*sm[1]*r)
			sp.usouth[m] = complex(0.5*sm[2]*r, 0.5*sm[3]*r)
			sp.unorth[m2-1] = complex(0.5*sm[0]*r, 0.5*-sm[1]*r)
			sp.usouth[m2-1] = complex(0.5*sm[2]*r, 0.5*-sm[3]*r)
			sp.vnorth[m] = complex(0.5*sm[4]*r, 0.5*sm[5]*r)
			sp.vsou[m] = complex(0.5*sm[6]*r, 0.5*sm[7]*r)
			sp.vnorth[m2-1] = complex(0.5*sm[4]*r, 0.5*-sm[5]*r)
			sp.vsou[m2-1] = complex(0.5*sm[6]*r, 0.5*-sm[7]*r)
		}
	}
	for k := 0; k < nl; k++ {
		j := jlo + k
		g.finishRow(nlhalf+j, nlhalf+1-j, &b.spec[k], b.fft)
	}
}

// laneRange runs the fused loop of synthRows for one latitude over ll in
// [from, to): p(ll) by plm's main recurrence (0 up to its start, as plm
// leaves it), then the sums' term of degree l = ll-2:
//
//	v1 = l p(l+2)/coef(l+2,m+1) - (l+1) p(l)/coef(l+1,m+1),  v2 = -m p(l+1)
//	sum1 += i s v2 - t v1        sum2 += eo (i s v2 + t v1)
//	sum3 += s v1 + i t v2        sum4 -= eo (s v1 - i t v2)
//
// with eo = (-1)^(l-m), each in ConFlow's order of operations. The sums
// are written with products P1 = si v2, P2 = sr v2, P3 = tr v1, P4 = ti v1,
// P5 = sr v1, P6 = si v1, P7 = ti v2, P8 = tr v2, which gives the same
// roundings: (i s v2) is (-si v2, sr v2) = (-P1, P2) exactly, a + (-b) is
// a - b, and eo x is x or -x.
func laneRange(st *laneState, m, from, to int, fm float64, col, row []float64, s, t []complex128) {
	x, pm1, pm2, p1, p2, start := st.x, st.pm1, st.pm2, st.p1, st.p2, st.start
	if from == m+2 && from <= start {
		// On the first call (sums +0): up to the recurrence's start p
		// is 0, every term is a signed zero, and sums of +0 and signed
		// zeros stay +0, so those steps are skipped.
		from = min(start+1, to)
	}
	s1r, s1i, s2r, s2i, s3r, s3i, s4r, s4i := st.sums[0], st.sums[1], st.sums[2], st.sums[3], st.sums[4], st.sums[5], st.sums[6], st.sums[7]
	odd := (from-m-2)%2 != 0 // l - m odd: ConFlow's eo = -1
	for ll := from; ll < to; ll++ {
		c1 := col[ll-1]
		var pn float64
		if ll > start {
			pn = float64(c1*x*pm1) - float64(row[ll-1]*pm2)
			pm2 = pm1
			pm1 = pn
		}
		l := ll - 2
		fl := float64(l)
		v1 := float64(fl*pn)/c1 - float64((fl+1)*p2)/col[ll-2]
		v2 := -(fm * p1)
		p2, p1 = p1, pn
		sr, si := real(s[l]), imag(s[l])
		tr, ti := real(t[l]), imag(t[l])
		P1, P2, P3, P4 := float64(si*v2), float64(sr*v2), float64(tr*v1), float64(ti*v1)
		P5, P6, P7, P8 := float64(sr*v1), float64(si*v1), float64(ti*v2), float64(tr*v2)
		s1r = s1r - P1 - P3
		s1i = s1i + P2 - P4
		s3r = s3r + P5 - P7
		s3i = s3i + P6 + P8
		if odd {
			s2r, s2i = s2r-(P3-P1), s2i-(P2+P4)
			s4r, s4i = s4r+(P5+P7), s4i+(P6-P8)
		} else {
			s2r, s2i = s2r+(P3-P1), s2i+(P2+P4)
			s4r, s4i = s4r-(P5+P7), s4i-(P6-P8)
		}
		odd = !odd
	}
	st.pm1, st.pm2, st.p1, st.p2 = pm1, pm2, p1, p2
	st.sums = [8]float64{s1r, s1i, s2r, s2i, s3r, s3i, s4r, s4i}
}

// finishRow zeroes the orders ConFlow does not use, transforms the four
// spectra to longitude and stores their real parts in rows jn and js of
// U and V.
func (g *Generator) finishRow(jn, js int, sp *rowSpectra, work []float64) {
	lmax, nlong2 := g.lmax, g.nlong2
	un, us, vn, vs := sp.unorth, sp.usouth, sp.vnorth, sp.vsou
	for m := lmax; m <= nlong2-lmax; m++ {
		un[m], us[m], vn[m], vs[m] = 0, 0, 0, 0
	}
	u, v := g.U, g.V
	fftTransform4(g.fft, &[fftLanes][]complex128{un, us, vn, vs}, work, &[fftLanes][]float64{
		u[(jn-1)*nlong2 : jn*nlong2], u[(js-1)*nlong2 : js*nlong2],
		v[(jn-1)*nlong2 : jn*nlong2], v[(js-1)*nlong2 : js*nlong2]})
}

// plmStartLanes runs subroutine plm for order m up to its main
// recurrence, for the latitudes of ls (x = cos(theta); log10x2[k] is
// log10(sqrt(1-x*x)) of lane k). It sets each lane's start (plm's lls:
// the recurrence runs for ll > start; start >= n means every value is 0),
// pm1 and pm2 there, p1 = p(m+1) (P_m^m, or 0 when the rescaled branch
// runs: plm stores nothing else up to start) and p2 = p(m) = 0. The
// rescaled branch's serial recurrences of the lanes that take it run
// interleaved, each with plm's operations in plm's order.
func (g *Generator) plmStartLanes(m int, ls []laneState, log10x2 []float64) {
	const minlp = -20
	const r10p10, r10m10 = 1.0e+10, 1.0e-10
	lmaxp := g.n
	mm := m + 1
	col := g.coef[(mm-1)*lmaxp:]
	row := g.coefT[(mm-1)*lmaxp:]
	var lp [lanes]int
	var active [lanes]bool
	busy := false
	for k := range ls {
		st := &ls[k]
		x := st.x
		x2 := math.Sqrt(1 - float64(x*x))
		alp := g.log10Pmm[m] + float64(float64(m)*log10x2[k])
		lp[k] = int(alp)
		st.p2 = 0
		if lp[k] >= minlp {
			pa := col[mm-1] * powi(x2, m)
			st.start, st.pm1, st.pm2, st.p1 = mm, pa, 0, pa
			continue
		}
		alp = alp - float64(lp[k])
		st.start, st.pm1, st.pm2, st.p1 = mm+1, math.Pow(10, alp), 0, 0
		active[k] = true
		busy = true
	}
	for ll := mm + 1; ll <= lmaxp && busy; ll++ {
		c, r := col[ll-1], row[ll-1]
		busy = false
		for k := range ls {
			if !active[k] {
				continue
			}
			st := &ls[k]
			pa := float64(c*st.x*st.pm1) - float64(r*st.pm2)
			st.pm2 = st.pm1
			st.pm1 = pa
			if pa > r10p10 {
				st.pm2 = st.pm2 * r10m10
				st.pm1 = st.pm1 * r10m10
				lp[k] = lp[k] + 10
				if lp[k] >= minlp {
					st.pm2 = st.pm2 * rlpa[-lp[k]]
					st.pm1 = st.pm1 * rlpa[-lp[k]]
					active[k] = false
					continue
				}
			}
			st.start = ll + 1
			busy = true
		}
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
