package run

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/stage/synthobs"
)

// optionCasesDir holds small runs, each setting HipFT options that the
// seven testsuite cases leave at their defaults; with the testsuite and
// the examples they set every parameter of HipFT's namelist at least once
// (every advection and
// diffusion method, fixed subcycles, Strang splitting, coefficient maps,
// rigid and file flows, attenuation, time windows, flux balance, data
// assimilation with the maps' or custom weights, random flux emergence
// with a seed (gfortran's random numbers, package fortranrand), a source
// file, single-value flow coefficients, weno_eps, flow_root_dir, blob
// widths of validation run 2, cadenced output maps and flows),
// with HipFT 1.19.3's history files of each in <case>/reference. The
// inputs (map, coefficient map, flow files) are made by
// writeOptionInputs, so only the namelists and HipFT's histories are
// stored. To remake the references:
//
//	GOFT_WRITE_HIPFT_CASE=/tmp/opts go test -run TestWriteHipFTOptionCases ./hipft/run/
//	cd /tmp/opts/CASE && mpirun --allow-run-as-root -np 1 /work/hipft-bin/hipft-serial hipft.in
//	cp hipft_history_sol_r*.out hipft_history_num_r000001.out <goft>/hipft/run/testdata/hipft_options/CASE/reference/
//
// (for each CASE). The first command also rewrites every case's hipft.in
// here from optionCases.
const optionCasesDir = "testdata/hipft_options"

// optionBase is the namelist every option case starts from: a 61 x 31
// map, two realizations, AFT flows and diffusion for five days.
var optionBase = []string{
	"initial_map_filename = 'br0.h5'",
	"output_single_precision = .false.",
	"n_realizations = 2",
	"time_end = 120.0",
	"dt_max = 2.0",
	"output_history_time_cadence = 6.0",
	"advance_flow = .true.",
	"flow_dr_model = 1",
	"flow_mf_model = 1",
	"flow_dr_coef_p0_values = 46.0, 52.0",
	"flow_mf_coef_p1_values = 22.0, 30.0",
	"advance_diffusion = .true.",
	"diffusion_coef_constants = 150.0, 400.0",
}

