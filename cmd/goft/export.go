package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/stage/export"
)

// cmdExport converts a Br map, or every output map of a run, to FITS.
func cmdExport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", "goft export [flags] -o OUT.fits MAP.h5\n       goft export [flags] -o OUT_DIR RUN_DIR",
		"Writes a Br map as a FITS image that sunpy reads as a Carrington map\n"+
			"(sunpy.map.Map) and PFSS codes (sunkit-magex, pfsspy) take as input: the map\n"+
			"is remapped, conserving flux, onto a full-Sun grid uniform in Carrington\n"+
			"longitude (0 to 360 degrees) and in latitude (-proj car) or sin(latitude)\n"+
			"(-proj cea, cylindrical equal area, what PFSS needs). Each cell holds the\n"+
			"source field's flux over the cell divided by its area, in Gauss; the total\n"+
			"flux is the map's, as goft info reports it. The header holds the WCS\n"+
			"(CRLN-/CRLT-CAR or -CEA), DATE-OBS (with -start: the start date plus the\n"+
			"map's time from the run's hipft_output_map_list.out when listed there) and\n"+
			"an Earth-like default observer (1 AU, Stonyhurst longitude and latitude 0).\n"+
			"A map with several realizations needs -r (one, a 2D image) or -all (a cube\n"+
			"with the realization as axis 3, as ADAPT distributes ensembles).\n"+
			"Given a run folder, every map listed in its hipft_output_map_list.out is\n"+
			"written into the folder -o, named after the map with .fits.", stderr)
	projName := fs.String("proj", "cea", "target grid: car (uniform in latitude) or cea (uniform in sin(latitude))")
	nlon := fs.Int("nlon", 360, "cells in longitude")
	nlat := fs.Int("nlat", 180, "cells in latitude")
	real := fs.Int("r", 0, "realization (1-based) of a map with several to write as a 2D image")
	all := fs.Bool("all", false, "write every realization, as a 3D cube (NAXIS3 = realizations)")
	f64 := fs.Bool("float64", false, "write double precision (BITPIX -64; default single, -32)")
	start := fs.String("start", "", "date and time (UTC) of the run's time 0, e.g. 2024-05-01 or 2024-05-01T12:00:00; sets DATE-OBS (default: none written)")
	out := fs.String("o", "", "output FITS file (a folder for a run)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf(fs, "expected one map file or run folder, got %d arguments", fs.NArg())
	}
	if *out == "" {
		return usageErrorf(fs, "-o OUT.fits is required")
	}
	proj, err := export.ParseProjection(*projName)
	if err != nil {
		return usageErrorf(fs, "-proj: %v", err)
	}
	grid := export.Grid{Proj: proj, NLon: *nlon, NLat: *nlat}
	if err := grid.Check(); err != nil {
		return usageErrorf(fs, "-nlon, -nlat: %v", err)
	}
	if *real < 0 {
		return usageErrorf(fs, "-r %d: realizations are numbered from 1", *real)
	}
	if *real > 0 && *all {
		return usageErrorf(fs, "-r and -all exclude each other")
	}
	var t0 time.Time
	if *start != "" {
		if t0, err = parseStart(*start); err != nil {
			return usageErrorf(fs, "-start: %v", err)
		}
	}
	opt := export.Options{Grid: grid, Realization: *real, Float64: *f64, Start: t0, Creator: "goft " + Version + " export"}
	in := fs.Arg(0)
	if st, err := os.Stat(in); err == nil && st.IsDir() {
		return exportRun(in, *out, opt, *all, stdout)
	}
	if t, ok := listedTime(in); ok {
		opt.TimeHours, opt.HasTime = t, true
	}
	return exportMap(in, *out, opt, *all, stdout)
}

// exportMap writes the map in file in to the FITS file out.
func exportMap(in, out string, opt export.Options, all bool, stdout io.Writer) error {
	m, err := analysis.ReadMap(in)
	if err != nil {
		return err
	}
	n := analysis.Realizations(m)
	switch {
	case opt.Realization > n:
		return fmt.Errorf("%s: realization %d does not exist: the map has %d", in, opt.Realization, n)
	case len(m.Dims) == 3 && !all && opt.Realization == 0 && n > 1:
		return fmt.Errorf("%s has %d realizations: choose one with -r R, or write a cube of all with -all", in, n)
	case len(m.Dims) == 3 && !all && opt.Realization == 0:
		opt.Realization = 1
	case len(m.Dims) == 2:
		opt.Realization = 0 // the only one, as a 2D image
	}
	opt.Source = printable(filepath.Base(in))
	img, fluxes, err := export.Image(m, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if err := fits.WriteFile(out, img); err != nil {
		return err
	}
	var fl []string
	for _, f := range fluxes {
		fl = append(fl, fmt.Sprintf("%.6g", f*mesh.RsunCm2))
	}
	what := "a 2D image"
	if len(img.Dims) == 3 {
		what = fmt.Sprintf("a cube of %d realizations", img.Dims[2])
	}
	fmt.Fprintf(stdout, "goft export: wrote %s (%s, %s %dx%d, net flux %s Mx)\n", out, what, opt.Grid.Proj, opt.Grid.NLon, opt.Grid.NLat, strings.Join(fl, ", "))
	return nil
}

// exportRun writes every map listed in run folder dir's output map list
// into folder outDir.
func exportRun(dir, outDir string, opt export.Options, all bool, stdout io.Writer) error {
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return err
	}
	maps, err := rf.OutputMaps()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	for _, om := range maps {
		o := opt
		o.TimeHours, o.HasTime = om.Time, true
		name := strings.TrimSuffix(filepath.Base(om.Path), filepath.Ext(om.Path)) + ".fits"
		if err := exportMap(om.Path, filepath.Join(outDir, name), o, all, stdout); err != nil {
			return err
		}
	}
	return nil
}

// listedTime returns the simulation time (hours) of map file path from the
// output map list of the run it belongs to (the list in the map's folder
// or the one above, HipFT's output_maps layout), if it is listed.
func listedTime(path string) (float64, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	dir := filepath.Dir(path)
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if _, err := os.Stat(filepath.Join(d, analysis.MapListFile)); err != nil {
			continue
		}
		rf, err := analysis.OpenRun(d)
		if err != nil {
			continue
		}
		maps, err := rf.OutputMaps()
		if err != nil {
			continue
		}
		for _, om := range maps {
			if ost, err := os.Stat(om.Path); err == nil && os.SameFile(st, ost) {
				return om.Time, true
			}
		}
	}
	return 0, false
}

// parseStart parses a -start date: YYYY-MM-DD, optionally with Thh:mm or
// Thh:mm:ss (fractional seconds allowed) and a trailing Z, in UTC.
func parseStart(s string) (time.Time, error) {
	v := strings.TrimSuffix(s, "Z")
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss] (UTC)", s)
}

// printable replaces the characters a FITS header cannot hold by '?'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}
