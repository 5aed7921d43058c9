package synthobs

import (
	"errors"
	"fmt"
	"github.com/goft-sft/goft/hipft/output"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/goft-sft/goft/format/namelist"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
)

// RunMap is one entry of a run's hipft_output_map_list.out.
type RunMap struct {
	Index int // the map's index (IDX column)
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
	list, err := output.ReadMapList(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist: give the folder of a run that wrote cadence maps (output_map_time_cadence or output_map_idx_cadence)", path)
		}
		return nil, err
	}
	out := make([]RunMap, len(list))
	for i, e := range list {
		out[i] = RunMap{Index: e.Index, Time: e.Time, Path: filepath.Join(mapDir, e.Name)}
	}
	return out, nil
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
	l := field.MapLayout{NPhi: mp.Dims[0], NTheta: mp.Dims[1], NReal: nr}
	return &Frame{Time: t, Phi: mp.Scales[0], Theta: mp.Scales[1], Br: l.Realization(mp.Data, r-1)}, nil
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
