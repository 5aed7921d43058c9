package main

import (
	"math/rand/v2"

	"bytes"
	"github.com/goft-sft/goft/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/internal/runcmp"
)

// oftCase writes a small OFT configuration (a 41x21 grid, two days, two
// realizations, no ConFlow and no MagMAP) and its initial map into dir.
func oftCase(t *testing.T, dir, extra string) string {
	t.Helper()
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), demo.Map(41, 21), false); err != nil {
		t.Fatal(err)
	}
	y := `run:
  run_name: 'small'
  date_start: '2024-03-01T00:00:00'
  date_end:   '2024-03-03T00:00:00'
  map_resolution: {np: 41, nt: 21}
hipft:
  run: True
  output_map_cadence_hr: 12
  initial_map_filename: 'br0.h5'
  realization_combination_mode: 'sweep1d'
  realization_parameters:
    diffusion_coefs: [500.0]
output_map_processing:
  run: True
  map_resolution_delta_deg: 10.0
  make_wsa_dataset: True
` + extra
	p := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// edited returns text with each old string of pairs (old, new, old, new,
// ...) replaced once; a missing old string fails the test, so that a case
// cannot silently stop doing what it says.
func edited(t *testing.T, text []byte, pairs ...string) []byte {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !bytes.Contains(text, []byte(pairs[i])) {
			t.Fatalf("the test case no longer holds %q: update the test", pairs[i])
		}
		text = bytes.Replace(text, []byte(pairs[i]), []byte(pairs[i+1]), 1)
	}
	return text
}

