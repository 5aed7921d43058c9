package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/internal/testenv"
)

// killChain runs goft with args (which give -resume) in dir again and
// again, as a requeued job or a retry loop does, killing each attempt with
// SIGKILL after a random delay: before the first checkpoint, during setup,
// a checkpoint write, an output write or the resume itself, or not at all
// when the attempt ends first. Then it runs the same command once more to
// the end. ref is the uninterrupted run's timing: the delays are its setup
// time plus a random time from minus half the setup to twice its stepping
// time over attempts, so that a third of the kills land in the setup or the
// resume and the others take the run forward. It returns how many attempts
// were killed.
func killChain(t *testing.T, bin, dir string, env, args []string, attempts int, ref runTiming, rng *rand.Rand) int {
	t.Helper()
	lo := ref.setup / 2
	span := lo + 2*(ref.wall-ref.setup)/time.Duration(attempts)
	killed := 0
	for i := range attempts {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		timer := time.NewTimer(ref.setup - lo + time.Duration(rng.Int64N(int64(span))))
		select {
		case err := <-done:
			timer.Stop()
			if err != nil {
				t.Fatalf("attempt %d (not killed) failed: %v\n%s", i+1, err, out.String())
			}
		case <-timer.C:
			cmd.Process.Kill()
			if err := <-done; err != nil {
				killed++
			}
		}
	}
	if hist, _ := filepath.Glob(filepath.Join(dir, "hipft_history_sol_r*.out")); len(hist) > 0 {
		b, _ := os.ReadFile(hist[0])
		t.Logf("after %d kills, %s has %d lines", killed, filepath.Base(hist[0]), bytes.Count(b, []byte("\n")))
	}
	if out, err := runGoft(t, bin, dir, env, args...); err != nil {
		t.Fatalf("the last attempt after %d kills: %v\n%s", killed, err, out)
	}
	return killed
}

// runTiming is the wall time of a run and of its setup (until its history
// files appear).
type runTiming struct{ wall, setup time.Duration }

// timedRun runs goft with args in dir to the end and times it.
func timedRun(t *testing.T, bin, dir string, args ...string) runTiming {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, launcherEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var tm runTiming
	for tm.setup == 0 {
		select {
		case err := <-done:
			t.Fatalf("reference run: no history files appeared (%v)\n%s", err, out.String())
		case <-time.After(time.Millisecond):
			if m, _ := filepath.Glob(filepath.Join(dir, "hipft_history_sol_r*.out")); len(m) > 0 {
				tm.setup = time.Since(t0)
			}
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("reference run: %v\n%s", err, out.String())
	}
	tm.wall = time.Since(t0)
	return tm
}

// TestKillChainIsByteIdentical kills runs with SIGKILL at many random
// points, each time giving the same command (goft run -resume) again, and
// compares every output byte for byte with an uninterrupted run: a run
// with flows, random flux emergence and map and history cadences; a run
// with data assimilation and random flux emergence; and one part of a run
// split over two processes, merged with the other part and compared with
// the single-process run. GOFT_LONG_TESTS=1 kills each 20 times; by
// default the assimilation case is killed 4 times.
func TestKillChainIsByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level resume tests skipped in -short mode")
	}
	bin := goftBinary(t)

	t.Run("flows and random flux emergence", func(t *testing.T) {
		if !testenv.Long() {
			t.Skip("set GOFT_LONG_TESTS=1 to run it (the assimilation case runs by default)")
		}
		ref := newRunDir(t)
		wall := timedRun(t, bin, ref, "run", "-q", "hipft.in")
		dir := newRunDir(t)
		n := 20
		k := killChain(t, bin, dir, launcherEnv(), []string{"run", "-q", "-checkpoint-hours", "3", "-resume", "hipft.in"}, n, wall, rand.New(rand.NewPCG(1, 2)))
		t.Logf("%d of %d attempts killed (reference run %+v)", k, n, wall)
		compareOutputs(t, runOutputs(t, ref), runOutputs(t, dir))
	})

	t.Run("assimilation and random flux emergence", func(t *testing.T) {
		src := filepath.Join("..", "..", "model", "assim", "testdata", "hipft_da")
		text, err := os.ReadFile(filepath.Join(src, "hipft.in"))
		if err != nil {
			t.Fatal(err)
		}
		in := strings.Replace(string(text), "dt_max = 1.0", "dt_max = 0.02", 1)
		in = strings.Replace(in, "\n/", "\n  advance_source = .true.\n  source_rfe_model = 1\n  source_rfe_total_unsigned_flux_per_hour = 0.5\n  source_rfe_lifetime = 4.0\n  source_rfe_seed = 5\n/", 1)
		if in == string(text) || !strings.Contains(in, "dt_max = 0.02") || !strings.Contains(in, "source_rfe_seed") {
			t.Fatal("the assimilation case's hipft.in changed: update this test")
		}
		newCase := func() string {
			dir := filepath.Join(t.TempDir(), "case")
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(in), 0o644); err != nil {
				t.Fatal(err)
			}
			return dir
		}
		ref := newCase()
		wall := timedRun(t, bin, ref, "run", "-q", "hipft.in")
		dir := newCase()
		n := 4
		if testenv.Long() {
			n = 20
		}
		k := killChain(t, bin, dir, launcherEnv(), []string{"run", "-q", "-checkpoint-hours", "0.5", "-resume", "hipft.in"}, n, wall, rand.New(rand.NewPCG(3, 4)))
		t.Logf("%d of %d attempts killed (reference run %+v)", k, n, wall)
		want, got := runOutputs(t, ref), runOutputs(t, dir)
		if len(want) < 5 {
			t.Fatalf("the reference run wrote only %d outputs", len(want))
		}
		compareOutputs(t, want, got)
	})

	t.Run("one part of a split run", func(t *testing.T) {
		if !testenv.Long() {
			t.Skip("set GOFT_LONG_TESTS=1 to run it")
		}
		// The 5-realization ensemble case with flow attenuation by each
		// realization's field (as diffuse_advect_atten_map_1cr), in smaller
		// steps so that the kills land inside the run.
		newCase := func() string {
			dir := newEnsembleCase(t, "  flow_attenuate = .true.\n  flow_attenuate_values = 5.,10.,20.,40.,80.\n")
			p := filepath.Join(dir, "hipft.in")
			b, _ := os.ReadFile(p)
			if !bytes.Contains(b, []byte("dt_max = 2.0")) {
				t.Fatal("the ensemble case no longer sets dt_max = 2.0: update this test")
			}
			os.WriteFile(p, bytes.Replace(b, []byte("dt_max = 2.0"), []byte("dt_max = 0.05"), 1), 0o644)
			return dir
		}
		ref := newCase()
		wall := timedRun(t, bin, ref, "run", "-q", "hipft.in")
		dir := newCase()
		part := func(r string) []string {
			return []string{"run", "-q", "--rank", r, "--ranks", "2", "-checkpoint-hours", "1", "-resume", "hipft.in"}
		}
		k := killChain(t, bin, dir, launcherEnv(), part("1"), 20, wall, rand.New(rand.NewPCG(5, 6)))
		t.Logf("part 1 of 2: %d of 20 attempts killed (single-process run %+v)", k, wall)
		if out, err := runGoft(t, bin, dir, launcherEnv(), part("0")...); err != nil {
			t.Fatalf("part 0: %v\n%s", err, out)
		}
		if out, err := runGoft(t, bin, dir, launcherEnv(), "merge", "-q"); err != nil {
			t.Fatalf("merge: %v\n%s", err, out)
		}
		compareRuns(t, ref, dir, 2, false)
	})
}
