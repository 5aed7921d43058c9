package input

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/namelist"
)

// doc builds an input file: the group line, then body (so body line k is
// file line k+1), then "/".
func doc(body string) string {
	return "&hipft_input_parameters\n" + body + "/\n"
}

// grid is a body fragment that makes a file valid without an initial map.
const grid = "res_nt = 8\nres_np = 9\n"

func TestDefaults(t *testing.T) {
	p := Defaults()
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"verbose", p.Verbose, 0},
		{"n_realizations", p.NRealizations, 1},
		{"dt_max", p.DtMax, math.MaxFloat64},
		{"dt_min", p.DtMin, 1e-15},
		{"diffusion_coef_factor", p.DiffusionCoefFactor, 7.43162901307967e-09},
		{"time_end", p.TimeEnd, 1.0},
		{"validation_run_width", p.ValidationRunWidth, 0.03},
		{"output_map_idx_start", p.OutputMapIdxStart, int64(1)},
		{"output_single_precision", p.OutputSinglePrecision, true},
		{"output_map_2d", p.OutputMap2D, true},
		{"flow_num_method", p.FlowNumMethod, 4},
		{"diffusion_num_method", p.DiffusionNumMethod, 3},
		{"flow_root_dir", p.FlowRootDir, "."},
		{"assimilate_data_map_root_dir", p.AssimilateDataMapRootDir, "."},
		{"flow_list_filename", p.FlowListFilename, ""},
		{"source_rfe_seed", p.SourceRfeSeed, -9999},
		{"source_rfe_lifetime", p.SourceRfeLifetime, 0.3},
		{"pole_flux_lat_limit", p.PoleFluxLatLimit, 30.0},
		{"flow_attenuate_value", p.FlowAttenuateValue, 500.0},
		{"assimilate_data_mu_power", p.AssimilateDataMuPower, 4.0},
		{"assimilate_data_mu_limit", p.AssimilateDataMuLimit, 0.1},
		{"initial_map_mult_fac", p.InitialMapMultFac, 1.0},
		{"assimilate_data_mult_fac", p.AssimilateDataMultFac, 1.0},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s default = %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(p.FlowDrCoefP0Values) != MaxRealizations || p.FlowDrCoefP0Values[1999] != -1e6 || p.DiffusionCoefConstants[0] != -1 {
		t.Errorf("per-realization defaults wrong")
	}
	if n := len(Names()); n != 82 {
		t.Errorf("%d parameters, want 82 (HipFT 1.19.3 namelist)", n)
	}
}