// editCase rewrites the configuration file cfg with edited.
func editCase(t *testing.T, cfg string, pairs ...string) {
	t.Helper()
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, edited(t, b, pairs...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestOFTRun runs goft oft on a small configuration: the run folder has
// oftswa.py's layout, the ensemble ran (two realizations from the sweep),
// the map lists are dated, post-processing wrote its plots and report; the
// same command again reruns nothing.
func TestOFTRun(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	cfg := oftCase(t, dir, "")
	var out, errb bytes.Buffer
	if code := mainArgs([]string{"oft", "-o", "runs", cfg}, &out, &errb); code != 0 {
		t.Fatalf("goft oft: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	run := filepath.Join(dir, "runs", "small")
	for _, f := range []string{"small.yaml", "oftswa.log", "oftswa.err", "hipft/hipft.in", "hipft/input_map/br0.h5", "hipft/input_map/br_input_map.h5",
		"hipft/hipft_history_sol_r000002.out", "hipft/output_maps/hipft_brmap_idx000005.h5",
		"hipft/output_maps/hipft_output_map_list_utc.out", "hipft/output_maps/hipft_output_map_list_tai.out",
		"post_processing_raw/hipft_report.html", "post_processing_raw/history_flux_pm.png",
		"hipft/processed_maps/hipft_brmap_idx000005.h5", "hipft/processed_maps_wsa/hipft_brmap_idx000005.h5",
		"hipft/processed_maps/hipft_history_sol_r000002.out", "post_processing_processed/history_flux_pm.png"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, w := range []string{"WARNING: ConFlow disabled", "WARNING: MagMAP disabled", "[3/6] HipFT", "OFT run complete"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("output lacks %q:\n%s", w, out.String())
		}
	}
	in, _ := os.ReadFile(filepath.Join(run, "hipft", "hipft.in"))
	for _, w := range []string{"n_realizations = 2", "diffusion_coef_constants = 300, 500", "time_end = 48.0", "use_flow_from_files = .false.", "assimilate_data = .false."} {
		if !bytes.Contains(in, []byte(w)) {
			t.Errorf("hipft.in lacks %q", w)
		}
	}
	utc, _ := os.ReadFile(filepath.Join(run, "hipft", "output_maps", "hipft_output_map_list_utc.out"))
	if !bytes.Contains(utc, []byte("2024-03-01T12:00:00.000")) || !bytes.Contains(utc, []byte("2024-03-03T00:00:00.000")) {
		t.Errorf("dated map list:\n%s", utc)
	}
	hist := filepath.Join(run, "hipft", "hipft_history_sol_r000001.out")
	before, _ := os.Stat(hist)

	out.Reset()
	if code := mainArgs([]string{"oft", "-o", "runs", cfg}, &out, &errb); code != 0 {
		t.Fatalf("goft oft again: exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Previous HipFT run found") {
		t.Errorf("the second run did not find the finished stage:\n%s", out.String())
	}
	if after, _ := os.Stat(hist); !after.ModTime().Equal(before.ModTime()) {
		t.Error("the second run ran the ensemble again")
	}
	if _, err := os.Stat(filepath.Join(run, "small_1.yaml")); err != nil {
		t.Errorf("the second run's parameters: %v", err)
	}
}

// TestOFTErrors checks that a bad configuration is refused naming the file,
// the line and the key.
func TestOFTErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ name, extra, want string }{
		{"unknown key", "  mpi_procs: 2\n", `small.yaml:17: unknown key "mpi_procs" in output_map_processing`},
		{"more processes than realizations", "", "run.mpi_num_procs = 3 is more than the 2 realizations"},
		{"initial map on another grid", "", "hipft.initial_map_filename"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := oftCase(t, dir, c.extra)
			switch c.name {
			case "more processes than realizations":
				editCase(t, cfg, "run:\n", "run:\n  mpi_num_procs: 3\n")
			case "initial map on another grid":
				editCase(t, cfg, "{np: 41, nt: 21}", "{np: 81, nt: 41}")
			}
			var out, errb bytes.Buffer
			code := mainArgs([]string{"oft", "-o", "runs", "-dry_run", cfg}, &out, &errb)
			if code == 0 || !strings.Contains(errb.String(), c.want) {
				t.Errorf("exit %d, stderr %s, want %q", code, errb.String(), c.want)
			}
		})
	}
}

// TestOFTProcesses runs the ensemble stage over two processes (goft's own,
// as the configured launcher is not on PATH) and checks that the merged
// run equals the single-process one in every history and map.
func TestOFTProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level tests skipped in -short mode")
	}
	bin := goftBinary(t)
	dir := t.TempDir()
	cfg := oftCase(t, dir, "hipft_post_process:\n  run: False\n")
	editCase(t, cfg, "run: True\n  map_resolution_delta_deg", "run: False\n  map_resolution_delta_deg")
	b, _ := os.ReadFile(cfg)
	split := func(name, launch string) string {
		p := filepath.Join(dir, name+".yaml")
		os.WriteFile(p, edited(t, b, "run:\n", "run:\n  mpi_num_procs: 2\n  mpi_run_command: '"+launch+"'\n",
			"run_name: 'small'", "run_name: '"+name+"'"), 0o644)
		return p
	}
	runs := map[string]string{"small": cfg, "split": split("split", "no-such-launcher -np <NP>")}
	if _, err := exec.LookPath("mpirun"); err == nil && testenv.Long() {
		// Open MPI's launcher (as root it needs --allow-run-as-root).
		runs["mpirun"] = split("mpirun", "mpirun --allow-run-as-root --oversubscribe -np <NP>")
	} else {
		t.Log("the mpirun case runs with GOFT_LONG_TESTS=1 where mpirun is installed (Debian's openmpi-bin, as .ci/run does)")
	}
	for _, c := range runs {
		if out, err := runGoft(t, bin, dir, launcherEnv(), "oft", "-q", "-o", "runs", c); err != nil {
			t.Fatalf("%s: %v\n%s", c, err, out)
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "runs", "split", "oftswa.log"))
	if !bytes.Contains(log, []byte("goft starts the 2 processes itself")) {
		t.Errorf("the log does not say how the processes started:\n%s", log)
	}
	for name := range runs {
		if name == "small" {
			continue
		}
		sameAsOneProcess(t, filepath.Join(dir, "runs", "small", "hipft"), filepath.Join(dir, "runs", name, "hipft"))
		// Two processes ran: the merged timing file has a block for each.
		timing, _ := os.ReadFile(filepath.Join(dir, "runs", name, "hipft", "hipft_timing.out"))
		if n := bytes.Count(timing, []byte("Processor id =")); n != 2 {
			t.Errorf("%s: hipft_timing.out has %d processor blocks, want 2", name, n)
		}
	}
}

