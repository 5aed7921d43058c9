// Package sweep builds the per-realization parameter lists of an ensemble
// from value ranges, as HipFT's bin/hipft_input_lists.py does: it reads the
// same YAML file, combines the ranges in the same three modes, and writes
// the lists (diffusion_coef_constants = ..., and so on) and n_realizations
// into a hipft.in.
//
// The YAML file has the form
//
//	hipft:
//	  realization_combination_mode: crossall   # or sweep1d, manual
//	  realization_parameters:
//	    diffusion_coefs: [100, 300, 500]
//	    flow_attenuation_values: [[500], [300, 500, 800]]
//
// where each parameter is a list of values, or a default and a list,
// [[x], [y, ...]], which means x followed by the other values of the list.
// Units are those of the HipFT parameters (Parameters).
package sweep

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/goft-sft/goft/format/namelist"
	"github.com/goft-sft/goft/hipft/input"
)

// Parameters maps the YAML names of hipft_input_lists.py to the HipFT
// parameters they set per realization (the plural, list form of each).
var Parameters = []struct{ YAML, HipFT string }{
	{"diffusion_coefs", "diffusion_coef_constants"},                     // km^2/s
	{"flow_attenuation_values", "flow_attenuate_values"},                // Gauss
	{"data_assimilation_mu_limits", "assimilate_data_mu_limits"},        // mu
	{"data_assimilation_mu_powers", "assimilate_data_mu_powers"},        // power of mu
	{"data_assimilation_lat_limits", "assimilate_data_lat_limits"},      // degrees
	{"random_flux_amounts", "source_rfe_total_unsigned_flux_per_hours"}, // 1e21 Mx/hr
	{"flow_meridional_p1", "flow_mf_coef_p1_values"},                    // m/s
	{"flow_meridional_p3", "flow_mf_coef_p3_values"},                    // m/s
	{"flow_meridional_p5", "flow_mf_coef_p5_values"},                    // m/s
	{"flow_differential_p0", "flow_dr_coef_p0_values"},                  // m/s
	{"flow_differential_p2", "flow_dr_coef_p2_values"},                  // m/s
	{"flow_differential_p4", "flow_dr_coef_p4_values"},                  // m/s
}

// Modes of combining the ranges (realization_combination_mode).
const (
	// CrossAll is every combination; the first parameter (in the order of
	// Parameters) varies fastest.
	CrossAll = "crossall"
	// Sweep1D varies one parameter at a time about the defaults (the first
	// value of each range): the defaults, then each parameter's other
	// values with the rest at their defaults.
	Sweep1D = "sweep1d"
	// Manual pairs the i-th values of all ranges; ranges of one value are
	// used for every realization.
	Manual = "manual"
)

// Spec is a parsed input-lists file.
type Spec struct {
	// Mode is CrossAll, Sweep1D or Manual.
	Mode string
	// Ranges holds the values of each parameter given, default first,
	// keyed by HipFT parameter name.
	Ranges map[string][]float64
}

// Lists are the per-realization values of each parameter (HipFT names,
// in the order of Parameters); all have the same length, the number of
// realizations.
type Lists struct {
	Names  []string
	Values [][]float64
}

// N returns the number of realizations.
func (l *Lists) N() int {
	if len(l.Values) == 0 {
		return 1
	}
	return len(l.Values[0])
}

