package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/post/analysis"
)

const mapprepFixtures = "../../stage/mapprep/testdata"

func TestMapprepUsage(t *testing.T) {
	dir := t.TempDir()
	m := filepath.Join(dir, "m.h5")
	o := filepath.Join(dir, "o.h5")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no map", []string{"mapprep", "-o", o}, "got 0 arguments"},
		{"two maps", []string{"mapprep", "-o", o, m, m}, "got 2 arguments"},
		{"no -o", []string{"mapprep", m}, "-o OUT.h5 is required"},
		{"bad np", []string{"mapprep", "-np", "2", "-o", o, m}, "at least 3 points"},
		{"bad res", []string{"mapprep", "-res", "0", "-o", o, m}, "-res"},
		{"res and np", []string{"mapprep", "-res", "2", "-np", "181", "-o", o, m}, "-res excludes"},
		{"template and nt", []string{"mapprep", "-template", m, "-nt", "91", "-o", o, m}, "-template excludes"},
		{"noremap and np", []string{"mapprep", "-noremap", "-np", "91", "-o", o, m}, "-noremap excludes"},
		{"bad mfac", []string{"mapprep", "-mfac", "0", "-o", o, m}, "-mfac"},
		{"bad smoothfac", []string{"mapprep", "-smoothfac", "-1", "-o", o, m}, "-smoothfac"},
		{"smoothfac and nosmooth", []string{"mapprep", "-smoothfac", "1", "-nosmooth", "-o", o, m}, "exclude each other"},
		{"wsa without remap", []string{"mapprep", "-wsa", "-noremap", "-o", o, m}, "-wsa needs the remap"},
		{"proj without fits", []string{"mapprep", "-proj", "car", "-o", o, m}, "go with -fits"},
		{"bad proj", []string{"mapprep", "-fits", "-proj", "merc", "-o", o, m}, "unknown projection"},
		{"overwrite for a map", []string{"mapprep", "-overwrite", "-o", o, m}, "goes with a run folder"},
		{"unknown flag", []string{"mapprep", "-foo", m}, "not defined"},
	} {
		rc, _, stderr := goft(t, tc.args...)
		if rc != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "usage: goft mapprep") {
			t.Errorf("%s: exit %d, stderr %q; want 2 with the usage and %q", tc.name, rc, stderr, tc.want)
		}
	}
	if rc, stdout, _ := goft(t, "mapprep", "-h"); rc != 0 || !strings.Contains(stdout, "-smoothfac") {
		t.Errorf("mapprep -h: exit %d, stdout %q", rc, stdout)
	}
	// A missing file is a failure naming it, not a usage error.
	if rc, _, stderr := goft(t, "mapprep", "-o", o, m); rc != 1 || !strings.Contains(stderr, "m.h5") {
		t.Errorf("missing map: exit %d, stderr %q", rc, stderr)
	}
	if rc, _, stderr := goft(t, "mapprep", "-template", m, "-o", o, filepath.Join(mapprepFixtures, "input_121x61.h5")); rc != 1 || !strings.Contains(stderr, "-template") {
		t.Errorf("missing template: exit %d, stderr %q", rc, stderr)
	}
}

// TestMapprepMap processes the fixture map with the script's options and
// checks the files against psi_map_prep.py's (stage/mapprep's tests
// compare the values; here the command's plumbing).
func TestMapprepMap(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "p.h5")
	rc, stdout, stderr := goft(t, "mapprep", "-np", "91", "-nt", "46", "-wsa", "-fits", "-proj", "car", "-o", out, filepath.Join(mapprepFixtures, "input_121x61.h5"))
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, stderr)
	}
	for _, want := range []string{"p.h5 (91 x 46 points, single precision", "p_wsa.h5 (90 x 45 points, double precision", "p.fits (CAR 90x45)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	for _, pair := range [][2]string{{"p.h5", "default_91x46.h5"}, {"p_wsa.h5", "wsa_90x45.h5"}} {
		got, err := psihdf.Read(filepath.Join(dir, pair[0]))
		if err != nil {
			t.Fatal(err)
		}
		want, err := psihdf.Read(filepath.Join(mapprepFixtures, pair[1]))
		if err != nil {
			t.Fatal(err)
		}
		if got.Float32 != want.Float32 || len(got.Data) != len(want.Data) {
			t.Fatalf("%s: single %v, %d values; the script's %v, %d", pair[0], got.Float32, len(got.Data), want.Float32, len(want.Data))
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "p.fits"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("SIMPLE  =")) || !bytes.Contains(b[:2880*4], []byte("CRLN-CAR")) {
		t.Errorf("p.fits is not a FITS file with a CAR WCS")
	}
}

