package main

import (
	"bytes"
	"fmt"
	"image/gif"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/testrun"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/post/plot"
)

// goft runs the command line and returns its exit code and output.
func goft(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	rc := mainArgs(args, &out, &errb)
	if strings.Contains(errb.String(), "panic") {
		t.Fatalf("goft %v panicked: %s", args, errb.String())
	}
	return rc, out.String(), errb.String()
}

var (
	runOnce sync.Once
	runDir  string
)

// sharedRun returns a folder with a small two-realization run, made once
// for all tests (they only read it).
func sharedRun(t *testing.T) string {
	t.Helper()
	runOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goft-analysis-test-")
		if err != nil {
			t.Fatal(err)
		}
		testrun.Make(t, dir, testrun.Options{})
		runDir = dir
	})
	if runDir == "" {
		t.Fatal("the shared test run failed")
	}
	return runDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if runDir != "" {
		os.RemoveAll(runDir)
	}
	if resumeBin != "" {
		os.RemoveAll(filepath.Dir(resumeBin)) // goftBinary's folder
	}
	os.Exit(code)
}

// pngSize decodes the PNG at path and returns its size.
func pngSize(t *testing.T, path string) (int, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img.Bounds().Dx(), img.Bounds().Dy()
}

func TestPlot(t *testing.T) {
	run := sharedRun(t)
	final := filepath.Join(run, "hipft_brmap_final.h5")
	out := t.TempDir()
	const bar = 120 // colour-bar strip, pixels
	for _, tc := range []struct {
		name  string
		args  []string
		width int
	}{
		{"all realizations", []string{final, "-o", filepath.Join(out, "all.png")}, 2*640 + bar},
		{"one realization", []string{"-r", "2", "-sat", "20", final, "-o", filepath.Join(out, "r2.png")}, 1000 + bar},
		{"sine latitude", []string{final, "-sinlat", "-r", "1,2", "-cols", "1", "-o", filepath.Join(out, "sin.png")}, 640 + bar},
		{"2D map", []string{filepath.Join(run, "br_initial.h5"), "-width", "500", "-o", filepath.Join(out, "2d.png")}, 500 + bar},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, stdout, stderr := goft(t, append([]string{"plot"}, tc.args...)...)
			if rc != 0 {
				t.Fatalf("rc %d: %s", rc, stderr)
			}
			p := tc.args[len(tc.args)-1]
			if w, h := pngSize(t, p); w != tc.width || h < 200 {
				t.Errorf("%s is %dx%d, want width %d", p, w, h, tc.width)
			}
			if !strings.Contains(stdout, "wrote "+p) {
				t.Errorf("stdout %q", stdout)
			}
		})
	}
	// Default output name: the map's base name in the current folder.
	t.Chdir(out)
	if rc, _, stderr := goft(t, "plot", final); rc != 0 {
		t.Fatal(stderr)
	}
	pngSize(t, filepath.Join(out, "hipft_brmap_final.png"))
}

