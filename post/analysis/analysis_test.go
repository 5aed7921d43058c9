package analysis_test

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/testrun"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/post/analysis"
)

// grid3 returns a 3D map of n realizations on a 5 x 3 grid with
// values f(i, j, r).
func grid3(n int, f func(i, j, r int) float64) *psihdf.Map {
	phi := []float64{0, math.Pi / 2, math.Pi, 3 * math.Pi / 2, 2 * math.Pi}
	theta := []float64{0, math.Pi / 2, math.Pi}
	m := &psihdf.Map{Dims: []int{5, 3, n}, Scales: [][]float64{phi, theta, nil}}
	for r := 1; r <= n; r++ {
		m.Scales[2] = append(m.Scales[2], float64(r))
		for j := 0; j < 3; j++ {
			for i := 0; i < 5; i++ {
				m.Data = append(m.Data, f(i, j, r))
			}
		}
	}
	return m
}

func TestCheckMap(t *testing.T) {
	good := grid3(2, func(i, j, r int) float64 { return 0 })
	swapped := &psihdf.Map{Dims: []int{3, 5}, Scales: [][]float64{good.Scales[1], {0, 1, 2, 4, 6.3}}, Data: make([]float64, 15)}
	tooBig := &psihdf.Map{Dims: []int{2, 2}, Scales: [][]float64{{0, 7}, {0, 1}}, Data: make([]float64, 4)}
	descending := &psihdf.Map{Dims: []int{2, 2}, Scales: [][]float64{{1, 0}, {0, 1}}, Data: make([]float64, 4)}
	oneD := &psihdf.Map{Dims: []int{2}, Scales: [][]float64{{0, 1}}, Data: make([]float64, 2)}
	// A vt flow map: theta on the half mesh, one ghost beyond each pole.
	h := math.Pi / 4
	flow := &psihdf.Map{Dims: []int{5, 6}, Scales: [][]float64{good.Scales[0], {-h / 2, h / 2, 3 * h / 2, 5 * h / 2, 7 * h / 2, 9 * h / 2}}, Data: make([]float64, 30)}
	twoGhosts := &psihdf.Map{Dims: []int{5, 3}, Scales: [][]float64{good.Scales[0], {-2 * h, -h, 0.1}}, Data: make([]float64, 15)}
	for _, tc := range []struct {
		name string
		m    *psihdf.Map
		want string
	}{
		{"good", good, ""},
		{"swapped", swapped, "theta, phi"},
		{"phi beyond 2pi", tooBig, "dim1 (longitude phi) runs from 0 to 7"},
		{"descending", descending, "not ascending"},
		{"1D", oneD, "1 dimensions"},
		{"flow map ghosts", flow, ""},
		{"beyond the ghost", twoGhosts, "dim2 (colatitude theta) runs from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := analysis.CheckMap(tc.m)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadMapErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	notH5 := filepath.Join(dir, "notes.h5")
	os.WriteFile(notH5, []byte("hello, not HDF5"), 0o644)
	swapped := filepath.Join(dir, "swapped.h5")
	m := testrun.Map()
	if err := psihdf.Write(swapped, &psihdf.Map{Dims: []int{m.Dims[1], m.Dims[0]}, Scales: [][]float64{m.Scales[1], m.Scales[0]}, Data: m.Data}, true); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "missing.h5"), notH5, swapped} {
		_, err := analysis.ReadMap(p)
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadMap(%s): error %v, want one naming the file", p, err)
		}
	}
}

func TestRealizationAndPack(t *testing.T) {
	m := grid3(3, func(i, j, r int) float64 { return float64(100*r + 10*j + i) })
	var parts []*psihdf.Map
	for r := 1; r <= 3; r++ {
		p, err := analysis.Realization(m, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Dims) != 2 || p.Data[0] != float64(100*r) || p.Data[14] != float64(100*r+24) {
			t.Fatalf("realization %d: dims %v data %v", r, p.Dims, p.Data)
		}
		parts = append(parts, p)
	}
	if _, err := analysis.Realization(m, 4); err == nil {
		t.Error("realization 4 of 3: no error")
	}
	back, err := analysis.Pack(parts, []float64{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Dims) != 3 || back.Dims[2] != 3 {
		t.Fatalf("packed dims %v", back.Dims)
	}
	for i := range m.Data {
		if back.Data[i] != m.Data[i] {
			t.Fatalf("packed data differ at %d", i)
		}
	}
	other := &psihdf.Map{Dims: []int{2, 2}, Scales: [][]float64{{0, 1}, {0, 1}}, Data: make([]float64, 4)}
	if _, err := analysis.Pack([]*psihdf.Map{parts[0], other}, nil); err == nil || !strings.Contains(err.Error(), "map 2") {
		t.Errorf("packing mismatched maps: %v", err)
	}
}

// TestMapLayout checks that MapLayout describes a map's data as grid3
// writes them: phi fastest, then theta, then realization.
func TestMapLayout(t *testing.T) {
	m := grid3(2, func(i, j, r int) float64 { return float64(100*r + 10*j + i) })
	l := analysis.MapLayout(m)
	if l != (field.MapLayout{NPhi: 5, NTheta: 3, NReal: 2}) || l.Len() != len(m.Data) {
		t.Fatalf("layout %+v for dims %v and %d values", l, m.Dims, len(m.Data))
	}
	for r := 0; r < 2; r++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 5; k++ {
				if got, want := m.Data[l.Index(j, k, r)], float64(100*(r+1)+10*j+k); got != want {
					t.Fatalf("(j,k,r) = (%d,%d,%d): %g, want %g", j, k, r, got, want)
				}
			}
		}
	}
	two, _ := analysis.Realization(m, 2)
	if l2 := analysis.MapLayout(two); l2 != (field.MapLayout{NPhi: 5, NTheta: 3, NReal: 1}) {
		t.Errorf("2D map layout %+v", l2)
	}
}