func TestRealizationDefaults(t *testing.T) {
	src := doc(grid + `n_realizations = 3
diffusion_coef_constant = 50
diffusion_coef_constants = 10, -5, ,
flow_dr_coef_p0_value = 40
flow_dr_coef_p0_values(2) = -50000
flow_mf_coef_p1_values = 3*-200000
flow_attenuate_values(3) = 7
assimilate_data_mu_powers = 1 2 3
`)
	p, err := Parse(strings.NewReader(src), "hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{
		"diffusion_coef_constants":                 {10, 50, 50}, // negative given value is replaced, as in HipFT
		"flow_dr_coef_p0_values":                   {40, -50000, 40},
		"flow_dr_coef_p2_values":                   {-262, -262, -262},
		"flow_mf_coef_p1_values":                   {22, 22, 22},
		"flow_attenuate_values":                    {500, 500, 7},
		"assimilate_data_mu_powers":                {1, 2, 3},
		"assimilate_data_lat_limits":               {0, 0, 0},
		"assimilate_data_mu_limits":                {0.1, 0.1, 0.1},
		"source_rfe_total_unsigned_flux_per_hours": {0, 0, 0},
	}
	for name, w := range want {
		par, _ := p.lookup(name)
		if got := *par.ptr.(*[]float64); !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
	if !p.Set["diffusion_coef_constants"] || !p.Set["res_nt"] || p.Set["time_end"] {
		t.Errorf("Set = %v", p.Set)
	}
	if p.Line("flow_dr_coef_p0_values") != 8 || p.Where("flow_dr_coef_p0_values") != "hipft.in:8" || p.Where("time_end") != "hipft.in" {
		t.Errorf("Line/Where wrong: %d %q", p.Line("flow_dr_coef_p0_values"), p.Where("flow_dr_coef_p0_values"))
	}
	// Processing again changes nothing.
	before := p.FlowDrCoefP0Values
	if err := p.Process(Options{}); err != nil || !reflect.DeepEqual(before, p.FlowDrCoefP0Values) {
		t.Errorf("second Process: %v %v", err, p.FlowDrCoefP0Values)
	}
}

func TestProcessFromCode(t *testing.T) {
	p := Defaults()
	p.ResNt, p.ResNp, p.NRealizations = 10, 20, 2
	p.DiffusionCoefConstant = 100
	p.DiffusionCoefConstants = []float64{-1, 300} // shorter than MaxRealizations is fine
	if err := p.Process(Options{}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.DiffusionCoefConstants, []float64{100, 300}) || len(p.FlowDrCoefP4Values) != 2 || p.FlowDrCoefP4Values[1] != -379 {
		t.Errorf("got %v %v", p.DiffusionCoefConstants, p.FlowDrCoefP4Values)
	}
	q := Defaults()
	q.NRealizations = 0
	err := q.Process(Options{})
	if err == nil || !strings.Contains(err.Error(), "input: n_realizations = 0 must be at least 1") {
		t.Errorf("got %v", err)
	}
}

func TestWarnings(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("map.h5", []byte("x"), 0o644)
	src := doc("initial_map_filename = 'map.h5'\nres_nt = 180\nres_np = 360\nverbose = 1\nverbose = 2\n")
	p, err := Parse(strings.NewReader(src), "hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	if p.ResNt != 0 || p.ResNp != 0 || p.Verbose != 2 {
		t.Errorf("res %d %d verbose %d", p.ResNt, p.ResNp, p.Verbose)
	}
	all := strings.Join(p.Warnings, "\n")
	for _, w := range []string{"hipft.in:6: verbose is set twice (lines 5 and 6)", "hipft.in:3: initial_map_filename is set, so res_nt = 180 and res_np = 360 are ignored"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings %q lack %q", all, w)
		}
	}
}

func TestReadFileMissing(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := ReadFile("nothere.in")
	var e *Error
	if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "nothere.in: cannot open the input file: no such file or directory (working directory: ") {
		t.Errorf("got %v", err)
	}
}

func TestSyntaxErrorPassesThrough(t *testing.T) {
	_, err := Parse(strings.NewReader("&hipft_input_parameters\n time_end = 'abc\n/\n"), "hipft.in")
	var ne *namelist.Error
	if !errors.As(err, &ne) || ne.Line != 2 || !strings.HasPrefix(err.Error(), "hipft.in:2: unterminated string") {
		t.Errorf("got %v", err)
	}
}

