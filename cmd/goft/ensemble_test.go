package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/ensemble"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/internal/testenv"
)

// ensembleInput is the 5-realization test case: diffusion with a different
// constant per realization and the AFT flows, maps every 8 of 24 hours.
const ensembleInput = `&hipft_input_parameters
  initial_map_filename = 'br0.h5'
  res_nt = 21
  res_np = 41
  n_realizations = 5
  time_end = 24.0
  dt_max = 2.0
  output_map_time_cadence = 8.0
  advance_flow = .true.
  flow_dr_model = 1
  flow_mf_model = 1
  advance_diffusion = .true.
  diffusion_coef_constants = 100.,200.,300.,400.,500.
%s/
`

// newEnsembleCase writes the test case into a new folder: hipft.in (with
// extra namelist lines) and its 41 x 21 initial map.
func newEnsembleCase(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(fmt.Sprintf(ensembleInput, extra)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), demo.Map(41, 21), false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// launcherEnv is the environment without any launcher's rank variables,
// plus extra: each process of a test sees only the launcher it is given.
func launcherEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SLURM_") || strings.HasPrefix(kv, "PMI_") || strings.HasPrefix(kv, "PMIX_") ||
			strings.HasPrefix(kv, "OMPI_COMM_WORLD_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// runGoft runs the goft binary in dir and returns its combined output.
func runGoft(t *testing.T, bin, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// buildGoft builds the goft command into a temporary folder.
func buildGoft(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("the go tool is not on PATH (%v); the multi-process tests run the built goft binary", err)
	}
	return goftBinary(t) // built once for all the process-level tests
}

// launchRanks starts every rank of a job at once, as a launcher does, with
// the environment env(rank) and the goft run arguments args(rank).
func launchRanks(t *testing.T, bin, dir string, ranks int, env func(r int) []string, args func(r int) []string) {
	t.Helper()
	var wg sync.WaitGroup
	outs := make([]string, ranks)
	errs := make([]error, ranks)
	for r := range ranks {
		wg.Go(func() {
			a := []string{"run", "-q"}
			if args != nil {
				a = append(a, args(r)...)
			}
			var e []string
			if env != nil {
				e = env(r)
			}
			outs[r], errs[r] = runGoft(t, bin, dir, launcherEnv(e...), append(a, "hipft.in")...)
		})
	}
	wg.Wait()
	for r := range ranks {
		if errs[r] != nil {
			t.Fatalf("rank %d of %d: %v\n%s", r, ranks, errs[r], outs[r])
		}
	}
}

// isRunLock reports whether a file of a run folder is a run lock
// (.goft-run.lock, or a part's .goft-run.partRRRofNNN.lock).
func isRunLock(rel string) bool {
	return strings.HasPrefix(rel, ".goft-run") && strings.HasSuffix(rel, ".lock")
}

// compareRuns checks that folder got holds every file of the single-process
// run ref byte for byte, except the timing file, which must parse and have
// one block per process. With exact, got must hold no other file.
func compareRuns(t *testing.T, ref, got string, ranks int, exact bool) {
	t.Helper()
	want := map[string]bool{}
	err := filepath.WalkDir(ref, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(ref, path)
		want[rel] = true
		if rel == "hipft_timing.out" || isRunLock(rel) || rel == run.CheckpointName {
			return nil // wall times; the run lock names its process; parts keep their own checkpoints
		}
		a, _ := os.ReadFile(path)
		b, err := os.ReadFile(filepath.Join(got, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the single-process run's", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	timing := filepath.Join(got, "hipft_timing.out")
	if _, err := ensemble.ReadPartTiming(timing); err != nil {
		t.Errorf("merged timing: %v", err)
	}
	b, _ := os.ReadFile(timing)
	if n := strings.Count(string(b), "Processor id ="); n != ranks {
		t.Errorf("hipft_timing.out has %d processor blocks, want %d", n, ranks)
	}
	if exact {
		filepath.WalkDir(got, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if rel, _ := filepath.Rel(got, path); !want[rel] && !(isRunLock(rel) && !strings.Contains(rel, ".part")) {
					t.Errorf("%s is left after merge --clean", rel)
				}
			}
			return err
		})
	}
}

func slurmEnv(n int) func(int) []string {
	return func(r int) []string {
		return []string{fmt.Sprintf("SLURM_PROCID=%d", r), fmt.Sprintf("SLURM_NTASKS=%d", n)}
	}
}

func flagArgs(n int) func(int) []string {
	return func(r int) []string { return []string{"--rank", fmt.Sprint(r), "--ranks", fmt.Sprint(n)} }
}

// TestEnsemble runs the 5-realization case in one process, then split over
// 1 to 4 processes through each launcher's environment (and through
// mpirun), merges the parts and compares every file with the
// single-process run; then checks the refusals.
func TestEnsemble(t *testing.T) {
	bin := buildGoft(t)
	const double = "  output_single_precision = .false.\n"
	// A seeded random flux emergence: every part draws the frames a single
	// process draws.
	const rfe = "  advance_source = .true.\n  source_rfe_model = 1\n  source_rfe_total_unsigned_flux_per_hour = 5.0\n  source_rfe_seed = 11\n"
	// Flow attenuation by each realization's own field, at different
	// levels: each realization has its own advection limit, and each
	// process's DTIME_ADV_STB is the smallest of its own (as in the
	// testsuite's diffuse_advect_atten_map_1cr).
	const atten = "  flow_attenuate = .true.\n  flow_attenuate_values = 5.,10.,20.,40.,80.\n"
	refs := map[string]string{}
	for _, extra := range []string{"", double, rfe, atten} {
		dir := newEnsembleCase(t, extra)
		if out, err := runGoft(t, bin, dir, launcherEnv(), "run", "-q", "hipft.in"); err != nil {
			t.Fatalf("single-process run: %v\n%s", err, out)
		}
		refs[extra] = dir
	}
	reference := func(_ *testing.T, extra string) string { return refs[extra] }
	launches := []struct {
		name  string
		ranks int
		extra string
		env   func(r int) []string
		args  func(r int) []string
		clean bool
	}{
		{name: "1 process, SLURM_NTASKS=1", ranks: 1, env: slurmEnv(1)},
		{name: "2 processes, Slurm srun", ranks: 2, env: slurmEnv(2)},
		{name: "3 processes, Open MPI environment", ranks: 3, env: func(r int) []string {
			return []string{fmt.Sprintf("OMPI_COMM_WORLD_RANK=%d", r), "OMPI_COMM_WORLD_SIZE=3"}
		}},
		{name: "2 processes, MPICH PMI, double precision", ranks: 2, extra: double, env: func(r int) []string {
			return []string{fmt.Sprintf("PMI_RANK=%d", r), "PMI_SIZE=2"}
		}},
		{name: "3 processes, Open MPI environment, random flux emergence", ranks: 3, extra: rfe, env: func(r int) []string {
			return []string{fmt.Sprintf("OMPI_COMM_WORLD_RANK=%d", r), "OMPI_COMM_WORLD_SIZE=3"}
		}},
		{name: "3-element Slurm job array 1-3", ranks: 3, env: func(r int) []string {
			return []string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", r+1), "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3"}
		}},
		{name: "4 processes, 2-element job array of 2 srun tasks", ranks: 4, env: func(r int) []string {
			return []string{fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", r/2), "SLURM_ARRAY_TASK_COUNT=2",
				fmt.Sprintf("SLURM_PROCID=%d", r%2), "SLURM_NTASKS=2"}
		}},
		{name: "5 processes, --rank/--ranks, merge --clean", ranks: 5, args: flagArgs(5), clean: true},
		{name: "2 processes, attenuation by each realization's field", ranks: 2, extra: atten, env: slurmEnv(2)},
		{name: "5 processes, attenuation by each realization's field", ranks: 5, extra: atten, args: flagArgs(5)},
	}
	quick := map[string]bool{"2 processes, Slurm srun": true, "5 processes, --rank/--ranks, merge --clean": true,
		"2 processes, attenuation by each realization's field": true}
	for _, c := range launches {
		if !testenv.Long() && !quick[c.name] {
			t.Logf("%s: set %s=1 to run it", c.name, testenv.LongVar)
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			ref := reference(t, c.extra)
			dir := newEnsembleCase(t, c.extra)
			launchRanks(t, bin, dir, c.ranks, c.env, c.args)
			for r := 0; r < c.ranks && c.ranks > 1; r++ {
				m, err := ensemble.ReadManifest(filepath.Join(dir, ensemble.ManifestName(r, c.ranks)))
				if err != nil {
					t.Fatal(err)
				}
				off, n, _ := run.Split(5, c.ranks, r)
				if m.First != off+1 || m.Count != n {
					t.Errorf("rank %d ran realizations %d..+%d, want %d..+%d (HipFT's split)", r, m.First, m.Count, off+1, n)
				}
			}
			args := []string{"merge"}
			if c.clean {
				args = append(args, "--clean")
			}
			out, err := runGoft(t, bin, dir, launcherEnv(), args...)
			if err != nil {
				t.Fatalf("goft merge: %v\n%s", err, out)
			}
			if strings.Contains(out, "warning") {
				t.Errorf("goft merge warned:\n%s", out)
			}
			if c.ranks == 1 && !strings.Contains(out, "nothing to merge") {
				t.Errorf("merge of a one-process run said %q", out)
			}
			compareRuns(t, ref, dir, c.ranks, c.clean)
		})
	}

	t.Run("mpirun -np 3", func(t *testing.T) {
		mpirun, err := exec.LookPath("mpirun")
		if err != nil {
			t.Skip("mpirun not found: install Debian's openmpi-bin (as .ci/run does) to run goft under a real MPI launcher")
		}
		ref := reference(t, "")
		dir := newEnsembleCase(t, "")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "3", bin, "run", "-q", "hipft.in")
		cmd.Dir, cmd.Env = dir, launcherEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mpirun: %v\n%s", err, out)
		}
		if out, err := runGoft(t, bin, dir, launcherEnv(), "merge", "-q"); err != nil || out != "" {
			t.Fatalf("goft merge: %v\n%s", err, out)
		}
		compareRuns(t, ref, dir, 3, false)
	})

	t.Run("more processes than realizations", func(t *testing.T) {
		dir := newEnsembleCase(t, "")
		out, err := runGoft(t, bin, dir, launcherEnv("OMPI_COMM_WORLD_RANK=0", "OMPI_COMM_WORLD_SIZE=6"), "run", "-q", "hipft.in")
		if err == nil || !strings.Contains(out, "more processes (6) than realizations (n_realizations = 5)") || !strings.Contains(out, "at most 5") {
			t.Errorf("6 processes for 5 realizations: %v\n%s", err, out)
		}
	})

	// Refusals: each case starts from a finished 3-process run.
	rewriteInput := func(t *testing.T, dir, from, to string) {
		t.Helper()
		path := filepath.Join(dir, "hipft.in")
		b, _ := os.ReadFile(path)
		if !bytes.Contains(b, []byte(from)) {
			t.Fatalf("hipft.in lacks %q", from)
		}
		if err := os.WriteFile(path, bytes.Replace(b, []byte(from), []byte(to), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(name string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	const coefs = "diffusion_coef_constants = 100.,200.,300.,400.,500."
	refusals := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  []string
	}{
		{name: "missing map part", setup: remove("output_maps/hipft_brmap_idx000003.part001of003.h5"),
			want: []string{"output_maps/hipft_brmap_idx000003.part001of003.h5", "map part of rank 1", "goft run --rank R --ranks 3 hipft.in"}},
		{name: "missing manifest", setup: remove(ensemble.ManifestName(2, 3)),
			want: []string{ensemble.ManifestName(2, 3), "rank 2: that process has not finished"}},
		{name: "missing timing part", setup: remove(run.PartName("hipft_timing.out", 0, 3)),
			want: []string{run.PartName("hipft_timing.out", 0, 3), "timing of rank 0"}},
		{name: "missing history", setup: remove("hipft_history_sol_r000005.out"),
			want: []string{"hipft_history_sol_r000005.out", "realization 5, rank 2"}},
		{name: "part from a different input", setup: func(t *testing.T, dir string) {
			rewriteInput(t, dir, coefs, "diffusion_coef_constants = 100.,200.,333.,400.,500.")
			launchRanks(t, bin, dir, 1, nil, func(int) []string { return []string{"--rank", "1", "--ranks", "3"} })
			rewriteInput(t, dir, "333.", "300.")
		}, want: []string{"rank 1's part comes from a different input than rank 0's", ensemble.ManifestName(1, 3), "parameters"}},
		{name: "initial map changed between processes", setup: func(t *testing.T, dir string) {
			m := demo.Map(41, 21)
			m.Data[100] += 1
			if err := psihdf.Write(filepath.Join(dir, "br0.h5"), m, false); err != nil {
				t.Fatal(err)
			}
			launchRanks(t, bin, dir, 1, nil, func(int) []string { return []string{"--rank", "2", "--ranks", "3"} })
		}, want: []string{"rank 2's part comes from a different input", "initial maps"}},
		{name: "input edited after the run", setup: func(t *testing.T, dir string) {
			rewriteInput(t, dir, coefs, "diffusion_coef_constants = 100.,200.,300.,400.,555.")
		}, want: []string{"hipft.in has changed since the processes ran", "rerun all 3 processes"}},
		{name: "map part of another split", setup: func(t *testing.T, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, "hipft_brmap_final.part000of003.h5"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "hipft_brmap_final.part001of003.h5"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, want: []string{"hipft_brmap_final.part001of003.h5 holds realizations [1 2]", "rank 1 of 3 runs realizations 3-4 of 5"}},
		{name: "parts of two process counts", setup: func(t *testing.T, dir string) {
			launchRanks(t, bin, dir, 2, nil, flagArgs(2))
		}, want: []string{"different process counts [2 3]", "--ranks N"}},
		{name: "empty folder", setup: func(t *testing.T, dir string) {
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}, want: []string{"holds no part files"}},
	}
	for _, c := range refusals {
		t.Run("refuses "+c.name, func(t *testing.T) {
			dir := newEnsembleCase(t, "")
			launchRanks(t, bin, dir, 3, nil, flagArgs(3))
			c.setup(t, dir)
			out, err := runGoft(t, bin, dir, launcherEnv(), append([]string{"merge"}, c.args...)...)
			if err == nil {
				t.Fatalf("goft merge succeeded:\n%s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("message does not mention %q:\n%s", w, out)
				}
			}
			// Nothing is merged, and nothing half-written is left.
			for _, name := range []string{"hipft_brmap_final.h5", "hipft_brmap_initial.h5", "output_maps/hipft_brmap_idx000001.h5", "hipft_realization_parameters.out"} {
				if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
					t.Errorf("%s was written by a refused merge", name)
				}
			}
			tmps, _ := filepath.Glob(filepath.Join(dir, ".*merge-tmp*"))
			sub, _ := filepath.Glob(filepath.Join(dir, "*", ".*merge-tmp*"))
			if tmps = append(tmps, sub...); len(tmps) > 0 {
				t.Errorf("temporary files left: %v", tmps)
			}
		})
	}

	t.Run("--ranks picks one process count", func(t *testing.T) {
		ref := reference(t, "")
		dir := newEnsembleCase(t, "")
		launchRanks(t, bin, dir, 2, nil, flagArgs(2))
		launchRanks(t, bin, dir, 3, nil, flagArgs(3))
		if out, err := runGoft(t, bin, dir, launcherEnv(), "merge", "--ranks", "3"); err != nil {
			t.Fatalf("goft merge --ranks 3: %v\n%s", err, out)
		}
		compareRuns(t, ref, dir, 3, false)
	})
}

// TestInputLists rewrites the ensemble test case's hipft.in from a
// crossall YAML file and runs it: 6 realizations, all with their own
// diffusion coefficient and attenuation.
func TestInputLists(t *testing.T) {
	dir := newEnsembleCase(t, "")
	yml := filepath.Join(dir, "lists.yaml")
	spec := "hipft:\n  realization_combination_mode: crossall\n  realization_parameters:\n" +
		"    diffusion_coefs: [100, 300, 500]\n    flow_attenuation_values: [[500], [200, 500]]\n"
	if err := os.WriteFile(yml, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "hipft.in")
	var stdout, stderr bytes.Buffer
	if rc := mainArgs([]string{"input-lists", yml, in}, &stdout, &stderr); rc != 0 {
		t.Fatalf("rc %d: %s", rc, stderr.String())
	}
	if !strings.Contains(stdout.String(), "6 realizations (crossall)") {
		t.Errorf("stdout %q", stdout.String())
	}
	b, _ := os.ReadFile(in)
	for _, want := range []string{"n_realizations = 6\n", "diffusion_coef_constants = 100, 300, 500, 100, 300, 500\n", "flow_attenuate_values = 500, 500, 500, 200, 200, 200\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("hipft.in lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "100.,200.,300.,400.,500.") {
		t.Errorf("the old list is still there:\n%s", b)
	}
	t.Chdir(dir)
	if rc := mainArgs([]string{"run", "-q", "hipft.in"}, &stdout, &stderr); rc != 0 {
		t.Fatalf("running the new hipft.in: %s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "hipft_history_sol_r000006.out")); err != nil {
		t.Error(err)
	}
}
