package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
)

func runSmall(t *testing.T, extra string, stopRun bool) (string, error) {
	t.Helper()
	dir := t.TempDir()
	in := "&hipft_input_parameters\n res_nt = 21\n res_np = 41\n time_end = 10.0\n dt_max = 1.0\n" +
		" advance_diffusion = .true.\n diffusion_coef_constant = 100.0\n" + extra + "/\n"
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if stopRun {
		os.WriteFile(filepath.Join(dir, "STOPRUN"), nil, 0o644)
	}
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return dir, r.Execute()
}

// TestMapCadences checks the index and time cadences and the output index
// start: which maps are written and at what times.
func TestMapCadences(t *testing.T) {
	for _, c := range []struct {
		extra string
		idx   []int
		times []float64
	}{
		{" output_map_idx_cadence = 4\n", []int{1, 2, 3}, []float64{0, 4, 8}},
		{" output_map_time_cadence = 4.0\n", []int{1, 2, 3}, []float64{0, 4, 8}},
		{" output_map_time_cadence = 3.0\n output_map_idx_start = 10\n", []int{10, 11, 12, 13}, []float64{0, 3, 6, 9}},
	} {
		dir, err := runSmall(t, c.extra, false)
		if err != nil {
			t.Fatal(err)
		}
		list, err := output.ReadMapList(filepath.Join(dir, "hipft_output_map_list.out"))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(c.idx) {
			t.Fatalf("%q: %d maps %v, want %v", c.extra, len(list), list, c.idx)
		}
		for i, e := range list {
			if e.Index != c.idx[i] || e.Time != c.times[i] {
				t.Errorf("%q: map %d is idx %d at %g h, want idx %d at %g h", c.extra, i, e.Index, e.Time, c.idx[i], c.times[i])
			}
			if _, err := os.Stat(filepath.Join(dir, "output_maps", e.Name)); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestStopRun checks HipFT's STOPRUN file: the run stops after one step,
// writes its final map and timing file, and reports ErrStopped.
func TestStopRun(t *testing.T) {
	dir, err := runSmall(t, "", true)
	if err != ErrStopped {
		t.Fatalf("error %v, want ErrStopped", err)
	}
	for _, f := range []string{"hipft_brmap_final.h5", "hipft_timing.out", CheckpointName} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("after STOPRUN: %v", err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "hipft_history_sol_r000001.out"))
	if n := strings.Count(string(b), "\n"); n != 3 { // header, step 0, step 1
		t.Errorf("history has %d lines after STOPRUN, want 3", n)
	}
}