// TestErrors is the table of every validation error: the message must
// name the file, the line (when the file set the parameter) and the
// parameter.
func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		src   string   // whole file
		files []string // files to create in the working directory
		line  int      // expected line, 0 for none
		param string
		want  []string // substrings of the message
	}{
		{"unknown name", doc(grid + "difusion_coef_constant = 5\n"), nil, 4, "difusion_coef_constant",
			[]string{`hipft.in:4: unknown parameter "difusion_coef_constant" (did you mean "diffusion_coef_constant"?)`}},
		{"unknown name far", doc(grid + "zzzz_top = 5\n"), nil, 4, "zzzz_top",
			[]string{`unknown parameter "zzzz_top" (not a HipFT 1.19.3 input parameter)`}},
		{"unknown name prefix", doc(grid + "pole_flux = 5\n"), nil, 4, "pole_flux",
			[]string{`(did you mean "pole_flux_lat_limit"?)`}},
		{"not settable", doc(grid + "output_flows_root_filename = 'x'\n"), nil, 4, "output_flows_root_filename",
			[]string{"cannot be set"}},
		{"removed", doc(grid + "initial_map_is_3d = .true.\n"), nil, 4, "initial_map_is_3d",
			[]string{"removed in HipFT 1.19.0"}},
		{"wrong group", "&hipft_input\n" + grid + "/\n", nil, 0, "",
			[]string{"hipft.in: the namelist group is &hipft_input", "&hipft_input_parameters"}},
		{"integer as word", doc(grid + "n_realizations = four\n"), nil, 4, "n_realizations",
			[]string{`n_realizations: expected an integer, got "four"`}},
		{"integer as string", doc(grid + "n_realizations = '4'\n"), nil, 4, "n_realizations",
			[]string{`expected an integer, got "4" (a quoted string)`}},
		{"integer as real", doc(grid + "res_nt = 8.5\n"), nil, 4, "res_nt",
			[]string{`res_nt: expected an integer, got "8.5"`}},
		{"integer out of range", doc(grid + "verbose = 3000000000\n"), nil, 4, "verbose",
			[]string{"verbose = 3000000000 is out of range"}},
		{"logical", doc(grid + "advance_flow = .maybe.\n"), nil, 4, "advance_flow",
			[]string{`advance_flow: expected a logical (.true. or .false.), got ".maybe."`}},
		{"real", doc(grid + "time_end = soon\n"), nil, 4, "time_end",
			[]string{`time_end: expected a real number`, `got "soon"`}},
		{"array element", doc(grid + "n_realizations = 2\ndiffusion_coef_constants = 1, x\n"), nil, 5, "diffusion_coef_constants",
			[]string{`diffusion_coef_constants: element 2: expected a real number`}},
		{"string too long", doc(grid + "output_map_directory = '" + strings.Repeat("a", 513) + "'\n"), nil, 4, "output_map_directory",
			[]string{"513 characters long; HipFT allows at most 512"}},
		{"scalar given list", doc(grid + "time_end = 1.0, 2.0\n"), nil, 4, "time_end",
			[]string{"time_end takes a single value (a real number), but 2 values were given"}},
		{"scalar list missing equals", doc(grid + "time_end = 672 dt_max 1.0\n"), nil, 4, "time_end",
			[]string{`3 values were given (is "=" missing after "dt_max"?)`}},
		{"unquoted string with blank", doc(grid + "output_map_directory = my maps\n"), nil, 4, "output_map_directory",
			[]string{"put the value in quotes"}},
		{"scalar indexed", doc(grid + "time_end(2) = 1.0\n"), nil, 4, "time_end",
			[]string{"time_end takes a single value, it is not an array"}},
		{"array too short", doc(grid + "n_realizations = 4\ndiffusion_coef_constants = 1,2,3\n"), nil, 5, "diffusion_coef_constants",
			[]string{"diffusion_coef_constants has 3 values but n_realizations = 4: give exactly one value per realization (or set diffusion_coef_constant"}},
		{"array too long default n", doc(grid + "flow_dr_coef_p2_values = 1, 2\n"), nil, 4, "flow_dr_coef_p2_values",
			[]string{"has 2 values but n_realizations = 1 (the default)"}},
		{"array index beyond n", doc(grid + "n_realizations = 2\nflow_attenuate_values(3) = 1\n"), nil, 5, "flow_attenuate_values",
			[]string{"sets element 3 but n_realizations = 2"}},
		{"array past 2000", doc(grid + "flow_attenuate_values(1999) = 1, 2, 3\n"), nil, 4, "flow_attenuate_values",
			[]string{"3 values starting at element 1999 go past the last element, 2000"}},
		{"n_realizations zero", doc(grid + "n_realizations = 0\n"), nil, 4, "n_realizations",
			[]string{"n_realizations = 0 must be at least 1"}},
		{"n_realizations too many", doc(grid + "n_realizations = 2001\n"), nil, 4, "n_realizations",
			[]string{"n_realizations = 2001 is more than the maximum of 2000"}},
		{"negative time span", doc(grid + "time_start = 10\ntime_end = 5\n"), nil, 5, "time_end",
			[]string{"time_end = 5 is before time_start = 10", "set time_end >= time_start"}},
		{"negative time span start only", doc(grid + "time_start = 10\n"), nil, 4, "time_start",
			[]string{"time_end = 1 is before time_start = 10"}},
		{"dt_max zero", doc(grid + "dt_max = 0\n"), nil, 4, "dt_max",
			[]string{"dt_max = 0 must be positive"}},
		{"dt_min negative", doc(grid + "dt_min = -1e-3\n"), nil, 4, "dt_min",
			[]string{"dt_min = -0.001 must not be negative"}},
		{"anti-diffusion", doc(grid + "advance_diffusion = .true.\ndiffusion_coef_constant = -5\n"), nil, 5, "diffusion_coef_constant",
			[]string{"diffusion_coef_constant = -5 must not be negative", "anti-diffusion"}},
		{"not finite", doc(grid + "dt_max = NaN\n"), nil, 4, "dt_max",
			[]string{"dt_max = NaN is not a finite number"}},
		{"list element not finite", doc(grid + "n_realizations = 2\ndiffusion_coef_constants = 1.0, Inf\n"), nil, 5, "diffusion_coef_constants",
			[]string{"diffusion_coef_constants: element 2, Inf, is not a finite number"}},
		{"negative diffusion factor", doc(grid + "advance_diffusion = .true.\ndiffusion_coef_factor = -1e-9\n"), nil, 5, "diffusion_coef_factor",
			[]string{"diffusion_coef_factor = -1e-09 must not be negative"}},
		{"both map cadences", doc(grid + "output_map_idx_cadence = 5\noutput_map_time_cadence = 2.0\n"), nil, 5, "output_map_time_cadence",
			[]string{"output_map_time_cadence = 2 and output_map_idx_cadence = 5 cannot both be used"}},
		{"negative time cadence", doc(grid + "output_map_time_cadence = -1\n"), nil, 4, "output_map_time_cadence",
			[]string{"output_map_time_cadence = -1 must not be negative"}},
		{"negative idx cadence", doc(grid + "output_map_idx_cadence = -1\n"), nil, 4, "output_map_idx_cadence",
			[]string{"output_map_idx_cadence = -1 must not be negative"}},
		{"negative history cadence", doc(grid + "output_history_time_cadence = -0.5\n"), nil, 4, "output_history_time_cadence",
			[]string{"output_history_time_cadence = -0.5 must not be negative"}},
		{"flow_num_method", doc(grid + "flow_num_method = 7\n"), nil, 4, "flow_num_method",
			[]string{"flow_num_method = 7 is not valid; valid values: 1 (FE+Upwind), 2 (SSPRK(3,3)+Upwind), 3 (SSPRK(3,3)+WENO3), 4 (SSPRK(4,3)+WENO3"}},
		{"diffusion_num_method", doc(grid + "diffusion_num_method = 0\n"), nil, 4, "diffusion_num_method",
			[]string{"diffusion_num_method = 0 is not valid; valid values: 1 (explicit Euler), 2 (RKL2"}},
		{"diffusion_subcycles", doc(grid + "diffusion_subcycles = -2\n"), nil, 4, "diffusion_subcycles",
			[]string{"diffusion_subcycles = -2 must not be negative"}},
		{"source_rfe_model", doc(grid + "source_rfe_model = 3\n"), nil, 4, "source_rfe_model",
			[]string{"source_rfe_model = 3 is not valid; valid values: 0"}},
		{"source_rfe_lifetime", doc(grid + "source_rfe_model = 1\nsource_rfe_lifetime = 0\n"), nil, 5, "source_rfe_lifetime",
			[]string{"source_rfe_lifetime = 0 must be positive when source_rfe_model = 1"}},
		{"validation_run", doc(grid + "validation_run = 3\n"), nil, 4, "validation_run",
			[]string{"validation_run = 3 is not valid; valid values: 0 (none), 1 (soccer-ball diffusion), 2 (Gaussian-blob advection)"}},
		{"no map small res", doc("res_nt = 2\nres_np = 360\n"), nil, 2, "res_nt",
			[]string{"no initial map and res_nt = 2, res_np = 360: set initial_map_filename, or set res_nt and res_np (each at least 3)"}},
		{"no map no res", doc(""), nil, 0, "res_nt",
			[]string{"hipft.in: no initial map and res_nt = 0, res_np = 0"}},
		{"missing initial map", doc("initial_map_filename = 'br.h5'\n"), nil, 2, "initial_map_filename",
			[]string{`initial_map_filename: file "br.h5" does not exist (relative paths are opened from the working directory, `}},
		{"initial map is dir", doc("initial_map_filename = 'd'\n"), []string{"d/"}, 2, "initial_map_filename",
			[]string{`"d" is a directory`}},
		{"missing diffusion file", doc(grid + "advance_diffusion = .true.\ndiffusion_coef_filename = 'k.h5'\n"), nil, 5, "diffusion_coef_filename",
			[]string{`diffusion_coef_filename: file "k.h5" does not exist`}},
		{"missing source file", doc(grid + "advance_source = T\nsource_from_file = T\nsource_filename = 's.h5'\n"), nil, 6, "source_filename",
			[]string{`source_filename: file "s.h5" does not exist`}},
		{"source file not named", doc(grid + "advance_source = T\nsource_from_file = T\n"), nil, 5, "source_from_file",
			[]string{"source_from_file is on but source_filename is not set"}},
		{"missing flow list", doc(grid + "advance_flow = T\nuse_flow_from_files = T\nflow_list_filename = 'flows.csv'\n"), nil, 6, "flow_list_filename",
			[]string{`flow_list_filename: file "flows.csv" does not exist`}},
		{"flow list not named", doc(grid + "advance_flow = T\nuse_flow_from_files = T\n"), nil, 5, "use_flow_from_files",
			[]string{"use_flow_from_files is on but flow_list_filename is not set"}},
		{"missing assimilation list", doc(grid + "assimilate_data = T\nassimilate_data_map_list_filename = 'maps.csv'\n"), nil, 5, "assimilate_data_map_list_filename",
			[]string{`assimilate_data_map_list_filename: file "maps.csv" does not exist`}},
		{"assimilation list not named", doc(grid + "assimilate_data = T\n"), nil, 4, "assimilate_data",
			[]string{"assimilate_data is on but assimilate_data_map_list_filename is not set"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			for _, f := range tc.files {
				if strings.HasSuffix(f, "/") {
					os.Mkdir(f, 0o755)
				} else {
					os.WriteFile(f, []byte("x"), 0o644)
				}
			}
			os.WriteFile("hipft.in", []byte(tc.src), 0o644)
			p, err := ReadFile("hipft.in")
			if err == nil {
				t.Fatalf("no error (params %+v)", p.Set)
			}
			if p != nil {
				t.Errorf("Params returned with an error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v (%T) is not an ErrorList", err, err)
			}
			e := list[0]
			msg := err.Error()
			if len(list) != 1 {
				t.Errorf("%d errors, want 1:\n%s", len(list), msg)
			}
			if e.File != "hipft.in" || e.Line != tc.line || e.Param != tc.param {
				t.Errorf("error at %s:%d param %q, want line %d param %q: %s", e.File, e.Line, e.Param, tc.line, tc.param, msg)
			}
			prefix := "hipft.in: "
			if tc.line > 0 {
				prefix = "hipft.in:" + itoa(tc.line) + ": "
			}
			if !strings.HasPrefix(msg, prefix) {
				t.Errorf("message %q does not start with %q", msg, prefix)
			}
			if tc.param != "" && !strings.Contains(msg, tc.param) {
				t.Errorf("message %q does not name %q", msg, tc.param)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q\n lacks %q", msg, w)
				}
			}
		})
	}
}

