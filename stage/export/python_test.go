package export

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/datadir"
	"github.com/goft-sft/goft/post/analysis"
)

// checkExitSkip is the exit status of testdata/sunpy_check.py when it
// cannot import sunpy.map and astropy.
const checkExitSkip = 77

// runSunpyCheck runs testdata/sunpy_check.py on spec with Debian's
// /usr/bin/python3 (python3-sunpy, python3-astropy), else with python3 on
// PATH, and skips t when neither imports sunpy.map and astropy. home
// receives sunpy's, astropy's and matplotlib's caches.
func runSunpyCheck(t *testing.T, spec, home string) string {
	t.Helper()
	var tried []string
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		cmd := exec.Command(py, filepath.Join("testdata", "sunpy_check.py"), spec)
		cmd.Env = append(os.Environ(), "MPLCONFIGDIR="+home, "HOME="+home)
		out, err := cmd.CombinedOutput()
		if err == nil {
			return string(out)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == checkExitSkip || errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			tried = append(tried, py+": "+strings.TrimSpace(string(out)+" "+err.Error()))
			continue
		}
		t.Fatalf("sunpy check (%s) failed: %v\n%s", py, err, out)
	}
	t.Skipf("skipping the sunpy check: no Python imports sunpy.map and astropy (apt-get install python3-sunpy python3-astropy): %s", strings.Join(tried, "; "))
	return ""
}

// fileSpec is one entry of the JSON spec testdata/sunpy_check.py reads.
type fileSpec struct {
	Path     string       `json:"path"`
	Proj     string       `json:"proj"`
	NLon     int          `json:"nlon"`
	NLat     int          `json:"nlat"`
	Date     string       `json:"date"`
	Pixels   [][4]float64 `json:"pixels"`
	Flux     []float64    `json:"flux"`
	Unsigned []float64    `json:"unsigned"`
}

// TestSunpyReadsExport writes CAR and CEA files and a CEA cube and has
// sunpy and astropy check them (testdata/sunpy_check.py): coordinates of
// chosen pixels against goft's grid to 1e-6 degree, date, unit, the net
// flux with sunpy's pixel areas against goft's to 1e-6 of the unsigned
// flux, WCS loading without warnings, and sunkit-magex's PFSS input checks
// for CEA.
func TestSunpyReadsExport(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	type job struct {
		name string
		m    *psihdf.Map
		opt  Options
	}
	synth := testMap(2)
	jobs := []job{
		{"synth_car.fits", synth, Options{Grid: Grid{CAR, 180, 90}, Realization: 1, Start: start, TimeHours: 30.5, HasTime: true}},
		{"synth_cea.fits", synth, Options{Grid: Grid{CEA, 360, 180}, Realization: 2, Start: start}},
		{"synth_cube_cea.fits", synth, Options{Grid: Grid{CEA, 90, 45}, Start: start, TimeHours: 1, HasTime: true, Float64: true}},
	}
	if mdir, ok := datadir.Maps(); ok {
		m, err := analysis.ReadMap(filepath.Join(mdir, "hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5"))
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs,
			job{"hmi_cea.fits", m, Options{Grid: Grid{CEA, 360, 180}, Start: start}},
			job{"hmi_car.fits", m, Options{Grid: Grid{CAR, 720, 360}, Start: start}})
	} else {
		t.Log("real maps not found (GOFT_MAPS): synthetic maps only")
	}
	var specs []fileSpec
	for _, j := range jobs {
		img, fluxes, err := Image(j.m, j.opt)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, j.name)
		if err := fits.WriteFile(path, img); err != nil {
			t.Fatal(err)
		}
		g := j.opt.Grid
		date, _ := img.Header.Get("DATE-OBS")
		s := fileSpec{Path: path, Proj: g.Proj.String(), NLon: g.NLon, NLat: g.NLat, Date: date.(string), Flux: fluxes}
		for _, ij := range [][2]int{{0, 0}, {g.NLon - 1, g.NLat - 1}, {g.NLon / 2, g.NLat / 2}, {g.NLon / 3, 1}, {5, g.NLat - 2}, {g.NLon - 1, 0}} {
			lon, lat := g.CellCenter(ij[0], ij[1])
			s.Pixels = append(s.Pixels, [4]float64{float64(ij[0]), float64(ij[1]), lon, lat})
		}
		r, err := NewRemapper(j.m.Scales[0], j.m.Scales[1], g)
		if err != nil {
			t.Fatal(err)
		}
		n := j.m.Dims[0] * j.m.Dims[1]
		reals := []int{max(j.opt.Realization, 1)}
		if j.opt.Realization == 0 && len(j.m.Dims) == 3 {
			reals = nil
			for k := 1; k <= analysis.Realizations(j.m); k++ {
				reals = append(reals, k)
			}
		}
		for _, k := range reals {
			s.Unsigned = append(s.Unsigned, unsignedMeshFlux(r, j.m.Data[n*(k-1):n*k]))
		}
		specs = append(specs, s)
	}
	b, err := json.Marshal(specs)
	if err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(spec, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runSunpyCheck(t, spec, dir)
	t.Logf("%s", out)
	if got := strings.Count("\n"+out, "\nok "); got != len(specs) {
		t.Errorf("sunpy check reported %d files ok, want %d", got, len(specs))
	}
}
