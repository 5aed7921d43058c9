package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

// TestResumeChecksFlowList checks that a checkpoint records the flow list
// (here a conflow.dat for in-line flows): resuming after it changed is
// refused, naming flow_list_filename.
func TestResumeChecksFlowList(t *testing.T) {
	dir := t.TempDir()
	cdat := func(seed int) { writeInlineConflowCase(t, dir, seed, "") }
	cdat(31)
	in := "&hipft_input_parameters\n initial_map_filename = 'br0.h5'\n time_end = 6.0\n dt_max = 0.5\n advance_flow = .true.\n" +
		" use_flow_from_files = .true.\n flow_list_filename = 'conflow.dat'\n/\n"
	newRun := func(resume bool) (*Run, error) {
		p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		return New(p, Options{Dir: dir, Resume: resume})
	}
	os.WriteFile(filepath.Join(dir, "STOPRUN"), nil, 0o644)
	r, err := newRun(false)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(); err != ErrStopped {
		t.Fatalf("error %v, want ErrStopped", err)
	}
	r.Close()
	os.Remove(filepath.Join(dir, "STOPRUN"))
	cdat(32)
	if r, err = newRun(true); err == nil {
		r.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "flow_list_filename") || !strings.Contains(err.Error(), "conflow.dat") {
		t.Fatalf("resume after the flow list changed: %v", err)
	}
	cdat(31)
	r, err = newRun(true)
	if err != nil {
		t.Fatalf("resume with the same flow list: %v", err)
	}
	defer r.Close()
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
}
