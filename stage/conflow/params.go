package conflow

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/goft-sft/goft/format/namelist"
)

// GroupName is the namelist group ConFlow reads from conflow.dat.
const GroupName = "conflow_input_parameters"

// MaxPathLen is the length of ConFlow's output_directory variable
// (character(512)); ConFlow would cut a longer path silently.
const MaxPathLen = 512

// MaxFiles is the largest number of output steps: ConFlow numbers its
// files with six digits (vt000001.h5 ... vt999999.h5).
const MaxFiles = 999999

// Params are ConFlow's input parameters (&conflow_input_parameters in
// conflow.dat, src/conflow.f90 module input_parameters), with ConFlow
// 1.0.3's defaults. Times are in seconds, speeds in m/s.
type Params struct {
	// File is the path the parameters were read from ("" for Defaults).
	File string

	// Verbose is read and kept; ConFlow 1.0.3 does not use it either.
	Verbose bool
	// OutputUniform writes vpNNNNNN.data and vtNNNNNN.data: the flows on
	// ConFlow's own uniform grid (2 n_long x 2 n_lat cell centres), raw
	// little-endian float64, one record of 2 n_long values per latitude.
	OutputUniform bool
	// OutputStaggered writes vtNNNNNN.h5 and vpNNNNNN.h5 on HipFT's
	// staggered grid and lists them in flow_output_list.csv.
	OutputStaggered bool
	// OutputSpectrum writes spectrum.h5: |S_lm| of the initial spectrum.
	OutputSpectrum bool
	// OutputDirectory is the folder that receives every output file.
	OutputDirectory string

	NLat  int // n_lat: HipFT grid cells in theta (ConFlow samples 2 n_lat)
	NLong int // n_long: HipFT grid cells in phi (ConFlow samples 2 n_long)

	TMax  float64 // tmax: end time, s; int(tmax/dtime) maps are written
	DTime float64 // dtime: time between maps, s

	// DR holds flow_dr_t0..t4, the differential rotation coefficients
	// (m/s relative to the Carrington frame).
	DR [5]float64
	// MF holds flow_mf_s0..s5, the meridional flow coefficients (m/s,
	// poleward).
	MF [6]float64

	SetRandomSeed   bool  // set_random_seed: seed gfortran's generator
	RandomSeedValue int32 // random_seed_value: every seed element gets it

	// SpectrumModModel is 1 (the original taper from l = 384 to 512) or 2
	// (a hard cut above SpectralCutoff).
	SpectrumModModel int
	SpectralCutoff   float64 // spectral_cutoff: highest degree kept by model 2

	// Set records which parameters the file assigned (lowercase names).
	Set map[string]bool
	// lines records the line of each assignment, for messages.
	lines map[string]int
}

// Defaults returns ConFlow 1.0.3's defaults (src/conflow.f90).
func Defaults() Params {
	return Params{
		OutputStaggered:  true,
		OutputDirectory:  ".",
		NLat:             512,
		NLong:            1024,
		TMax:             24 * 28 * 3600,
		DTime:            15 * 60,
		DR:               [5]float64{46, 0, -262, 0, -379},
		MF:               [6]float64{0, 22, 0, 11, 0, -28},
		RandomSeedValue:  12345,
		SpectrumModModel: 2,
		SpectralCutoff:   340,
		Set:              map[string]bool{},
		lines:            map[string]int{},
	}
}

// NumFiles is ConFlow's nfiles = int(tmax/dtime): the number of output
// steps.
func (p *Params) NumFiles() int {
	return int(p.TMax / p.DTime)
}

// Error is a problem with one parameter of conflow.dat (see namelist.ParamError:
// "file:line: msg", naming the parameter and the fix).
type Error = namelist.ParamError

// ErrorList is every problem found in a file, one per line.
type ErrorList = namelist.ParamErrors

// param is one namelist variable: where its value goes.
type param struct {
	name string
	ptr  any // *bool, *int, *int32, *float64, *string
}

