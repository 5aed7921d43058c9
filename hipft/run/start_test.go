package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

// TestNewWritesNothing checks that building a run touches no disk (not
// even its folder) and that Start then writes HipFT's setup files and the
// step-0 outputs, once.
func TestNewWritesNothing(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "run")
	in := "&hipft_input_parameters\n res_nt = 11\n res_np = 21\n n_realizations = 2\n validation_run = 1\n" +
		" advance_diffusion = .true.\n diffusion_coef_constants = 100.0, 200.0\n time_end = 2.0\n dt_max = 1.0\n output_map_idx_cadence = 1\n/\n"
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("New created the run folder (stat: %v)", err)
	}
	for i := 0; i < 2; i++ { // the second Start does nothing
		if err := r.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"hipft_run_parameters_used.out", "hipft_realization_parameters.out",
		"hipft_brmap_initial.h5", "hipft_brmap_initial_0.h5", "hipft_brmap_final_analytic.h5",
		"hipft_history_sol_r000001.out", "hipft_history_sol_r000002.out",
		"hipft_output_map_list.out", "output_maps/hipft_brmap_idx000001.h5"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("after Start: %v", err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "hipft_history_sol_r000001.out"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 2 { // header, step 0
		t.Errorf("history has %d lines after Start, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "output_maps", "hipft_brmap_idx000002.h5")); err == nil {
		t.Error("Start wrote two step-0 maps")
	}
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "hipft_history_sol_r000001.out"))
	if n := strings.Count(string(b), "\n"); n != 4 { // header, steps 0, 1, 2
		t.Errorf("history has %d lines after the run, want 4", n)
	}
}

// TestTranslate checks that the namelist reaches the physics configs:
// file names resolved against the run folder, per-realization lists and
// the validation problem's parameters.
func TestTranslate(t *testing.T) {
	in := "&hipft_input_parameters\n res_nt = 11\n res_np = 21\n n_realizations = 2\n time_start = 1.0\n time_end = 9.0\n" +
		" advance_source = .true.\n source_from_file = .true.\n source_filename = 'src.h5'\n source_rfe_model = 1\n source_rfe_seed = 5\n" +
		" source_rfe_lifetime = 3.0\n assimilate_data = .true.\n assimilate_data_map_list_filename = 'list.csv'\n" +
		" assimilate_data_map_root_dir = 'maps'\n assimilate_data_mult_fac = 2.0\n diffusion_coef_constants = 10.0, 20.0\n" +
		" diffusion_coef_factor = 3.0\n validation_run = 2\n validation_run_width = 0.04\n flow_vt_const = 5.0\n/\n"
	p, err := input.ParseWith(strings.NewReader(in), "hipft.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(s string) string { return "/run/" + s }
	sc := sourceConfig(p, resolve, []string{"mine"})
	if !sc.FromFile || sc.Filename != "/run/src.h5" || sc.RFEModel != 1 || sc.RFESeed != 5 || sc.RFELifetime != 3 || sc.Extra[0] != "mine" {
		t.Errorf("source config %+v", sc)
	}
	ac := assimConfig(p, resolve)
	if ac.ListFile != "/run/list.csv" || ac.RootDir != "/run/maps" || ac.TimeStart != 1 || ac.MultFac != 2 {
		t.Errorf("assimilation config %+v", ac)
	}
	ds := diffusionSpec(p)
	if len(ds.Constants) != 2 || ds.Constants[1] != 20 || ds.Factor != 3 {
		t.Errorf("diffusion spec %+v", ds)
	}
	vc := validationConfig(p)
	if vc.Run != 2 || vc.TimeStart != 1 || vc.TimeEnd != 9 || vc.Width != 0.04 || vc.FlowVtConst != 5 || vc.DiffusionConstants[0] != 10 {
		t.Errorf("validation config %+v", vc)
	}
}
