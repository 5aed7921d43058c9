package analysis

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/goft-sft/goft/hipft/output"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/namelist"
)

// Run file names HipFT writes in its run folder.
const (
	ParametersFile   = "hipft_run_parameters_used.out"
	RealizationsFile = "hipft_realization_parameters.out"
	MapListFile      = "hipft_output_map_list.out"
	InitialMapSuffix = "_initial.h5"
	FinalMapSuffix   = "_final.h5"
)

// Param is one variable of a namelist dump.
type Param struct {
	// Name is the variable name in lower case.
	Name string
	// Value is the value text, several values joined by ", ".
	Value string
}

// ReadParameters reads a Fortran namelist file such as
// hipft_run_parameters_used.out or hipft.in. Quoted strings lose their
// trailing blanks, as Fortran reads them.
func ReadParameters(path string) ([]Param, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, entries, err := namelist.Parse(f, path)
	if err != nil {
		return nil, err
	}
	var out []Param
	for _, e := range entries {
		var vals []string
		for _, t := range e.Values {
			v := t.Text
			if t.Kind == namelist.Quoted {
				// Fortran pads strings with blanks (gfortran's dump pads
				// every string to its declared 512 characters); trailing
				// blanks carry no meaning.
				v = strings.TrimRight(v, " ")
			}
			vals = append(vals, v)
		}
		name := e.Name
		if e.Index > 0 {
			name = fmt.Sprintf("%s(%d)", name, e.Index)
		}
		out = append(out, Param{Name: name, Value: strings.Join(vals, ", ")})
	}
	return out, nil
}

// Lookup returns the value of the parameter named name (case-insensitive)
// and whether it was found.
func Lookup(ps []Param, name string) (string, bool) {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Table is a whitespace-separated table with a header line, such as
// hipft_realization_parameters.out.
type Table struct {
	// Header holds the column names.
	Header []string
	// Rows holds the fields of every data line, as text.
	Rows [][]string
}

// ReadTable reads a whitespace-separated table whose first line names the
// columns. Every row must have as many fields as the header.
func ReadTable(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &Table{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if t.Header == nil {
			t.Header = fields
			continue
		}
		if len(fields) != len(t.Header) {
			return nil, fmt.Errorf("%s:%d: %d values, but the header names %d columns", path, line, len(fields), len(t.Header))
		}
		t.Rows = append(t.Rows, fields)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if t.Header == nil {
		return nil, fmt.Errorf("%s: empty file", path)
	}
	return t, nil
}

// OutputMap is one entry of hipft_output_map_list.out.
type OutputMap struct {
	// Index is the map's output index (IDX).
	Index int
	// Time is the simulation time of the map (hours).
	Time float64
	// Path is the map file's path (the run folder and map folder joined to
	// the listed name).
	Path string
}

// RunFiles locates a run's files from its parameters dump, falling back to
// HipFT's defaults when the dump is missing.
type RunFiles struct {
	// Dir is the run folder.
	Dir string
	// Params are the parameters used (nil if the dump is missing).
	Params []Param
	// MapDir is the cadence-map folder; MapRoot the map file name root.
	MapDir, MapRoot string
}

// OpenRun reads the parameters dump of the run in dir, if any, and
// checks that dir exists.
func OpenRun(dir string) (*RunFiles, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder: give the folder a HipFT/goft run was made in", dir)
	}
	rf := &RunFiles{Dir: dir, MapDir: "output_maps", MapRoot: "hipft_brmap"}
	ps, err := ReadParameters(filepath.Join(dir, ParametersFile))
	switch {
	case err == nil:
		rf.Params = ps
		if v, ok := Lookup(ps, "output_map_directory"); ok && v != "" {
			rf.MapDir = v
		}
		if v, ok := Lookup(ps, "output_map_root_filename"); ok && v != "" {
			rf.MapRoot = v
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, err
	}
	return rf, nil
}

// PoleFluxLatLimit returns the run's pole_flux_lat_limit (degrees), or
// HipFT's default 30 when the parameters dump is missing or does not give
// a positive number.
func (rf *RunFiles) PoleFluxLatLimit() float64 {
	if v, ok := Lookup(rf.Params, "pole_flux_lat_limit"); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f > 0 {
			return f
		}
	}
	return 30
}

// Path returns name joined to the run folder (absolute names unchanged).
func (rf *RunFiles) Path(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(rf.Dir, name)
}

// InitialMap and FinalMap return the paths of the run's first and last maps.
func (rf *RunFiles) InitialMap() string { return rf.Path(rf.MapRoot + InitialMapSuffix) }

// FinalMap returns the path of the run's final map.
func (rf *RunFiles) FinalMap() string { return rf.Path(rf.MapRoot + FinalMapSuffix) }

// OutputMaps reads hipft_output_map_list.out (lines "IDX TIME FILENAME",
// possibly followed by date columns, as HipFT's date tools add).
func (rf *RunFiles) OutputMaps() ([]OutputMap, error) {
	list, err := output.ReadMapList(rf.Path(MapListFile))
	if err != nil {
		return nil, err
	}
	out := make([]OutputMap, len(list))
	for i, e := range list {
		out[i] = OutputMap{Index: e.Index, Time: e.Time, Path: filepath.Join(rf.Path(rf.MapDir), e.Name)}
	}
	return out, nil
}
