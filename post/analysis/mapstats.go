package analysis

import (
	"errors"
	"fmt"
	"math"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// MapSummary describes a Br map and its history diagnostics.
type MapSummary struct {
	// NPhi and NTheta are the map's points in longitude and colatitude
	// (the phi = 0 and 2pi columns both counted, as in the file).
	NPhi, NTheta int
	// Realizations is the number of realizations (1 for a 2D map).
	Realizations int
	// Float32 reports single-precision data in the file.
	Float32 bool
	// PhiUniform and ThetaUniform report equally spaced scales: steps
	// within 1e-4 of the mean step, plus float32 rounding for float32
	// scales.
	PhiUniform, ThetaUniform bool
	// Stats are the values of a hipft_history_sol line of each
	// realization, as HipFT computes them at step 0 from this map as its
	// initial map (Time is 0). Fluxes in Mx, fields and dipoles in Gauss,
	// areas in cm^2.
	Stats []diag.Stats
}

// DescribeMap checks that m is laid out as a HipFT map (CheckMap) and
// returns its grid, without the diagnostics.
func DescribeMap(m *psihdf.Map) (*MapSummary, error) {
	if err := CheckMap(m); err != nil {
		return nil, err
	}
	phi, theta := m.Scales[0], m.Scales[1]
	return &MapSummary{
		NPhi: len(phi), NTheta: len(theta), Realizations: Realizations(m), Float32: m.Float32,
		PhiUniform: uniform(phi, m.Float32), ThetaUniform: uniform(theta, m.Float32),
	}, nil
}

// ErrOffMainMesh is wrapped by Summarize's error for a map laid out as a
// HipFT map but not on a main mesh from pole to pole and 0 to 2pi, such
// as a flow map on a staggered mesh.
var ErrOffMainMesh = errors.New("not on HipFT's main mesh")

// Summarize checks that m is a HipFT Br map (CheckMap; the phi scale must
// run from 0 to 2pi and theta from 0 to pi, both ends included, as HipFT
// needs of an initial map) and computes its summary. The diagnostics
// follow HipFT's load of an initial map (without flux balancing or a
// multiplier): the phi = 0 and 2pi columns averaged, the pole rows replaced
// by their mean, then the history sums with polar caps poleLimitDeg
// degrees from each pole (HipFT's pole_flux_lat_limit, 30 by default).
func Summarize(m *psihdf.Map, poleLimitDeg float64) (*MapSummary, error) {
	s, err := DescribeMap(m)
	if err != nil {
		return nil, err
	}
	if !(poleLimitDeg > 0 && poleLimitDeg <= 90) {
		return nil, fmt.Errorf("polar cap size %g degrees: want a latitude limit in (0, 90]", poleLimitDeg)
	}
	msh, load, err := loader(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOffMainMesh, err)
	}
	an := diag.NewAnalyzer(msh, poleLimitDeg)
	for r := 0; r < s.Realizations; r++ {
		s.Stats = append(s.Stats, an.Analyze(load(r), nil, 0))
	}
	return s, nil
}

// loader builds the main mesh of map m and returns it with a function
// that loads realization r (0-based) onto it as HipFT loads an initial
// map: the phi = 0 and 2pi columns averaged, the pole rows replaced by
// their mean. The field returned is reused by the next call.
func loader(m *psihdf.Map) (*mesh.Mesh, func(r int) []float64, error) {
	msh, err := mesh.New(m.Scales[0], m.Scales[1])
	if err != nil {
		return nil, nil, err
	}
	f := make([]float64, msh.Layout(field.Center, 1).Len())
	l := MapLayout(m)
	return msh, func(r int) []float64 {
		msh.FromMapLayout(f, l.Realization(m.Data, r))
		msh.PoleAverage(f, 1)
		return f
	}, nil
}

// BoxFlux is the flux of one realization inside a longitude-colatitude
// box: positive and negative flux (Mx) and the box's area (cm^2), the
// cells of the main mesh weighted as in HipFT's history sums.
type BoxFlux struct {
	FluxPos, FluxNeg, Area float64
}

