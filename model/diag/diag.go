// Package diag computes HipFT's history diagnostics of a field and flux
// balancing (hipft-model.md sections 4.6 and 12.2).
//
// Fluxes are reported in Maxwell (code flux G*Rs^2 times RsunCm2), areas in
// cm^2, fields and dipole moments in Gauss.
package diag

import (
	"math"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Stats are the 15 values of one hipft_history_sol line after STEP.
type Stats struct {
	Time               float64 // hours
	BrMin, BrMax       float64 // Gauss, over unique points (k = 0..NPhiMain-3)
	BrAbsMin           float64 // Gauss
	FluxPos, FluxNeg   float64 // Mx
	NPoleFluxPos       float64 // Mx, rows with theta <= pole_flux_lat_limit
	NPoleFluxNeg       float64 // Mx (a negative number)
	SPoleFluxPos       float64 // Mx, rows with theta >= pi - limit
	SPoleFluxNeg       float64 // Mx (a negative number)
	NPoleArea          float64 // cm^2
	SPoleArea          float64 // cm^2
	EqDipole, AxDipole float64 // Gauss
	ValidationErr      float64 // HHabs error against the reference field (0 if none)
}

// Values returns the stats in history-column order (TIME first).
func (s *Stats) Values() [15]float64 {
	return [15]float64{s.Time, s.BrMin, s.BrMax, s.BrAbsMin, s.FluxPos, s.FluxNeg,
		s.NPoleFluxPos, s.NPoleFluxNeg, s.SPoleFluxPos, s.SPoleFluxNeg,
		s.NPoleArea, s.SPoleArea, s.EqDipole, s.AxDipole, s.ValidationErr}
}

// Analyzer computes Stats on one mesh. It precomputes the trigonometric
// weights so that Analyze does not allocate.
type Analyzer struct {
	Mesh *mesh.Mesh // the mesh the fields are on
	// PoleLimit is pole_flux_lat_limit in radians of colatitude.
	PoleLimit  float64
	sinA, cosA []float64 // sin and cos of Mesh.ThetaArea
	cosP, sinP []float64 // cos and sin of Mesh.Phi
}

// NewAnalyzer prepares the analysis for mesh m with the polar caps
// poleLimitDeg degrees of colatitude from each pole.
func NewAnalyzer(m *mesh.Mesh, poleLimitDeg float64) *Analyzer {
	a := &Analyzer{Mesh: m, PoleLimit: poleLimitDeg * mesh.Deg2Rad}
	a.sinA = make([]float64, m.NThetaMain)
	a.cosA = make([]float64, m.NThetaMain)
	for j, t := range m.ThetaArea {
		a.sinA[j], a.cosA[j] = math.Sin(t), math.Cos(t)
	}
	a.cosP = make([]float64, m.NPhiMain)
	a.sinP = make([]float64, m.NPhiMain)
	for k, p := range m.Phi {
		a.cosP[k], a.sinP[k] = math.Cos(p), math.Sin(p)
	}
	return a
}

// Analyze computes the statistics of one realization's field f (main-mesh
// layout, len NThetaMain*NPhiMain). ref, if not nil, is the validation
// reference field in the same layout (only the unique columns are read);
// with ref nil the validation error is 0. It is AnalyzePart for every
// part.
func (a *Analyzer) Analyze(f, ref []float64, time float64) Stats {
	s := Stats{Time: time}
	for part := 0; part < AnalyzeParts; part++ {
		a.AnalyzePart(f, ref, part, &s)
	}
	return s
}

// AnalyzeParts is the number of independent parts of the statistics
// (AnalyzePart), which can be computed at the same time.
const AnalyzeParts = 2

// ReferencePart is the part of the statistics that reads the validation
// reference (the other parts ignore it).
const ReferencePart = 1

// AnalyzePart sets part of the statistics of one realization's field f in
// s (see Analyze): part 0 the extremes, fluxes and polar-cap areas, part 1
// the dipole moments and the validation error. Each sum is formed over
// the points in HipFT's serial order, so the parts give Analyze's bits
// whether they run one after the other or on different goroutines (into
// the same s: they set different fields). It leaves s.Time alone.
func (a *Analyzer) AnalyzePart(f, ref []float64, part int, s *Stats) {
	if part == ReferencePart {
		a.moments(f, ref, s)
	} else {
		a.fluxes(f, s)
	}
}

// The caps of fluxRowsVector: which cap's sums a segment of rows also
// adds to.
const (
	noCap = iota
	northCap
	southCap
)

// fluxes sets the extremes, the fluxes and the polar-cap fluxes and areas.
func (a *Analyzer) fluxes(f []float64, s *Stats) {
	m := a.Mesh
	npm := m.NPhiMain
	l := m.Layout(field.Center, 1)
	// Extremes and sums in local variables (the compiler keeps them in
	// registers); plain comparisons, as fields are finite (the run checks).
	// The vector scan goes lane by lane: it may reorder ties, which differ
	// in their bits only for zeros of both signs, so a zero minimum is
	// looked for again point by point.
	all := l.Columns(f, 0, npm-2, 0)
	done, brMin, brMax, brAbsMin := extremesVector(all, math.MaxFloat64, mesh.SmallValue, math.MaxFloat64)
	if brMin == 0 {
		done, brMin, brMax, brAbsMin = 0, math.MaxFloat64, mesh.SmallValue, math.MaxFloat64
	}
	for _, v := range all[done:] {
		brMin, brMax, brAbsMin = extremes(v, brMin, brMax, brAbsMin)
	}
	s.BrMin, s.BrMax, s.BrAbsMin = brMin, brMax, brAbsMin

	// The sums fp, fm, fpn, fmn, an, fps, fms, as, over the rows of each
	// column in order: by row segments that lie in one cap or none, the
	// leading blocks of eight of a segment by the vector kernel (the same
	// order of additions), the rest here.
	var sums [8]float64
	jN, jS := a.capRows()
	ntm := m.NThetaMain
	cuts := [4]int{0, min(jN, jS), max(jN, jS), ntm}
	for k := 0; k < npm-1; k++ {
		dap := m.AreaPhi[k]
		col := l.Column(f, k, 0)
		at := m.AreaTheta[:len(col)]
		for q := 0; q < 3; q++ {
			lo, hi := cuts[q], cuts[q+1]
			if lo >= hi {
				continue
			}
			north, south := lo < jN, lo >= jS // the same for every row of the segment
			j := lo
			if !north || !south { // rows in both caps (caps that overlap) go point by point
				c := noCap
				if north {
					c = northCap
				} else if south {
					c = southCap
				}
				j += fluxRowsVector(col[lo:hi], at[lo:hi], dap, &sums, c)
			}
			fp, fm, fpn, fmn, an, fps, fms, as := sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7]
			for ; j < hi; j++ {
				v, dat := col[j], at[j]
				fv := v * dat * dap
				// The flux goes to the positive or the negative sum by its
				// sign bit, without a branch: the other sum gets +0, which
				// leaves it unchanged (a sum started at +0 is never -0), and
				// fv = +0 adds +0 to either, as the comparison fv > 0 would.
				pos, neg := splitSign(fv)
				fp += pos
				fm += neg
				if north {
					fpn += pos
					fmn += neg
					an += float64(dat * dap)
				}
				if south {
					fps += pos
					fms += neg
					as += float64(dat * dap)
				}
			}
			sums = [8]float64{fp, fm, fpn, fmn, an, fps, fms, as}
		}
	}
	fp, fm, fpn, fmn, an, fps, fms, as := sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7]
	s.FluxPos, s.FluxNeg = mesh.RsunCm2*fp, mesh.RsunCm2*fm
	s.NPoleFluxPos, s.NPoleFluxNeg = mesh.RsunCm2*fpn, mesh.RsunCm2*fmn
	s.SPoleFluxPos, s.SPoleFluxNeg = mesh.RsunCm2*fps, mesh.RsunCm2*fms
	s.NPoleArea, s.SPoleArea = mesh.RsunCm2*an, mesh.RsunCm2*as
}

