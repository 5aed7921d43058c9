// Package oft is goft's driver for a whole OFT run, in place of OFT's
// oftswa.py (predsci/OFT bin/oftswa.py, version 1.5.0): it reads the same
// YAML file, merged over the same defaults by the same rule, lays out the
// same run folder and runs the stages (convective flows, magnetograms to
// maps, the flux-transport ensemble, post-processing, map processing) in
// order, each through a hook (Stages) that the goft command supplies.
//
// # Run folder
//
//	OUT/RUN/RUN.yaml                  the merged configuration (RUN_1.yaml, ... if one exists)
//	OUT/RUN/oftswa.log, oftswa.err    the stages' log and errors (indexed like the YAML)
//	OUT/RUN/conflow/                  convective flows (or a link to an earlier run's)
//	OUT/RUN/magmap/magmap_data_disks/ magnetograms
//	OUT/RUN/magmap/magmap_data_maps/  assimilation maps and index_files/magmap_maps_all.csv
//	OUT/RUN/hipft/                    hipft.in, input_map/, output_maps/, processed_maps/, processed_maps_wsa/
//	OUT/RUN/post_processing_raw/      plots and report of the raw maps
//	OUT/RUN/post_processing_processed/
//
// goft adds OUT/RUN/.goft-oft/ holding one marker per finished stage, so
// that a killed run given the same command again continues from the first
// unfinished stage (oftswa.py skips a stage whose folder exists, finished
// or not).
package oft

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is OFTSWA's YAML configuration (rsrc/default.yaml's sections and
// keys). Dates are UTC, 'YYYY-MM-DDTHH:MM:SS'; times and cadences are in
// hours; angles in degrees.
type Config struct {
	Run                 RunSection                 `yaml:"run"`
	HipFT               HipFTSection               `yaml:"hipft"`
	OutputMapProcessing OutputMapProcessingSection `yaml:"output_map_processing"`
	HipFTPostProcess    PostProcessSection         `yaml:"hipft_post_process"`
	ConFlow             ConFlowSection             `yaml:"conflow"`
	MagMAP              MagMAPSection              `yaml:"magmap"`
}

// RunSection is the run: section.
type RunSection struct {
	RunName                   string        `yaml:"run_name"`
	PreexistingMagMAPRunName  string        `yaml:"preexisting_magmap_runname"`
	PreexistingConFlowRunName string        `yaml:"preexisting_conflow_runname"`
	DateStart                 string        `yaml:"date_start"` // UTC
	DateEnd                   string        `yaml:"date_end"`   // UTC, or "now"
	MapResolution             MapResolution `yaml:"map_resolution"`
	// MPIRunCommand launches the flux-transport processes; <NP> is
	// replaced by MPINumProcs (see Driver).
	MPIRunCommand string `yaml:"mpi_run_command"`
	MPINumProcs   int    `yaml:"mpi_num_procs"`
	// OMPNumThreads is the number of threads per process ("" for the
	// default: all cores).
	OMPNumThreads Optional[int] `yaml:"omp_num_threads"`
}

// MapResolution is the run's grid: NP longitudes by NT colatitudes.
type MapResolution struct {
	NP int `yaml:"np"`
	NT int `yaml:"nt"`
}

// HipFTSection is the hipft: section.
type HipFTSection struct {
	Run                         bool    `yaml:"run"`
	Overwrite                   bool    `yaml:"overwrite"`
	OutputMapCadenceHr          float64 `yaml:"output_map_cadence_hr"`
	OutputMapFluxBalance        bool    `yaml:"output_map_flux_balance"`
	InitialMapFilename          string  `yaml:"initial_map_filename"`
	InitialMapMultFac           float64 `yaml:"initial_map_mult_fac"`
	DataAssimilationMultFac     float64 `yaml:"data_assimilation_mult_fac"`
	DataAssimilationBalanceFlux bool    `yaml:"data_assimilation_balance_flux"`
	RandomFluxLifetime          float64 `yaml:"random_flux_lifetime"` // hours
	// RealizationCombinationMode is sweep1d, crossall or manual (see
	// package hipft/sweep).
	RealizationCombinationMode string `yaml:"realization_combination_mode"`
	// RealizationParameters holds each parameter's values: a list, or a
	// default and a list ([[x], [y, ...]]), in the units of package sweep.
	RealizationParameters map[string]Values `yaml:"realization_parameters"`
}

