package run

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/runcmp"
)

// extendCase has every kind of state a continued run must carry on: flows
// recomputed every step (attenuation), random flux emergence, automatic
// diffusion subcycles, a map cadence and a history cadence.
const extendCase = `&hipft_input_parameters
  res_nt = 31
  res_np = 61
  n_realizations = 2
  validation_run = 1
  time_end = %g
  dt_max = 1.5
  output_map_time_cadence = 10.0
  output_history_time_cadence = 0.5
  advance_flow = .true.
  flow_dr_model = 1
  flow_mf_model = 1
  flow_attenuate = .true.
  flow_attenuate_value = 0.3
  advance_diffusion = .true.
  diffusion_coef_constants = 300.0, 900.0
  advance_source = .true.
  source_rfe_model = 1
  source_rfe_total_unsigned_flux_per_hour = 0.5
  source_rfe_lifetime = 4.0
  source_rfe_seed = 5
/
`

// runTo runs extendCase in dir to timeEnd (resuming its checkpoint when
// resume is set).
func runTo(t *testing.T, dir string, timeEnd float64, resume bool) error {
	t.Helper()
	return runInput(t, dir, fmt.Sprintf(extendCase, timeEnd), resume)
}

// runInput runs the namelist in in dir (resuming its checkpoint when resume
// is set).
func runInput(t *testing.T, dir, in string, resume bool) error {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(p, Options{Dir: dir, Resume: resume})
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Execute()
}

// outputsOf reads every output a continued run must reproduce (all but
// the wall-clock timing file and the checkpoint).
func outputsOf(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	return runcmp.Outputs(t, dir, "*.out", "*.h5", "output_maps/*")
}

func sameOutputs(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	runcmp.Compare(t, want, got, "the continued run")
}

// TestExtendFinishedRun runs to a first time_end, then resumes with a
// later one: every output must equal one run straight to the later end,
// byte for byte, whether the first end falls on a map time, between map
// times, or on the second end (a finished run resumed again redoes its last
// step and changes nothing).
func TestExtendFinishedRun(t *testing.T) {
	const end = 40.0
	ref := t.TempDir()
	if err := runTo(t, ref, end, false); err != nil {
		t.Fatal(err)
	}
	want := outputsOf(t, ref)
	if len(want) < 10 {
		t.Fatalf("the reference run wrote only %d outputs", len(want))
	}
	for _, first := range [][]float64{{20}, {17.25}, {0.75}, {end}, {12, 31.5}} {
		t.Run(fmt.Sprint(first), func(t *testing.T) {
			dir := t.TempDir()
			if err := runTo(t, dir, first[0], false); err != nil {
				t.Fatal(err)
			}
			for _, e := range append(first[1:], end) {
				if err := runTo(t, dir, e, true); err != nil {
					t.Fatalf("continuing to %g h: %v", e, err)
				}
			}
			sameOutputs(t, want, outputsOf(t, dir))
		})
	}
}

// TestExtendRefusesEarlierEnd checks that a checkpoint is not resumed with
// a time_end at or before its time, with a message saying what to do.
func TestExtendRefusesEarlierEnd(t *testing.T) {
	dir := t.TempDir()
	if err := runTo(t, dir, 20, false); err != nil {
		t.Fatal(err)
	}
	err := runTo(t, dir, 10, true)
	if err == nil || !strings.Contains(err.Error(), "set time_end later than") {
		t.Fatalf("resume to an earlier end: %v", err)
	}
}

// TestExtendAssimilationRun continues a data-assimilation run (HipFT's
// assimilation test case) past its first end, which falls between
// observations, and compares with one run to the later end.
func TestExtendAssimilationRun(t *testing.T) {
	src := filepath.Join("..", "..", "model", "assim", "testdata", "hipft_da")
	text, err := os.ReadFile(filepath.Join(src, "hipft.in"))
	if err != nil {
		t.Fatal(err)
	}
	withEnd := func(end float64) string {
		return strings.Replace(string(text), "time_end = 24.0", fmt.Sprintf("time_end = %g", end), 1)
	}
	if withEnd(1) == string(text) {
		t.Fatal("the case's hipft.in no longer sets time_end = 24.0")
	}
	copyCase := func() string {
		dir := filepath.Join(t.TempDir(), "case")
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	ref := copyCase()
	if err := runInput(t, ref, withEnd(24), false); err != nil {
		t.Fatal(err)
	}
	dir := copyCase()
	for i, end := range []float64{7.5, 13, 24} {
		if err := runInput(t, dir, withEnd(end), i > 0); err != nil {
			t.Fatalf("to %g h: %v", end, err)
		}
	}
	sameOutputs(t, outputsOf(t, ref), outputsOf(t, dir))
}