// optionCases change or add namelist lines of optionBase ("-name" drops
// the base's line for name). A case with
// wantErr is one where HipFT's history turns to NaN after step 0 and goft
// must stop with an error containing wantErr instead.
var optionCases = []struct {
	name    string
	lines   []string
	wantErr string
}{
	{"flow_fe_upwind", []string{"flow_num_method = 1"}, ""},
	{"flow_ssprk33_upwind", []string{"flow_num_method = 2"}, ""},
	{"flow_ssprk33_central", []string{"flow_num_method = 2", "upwind = 0.0", "time_end = 24.0"}, ""},
	{"flow_ssprk33_weno3", []string{"flow_num_method = 3"}, ""},
	{"diffusion_euler", []string{"diffusion_num_method = 1"}, ""},
	{"diffusion_rkl2", []string{"diffusion_num_method = 2"}, ""},
	{"diffusion_subcycles", []string{"diffusion_subcycles = 3"}, ""},
	{"diffusion_rkl2_subcycles", []string{"diffusion_num_method = 2", "diffusion_subcycles = 2"}, ""},
	{"diffusion_euler_subcycles", []string{"diffusion_num_method = 1", "diffusion_subcycles = 40"}, ""},
	{"strang", []string{"strang_splitting = .true."}, ""},
	{"coef_grid", []string{"diffusion_coef_grid = .true.", "diffusion_coef_constants = 0.0, 0.01", "diffusion_coef_factor = 1.0e-4"}, ""},
	{"coef_file", []string{"diffusion_coef_filename = 'coef.h5'"}, ""},
	{"rigid_flows", []string{"flow_dr_model = 0", "flow_mf_model = 0", "flow_vp_rigid_omega = 0.5", "flow_vt_const = 0.005"}, ""},
	{"rigid_theta", []string{"flow_rigid_omega = 0.3"}, "hipft.in:15: flow_rigid_omega: flow: flow model rigid_rotated"},
	{"attenuate", []string{"flow_attenuate = .true.", "flow_attenuate_values = 20.0, 80.0"}, ""},
	{"flow_files", []string{"flow_dr_model = 0", "flow_mf_model = 0", "use_flow_from_files = .true.", "flow_list_filename = 'flows.csv'"}, ""},
	{"time_window", []string{"time_start = 30.0", "time_end = 100.0", "dt_max = 3.0", "output_history_time_cadence = 0.0"}, ""},
	{"flux_balance", []string{"initial_map_flux_balance = .true.", "initial_map_mult_fac = 1.5", "pole_flux_lat_limit = 20.0"}, ""},
	{"diffusion_only", []string{"advance_flow = .false.", "dt_max = 10.0", "time_end = 400.0", "output_history_time_cadence = 20.0"}, ""},
	{"flow_only", []string{"advance_diffusion = .false.", "flow_attenuate = .true."}, ""},
	{"nonuniform_mesh", []string{"initial_map_filename = 'br_nu.h5'"}, ""},
	{"nonuniform_mesh_upwind", []string{"initial_map_filename = 'br_nu.h5'", "flow_num_method = 2", "diffusion_num_method = 2", "strang_splitting = .true."}, ""},
	{"assim", []string{"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'"}, ""},
	{"assim_balance_mult_lat", []string{"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'",
		"assimilate_data_balance_flux = .true.", "assimilate_data_mult_fac = 1.2", "assimilate_data_lat_limits = 0.0, 20.0"}, ""},
	{"assim_add", []string{"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'",
		"assimilate_data_add = .true."}, ""},
	{"rfe_per_cell", []string{"advance_source = .true.", "source_rfe_model = 1", "source_rfe_total_unsigned_flux_per_hours = 0.5, 2.0",
		"source_rfe_lifetime = 5.0", "source_rfe_seed = 12345"}, ""},
	{"rfe_per_area", []string{"advance_source = .true.", "source_rfe_model = 2", "source_rfe_total_unsigned_flux_per_hour = 1.0",
		"source_rfe_lifetime = 3.0", "source_rfe_seed = -7", "time_end = 60.0"}, ""},
	{"source_file", []string{"advance_source = .true.", "source_from_file = .true.", "source_filename = 'src.h5'"}, ""},
	{"assim_custom_mu", []string{"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'",
		"assimilate_data_custom_from_mu = .true.", "assimilate_data_mu_limit = 0.3", "assimilate_data_mu_power = 2.0", "assimilate_data_lat_limit = 10.0"}, ""},
	{"assim_custom_mu_values", []string{"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'",
		"assimilate_data_custom_from_mu = .true.", "assimilate_data_mu_limits = 0.2, 0.5", "assimilate_data_mu_powers = 1.0, 3.0"}, ""},
	{"flow_single_values", []string{"-flow_dr_coef_p0_values", "-flow_mf_coef_p1_values", "flow_dr_coef_p0_value = 44.0", "flow_dr_coef_p2_value = -250.0",
		"flow_dr_coef_p4_value = -400.0", "flow_mf_coef_p1_value = 20.0", "flow_mf_coef_p3_value = 10.0", "flow_mf_coef_p5_value = -25.0"}, ""},
	{"weno_eps", []string{"weno_eps = 1.0e-3", "flow_attenuate = .true."}, ""},
	{"flow_root_dir", []string{"flow_dr_model = 0", "flow_mf_model = 0", "use_flow_from_files = .true.", "flow_list_filename = 'flows.csv'", "flow_root_dir = 'flowdir'"}, ""},
	{"validation_blobs_width", []string{"initial_map_filename = ''", "res_nt = 31", "res_np = 61", "validation_run = 2", "validation_run_width = 0.3",
		"n_realizations = 1", "-flow_dr_coef_p0_values", "-flow_mf_coef_p1_values", "-diffusion_coef_constants", "advance_diffusion = .false.",
		"flow_vp_rigid_omega = -9999.0", "flow_vt_const = -9999.0", "time_end = 48.0", "dt_max = 1.0"}, ""},
	{"output_3d_one_realization", []string{"n_realizations = 1", "flow_dr_coef_p0_values = 46.0", "flow_mf_coef_p1_values = 22.0", "diffusion_coef_constants = 150.0",
		"output_map_2d = .false.", "output_map_time_cadence = 30.0", "output_map_idx_start = 5", "output_flows = .true.", "output_flows_directory = 'flows_out'",
		"dt_min = 0.5"}, ""},
	// Everything of HipFT's flux_transport_1yr_flowCAa_diff300_assimdata_rfe
	// example at once: model and file flows with attenuation, Strang
	// splitting, assimilation with custom weights and flux balance, and
	// random flux emergence.
	{"example_1yr_like", []string{"n_realizations = 1", "flow_dr_coef_p0_values = 46.0", "flow_mf_coef_p1_values = 22.0", "diffusion_coef_constants = 300.0",
		"time_end = 48.0", "dt_max = 0.25", "output_history_time_cadence = 0.25", "flow_attenuate = .true.", "flow_attenuate_value = 500.0",
		"use_flow_from_files = .true.", "flow_list_filename = 'flows.csv'", "strang_splitting = .true.",
		"assimilate_data = .true.", "assimilate_data_map_list_filename = 'obs/synthobs_map_list.csv'", "assimilate_data_map_root_dir = 'obs'",
		"assimilate_data_balance_flux = .true.", "assimilate_data_custom_from_mu = .true.", "assimilate_data_mu_limit = 0.1", "assimilate_data_mu_power = 4.0",
		"advance_source = .true.", "source_rfe_model = 2", "source_rfe_total_unsigned_flux_per_hour = 150.0", "source_rfe_lifetime = 0.3", "source_rfe_seed = 12345"}, ""},
	{"output_maps", []string{"output_single_precision = .true.", "output_map_time_cadence = 24.0", "output_map_flux_balance = .true."}, ""},
	{"output_idx_names", []string{"output_map_idx_cadence = 7", "output_map_root_filename = 'br'", "output_map_directory = 'maps_out'", "time_end = 60.0"}, ""},
	{"output_flows", []string{"n_realizations = 1", "flow_dr_coef_p0_values = 46.0", "flow_mf_coef_p1_values = 22.0", "diffusion_coef_constants = 150.0",
		"flow_attenuate = .true.", "output_map_time_cadence = 48.0", "output_flows = .true."}, ""},
}

