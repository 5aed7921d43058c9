package analysis

import (
	"fmt"
	"math"
	"strings"
)

// HistoryDiff is the largest difference between two history files of runs
// of the same case, over every line and column.
type HistoryDiff struct {
	// Rel is the largest |b-a| relative to its column's scale (see
	// DiffHistories); 0 when the files hold the same numbers.
	Rel float64
	// Line is the 1-based data line (after the header) and Column the
	// column's name where Rel is found, A and B the two values there.
	Line   int
	Column string
	A, B   float64
}

// String describes d, e.g. "1.3e-13 of the column's scale (BR_MIN, line
// 25: 1.2e+03 and 1.2e+03)".
func (d HistoryDiff) String() string {
	if d.Line == 0 {
		return "identical numbers"
	}
	return fmt.Sprintf("%.2g of the column's scale (%s, line %d: %.16g and %.16g)", d.Rel, d.Column, d.Line, d.A, d.B)
}

// DiffHistories compares two histories value by value. Each column's
// scale is the largest magnitude of that column in a, except that
// BR_ABS_MIN (the smallest |Br| on the sphere) and the dipoles (averages
// of Br) take at least the field's scale, the larger of BR_MIN's and
// BR_MAX's: they can be near zero, and their round-off is then the
// field's (the dipole of a symmetric field is noise of 1e-17 G whose
// digits depend on the order of the sums). A column whose scale is 0 is
// compared absolutely. It returns an error when the files' columns or
// numbers of lines differ.
func DiffHistories(a, b *History) (HistoryDiff, error) {
	if strings.Join(a.Names, " ") != strings.Join(b.Names, " ") {
		return HistoryDiff{}, fmt.Errorf("%s and %s have different columns", a.Path, b.Path)
	}
	if a.Len() != b.Len() {
		return HistoryDiff{}, fmt.Errorf("%s has %d lines and %s %d", a.Path, a.Len(), b.Path, b.Len())
	}
	maxAbs := func(v []float64) float64 {
		m := 0.0
		for _, x := range v {
			m = math.Max(m, math.Abs(x))
		}
		return m
	}
	field := 0.0
	if lo, hi := a.Col("BR_MIN"), a.Col("BR_MAX"); lo != nil && hi != nil {
		field = math.Max(maxAbs(lo), maxAbs(hi))
	}
	var d HistoryDiff
	for c, name := range a.Names {
		scale := maxAbs(a.Cols[c])
		switch strings.ToUpper(name) {
		case "BR_ABS_MIN", "EQ_DIPOLE", "AX_DIPOLE":
			scale = math.Max(scale, field)
		}
		if scale == 0 {
			scale = 1
		}
		for i, x := range a.Cols[c] {
			y := b.Cols[c][i]
			rel := math.Abs(y-x) / scale
			if math.IsNaN(x) != math.IsNaN(y) {
				rel = math.Inf(1)
			}
			if rel > d.Rel {
				d = HistoryDiff{Rel: rel, Line: i + 1, Column: name, A: x, B: y}
			}
		}
	}
	return d, nil
}
