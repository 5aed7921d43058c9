package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/internal/progress"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/stage/export"
	"github.com/goft-sft/goft/stage/mapprep"
)

// Folder names of oftswa.py's map processing inside a run folder.
const (
	processedMapsDir    = "processed_maps"
	processedMapsWSADir = "processed_maps_wsa"
)

// mapprepJob is what cmdMapprep does to each map.
type mapprepJob struct {
	opt      mapprep.Options
	wsa      bool           // also the WSA data set
	fits     bool           // also FITS of every written map
	fitsOpt  export.Options // the FITS export's options (grid, start)
	pool     *parallel.Pool
	stdout   io.Writer
	inRun    bool // a run's maps: no line per map
	progress *progress.Progress
}

// cmdMapprep is OFT's map processing (psi_map_prep.py, oftswa.py's
// output_map_processing): remap, smooth, multiply, flux-balance.
func cmdMapprep(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mapprep", "goft mapprep [flags] -o OUT.h5 MAP.h5\n       goft mapprep [flags] RUN_DIR",
		"OFT's map processing (predsci/OFT psi_map_prep.py, as oftswa.py's\n"+
			"output_map_processing runs it), with the script's options and defaults:\n"+
			"each realization of the map is multiplied (-mfac), remapped onto a uniform\n"+
			"grid of -np x -nt points (or -res degrees, or a -template map's points) by\n"+
			"psi_remap_mm.py's overlap average, smoothed by one hour of HipFT's\n"+
			"grid-scale diffusion with diffusion_coef_factor -smoothfac (goft's own\n"+
			"diffusion), and flux-balanced as HipFT's output_map_flux_balance does; the\n"+
			"realizations are packed back into one map, written as PSI HDF5 in the\n"+
			"script's precision (single after smoothing or balance, double after a remap\n"+
			"only). -wsa also writes the WSA model's data set: the processed map remapped\n"+
			"(no smoothing, no balance) onto (np-1) x (nt-1) inner-mesh cell centres.\n"+
			"-fits also writes each map as FITS for sunpy and PFSS codes (goft export).\n"+
			"Given a run folder, every map in its hipft_output_map_list.out is processed\n"+
			"into RUN_DIR/"+processedMapsDir+" (and "+processedMapsWSADir+"), named as the map, with\n"+
			"the processed maps' history files (hipft_history_sol_rNNNNNN.out), as\n"+
			"oftswa.py does; -o names another folder. See docs/map-processing.md.", stderr)
	np := fs.Int("np", 361, "points in phi (longitude) of the uniform grid, both 0 and 360 degrees included")
	nt := fs.Int("nt", 181, "points in theta (colatitude) of the uniform grid, both poles included")
	res := fs.Float64("res", 0, "grid spacing in degrees, as oftswa.py's map_resolution_delta_deg: np = ceil(360/res)+1, nt = ceil(180/res)+1 (excludes -np, -nt)")
	template := fs.String("template", "", "remap onto the points (dim1, dim2 scales) of this 2D map in place of a uniform grid")
	mfac := fs.Float64("mfac", 1, "multiply the map by this factor (first)")
	smoothfac := fs.Float64("smoothfac", 0.5, "smoothing factor: HipFT's diffusion_coef_factor for one hour of grid-scale diffusion (oftswa.py's smoothing_factor, 1.0 in its default.yaml)")
	nosmooth := fs.Bool("nosmooth", false, "do not smooth")
	noflux := fs.Bool("noflux", false, "do not flux-balance")
	noremap := fs.Bool("noremap", false, "do not remap (keep the map's grid)")
	wsa := fs.Bool("wsa", false, "also write the WSA data set (oftswa.py's make_wsa_dataset): a map's next to -o as NAME_wsa.h5, a run's into "+processedMapsWSADir)
	overwrite := fs.Bool("overwrite", false, "replace a run's existing "+processedMapsDir+" (and "+processedMapsWSADir+") folder")
	toFITS := fs.Bool("fits", false, "also write every processed map as FITS (NAME.fits next to it; see goft export)")
	projName := fs.String("proj", "cea", "with -fits: the FITS grid, car (uniform in latitude) or cea (uniform in sin(latitude))")
	start := fs.String("start", "", "with -fits: date and time (UTC) of the run's time 0, e.g. 2024-05-01; sets DATE-OBS")
	out := fs.String("o", "", "output map (a folder for a run; default RUN_DIR/"+processedMapsDir+")")
	workers := fs.Int("workers", 0, "number of threads for the smoothing (0: all cores)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf(fs, "expected one map file or run folder, got %d arguments", fs.NArg())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opt := mapprep.DefaultOptions()
	opt.Multiplier = *mfac
	opt.SmoothingFactor = *smoothfac
	if *nosmooth {
		if set["smoothfac"] {
			return usageErrorf(fs, "-smoothfac and -nosmooth exclude each other")
		}
		opt.SmoothingFactor = 0
	}
	opt.FluxBalance = !*noflux
	opt.Remap = !*noremap
	switch {
	case *noremap && (set["np"] || set["nt"] || set["res"] || *template != ""):
		return usageErrorf(fs, "-noremap excludes -np, -nt, -res and -template")
	case set["res"] && (set["np"] || set["nt"]):
		return usageErrorf(fs, "-res excludes -np and -nt")
	case *template != "" && (set["np"] || set["nt"] || set["res"]):
		return usageErrorf(fs, "-template excludes -np, -nt and -res")
	}
	if set["res"] {
		var err error
		if *np, *nt, err = mapprep.ResolutionPoints(*res); err != nil {
			return usageErrorf(fs, "-res: %v", err)
		}
	}
	if *template != "" {
		tm, err := psihdf.Read(*template)
		if err != nil {
			return fmt.Errorf("-template: %w", err)
		}
		if len(tm.Dims) != 2 {
			return fmt.Errorf("-template %s: a 2D map is needed, the file holds %dD data", *template, len(tm.Dims))
		}
		opt.Target = mapprep.Grid{Phi: tm.Scales[0], Theta: tm.Scales[1], Float32: tm.Float32}
		if tm.Scales[0][len(tm.Scales[0])-1] <= 3.5 {
			return fmt.Errorf("-template %s: dim1 ends at %g, so it is theta: a phi-theta map (dim1 = phi) is needed", *template, tm.Scales[0][len(tm.Scales[0])-1])
		}
		if err := opt.Target.Check(); err != nil {
			return fmt.Errorf("-template %s: %w", *template, err)
		}
	} else if opt.Remap {
		g, err := mapprep.UniformGrid(*np, *nt)
		if err != nil {
			return usageErrorf(fs, "-np, -nt: %v", err)
		}
		opt.Target = g
	}
	if err := opt.Check(); err != nil {
		return usageErrorf(fs, "%v", err)
	}
	if *wsa && !opt.Remap {
		return usageErrorf(fs, "-wsa needs the remap: the WSA grid is made from the processed grid's size")
	}
	if *wsa && *template != "" {
		return usageErrorf(fs, "-wsa needs a uniform grid (-np, -nt or -res), not -template")
	}
	job := &mapprepJob{opt: opt, wsa: *wsa, fits: *toFITS, stdout: stdout}
	if *toFITS {
		proj, err := export.ParseProjection(*projName)
		if err != nil {
			return usageErrorf(fs, "-proj: %v", err)
		}
		job.fitsOpt = export.Options{Grid: export.Grid{Proj: proj}, Creator: "goft " + Version + " mapprep"}
		if *start != "" {
			if job.fitsOpt.Start, err = parseStart(*start); err != nil {
				return usageErrorf(fs, "-start: %v", err)
			}
		}
	} else if set["proj"] || set["start"] {
		return usageErrorf(fs, "-proj and -start go with -fits")
	}
	job.pool = parallel.New(*workers)
	defer job.pool.Close()
	in := fs.Arg(0)
	if st, err := os.Stat(in); err == nil && st.IsDir() {
		return job.run(in, *out, *overwrite, stderr)
	}
	if *out == "" {
		return usageErrorf(fs, "-o OUT.h5 is required for a map")
	}
	if *overwrite {
		return usageErrorf(fs, "-overwrite goes with a run folder")
	}
	var t float64
	var hasTime bool
	if *toFITS {
		t, hasTime = listedTime(in)
	}
	return job.mapFile(in, *out, wsaName(*out), t, hasTime)
}