// TestMapprepRun processes a run's maps into a folder, as oftswa.py does
// (processed maps and the WSA data set, named as the run's maps), and
// refuses to replace it without -overwrite.
func TestMapprepRun(t *testing.T) {
	run := sharedRun(t)
	maps, err := (&analysis.RunFiles{Dir: run, MapDir: "output_maps", MapRoot: "hipft_brmap"}).OutputMaps()
	if err != nil {
		t.Fatal(err)
	}
	in, err := psihdf.Read(maps[len(maps)-1].Path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pm")
	args := []string{"mapprep", "-res", "6", "-smoothfac", "1", "-wsa", "-fits", "-start", "2024-01-01", "-o", out, run}
	rc, stdout, stderr := goft(t, args...)
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, stderr)
	}
	if !strings.Contains(stdout, "processed the") {
		t.Errorf("stdout %q", stdout)
	}
	for _, om := range maps {
		base := filepath.Base(om.Path)
		p, err := psihdf.Read(filepath.Join(out, base))
		if err != nil {
			t.Fatal(err)
		}
		w, err := psihdf.Read(filepath.Join(out+"_wsa", base))
		if err != nil {
			t.Fatal(err)
		}
		if p.Dims[0] != 61 || p.Dims[1] != 31 || w.Dims[0] != 60 || w.Dims[1] != 30 {
			t.Errorf("%s: processed %v, WSA %v; want 61 x 31 and 60 x 30 points", base, p.Dims, w.Dims)
		}
		// The FITS beside each processed map: a cube of the realizations
		// (NAXIS3) with the map's date.
		b, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(base, ".h5")+".fits"))
		if err != nil {
			t.Fatal(err)
		}
		hdr := string(b[:min(len(b), 2880*4)])
		if !strings.Contains(hdr, "DATE-OBS= '2024-01-") || !strings.Contains(hdr, "CRLN-CEA") || strings.Contains(hdr, "NAXIS3") != (len(in.Dims) == 3 && in.Dims[2] > 1) {
			t.Errorf("%s's FITS header lacks the date, the CEA WCS or the realization axis", base)
		}
		if len(in.Dims) == 3 && (len(p.Dims) != 3 || p.Dims[2] != in.Dims[2] || len(w.Dims) != 3 || w.Dims[2] != in.Dims[2]) {
			t.Errorf("%s: processed %v, WSA %v; want the run's %d realizations", base, p.Dims, w.Dims, in.Dims[2])
		}
	}
	// The processed maps' histories: one file per realization, a line per map.
	nr := 1
	if len(in.Dims) == 3 {
		nr = in.Dims[2]
	}
	for r := 1; r <= nr; r++ {
		b, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("hipft_history_sol_r%06d.out", r)))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "\n"); n != len(maps)+1 {
			t.Errorf("realization %d's history has %d lines, want a header and %d maps", r, n, len(maps))
		}
	}
	rc, _, stderr = goft(t, args...)
	if rc != 1 || !strings.Contains(stderr, "-overwrite") {
		t.Errorf("second run without -overwrite: exit %d, stderr %q", rc, stderr)
	}
	if rc, _, stderr = goft(t, append([]string{"mapprep", "-overwrite"}, args[1:]...)...); rc != 0 {
		t.Errorf("with -overwrite: exit %d, stderr %q", rc, stderr)
	}
}
