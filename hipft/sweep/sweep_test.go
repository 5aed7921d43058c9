package sweep

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

// The expected lists are what HipFT's bin/hipft_input_lists.py (c835a9d)
// writes for the same YAML files.
var expandCases = []struct {
	name, yaml string
	names      []string
	values     [][]float64
}{
	{"crossall", `hipft:
  realization_combination_mode: crossall
  realization_parameters:
    flow_attenuation_values: [300, 500, 800]
    diffusion_coefs: [100, 250.5]
    random_flux_amounts: [1.0, 2.0]
`, []string{"diffusion_coef_constants", "flow_attenuate_values", "source_rfe_total_unsigned_flux_per_hours"}, [][]float64{
		{100, 250.5, 100, 250.5, 100, 250.5, 100, 250.5, 100, 250.5, 100, 250.5},
		{300, 300, 500, 500, 800, 800, 300, 300, 500, 500, 800, 800},
		{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2},
	}},
	{"sweep1d", `hipft:
  realization_combination_mode: sweep1d
  realization_parameters:
    diffusion_coefs: [[175], [100, 175, 250]]
    flow_attenuation_values: [500, 300, 800]
    flow_meridional_p1: [[22], [18, 26]]
`, []string{"diffusion_coef_constants", "flow_attenuate_values", "flow_mf_coef_p1_values"}, [][]float64{
		{175, 100, 250, 175, 175, 175, 175},
		{500, 500, 500, 300, 800, 500, 500},
		{22, 22, 22, 22, 22, 18, 26},
	}},
	{"manual", `hipft:
  realization_combination_mode: manual
  realization_parameters:
    diffusion_coefs: [100, 200, 300]
    flow_differential_p0: [46]
    data_assimilation_mu_limits: [0.1, 0.2, 0.3]
`, []string{"diffusion_coef_constants", "assimilate_data_mu_limits", "flow_dr_coef_p0_values"}, [][]float64{
		{100, 200, 300},
		{0.1, 0.2, 0.3},
		{46, 46, 46},
	}},
}

func TestExpandLikeHipFT(t *testing.T) {
	for _, tc := range expandCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSpec([]byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			l, err := s.Expand()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(l.Names, tc.names) || !reflect.DeepEqual(l.Values, tc.values) {
				t.Errorf("got %v\n%v\nwant %v\n%v", l.Names, l.Values, tc.names, tc.values)
			}
		})
	}
}

// TestApply writes the crossall lists into a hipft.in and reads it back
// with goft's input parser: the lists and n_realizations replace the old
// values (the single diffusion_coef_constant too), comments and the other
// lines stay.
func TestApply(t *testing.T) {
	src := `&hipft_input_parameters
! an ensemble
  initial_map_filename = 'br0.h5'
  n_realizations = 1
  diffusion_coef_constant = 500.0   ! km^2/s
  flow_attenuate_values = 1.0,
     2.0
  time_end = 24.0
/
`
	s, err := ParseSpec([]byte(expandCases[0].yaml))
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	out, err := Apply([]byte(src), "hipft.in", l)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"! an ensemble\n", "  time_end = 24.0\n", "  n_realizations = 12\n",
		"  diffusion_coef_constants = 100, 250.5, 100, 250.5,", "  source_rfe_total_unsigned_flux_per_hours = 1, 1,"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	for _, gone := range []string{"diffusion_coef_constant = 500", "2.0\n", "n_realizations = 1\n"} {
		if strings.Contains(text, gone) {
			t.Errorf("output still has %q:\n%s", gone, text)
		}
	}
	p, err := input.ParseWith(strings.NewReader(text), "hipft.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if p.NRealizations != 12 || !reflect.DeepEqual(p.DiffusionCoefConstants, l.Values[0]) || !reflect.DeepEqual(p.FlowAttenuateValues, l.Values[1]) ||
		!reflect.DeepEqual(p.SourceRfeTotalUnsignedFluxPerHours, l.Values[2]) {
		t.Errorf("parsed back: n %d, %v, %v, %v", p.NRealizations, p.DiffusionCoefConstants, p.FlowAttenuateValues, p.SourceRfeTotalUnsignedFluxPerHours)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"no hipft", "other: 1\n", "no hipft section"},
		{"no mode", "hipft:\n  realization_parameters:\n    diffusion_coefs: [1]\n", "realization_combination_mode is missing"},
		{"bad mode", "hipft:\n  realization_combination_mode: zip\n  realization_parameters:\n    diffusion_coefs: [1]\n", `"zip"`},
		{"no parameters", "hipft:\n  realization_combination_mode: manual\n", "realization_parameters is empty"},
		{"unknown parameter", "hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    difusion_coefs: [1]\n", `line 4: unknown realization parameter "difusion_coefs"`},
		{"not a number", "hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    diffusion_coefs: [1, x]\n", `"x" is not a number`},
		{"bad default form", "hipft:\n  realization_combination_mode: sweep1d\n  realization_parameters:\n    diffusion_coefs: [[1, 2], [3]]\n", "a default and a list"},
		{"scalar", "hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    diffusion_coefs: 5\n", "want a list of numbers"},
		{"negative unset", "hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    flow_attenuation_values: [500, -1]\n", `-1 is negative, which HipFT reads as "not set"`},
		{"twice", "hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    diffusion_coefs: [1]\n    diffusion_coefs: [2]\n", "line 5: diffusion_coefs is given twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	s, err := ParseSpec([]byte("hipft:\n  realization_combination_mode: manual\n  realization_parameters:\n    diffusion_coefs: [1, 2]\n    flow_attenuation_values: [1, 2, 3]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Expand(); err == nil || !strings.Contains(err.Error(), "same length") {
		t.Errorf("manual ranges of lengths 2 and 3: error %v", err)
	}
	// Six ranges of 40 values and two of 2: 40^6*4 combinations, refused before any
	// list is made; negative flow coefficients are fine.
	var big strings.Builder
	big.WriteString("hipft:\n  realization_combination_mode: crossall\n  realization_parameters:\n")
	var vals []string
	for i := 0; i < 40; i++ {
		vals = append(vals, strconv.Itoa(-i))
	}
	for _, p := range Parameters[6:] {
		fmt.Fprintf(&big, "    %s: [%s]\n", p.YAML, strings.Join(vals, ", "))
	}
	fmt.Fprintf(&big, "    diffusion_coefs: [1, 2]\n    flow_attenuation_values: [1, 2]\n")
	s, err = ParseSpec([]byte(big.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Expand(); err == nil || !strings.Contains(err.Error(), "more than HipFT's maximum of 2000 realizations") {
		t.Errorf("40^6*4 combinations: error %v", err)
	}
	s.Mode = Sweep1D // 1 + 6*39 + 2 = 237 realizations
	if l, err := s.Expand(); err != nil || l.N() != 237 {
		t.Errorf("sweep1d of the same ranges: %v", err)
	}
	l := &Lists{Names: []string{"diffusion_coef_constants"}, Values: [][]float64{{1, 2}}}
	for _, tc := range []struct{ name, src, want string }{
		{"shared line", "&hipft_input_parameters\n  time_end = 5.0, diffusion_coef_constant = 3.0\n/\n", "shares its line"},
		{"no closing line", "&hipft_input_parameters\n  time_end = 5.0 /\n", "no closing /"},
		{"not a namelist", "hello\n", "hipft.in"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Apply([]byte(tc.src), "hipft.in", l)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
