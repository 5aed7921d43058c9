package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"

	"github.com/goft-sft/goft/internal/runcmp"
	"github.com/goft-sft/goft/internal/testenv"
)

// resumeCase carries every kind of state a checkpoint must restore into a
// device backend: attenuated flows (recomputed every step from the field),
// automatic diffusion subcycles in blocked stages, verbose in-loop history
// lines, and map and history cadences.
const resumeCase = `&hipft_input_parameters
  verbose = 2
  res_nt = 40
  res_np = 61
  n_realizations = 2
  validation_run = 1
  time_end = 20.0
  dt_max = 2.0
  output_map_time_cadence = 8.0
  output_history_time_cadence = 1.0
  advance_flow = .true.
  flow_dr_model = 1
  flow_mf_model = 1
  flow_attenuate = .true.
  flow_attenuate_value = 0.3
  advance_diffusion = .true.
  diffusion_coef_constants = 300.0, 900.0
/
`

// TestEmulatedResumeIsBitIdentical runs resumeCase on the emulated device
// three ways: straight through; up to a checkpoint at step 4 and on to step
// 7 before stopping without wrapping up (as a killed run would); and
// resumed from that checkpoint. Every file the resumed run leaves but its
// timing and checkpoint (histories, maps, map list, realization and
// parameter tables) must be byte for byte the straight run's, and no other
// file. Then the straight run, finished, is continued to a later time_end
// from its checkpoint (the state kept on the device before its last step)
// and must equal a run straight to that end.
func TestEmulatedResumeIsBitIdentical(t *testing.T) {
	testenv.SkipUnlessLong(t, "a run stopped and resumed on the emulator, about 15 s")
	needEmulator(t)
	text := resumeCase
	newRun := func(dir string, resume bool) *run.Run {
		t.Helper()
		path := filepath.Join(dir, "hipft.in")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := input.ParseWith(strings.NewReader(text), path, input.Options{SkipFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		r, err := run.New(p, run.Options{Dir: dir, Backend: emuFactory(Options{}, nil), Resume: resume})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	straight := t.TempDir()
	r := newRun(straight, false)
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()

	stopped := t.TempDir()
	r = newRun(stopped, false)
	for r.Step < 7 {
		if r.Step == 4 {
			if err := r.WriteCheckpoint(); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	r.Close() // no wrap-up: the outputs run past the checkpoint, as after a kill
	r = newRun(stopped, true)
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()

	sameRunOutputs(t, runOutputs(t, straight), runOutputs(t, stopped))

	// Continued to a later end.
	text = strings.Replace(resumeCase, "time_end = 20.0", "time_end = 27.0", 1)
	longer := t.TempDir()
	r = newRun(longer, false)
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	r = newRun(straight, true)
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	sameRunOutputs(t, runOutputs(t, longer), runOutputs(t, straight))
}

// sameRunOutputs compares two runs' outputs (runOutputs) file by file.
func sameRunOutputs(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	if len(want) < 5 {
		t.Fatalf("the straight run wrote only %d outputs", len(want))
	}
	runcmp.Compare(t, want, got, "the resumed run")
}

// runOutputs reads every file the run in dir left (its outputs and its
// input) except the wall-clock timing file and the checkpoint (which holds
// wall times), by path relative to dir.
func runOutputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	return runcmp.Outputs(t, dir, "*", "*/*")
}