// sameAsOneProcess compares the histories and maps of a split run with a
// single-process run's.
func sameAsOneProcess(t *testing.T, ref, got string) {
	t.Helper()
	for _, pat := range []string{"hipft_history_*.out", "output_maps/hipft_brmap_idx*.h5", "hipft_brmap_final.h5"} {
		m, _ := filepath.Glob(filepath.Join(ref, pat))
		if len(m) == 0 {
			t.Fatalf("no %s in the single-process run", pat)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(ref, p)
			a, _ := os.ReadFile(p)
			b, err := os.ReadFile(filepath.Join(got, rel))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s differs from the single-process run's (%v)", rel, err)
			}
		}
	}
}

// TestOFTKilled kills goft oft with SIGKILL during each stage of the OFT
// example (ConFlow seeded with goft's conflow.random_seed), each time once
// the stage before has finished and then after a random delay, and gives
// the same command again: the finished stages are kept, the others run
// again or continue, and the flows, maps, ensemble, processed and WSA maps
// equal an uninterrupted run's.
func TestOFTKilled(t *testing.T) {
	if !testenv.Long() {
		t.Skip("set GOFT_LONG_TESTS=1 to run it")
	}
	bin := goftBinary(t)
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	// The example's inputs: demo -oft writes them and runs once (the
	// uninterrupted run, into demo/runs).
	if code := mainArgs([]string{"demo", "-oft", "-o", "demo"}, &out, &errb); code != 0 {
		t.Fatalf("goft demo -oft: %s", errb.String())
	}
	cfg := filepath.Join(dir, "demo", "oft.yaml")
	run := filepath.Join(dir, "runs", "example")
	rng := rand.New(rand.NewPCG(7, 8))
	stages := []string{"conflow", "magmap", "hipft", "post_processing_raw", "output_map_processing", "post_processing_processed"}
	// Kill delays within each stage, below its length on 2 cores (ConFlow
	// about 15 s, MagMAP 8 s, the ensemble 1 s, post-processing 3 s, map
	// processing and the processed maps' plots 0.1 s).
	within := []int{3000, 2000, 300, 1000, 30, 30}
	for i, stage := range stages {
		cmd := exec.Command(bin, "oft", "-q", "-o", "runs", cfg)
		cmd.Env = launcherEnv()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Wait for the stage to start: the one before it has finished.
		for i > 0 {
			if _, err := os.Stat(filepath.Join(run, ".goft-oft", stages[i-1]+".done")); err == nil {
				break
			}
			time.Sleep(time.Millisecond)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the attempt failed in %s: %v", stage, err)
			}
			t.Logf("the run finished before the kill in %s", stage)
			continue
		case <-time.After(time.Duration(rng.IntN(within[i])) * time.Millisecond):
		}
		cmd.Process.Kill()
		err := <-done
		_, finished := os.Stat(filepath.Join(run, ".goft-oft", stage+".done"))
		t.Logf("killed in %s (%v; the stage had finished: %v)", stage, err, finished == nil)
	}
	if out, err := runGoft(t, bin, dir, launcherEnv(), "oft", "-q", "-o", "runs", cfg); err != nil {
		t.Fatalf("the same command after the kills: %v\n%s", err, out)
	}
	patterns := []string{"conflow/*", "magmap/magmap_data_maps/index_files/*", "magmap/magmap_data_maps/*/*/*/*.h5",
		"hipft/hipft_history_*.out", "hipft/output_maps/*", "hipft/hipft_brmap_final.h5", "hipft/processed_maps/*", "hipft/processed_maps_wsa/*"}
	want := runcmp.Outputs(t, filepath.Join(dir, "demo", "runs", "example"), patterns...)
	if len(want) < 5000 {
		t.Fatalf("the uninterrupted run has only %d files", len(want))
	}
	runcmp.Compare(t, want, runcmp.Outputs(t, run, patterns...), "the killed and restarted run")
}

