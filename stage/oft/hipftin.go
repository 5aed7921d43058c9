package oft

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/hipft/sweep"
)

// HipFTSetup is what the flux-transport stage's hipft.in depends on besides
// the configuration.
type HipFTSetup struct {
	// TimeStart and TimeEnd are the run's model times (hours): counted
	// from the first assimilation map's date when there are maps (as
	// oftswa.py does), from date_start otherwise.
	TimeStart, TimeEnd float64
	// InitialMap is the initial map's path relative to the hipft folder
	// ("" for a zero map).
	InitialMap string
	// Flows says whether convective flows from files are used (a ConFlow
	// run or link exists); Assimilation whether MagMAP maps are.
	Flows, Assimilation bool
}

// HipFTInput returns the hipft.in of the flux-transport stage: OFT's
// template (rsrc/hipft.in of OFT 1.5.0) with oftswa.py's replacements
// (cadence, flux balance, initial map and factor, random-flux lifetime,
// assimilation factor and flux balance, resolution, times) and the
// realization lists of the configuration (as hipft_input_lists.py writes
// them). goft departs in one way, a documented extension: without flows or
// assimilation maps (ConFlow or MagMAP neither run nor linked), the
// template's use_flow_from_files or assimilate_data is set to .false., so
// that the run goes on without them, where HipFT would stop on the missing
// files.
func (c *Config) HipFTInput(s HipFTSetup) ([]byte, error) {
	h := c.HipFT
	f := func(x float64) string { return formatFloat(x) }
	b := func(v bool) string {
		if v {
			return ".true."
		}
		return ".false."
	}
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	// Each group: a comment and its assignments, in the template's order.
	type kv struct{ k, v string }
	groups := []struct {
		comment string
		kvs     []kv
	}{
		{"Initial map", []kv{{"initial_map_filename", q(s.InitialMap)}, {"initial_map_mult_fac", f(h.InitialMapMultFac)}}},
		{"Number of realizations", []kv{{"n_realizations", "1"}}},
		{"Output map cadence and type (hours)", []kv{{"output_map_time_cadence", f(h.OutputMapCadenceHr)},
			{"output_history_time_cadence", "0.25"}, {"output_map_flux_balance", b(h.OutputMapFluxBalance)}}},
		{"Time (hours)", []kv{{"time_start", f(s.TimeStart)}, {"time_end", f(s.TimeEnd)}}},
		{"Timestep (hours)", []kv{{"dt_max", "0.25"}}},
		{"Pole flux calculation latitude limit (degrees)", []kv{{"pole_flux_lat_limit", "30.0"}}},
		{"Resolution of grid", []kv{{"res_nt", strconv.Itoa(c.Run.MapResolution.NT)}, {"res_np", strconv.Itoa(c.Run.MapResolution.NP)}}},
		{"Flows: attenuated by Br (Gauss), analytic differential rotation and meridional flow (m/s)", []kv{
			{"advance_flow", ".true."}, {"flow_attenuate", ".true."}, {"flow_attenuate_value", "500.0"},
			{"flow_dr_model", "1"}, {"flow_mf_model", "1"},
			{"flow_mf_coef_p1_value", "22.0"}, {"flow_mf_coef_p3_value", "11.0"}, {"flow_mf_coef_p5_value", "-28.0"},
			{"flow_dr_coef_p0_value", "46.0"}, {"flow_dr_coef_p2_value", "-262.0"}, {"flow_dr_coef_p4_value", "-379.0"}}},
		{"Time-dependent convective flows from files (ConFlow)", []kv{{"use_flow_from_files", b(s.Flows)},
			{"flow_list_filename", q("../conflow/flow_output_list.csv")}, {"flow_root_dir", q("../conflow")}}},
		{"Diffusion (km^2/s)", []kv{{"advance_diffusion", ".true."}, {"diffusion_coef_constant", "300.0"}}},
		{"Splitting", []kv{{"strang_splitting", ".true."}}},
		{"Data assimilation (MagMAP maps)", []kv{{"assimilate_data", b(s.Assimilation)},
			{"assimilate_data_map_list_filename", q("../magmap/magmap_data_maps/index_files/magmap_maps_all.csv")},
			{"assimilate_data_map_root_dir", q("../magmap/magmap_data_maps/.")},
			{"assimilate_data_balance_flux", b(h.DataAssimilationBalanceFlux)}, {"assimilate_data_custom_from_mu", ".true."},
			{"assimilate_data_mu_limit", "0.1"}, {"assimilate_data_mu_power", "4.0"},
			{"assimilate_data_mult_fac", f(h.DataAssimilationMultFac)}, {"assimilate_data_lat_limit", "0.0"}}},
		{"Random flux emergence (1e21 Mx/hour, hours)", []kv{{"advance_source", ".true."}, {"source_rfe_model", "2"},
			{"source_rfe_total_unsigned_flux_per_hour", "150.0"}, {"source_rfe_lifetime", f(h.RandomFluxLifetime)},
			{"source_rfe_seed", "12345"}}},
	}
	var sb strings.Builder
	sb.WriteString("&hipft_input_parameters\n!\n! Written by goft oft from " + c.Run.RunName + "'s configuration (OFT's hipft.in template).\n")
	for _, g := range groups {
		fmt.Fprintf(&sb, "!\n! ****** %s\n!\n", g.comment)
		for _, e := range g.kvs {
			fmt.Fprintf(&sb, "  %s = %s\n", e.k, e.v)
		}
	}
	sb.WriteString("/\n")
	src := []byte(sb.String())
	// The lists, as hipft_input_lists.py makes them from the merged file.
	merged, err := c.Marshal()
	if err != nil {
		return nil, err
	}
	spec, err := sweep.ParseSpec(merged)
	if err != nil {
		return nil, fmt.Errorf("hipft.realization_parameters: %w", err)
	}
	lists, err := spec.Expand()
	if err != nil {
		return nil, fmt.Errorf("hipft.realization_parameters: %w", err)
	}
	return sweep.Apply(src, "hipft.in", lists)
}