// wsaName is the WSA map's name for processed map out: NAME_wsa.h5.
func wsaName(out string) string {
	return strings.TrimSuffix(out, filepath.Ext(out)) + "_wsa.h5"
}

// mapFile processes the map in file in into out and, with -wsa, wsaOut.
func (j *mapprepJob) mapFile(in, out, wsaOut string, t float64, hasTime bool) error {
	m, err := analysis.ReadMap(in)
	if err != nil {
		return err
	}
	res, err := mapprep.Process(m, j.opt, j.pool)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := j.write(out, res, t, hasTime, j.fits); err != nil {
		return err
	}
	if !j.wsa {
		return nil
	}
	wopt, err := mapprep.WSAOptions(len(j.opt.Target.Phi), len(j.opt.Target.Theta))
	if err != nil {
		return err
	}
	wres, err := mapprep.Process(res.Map, wopt, j.pool)
	if err != nil {
		return fmt.Errorf("%s (WSA grid): %w", out, err)
	}
	return j.write(wsaOut, wres, t, hasTime, false)
}

// write writes a processed map (and its FITS with toFITS) and reports it
// (a run's maps only on the progress line).
func (j *mapprepJob) write(out string, res *mapprep.Result, t float64, hasTime, toFITS bool) error {
	if err := psihdf.Write(out, res.Map, res.Map.Float32); err != nil {
		return err
	}
	prec := "double"
	if res.Map.Float32 {
		prec = "single"
	}
	var fl []string
	for i := range res.FluxBefore {
		fl = append(fl, fmt.Sprintf("%.6g -> %.6g", res.FluxBefore[i]*mesh.RsunCm2, res.FluxAfter[i]*mesh.RsunCm2))
	}
	if !j.inRun {
		fmt.Fprintf(j.stdout, "goft mapprep: wrote %s (%d x %d points, %s precision; net flux %s Mx)\n", out, res.Map.Dims[0], res.Map.Dims[1], prec, strings.Join(fl, ", "))
	}
	if !toFITS {
		return nil
	}
	o := j.fitsOpt
	o.Grid.NLon, o.Grid.NLat = res.Map.Dims[0]-1, res.Map.Dims[1]-1
	if o.Grid.NLat < 2 || o.Grid.NLon < 1 {
		return fmt.Errorf("%s: %d x %d points are too few for a FITS export", out, res.Map.Dims[0], res.Map.Dims[1])
	}
	o.TimeHours, o.HasTime = t, hasTime
	o.Source = printable(filepath.Base(out))
	if len(res.Map.Dims) == 3 && res.Map.Dims[2] == 1 {
		o.Realization = 1
	}
	img, _, err := export.Image(res.Map, o)
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	name := strings.TrimSuffix(out, filepath.Ext(out)) + ".fits"
	if err := fits.WriteFile(name, img); err != nil {
		return err
	}
	if !j.inRun {
		fmt.Fprintf(j.stdout, "goft mapprep: wrote %s (%s %dx%d)\n", name, o.Grid.Proj, o.Grid.NLon, o.Grid.NLat)
	}
	return nil
}