func TestDiff(t *testing.T) {
	a := grid3(2, func(i, j, r int) float64 { return 2 })
	b := grid3(2, func(i, j, r int) float64 {
		if r == 2 && i == 0 && j == 0 {
			return 5
		}
		return 1
	})
	stats, d, err := analysis.Diff(a, b)
	if err != nil {
		t.Fatal(err)
	}
	// Realization 1: every point differs by 1; |a||b| = 2.
	// Realization 2: 14 points differ by 1, one by -3 (|a||b| = 10).
	want := []analysis.DiffStats{
		{1, 1, 1, math.Sqrt(15.0 / 30)},
		{2, math.Sqrt(23.0 / 15), 3, math.Sqrt(23.0 / 38)},
		{0, math.Sqrt(38.0 / 30), 3, math.Sqrt(38.0 / 68)},
	}
	if len(stats) != len(want) {
		t.Fatalf("%d rows, want %d", len(stats), len(want))
	}
	for k, w := range want {
		g := stats[k]
		if g.Realization != w.Realization || math.Abs(g.RMSD-w.RMSD) > 1e-12 || g.MaxAbs != w.MaxAbs || math.Abs(g.HHabs-w.HHabs) > 1e-12 {
			t.Errorf("row %d: got %+v, want %+v", k, g, w)
		}
	}
	if d.Data[15] != -3 || d.Data[0] != 1 {
		t.Errorf("difference map: %v", d.Data)
	}
	zero := grid3(1, func(i, j, r int) float64 { return 0 })
	one := grid3(1, func(i, j, r int) float64 { return 1 })
	s, _, _ := analysis.Diff(zero, one)
	if s[0].HHabs != s[0].RMSD || s[0].RMSD != 1 {
		t.Errorf("HHabs against a zero map should fall back to RMSD: %+v", s[0])
	}
	if _, _, err := analysis.Diff(a, grid3(3, func(i, j, r int) float64 { return 0 })); err == nil || !strings.Contains(err.Error(), "differ in size") {
		t.Errorf("maps of different sizes: %v", err)
	}
}

func TestLongitudeAverage(t *testing.T) {
	// cos(phi) averages to 0, the constant survives; the duplicated
	// phi = 2pi column must not count twice.
	m := grid3(2, func(i, j, r int) float64 {
		return float64(j*r) + 4*math.Cos(float64(i)*math.Pi/2)
	})
	for r := 1; r <= 2; r++ {
		avg := analysis.LongitudeAverage(m, r)
		for j, v := range avg {
			if math.Abs(v-float64(j*r)) > 1e-12 {
				t.Errorf("r%d theta %d: average %g, want %d", r, j, v, j*r)
			}
		}
	}
}

func TestLongitudeAverageNonUniform(t *testing.T) {
	// f = phi on phi = 0, 1, 3: trapezoid integral 0.5 + 4 = 4.5 over 3.
	m := &psihdf.Map{Dims: []int{3, 2}, Scales: [][]float64{{0, 1, 3}, {0, 1}}, Data: []float64{0, 1, 3, 0, 1, 3}}
	if got := analysis.LongitudeAverage(m, 1); got[0] != 1.5 || got[1] != 1.5 {
		t.Errorf("average %v, want 1.5", got)
	}
}

// meanOverLongitude is the average the test expects: the plain mean over
// the distinct longitudes (all but the duplicated phi = 2pi column).
func meanOverLongitude(m *psihdf.Map, r, j int) float64 {
	np, nt := m.Dims[0], m.Dims[1]
	s := 0.0
	for i := 0; i < np-1; i++ {
		s += m.Data[i+np*(j+nt*(r-1))]
	}
	return s / float64(np-1)
}