// ReadSpec reads an input-lists YAML file. Errors name the file and the
// entry.
func ReadSpec(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSpec(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSpec parses the YAML text of an input-lists file.
func ParseSpec(text []byte) (*Spec, error) {
	var doc struct {
		HipFT *struct {
			Mode   string    `yaml:"realization_combination_mode"`
			Params yaml.Node `yaml:"realization_parameters"`
		} `yaml:"hipft"`
	}
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, err
	}
	if doc.HipFT == nil {
		return nil, fmt.Errorf("no hipft section")
	}
	s := &Spec{Mode: doc.HipFT.Mode, Ranges: map[string][]float64{}}
	switch s.Mode {
	case CrossAll, Sweep1D, Manual:
	case "":
		return nil, fmt.Errorf("hipft.realization_combination_mode is missing: set it to %s, %s or %s", CrossAll, Sweep1D, Manual)
	default:
		return nil, fmt.Errorf("hipft.realization_combination_mode %q: want %s, %s or %s", s.Mode, CrossAll, Sweep1D, Manual)
	}
	params := &doc.HipFT.Params
	if params.Kind != yaml.MappingNode || len(params.Content) == 0 {
		return nil, fmt.Errorf("hipft.realization_parameters is empty: give at least one of %s", yamlNames())
	}
	for i := 0; i+1 < len(params.Content); i += 2 {
		name, node := params.Content[i].Value, params.Content[i+1]
		if _, dup := s.Ranges[hipftName(name)]; dup {
			return nil, fmt.Errorf("line %d: %s is given twice", params.Content[i].Line, name)
		}
		hipft := hipftName(name)
		if hipft == "" {
			return nil, fmt.Errorf("line %d: unknown realization parameter %q: valid ones are %s", node.Line, name, yamlNames())
		}
		v, err := rangeValues(node)
		if err != nil {
			return nil, fmt.Errorf("line %d: %s: %w", node.Line, name, err)
		}
		if unsetIfNegative[hipft] {
			for _, x := range v {
				if x < 0 {
					return nil, fmt.Errorf("line %d: %s: %g is negative, which HipFT reads as \"not set\" (use the single value): give values >= 0", node.Line, name, x)
				}
			}
		}
		s.Ranges[hipft] = v
	}
	return s, nil
}

// unsetIfNegative are the lists whose negative elements HipFT replaces by
// the single-value parameter (the flow coefficients use -1e6 instead).
var unsetIfNegative = map[string]bool{
	"diffusion_coef_constants": true, "flow_attenuate_values": true, "assimilate_data_mu_limits": true,
	"assimilate_data_mu_powers": true, "assimilate_data_lat_limits": true, "source_rfe_total_unsigned_flux_per_hours": true,
}

// hipftName returns the HipFT list a YAML name sets ("" if none).
func hipftName(yamlName string) string {
	for _, p := range Parameters {
		if p.YAML == yamlName {
			return p.HipFT
		}
	}
	return ""
}

func yamlNames() string {
	var n []string
	for _, p := range Parameters {
		n = append(n, p.YAML)
	}
	return strings.Join(n, ", ")
}

// rangeValues reads [x, y, ...] or [[x], [y, ...]] (x, then the values of
// the second list other than x).
func rangeValues(n *yaml.Node) ([]float64, error) {
	const form = "want a list of numbers, [x, y, ...], or a default and a list, [[x], [y, ...]]"
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, fmt.Errorf("%s", form)
	}
	numbers := func(items []*yaml.Node) ([]float64, error) {
		var out []float64
		for _, it := range items {
			if it.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s", form)
			}
			v, err := strconv.ParseFloat(it.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("%q is not a number (%s)", it.Value, form)
			}
			out = append(out, v)
		}
		return out, nil
	}
	if n.Content[0].Kind == yaml.ScalarNode {
		return numbers(n.Content)
	}
	if len(n.Content) != 2 || n.Content[0].Kind != yaml.SequenceNode || n.Content[1].Kind != yaml.SequenceNode || len(n.Content[0].Content) != 1 {
		return nil, fmt.Errorf("%s", form)
	}
	def, err := numbers(n.Content[0].Content)
	if err != nil {
		return nil, err
	}
	rest, err := numbers(n.Content[1].Content)
	if err != nil {
		return nil, err
	}
	out := def
	for _, v := range rest {
		if v != def[0] {
			out = append(out, v)
		}
	}
	return out, nil
}

