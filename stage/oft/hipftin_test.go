package oft

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

// TestHipFTInput checks the flux-transport stage's hipft.in: goft reads it
// (every parameter known and valid), oftswa.py's replacements are there,
// and the realization lists follow the combination mode.
func TestHipFTInput(t *testing.T) {
	cfg, err := Parse([]byte(`
run:
  map_resolution: {np: 360, nt: 180}
hipft:
  output_map_cadence_hr: 12
  random_flux_lifetime: 0.5
  data_assimilation_mult_fac: 1.2
  realization_combination_mode: 'sweep1d'
  realization_parameters:
    diffusion_coefs: [100.0, 500.0]
    flow_attenuation_values: [[400.0], [200.0, 400.0, 800.0]]
`), "u.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name         string
		setup        HipFTSetup
		want, absent []string
	}{
		{"everything", HipFTSetup{TimeStart: 10, TimeEnd: 682, InitialMap: "input_map/br_input_map.h5", Flows: true, Assimilation: true},
			[]string{"time_start = 10.0", "time_end = 682.0", "initial_map_filename = 'input_map/br_input_map.h5'", "use_flow_from_files = .true.", "assimilate_data = .true.",
				"output_map_time_cadence = 12.0", "source_rfe_lifetime = 0.5", "assimilate_data_mult_fac = 1.2", "res_np = 360", "res_nt = 180",
				// sweep1d: the defaults (300, 400) then each parameter's others.
				"n_realizations = 5", "diffusion_coef_constants = 300, 100, 500, 300, 300", "flow_attenuate_values = 400, 400, 400, 200, 800"},
			[]string{"diffusion_coef_constant = 300.0", "n_realizations = 1"}},
		{"no flows, no maps", HipFTSetup{TimeEnd: 672},
			[]string{"use_flow_from_files = .false.", "assimilate_data = .false.", "initial_map_filename = ''"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := cfg.HipFTInput(c.setup)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !bytes.Contains(b, []byte(w)) {
					t.Errorf("hipft.in lacks %q:\n%s", w, b)
				}
			}
			for _, w := range c.absent {
				if bytes.Contains(b, []byte(w)) {
					t.Errorf("hipft.in holds %q", w)
				}
			}
			p, err := input.ParseWith(bytes.NewReader(b), filepath.Join(t.TempDir(), "hipft.in"), input.Options{SkipFileChecks: true})
			if err != nil {
				t.Fatalf("goft does not read it: %v\n%s", err, b)
			}
			if p.NRealizations != 5 || p.TimeEnd != c.setup.TimeEnd || (c.setup.InitialMap == "" && p.ResNp != 360) { // (with a map, its grid)
				t.Errorf("read back: n_realizations %d, time_end %g, res_np %d", p.NRealizations, p.TimeEnd, p.ResNp)
			}
		})
	}
	if !strings.Contains(formatFloat(1e-5), "e") {
		t.Error(formatFloat(1e-5))
	}
}
