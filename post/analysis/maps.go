// Package analysis post-processes HipFT and goft runs: it reads a run's
// maps, histories and parameter files and computes what the analysis tools
// show (butterfly diagrams, map differences, realization slices), as HipFT's
// Python tools in its bin/ folder do.
//
// Units follow HipFT: Br in Gauss, fluxes in Mx, areas in cm^2, times in
// hours, angles in radians unless a name says degrees.
package analysis

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
)

// ReadMap reads the PSI map at path and checks that it is a HipFT Br map
// (see CheckMap). Every error names the file.
func ReadMap(path string) (*psihdf.Map, error) {
	m, err := psihdf.Read(path)
	if err != nil {
		return nil, err
	}
	if err := CheckMap(m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// CheckMap reports whether m is laid out as a HipFT Br map: 2D, or 3D with
// realizations as the third dimension; dim1 the longitude phi and dim2 the
// colatitude theta, each with at least two ascending points, phi within
// [0, 2pi] and theta within [0, pi] (radians, with a little tolerance for
// single precision), or one cell beyond either end where that cell is at
// most a quarter of the range: the ghost points of HipFT's flow maps
// (hipft_flow_vt/vp_idx*.h5), whose meshes are the staggered half meshes.
func CheckMap(m *psihdf.Map) error {
	if len(m.Dims) != 2 && len(m.Dims) != 3 {
		return fmt.Errorf("not a HipFT map: it has %d dimensions, want 2 (phi, theta) or 3 (phi, theta, realization)", len(m.Dims))
	}
	if len(m.Scales) < 2 {
		return fmt.Errorf("not a HipFT map: it has no phi and theta scales")
	}
	const tol = 1e-5
	for i, s := range []struct {
		name string
		max  float64
		unit string
	}{{"dim1 (longitude phi)", 2 * math.Pi, "2pi"}, {"dim2 (colatitude theta)", math.Pi, "pi"}} {
		sc := m.Scales[i]
		if len(sc) < 2 {
			return fmt.Errorf("not a HipFT map: %s has %d point(s), want at least 2", s.name, len(sc))
		}
		for k := 1; k < len(sc); k++ {
			if !(sc[k] > sc[k-1]) {
				return fmt.Errorf("not a HipFT map: %s is not ascending at point %d (%g after %g)", s.name, k+1, sc[k], sc[k-1])
			}
		}
		// A ghost point one cell beyond either end (HipFT's flow maps, on
		// the staggered half meshes) is allowed when that cell is at most
		// a quarter of the range.
		lo, hi := -tol, s.max+tol
		if d := sc[1] - sc[0]; d <= s.max/4 {
			lo -= d
		}
		if d := sc[len(sc)-1] - sc[len(sc)-2]; d <= s.max/4 {
			hi += d
		}
		if sc[0] < lo || sc[len(sc)-1] > hi {
			return fmt.Errorf("not a HipFT map: %s runs from %g to %g, want values within 0..%s radians (is the map stored as theta, phi instead of phi, theta?)", s.name, sc[0], sc[len(sc)-1], s.unit)
		}
	}
	return nil
}

// Realizations returns the number of realizations in m: Dims[2] for a 3D
// map, 1 for a 2D map.
func Realizations(m *psihdf.Map) int {
	if len(m.Dims) == 3 {
		return m.Dims[2]
	}
	return 1
}

// MapLayout returns the layout of m's data, a 2D map or a 3D map of
// realizations: phi (dim1) fastest, then theta (dim2), then realization
// (dim3; 1 for a 2D map).
func MapLayout(m *psihdf.Map) field.MapLayout {
	return field.MapLayout{NPhi: m.Dims[0], NTheta: m.Dims[1], NReal: Realizations(m)}
}

// Realization returns realization r (1-based) of m as a new 2D map with
// copies of the phi and theta scales.
func Realization(m *psihdf.Map, r int) (*psihdf.Map, error) {
	n := Realizations(m)
	if r < 1 || r > n {
		return nil, fmt.Errorf("realization %d does not exist: the map has %d", r, n)
	}
	l := MapLayout(m)
	out := &psihdf.Map{
		Dims:    []int{l.NPhi, l.NTheta},
		Scales:  [][]float64{append([]float64(nil), m.Scales[0]...), append([]float64(nil), m.Scales[1]...)},
		Data:    append([]float64(nil), l.Realization(m.Data, r-1)...),
		Float32: m.Float32,
	}
	return out, nil
}

// Pack stacks 2D maps into one 3D map (dim3: realizations) whose third
// scale is index (1-based realization numbers, one per map; nil means
// 1, 2, ...). All maps must have the same dimensions and scales.
func Pack(maps []*psihdf.Map, index []float64) (*psihdf.Map, error) {
	if len(maps) == 0 {
		return nil, fmt.Errorf("no maps to pack")
	}
	if index == nil {
		for i := range maps {
			index = append(index, float64(i+1))
		}
	}
	if len(index) != len(maps) {
		return nil, fmt.Errorf("%d realization numbers for %d maps", len(index), len(maps))
	}
	first := maps[0]
	if len(first.Dims) != 2 {
		return nil, fmt.Errorf("map 1 has %d dimensions, want 2", len(first.Dims))
	}
	out := &psihdf.Map{
		Dims:    []int{first.Dims[0], first.Dims[1], len(maps)},
		Scales:  [][]float64{first.Scales[0], first.Scales[1], index},
		Float32: true,
	}
	for i, m := range maps {
		if len(m.Dims) != 2 {
			return nil, fmt.Errorf("map %d has %d dimensions, want 2", i+1, len(m.Dims))
		}
		if m.Dims[0] != first.Dims[0] || m.Dims[1] != first.Dims[1] {
			return nil, fmt.Errorf("map %d is %dx%d (phi x theta) but map 1 is %dx%d", i+1, m.Dims[0], m.Dims[1], first.Dims[0], first.Dims[1])
		}
		for d := 0; d < 2; d++ {
			if k := firstDifferent(m.Scales[d], first.Scales[d]); k >= 0 {
				return nil, fmt.Errorf("map %d has a different %s scale than map 1 (point %d: %g vs %g)", i+1, dimName[d], k+1, m.Scales[d][k], first.Scales[d][k])
			}
		}
		out.Float32 = out.Float32 && m.Float32
		out.Data = append(out.Data, m.Data...)
	}
	return out, nil
}

var dimName = []string{"phi", "theta", "realization"}

// firstDifferent returns the first index where a and b (of equal length)
// differ by more than single-precision round-off, or -1.
func firstDifferent(a, b []float64) int {
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-6*math.Max(1, math.Abs(b[i])) {
			return i
		}
	}
	return -1
}

// LongitudeAverage returns realization r (1-based) of m averaged over
// longitude at every colatitude (Gauss). On HipFT's grid (uniform in phi
// from 0 to 2pi, both ends included and equal) it is the plain mean over
// the distinct longitudes, leaving out the duplicated phi = 2pi column; on
// other grids, the trapezoid-rule integral over phi divided by the phi
// range.
func LongitudeAverage(m *psihdf.Map, r int) []float64 {
	l := MapLayout(m)
	np, nt := l.NPhi, l.NTheta
	phi := m.Scales[0]
	span := phi[np-1] - phi[0]
	uniform := math.Abs(span-2*math.Pi) < 1e-5
	for i := 1; i < np && uniform; i++ {
		uniform = math.Abs(phi[i]-phi[i-1]-span/float64(np-1)) < 1e-5*span
	}
	avg := make([]float64, nt)
	for j := range avg {
		row := l.Row(m.Data, j, r-1)
		s := 0.0
		if uniform {
			for _, v := range row[:np-1] {
				s += v
			}
			avg[j] = s / float64(np-1)
			continue
		}
		for i := 0; i < np-1; i++ {
			s += 0.5 * (row[i] + row[i+1]) * (phi[i+1] - phi[i])
		}
		avg[j] = s / span
	}
	return avg
}
