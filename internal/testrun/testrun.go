// Package testrun makes small goft runs for the tests of the analysis
// tools: a tiny synthetic map evolved by diffusion for a couple of days,
// with cadence maps and histories, in a few hundred milliseconds.
package testrun

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/model/field"
)

// Grid sizes of the test runs: points in phi (both ends) and theta (both
// poles).
const (
	NPhi   = 61
	NTheta = 31
)

// Map returns a synthetic Br map (Gauss) on the test grid: an axial dipole
// (+10 G at the north pole) and a bipole at 20 degrees north: a positive
// spot at longitude 100 degrees and a negative one at 80 degrees.
func Map() *psihdf.Map {
	phi := make([]float64, NPhi)
	theta := make([]float64, NTheta)
	for i := range phi {
		phi[i] = 2 * math.Pi * float64(i) / float64(NPhi-1)
	}
	for j := range theta {
		theta[j] = math.Pi * float64(j) / float64(NTheta-1)
	}
	l := field.MapLayout{NPhi: NPhi, NTheta: NTheta, NReal: 1}
	d := make([]float64, l.Len())
	spot := func(t, p, lat, lon float64) float64 {
		ct, cp := (90-lat)*math.Pi/180, lon*math.Pi/180
		c := math.Cos(t)*math.Cos(ct) + math.Sin(t)*math.Sin(ct)*math.Cos(p-cp)
		a := math.Acos(math.Max(-1, math.Min(1, c))) * 180 / math.Pi
		return math.Exp(-a * a / 64)
	}
	for j, t := range theta {
		row := l.Row(d, j, 0)
		for i, p := range phi {
			row[i] = 10*math.Cos(t) + 100*spot(t, p, 20, 100) - 100*spot(t, p, 20, 80)
		}
	}
	return &psihdf.Map{Dims: []int{NPhi, NTheta}, Scales: [][]float64{phi, theta}, Data: d}
}

// Options change the test run.
type Options struct {
	// Realizations is n_realizations (0: 2).
	Realizations int
	// Extra lines added to hipft.in's namelist.
	Extra []string
}

// Make writes Map and a hipft.in into dir and runs it there: diffusion
// (500 and 1000 km^2/s per realization), 48 hours in steps of at most 4
// hours, a cadence map every 8 hours (7 maps) and a history line every
// step. It returns the run's parameters.
func Make(t testing.TB, dir string, opt Options) *input.Params {
	t.Helper()
	n := opt.Realizations
	if n == 0 {
		n = 2
	}
	if err := psihdf.Write(filepath.Join(dir, "br_initial.h5"), Map(), false); err != nil {
		t.Fatal(err)
	}
	coefs := make([]string, n)
	for i := range coefs {
		coefs[i] = fmt.Sprintf("%d.", 500*(i+1))
	}
	in := fmt.Sprintf(`&hipft_input_parameters
  initial_map_filename = 'br_initial.h5'
  n_realizations = %d
  time_end = 48.
  dt_max = 4.
  output_map_time_cadence = 8.
  advance_diffusion = .true.
  diffusion_coef_constants = %s
%s
/
`, n, strings.Join(coefs, ", "), strings.Join(opt.Extra, "\n"))
	path := filepath.Join(dir, "hipft.in")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := input.ParseWith(f, path, input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.New(p, run.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	return p
}