// OutputMapProcessingSection is the output_map_processing: section.
type OutputMapProcessingSection struct {
	Run                   bool    `yaml:"run"`
	Overwrite             bool    `yaml:"overwrite"`
	MapResolutionDeltaDeg float64 `yaml:"map_resolution_delta_deg"`
	SmoothingFactor       float64 `yaml:"smoothing_factor"`
	MapMultiplier         float64 `yaml:"map_multiplier"`
	MakeWSADataset        bool    `yaml:"make_wsa_dataset"`
}

// PostProcessSection is the hipft_post_process: section.
type PostProcessSection struct {
	Run                       bool    `yaml:"run"`
	Overwrite                 bool    `yaml:"overwrite"`
	HistoryPlotSamples        int     `yaml:"history_plot_samples"`
	HistoryPlotSamplesMarkers int     `yaml:"history_plot_samples_markers"`
	ButterflyAveragingWidthHr float64 `yaml:"butterfly_averaging_width_hr"`
}

// ConFlowSection is the conflow: section.
type ConFlowSection struct {
	Run       bool `yaml:"run"`
	Overwrite bool `yaml:"overwrite"`
	// RandomSeed is a goft extension: when set, the flows are drawn with
	// this seed (conflow.dat's set_random_seed and random_seed_value), so
	// that a run can be repeated; OFT's conflow.dat takes a seed from the
	// system.
	RandomSeed Optional[int] `yaml:"random_seed,omitempty"`
}

// MagMAPSection is the magmap: section.
type MagMAPSection struct {
	Run          bool    `yaml:"run"`
	Overwrite    bool    `yaml:"overwrite"`
	Update       bool    `yaml:"update"`
	MapCadenceHr float64 `yaml:"map_cadence_hr"`
	MapSource    string  `yaml:"map_source"`
	// RawDataDir is oftswa.py's undocumented raw_data_dir: a folder of
	// magnetograms already downloaded, linked as magmap_data_disks.
	RawDataDir string `yaml:"raw_data_dir,omitempty"`
}

// Optional is a value that YAML may leave empty (” or null).
type Optional[T any] struct {
	Value T
	Set   bool
}

// UnmarshalYAML reads ” and null as unset.
func (o *Optional[T]) UnmarshalYAML(n *yaml.Node) error {
	if n.Tag == "!!null" || (n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value == "") {
		*o = Optional[T]{}
		return nil
	}
	var v T
	if err := n.Decode(&v); err != nil {
		return err
	}
	*o = Optional[T]{Value: v, Set: true}
	return nil
}

// IsZero reports an unset value (omitted from the merged file where the
// key is a goft extension).
func (o Optional[T]) IsZero() bool { return !o.Set }

// MarshalYAML writes an unset value as null, as oftswa.py does.
func (o Optional[T]) MarshalYAML() (any, error) {
	if !o.Set {
		return nil, nil
	}
	return o.Value, nil
}

// Values is one realization parameter: a list of numbers (Pair false), or
// a default and a list (Pair true: [[Default...], [List...]]).
type Values struct {
	List    []float64
	Default []float64
	Pair    bool
}

// UnmarshalYAML reads [a, b, ...] or [[a], [b, ...]].
func (v *Values) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: a list of numbers ([a, b, ...]) or a default and a list ([[a], [b, ...]]) is required", n.Line)
	}
	if len(n.Content) == 2 && n.Content[0].Kind == yaml.SequenceNode && n.Content[1].Kind == yaml.SequenceNode {
		var d, l []float64
		if err := n.Content[0].Decode(&d); err != nil {
			return err
		}
		if err := n.Content[1].Decode(&l); err != nil {
			return err
		}
		*v = Values{Default: d, List: l, Pair: true}
		return nil
	}
	var l []float64
	if err := n.Decode(&l); err != nil {
		return fmt.Errorf("line %d: a list of numbers ([a, b, ...]) or a default and a list ([[a], [b, ...]]) is required", n.Line)
	}
	*v = Values{List: l}
	return nil
}

