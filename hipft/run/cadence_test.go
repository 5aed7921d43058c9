package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/demo"
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

// TestResumeChecksInputFiles checks that a checkpoint records its input
// files' contents: resuming after the initial map changed is refused,
// naming the parameter and the file; with the same file it resumes.
func TestResumeChecksInputFiles(t *testing.T) {
	dir := t.TempDir()
	writeMap := func(scale float64) {
		m := demo.Map(41, 21)
		for i := range m.Data {
			m.Data[i] *= scale
		}
		if err := psihdf.Write(filepath.Join(dir, "br0.h5"), m, false); err != nil {
			t.Fatal(err)
		}
	}
	writeMap(1)
	in := "&hipft_input_parameters\n initial_map_filename = 'br0.h5'\n time_end = 10.0\n dt_max = 1.0\n" +
		" advance_diffusion = .true.\n diffusion_coef_constant = 100.0\n/\n"
	parse := func() *input.Params {
		p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	os.WriteFile(filepath.Join(dir, "STOPRUN"), nil, 0o644)
	r, err := New(parse(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(); err != ErrStopped {
		t.Fatalf("error %v, want ErrStopped", err)
	}
	r.Close()
	os.Remove(filepath.Join(dir, "STOPRUN"))

	writeMap(2)
	resume := func() error {
		r, err := New(parse(), Options{Dir: dir, Resume: true})
		if err != nil {
			return err
		}
		defer r.Close()
		return r.Execute()
	}
	err = resume()
	if err == nil || !strings.Contains(err.Error(), "initial_map_filename") || !strings.Contains(err.Error(), "br0.h5") {
		t.Fatalf("resume after the initial map changed: %v, want a refusal naming initial_map_filename and br0.h5", err)
	}
	writeMap(1)
	if err := resume(); err != nil {
		t.Fatalf("resume with the same initial map: %v", err)
	}
}
