package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/runcmp"
)

// TestInlineConflowResume checks that a run with in-line convective flows
// (flow_list_filename naming a conflow.dat) resumes from a checkpoint, and
// continues to a later time_end, exactly as it runs straight: the flow
// generator's place (its list wraps around here) is part of the state.
func TestInlineConflowResume(t *testing.T) {
	root := t.TempDir()
	writeInlineConflowCase(t, root, 31, "")
	in := func(end string) string {
		return "&hipft_input_parameters\n initial_map_filename = '../br0.h5'\n time_end = " + end + "\n dt_max = 0.5\n" +
			" output_history_time_cadence = 1.0\n output_map_time_cadence = 3.0\n advance_flow = .true.\n" +
			" advance_diffusion = .true.\n diffusion_coef_constant = 200.0\n" +
			" use_flow_from_files = .true.\n flow_list_filename = '../conflow.dat'\n/\n"
	}
	newDir := func(name string) string {
		d := filepath.Join(root, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	straight := newDir("straight")
	if err := runInput(t, straight, in("9.0"), false); err != nil {
		t.Fatal(err)
	}

	// Stopped after a checkpoint at step 7 and a few more steps (as a
	// killed run), then resumed.
	stopped := newDir("stopped")
	text := in("9.0")
	os.WriteFile(filepath.Join(stopped, "hipft.in"), []byte(text), 0o644)
	p, err := input.ParseWith(strings.NewReader(text), filepath.Join(stopped, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(p, Options{Dir: stopped})
	if err != nil {
		t.Fatal(err)
	}
	for r.Step < 11 {
		if r.Step == 7 {
			if err := r.WriteCheckpoint(); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	if err := runInput(t, stopped, text, true); err != nil {
		t.Fatalf("resume: %v", err)
	}
	want := runcmp.Outputs(t, straight, "*.out", "*.h5", "output_maps/*")
	runcmp.Compare(t, want, runcmp.Outputs(t, stopped, "*.out", "*.h5", "output_maps/*"), "the resumed in-line run")

	// Continued from 9 h to 14 h, against a run straight to 14 h.
	longer := newDir("longer")
	if err := runInput(t, longer, in("14.0"), false); err != nil {
		t.Fatal(err)
	}
	if err := runInput(t, straight, in("14.0"), true); err != nil {
		t.Fatalf("continuing: %v", err)
	}
	runcmp.Compare(t, runcmp.Outputs(t, longer, "*.out", "*.h5", "output_maps/*"), runcmp.Outputs(t, straight, "*.out", "*.h5", "output_maps/*"), "the continued in-line run")
}
