package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/internal/progress"
	"github.com/goft-sft/goft/stage/magmap"
)

const magmapSummary = `Maps full-disk line-of-sight magnetograms to Carrington Br maps with
assimilation weights, for HipFT's (and goft run's) data assimilation: OFT's
MagMAP stage (predsci/MagMAP, bin/magmap_disk2map.py), with its options,
defaults, folder layout and files.

DISK_DIR is a folder of FITS magnetograms as magmap_get_data.py downloads
them (JSOC hmi.M_720s as-is files, RICE-compressed, under YYYY/MM/DD/, with
index_files/magmap_disks_all.csv), or any folder of plain or tile-compressed
FITS magnetograms whose names hold their date as YYYYMMDDTHHMMSS (HMI after
funpack, MDI, GONG). Each needs CRPIX1/2, CDELT1/2 (arcsec), RSUN_OBS,
DSUN_OBS, RSUN_REF, CRLN_OBS, CRLT_OBS and DATE_OBS, DATE-OBS or T_OBS;
CROTA2 and CRVAL1/2 default to 0.

Each disk is interpolated to a -npinterp x -ntinterp grid uniform in
longitude and latitude (pole points moved a quarter step inward), Blos is
divided by mu, and the grid is binned flux-preservingly to -npout x -ntout.
The map (ODIR/<disk's folder>/<name with _m_ -> _map_>.h5) holds three
float32 layers: Br in Gauss (-65500 where there is no data), the weight
mu^4 (0 where mu <= 0.1 or no data) and mu. ODIR/index_files/
magmap_maps_all.csv lists all maps in ODIR.

With -startdate and -enddate, the disks in that range are mapped; without
them (update mode) the disks after the newest map in ODIR's index. Maps
that exist are kept, not redone.

Use the maps in hipft.in with
  assimilate_data = .true.
  assimilate_data_map_list_filename = 'ODIR/index_files/magmap_maps_all.csv'
  assimilate_data_map_root_dir = 'ODIR'

Flags go before DISK_DIR.`

func cmdMagmap(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("magmap", "goft magmap [flags] DISK_DIR", magmapSummary, stderr)
	odir := fs.String("odir", "magmap_data_maps", "output folder of the maps (also -o)")
	fs.StringVar(odir, "o", "magmap_data_maps", "same as -odir")
	start := fs.String("startdate", "", "first disk date to map, YYYY-MM-DDTHH:MM:SS (UTC); with -enddate")
	end := fs.String("enddate", "", "last disk date to map, YYYY-MM-DDTHH:MM:SS (UTC); with -startdate")
	diskIndex := fs.String("index_filename_disks", magmap.DefaultDiskIndex, "disk index in DISK_DIR/index_files (the folder is listed when it does not exist)")
	mapIndex := fs.String("index_filename_maps", magmap.DefaultMapIndex, "map index written to ODIR/index_files")
	npout := fs.Int("npout", magmap.DefaultNPOut, "longitude points of the output maps")
	ntout := fs.Int("ntout", magmap.DefaultNTOut, "latitude (colatitude) points of the output maps")
	npinterp := fs.Int("npinterp", magmap.DefaultNPInterp, "longitude points of the interpolation grid (more than -npout)")
	ntinterp := fs.Int("ntinterp", magmap.DefaultNTInterp, "latitude points of the interpolation grid (more than -ntout)")
	r0 := fs.Float64("r0", 1.0, "assumed radius of the mapped sphere, in solar radii (RSUN_REF)")
	workers := fs.Int("workers", 0, "threads for the interpolation (0: all cores)")
	quiet := fs.Bool("q", false, "quiet: print nothing but errors (the progress line still shows on a terminal)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		if fs.NArg() > 1 && strings.HasPrefix(fs.Arg(1), "-") {
			return usageErrorf(fs, "flag %s after DISK_DIR: flags go before the folder (goft magmap [flags] DISK_DIR)", fs.Arg(1))
		}
		return usageErrorf(fs, "want one disk folder, got %d arguments", fs.NArg())
	}
	diskDir := fs.Arg(0)
	sel := magmap.Selection{DiskIndex: *diskIndex, MapIndex: *mapIndex}
	var err error
	if (*start == "") != (*end == "") {
		return usageErrorf(fs, "give both -startdate and -enddate, or neither (update mode: the disks after the newest map)")
	}
	if *start != "" {
		if sel.Start, err = time.Parse("2006-01-02T15:04:05", *start); err != nil {
			return usageErrorf(fs, "-startdate %q: want YYYY-MM-DDTHH:MM:SS (UTC)", *start)
		}
		if sel.End, err = time.Parse("2006-01-02T15:04:05", *end); err != nil {
			return usageErrorf(fs, "-enddate %q: want YYYY-MM-DDTHH:MM:SS (UTC)", *end)
		}
		if sel.End.Before(sel.Start) {
			return usageErrorf(fs, "-enddate %s is before -startdate %s", *end, *start)
		}
	}
	opt := magmap.Options{NPOut: *npout, NTOut: *ntout, NPInterp: *npinterp, NTInterp: *ntinterp, R0: *r0}
	if err := opt.Check(); err != nil {
		return usageErrorf(fs, "%v", err)
	}
	if *workers < 0 {
		return usageErrorf(fs, "-workers %d: want 0 (all cores) or more", *workers)
	}
	opt.Pool = parallel.New(*workers)
	defer opt.Pool.Close()

	var bar *progress.Counter
	t0 := time.Now()
	rep, err := magmap.Run(diskDir, *odir, sel, opt, func(done, total int) {
		if bar == nil {
			bar = progress.NewCounter(stderr, "disk", total)
		}
		bar.Update(done)
	})
	bar.Done()
	if err != nil {
		if rep != nil && len(rep.Mapped) > 0 {
			return fmt.Errorf("%v (%d maps were written before it; rerun to continue: existing maps are kept)", err, len(rep.Mapped))
		}
		return err
	}
	if !*quiet {
		fmt.Fprintf(stdout, "goft magmap: mapped %d disks (%d mapped already) from %s into %s in %.1f s\n",
			len(rep.Mapped), len(rep.Skipped), diskDir, *odir, time.Since(t0).Seconds())
		fmt.Fprintf(stdout, "  map index: %s\n", rep.Index)
		fmt.Fprintf(stdout, "  assimilate_data_map_list_filename = '%s'\n  assimilate_data_map_root_dir = '%s'\n",
			filepath.Join(*odir, magmap.IndexDir, *mapIndex), *odir)
	}
	return nil
}
