package analysis

import (
	"fmt"

	"github.com/goft-sft/goft/format/psihdf"
)

// Butterfly is a butterfly diagram: the longitude-averaged Br of every
// realization versus time and colatitude.
type Butterfly struct {
	// Time is the simulation time of every map (hours).
	Time []float64
	// Theta is the colatitude of every row (radians, ascending).
	Theta []float64
	// Avg[r][i + len(Time)*j] is the longitude average of realization r+1
	// at Time[i] and Theta[j] (Gauss).
	Avg [][]float64
}

// MakeButterfly longitude-averages every output map listed in the run's
// hipft_output_map_list.out. All maps must share one grid and number of
// realizations.
func MakeButterfly(rf *RunFiles) (*Butterfly, error) {
	list, err := rf.OutputMaps()
	if err != nil {
		return nil, err
	}
	b := &Butterfly{}
	var nreal int
	var cols [][][]float64 // [realization][time] -> theta profile
	for k, om := range list {
		m, err := ReadMap(om.Path)
		if err != nil {
			return nil, err
		}
		if k == 0 {
			nreal = Realizations(m)
			b.Theta = append([]float64(nil), m.Scales[1]...)
			cols = make([][][]float64, nreal)
		} else {
			if Realizations(m) != nreal {
				return nil, fmt.Errorf("%s has %d realizations but %s has %d", om.Path, Realizations(m), list[0].Path, nreal)
			}
			if len(m.Scales[1]) != len(b.Theta) || firstDifferent(m.Scales[1], b.Theta) >= 0 {
				return nil, fmt.Errorf("%s has a different theta grid than %s", om.Path, list[0].Path)
			}
		}
		for r := 1; r <= nreal; r++ {
			cols[r-1] = append(cols[r-1], LongitudeAverage(m, r))
		}
		b.Time = append(b.Time, om.Time)
	}
	nt, nth := len(b.Time), len(b.Theta)
	for r := range cols {
		a := make([]float64, nt*nth)
		for i, col := range cols[r] {
			for j, v := range col {
				a[i+nt*j] = v
			}
		}
		b.Avg = append(b.Avg, a)
	}
	return b, nil
}

// Map returns realization r's (1-based) diagram as a 2D PSI map laid out as
// HipFT's hipft_make_butterfly_diagram.py writes it: dim1 time in seconds
// since the first map, dim2 colatitude (radians), data the longitude-averaged
// Br (Gauss).
func (b *Butterfly) Map(r int) *psihdf.Map {
	t := make([]float64, len(b.Time))
	for i, h := range b.Time {
		t[i] = (h - b.Time[0]) * 3600
	}
	return &psihdf.Map{
		Dims:   []int{len(b.Time), len(b.Theta)},
		Scales: [][]float64{t, append([]float64(nil), b.Theta...)},
		Data:   append([]float64(nil), b.Avg[r-1]...),
	}
}