func (p *Params) table() []param {
	return []param{
		{"verbose", &p.Verbose},
		{"output_flows_on_uniform_grid", &p.OutputUniform},
		{"output_flows_on_staggered_grid", &p.OutputStaggered},
		{"output_spectrum", &p.OutputSpectrum},
		{"output_directory", &p.OutputDirectory},
		{"n_lat", &p.NLat},
		{"n_long", &p.NLong},
		{"tmax", &p.TMax},
		{"dtime", &p.DTime},
		{"flow_dr_t0", &p.DR[0]},
		{"flow_dr_t1", &p.DR[1]},
		{"flow_dr_t2", &p.DR[2]},
		{"flow_dr_t3", &p.DR[3]},
		{"flow_dr_t4", &p.DR[4]},
		{"flow_mf_s0", &p.MF[0]},
		{"flow_mf_s1", &p.MF[1]},
		{"flow_mf_s2", &p.MF[2]},
		{"flow_mf_s3", &p.MF[3]},
		{"flow_mf_s4", &p.MF[4]},
		{"flow_mf_s5", &p.MF[5]},
		{"set_random_seed", &p.SetRandomSeed},
		{"random_seed_value", &p.RandomSeedValue},
		{"spectrum_mod_model", &p.SpectrumModModel},
		{"spectral_cutoff", &p.SpectralCutoff},
	}
}

// Names lists the parameters of &conflow_input_parameters, in ConFlow's
// order.
func Names() []string {
	var p Params
	var names []string
	for _, e := range p.table() {
		names = append(names, e.name)
	}
	return names
}

// ReadFile reads and checks the conflow.dat at path (see Parse).
func ReadFile(path string) (*Params, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := "cannot open the ConFlow input file: "
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg += pe.Err.Error()
		} else {
			msg += err.Error()
		}
		if errors.Is(err, fs.ErrNotExist) {
			if wd, e := os.Getwd(); e == nil {
				msg += " (working directory: " + wd + ")"
			}
		}
		return nil, &Error{File: path, Msg: msg}
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a conflow.dat namelist from r over Defaults and checks the
// values (Check). Syntax errors come back as *namelist.Error; unknown
// parameters, values of the wrong type and bad values as an ErrorList
// naming the file, line and parameter. filename is used in messages.
func Parse(r io.Reader, filename string) (*Params, error) {
	group, entries, err := namelist.Parse(r, filename)
	if err != nil {
		return nil, err
	}
	p := Defaults()
	p.File = filename
	var errs ErrorList
	if group != GroupName {
		errs = append(errs, &Error{File: filename, Msg: fmt.Sprintf("the namelist group is &%s, but ConFlow reads &%s: rename the group", group, GroupName)})
	}
	for _, e := range entries {
		if err := p.assign(e); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &p, nil
}

// assign applies one namelist entry.
func (p *Params) assign(e namelist.Entry) *Error {
	fail := func(line int, format string, a ...any) *Error {
		return &Error{File: p.File, Line: line, Param: e.Name, Msg: fmt.Sprintf(format, a...)}
	}
	var ptr any
	for _, t := range p.table() {
		if t.name == e.Name {
			ptr = t.ptr
		}
	}
	if ptr == nil {
		msg := fmt.Sprintf("unknown parameter %q", e.Name)
		if s := suggest(e.Name); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (not a ConFlow 1.0.3 input parameter; goft conflow -h lists them)"
		}
		return fail(e.Line, "%s", msg)
	}
	if e.Index > 0 {
		return fail(e.Line, "%s takes a single value, it is not an array: write %s = value", e.Name, e.Name)
	}
	if len(e.Values) > 1 {
		return fail(e.Line, "%s takes a single value, but %d values were given (put a string in quotes if it contains blanks or commas)", e.Name, len(e.Values))
	}
	if len(e.Values) == 0 || e.Values[0].Kind == namelist.Null {
		return nil // a null value leaves the variable unchanged, as in Fortran
	}
	tok := e.Values[0]
	bad := func(err error) *Error { return fail(tok.Line, "%s: %v", e.Name, err) }
	switch ptr := ptr.(type) {
	case *int, *int32:
		v, err := tok.Int()
		if err != nil {
			return bad(err)
		}
		if v < math.MinInt32 || v > math.MaxInt32 {
			return fail(tok.Line, "%s = %d is out of range (ConFlow stores it in a 32-bit integer)", e.Name, v)
		}
		if pi, ok := ptr.(*int); ok {
			*pi = int(v)
		} else {
			*ptr.(*int32) = int32(v)
		}
	case *float64:
		v, err := tok.Float()
		if err != nil {
			return bad(err)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fail(tok.Line, "%s = %s is not a finite number", e.Name, tok.Text)
		}
		*ptr = v
	case *bool:
		v, err := tok.Bool()
		if err != nil {
			return bad(err)
		}
		*ptr = v
	case *string:
		v, err := tok.Str()
		if err != nil {
			return bad(err)
		}
		v = strings.TrimRight(v, " ") // Fortran ignores trailing blanks
		if len(v) > MaxPathLen {
			return fail(tok.Line, "%s is %d characters long; ConFlow keeps at most %d", e.Name, len(v), MaxPathLen)
		}
		if v == "" {
			return fail(tok.Line, "%s is empty: give a folder, for example '.'", e.Name)
		}
		*ptr = v
	}
	p.Set[e.Name] = true
	p.lines[e.Name] = e.Line
	return nil
}

