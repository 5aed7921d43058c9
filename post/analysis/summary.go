package analysis

import (
	"fmt"
	"math"
)

// SummaryQuantities are the history quantities HipFT's
// hipft_print_history_summary.py summarizes, in its order: name, unit and
// how to get the values from a sol history.
var SummaryQuantities = []struct {
	Name, Unit string
	Values     func(h *History) []float64
}{
	{"flux +", "Mx", col("FLUX_POSITIVE")},
	{"flux -", "Mx", col("FLUX_NEGATIVE")},
	{"flux + NP", "Mx", col("NPOLE_FLUX_POSITIVE")},
	{"flux - NP", "Mx", col("NPOLE_FLUX_NEGATIVE")},
	{"Area NP", "cm^2", col("NPOLE_AREA")},
	{"flux + SP", "Mx", col("SPOLE_FLUX_POSITIVE")},
	{"flux - SP", "Mx", col("SPOLE_FLUX_NEGATIVE")},
	{"Area SP", "cm^2", col("SPOLE_AREA")},
	{"Ax Dipole", "G", col("AX_DIPOLE")},
	{"Eq Dipole", "G", col("EQ_DIPOLE")},
	{"max(Br)", "G", col("BR_MAX")},
	{"|min(Br)|", "G", func(h *History) []float64 {
		v := append([]float64(nil), h.Col("BR_MIN")...)
		for i := range v {
			v[i] = math.Abs(v[i])
		}
		return v
	}},
	{"min(|Br|)", "G", col("BR_ABS_MIN")},
	{"Valerr", "", col("VALIDATION_ERR_HHabs")},
}

func col(name string) func(h *History) []float64 {
	return func(h *History) []float64 { return h.Col(name) }
}

// Stat is the minimum, maximum, mean and standard deviation (population,
// as numpy's std) of a set of values; MinRealization and MaxRealization
// are where the extremes are (1-based realizations; set by
// SummarizeHistories for the whole ensemble, the first one at ties).
type Stat struct {
	Min, Max, Mean, StdDev         float64
	MinRealization, MaxRealization int
}

// stat computes the Stat of v (at least one value).
func stat(v []float64) Stat {
	s := Stat{Min: math.Inf(1), Max: math.Inf(-1)}
	var sum float64
	for _, x := range v {
		s.Min, s.Max = math.Min(s.Min, x), math.Max(s.Max, x)
		sum += x
	}
	s.Mean = sum / float64(len(v))
	var sq float64
	for _, x := range v {
		sq += (x - s.Mean) * (x - s.Mean)
	}
	s.StdDev = math.Sqrt(sq / float64(len(v)))
	return s
}

// HistorySummary is the summary of a run's sol histories, quantity by
// quantity (the order of SummaryQuantities).
type HistorySummary struct {
	// Realizations are the realization numbers of the histories, in order.
	Realizations []int
	// PerRealization[i][q] is quantity q over the lines of history i.
	PerRealization [][]Stat
	// All[q] is quantity q over every line of every history.
	All []Stat
}

// SummarizeHistories computes, as HipFT's hipft_print_history_summary.py
// does, each quantity's statistics over time for each realization, and
// over all realizations together with the realizations of the extremes.
func SummarizeHistories(hs []*History) (*HistorySummary, error) {
	if len(hs) == 0 {
		return nil, fmt.Errorf("no histories to summarize")
	}
	s := &HistorySummary{}
	all := make([][]float64, len(SummaryQuantities))
	s.All = make([]Stat, len(SummaryQuantities))
	for i, h := range hs {
		if h.Len() == 0 {
			return nil, fmt.Errorf("%s: no data lines", h.Path)
		}
		r := h.Realization
		if r == 0 {
			r = i + 1
		}
		s.Realizations = append(s.Realizations, r)
		row := make([]Stat, len(SummaryQuantities))
		for q, sq := range SummaryQuantities {
			v := sq.Values(h)
			if v == nil {
				return nil, fmt.Errorf("%s: no column for %s: not a hipft_history_sol file", h.Path, sq.Name)
			}
			row[q] = stat(v)
			all[q] = append(all[q], v...)
			if i == 0 || row[q].Min < s.All[q].Min {
				s.All[q].Min, s.All[q].MinRealization = row[q].Min, r
			}
			if i == 0 || row[q].Max > s.All[q].Max {
				s.All[q].Max, s.All[q].MaxRealization = row[q].Max, r
			}
		}
		s.PerRealization = append(s.PerRealization, row)
	}
	for q := range s.All {
		st := stat(all[q])
		s.All[q].Mean, s.All[q].StdDev = st.Mean, st.StdDev
	}
	return s, nil
}
