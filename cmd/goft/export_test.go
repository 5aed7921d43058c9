package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/stage/export"
)

func TestExportUsage(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.h5")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no map", []string{"export", "-o", "x.fits"}, "got 0 arguments"},
		{"two maps", []string{"export", "-o", "x.fits", m, m}, "got 2 arguments"},
		{"no -o", []string{"export", m}, "-o OUT.fits is required"},
		{"bad proj", []string{"export", "-proj", "merc", "-o", "x.fits", m}, "unknown projection"},
		{"bad nlon", []string{"export", "-nlon", "0", "-o", "x.fits", m}, "grid of 0 x 180"},
		{"bad nlat", []string{"export", "-nlat", "1", "-o", "x.fits", m}, "grid of 360 x 1"},
		{"bad -r", []string{"export", "-r", "-1", "-o", "x.fits", m}, "numbered from 1"},
		{"-r and -all", []string{"export", "-r", "1", "-all", "-o", "x.fits", m}, "exclude each other"},
		{"bad start", []string{"export", "-start", "May 1", "-o", "x.fits", m}, "is not a date"},
		{"unknown flag", []string{"export", "-foo", m}, "not defined"},
		{"bad int", []string{"export", "-nlon", "x", m}, "invalid value"},
	} {
		rc, _, stderr := goft(t, tc.args...)
		if rc != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "usage: goft export") {
			t.Errorf("%s: exit %d, stderr %q; want 2 with the usage and %q", tc.name, rc, stderr, tc.want)
		}
	}
	// Help goes to stdout with 0.
	if rc, stdout, _ := goft(t, "export", "-h"); rc != 0 || !strings.Contains(stdout, "-proj") {
		t.Errorf("export -h: exit %d, stdout %q", rc, stdout)
	}
	// A missing file is a failure, not a usage error.
	if rc, _, stderr := goft(t, "export", "-o", filepath.Join(dir, "x.fits"), m); rc != 1 || !strings.Contains(stderr, "m.h5") {
		t.Errorf("missing map: exit %d, stderr %q", rc, stderr)
	}
}

func TestExportMap(t *testing.T) {
	run := sharedRun(t)
	maps, err := (&analysis.RunFiles{Dir: run, MapDir: "output_maps", MapRoot: "hipft_brmap"}).OutputMaps()
	if err != nil {
		t.Fatal(err)
	}
	om := maps[len(maps)-1]
	m, err := analysis.ReadMap(om.Path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := analysis.Summarize(m, 30)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A map of two realizations needs -r or -all.
	if rc, _, stderr := goft(t, "export", "-o", filepath.Join(dir, "x.fits"), om.Path); rc != 1 || !strings.Contains(stderr, "-all") {
		t.Errorf("3D map without -r: exit %d, stderr %q", rc, stderr)
	}
	if rc, _, stderr := goft(t, "export", "-r", "3", "-o", filepath.Join(dir, "x.fits"), om.Path); rc != 1 || !strings.Contains(stderr, "realization 3 does not exist") {
		t.Errorf("-r 3: exit %d, stderr %q", rc, stderr)
	}
	cube := filepath.Join(dir, "cube.fits")
	rc, stdout, stderr := goft(t, "export", "-proj", "car", "-nlon", "72", "-nlat", "36", "-all", "-start", "2024-05-01T00:00:00Z", "-o", cube, om.Path)
	if rc != 0 {
		t.Fatalf("export -all: exit %d: %s", rc, stderr)
	}
	if !strings.Contains(stdout, "a cube of 2 realizations, CAR 72x36") {
		t.Errorf("stdout %q", stdout)
	}
	img, err := fits.ReadFile(cube)
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Dims) != 3 || img.Dims[0] != 72 || img.Dims[1] != 36 || img.Dims[2] != 2 {
		t.Fatalf("cube dims %v", img.Dims)
	}
	// The map's time comes from the run's map list.
	if v, _ := img.Header.Get("SIMTIME"); v != om.Time {
		t.Errorf("SIMTIME = %v, want the listed %v", v, om.Time)
	}
	if v, _ := img.Header.Get("CTYPE2"); v != "CRLT-CAR" {
		t.Errorf("CTYPE2 = %v", v)
	}
	g := export.Grid{Proj: export.CAR, NLon: 72, NLat: 36}
	for r := 0; r < 2; r++ {
		got := export.GridFlux(g, img.Data[72*36*r:72*36*(r+1)]) * mesh.RsunCm2
		st := s.Stats[r]
		if d := math.Abs(got - (st.FluxPos + st.FluxNeg)); d > 1e-6*(st.FluxPos-st.FluxNeg) {
			t.Errorf("realization %d: file's net flux %v Mx, goft info's %v", r+1, got, st.FluxPos+st.FluxNeg)
		}
	}
	one := filepath.Join(dir, "r2.fits")
	if rc, _, stderr := goft(t, "export", "-r", "2", "-float64", "-o", one, om.Path); rc != 0 {
		t.Fatalf("export -r 2: %s", stderr)
	}
	img, err = fits.ReadFile(one)
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Dims) != 2 || !img.Float64 || img.Dims[0] != 360 || img.Dims[1] != 180 {
		t.Errorf("-r 2 -float64: dims %v float64 %v", img.Dims, img.Float64)
	}
	if v, _ := img.Header.Get("REALIZ"); v != 2 {
		t.Errorf("REALIZ = %v", v)
	}
	if v, _ := img.Header.Get("CTYPE1"); v != "CRLN-CEA" {
		t.Errorf("default projection: CTYPE1 = %v", v)
	}
	if _, ok := img.Header.Get("DATE-OBS"); ok {
		t.Errorf("DATE-OBS written without -start")
	}
	st := s.Stats[1]
	got := export.GridFlux(export.Grid{Proj: export.CEA, NLon: 360, NLat: 180}, img.Data) * mesh.RsunCm2
	if d := math.Abs(got - (st.FluxPos + st.FluxNeg)); d > 1e-12*(st.FluxPos-st.FluxNeg) {
		t.Errorf("-float64: file's net flux %v Mx, goft info's %v", got, st.FluxPos+st.FluxNeg)
	}
}

func TestExportRun(t *testing.T) {
	run := sharedRun(t)
	out := filepath.Join(t.TempDir(), "fits")
	rc, stdout, stderr := goft(t, "export", "-all", "-nlon", "36", "-nlat", "18", "-start", "2024-01-01", "-o", out, run)
	if rc != 0 {
		t.Fatalf("export RUN_DIR: exit %d: %s", rc, stderr)
	}
	maps, err := (&analysis.RunFiles{Dir: run, MapDir: "output_maps", MapRoot: "hipft_brmap"}).OutputMaps()
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(stdout, "goft export: wrote"); n != len(maps) {
		t.Errorf("wrote %d files for %d listed maps", n, len(maps))
	}
	for _, om := range maps {
		name := strings.TrimSuffix(filepath.Base(om.Path), ".h5") + ".fits"
		img, err := fits.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := img.Header.Get("SIMTIME"); v != om.Time {
			t.Errorf("%s: SIMTIME %v, want %v", name, v, om.Time)
		}
	}
	// A folder that is not a run.
	empty := t.TempDir()
	if rc, _, stderr := goft(t, "export", "-o", filepath.Join(empty, "o"), empty); rc != 1 || !strings.Contains(stderr, analysis.MapListFile) {
		t.Errorf("not a run: exit %d, stderr %q", rc, stderr)
	}
	if _, err := os.Stat(filepath.Join(empty, "o")); err == nil {
		t.Errorf("output folder made for a folder that is not a run")
	}
}
