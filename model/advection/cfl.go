package advection

import (
	"math"

	"github.com/goft-sft/goft/model/mesh"
)

// absBits returns the bits of |x|. For non-negative floats the order of the
// bits as unsigned integers is the order of the values, and an |NaN| is
// above +Inf, so the largest absBits of a set is the bits of the largest
// |x|, or of a NaN if there is one, as Go's max of the |x| gives; the
// kernels below use it for branch-free maxima of magnitudes.
func absBits(x float64) uint64 { return math.Float64bits(x) &^ (1 << 63) }

// alphaColumns computes the local Lax-Friedrichs speeds (section 6.9) for
// the columns k = 0..NPhiMain-1 of the flattened (realization, k) range
// [lo, hi): AlphaT on every row from the widest |vt| stencil that fits,
// AlphaP on the interior rows of columns 1..NPhiHalf-2 with the stencil
// wrapped through the phi overlap. The periodic AlphaP columns are set by
// the caller.
func (a *Advector) alphaColumns(lo, hi int) {
	m := a.Mesh
	ntm, npm, np := m.NThetaMain, m.NPhiMain, m.NPhiHalf
	vec := a.useAVX512()
	for c := lo; c < hi; c++ {
		r, k := c/npm, c%npm
		at, vt := a.ctr.Column(a.AlphaT, k, r), a.tf.Column(a.v.Vt, k, r)
		if vec {
			alphaThetaVector(at, vt)
		} else {
			alphaTheta(at, vt)
		}

		if k == 0 || k >= np-1 {
			continue
		}
		// Columns resliced to ntm values: the row loop has no bounds checks.
		vp := func(kk int) []float64 { return a.pf.Column(a.v.Vp, kk, r)[:ntm] }
		ap := a.ctr.Column(a.AlphaP, k, r)[:ntm]
		// The six phi faces of the stencil, wrapped at the ends.
		var cols [6]int
		switch {
		case k == 1:
			cols = [6]int{np - 3, 0, 1, 2, 3, 4}
		case k == np-3:
			cols = [6]int{k - 2, k - 1, k, k + 1, k + 2, 2}
		case k == np-2:
			cols = [6]int{k - 2, k - 1, k, k + 1, 2, 3}
		default:
			cols = [6]int{k - 2, k - 1, k, k + 1, k + 2, k + 3}
		}
		v0, v1, v2, v3, v4, v5 := vp(cols[0]), vp(cols[1]), vp(cols[2]), vp(cols[3]), vp(cols[4]), vp(cols[5])
		j0 := 1
		if nb := (ntm - 2) / 8; vec && nb > 0 {
			// Rows 1 .. 8 nb in AVX-512, the rest below.
			alphaPhiAVX512(&ap[1], &[6]*float64{&v0[1], &v1[1], &v2[1], &v3[1], &v4[1], &v5[1]}, nb)
			j0 = 1 + 8*nb
		}
		for j := j0; j < ntm-1; j++ {
			ap[j] = math.Float64frombits(max(absBits(v0[j]), absBits(v1[j]), absBits(v2[j]),
				absBits(v3[j]), absBits(v4[j]), absBits(v5[j])))
		}
	}
}

// useAVX512 reports whether the AVX-512 forms of the speed and CFL
// kernels run (cfl_amd64.s; the WENO kernels' condition).
func (a *Advector) useAVX512() bool { return useAVX2 && useAVX512 && !a.GoKernels }

// alphaThetaVector is alphaTheta with the interior rows eight at a time
// in AVX-512 (the maxima are exact, so their grouping does not matter).
func alphaThetaVector(at, vt []float64) {
	nt := len(vt)
	nb := (nt - 5) / 8 // interior rows j = 2 .. nt-4
	if nb == 0 {
		alphaTheta(at, vt)
		return
	}
	at = at[:nt-1]
	alphaThetaEnds(at, vt)
	alphaThetaAVX512(&at[0], &vt[0], nb)
	for j := 2 + 8*nb; j <= nt-4; j++ {
		at[j] = absMax(vt, j-2, j+3)
	}
}

// absMax returns the largest |vt[i]|, i = lo..hi, as absBits orders them.
func absMax(vt []float64, lo, hi int) float64 {
	x := absBits(vt[lo])
	for i := lo + 1; i <= hi; i++ {
		x = max(x, absBits(vt[i]))
	}
	return math.Float64frombits(x)
}

