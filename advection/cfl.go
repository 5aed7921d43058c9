package advection

import (
	"math"

	"goft/mesh"
)

// alphaColumns computes the local Lax-Friedrichs speeds (section 6.9) for
// the columns k = 0..NPhiMain-1 of the flattened (realization, k) range
// [lo, hi): AlphaT on every row from the widest |vt| stencil that fits,
// AlphaP on the interior rows of columns 1..NPhiHalf-2 with the stencil
// wrapped through the phi overlap. The periodic AlphaP columns are set by
// the caller.
func (a *Advector) alphaColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	for c := lo; c < hi; c++ {
		r, k := c/npm, c%npm
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		at := a.AlphaT[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		absMax := func(v []float64, lo, hi int) float64 {
			x := math.Abs(v[lo])
			for i := lo + 1; i <= hi; i++ {
				x = max(x, math.Abs(v[i]))
			}
			return x
		}
		at[0] = absMax(vt, 0, 3)
		at[1] = absMax(vt, 0, 4)
		for j := 2; j <= nt-4; j++ {
			at[j] = absMax(vt, j-2, j+3)
		}
		at[nt-3] = absMax(vt, nt-5, nt-1)
		at[nt-2] = absMax(vt, nt-4, nt-1)

		if k == 0 || k >= np-1 {
			continue
		}
		vp := func(kk int) []float64 { return a.v.Vp[ntm*(kk+np*r) : ntm*(kk+np*r+1)] }
		ap := a.AlphaP[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
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
		for j := 1; j < ntm-1; j++ {
			ap[j] = max(math.Abs(v0[j]), math.Abs(v1[j]), math.Abs(v2[j]),
				math.Abs(v3[j]), math.Abs(v4[j]), math.Abs(v5[j]))
		}
	}
}

// cflColumns stores in colMin the smallest 0.5/max(kv, tiny) over the
// interior rows of each interior column of [lo, hi) (section 7.6).
func (a *Advector) cflColumns(lo, hi int) {
	m := a.Mesh
	ntm, nt, npm, np := m.NThetaMain, m.NThetaHalf, m.NPhiMain, m.NPhiHalf
	nk := npm - 2
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		vpw := a.v.Vp[ntm*(k+np*r) : ntm*(k+np*r+1)]
		vpe := a.v.Vp[ntm*(k+1+np*r) : ntm*(k+1+np*r+1)]
		dpi := m.DPhiInv[k]
		dtmax := math.MaxFloat64
		for j := 1; j < ntm-1; j++ {
			kv := max(math.Abs(vt[j]), math.Abs(vt[j+1]))*m.DThetaInv[j] +
				max(math.Abs(vpw[j]), math.Abs(vpe[j]))*m.SinThetaInv[j]*dpi
			dtmax = min(dtmax, 0.5/max(kv, mesh.SmallValue))
		}
		a.colMin[c] = dtmax
	}
}

// StableDt returns HipFT's flow CFL step DTIME_ADV_STB (hours, section
// 7.6): 0.95 times the smallest 0.5/(|vt| dt_i + |vp| st_i dp_i) over all
// realizations and interior points, doubled when strang is set (each
// advection call is then half a step) and doubled again for SSPRK(4,3).
func (a *Advector) StableDt(strang bool) float64 {
	if a.v == nil {
		panic("advection: StableDt before SetVelocity")
	}
	a.pool.For(len(a.colMin), a.cflBody)
	dtmax := math.MaxFloat64
	for _, x := range a.colMin {
		dtmax = min(dtmax, x)
	}
	dt := mesh.Safety * dtmax
	if strang {
		dt = 2 * dt
	}
	if a.TimeMethod == SSPRK43 {
		dt = 2 * dt
	}
	return dt
}