// moments sets the dipole moments and the validation error (0 without a
// reference). The vector kernels do the leading blocks of eight points of
// each range, with the sums' additions in the same order.
func (a *Analyzer) moments(f, ref []float64, s *Stats) {
	m := a.Mesh
	ntm, npm := m.NThetaMain, m.NPhiMain
	l := m.Layout(field.Center, 1)
	s.ValidationErr = 0
	if ref != nil {
		var vs [2]float64
		ref = l.Columns(ref, 0, npm-2, 0)
		all := l.Columns(f, 0, npm-2, 0)
		done := validationVector(all, ref, &vs)
		errSum, normSum := vs[0], vs[1]
		for i := done; i < len(all); i++ {
			v, g := all[i], ref[i]
			d := v - g
			errSum += float64(d * d)
			normSum += float64(math.Abs(v) * math.Abs(g))
		}
		if normSum == 0 {
			s.ValidationErr = math.Sqrt(errSum / float64(ntm*(npm-1)))
		} else {
			s.ValidationErr = math.Sqrt(errSum / normSum)
		}
	}
	var ms [3]float64 // e1, e2, ax
	for k := 0; k < npm-1; k++ {
		dap := m.AreaPhi[k]
		cp, sp := a.cosP[k], a.sinP[k]
		col := l.Column(f, k, 0)
		at, sinA, cosA := m.AreaTheta[:len(col)], a.sinA[:len(col)], a.cosA[:len(col)]
		j := momentsVector(col, sinA, cosA, at, cp, sp, dap, &ms)
		e1, e2, ax := ms[0], ms[1], ms[2]
		for ; j < len(col); j++ {
			v, dat := col[j], at[j]
			e1 += float64(v * sinA[j] * cp * dat * dap)
			e2 += float64(v * sinA[j] * sp * dat * dap)
			ax += float64(v * cosA[j] * dat * dap)
		}
		ms = [3]float64{e1, e2, ax}
	}
	e1, e2, ax := ms[0], ms[1], ms[2]
	const c = 0.75 * mesh.InvPi
	s.AxDipole = c * ax
	e1, e2 = c*e1, c*e2
	s.EqDipole = math.Sqrt(float64(e1*e1) + float64(e2*e2))
}

