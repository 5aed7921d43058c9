package run

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/model/field"
)

func smallRun(t *testing.T, extra string) (*Run, string) {
	t.Helper()
	dir := t.TempDir()
	in := "&hipft_input_parameters\n res_nt = 21\n res_np = 41\n n_realizations = 2\n validation_run = 1\n" +
		" time_end = 20.0\n dt_max = 1.0\n output_map_time_cadence = 5.0\n advance_diffusion = .true.\n" +
		" diffusion_coef_constants = 300.0, 600.0\n" + extra + "/\n"
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return r, dir
}

// TestNaNStopsRun injects a NaN into one realization during a run (as a
// kernel fault or an unstable step would) and checks that the run stops with
// the realization, step, time and grid point, saves the last good state,
// and writes no map holding NaN.
func TestNaNStopsRun(t *testing.T) {
	r, dir := smallRun(t, "")
	defer r.Close()
	for i := 0; i < 6; i++ {
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	// Poison one corner diffusion coefficient of realization 2 (at the
	// north pole ring, phi index 7): the next step turns the field there
	// into NaN, as a kernel fault would.
	m := r.Mesh
	r.diff.Op.Coef[0+m.NThetaHalf*(7+m.NPhiHalf*1)] = math.NaN()
	err := r.Execute()
	if err == nil {
		t.Fatal("run with NaN finished without error")
	}
	msg := err.Error()
	for _, want := range []string{"realization 2", "step 7", "theta index", "phi index", "last good", "hipft_brmap_last_good.h5"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}
	good, err := psihdf.Read(filepath.Join(dir, "hipft_brmap_last_good.h5"))
	if err != nil {
		t.Fatalf("last good state: %v", err) // psihdf.Read rejects non-finite maps
	}
	if good.Dims[2] != 2 {
		t.Errorf("last good map has %d realizations", good.Dims[2])
	}
	maps, _ := filepath.Glob(filepath.Join(dir, "output_maps", "*.h5"))
	for _, m := range maps {
		if _, err := psihdf.Read(m); err != nil {
			t.Errorf("output map %s: %v", m, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "hipft_brmap_final.h5")); err == nil {
		t.Error("a final map was written for a failed run")
	}
}

// TestInfFromHugeInputStopsRun grows Inf from an input scaled past the
// float64 range: the first step reports it.
func TestInfFromHugeInputStopsRun(t *testing.T) {
	r, _ := smallRun(t, " initial_map_mult_fac = 1.0e308\n output_single_precision = .false.\n")
	defer r.Close()
	err := r.Execute()
	if err == nil || !strings.Contains(err.Error(), "non-finite") || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("error %v, want a non-finite report at step 1", err)
	}
}

// TestNonFiniteReportNamesPoint puts a NaN at one point of the second
// realization and checks that the report names that point's realization,
// theta and phi indices (1-based) and coordinates.
func TestNonFiniteReportNamesPoint(t *testing.T) {
	r, _ := smallRun(t, "")
	defer r.Close()
	m := r.Mesh
	j, k, rz := 5, 9, 1
	r.F[m.Layout(field.Center, r.NReal).Index(j, k, rz)] = math.Inf(-1)
	if err := r.be.Upload(r.F); err != nil {
		t.Fatal(err)
	}
	err := r.checkFinite()
	if err == nil {
		t.Fatal("no report of an Inf in the field")
	}
	for _, want := range []string{"non-finite Br (-Inf)", "realization 2 ",
		fmt.Sprintf("theta index %d (colatitude %.4f rad)", j+1, m.Theta[j]),
		fmt.Sprintf("phi index %d (longitude %.4f rad)", k+1, m.Phi[k])} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("report %q does not name %q", err, want)
		}
	}
}