// processedHistories writes the history files of the processed maps in
// outDir (named and listed as run rf's maps) into outDir, as oftswa.py
// runs hipft_get_histories_from_files.py there: one
// hipft_history_sol_rNNNNNN.out per realization, a line per map, with the
// run's polar caps.
func processedHistories(rf *analysis.RunFiles, outDir string) error {
	rel, err := filepath.Rel(rf.Dir, outDir)
	if err != nil {
		abs, aerr := filepath.Abs(outDir)
		if aerr != nil {
			return aerr
		}
		rel = abs
	}
	processed := &analysis.RunFiles{Dir: rf.Dir, Params: rf.Params, MapDir: rel, MapRoot: rf.MapRoot}
	h, err := analysis.OutputMapsHistory(processed, rf.PoleFluxLatLimit())
	if err != nil {
		return err
	}
	steps := make([]int64, len(h.Maps))
	for i, m := range h.Maps {
		steps[i] = int64(m.Index)
	}
	for r, stats := range h.Stats {
		if err := output.WriteSolHistory(filepath.Join(outDir, output.HistoryName("sol", r+1)), steps, stats); err != nil {
			return err
		}
	}
	return nil
}

// run processes every map listed in run folder dir into outDir (default
// dir/processed_maps) and, with -wsa, dir/processed_maps_wsa (or
// outDir_wsa beside a given outDir).
func (j *mapprepJob) run(dir, outDir string, overwrite bool, stderr io.Writer) error {
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return err
	}
	maps, err := rf.OutputMaps()
	if err != nil {
		return err
	}
	if len(maps) == 0 {
		return fmt.Errorf("%s: the run lists no output maps in %s", dir, analysis.MapListFile)
	}
	wsaDir := filepath.Join(dir, processedMapsWSADir)
	if outDir == "" {
		outDir = filepath.Join(dir, processedMapsDir)
	} else {
		wsaDir = filepath.Clean(outDir) + "_wsa"
	}
	dirs := []string{outDir}
	if j.wsa {
		dirs = append(dirs, wsaDir)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); err == nil {
			if !overwrite {
				return fmt.Errorf("%s exists: give -overwrite to replace it (as oftswa.py's overwrite: True), or -o another folder", d)
			}
			if err := os.RemoveAll(d); err != nil {
				return err
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	j.inRun = true
	j.progress = progress.New(stderr, maps[0].Time, maps[len(maps)-1].Time)
	started := time.Now()
	for i, om := range maps {
		base := filepath.Base(om.Path)
		if err := j.mapFile(om.Path, filepath.Join(outDir, base), filepath.Join(wsaDir, base), om.Time, true); err != nil {
			return err
		}
		j.progress.Update(int64(i+1), om.Time, maps[len(maps)-1].Time)
	}
	j.progress.Done()
	if err := processedHistories(rf, outDir); err != nil {
		return err
	}
	what := outDir
	if j.wsa {
		what += " and " + wsaDir
	}
	fmt.Fprintf(j.stdout, "goft mapprep: processed the %d maps of %s into %s in %.1f s\n", len(maps), dir, what, time.Since(started).Seconds())
	return nil
}
