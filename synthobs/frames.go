package synthobs

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"goft/namelist"
	"goft/psihdf"
)

// RunMap is one entry of a run's hipft_output_map_list.out.
type RunMap struct {
	Index int
	// Time is the map's model time (hours).
	Time float64
	// Path is the map file (run folder, map folder and listed name joined).
	Path string
}

// Run file names written by HipFT and goft.
const (
	RunMapList    = "hipft_output_map_list.out"
	RunParameters = "hipft_run_parameters_used.out"
)

// ReadRunMaps reads the output map list of the HipFT or goft run in dir.
// The maps are in the run's output_map_directory, taken from
// hipft_run_parameters_used.out ("output_maps" if that file is missing).
func ReadRunMaps(dir string) ([]RunMap, error) {
	mapDir := "output_maps"
	pf, err := os.Open(filepath.Join(dir, RunParameters))
	switch {
	case err == nil:
		_, entries, perr := namelist.Parse(pf, filepath.Join(dir, RunParameters))
		pf.Close()
		if perr != nil {
			return nil, perr
		}
		for _, e := range entries {
			if e.Name == "output_map_directory" && len(e.Values) > 0 {
				if v, err := e.Values[0].Str(); err == nil && strings.TrimSpace(v) != "" {
					mapDir = strings.TrimSpace(v)
				}
			}
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, err
	}
	if !filepath.IsAbs(mapDir) {
		mapDir = filepath.Join(dir, mapDir)
	}
	path := filepath.Join(dir, RunMapList)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist: give the folder of a run that wrote cadence maps (output_map_time_cadence or output_map_idx_cadence)", path)
		}
		return nil, err
	}
	defer f.Close()
	var out []RunMap
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if line == 1 || len(fields) == 0 {
			continue
		}
		bad := fmt.Errorf("%s:%d: want IDX TIME FILENAME, found %q", path, line, sc.Text())
		if len(fields) < 3 {
			return nil, bad
		}
		idx, err1 := strconv.Atoi(fields[0])
		t, err2 := parseFortranReal(fields[1])
		if err1 != nil || err2 != nil {
			return nil, bad
		}
		out = append(out, RunMap{Index: idx, Time: t, Path: filepath.Join(mapDir, fields[2])})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no maps", path)
	}
	return out, nil
}

// parseFortranReal reads a real written by Fortran, including the
// exponent-letter-less form of 3-digit exponents (1.0-100).
func parseFortranReal(s string) (float64, error) {
	s = strings.NewReplacer("d", "e", "D", "e").Replace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err == nil {
		return v, nil
	}
	if i := strings.LastIndexAny(s, "+-"); i > 0 && !strings.ContainsAny(s, "eE") {
		return strconv.ParseFloat(s[:i]+"e"+s[i:], 64)
	}
	return 0, err
}

// FrameOf returns realization r (1-based) of a 2D or 3D map as a frame at
// time t (hours); name is used in errors.
func FrameOf(mp *psihdf.Map, r int, t float64, name string) (*Frame, error) {
	nr := 1
	switch len(mp.Dims) {
	case 2:
	case 3:
		nr = mp.Dims[2]
	default:
		return nil, fmt.Errorf("%s: a %dD map; want a 2D or 3D Br map", name, len(mp.Dims))
	}
	if r < 1 || r > nr {
		return nil, fmt.Errorf("%s holds %d realization(s); realization %d does not exist", name, nr, r)
	}
	n := mp.Dims[0] * mp.Dims[1]
	return &Frame{Time: t, Phi: mp.Scales[0], Theta: mp.Scales[1], Br: mp.Data[n*(r-1) : n*r]}, nil
}

// RunFrames returns the frames of a run's maps (realization r, 1-based),
// reading each map when asked for it.
func RunFrames(maps []RunMap, r int) FrameFunc {
	return func(i int) (*Frame, error) {
		mp, err := psihdf.Read(maps[i].Path)
		if err != nil {
			return nil, err
		}
		return FrameOf(mp, r, maps[i].Time, maps[i].Path)
	}
}

// StaticFrames returns frames that all show realization r of mp, at the
// given times (hours): one map observed as the Sun rotates.
func StaticFrames(mp *psihdf.Map, r int, times []float64, name string) (FrameFunc, error) {
	fr, err := FrameOf(mp, r, 0, name)
	if err != nil {
		return nil, err
	}
	return func(i int) (*Frame, error) {
		c := *fr
		c.Time = times[i]
		return &c, nil
	}, nil
}