// optionNamelist is the namelist of one option case.
func optionNamelist(lines []string) string {
	all := append([]string(nil), optionBase...)
	for _, l := range lines {
		if key, ok := strings.CutPrefix(l, "-"); ok { // drop the base's line
			all = slices.DeleteFunc(all, func(b string) bool { return strings.TrimSpace(strings.SplitN(b, "=", 2)[0]) == key })
			continue
		}
		key := strings.TrimSpace(strings.SplitN(l, "=", 2)[0])
		replaced := false
		for i, b := range all {
			if strings.TrimSpace(strings.SplitN(b, "=", 2)[0]) == key {
				all[i], replaced = l, true
			}
		}
		if !replaced {
			all = append(all, l)
		}
	}
	return "&hipft_input_parameters\n  " + strings.Join(all, "\n  ") + "\n/\n"
}

// writeOptionInputs writes the option cases' input files into dir: the
// initial map br0.h5 (61 x 31 points: a dipole, two tilted bipoles and a
// weak non-axisymmetric field), the same field on a non-uniform mesh
// br_nu.h5, a diffusion coefficient map coef.h5
// (km^2/s, on its own 25 x 25 grid: HipFT 1.19.3 transposes a
// coefficient file's array in place and crashes on a grid that is not
// square), a source map src.h5 (G/hr, the same grid), four pairs of flow files (m/s,
// one every 30 hours) with their list flows.csv (and faster flows of the
// same names in flowdir/), and a data-assimilation
// data set obs/ (four maps 12 hours apart).
func writeOptionInputs(dir string) error {
	grid := func(np, nt int) (phi, theta []float64) {
		phi = make([]float64, np)
		theta = make([]float64, nt)
		for i := range phi {
			phi[i] = float64(2*i) * math.Pi / float64(np-1)
		}
		for j := range theta {
			theta[j] = float64(j) * math.Pi / float64(nt-1)
		}
		return phi, theta
	}
	write := func(name string, phi, theta []float64, v func(p, t float64) float64) error {
		data := make([]float64, len(phi)*len(theta))
		for j, t := range theta {
			for k, p := range phi {
				data[k+len(phi)*j] = v(p, t)
			}
		}
		return psihdf.Write(filepath.Join(dir, name), &psihdf.Map{Dims: []int{len(phi), len(theta)}, Scales: [][]float64{phi, theta}, Data: data}, false)
	}
	// blob is a Gaussian spot of width w (radians) at (p0, t0).
	blob := func(p, t, p0, t0, w float64) float64 {
		d := math.Sin(t)*math.Sin(t0)*math.Cos(p-p0) + math.Cos(t)*math.Cos(t0)
		return math.Exp((d - 1) / (w * w))
	}
	phi, theta := grid(61, 31)
	br0 := func(p, t float64) float64 {
		return 5*math.Cos(t) + 0.4*math.Sin(t)*math.Sin(t)*math.Cos(3*p+0.5) +
			40*(blob(p, t, 1.0, 1.1, 0.12)-blob(p, t, 1.3, 1.0, 0.12)) +
			25*(blob(p, t, 4.0, 2.0, 0.15)-blob(p, t, 3.7, 2.1, 0.15))
	}
	if err := write("br0.h5", phi, theta, br0); err != nil {
		return err
	}
	// The same field on a non-uniform mesh: theta uniform in cos(theta)
	// (sine latitude, as many synoptic maps), phi stretched by 10%.
	_, ctheta := grid(2, 31)
	for j := range ctheta {
		ctheta[j] = math.Acos(1 - 2*float64(j)/30)
	}
	ctheta[0], ctheta[30] = 0, math.Pi
	sphi, _ := grid(61, 2)
	for k, p := range sphi {
		sphi[k] = p + 0.1*math.Sin(p)
	}
	sphi[60] = 2 * math.Pi
	if err := write("br_nu.h5", sphi, ctheta, br0); err != nil {
		return err
	}
	cp, ct := grid(25, 25)
	if err := write("coef.h5", cp, ct, func(p, t float64) float64 { return 200 + 150*math.Sin(t)*(1+math.Cos(p)) }); err != nil {
		return err
	}
	// A static source (G/hr), on the coefficient map's square grid for the
	// same reason.
	if err := write("src.h5", cp, ct, func(p, t float64) float64 { return 0.05 * math.Sin(t) * math.Sin(t) * math.Cos(2*p+0.3) }); err != nil {
		return err
	}
	m, err := mesh.New(phi, theta)
	if err != nil {
		return err
	}
	// A data-assimilation data set: a "truth" field (br0 with its bipoles
	// moved and a stronger dipole) seen by an Earth-based magnetograph
	// every 12 hours (goft synth-obs: B0 = 5 degrees, 0.5 G of noise,
	// float32 maps with the mu^4 weights above mu = 0.1).
	truth := make([]float64, len(phi)*len(theta))
	for j, t := range theta {
		for k, p := range phi {
			truth[k+len(phi)*j] = 8*math.Cos(t) + 30*(blob(p, t, 2.0, 1.2, 0.15)-blob(p, t, 2.4, 1.1, 0.15)) + 20*(blob(p, t, 5.0, 1.9, 0.12)-blob(p, t, 4.7, 2.0, 0.12))
		}
	}
	frames, err := synthobs.StaticFrames(&psihdf.Map{Dims: []int{len(phi), len(theta)}, Scales: [][]float64{phi, theta}, Data: truth}, 1, []float64{0, 12, 24, 36}, "truth")
	if err != nil {
		return err
	}
	o := synthobs.DefaultOptions()
	o.StartJD = synthobs.JulianDate(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	o.Lon0, o.B0, o.Noise, o.Seed, o.Single = 0, 5, 0.5, 3, true
	if _, err := synthobs.Write(filepath.Join(dir, "obs"), 4, frames, &o); err != nil {
		return err
	}
	list := "time,vt_file,vp_file\n"
	for q := range 4 {
		vt, vp := fmt.Sprintf("vt%d.h5", q), fmt.Sprintf("vp%d.h5", q)
		amp := 15 + 5*float64(q)
		if err := write(vt, m.Phi[:m.NPhiFile], m.ThetaHalf, func(p, th float64) float64 {
			return amp * math.Sin(2*th) * (1 + 0.2*math.Cos(p+float64(q)))
		}); err != nil {
			return err
		}
		if err := write(vp, m.PhiHalf, m.Theta, func(p, th float64) float64 {
			return (400 + 30*float64(q)) * math.Sin(th) * (1 - 0.1*math.Sin(p))
		}); err != nil {
			return err
		}
		list += fmt.Sprintf("%11.5f,%-11s,%-11s\n", 1.25*float64(q), vt, vp)
		// Faster flows of the same names in flowdir/, for flow_root_dir.
		if err := os.MkdirAll(filepath.Join(dir, "flowdir"), 0o755); err != nil {
			return err
		}
		if err := write(filepath.Join("flowdir", vt), m.Phi[:m.NPhiFile], m.ThetaHalf, func(p, th float64) float64 {
			return 1.5 * amp * math.Sin(2*th) * (1 + 0.2*math.Cos(p+float64(q)))
		}); err != nil {
			return err
		}
		if err := write(filepath.Join("flowdir", vp), m.PhiHalf, m.Theta, func(p, th float64) float64 {
			return (600 + 30*float64(q)) * math.Sin(th) * (1 - 0.1*math.Sin(p))
		}); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "flows.csv"), []byte(list), 0o644)
}