// MarshalYAML writes the list, or the pair, in flow style.
func (v Values) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	add := func(to *yaml.Node, xs []float64) {
		for _, x := range xs {
			to.Content = append(to.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: formatFloat(x)})
		}
	}
	if v.Pair {
		d := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		l := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		add(d, v.Default)
		add(l, v.List)
		n.Content = []*yaml.Node{d, l}
	} else {
		add(n, v.List)
	}
	return n, nil
}

// formatFloat writes x as Python does repr() of a float (300.0, 0.1, 1e-05).
func formatFloat(x float64) string {
	s := fmt.Sprint(x)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// Default returns OFTSWA's defaults (rsrc/default.yaml of OFT 1.5.0).
func Default() Config {
	return Config{
		Run: RunSection{
			RunName:       "run1",
			DateStart:     "2015-01-01T00:00:00",
			DateEnd:       "2015-02-01T00:00:00",
			MapResolution: MapResolution{NP: 1024, NT: 512},
			MPIRunCommand: "mpirun -bind-to none -np <NP>",
			MPINumProcs:   1,
		},
		HipFT: HipFTSection{
			OutputMapCadenceHr:          24,
			InitialMapMultFac:           1,
			DataAssimilationMultFac:     1,
			DataAssimilationBalanceFlux: true,
			RandomFluxLifetime:          0.3,
			RealizationCombinationMode:  "sweep1d",
			RealizationParameters: map[string]Values{
				"diffusion_coefs":              {List: []float64{300}},
				"flow_attenuation_values":      {List: []float64{500}},
				"data_assimilation_mu_limits":  {List: []float64{0.1}},
				"data_assimilation_mu_powers":  {List: []float64{4}},
				"data_assimilation_lat_limits": {List: []float64{0}},
				"random_flux_amounts":          {List: []float64{150}},
				"flow_meridional_p1":           {List: []float64{22}},
				"flow_meridional_p3":           {List: []float64{11}},
				"flow_meridional_p5":           {List: []float64{-28}},
				"flow_differential_p0":         {List: []float64{46}},
				"flow_differential_p2":         {List: []float64{-262}},
				"flow_differential_p4":         {List: []float64{-379}},
			},
		},
		OutputMapProcessing: OutputMapProcessingSection{MapResolutionDeltaDeg: 1, SmoothingFactor: 1, MapMultiplier: 1},
		HipFTPostProcess:    PostProcessSection{Run: true, HistoryPlotSamples: 500, HistoryPlotSamplesMarkers: 20},
		MagMAP:              MagMAPSection{MapCadenceHr: 1, MapSource: "hmi_los"},
	}
}

// Load reads the YAML file at path and merges it over Default by
// oftswa.py's rule: every key given replaces the default, section by
// section; in realization_parameters, when the file itself sets
// realization_combination_mode to sweep1d, a plain list [a, b, ...]
// becomes the pair [[default], [a, b, ...]] (the default's list first).
// An unknown section or key, or a value of the wrong type, is an error
// naming the file, the line and the key.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b, path)
}

// Parse is Load of the YAML text b (named name in errors).
func Parse(b []byte, name string) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	cfg := Default()
	if len(doc.Content) == 0 { // an empty file: the defaults
		return &cfg, cfg.check(name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: the file must be a mapping of sections (run:, hipft:, ...)", name, root.Line)
	}
	if err := checkKeys(root, name, "", schema()); err != nil {
		return nil, err
	}
	// realization_parameters merge by their own rule; take them out of the
	// decoded document first.
	defaults := cfg.HipFT.RealizationParameters
	cfg.HipFT.RealizationParameters = nil
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
	given := cfg.HipFT.RealizationParameters
	cfg.HipFT.RealizationParameters = defaults
	sweep1d := modeGiven(root) == "sweep1d"
	for k, v := range given {
		switch {
		case sweep1d && !v.Pair:
			cfg.HipFT.RealizationParameters[k] = Values{Default: defaults[k].List, List: v.List, Pair: true}
		default:
			cfg.HipFT.RealizationParameters[k] = v
		}
	}
	return &cfg, cfg.check(name)
}

