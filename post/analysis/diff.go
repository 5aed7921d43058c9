package analysis

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/format/psihdf"
)

// DiffStats compares realization Realization of two maps a and b over all
// their grid points, as HipFT's hipft_map_diff.py does.
type DiffStats struct {
	// Realization is the 1-based realization, or 0 for all of them together.
	Realization int
	// RMSD is sqrt(mean((a-b)^2)) (Gauss).
	RMSD float64
	// MaxAbs is max |a-b| (Gauss).
	MaxAbs float64
	// HHabs is sqrt(sum (a-b)^2 / sum |a||b|) (dimensionless); when
	// sum |a||b| is 0 it falls back to RMSD, as HipFT does.
	HHabs float64
}

// Diff compares maps a and b, which must have the same dimensions and grid,
// realization by realization; with more than one realization a last entry
// (Realization 0) covers them all. It also returns the difference map a-b.
func Diff(a, b *psihdf.Map) ([]DiffStats, *psihdf.Map, error) {
	same := len(a.Dims) == len(b.Dims)
	for d := 0; same && d < len(a.Dims); d++ {
		same = a.Dims[d] == b.Dims[d]
	}
	if !same {
		return nil, nil, fmt.Errorf("the maps differ in size: %v and %v (phi, theta[, realizations])", a.Dims, b.Dims)
	}
	for d := 0; d < 2 && d < len(a.Scales) && d < len(b.Scales); d++ {
		if k := firstDifferent(a.Scales[d], b.Scales[d]); k >= 0 {
			return nil, nil, fmt.Errorf("the maps are on different grids: %s point %d is %g and %g", dimName[d], k+1, a.Scales[d][k], b.Scales[d][k])
		}
	}
	diff := &psihdf.Map{Dims: append([]int(nil), a.Dims...), Data: make([]float64, len(a.Data)), Float32: a.Float32 && b.Float32}
	for _, s := range a.Scales {
		diff.Scales = append(diff.Scales, append([]float64(nil), s...))
	}
	for i := range a.Data {
		diff.Data[i] = a.Data[i] - b.Data[i]
	}
	l := MapLayout(a)
	n := l.NReal
	var out []DiffStats
	for r := 1; r <= n; r++ {
		out = append(out, diffStats(r, l.Realization(a.Data, r-1), l.Realization(b.Data, r-1)))
	}
	if n > 1 {
		out = append(out, diffStats(0, a.Data, b.Data))
	}
	return out, diff, nil
}

func diffStats(r int, a, b []float64) DiffStats {
	var sq, ab, mx float64
	for i := range a {
		d := a[i] - b[i]
		sq += d * d
		ab += math.Abs(a[i]) * math.Abs(b[i])
		mx = math.Max(mx, math.Abs(d))
	}
	s := DiffStats{Realization: r, RMSD: math.Sqrt(sq / float64(len(a))), MaxAbs: mx}
	if ab == 0 {
		s.HHabs = s.RMSD
	} else {
		s.HHabs = math.Sqrt(sq / ab)
	}
	return s
}