// TestPlotTimeLabel checks that a listed output map is titled with its
// time (and, with -start, its date and Carrington rotation), on the image
// itself: the default title differs from the bare file name's.
func TestPlotTimeLabel(t *testing.T) {
	run := sharedRun(t)
	rf, err := analysis.OpenRun(run)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := rf.OutputMaps()
	if err != nil || len(maps) < 3 {
		t.Fatalf("output maps: %v (%d)", err, len(maps))
	}
	om := maps[2]
	if got, ok := listedMapTime(om.Path); !ok || got != om.Time {
		t.Fatalf("listedMapTime(%s) = %g, %v; want %g", om.Path, got, ok, om.Time)
	}
	if _, ok := listedMapTime(filepath.Join(run, "br_initial.h5")); ok {
		t.Error("an unlisted map has a time")
	}
	out := t.TempDir()
	render := func(name string, args ...string) []byte {
		t.Helper()
		p := filepath.Join(out, name)
		if rc, _, stderr := goft(t, append(append([]string{"plot", "-r", "1", "-o", p}, args...), om.Path)...); rc != 0 {
			t.Fatalf("rc %d: %s", rc, stderr)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	bare := render("bare.png", "-title", filepath.Base(om.Path))
	labelled := render("time.png")
	dated := render("date.png", "-start", "2024-05-01")
	if bytes.Equal(bare, labelled) || bytes.Equal(labelled, dated) {
		t.Error("the time and date labels are not drawn: the images equal the unlabelled one")
	}
	if again := render("again.png", "-title", filepath.Base(om.Path)+", "+plot.TimeLabel(om.Time, time.Time{})); !bytes.Equal(again, labelled) {
		t.Error("the default title is not the file name and plot.TimeLabel")
	}
}

func TestErrorsNameTheFile(t *testing.T) {
	run := sharedRun(t)
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.h5")
	os.WriteFile(text, []byte("not an HDF5 file"), 0o644)
	missing := filepath.Join(dir, "missing.h5")
	final := filepath.Join(run, "hipft_brmap_final.h5")
	initial := filepath.Join(run, "br_initial.h5")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"plot missing", []string{"plot", missing}, []string{missing}},
		{"plot not HDF5", []string{"plot", text}, []string{text}},
		{"plot no realization", []string{"plot", "-r", "5", final}, []string{final, "realization 5 does not exist"}},
		{"plot bad sat", []string{"plot", "-sat", "-3", final}, []string{"-sat"}},
		{"plot two files", []string{"plot", final, initial}, []string{"expected one map file"}},
		{"diff sizes", []string{"diff", final, initial}, []string{final, initial, "differ in size"}},
		{"diff missing", []string{"diff", final, missing}, []string{missing}},
		{"butterfly not a run", []string{"butterfly", dir}, []string{analysis.MapListFile}},
		{"butterfly a file", []string{"butterfly", final}, []string{final, "not a folder"}},
		{"history not a run", []string{"history", dir}, []string{"no history files", dir}},
		{"history bad date", []string{"history", "-start", "May 1", run}, []string{"-start"}},
		{"extract 2D", []string{"realization", "extract", initial}, []string{initial, "2D map"}},
		{"pack 3D", []string{"realization", "pack", final}, []string{final, "3D map"}},
		{"pack different grids", []string{"realization", "pack", "-o", filepath.Join(dir, "x.h5"), initial, filepath.Join(run, "output_maps", "hipft_brmap_idx000001.h5")}, []string{"3D map"}},
		{"realization unknown", []string{"realization", "split", final}, []string{"unknown subcommand"}},
		{"report not a run", []string{"report", dir}, []string{"no HipFT/goft run output"}},
		{"unknown flag", []string{"diff", "-x", final, final}, []string{"flag provided but not defined: -x"}},
		{"info missing", []string{"info", final, missing}, []string{missing}},
		{"maps-history not a run", []string{"maps-history", dir}, []string{analysis.MapListFile}},
		{"movie not a run", []string{"movie", dir}, []string{analysis.MapListFile}},
		{"movie bad delay", []string{"movie", "-delay", "0", run}, []string{"-delay: frame delay 0"}},
		{"movie no realization", []string{"movie", "-r", "7", run}, []string{"realization"}},
		{"maps-history two folders", []string{"maps-history", dir, run}, []string{"at most one run folder"}},
		{"info not HDF5", []string{"info", text}, []string{text}},
		{"info no files", []string{"info"}, []string{"expected one or more map files"}},
		{"info bad caps", []string{"info", "-pole-lat", "0", final}, []string{final, "latitude limit"}},
		{"info bad box", []string{"info", "-box", "1,2,3", final}, []string{"-box", "four numbers"}},
		{"info reversed box", []string{"info", "-box", "10,5,0,30", final}, []string{final, "phi1 < phi2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc, _, stderr := goft(t, tc.args...)
			if rc == 0 {
				t.Fatalf("goft %v succeeded", tc.args)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestButterfly(t *testing.T) {
	run := sharedRun(t)
	out := t.TempDir()
	rc, stdout, stderr := goft(t, "butterfly", "-o", out, "-start", "2024-05-01", run)
	if rc != 0 {
		t.Fatal(stderr)
	}
	if strings.Count(stdout, "wrote") != 2 {
		t.Errorf("stdout %q", stdout)
	}
	rf, err := analysis.OpenRun(run)
	if err != nil {
		t.Fatal(err)
	}
	list, err := rf.OutputMaps()
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 2; r++ {
		base := filepath.Join(out, fmt.Sprintf("butterfly_r%06d", r))
		if w, h := pngSize(t, base+".png"); w != 1120 || h < 400 {
			t.Errorf("%s.png is %dx%d", base, w, h)
		}
		b, err := psihdf.Read(base + ".h5")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Dims) != 2 || b.Dims[0] != len(list) || b.Dims[1] != testrun.NTheta {
			t.Fatalf("%s.h5 dims %v, want [%d %d]", base, b.Dims, len(list), testrun.NTheta)
		}
		for i, om := range list {
			if want := om.Time * 3600; math.Abs(b.Scales[0][i]-want) > 1e-6 {
				t.Errorf("time %d: %g s, want %g", i, b.Scales[0][i], want)
			}
			m, err := psihdf.Read(om.Path)
			if err != nil {
				t.Fatal(err)
			}
			np, nt := m.Dims[0], m.Dims[1]
			for j := 0; j < nt; j++ {
				if math.Abs(b.Scales[1][j]-m.Scales[1][j]) > 1e-12 {
					t.Fatalf("theta scale differs at %d", j)
				}
				want := 0.0
				for k := 0; k < np-1; k++ { // distinct longitudes only
					want += m.Data[k+np*(j+nt*(r-1))]
				}
				want /= float64(np - 1)
				if got := b.Data[i+b.Dims[0]*j]; math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("r%d map %d theta %d: %g, want the longitude average %g", r, i+1, j, got, want)
				}
			}
		}
	}
}

func TestHistory(t *testing.T) {
	run := sharedRun(t)
	out := t.TempDir()
	rc, stdout, stderr := goft(t, "history", run, "-o", out, "-start", "2024-05-01T06:00:00")
	if rc != 0 {
		t.Fatal(stderr)
	}
	names := []string{"history_flux_pm.png", "history_flux_total_unsigned.png", "history_flux_imb_pm.png",
		"history_flux_poles_30.png", "history_field_poles_30.png", "history_dipole_axial.png",
		"history_dipole_eq.png", "history_br.png"}
	for _, n := range names {
		if w, h := pngSize(t, filepath.Join(out, n)); w != 1000 || h != 450 {
			t.Errorf("%s is %dx%d", n, w, h)
		}
	}
	if strings.Count(stdout, "wrote") != len(names) {
		t.Errorf("stdout %q", stdout)
	}
	// -pole-lat names the caps: history_flux_poles_60.png.
	lat := t.TempDir()
	if rc, _, stderr := goft(t, "history", run, "-o", lat, "-pole-lat", "60"); rc != 0 {
		t.Fatal(stderr)
	}
	pngSize(t, filepath.Join(lat, "history_field_poles_60.png"))
	// Two runs together (here the same one twice): realizations 1-4.
	both := t.TempDir()
	rc, stdout, stderr = goft(t, "history", run, run, "-o", both)
	if rc != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, "realization 4: "+filepath.Join(run, "hipft_history_sol_r000002.out")) || strings.Count(stdout, "wrote") != len(names) {
		t.Errorf("stdout %q", stdout)
	}
	rc, stdout, _ = goft(t, "history", "-summary", run, run)
	if rc != 0 || !strings.Contains(stdout, "All 4 realizations") {
		t.Errorf("summary of two runs: rc %d\n%s", rc, stdout)
	}
	if rc, _, stderr = goft(t, "history", run, run); rc == 0 || !strings.Contains(stderr, "give the output folder with -o") {
		t.Errorf("two runs without -o: rc %d, %q", rc, stderr)
	}
}

// TestInfo checks goft info against the shared run's histories: the
// initial map's values are the step-0 line's, the final map's (float32)
// the last line's, printed to 6 digits. The final map's polar caps are
// left out: its float32 theta scale puts the row at 30 degrees on the
// other side of the cap limit than the run's float64 mesh did.
func TestInfo(t *testing.T) {
	run := sharedRun(t)
	initial, final := filepath.Join(run, "br_initial.h5"), filepath.Join(run, "hipft_brmap_final.h5")
	rc, stdout, stderr := goft(t, "info", initial, final)
	if rc != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, initial+": 2D map, ") || !strings.Contains(stdout, final+": 3D map of 2 realizations") {
		t.Fatalf("output %q", stdout)
	}
	var rows [][]string // the initial map's row, then the final map's
	for _, l := range strings.Split(stdout, "\n") {
		if f := strings.Fields(l); len(f) == 11 {
			if _, err := strconv.Atoi(f[0]); err == nil {
				rows = append(rows, f)
			}
		}
	}
	if len(rows) != 3 {
		t.Fatalf("want 3 realization rows in %q", stdout)
	}
	type column struct {
		name string
		col  int
		val  func(q *analysis.Quantities, i int) float64
	}
	cols := []column{
		{"BR_MIN", 1, func(q *analysis.Quantities, i int) float64 { return q.BrMin[i] }},
		{"BR_MAX", 2, func(q *analysis.Quantities, i int) float64 { return q.BrMax[i] }},
		{"FLUX_POS", 4, func(q *analysis.Quantities, i int) float64 { return q.FluxPos[i] }},
		{"FLUX_NEG", 5, func(q *analysis.Quantities, i int) float64 { return q.FluxNeg[i] }},
		{"AX_DIPOLE", 9, func(q *analysis.Quantities, i int) float64 { return q.AxDipole[i] }},
		{"EQ_DIPOLE", 10, func(q *analysis.Quantities, i int) float64 { return q.EqDipole[i] }},
		{"NPOLE_BR", 7, func(q *analysis.Quantities, i int) float64 { return q.NField[i] }},
		{"SPOLE_BR", 8, func(q *analysis.Quantities, i int) float64 { return q.SField[i] }},
	}
	// The whole sphere as a box: its flux is the map's, its area 4 pi Rs^2.
	rc, out, stderr := goft(t, "info", "-box", "-1,361,-1,181", initial)
	if rc != 0 || !strings.Contains(out, "box: longitude -1 to 361 deg") {
		t.Fatalf("goft info -box: rc %d\n%s%s", rc, out, stderr)
	}
	boxRows := 0
	for _, l := range strings.Split(out[strings.Index(out, "box:"):], "\n") {
		if f := strings.Fields(l); len(f) == 6 && f[0] == "1" {
			boxRows++
			pos, _ := strconv.ParseFloat(f[1], 64)
			area, _ := strconv.ParseFloat(f[5], 64)
			if want, _ := strconv.ParseFloat(rows[0][4], 64); math.Abs(pos-want) > 1e-6*want {
				t.Errorf("box positive flux %g, the map's %g", pos, want)
			}
			// All cells: the sum of HipFT's cell areas, which on this
			// 6-degree grid is 4 pi Rs^2 within 5e-4.
			mp, _ := psihdf.Read(initial)
			msh, err := mesh.New(mp.Scales[0], mp.Scales[1])
			if err != nil {
				t.Fatal(err)
			}
			var at, ap float64
			for _, a := range msh.AreaTheta {
				at += a
			}
			for _, a := range msh.AreaPhi[:msh.NPhiMain-1] {
				ap += a
			}
			if want := at * ap * mesh.RsunCm2; math.Abs(area-want) > 1e-6*want || math.Abs(area-4*math.Pi*mesh.RsunCm2) > 1e-3*area {
				t.Errorf("box area %g, want the sum of the cell areas %g (about 4 pi Rs^2)", area, want)
			}
		}
	}
	if boxRows != 1 {
		t.Errorf("%d box rows for realization 1 in\n%s", boxRows, out)
	}
	// A map on a staggered (flow) mesh: the grid and the value range only.
	flowMap := filepath.Join(t.TempDir(), "hipft_flow_vt_idx000001.h5")
	phi, theta := []float64{0, math.Pi, 2 * math.Pi}, []float64{-0.1, 0.1, math.Pi - 0.1, math.Pi + 0.1}
	if err := psihdf.Write(flowMap, &psihdf.Map{Dims: []int{3, 4}, Scales: [][]float64{phi, theta}, Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12}}, false); err != nil {
		t.Fatal(err)
	}
	rc, out, stderr = goft(t, "info", flowMap)
	if rc != 0 || !strings.Contains(out, "values from -12 to 11") || !strings.Contains(out, "no fluxes or dipoles") {
		t.Errorf("goft info on a flow map: rc %d\n%s%s", rc, out, stderr)
	}
	for k, f := range rows {
		r, line, use := k, -1, cols[:6]
		if k == 0 {
			r, line, use = 1, 0, cols
		}
		h, err := analysis.ReadHistory(filepath.Join(run, fmt.Sprintf("hipft_history_sol_r%06d.out", r)))
		if err != nil {
			t.Fatal(err)
		}
		q, err := analysis.HistoryQuantities(h)
		if err != nil {
			t.Fatal(err)
		}
		if line < 0 {
			line = h.Len() - 1
		}
		for _, c := range use {
			got, err := strconv.ParseFloat(f[c.col], 64)
			if err != nil {
				t.Fatal(err)
			}
			if want := c.val(q, line); math.Abs(got-want) > 2e-5*math.Abs(want) {
				t.Errorf("row %d (realization %d, history line %d) %s: %g, history's %g", k+1, r, line, c.name, got, want)
			}
		}
	}
}

