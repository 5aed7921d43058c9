package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goft-sft/goft/internal/runcmp"
	"github.com/goft-sft/goft/internal/testenv"
)

var (
	resumeBinOnce sync.Once
	resumeBin     string
	resumeBinErr  error
)

// goftBinary builds the goft command once for the process-level tests.
func goftBinary(t *testing.T) string {
	t.Helper()
	resumeBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goft-bin-")
		if err != nil {
			resumeBinErr = err
			return
		}
		resumeBin = filepath.Join(dir, "goft")
		out, err := exec.Command("go", "build", "-o", resumeBin, ".").CombinedOutput()
		if err != nil {
			resumeBinErr = errors.New(string(out))
		}
	})
	if resumeBinErr != nil {
		t.Fatalf("building goft: %v", resumeBinErr)
	}
	return resumeBin
}

// resumeCase is a small run with every kind of state a checkpoint must
// carry: flows recomputed every step (attenuation), automatic diffusion
// subcycles, random flux emergence (its frames, clock and gfortran
// generator), verbose in-loop history lines, a map cadence and a history
// cadence.
const resumeCase = `&hipft_input_parameters
  verbose = 2
  res_nt = 91
  res_np = 181
  n_realizations = 2
  validation_run = 1
  time_end = 600.0
  dt_max = 1.0
  output_map_time_cadence = 50.0
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

// runOutputs lists every output whose bytes must not depend on the run
// having been interrupted (the timing file is wall-clock and excluded).
func runOutputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	return runcmp.Outputs(t, dir, "hipft_history_*.out", "hipft_brmap_*.h5", "hipft_output_map_list.out", "output_maps/*.h5")
}

func compareOutputs(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	runcmp.Compare(t, want, got, "the interrupted run")
}

func newRunDir(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(resumeCase), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func goftCmd(bin, dir string, args ...string) *exec.Cmd {
	c := exec.Command(bin, args...)
	c.Dir = dir
	return c
}

// interruptAndResume starts a run, waits for its first checkpoint plus a
// random delay, sends sig, then resumes it (repeatedly if needed) to the end.
func interruptAndResume(t *testing.T, bin string, sig syscall.Signal, seed uint64) map[string][]byte {
	dir := newRunDir(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	cmd := goftCmd(bin, dir, "run", "-q", "-checkpoint-hours", "3", "hipft.in")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "goft_checkpoint.bin")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(ckpt); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no checkpoint after 60 s: %s", stderr.String())
		}
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		t.Logf("seed %d: the run finished before the signal; nothing to resume", seed)
		return runOutputs(t, dir)
	case errors.As(err, &ee):
		if sig == syscall.SIGTERM && ee.ExitCode() != 128+int(syscall.SIGTERM) {
			t.Fatalf("SIGTERM: exit code %d, want %d; stderr %s", ee.ExitCode(), 128+int(syscall.SIGTERM), stderr.String())
		}
	default:
		t.Fatal(err)
	}
	res := goftCmd(bin, dir, "run", "-q", "-resume", "hipft.in")
	if out, err := res.CombinedOutput(); err != nil {
		t.Fatalf("resume after %v: %v\n%s", sig, err, out)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("a finished run keeps its checkpoint (to be continued to a later time_end): %v", err)
	}
	return runOutputs(t, dir)
}

// TestKillAndResumeIsByteIdentical kills runs with SIGKILL (and stops them
// with SIGTERM) at random steps, resumes them, and compares every output
// byte for byte with an uninterrupted run.
func TestKillAndResumeIsByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level resume tests skipped in -short mode")
	}
	bin := goftBinary(t)
	ref := newRunDir(t)
	if out, err := goftCmd(bin, ref, "run", "-q", "hipft.in").CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	want := runOutputs(t, ref)
	if len(want) < 8 {
		t.Fatalf("reference run wrote only %d outputs", len(want))
	}
	cases := []struct {
		sig  syscall.Signal
		seed uint64
	}{{syscall.SIGKILL, 1}, {syscall.SIGTERM, 4}, {syscall.SIGKILL, 2}, {syscall.SIGKILL, 3}, {syscall.SIGTERM, 5}}
	if !testenv.Long() {
		// By default SIGKILL is tried by TestKillChainIsByteIdentical.
		t.Skip("SIGTERM and single SIGKILLs: set GOFT_LONG_TESTS=1 to run them")
	}
	for _, c := range cases {
		t.Run(c.sig.String(), func(t *testing.T) {
			compareOutputs(t, want, interruptAndResume(t, bin, c.sig, c.seed))
		})
	}
}

// TestResumeRejectsOtherInput checks that a checkpoint is not applied to a
// different hipft.in.
func TestResumeRejectsOtherInput(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level resume tests skipped in -short mode")
	}
	bin := goftBinary(t)
	dir := newRunDir(t)
	os.WriteFile(filepath.Join(dir, "STOPRUN"), nil, 0o644)
	if out, err := goftCmd(bin, dir, "run", "-q", "hipft.in").CombinedOutput(); err != nil {
		t.Fatalf("STOPRUN run: %v\n%s", err, out)
	}
	os.Remove(filepath.Join(dir, "STOPRUN"))
	other := bytes.Replace([]byte(resumeCase), []byte("300.0"), []byte("301.0"), 1)
	os.WriteFile(filepath.Join(dir, "hipft.in"), other, 0o644)
	out, err := goftCmd(bin, dir, "run", "-q", "-resume", "hipft.in").CombinedOutput()
	if err == nil || !bytes.Contains(out, []byte("different input")) {
		t.Fatalf("resume with another input: err %v, output %s", err, out)
	}
}