// suggest returns the known parameter closest to name, or "".
func suggest(name string) string { return namelist.Closest(name, Names()) }

// Check returns an ErrorList of the values ConFlow cannot run with (it
// does not check them itself: it would write wrong maps or crash).
func (p *Params) Check() error {
	var errs ErrorList
	add := func(name, format string, a ...any) {
		errs = append(errs, &Error{File: p.File, Line: p.lines[name], Param: name, Msg: fmt.Sprintf(format, a...)})
	}
	if p.NLat < 2 {
		add("n_lat", "n_lat = %d: need at least 2 cells in latitude", p.NLat)
	}
	if p.NLong < 2 || p.NLong&(p.NLong-1) != 0 {
		add("n_long", "n_long = %d: must be a power of two (ConFlow's radix-2 Fourier transform has 2 n_long points), e.g. 1024", p.NLong)
	} else if p.NLat >= 2 && p.NLong < 2*p.NLat-1 {
		add("n_long", "n_long = %d is too small for n_lat = %d: the spectrum's orders up to 2 n_lat - 2 need n_long >= 2 n_lat - 1 (use n_long = 2 n_lat)", p.NLong, p.NLat)
	}
	if !(p.DTime > 0) {
		add("dtime", "dtime = %g: the time between maps must be positive (seconds)", p.DTime)
	} else {
		n := p.TMax / p.DTime
		if n < 1 {
			add("tmax", "tmax = %g s with dtime = %g s gives no maps: int(tmax/dtime) must be at least 1", p.TMax, p.DTime)
		} else if n >= MaxFiles+1 {
			add("tmax", "tmax/dtime = %g maps: ConFlow numbers files with six digits, at most %d maps; split the run", n, MaxFiles)
		}
	}
	if p.SpectrumModModel != 1 && p.SpectrumModModel != 2 {
		add("spectrum_mod_model", "spectrum_mod_model = %d: use 1 (taper from l = 384 to 512) or 2 (hard cut at spectral_cutoff); ConFlow treats other values as 2", p.SpectrumModModel)
	}
	if p.SpectralCutoff < 0 {
		add("spectral_cutoff", "spectral_cutoff = %g: must not be negative (it is the highest degree l kept)", p.SpectralCutoff)
	}
	if len(errs) == 0 {
		return nil
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Line, errs[j].Line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	return errs
}