// BoxFluxes returns the flux inside the box of Carrington longitudes
// phi1 < phi < phi2 and colatitudes theta1 < theta < theta2 (degrees, the
// points strictly inside, as PSI's psi_get_masked_flux.py -mask_box takes
// them) of each realization of Br map m, loaded as Summarize loads it.
func BoxFluxes(m *psihdf.Map, phi1, phi2, theta1, theta2 float64) ([]BoxFlux, error) {
	s, err := DescribeMap(m)
	if err != nil {
		return nil, err
	}
	if !(phi1 < phi2 && theta1 < theta2) {
		return nil, fmt.Errorf("box %g,%g,%g,%g: want phi1 < phi2 and theta1 < theta2 (degrees)", phi1, phi2, theta1, theta2)
	}
	msh, load, err := loader(m)
	if err != nil {
		return nil, err
	}
	const deg = math.Pi / 180
	one := msh.Layout(field.Center, 1)
	out := make([]BoxFlux, s.Realizations)
	for r := range out {
		f := load(r)
		b := &out[r]
		for k := 0; k < msh.NPhiMain-1; k++ {
			if p := msh.Phi[k]; !(p > phi1*deg && p < phi2*deg) {
				continue
			}
			for j, x := range one.Column(f, k, 0) {
				if t := msh.Theta[j]; !(t > theta1*deg && t < theta2*deg) {
					continue
				}
				a := msh.AreaTheta[j] * msh.AreaPhi[k]
				if v := x * a; v > 0 {
					b.FluxPos += v
				} else {
					b.FluxNeg += v
				}
				b.Area += a
			}
		}
		b.FluxPos *= mesh.RsunCm2
		b.FluxNeg *= mesh.RsunCm2
		b.Area *= mesh.RsunCm2
	}
	return out, nil
}

// uniform reports whether the steps of scale x agree to 1e-4 of their
// mean, give or take four float32 roundings of the largest coordinate when
// the scale was stored as float32.
func uniform(x []float64, float32 bool) bool {
	mean := (x[len(x)-1] - x[0]) / float64(len(x)-1)
	tol := 1e-4 * mean
	if float32 {
		tol += 4 * 0x1p-24 * math.Max(math.Abs(x[0]), math.Abs(x[len(x)-1]))
	}
	for i := 1; i < len(x); i++ {
		if math.Abs(x[i]-x[i-1]-mean) > tol {
			return false
		}
	}
	return true
}

// Imbalance is the flux imbalance in percent, 100 (pos + neg) / (|pos| +
// |neg|), of a positive and a negative flux (0 when both are below 1e-15
// Mx), as HipFT's hipft_plot_histories.py computes it.
func Imbalance(pos, neg float64) float64 {
	u := math.Abs(pos) + math.Abs(neg)
	if u < 1e-15 {
		return 0
	}
	return 100 * (pos + neg) / u
}

// CapField is the mean field of a polar cap, its net flux over its area
// (Gauss from Mx and cm^2; 0 for an empty cap).
func CapField(pos, neg, area float64) float64 {
	if area <= 0 {
		return 0
	}
	return (pos + neg) / area
}

// MapsHistory is the history of a run's output maps: for each map of
// hipft_output_map_list.out, its summary (Summarize), as HipFT's
// hipft_get_histories_from_files.py derives histories from maps.
type MapsHistory struct {
	// Maps are the run's output maps, in list order.
	Maps []OutputMap
	// Stats[r][i] are realization r's diagnostics (0-based r) of map i,
	// with Time the map's time (hours).
	Stats [][]diag.Stats
}

// OutputMapsHistory summarizes every output map of run rf with polar caps
// poleLimitDeg degrees from each pole. All maps must have the same number
// of realizations. Errors name the map file.
func OutputMapsHistory(rf *RunFiles, poleLimitDeg float64) (*MapsHistory, error) {
	maps, err := rf.OutputMaps()
	if err != nil {
		return nil, err
	}
	h := &MapsHistory{Maps: maps}
	for i, om := range maps {
		m, err := psihdf.Read(om.Path)
		if err != nil {
			return nil, err
		}
		s, err := Summarize(m, poleLimitDeg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", om.Path, err)
		}
		if i == 0 {
			h.Stats = make([][]diag.Stats, s.Realizations)
		} else if s.Realizations != len(h.Stats) {
			return nil, fmt.Errorf("%s has %d realizations, but %s has %d", om.Path, s.Realizations, maps[0].Path, len(h.Stats))
		}
		for r, st := range s.Stats {
			st.Time = om.Time
			h.Stats[r] = append(h.Stats[r], st)
		}
	}
	return h, nil
}