// TestMapsHistory derives histories from the shared run's output maps and
// checks them against the run's own history lines at the maps' times
// (float32 maps: 1e-6), polar caps apart (see TestInfo); -pole-lat
// changes the caps.
func TestMapsHistory(t *testing.T) {
	run := sharedRun(t)
	out := t.TempDir()
	rc, stdout, stderr := goft(t, "maps-history", "-o", out, run)
	if rc != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, "polar caps 30 degrees") {
		t.Errorf("stdout %q", stdout)
	}
	list, err := output.ReadMapList(filepath.Join(run, analysis.MapListFile))
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 2; r++ {
		name := output.HistoryName("sol", r)
		got, err := analysis.ReadHistory(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		ref, err := analysis.ReadHistory(filepath.Join(run, name))
		if err != nil {
			t.Fatal(err)
		}
		if got.Len() != len(list) || len(list) < 3 {
			t.Fatalf("%s: %d lines for %d maps", name, got.Len(), len(list))
		}
		for i, e := range list {
			if got.Col("STEP")[i] != float64(e.Index) || got.Col("TIME")[i] != e.Time {
				t.Fatalf("%s line %d: STEP %v TIME %v, map %+v", name, i+1, got.Col("STEP")[i], got.Col("TIME")[i], e)
			}
			line := -1
			for k, tm := range ref.Col("TIME") {
				if tm == e.Time {
					line = k
				}
			}
			if line < 0 {
				t.Fatalf("the run's %s has no line at %g h", name, e.Time)
			}
			for _, c := range []string{"BR_MIN", "BR_MAX", "FLUX_POSITIVE", "FLUX_NEGATIVE", "AX_DIPOLE", "EQ_DIPOLE"} {
				g, w := got.Col(c)[i], ref.Col(c)[line]
				if math.Abs(g-w) > 1e-6*math.Abs(w) {
					t.Errorf("%s at %g h: %s %.10g, the run's %.10g", name, e.Time, c, g, w)
				}
			}
		}
	}
	wide := t.TempDir()
	if rc, _, stderr := goft(t, "maps-history", run, "-pole-lat", "60", "-o", wide); rc != 0 {
		t.Fatal(stderr)
	}
	a, _ := analysis.ReadHistory(filepath.Join(out, output.HistoryName("sol", 1)))
	b, err := analysis.ReadHistory(filepath.Join(wide, output.HistoryName("sol", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if b.Col("NPOLE_AREA")[0] <= 1.5*a.Col("NPOLE_AREA")[0] {
		t.Errorf("-pole-lat 60: north cap area %g, with 30 degrees %g", b.Col("NPOLE_AREA")[0], a.Col("NPOLE_AREA")[0])
	}
}

func TestHistorySummary(t *testing.T) {
	run := sharedRun(t)
	rc, stdout, stderr := goft(t, "history", "-summary", run)
	if rc != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{"hipft_history_sol_r000001.out", "hipft_history_sol_r000002.out", "All 2 realizations", "REALIZATION", "max(Br) (G)", "Valerr"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// The all-realization row of max(Br): the largest BR_MAX of the run.
	var largest float64
	for r := 1; r <= 2; r++ {
		h, err := analysis.ReadHistory(filepath.Join(run, output.HistoryName("sol", r)))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range h.Col("BR_MAX") {
			largest = math.Max(largest, v)
		}
	}
	all := stdout[strings.Index(stdout, "All 2 realizations"):]
	for _, l := range strings.Split(all, "\n") {
		// max(Br) (G) MIN REALIZATION MAX REALIZATION MEAN STDDEV
		if f := strings.Fields(l); len(f) == 8 && f[0] == "max(Br)" {
			got, err := strconv.ParseFloat(f[4], 64)
			if err != nil || math.Abs(got-largest) > 1e-6*largest {
				t.Errorf("max(Br) over all: %q, want %.6e", f[4], largest)
			}
			return
		}
	}
	t.Errorf("no max(Br) row for all realizations:\n%s", all)
}

func TestMovie(t *testing.T) {
	run := sharedRun(t)
	out := t.TempDir()
	gifPath, frames := filepath.Join(out, "m.gif"), filepath.Join(out, "frames")
	rc, stdout, stderr := goft(t, "movie", run, "-r", "1-2", "-o", gifPath, "-frames", frames, "-start", "2024-05-01T00:00:00")
	if rc != 0 {
		t.Fatal(stderr)
	}
	list, err := output.ReadMapList(filepath.Join(run, analysis.MapListFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(gifPath)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != len(list) || len(list) < 3 {
		t.Fatalf("%d frames for %d maps", len(g.Image), len(list))
	}
	pngs, _ := filepath.Glob(filepath.Join(frames, "frame_*.png"))
	if len(pngs) != len(list) {
		t.Fatalf("%d PNG frames for %d maps", len(pngs), len(list))
	}
	// Two panels side by side, as goft plot -r 1-2 draws them.
	if w, _ := pngSize(t, pngs[0]); w != 2*640+120 || g.Image[0].Bounds().Dx() != w {
		t.Errorf("frame width %d (GIF %d), want %d", w, g.Image[0].Bounds().Dx(), 2*640+120)
	}
	if !strings.Contains(stdout, fmt.Sprintf("%d frames", len(list))) {
		t.Errorf("stdout %q", stdout)
	}
	// Every other map, the last one always: maps 1, 3, ..., and the last.
	rc, stdout, stderr = goft(t, "movie", run, "-every", "2", "-o", filepath.Join(out, "e.gif"))
	if want := (len(list)+1)/2 + (len(list)+1)%2; rc != 0 || !strings.Contains(stdout, fmt.Sprintf("(%d frames", want)) {
		t.Errorf("-every 2 over %d maps: rc %d, %q %q, want %d frames", len(list), rc, stdout, stderr, want)
	}
}

func TestDiff(t *testing.T) {
	run := sharedRun(t)
	out := t.TempDir()
	a := filepath.Join(run, "hipft_brmap_final.h5")
	b := filepath.Join(run, "hipft_brmap_initial.h5")
	dh5, dpng := filepath.Join(out, "d.h5"), filepath.Join(out, "d.png")
	rc, stdout, stderr := goft(t, "diff", a, b, "-o", dh5, "-png", dpng)
	if rc != 0 {
		t.Fatal(stderr)
	}
	ma, _ := psihdf.Read(a)
	mb, _ := psihdf.Read(b)
	d, err := psihdf.Read(dh5)
	if err != nil {
		t.Fatal(err)
	}
	var sq [2]float64
	n := ma.Dims[0] * ma.Dims[1]
	for i := range ma.Data {
		x := ma.Data[i] - mb.Data[i]
		if math.Abs(d.Data[i]-x) > 1e-5*(1+math.Abs(x)) {
			t.Fatalf("difference map at %d: %g, want %g", i, d.Data[i], x)
		}
		sq[i/n] += x * x
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 4 || !strings.Contains(lines[0], "RMSD") || !strings.HasPrefix(strings.TrimSpace(lines[3]), "all") {
		t.Fatalf("output %q", stdout)
	}
	for r := 1; r <= 2; r++ {
		f := strings.Fields(lines[r])
		rmsd, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		want := math.Sqrt(sq[r-1] / float64(n))
		if want == 0 || math.Abs(rmsd-want) > 1e-6*want {
			t.Errorf("r%d RMSD %g, want %g", r, rmsd, want)
		}
	}
	if w, _ := pngSize(t, dpng); w != 2*640+120 {
		t.Errorf("difference image width %d", w)
	}
	// A map against itself.
	_, stdout, _ = goft(t, "diff", a, a)
	if !strings.Contains(stdout, "0.000000e+00  0.000000e+00  0.000000e+00") {
		t.Errorf("self-difference not zero: %q", stdout)
	}
}

func TestRealizationExtractPack(t *testing.T) {
	run := sharedRun(t)
	final := filepath.Join(run, "hipft_brmap_final.h5")
	out := t.TempDir()
	t.Chdir(out)
	rc, stdout, stderr := goft(t, "realization", "extract", final)
	if rc != 0 {
		t.Fatal(stderr)
	}
	parts := []string{"hipft_brmap_final_r000001.h5", "hipft_brmap_final_r000002.h5"}
	orig, _ := psihdf.Read(final)
	size := orig.Dims[0] * orig.Dims[1]
	for r, p := range parts {
		if !strings.Contains(stdout, p) {
			t.Errorf("stdout %q lacks %s", stdout, p)
		}
		m, err := psihdf.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Dims) != 2 || !m.Float32 {
			t.Errorf("%s: dims %v, float32 %v", p, m.Dims, m.Float32)
		}
		for i, v := range m.Data {
			if v != orig.Data[size*r+i] {
				t.Fatalf("%s differs at %d", p, i)
			}
		}
	}
	if rc, _, stderr = goft(t, "realization", "pack", parts[0], parts[1]); rc != 0 {
		t.Fatal(stderr)
	}
	back, err := psihdf.Read("hipft_brmap_final.h5")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Dims) != 3 || back.Dims[2] != 2 || back.Scales[2][1] != 2 {
		t.Fatalf("packed dims %v scales %v", back.Dims, back.Scales[2])
	}
	for i := range orig.Data {
		if back.Data[i] != orig.Data[i] {
			t.Fatalf("round trip differs at %d", i)
		}
	}
	// One realization under a chosen name; pack in reverse order keeps the
	// numbers from the names.
	if rc, _, stderr = goft(t, "realization", "extract", "-r", "2", "-o", "second.h5", final); rc != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat("second.h5"); err != nil {
		t.Fatal(err)
	}
	if rc, _, stderr = goft(t, "realization", "pack", "-o", "rev.h5", parts[1], parts[0]); rc != 0 {
		t.Fatal(stderr)
	}
	rev, _ := psihdf.Read("rev.h5")
	if rev.Scales[2][0] != 2 || rev.Data[0] != orig.Data[size] {
		t.Errorf("reverse pack: scale %v", rev.Scales[2])
	}
}

func TestReport(t *testing.T) {
	run := sharedRun(t)
	out := filepath.Join(t.TempDir(), "r.html")
	rc, stdout, stderr := goft(t, "report", "-o", out, "-sat", "20", run)
	if rc != 0 {
		t.Fatal(stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// 8 history plots, initial and final maps, the strip of output maps.
	if n := strings.Count(string(b), "data:image/png;base64,"); n != 11 {
		t.Errorf("%d images in the report, want 11", n)
	}
	if !strings.Contains(stdout, out) || stderr != "" {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
}

func TestHelpExplainsEveryFlag(t *testing.T) {
	rc, stdout, _ := goft(t, "help")
	if rc != 0 {
		t.Fatal("goft help failed")
	}
	for _, c := range []string{"plot", "butterfly", "history", "diff", "realization", "report"} {
		if !strings.Contains(stdout, "goft "+c) {
			t.Errorf("goft help lacks %s", c)
		}
	}
	for _, tc := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"plot", "-h"}, []string{"-o", "-sat", "-sinlat", "-r", "-title", "-cols", "-width"}},
		{[]string{"butterfly", "-h"}, []string{"-o", "-sat", "-sinlat", "-start", "-single"}},
		{[]string{"history", "-h"}, []string{"-o", "-start"}},
		{[]string{"diff", "-h"}, []string{"-o", "-png", "-sat", "HHABS"}},
		{[]string{"realization", "-h"}, []string{"extract", "pack"}},
		{[]string{"realization", "extract", "-h"}, []string{"-r", "-o"}},
		{[]string{"realization", "pack", "-h"}, []string{"-o"}},
		{[]string{"report", "-h"}, []string{"-o", "-sat", "-start", "-sinlat"}},
		{[]string{"help", "plot"}, []string{"-sat"}},
	} {
		rc, stdout, stderr := goft(t, tc.args...)
		if rc != 0 {
			t.Errorf("goft %v: rc %d", tc.args, rc)
		}
		text := stdout + stderr
		for _, f := range tc.flags {
			if !strings.Contains(text, f) {
				t.Errorf("goft %v does not explain %s:\n%s", tc.args, f, text)
			}
		}
	}
}

// TestCompare checks goft compare on HipFT's histories of an option case
// (hipft/run/testdata/hipft_options/strang): against a copy of themselves every
// realization passes with identical numbers; a last-line BR_MAX changed in
// its sixth digit fails the rule at the default precision (6) but passes
// at 3 (the rule's P+3 characters of a positive value hold P+1 decimals),
// and a missing run folder is named.
// TestCompareMaps compares the shared run with a copy whose final map has
// one changed value, and reads a HipFT-style parameters dump whose
// strings are padded with blanks, as gfortran writes them.
func TestCompareMaps(t *testing.T) {
	run := sharedRun(t)
	cp := t.TempDir()
	err := filepath.WalkDir(run, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(run, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(cp, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == analysis.ParametersFile {
			b = bytes.Replace(b, []byte(`"hipft_brmap"`), []byte(`"hipft_brmap`+strings.Repeat(" ", 501)+`"`), 1)
		}
		return os.WriteFile(filepath.Join(cp, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(cp, "hipft_brmap_final.h5")
	m, err := psihdf.Read(final)
	if err != nil {
		t.Fatal(err)
	}
	m.Data[17] += 0.5
	if err := psihdf.Write(final, m, m.Float32); err != nil {
		t.Fatal(err)
	}
	rc, stdout, stderr := goft(t, "compare", "-maps", run, cp)
	if rc != 0 {
		t.Fatalf("rc %d\n%s%s", rc, stdout, stderr)
	}
	var rows int
	for _, l := range strings.Split(stdout, "\n") {
		f := strings.Fields(l)
		if len(f) != 3 || !strings.HasSuffix(f[0], ".h5") {
			continue
		}
		rows++
		want := "0"
		if f[0] == "hipft_brmap_final.h5" {
			want = "0.5"
		}
		if f[1] != want {
			t.Errorf("%s: largest difference %s, want %s", f[0], f[1], want)
		}
	}
	list, _ := output.ReadMapList(filepath.Join(run, analysis.MapListFile))
	if rows != len(list)+2 {
		t.Errorf("%d map rows, want %d (initial, %d listed, final):\n%s", rows, len(list)+2, len(list), stdout)
	}
}

func TestCompare(t *testing.T) {
	ref := filepath.Join("..", "..", "hipft", "run", "testdata", "hipft_options", "strang", "reference")
	run := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(ref, "hipft_history_*.out"))
	if len(files) != 3 {
		t.Fatalf("%d history files in %s", len(files), ref)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc, stdout, stderr := goft(t, "compare", ref, run)
	if rc != 0 || strings.Count(stdout, "PASS") != 2 || strings.Count(stdout, "identical numbers") != 3 {
		t.Fatalf("identical runs: rc %d\n%s%s", rc, stdout, stderr)
	}
	// BR_MAX (field 3) of realization 2's last line, 3.3571793066051750E+001
	// or so, gets a changed sixth digit.
	p := filepath.Join(run, "hipft_history_sol_r000002.out")
	b, _ := os.ReadFile(p)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	f := strings.Fields(lines[len(lines)-1])
	v, err := strconv.ParseFloat(f[3], 64)
	if err != nil {
		t.Fatal(err)
	}
	f[3] = strconv.FormatFloat(v*(1+3e-6), 'E', 15, 64)
	lines[len(lines)-1] = strings.Join(f, "  ")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, stdout, stderr = goft(t, "compare", ref, run)
	if rc == 0 || !strings.Contains(stderr, "1 of 2 realizations fail HipFT's rule at precision 6") ||
		!strings.Contains(stdout, "hipft_history_sol_r000002.out: BR_MAX: reference") {
		t.Fatalf("changed BR_MAX: rc %d\n%s%s", rc, stdout, stderr)
	}
	if rc, stdout, stderr = goft(t, "compare", "-p", "3", ref, run); rc != 0 {
		t.Fatalf("precision 3: rc %d\n%s%s", rc, stdout, stderr)
	}
	missing := filepath.Join(run, "nothing")
	if rc, _, stderr = goft(t, "compare", missing, run); rc == 0 || !strings.Contains(stderr, missing) {
		t.Fatalf("missing folder: rc %d, %s", rc, stderr)
	}
}

// TestPlotFlowMaps draws HipFT's flow maps (the output_flows option case's
// reference, on the staggered meshes with ghost points): they are
// accepted and labelled in m/s.
func TestPlotFlowMaps(t *testing.T) {
	dir := filepath.Join("..", "..", "hipft", "run", "testdata", "hipft_options", "output_flows", "reference", "output_flows")
	for _, name := range []string{"hipft_flow_vt_idx000002.h5", "hipft_flow_vp_idx000003.h5"} {
		out := filepath.Join(t.TempDir(), "flow.png")
		rc, stdout, stderr := goft(t, "plot", filepath.Join(dir, name), "-o", out)
		if rc != 0 || !strings.Contains(stdout, " m/s)") {
			t.Fatalf("%s: rc %d\n%s%s", name, rc, stdout, stderr)
		}
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Fatalf("%s: no image: %v", name, err)
		}
	}
}