// alphaThetaEnds sets at[0], at[1], at[nt-3] and at[nt-2], whose
// stencils are clipped to the faces 0..nt-1 (nt = len(vt)).
func alphaThetaEnds(at, vt []float64) {
	nt := len(vt)
	at[0] = absMax(vt, 0, 3)
	at[1] = absMax(vt, 0, 4)
	at[nt-3] = absMax(vt, nt-5, nt-1)
	at[nt-2] = absMax(vt, nt-4, nt-1)
}

// alphaTheta sets at[j], j = 0..len(vt)-2, to the largest |vt| over the
// faces j-2..j+3 clipped to 0..len(vt)-1. The six-face maximum is taken as
// the maximum of three two-face maxima, each of which serves two rows.
func alphaTheta(at, vt []float64) {
	nt := len(vt)
	at = at[:nt-1]
	alphaThetaEnds(at, vt)
	// p(i) = max(|vt[i]|, |vt[i+1]|); at[j] = max(p(j-2), p(j), p(j+2)).
	pair := func(i int) uint64 { return max(absBits(vt[i]), absBits(vt[i+1])) }
	pm2, pm1, p0, p1 := pair(0), pair(1), pair(2), pair(3)
	vt = vt[:nt]
	for j := 2; j <= nt-4; j++ {
		p2 := max(absBits(vt[j+2]), absBits(vt[j+3]))
		at[j] = math.Float64frombits(max(pm2, p0, p2))
		pm2, pm1, p0, p1 = pm1, p0, p1, p2
	}
}

// cflColumns stores in colMin the smallest 0.5/max(kv, tiny) over the
// interior rows of each interior column of [lo, hi) (section 7.6). As the
// correctly rounded 0.5/x does not increase with x > 0, that is 0.5 over
// the largest max(kv, tiny), which leaves one division per column.
func (a *Advector) cflColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm := m.NThetaMain, m.NThetaHalf, m.NPhiMain
	nk := npm - 2
	dti, sti := m.DThetaInv[:ntm], m.SinThetaInv[:ntm]
	vec := a.useAVX512()
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		// Columns resliced to nt and ntm values: the row loop has no
		// bounds checks.
		vt := a.tf.Column(a.v.Vt, k, r)[:nt]
		vpw := a.pf.Column(a.v.Vp, k, r)[:ntm]
		vpe := a.pf.Column(a.v.Vp, k+1, r)[:ntm]
		dpi := m.DPhiInv[k]
		kmax := mesh.SmallValue
		j0 := 1
		if nb := (ntm - 2) / 8; vec && nb > 0 {
			// Rows 1 .. 8 nb in AVX-512: eight maxima, each exact, so
			// they combine with kmax in any order.
			var lanes [8]uint64
			cflColumnAVX512(&vt[1], &vpw[1], &vpe[1], &dti[1], &sti[1], dpi, nb, &lanes)
			for _, x := range lanes {
				kmax = max(kmax, math.Float64frombits(x))
			}
			j0 = 1 + 8*nb
		}
		for j := j0; j < ntm-1; j++ {
			// Rounded products (float64): no fused multiply-add.
			kv := float64(math.Float64frombits(max(absBits(vt[j]), absBits(vt[j+1])))*dti[j]) +
				float64(math.Float64frombits(max(absBits(vpw[j]), absBits(vpe[j])))*sti[j]*dpi)
			kmax = max(kmax, kv)
		}
		a.colMin[c] = 0.5 / kmax
	}
}

// StableDt returns HipFT's flow CFL step DTIME_ADV_STB (hours, section
// 7.6): 0.95 times the smallest 0.5/(|vt| dt_i + |vp| st_i dp_i) over all
// realizations and interior points, doubled when strang is set (each
// advection call is then half a step) and doubled again for SSPRK(4,3)
// (StableStep on the CPU's kernels).
func (a *Advector) StableDt(strang bool) float64 {
	if a.v == nil {
		panic("advection: StableDt before SetVelocity")
	}
	dt, _ := StableStep(a.Kernels(), a.TimeMethod, strang) // the CPU's kernels do not fail
	return dt
}