// modeGiven returns the realization_combination_mode the file sets ("" if
// none): oftswa.py applies the sweep1d merge only when the file says so.
func modeGiven(root *yaml.Node) string {
	h := lookup(root, "hipft")
	if h == nil {
		return ""
	}
	if m := lookup(h, "realization_combination_mode"); m != nil {
		return m.Value
	}
	return ""
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// schemaNode is the tree of known keys: a section maps to its keys; a leaf
// is nil.
type schemaNode map[string]schemaNode

// schema returns the known sections and keys (realization_parameters'
// keys are those of package sweep, checked by the caller's sweep step).
func schema() schemaNode {
	keysOf := func(v any) schemaNode {
		out := schemaNode{}
		b, _ := yaml.Marshal(v)
		var m map[string]any
		yaml.Unmarshal(b, &m)
		for k, x := range m {
			if sub, ok := x.(map[string]any); ok && k == "map_resolution" {
				out[k] = schemaNode{}
				for kk := range sub {
					out[k][kk] = nil
				}
				continue
			}
			out[k] = nil
		}
		return out
	}
	d := Default()
	s := schemaNode{
		"run":                   keysOf(d.Run),
		"hipft":                 keysOf(d.HipFT),
		"output_map_processing": keysOf(d.OutputMapProcessing),
		"hipft_post_process":    keysOf(d.HipFTPostProcess),
		"conflow":               keysOf(d.ConFlow),
		"magmap":                keysOf(d.MagMAP),
	}
	s["magmap"]["raw_data_dir"] = nil // omitted from the merged file when not given
	s["conflow"]["random_seed"] = nil // a goft extension, likewise
	s["hipft"]["realization_parameters"] = schemaNode{}
	for k := range d.HipFT.RealizationParameters {
		s["hipft"]["realization_parameters"][k] = nil
	}
	return s
}

// checkKeys reports the first key of m not in known, with its line and
// the keys that are known there.
func checkKeys(m *yaml.Node, file, path string, known schemaNode) error {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		sub, ok := known[k.Value]
		full := k.Value
		if path != "" {
			full = path + "." + k.Value
		}
		if !ok {
			var names []string
			for n := range known {
				names = append(names, n)
			}
			sort.Strings(names)
			where := "at the top level"
			if path != "" {
				where = "in " + path
			}
			return fmt.Errorf("%s:%d: unknown key %q %s (known: %s)", file, k.Line, k.Value, where, strings.Join(names, ", "))
		}
		if sub != nil {
			if v.Kind != yaml.MappingNode && !(v.Tag == "!!null") {
				return fmt.Errorf("%s:%d: %s must be a mapping of keys", file, v.Line, full)
			}
			if err := checkKeys(v, file, full, sub); err != nil {
				return err
			}
		}
	}
	return nil
}