// Expand combines the ranges by the spec's mode. More than HipFT's
// MAX_REALIZATIONS (input.MaxRealizations) realizations is an error.
func (s *Spec) Expand() (*Lists, error) {
	l := &Lists{}
	var ranges [][]float64
	for _, p := range Parameters {
		if v, ok := s.Ranges[p.HipFT]; ok {
			l.Names = append(l.Names, p.HipFT)
			ranges = append(ranges, v)
		}
	}
	tooMany := func(what string) error {
		var sizes []string
		for k, r := range ranges {
			sizes = append(sizes, fmt.Sprintf("%s %d", l.Names[k], len(r)))
		}
		return fmt.Errorf("%s: more than HipFT's maximum of %d realizations (%s)", what, input.MaxRealizations, strings.Join(sizes, ", "))
	}
	switch s.Mode {
	case CrossAll:
		n := 1
		for _, r := range ranges {
			if n *= len(r); n > input.MaxRealizations {
				return nil, tooMany("every combination")
			}
		}
		stride := 1
		for _, r := range ranges {
			v := make([]float64, n)
			for i := range v {
				v[i] = r[(i/stride)%len(r)]
			}
			stride *= len(r)
			l.Values = append(l.Values, v)
		}
	case Sweep1D:
		n := 1
		for _, r := range ranges {
			if n += len(r) - 1; n > input.MaxRealizations {
				return nil, tooMany("one parameter at a time")
			}
		}
		l.Values = make([][]float64, len(ranges))
		for i, r := range ranges {
			l.Values[i] = []float64{r[0]}
		}
		for i, r := range ranges {
			for _, x := range r[1:] {
				for k := range ranges {
					if k == i {
						l.Values[k] = append(l.Values[k], x)
					} else {
						l.Values[k] = append(l.Values[k], ranges[k][0])
					}
				}
			}
		}
	case Manual:
		n := 1
		for k, r := range ranges {
			if len(r) > 1 {
				if n > 1 && len(r) != n {
					return nil, fmt.Errorf("manual mode pairs the ranges value by value, but %s has %d values and another range %d: give every range of more than one value the same length", l.Names[k], len(r), n)
				}
				n = len(r)
			}
		}
		for _, r := range ranges {
			v := make([]float64, n)
			for i := range v {
				v[i] = r[min(i, len(r)-1)]
			}
			l.Values = append(l.Values, v)
		}
	default:
		return nil, fmt.Errorf("unknown mode %q", s.Mode)
	}
	return l, nil
}

// Apply writes lists into the namelist text src (a hipft.in; filename for
// messages): each list replaces any assignment of its parameter and of the
// parameter's single-value form, n_realizations is set to the lists'
// length, and the new lines go just before the closing "/". Comments and
// other lines are kept. An assignment to replace must have its lines to
// itself.
func Apply(src []byte, filename string, l *Lists) ([]byte, error) {
	_, entries, err := namelist.Parse(bytes.NewReader(src), filename)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(src), "\n")
	replace := map[string]bool{"n_realizations": true}
	for _, n := range l.Names {
		replace[n] = true
		replace[strings.TrimSuffix(n, "s")] = true // the single-value form
	}
	drop := map[int]bool{}
	for i, e := range entries {
		if !replace[e.Name] {
			continue
		}
		first, last := e.Line, lastLine(e)
		for k, o := range entries {
			if k != i && o.Line >= first && o.Line <= last {
				return nil, fmt.Errorf("%s:%d: %s shares its line with %s: put it on a line of its own", filename, e.Line, e.Name, o.Name)
			}
		}
		for ln := first; ln <= last; ln++ {
			drop[ln] = true
		}
	}
	// The closing "/": the first line after the last entry that starts
	// with it.
	end := -1
	lastEntry := 0
	if len(entries) > 0 {
		lastEntry = lastLine(entries[len(entries)-1])
	}
	for i := lastEntry; i < len(lines); i++ { // lines[i] is line i+1
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "/") {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("%s: no closing / of the namelist group on a line of its own (end the group with a line holding /; &end is not supported here)", filename)
	}
	var add []string
	add = append(add, fmt.Sprintf("  n_realizations = %d\n", l.N()))
	for k, n := range l.Names {
		var vs []string
		for _, v := range l.Values[k] {
			vs = append(vs, strconv.FormatFloat(v, 'g', -1, 64))
		}
		add = append(add, fmt.Sprintf("  %s = %s\n", n, strings.Join(vs, ", ")))
	}
	var out strings.Builder
	for i, ln := range lines {
		if i == end {
			for _, a := range add {
				out.WriteString(a)
			}
		}
		if !drop[i+1] {
			out.WriteString(ln)
		}
	}
	return []byte(out.String()), nil
}

// lastLine is the last line of entry e: its name's or its last value's.
func lastLine(e namelist.Entry) int {
	last := e.Line
	for _, t := range e.Values {
		last = max(last, t.Line)
	}
	return last
}

// Describe says how the lists were made, e.g. "12 realizations:
// diffusion_coef_constants (3 values) x flow_attenuate_values (4 values)".
func (s *Spec) Describe(l *Lists) string {
	sep := map[string]string{CrossAll: " x ", Sweep1D: " + ", Manual: " with "}[s.Mode]
	var parts []string
	for _, n := range l.Names {
		parts = append(parts, fmt.Sprintf("%s (%d value%s)", n, len(s.Ranges[n]), map[bool]string{true: "s"}[len(s.Ranges[n]) != 1]))
	}
	return fmt.Sprintf("%d realization%s (%s): %s", l.N(), map[bool]string{true: "s"}[l.N() != 1], s.Mode, strings.Join(parts, sep))
}
