package diag

import (
	"math"

	"github.com/goft-sft/goft/model/mesh"
)

// referenceAnalyze is Analyze as first written (branches on the sign of
// each flux), kept to check that the branch-free Analyze gives the same
// bits. It computes the statistics of one realization's field f (main-mesh
// layout, len NThetaMain*NPhiMain). ref, if not nil, is the validation
// reference field in the same layout (only the unique columns are read);
// with ref nil the validation error is 0.
func referenceAnalyze(a *Analyzer, f, ref []float64, time float64) Stats {
	m := a.Mesh
	ntm, npm := m.NThetaMain, m.NPhiMain
	s := Stats{Time: time, BrMin: math.MaxFloat64, BrMax: mesh.SmallValue, BrAbsMin: math.MaxFloat64}
	var errSum, normSum float64
	for k := 0; k < npm-2; k++ {
		col := f[ntm*k : ntm*(k+1)]
		for j, v := range col {
			// Plain comparisons (fields are finite; the run checks that).
			if v < s.BrMin {
				s.BrMin = v
			}
			if v > s.BrMax {
				s.BrMax = v
			}
			if a := math.Abs(v); a < s.BrAbsMin {
				s.BrAbsMin = a
			}
			g := v
			if ref != nil {
				g = ref[j+ntm*k]
			}
			d := v - g
			errSum += float64(d * d)
			normSum += float64(math.Abs(v) * math.Abs(g))
		}
	}
	if normSum == 0 {
		s.ValidationErr = math.Sqrt(errSum / float64(ntm*(npm-1)))
	} else {
		s.ValidationErr = math.Sqrt(errSum / normSum)
	}

	var fp, fm, fpn, fmn, fps, fms, an, as, e1, e2, ax float64
	limS := math.Pi - a.PoleLimit
	for k := 0; k < npm-1; k++ {
		dap := m.AreaPhi[k]
		cp, sp := a.cosP[k], a.sinP[k]
		col := f[ntm*k : ntm*(k+1)]
		for j, v := range col {
			dat := m.AreaTheta[j]
			fv := float64(v * dat * dap)
			if fv > 0 {
				fp += fv
			} else {
				fm += fv
			}
			t := m.Theta[j]
			if t <= a.PoleLimit {
				if fv > 0 {
					fpn += fv
				} else {
					fmn += fv
				}
				an += float64(dat * dap)
			}
			if t >= limS {
				if fv > 0 {
					fps += fv
				} else {
					fms += fv
				}
				as += float64(dat * dap)
			}
			e1 += float64(v * a.sinA[j] * cp * dat * dap)
			e2 += float64(v * a.sinA[j] * sp * dat * dap)
			ax += float64(v * a.cosA[j] * dat * dap)
		}
	}
	s.FluxPos, s.FluxNeg = mesh.RsunCm2*fp, mesh.RsunCm2*fm
	s.NPoleFluxPos, s.NPoleFluxNeg = mesh.RsunCm2*fpn, mesh.RsunCm2*fmn
	s.SPoleFluxPos, s.SPoleFluxNeg = mesh.RsunCm2*fps, mesh.RsunCm2*fms
	s.NPoleArea, s.SPoleArea = mesh.RsunCm2*an, mesh.RsunCm2*as
	const c = 0.75 * mesh.InvPi
	s.AxDipole = c * ax
	e1, e2 = c*e1, c*e2
	s.EqDipole = math.Sqrt(float64(e1*e1) + float64(e2*e2))
	return s
}