// check validates the merged values, naming the key and the file.
func (c *Config) check(file string) error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s: %s", file, key, fmt.Sprintf(format, a...)))
	}
	if c.Run.RunName == "" {
		bad("run.run_name", "a run name is required (it names the run folder)")
	} else if strings.ContainsAny(c.Run.RunName, "/\\") || c.Run.RunName == "." || c.Run.RunName == ".." {
		bad("run.run_name", "%q is not a folder name: use letters, digits, '-', '_' or '.'", c.Run.RunName)
	}
	start, err := ParseDate(c.Run.DateStart)
	if err != nil {
		bad("run.date_start", "%v", err)
	}
	if !strings.EqualFold(strings.TrimSpace(c.Run.DateEnd), "now") {
		end, err := ParseDate(c.Run.DateEnd)
		if err != nil {
			bad("run.date_end", "%v (or 'now')", err)
		} else if start != nil && !end.After(*start) {
			bad("run.date_end", "%s is not after date_start %s", c.Run.DateEnd, c.Run.DateStart)
		}
	}
	if c.Run.MapResolution.NP < 4 || c.Run.MapResolution.NT < 3 {
		bad("run.map_resolution", "np = %d, nt = %d: at least 4 longitudes and 3 colatitudes are needed", c.Run.MapResolution.NP, c.Run.MapResolution.NT)
	}
	if c.Run.MPINumProcs < 1 {
		bad("run.mpi_num_procs", "%d: at least 1 process is needed", c.Run.MPINumProcs)
	}
	if c.Run.OMPNumThreads.Set && c.Run.OMPNumThreads.Value < 1 {
		bad("run.omp_num_threads", "%d: give a positive number, or '' for all cores", c.Run.OMPNumThreads.Value)
	}
	switch c.HipFT.RealizationCombinationMode {
	case "sweep1d", "crossall", "manual":
	default:
		bad("hipft.realization_combination_mode", "%q: use sweep1d, crossall or manual", c.HipFT.RealizationCombinationMode)
	}
	if c.HipFT.OutputMapCadenceHr <= 0 {
		bad("hipft.output_map_cadence_hr", "%g: a positive number of hours is needed", c.HipFT.OutputMapCadenceHr)
	}
	for k, v := range c.HipFT.RealizationParameters {
		if len(v.List) == 0 || (v.Pair && len(v.Default) != 1) {
			bad("hipft.realization_parameters."+k, "give a non-empty list [a, b, ...] or a default and a list [[a], [b, ...]]")
		}
	}
	p := c.OutputMapProcessing
	if p.MapResolutionDeltaDeg < 0 || p.MapResolutionDeltaDeg > 90 {
		bad("output_map_processing.map_resolution_delta_deg", "%g: give a grid spacing in degrees, in (0, 90] (0: keep the run's grid)", p.MapResolutionDeltaDeg)
	}
	if p.SmoothingFactor < 0 {
		bad("output_map_processing.smoothing_factor", "%g: give 0 (no smoothing) or a positive factor", p.SmoothingFactor)
	}
	if c.MagMAP.Overwrite && c.MagMAP.Update {
		bad("magmap.update", "cannot update and overwrite the MagMAP run at once: set one of magmap.update and magmap.overwrite to False")
	}
	if c.MagMAP.MapSource != "hmi_los" {
		bad("magmap.map_source", "%q: only hmi_los is available (as in MagMAP)", c.MagMAP.MapSource)
	}
	if c.MagMAP.MapCadenceHr <= 0 {
		bad("magmap.map_cadence_hr", "%g: a positive number of hours is needed", c.MagMAP.MapCadenceHr)
	}
	return errors.Join(errs...)
}

// Marshal writes the merged configuration as YAML (sections and keys in
// sorted order, lists in flow style, empty strings as null, as oftswa.py's
// yaml.dump writes its merged file).
func (c *Config) Marshal() ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(c); err != nil {
		return nil, err
	}
	normalize(&n)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}

// normalize sorts mapping keys and writes empty strings as null.
func normalize(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		type kv struct{ k, v *yaml.Node }
		var pairs []kv
		for i := 0; i+1 < len(n.Content); i += 2 {
			pairs = append(pairs, kv{n.Content[i], n.Content[i+1]})
		}
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].k.Value < pairs[j].k.Value })
		n.Content = n.Content[:0]
		for _, p := range pairs {
			n.Content = append(n.Content, p.k, p.v)
		}
	}
	if n.Kind == yaml.ScalarNode {
		switch {
		case n.Tag == "!!str" && n.Value == "":
			n.Tag, n.Value, n.Style = "!!null", "null", 0
		case n.Tag == "!!str" && looksLikeDate(n.Value):
			// Quoted, as PyYAML writes it: YAML 1.1 readers would take
			// it for a timestamp.
			n.Style = yaml.DoubleQuotedStyle
		case n.Tag == "!!float":
			if x, err := strconv.ParseFloat(n.Value, 64); err == nil {
				n.Value = formatFloat(x)
			}
		}
	}
	for _, c := range n.Content {
		normalize(c)
	}
}

// looksLikeDate reports whether s starts as a YAML 1.1 timestamp does.
func looksLikeDate(s string) bool {
	if len(s) < 10 {
		return false
	}
	for i, c := range s[:10] {
		if (i == 4 || i == 7) != (c == '-') || (i != 4 && i != 7 && (c < '0' || c > '9')) {
			return false
		}
	}
	return true
}
