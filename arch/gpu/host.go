package gpu

import (
	"math"

	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/mesh"
)

// Host-side helpers of the GPU backend. The coefficients themselves come
// from the CPU packages' accessors (diffusion.Coefficients,
// advection.Advector.WenoWeights and PoleFactors, diag.Analyzer.Tables).

// wenoFace is advection's wenoWeights of one face, in the order of the
// kernels' WenoW struct.
type wenoFace = [10]float64 // cmcA, ccpA, pTA, mcTA, epsA, cmcB, ccpB, mTB, cpTB, epsB

// Indices of the values diag_partial and diag_final reduce.
const (
	dMin = iota
	dMax
	dAbsMin
	dErr
	dNorm
	dFluxPos
	dFluxNeg
	dNFluxPos
	dNFluxNeg
	dSFluxPos
	dSFluxNeg
	dNArea
	dSArea
	dE1
	dE2
	dAx
	diagNV
)

// statsFrom forms one realization's statistics from its reduced values,
// with the final arithmetic of diag.Analyzer.Analyze.
func statsFrom(m *mesh.Mesh, v []float64, t float64) diag.Stats {
	s := diag.Stats{Time: t, BrMin: v[dMin], BrMax: v[dMax], BrAbsMin: v[dAbsMin]}
	errSum, normSum := v[dErr], v[dNorm]
	if normSum == 0 {
		s.ValidationErr = math.Sqrt(errSum / float64(m.NThetaMain*(m.NPhiMain-1)))
	} else {
		s.ValidationErr = math.Sqrt(errSum / normSum)
	}
	s.FluxPos, s.FluxNeg = mesh.RsunCm2*v[dFluxPos], mesh.RsunCm2*v[dFluxNeg]
	s.NPoleFluxPos, s.NPoleFluxNeg = mesh.RsunCm2*v[dNFluxPos], mesh.RsunCm2*v[dNFluxNeg]
	s.SPoleFluxPos, s.SPoleFluxNeg = mesh.RsunCm2*v[dSFluxPos], mesh.RsunCm2*v[dSFluxNeg]
	s.NPoleArea, s.SPoleArea = mesh.RsunCm2*v[dNArea], mesh.RsunCm2*v[dSArea]
	const c = 0.75 * mesh.InvPi
	s.AxDipole = c * v[dAx]
	e1, e2 := c*v[dE1], c*v[dE2]
	s.EqDipole = math.Sqrt(e1*e1 + e2*e2)
	return s
}
