package run

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/stage/export"
)

// fitsCard returns the 80-character card of keyword key in the FITS
// header at the start of b ("" if absent).
func fitsCard(b []byte, key string) string {
	for i := 0; i+80 <= len(b); i += 80 {
		c := string(b[i : i+80])
		if strings.HasPrefix(c, fmt.Sprintf("%-8s", key)) {
			return c
		}
		if strings.HasPrefix(c, "END     ") {
			break
		}
	}
	return ""
}

// TestOutputMapFITS checks goft's extension goft_output_map_fits: every
// output map gets a FITS file beside it, equal to goft export's of the
// map file (CEA, one cell per mesh interval, a cube for realizations), and
// the parameter dump names the extension only when it is set (so HipFT
// reads the dump of a run without it).
func TestOutputMapFITS(t *testing.T) {
	for _, tc := range []struct {
		extra string
		cube  bool
	}{
		{" output_map_time_cadence = 5.0\n goft_output_map_fits = .true.\n validation_run = 1\n", false},
		{" output_map_time_cadence = 5.0\n goft_output_map_fits = .true.\n n_realizations = 2\n diffusion_coef_constants = 100, 200\n validation_run = 1\n", true},
		{" output_map_time_cadence = 5.0\n", false},
	} {
		on := strings.Contains(tc.extra, "goft_output_map_fits")
		dir, err := runSmall(t, tc.extra, false)
		if err != nil {
			t.Fatal(err)
		}
		used, err := os.ReadFile(filepath.Join(dir, "hipft_run_parameters_used.out"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(used), "GOFT_OUTPUT_MAP_FITS=T"); got != on {
			t.Errorf("%q: the parameter dump names goft_output_map_fits: %v, want %v", tc.extra, got, on)
		}
		list, err := output.ReadMapList(filepath.Join(dir, "hipft_output_map_list.out"))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("%q: %d maps listed, want 3", tc.extra, len(list))
		}
		for _, e := range list {
			h5 := filepath.Join(dir, "output_maps", e.Name)
			name := strings.TrimSuffix(h5, ".h5") + ".fits"
			b, err := os.ReadFile(name)
			if !on {
				if err == nil {
					t.Errorf("%q: %s written without goft_output_map_fits", tc.extra, name)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := psihdf.Read(h5)
			if err != nil {
				t.Fatal(err)
			}
			nonZero := false
			for _, v := range m.Data {
				nonZero = nonZero || v != 0
			}
			if !nonZero {
				t.Fatalf("%s: the test map is all zero", e.Name)
			}
			img, _, err := export.Image(m, export.Options{Grid: export.Grid{Proj: export.CEA, NLon: 40, NLat: 20}, TimeHours: e.Time, HasTime: true,
				Source: e.Name, Creator: "goft run (HipFT " + HipFTVersion + " compatible)"})
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := fits.Encode(&want, img); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want.Bytes()) {
				t.Errorf("%s differs from goft export's CEA 40 x 20 of %s", name, e.Name)
			}
			if c := fitsCard(b, "CTYPE1"); !strings.Contains(c, "CRLN-CEA") {
				t.Errorf("%s: CTYPE1 card %q", name, c)
			}
			if c := fitsCard(b, "NAXIS3"); (c != "") != tc.cube {
				t.Errorf("%s: NAXIS3 card %q, want a cube: %v", name, c, tc.cube)
			}
		}
	}
}

// TestOutputMapFITSParts checks that a run split over processes refuses
// goft_output_map_fits, naming the parameter and what to do.
func TestOutputMapFITSParts(t *testing.T) {
	in := "&hipft_input_parameters\n res_nt = 21\n res_np = 41\n n_realizations = 2\n goft_output_map_fits = .true.\n/\n"
	p, err := input.ParseWith(strings.NewReader(in), "hipft.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(p, Options{Dir: t.TempDir(), Part: &Part{Rank: 0, Ranks: 2}})
	if err == nil || !strings.Contains(err.Error(), "goft_output_map_fits") || !strings.Contains(err.Error(), "goft export") {
		t.Errorf("error %v, want one naming goft_output_map_fits and goft export", err)
	}
}
