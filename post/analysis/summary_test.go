package analysis_test

import (
	"math"
	"strings"
	"testing"

	"github.com/goft-sft/goft/post/analysis"
)

// solHistory returns a sol history of realization r whose columns all
// hold values (BR_MIN holds their negatives, so that |min(Br)| has them).
func solHistory(r int, values ...float64) *analysis.History {
	h := &analysis.History{Realization: r}
	for _, n := range []string{"STEP", "TIME", "BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE", "FLUX_NEGATIVE",
		"NPOLE_FLUX_POSITIVE", "NPOLE_FLUX_NEGATIVE", "SPOLE_FLUX_POSITIVE", "SPOLE_FLUX_NEGATIVE",
		"NPOLE_AREA", "SPOLE_AREA", "EQ_DIPOLE", "AX_DIPOLE", "VALIDATION_ERR_HHabs"} {
		col := append([]float64(nil), values...)
		if n == "BR_MIN" {
			for i := range col {
				col[i] = -col[i]
			}
		}
		h.Names = append(h.Names, n)
		h.Cols = append(h.Cols, col)
	}
	return h
}

func TestSummarizeHistories(t *testing.T) {
	s, err := analysis.SummarizeHistories([]*analysis.History{solHistory(3, 1, 2, 3, 6), solHistory(7, 0, 8)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Realizations) != 2 || s.Realizations[0] != 3 || s.Realizations[1] != 7 {
		t.Fatalf("realizations %v", s.Realizations)
	}
	// Realization 3: 1, 2, 3, 6: mean 3, population variance (4+1+0+9)/4.
	want3 := analysis.Stat{Min: 1, Max: 6, Mean: 3, StdDev: math.Sqrt(3.5)}
	// All: 1, 2, 3, 6, 0, 8: mean 10/3.
	m := 20.0 / 6
	var sq float64
	for _, x := range []float64{1, 2, 3, 6, 0, 8} {
		sq += (x - m) * (x - m)
	}
	wantAll := analysis.Stat{Min: 0, Max: 8, Mean: m, StdDev: math.Sqrt(sq / 6), MinRealization: 7, MaxRealization: 7}
	near := func(a, b analysis.Stat) bool {
		return a.Min == b.Min && a.Max == b.Max && math.Abs(a.Mean-b.Mean) < 1e-14 && math.Abs(a.StdDev-b.StdDev) < 1e-14 &&
			a.MinRealization == b.MinRealization && a.MaxRealization == b.MaxRealization
	}
	for q, sq := range analysis.SummaryQuantities {
		if got := s.PerRealization[0][q]; !near(got, want3) {
			t.Errorf("%s, realization 3: %+v, want %+v", sq.Name, got, want3)
		}
		if got := s.All[q]; !near(got, wantAll) {
			t.Errorf("%s, all: %+v, want %+v", sq.Name, got, wantAll)
		}
	}
	// The extremes in different realizations, and a tie for the maximum:
	// the first realization holding it is named.
	s, err = analysis.SummarizeHistories([]*analysis.History{solHistory(2, 5, 9), solHistory(4, -3, 1), solHistory(6, 9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if a := s.All[0]; a.Min != -3 || a.MinRealization != 4 || a.Max != 9 || a.MaxRealization != 2 {
		t.Errorf("extremes %+v, want min -3 in realization 4 and max 9 first in realization 2", a)
	}
	h := solHistory(1, 1)
	h.Names[3] = "OTHER"
	if _, err := analysis.SummarizeHistories([]*analysis.History{h}); err == nil || !strings.Contains(err.Error(), "max(Br)") {
		t.Errorf("a history without BR_MAX: error %v", err)
	}
}
