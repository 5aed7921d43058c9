package gpu

import (
	"os"
	"testing"
)

// assimCases run the data-assimilation case of package assim
// (model/assim/testdata/hipft_da: 41 x 21 maps at 0, 6, 12 and 18 h) with
// diffusion, and variants: weights from mu with powers and limits per
// realization, a latitude limit and flux balancing (HipFT's case as made);
// the file's weights added rather than blended (assimilate_data_add) with
// a data factor; blending with flux balancing under the RFE source and
// flows.
var assimCases = []struct{ name, body string }{
	{"custom_mu_lat_balance", `initial_map_filename = 'br0.h5'
 n_realizations = 2
 time_end = 24.0
 dt_max = 1.0
 advance_diffusion = .true.
 diffusion_coef_constants = 500.0, 1000.0
 assimilate_data = .true.
 assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'
 assimilate_data_map_root_dir = 'obs'
 assimilate_data_balance_flux = .true.
 assimilate_data_custom_from_mu = .true.
 assimilate_data_mu_powers = 2.0, 4.0
 assimilate_data_mu_limits = 0.1, 0.2
 assimilate_data_lat_limits = 0.0, 15.0`},
	{"file_weights_add", `initial_map_filename = 'br0.h5'
 n_realizations = 2
 time_end = 20.0
 dt_max = 1.0
 advance_diffusion = .true.
 diffusion_coef_constants = 500.0, 1000.0
 assimilate_data = .true.
 assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'
 assimilate_data_map_root_dir = 'obs'
 assimilate_data_add = .true.
 assimilate_data_mult_fac = 0.9`},
	{"balance_rfe_flow", `initial_map_filename = 'br0.h5'
 n_realizations = 3
 time_end = 20.0
 dt_max = 1.0
 advance_flow = .true.
 flow_dr_model = 1
 flow_mf_model = 1
 advance_diffusion = .true.
 diffusion_coef_constants = 300.0, 600.0, 900.0
 advance_source = .true.
 source_rfe_model = 1
 source_rfe_total_unsigned_flux_per_hours = 1.0, 2.0, 3.0
 source_rfe_lifetime = 5.0
 source_rfe_seed = 2
 assimilate_data = .true.
 assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'
 assimilate_data_map_root_dir = 'obs'
 assimilate_data_balance_flux = .true.`},
}

// assimCaseDir holds package assim's assimilation case (relative to this
// package's folder, where go test runs).
const assimCaseDir = "../../model/assim/testdata/hipft_da"

// copyCase copies package assim's assimilation case into the run folder.
func copyCase(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, os.DirFS(assimCaseDir)); err != nil {
		t.Fatal(err)
	}
}