func TestRunFiles(t *testing.T) {
	dir := t.TempDir()
	testrun.Make(t, dir, testrun.Options{})
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rf.MapDir != "output_maps" || rf.MapRoot != "hipft_brmap" {
		t.Errorf("map folder %q root %q", rf.MapDir, rf.MapRoot)
	}
	if v, ok := analysis.Lookup(rf.Params, "N_REALIZATIONS"); !ok || v != "2" {
		t.Errorf("n_realizations = %q, %v", v, ok)
	}

	t.Run("butterfly", func(t *testing.T) {
		b, err := analysis.MakeButterfly(rf)
		if err != nil {
			t.Fatal(err)
		}
		wantT := []float64{0, 8, 16, 24, 32, 40, 48}
		if len(b.Time) != len(wantT) || len(b.Avg) != 2 || len(b.Theta) != testrun.NTheta {
			t.Fatalf("times %v, %d realizations, %d colatitudes", b.Time, len(b.Avg), len(b.Theta))
		}
		maps, _ := rf.OutputMaps()
		for i, om := range maps {
			if math.Abs(b.Time[i]-wantT[i]) > 1e-9 {
				t.Errorf("time %d = %g, want %g", i, b.Time[i], wantT[i])
			}
			m, err := psihdf.Read(om.Path)
			if err != nil {
				t.Fatal(err)
			}
			for r := 1; r <= 2; r++ {
				for j := 0; j < testrun.NTheta; j++ {
					want := meanOverLongitude(m, r, j)
					got := b.Avg[r-1][i+len(b.Time)*j]
					if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
						t.Fatalf("map %d r%d theta %d: %g, want %g", i+1, r, j, got, want)
					}
				}
			}
		}
		// The dipole's longitude average is 10 cos(theta) to within diffusion.
		if v := b.Avg[0][0]; math.Abs(v-10) > 0.5 {
			t.Errorf("north-pole average at t=0: %g, want about 10", v)
		}
		bm := b.Map(2)
		if bm.Dims[0] != 7 || bm.Dims[1] != testrun.NTheta || bm.Scales[0][6] != 48*3600 {
			t.Errorf("butterfly map dims %v, time scale %v", bm.Dims, bm.Scales[0])
		}
	})

	t.Run("histories", func(t *testing.T) {
		hs, err := analysis.ReadRunHistories(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 2 || hs[1].Realization != 2 {
			t.Fatalf("%d histories", len(hs))
		}
		h := hs[0]
		if h.Len() != 13 { // step 0 and 12 steps of 4 hours
			t.Errorf("%d history lines, want 13", h.Len())
		}
		q, err := analysis.HistoryQuantities(h)
		if err != nil {
			t.Fatal(err)
		}
		for i := range q.Time {
			u := math.Abs(q.FluxPos[i]) + math.Abs(q.FluxNeg[i])
			if q.Unsigned[i] != u {
				t.Fatalf("unsigned flux")
			}
			if math.Abs(q.Imbalance[i]-100*(q.FluxPos[i]+q.FluxNeg[i])/u) > 1e-12 {
				t.Fatalf("imbalance")
			}
			na := h.Col("NPOLE_AREA")[i]
			if math.Abs(q.NField[i]-(q.NPos[i]+q.NNeg[i])/na) > 1e-12 {
				t.Fatalf("north field")
			}
		}
		// Dipole of +10 G at the north pole: positive mean field in the
		// north cap, negative in the south.
		if q.NField[0] < 1 || q.SField[0] > -1 {
			t.Errorf("polar fields %g, %g", q.NField[0], q.SField[0])
		}
		if q.Validation != nil {
			t.Errorf("validation column should be nil outside validation runs")
		}
	})
}

func TestReadHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	header := "      STEP                   TIME                 BR_MIN\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty", "", "empty file"},
		{"numbers first", "1 2 3\n", "first line should name the columns"},
		{"short line", header + "1 2.0\n", ":2: 2 values, but the header names 3 columns"},
		{"not a number", header + "1 2.0 abc\n", `column BR_MIN: "abc" is not a number`},
		{"no time", "STEP X\n1 2\n", "no TIME column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".out")
			os.WriteFile(p, []byte(tc.text), 0o644)
			_, err := analysis.ReadHistory(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, p, tc.want)
			}
		})
	}
	// Fortran's 3-digit exponents without E, and repeated steps.
	p := filepath.Join(dir, "ok.out")
	os.WriteFile(p, []byte(header+"1 1.0 2.5-100\n1 1.5 3.0D+00\n"), 0o644)
	h, err := analysis.ReadHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() != 2 || h.Col("br_min")[0] != 2.5e-100 || h.Col("BR_MIN")[1] != 3 {
		t.Errorf("parsed %v", h.Cols)
	}
}

func TestOpenRunErrors(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "file.txt")
	os.WriteFile(f, nil, 0o644)
	if _, err := analysis.OpenRun(f); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("OpenRun(file): %v", err)
	}
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rf.OutputMaps(); err == nil || !strings.Contains(err.Error(), analysis.MapListFile) {
		t.Errorf("OutputMaps in an empty folder: %v", err)
	}
	if _, err := analysis.ReadRunHistories(dir); err == nil || !strings.Contains(err.Error(), "no history files") {
		t.Errorf("ReadRunHistories in an empty folder: %v", err)
	}
}
