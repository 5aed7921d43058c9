package oft

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseMerge(t *testing.T) {
	cfg, err := Parse([]byte(`
run:
  run_name: 'cr2252'
  date_start: '2022-01-01T00:00:00'
  date_end:   '2022-01-28T00:00:00'
  map_resolution:
    np: 360
hipft:
  run: True
  realization_combination_mode: 'sweep1d'
  realization_parameters:
    diffusion_coefs: [100.0, 500.0]
    flow_attenuation_values: [[400.0], [200.0, 800.0]]
`), "user.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Run.RunName != "cr2252" || cfg.Run.MapResolution != (MapResolution{NP: 360, NT: 512}) || !cfg.HipFT.Run {
		t.Errorf("merged run section: %+v, hipft.run %v", cfg.Run, cfg.HipFT.Run)
	}
	if cfg.Run.MPIRunCommand != "mpirun -bind-to none -np <NP>" || cfg.HipFT.OutputMapCadenceHr != 24 || !cfg.HipFTPostProcess.Run {
		t.Errorf("defaults lost: %+v", cfg)
	}
	rp := cfg.HipFT.RealizationParameters
	if got, want := rp["diffusion_coefs"], (Values{Default: []float64{300}, List: []float64{100, 500}, Pair: true}); !reflect.DeepEqual(got, want) {
		t.Errorf("sweep1d list: %+v, want the default paired with it %+v", got, want)
	}
	if got, want := rp["flow_attenuation_values"], (Values{Default: []float64{400}, List: []float64{200, 800}, Pair: true}); !reflect.DeepEqual(got, want) {
		t.Errorf("pair: %+v, want %+v", got, want)
	}
	if got := rp["random_flux_amounts"]; !reflect.DeepEqual(got, Values{List: []float64{150}}) {
		t.Errorf("untouched parameter: %+v", got)
	}
	// The merged file reads back as the same configuration.
	b, err := cfg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(b, "merged.yaml")
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	// (Lists the file left alone are paired with themselves on a second
	// sweep1d merge, as oftswa.py would: compare the pairs only.)
	for k, v := range cfg.HipFT.RealizationParameters {
		if w := again.HipFT.RealizationParameters[k]; v.Pair && !reflect.DeepEqual(v, w) {
			t.Errorf("%s reads back as %+v, want %+v", k, w, v)
		}
	}
	again.HipFT.RealizationParameters = cfg.HipFT.RealizationParameters
	if !reflect.DeepEqual(cfg, again) {
		t.Errorf("merged file reads back differently:\n%s", b)
	}
	for _, want := range []string{"diffusion_coefs: [[300.0], [100.0, 500.0]]", "omp_num_threads: null", "preexisting_magmap_runname: null", "date_start: \"2022-01-01T00:00:00\""} {
		if !strings.Contains(string(b), want) {
			t.Errorf("merged file lacks %q:\n%s", want, b)
		}
	}
}

// TestParseSweep1DOnlyWhenGiven checks oftswa.py's rule: lists are paired
// with the defaults only when the file itself sets sweep1d.
func TestParseSweep1DOnlyWhenGiven(t *testing.T) {
	cfg, err := Parse([]byte("hipft:\n  realization_parameters:\n    diffusion_coefs: [100.0, 500.0]\n"), "u.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.HipFT.RealizationParameters["diffusion_coefs"]; !reflect.DeepEqual(got, Values{List: []float64{100, 500}}) {
		t.Errorf("mode not given: %+v, want the list as given", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"unknown section", "runn:\n  run_name: x\n", `u.yaml:1: unknown key "runn" at the top level (known: conflow, hipft, hipft_post_process, magmap, output_map_processing, run)`},
		{"unknown key", "run:\n  run_name: x\n  date_strt: '2022-01-01T00:00:00'\n", `u.yaml:3: unknown key "date_strt" in run`},
		{"unknown nested key", "run:\n  map_resolution:\n    nx: 3\n", `u.yaml:3: unknown key "nx" in run.map_resolution`},
		{"unknown realization parameter", "hipft:\n  realization_parameters:\n    diffusion: [1.0]\n", `u.yaml:3: unknown key "diffusion" in hipft.realization_parameters`},
		{"wrong type", "run:\n  mpi_num_procs: four\n", "line 2"},
		{"bad list", "hipft:\n  realization_parameters:\n    diffusion_coefs: 3.0\n", "line 3: a list of numbers"},
		{"bad date", "run:\n  date_start: '2022-13-01'\n", "run.date_start"},
		{"end before start", "run:\n  date_start: '2022-01-02T00:00:00'\n  date_end: '2022-01-01T00:00:00'\n", "is not after date_start"},
		{"bad mode", "hipft:\n  realization_combination_mode: sweep2d\n", "use sweep1d, crossall or manual"},
		{"update and overwrite", "magmap:\n  update: True\n  overwrite: True\n", "cannot update and overwrite"},
		{"no run name", "run:\n  run_name: ''\n", "run.run_name: a run name is required"},
		{"run name with a slash", "run:\n  run_name: 'a/b'\n", "is not a folder name"},
		{"zero processes", "run:\n  mpi_num_procs: 0\n", "run.mpi_num_procs"},
		{"not a mapping", "- a\n- b\n", "must be a mapping of sections"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "u.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestParseNow(t *testing.T) {
	cfg, err := Parse([]byte("run:\n  date_end: 'NOW'\n"), "u.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Run.DateEnd != "NOW" {
		t.Errorf("date_end %q", cfg.Run.DateEnd)
	}
}

// TestConFlowSeedExtension checks goft's conflow.random_seed: read when
// given, written into the merged file only then.
func TestConFlowSeedExtension(t *testing.T) {
	c, err := Parse([]byte("conflow:\n  run: True\n  random_seed: 77\n"), "u.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !c.ConFlow.RandomSeed.Set || c.ConFlow.RandomSeed.Value != 77 {
		t.Errorf("random_seed: %+v", c.ConFlow.RandomSeed)
	}
	b, _ := c.Marshal()
	if !strings.Contains(string(b), "random_seed: 77") {
		t.Errorf("merged file:\n%s", b)
	}
	if !strings.Contains(conflowDat(64, 32, c.ConFlow.RandomSeed), "set_random_seed = .true.\n  random_seed_value = 77") {
		t.Error("conflow.dat is not seeded")
	}
	d := Default()
	b, _ = d.Marshal()
	if strings.Contains(string(b), "random_seed") || strings.Contains(string(b), "raw_data_dir") {
		t.Errorf("goft's extensions in the merged file of a configuration without them:\n%s", b)
	}
}