func TestAllErrorsReported(t *testing.T) {
	src := doc(grid + "flow_num_method = 9\ndt_max = -1\nn_realizations = 2\ndiffusion_coef_constants = 1\n")
	_, err := ParseWith(strings.NewReader(src), "hipft.in", Options{})
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("got %v", err)
	}
	for i, l := range []int{4, 5, 7} {
		if list[i].Line != l {
			t.Errorf("error %d at line %d, want %d (sorted by line)", i, list[i].Line, l)
		}
	}
	// Several unknown names are all reported too.
	_, err = Parse(strings.NewReader(doc(grid+"foo_bar = 1\nverbos = 1\n")), "hipft.in")
	if !errors.As(err, &list) || len(list) != 2 || !strings.Contains(list[1].Msg, `did you mean "verbose"`) {
		t.Errorf("got %v", err)
	}
}

func TestMapNextToInputHint(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "br.h5"), []byte("x"), 0o644)
	in := filepath.Join(dir, "hipft.in")
	os.WriteFile(in, []byte(doc("initial_map_filename = 'br.h5'\n")), 0o644)
	t.Chdir(t.TempDir())
	_, err := ReadFile(in)
	if err == nil || !strings.Contains(err.Error(), "there is such a file next to the input file: run from "+dir) {
		t.Errorf("got %v", err)
	}
	if _, err := ParseWith(strings.NewReader(doc("initial_map_filename = 'br.h5'\n")), in, Options{SkipFileChecks: true}); err != nil {
		t.Errorf("SkipFileChecks: %v", err)
	}
}