// Flux returns the positive and negative code flux (G*Rs^2) of one
// realization's field, with HipFT's area weights (v > 0 counts positive).
func Flux(m *mesh.Mesh, f []float64) (pos, neg float64) {
	l := m.Layout(field.Center, 1)
	for k := 0; k < m.NPhiMain-1; k++ {
		dap := m.AreaPhi[k]
		for j, x := range l.Column(f, k, 0) {
			v := float64(x * m.AreaTheta[j] * dap) // rounded: not fused into the sums
			if v > 0 {
				pos += v
			} else {
				neg += v
			}
		}
	}
	return pos, neg
}

// BalanceFlux scales one realization's field (main-mesh layout, all
// columns) so that its positive and negative fluxes are equal in magnitude:
// positive values are divided and the others multiplied by
// sqrt(|pos/neg|). A field with exactly zero net flux is left unchanged.
func BalanceFlux(m *mesh.Mesh, f []float64) {
	pos, neg := Flux(m, f)
	if pos+neg == 0 {
		return
	}
	ratio := math.Sqrt(math.Abs(pos / neg))
	for i, v := range f {
		if v > 0 {
			f[i] = v / ratio
		} else {
			f[i] = v * ratio
		}
	}
}

// Tables returns the trigonometric weights the analysis uses: sin and cos
// of Mesh.ThetaArea, and cos and sin of Mesh.Phi (for other backends).
func (a *Analyzer) Tables() (sinA, cosA, cosP, sinP []float64) {
	return a.sinA, a.cosA, a.cosP, a.sinP
}

// capRows returns the rows of the polar caps: theta <= PoleLimit for rows
// j < jN, theta >= pi - PoleLimit for rows j >= jS (theta increases with j).
func (a *Analyzer) capRows() (jN, jS int) {
	m := a.Mesh
	limS := math.Pi - a.PoleLimit
	jS = m.NThetaMain
	for j, t := range m.Theta[:m.NThetaMain] {
		if t <= a.PoleLimit {
			jN = j + 1
		}
		if t >= limS && j < jS {
			jS = j
		}
	}
	return jN, jS
}

// splitSign returns (x, +0) when the sign bit of x is clear and (+0, x)
// when it is set.
func splitSign(x float64) (pos, neg float64) {
	b := math.Float64bits(x)
	neg64 := uint64(int64(b) >> 63)
	return math.Float64frombits(b &^ neg64), math.Float64frombits(b & neg64)
}

// extremes updates the running minimum, maximum and smallest magnitude with
// v by plain comparisons (a NaN would be skipped; the run rejects them).
func extremes(v, lo, hi, absLo float64) (float64, float64, float64) {
	if v < lo {
		lo = v
	}
	if v > hi {
		hi = v
	}
	if a := math.Abs(v); a < absLo {
		absLo = a
	}
	return lo, hi, absLo
}