// TestWriteHipFTOptionCases writes every option case's hipft.in into
// optionCasesDir and, with its inputs, into the folder named by
// GOFT_WRITE_HIPFT_CASE, ready for HipFT.
func TestWriteHipFTOptionCases(t *testing.T) {
	out := os.Getenv("GOFT_WRITE_HIPFT_CASE")
	if out == "" {
		t.Skip("set GOFT_WRITE_HIPFT_CASE to a folder to write the HipFT option cases there")
	}
	for _, c := range optionCases {
		text := optionNamelist(c.lines)
		for _, d := range []string{filepath.Join(optionCasesDir, c.name), filepath.Join(out, c.name)} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, "hipft.in"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := writeOptionInputs(filepath.Join(out, c.name)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHipFTOptionCases runs every option case and compares every line of
// every realization's history with HipFT's by HipFT's rule at precision 5
// (all columns), and the time-step history (time, step lengths, stages and
// subcycles) line by line.
func TestHipFTOptionCases(t *testing.T) {
	for _, c := range optionCases {
		t.Run(c.name, func(t *testing.T) {
			ref := filepath.Join(optionCasesDir, c.name)
			b := readOrFatal(t, filepath.Join(ref, "hipft.in"))
			if string(b) != optionNamelist(c.lines) {
				t.Fatalf("%s/hipft.in differs from optionCases: rewrite it and HipFT's reference (see optionCasesDir)", ref)
			}
			work := t.TempDir()
			if err := writeOptionInputs(work); err != nil {
				t.Fatal(err)
			}
			p, err := input.ParseWith(strings.NewReader(string(b)), filepath.Join(ref, "hipft.in"), input.Options{SkipFileChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			if c.wantErr != "" {
				sol := strings.Split(string(readOrFatal(t, filepath.Join(ref, "reference", "hipft_history_sol_r000001.out"))), "\n")
				if len(sol) < 3 || !strings.Contains(sol[2], "NaN") {
					t.Fatalf("HipFT's history has no NaN after step 0; the case expects one")
				}
				if err := runIn(p, work); err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err := runIn(p, work); err != nil {
				t.Fatal(err)
			}
			files := []string{"hipft_history_num_r000001.out"}
			for i := 1; i <= p.NRealizations; i++ {
				files = append(files, fmt.Sprintf("hipft_history_sol_r%06d.out", i))
			}
			for _, f := range files {
				compareHistoryFiles(t, filepath.Join(ref, "reference", f), filepath.Join(work, f))
			}
			compareOutputMaps(t, filepath.Join(ref, "reference"), work)
		})
	}
}

// compareHistoryFiles compares every line and column of a run's history
// file with HipFT's: each value within 1e-9 of its column's scale
// (analysis.DiffHistories), closer than HipFT's rule at precision 5.
func compareHistoryFiles(t *testing.T, refPath, runPath string) {
	t.Helper()
	ref, err := analysis.ReadHistory(refPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := analysis.ReadHistory(runPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := analysis.DiffHistories(ref, got)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rel > 1e-9 {
		t.Errorf("%s differs from HipFT's by %v", filepath.Base(runPath), d)
	}
	t.Logf("%s: largest difference %v", filepath.Base(runPath), d)
}

// compareOutputMaps compares the output lists of refDir
// (hipft_output_*_list.out) byte for byte with the run's, and every map in
// it or its folders (final maps, the output map and flow folders) with the
// run's map of the same path: within two float32 roundings of the largest magnitude for
// single-precision files, 1e-12 of it for double.
func compareOutputMaps(t *testing.T, refDir, runDir string) {
	t.Helper()
	lists, _ := filepath.Glob(filepath.Join(refDir, "hipft_output_*list.out"))
	for _, l := range lists {
		name := filepath.Base(l)
		if a, b := readOrFatal(t, l), readOrFatal(t, filepath.Join(runDir, name)); string(a) != string(b) {
			t.Errorf("%s differs from HipFT's:\n%s\nHipFT's:\n%s", name, b, a)
		}
	}
	maps, _ := filepath.Glob(filepath.Join(refDir, "*.h5"))
	inFolders, _ := filepath.Glob(filepath.Join(refDir, "*", "*.h5"))
	maps = append(maps, inFolders...)
	if len(lists) > 0 && len(maps) == 0 {
		t.Fatalf("%s has output lists but no maps in a folder", refDir)
	}
	for _, path := range maps {
		name, err := filepath.Rel(refDir, path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := psihdf.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := psihdf.Read(filepath.Join(runDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got.Dims) != fmt.Sprint(want.Dims) {
			t.Fatalf("%s: dimensions %v, HipFT's %v", name, got.Dims, want.Dims)
		}
		scale, worst := 0.0, 0.0
		for _, v := range want.Data {
			scale = math.Max(scale, math.Abs(v))
		}
		for i, v := range want.Data {
			worst = math.Max(worst, math.Abs(got.Data[i]-v))
		}
		tol := 1e-12
		if want.Float32 {
			tol = 2 * 0x1p-24
		}
		if worst > tol*scale {
			t.Errorf("%s: largest difference %.3g, over %.3g of the largest magnitude %.4g", name, worst, tol, scale)
		}
	}
}

// runIn runs p to its end in folder dir.
func runIn(p *input.Params, dir string) error {
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Execute()
}

func readOrFatal(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
