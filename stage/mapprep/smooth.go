package mapprep

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// SmoothTimeHours is the time psi_map_prep.py's HipFT smoothing run
// diffuses for (time_end = 1.0, in hours).
const SmoothTimeHours = 1.0

// Smoother does what psi_map_prep.py's HipFT run does to a map: HipFT
// reads it as an initial map (the phi = 0 and 2pi columns averaged, the
// pole rows replaced by their phi average), diffuses it for one hour with
// the grid-scale coefficient D = factor * (dtheta^2 + (dphi sin theta)^2)
// (Rs^2/hr, on the corner mesh; diffusion_coef_grid = .true. with
// diffusion_coef_factor = the smoothing factor and the default constant 0),
// in one time step of 1 hour with HipFT's default integrator (RKG2 super
// time stepping, automatic PTL subcycling), and writes the final map,
// flux-balanced when asked (output_map_flux_balance). The diffusion length
// sqrt(D t) is about sqrt(factor) grid steps: a smoothing at the grid scale
// whatever the resolution.
//
// Smoothing and flux balance are goft's own model/diffusion and
// model/diag, the code goft's HipFT runs use.
type Smoother struct {
	m       *mesh.Mesh
	stepper *diffusion.Stepper // nil: no smoothing (flux balance only)
	time    float64            // hours of diffusion
	f       []float64          // the field on the mesh (HipFT's layout)
}

// NewSmoother prepares the processing of maps on grid g (a main-main
// mesh: phi 0 to 2pi, theta 0 to pi, both ends included) with smoothing
// factor factor (diffusion_coef_factor); factor 0 only loads and (when
// asked) flux-balances, as psi_map_prep.py -nosmooth does. pool may be nil
// (serial).
func NewSmoother(g Grid, factor float64, pool *parallel.Pool) (*Smoother, error) {
	if math.IsNaN(factor) || math.IsInf(factor, 0) || factor < 0 {
		return nil, fmt.Errorf("smoothing factor %g: want a finite value >= 0 (0: no smoothing)", factor)
	}
	if factor == 0 {
		return newSmoother(g, nil, 0, pool)
	}
	return newSmoother(g, &diffusion.CoefSpec{Constants: []float64{0}, Grid: true, Factor: factor}, SmoothTimeHours, pool)
}

// newSmoother builds a smoother with coefficient spec (nil: none) that
// diffuses for t hours.
func newSmoother(g Grid, spec *diffusion.CoefSpec, t float64, pool *parallel.Pool) (*Smoother, error) {
	m, err := mesh.New(g.Phi, g.Theta)
	if err != nil {
		return nil, fmt.Errorf("map grid: %w", err)
	}
	s := &Smoother{m: m, f: make([]float64, m.Size())}
	if spec == nil {
		return s, nil
	}
	coef, err := diffusion.CornerCoef(m, *spec)
	if err != nil {
		return nil, err
	}
	op := diffusion.NewOperator(m, 1, coef, pool)
	s.stepper, err = diffusion.NewStepper(op, diffusion.RKG2, 0, pool)
	if err != nil {
		return nil, err
	}
	s.time = t
	return s, nil
}

// Process smooths (when the smoother has a factor above 0) and, with
// balance, flux-balances one map on the smoother's grid (file layout: phi
// fastest, Gauss) and returns the result in the same layout, with equal
// phi = 0 and 2pi columns and uniform pole rows, as HipFT writes it (in
// float64: HipFT rounds its output to float32).
func (s *Smoother) Process(br []float64, balance bool) ([]float64, error) {
	m := s.m
	file := m.MapLayout(field.Center, 1)
	if len(br) != file.Len() {
		return nil, fmt.Errorf("smoothing: the map has %d values, the grid %d x %d", len(br), m.NPhiFile, m.NThetaMain)
	}
	m.FromMapLayout(s.f, br)
	m.PoleAverage(s.f, 1)
	if s.stepper != nil {
		s.stepper.Advance(s.f, s.time, nil)
	}
	if balance {
		// HipFT leaves a map without flux as it is; one of a single
		// sign would become NaN.
		if pos, neg := diag.Flux(m, s.f); (pos == 0) != (neg == 0) {
			return nil, fmt.Errorf("flux balance: the map has flux of one sign only (positive %g, negative %g G Rs^2), which cannot be balanced; process it without flux balance", pos, neg)
		}
		diag.BalanceFlux(m, s.f)
	}
	out := make([]float64, file.Len())
	ntm := m.NThetaMain
	for j := 0; j < ntm; j++ {
		row := out[j*m.NPhiFile : (j+1)*m.NPhiFile]
		for k := range row {
			row[k] = s.f[j+ntm*k]
		}
	}
	for _, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("smoothing produced a non-finite value (%g): the map or the smoothing factor is unusable", v)
		}
	}
	return out, nil
}

// NetFlux returns the net flux of a map on the smoother's grid (file
// layout), in Gauss times the unit sphere's area (multiply by
// mesh.RsunCm2 for Mx), integrated as HipFT and goft's diagnostics do
// after loading the map as HipFT does.
func (s *Smoother) NetFlux(br []float64) float64 {
	s.m.FromMapLayout(s.f, br)
	s.m.PoleAverage(s.f, 1)
	pos, neg := diag.Flux(s.m, s.f)
	return pos + neg
}