// TestOFTWithMagMAP runs the chain of a twin experiment through goft oft:
// synth-obs -fits makes disks of the initial map; the MagMAP stage maps
// them (magmap.raw_data_dir); the ensemble assimilates them, its model
// times counted from the first map's date as oftswa.py does. (About 10 s:
// MagMAP's 10240x5120 interpolation grid for each disk.)
func TestOFTWithMagMAP(t *testing.T) {
	if !testenv.Long() {
		t.Skip("set GOFT_LONG_TESTS=1 to run it")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	cfg := oftCase(t, dir, "magmap:\n  run: True\n  raw_data_dir: 'disks'\nhipft_post_process:\n  run: False\n")
	editCase(t, cfg, "output_map_processing:\n  run: True", "output_map_processing:\n  run: False")
	var out, errb bytes.Buffer
	// Disks every 12 hours from 6 hours before the run's start: MagMAP maps
	// those of the run's dates, the first 6 hours after its start, so that
	// time_start = -6 h (date_start counted from the first map).
	if code := mainArgs([]string{"synth-obs", "-fits", "-npix", "96", "-map", "br0.h5", "-n", "5", "-cadence", "12",
		"-start", "2024-02-29T18:00:00", "-o", "disks"}, &out, &errb); code != 0 {
		t.Fatalf("synth-obs: %s", errb.String())
	}
	if code := mainArgs([]string{"oft", "-o", "runs", cfg}, &out, &errb); code != 0 {
		t.Fatalf("goft oft: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	run := filepath.Join(dir, "runs", "small")
	idx, err := os.ReadFile(filepath.Join(run, "magmap", "magmap_data_maps", "index_files", "magmap_maps_all.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(idx, []byte("\n")); n != 5 || !bytes.Contains(idx, []byte("\n2024-03-01T06:00:00,")) {
		t.Errorf("the map index has %d lines, want a header and the 4 maps of the run's dates from 06:00:\n%s", n, idx)
	}
	in, _ := os.ReadFile(filepath.Join(run, "hipft", "hipft.in"))
	for _, w := range []string{"assimilate_data = .true.", "time_start = -6.0", "time_end = 42.0", "use_flow_from_files = .false."} {
		if !bytes.Contains(in, []byte(w)) {
			t.Errorf("hipft.in lacks %q", w)
		}
	}
	if strings.Contains(out.String(), "without data assimilation") {
		t.Errorf("the run says it has no maps:\n%s", out.String())
	}
}

// TestOFTWithConFlow runs the ConFlow stage (OFT's conflow.dat on the run's
// grid, unseeded as OFT's is) and the ensemble on its flows.
func TestOFTWithConFlow(t *testing.T) {
	if !testenv.Long() {
		t.Skip("set GOFT_LONG_TESTS=1 to run it")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	cfg := oftCase(t, dir, "conflow:\n  run: True\nhipft_post_process:\n  run: False\n")
	editCase(t, cfg, "{np: 41, nt: 21}", "{np: 64, nt: 32}", "output_map_processing:\n  run: True", "output_map_processing:\n  run: False")
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), demo.Map(64, 32), false); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := mainArgs([]string{"oft", "-o", "runs", cfg}, &out, &errb); code != 0 {
		t.Fatalf("goft oft: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	run := filepath.Join(dir, "runs", "small")
	list, err := os.ReadFile(filepath.Join(run, "conflow", "flow_output_list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(list, []byte("\n")); n != 2689 { // a header and 28 days every 15 minutes
		t.Errorf("the flow list has %d lines, want 2689", n)
	}
	dat, _ := os.ReadFile(filepath.Join(run, "conflow", "conflow.dat"))
	if !bytes.Contains(dat, []byte("n_long = 64")) || !bytes.Contains(dat, []byte("n_lat = 32")) {
		t.Errorf("conflow.dat is not on the run's grid:\n%s", dat)
	}
	in, _ := os.ReadFile(filepath.Join(run, "hipft", "hipft.in"))
	if !bytes.Contains(in, []byte("use_flow_from_files = .true.")) {
		t.Error("hipft.in does not use the flows")
	}
	if strings.Contains(out.String(), "without convective flows") {
		t.Errorf("the run says it has no flows:\n%s", out.String())
	}
}

// TestOFTDemoStagesAlone runs the OFT example (goft demo -oft: every stage)
// and checks the run folder's layout, then runs the deterministic stages
// alone on the same inputs, as a user would without goft oft: goft magmap
// on the disks, goft conflow on the run's conflow.dat (seeded by the
// example's conflow.random_seed), goft run on the hipft.in (with the run's
// flows and maps), goft mapprep on the run; each must write the same
// files, byte for byte.
func TestOFTDemoStagesAlone(t *testing.T) {
	if !testenv.Long() {
		t.Skip("set GOFT_LONG_TESTS=1 to run it (about 30 s)")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := mainArgs([]string{"demo", "-oft", "-o", "demo"}, &out, &errb); code != 0 {
		t.Fatalf("goft demo -oft: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	run := filepath.Join(dir, "demo", "runs", "example")
	for _, f := range []string{"example.yaml", "oftswa.log", "oftswa.err", "conflow/conflow.dat", "conflow/flow_output_list.csv",
		"magmap/magmap_data_disks", "magmap/magmap_data_maps/index_files/magmap_maps_all.csv", "hipft/hipft.in",
		"hipft/input_map/br_input_map.h5", "hipft/output_maps/hipft_output_map_list_utc.out", "hipft/processed_maps",
		"hipft/processed_maps_wsa", "post_processing_raw/hipft_report.html", "post_processing_processed"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Errorf("run folder: %v", err)
		}
	}
	same := func(a, b string, patterns ...string) {
		t.Helper()
		want, got := runcmp.Outputs(t, a, patterns...), runcmp.Outputs(t, b, patterns...)
		if len(want) == 0 {
			t.Fatalf("no %v in %s", patterns, a)
		}
		runcmp.Compare(t, want, got, "the stage run alone")
	}

	// MagMAP alone.
	alone := filepath.Join(dir, "alone")
	if code := mainArgs([]string{"magmap", "-q", "-odir", filepath.Join(alone, "maps"), "-startdate", "2024-03-01T00:00:00", "-enddate", "2024-03-03T00:00:00",
		"-npout", "64", "-ntout", "32", filepath.Join(dir, "demo", "disks")}, &out, &errb); code != 0 {
		t.Fatalf("goft magmap: %s", errb.String())
	}
	same(filepath.Join(run, "magmap", "magmap_data_maps"), filepath.Join(alone, "maps"), "index_files/*", "*/*/*/*.h5")

	// ConFlow alone, on the run's conflow.dat.
	flows := filepath.Join(alone, "flows")
	os.MkdirAll(flows, 0o755)
	dat, err := os.ReadFile(filepath.Join(run, "conflow", "conflow.dat"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(flows, "conflow.dat"), edited(t, dat, "output_directory = '.'", "output_directory = '"+flows+"'"), 0o644)
	if code := mainArgs([]string{"conflow", "-q", filepath.Join(flows, "conflow.dat")}, &out, &errb); code != 0 {
		t.Fatalf("goft conflow: %s", errb.String())
	}
	same(filepath.Join(run, "conflow"), flows, "*.h5", "flow_output_list.csv")

	// The ensemble alone, on the run's flows and maps.
	hipftAlone := filepath.Join(alone, "run", "hipft")
	if err := os.MkdirAll(filepath.Join(hipftAlone, "input_map"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"conflow", "magmap"} {
		if err := os.Symlink(filepath.Join(run, l), filepath.Join(alone, "run", l)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"hipft.in", "input_map/br0.h5"} {
		b, err := os.ReadFile(filepath.Join(run, "hipft", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(hipftAlone, f), b, 0o644)
	}
	os.Symlink("br0.h5", filepath.Join(hipftAlone, "input_map", "br_input_map.h5"))
	t.Chdir(hipftAlone)
	if code := mainArgs([]string{"run", "-q", "hipft.in"}, &out, &errb); code != 0 {
		t.Fatalf("goft run: %s", errb.String())
	}
	same(filepath.Join(run, "hipft"), hipftAlone, "hipft_history_*.out", "hipft_brmap_final.h5", "output_maps/hipft_brmap_idx*.h5", "hipft_output_map_list.out")

	// Map processing alone, on the ensemble run alone.
	if code := mainArgs([]string{"mapprep", "-res", "10", "-smoothfac", "1", "-mfac", "1", "-wsa", hipftAlone}, &out, &errb); code != 0 {
		t.Fatalf("goft mapprep: %s", errb.String())
	}
	// (The dated map lists in processed_maps come from post-processing.)
	same(filepath.Join(run, "hipft"), hipftAlone, "processed_maps/*.h5", "processed_maps/hipft_history_*", "processed_maps_wsa/*")
}
