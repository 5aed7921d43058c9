package mapprep

import (
	"fmt"
	"math"
)

// Grid is a target grid of the remap: the points (cell centres) of a
// longitude-colatitude map, in radians, as a PSI map's dim1 (phi) and dim2
// (theta) scales hold them. Both must be strictly increasing.
type Grid struct {
	Phi   []float64 // Carrington longitude, radians
	Theta []float64 // colatitude, radians (0 at the north pole)
	// Float32 says the scales were read from a file that stores them in
	// single precision: psi_remap_mm.py (numpy) then computes the cell
	// edges between them in single precision, and so does Remapper.
	Float32 bool
}

// linspace returns numpy's linspace(start, stop, n): start + i*step with
// step = (stop-start)/(n-1), the last point exactly stop.
func linspace(start, stop float64, n int) []float64 {
	v := make([]float64, n)
	if n == 1 {
		v[0] = start
		return v
	}
	step := (stop - start) / float64(n-1)
	for i := range v {
		v[i] = float64(i)*step + start
	}
	v[n-1] = stop
	return v
}

// UniformGrid returns psi_remap_mm.py's uniform main-main grid of nPhi by
// nTheta points: phi = linspace(0, 2pi, nPhi) and theta = linspace(0, pi,
// nTheta), both ends included (the phi = 0 and 2pi columns are the same
// physical points, the theta ends the poles). psi_map_prep.py's default is
// 361 x 181 (1 degree).
func UniformGrid(nPhi, nTheta int) (Grid, error) {
	if nPhi < 3 || nTheta < 3 {
		return Grid{}, fmt.Errorf("a uniform grid needs at least 3 points in phi and in theta, got %d x %d", nPhi, nTheta)
	}
	return Grid{Phi: linspace(0, 2*math.Pi, nPhi), Theta: linspace(0, math.Pi, nTheta)}, nil
}

// ResolutionPoints returns the grid size oftswa.py derives from
// map_resolution_delta_deg: nPhi = ceil(360/delta)+1 and nTheta =
// ceil(180/delta)+1 points (361 x 181 for 1 degree). The actual spacing is
// 360/(nPhi-1) and 180/(nTheta-1) degrees, delta or a little less.
func ResolutionPoints(deltaDeg float64) (nPhi, nTheta int, err error) {
	if !(deltaDeg > 0) || deltaDeg > 60 || math.IsInf(deltaDeg, 0) {
		return 0, 0, fmt.Errorf("map resolution %g degrees: want a spacing above 0 and at most 60 degrees", deltaDeg)
	}
	return int(math.Ceil(360.0/deltaDeg) + 1.0), int(math.Ceil(180.0/deltaDeg) + 1.0), nil
}

// WSAGrid returns the inner-mesh grid of oft_make_2d_inner_mesh_template.py
// (the grid of the WSA model): nPhi by nTheta cell centres that leave out
// phi = 0, 2pi and the poles, phi = dp/2 ... 360-dp/2 and theta = dt/2 ...
// 180-dt/2 degrees with dp = 360/nPhi, dt = 180/nTheta, converted to
// radians as the script does. OFT makes its WSA data set on
// (nPhi-1) x (nTheta-1) of the processed maps' points: 360 x 180 by default.
func WSAGrid(nPhi, nTheta int) (Grid, error) {
	if nPhi < 2 || nTheta < 2 {
		return Grid{}, fmt.Errorf("a WSA grid needs at least 2 cells in phi and in theta, got %d x %d", nPhi, nTheta)
	}
	dt := 180.0 / float64(nTheta)
	dp := 360.0 / float64(nPhi)
	deg := math.Pi / 180.0
	g := Grid{Phi: linspace(dp/2.0, 360-dp/2.0, nPhi), Theta: linspace(dt/2.0, 180-dt/2.0, nTheta)}
	for i := range g.Phi {
		g.Phi[i] *= deg
	}
	for i := range g.Theta {
		g.Theta[i] *= deg
	}
	return g, nil
}

// Check reports whether g's scales can be remapped onto: at least 2 points
// each, finite and strictly increasing.
func (g Grid) Check() error {
	if err := checkScale("phi", g.Phi); err != nil {
		return err
	}
	return checkScale("theta", g.Theta)
}

func checkScale(name string, s []float64) error {
	if len(s) < 2 {
		return fmt.Errorf("the %s scale has %d points: at least 2 are needed", name, len(s))
	}
	for i, v := range s {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("the %s scale's point %d is %g", name, i+1, v)
		}
		if i > 0 && !(v > s[i-1]) {
			return fmt.Errorf("the %s scale is not strictly increasing at point %d (%g after %g)", name, i+1, v, s[i-1])
		}
	}
	return nil
}