// TestWriteUsedRoundTrip writes the parameters as a namelist and reads
// them back: every value must be identical.
func TestWriteUsedRoundTrip(t *testing.T) {
	src := doc(grid + `n_realizations = 3
diffusion_coef_constants = 100.0, 200.0, 0.1
flow_dr_coef_p0_values = 41.4, 46.0, 50.6
flow_vp_rigid_omega = 1.8076624395655556
initial_map_mult_fac = 1e-300
dt_min = 2.2250738585072014e-308
output_map_idx_start = 12345678901
source_rfe_seed = 42
output_map_directory = 'a "quoted" dir'
flow_root_dir = "it's"
strang_splitting = T
`)
	p, err := Parse(strings.NewReader(src), "hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.WriteUsed(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, w := range []string{"&HIPFT_INPUT_PARAMETERS\n VERBOSE=          0,\n", "\n DT_MAX=  1.7976931348623157E+308,\n",
		"\n FLOW_ATTENUATE_VALUES= 3*500.00000000000000     ,\n", "\n OUTPUT_MAP_DIRECTORY=\"a \"\"quoted\"\" dir\",\n",
		"\n STRANG_SPLITTING=T,\n", "\n SOURCE_RFE_SEED=         42,\n /\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if n := strings.Count(out, "=") - strings.Count(out, "\"=\""); n != len(Names()) {
		t.Errorf("%d assignments written, want %d", n, len(Names()))
	}
	q, err := ParseWith(strings.NewReader(out), "used.out", Options{SkipFileChecks: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	pt, qt := p.table(), q.table()
	for i := range pt {
		a := reflect.ValueOf(pt[i].ptr).Elem().Interface()
		b := reflect.ValueOf(qt[i].ptr).Elem().Interface()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: wrote %v, read back %v", pt[i].name, a, b)
		}
	}
}

func TestWriteRealizationTable(t *testing.T) {
	src := doc(grid + "n_realizations = 2\ndiffusion_coef_constants = 100, 200\nflow_mf_coef_p5_values = -28.0, -30.8\n")
	p, err := Parse(strings.NewReader(src), "hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.WriteRealizationTable(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if len(lines) != 4 || lines[3] != "" {
		t.Fatalf("got %d lines", len(lines))
	}
	if len(lines[0]) != 13*41 || !strings.HasPrefix(lines[0], strings.Repeat(" ", 23)+"realization_number"+strings.Repeat(" ", 15)+"assimilate_data_lat_limits") ||
		!strings.HasSuffix(lines[0], " source_rfe_total_unsigned_flux_per_hours") {
		t.Errorf("header %q", lines[0])
	}
	row := lines[2]
	if len(row) != 41+12*41+1 || !strings.HasSuffix(row, " ") {
		t.Errorf("row length %d: %q", len(row), row)
	}
	if !strings.HasPrefix(row, strings.Repeat(" ", 40)+"2 "+strings.Repeat(" ", 17)+"0.0000000000000000E+000") {
		t.Errorf("row %q", row)
	}
	f := strings.Fields(row)
	if f[9] != "-3.0800000000000001E+001" || f[11] != "2.0000000000000000E+002" || f[12] != "0.0000000000000000E+000" {
		t.Errorf("row fields %q", f)
	}
	q := Defaults()
	q.NRealizations = 3
	if err := q.WriteRealizationTable(&bytes.Buffer{}); err != nil {
		t.Errorf("unprocessed 2000-element arrays: %v", err)
	}
	q.DiffusionCoefConstants = nil
	if err := q.WriteRealizationTable(&bytes.Buffer{}); err == nil {
		t.Error("short arrays accepted")
	}
}

// TestUnusedNegativeDiffusionScalar: a negative diffusion_coef_constant is
// an error only when a realization falls back on it.
func TestUnusedNegativeDiffusionScalar(t *testing.T) {
	src := doc(grid + "advance_diffusion = .true.\nn_realizations = 2\ndiffusion_coef_constant = -5\ndiffusion_coef_constants = 100, 200\n")
	p, err := ParseWith(strings.NewReader(src), "hipft.in", Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.DiffusionCoefConstants[0] != 100 || p.DiffusionCoefConstants[1] != 200 {
		t.Errorf("constants %v", p.DiffusionCoefConstants)
	}
	src = doc(grid + "advance_diffusion = .true.\nn_realizations = 2\ndiffusion_coef_constant = -5\ndiffusion_coef_constants = 100, -1\n")
	if _, err := ParseWith(strings.NewReader(src), "hipft.in", Options{SkipFileChecks: true}); err == nil || !strings.Contains(err.Error(), "diffusion_coef_constant = -5 must not be negative") {
		t.Errorf("realization 2 falls back on the negative scalar: error %v", err)
	}
}
