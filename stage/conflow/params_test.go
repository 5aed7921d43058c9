package conflow

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/namelist"
)

// documented is ConFlow's doc/conflow.dat.documentation with every
// parameter at conflow.f90's default (the documentation's own example
// sets tmax = 86400; conflow.f90's default is 28 days).
const documented = `&conflow_input_parameters
  verbose = .false.
  output_flows_on_uniform_grid = .false.
  output_flows_on_staggered_grid = .true.
  output_spectrum = .false.
  output_directory = '.'
  n_lat = 512
  n_long = 1024
  tmax = 2419200.0
  dtime = 900.0
  flow_dr_t0 = 46.0
  flow_dr_t1 = 0.
  flow_dr_t2 = -262.0
  flow_dr_t3 = 0.
  flow_dr_t4 = -379.0
  flow_mf_s0 = 0.
  flow_mf_s1 = 22.0
  flow_mf_s2 = 0.
  flow_mf_s3 = 11.0
  flow_mf_s4 = 0.
  flow_mf_s5 = -28.0
  spectrum_mod_model = 2
  spectral_cutoff = 340.0
  set_random_seed = .false.
  random_seed_value = 12345
/
! RUN DESCRIPTION GOES HERE.
`

func TestDefaults(t *testing.T) {
	p, err := Parse(strings.NewReader(documented), "conflow.dat")
	if err != nil {
		t.Fatal(err)
	}
	d := Defaults()
	p.File, p.Set, p.lines = "", nil, nil
	d.Set, d.lines = nil, nil
	if !reflect.DeepEqual(*p, d) {
		t.Errorf("every parameter at its default:\n%+v\nDefaults():\n%+v", *p, d)
	}
	if len(Names()) != 24 {
		t.Errorf("%d parameters, ConFlow 1.0.3 has 24", len(Names()))
	}
	if d.NumFiles() != 2688 {
		t.Errorf("default run: %d maps, want 2688 (28 days at 15 minutes)", d.NumFiles())
	}
	empty, err := Parse(strings.NewReader("&conflow_input_parameters\n/\n"), "x")
	if err != nil || empty.NLat != 512 || empty.SpectralCutoff != 340 {
		t.Errorf("an empty group: %+v, %v", empty, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []string // substrings of the message
	}{
		{"unknown", "n_lat = 16\nn_lats = 16", []string{"conflow.dat:2:", `unknown parameter "n_lats"`, `did you mean "n_lat"`}},
		{"unrelated", "foo_bar_baz = 1", []string{":1:", "not a ConFlow 1.0.3 input parameter"}},
		{"type", "n_lat = 16.5", []string{":1:", "n_lat"}},
		{"logical", "output_spectrum = 3", []string{":1:", "output_spectrum"}},
		{"array", "flow_dr_t0(2) = 1.0", []string{":1:", "not an array"}},
		{"two values", "dtime = 900.0 60.0", []string{":1:", "single value"}},
		{"range", "random_seed_value = 3000000000", []string{":1:", "32-bit"}},
		{"not power of two", "n_long = 1000", []string{":1:", "power of two"}},
		{"too narrow", "n_lat = 512\nn_long = 512", []string{":2:", "too small"}},
		{"small n_lat", "n_lat = 1", []string{":1:", "at least 2"}},
		{"dtime", "dtime = 0.0", []string{":1:", "dtime", "positive"}},
		{"no maps", "tmax = 100.0", []string{":1:", "no maps"}},
		{"too many maps", "tmax = 1e12", []string{":1:", "six digits"}},
		{"model", "spectrum_mod_model = 5", []string{":1:", "use 1", "or 2"}},
		{"cutoff", "spectral_cutoff = -1.0", []string{":1:", "negative"}},
		{"nan", "tmax = NaN", []string{":1:", "finite"}},
		{"empty dir", "output_directory = ''", []string{":1:", "empty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader("&conflow_input_parameters\n"+c.body+"\n/\n"), "conflow.dat")
			if err == nil {
				t.Fatalf("no error for %q", c.body)
			}
			msg := err.Error()
			// Lines count from the group line.
			msg = shiftLines(msg)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
		})
	}
	if _, err := Parse(strings.NewReader("&hipft_input_parameters\n/\n"), "c.dat"); err == nil || !strings.Contains(err.Error(), "&conflow_input_parameters") {
		t.Errorf("wrong group: %v", err)
	}
	var ne *namelist.Error
	if _, err := Parse(strings.NewReader("&conflow_input_parameters\nn_lat = 'abc\n/\n"), "c.dat"); !errors.As(err, &ne) {
		t.Errorf("syntax error: %T %v", err, err)
	}
	if _, err := ReadFile("testdata/nonexistent.dat"); err == nil || !strings.Contains(err.Error(), "testdata/nonexistent.dat") {
		t.Errorf("missing file: %v", err)
	}
}

// shiftLines renumbers "conflow.dat:N:" to N-1 so the table counts lines
// from the first parameter.
func shiftLines(msg string) string {
	for n := 2; n < 10; n++ {
		msg = strings.ReplaceAll(msg, "conflow.dat:"+string(rune('0'+n))+":", "conflow.dat:"+string(rune('0'+n-1))+":")
	}
	return msg
}
