package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/stage/magmap"
	"github.com/goft-sft/goft/stage/synthobs"
)

const synthObsSummary = `Makes a synthetic data-assimilation data set in HipFT's format from a
sequence of Br maps, as an Earth-based magnetograph would see them.

The maps are either the cadence maps of a goft or HipFT run (-run DIR: the
maps listed in DIR/hipft_output_map_list.out, at their model times), or one
map seen -n times every -cadence hours while the Sun rotates under the
observer (-map FILE.h5).

The output folder (-o) receives synthobs_map_list.csv (HipFT's fixed-column
list: requested UT, actual UT, Julian date, path) and maps/synthobs_NNNNNN.h5,
3D maps with dims (N_phi, N_theta, 3) holding
  1. data:   Br (G) where mu > 0, plus Gaussian noise of -noise G; 0 on the
             far side;
  2. weight: mu^P where mu > L (-mu-power P, -mu-limit L), else 0;
  3. mu:     cos(angle from disk centre), negative on the far side,
             mu = sin(theta) cos(B0) cos(phi - L0) + cos(theta) sin(B0).
The sub-Earth Carrington longitude L0 starts at -lon0 and falls by 360
degrees per synodic Carrington rotation (27.2753 days). The first map is
dated -start; map i is dated -start plus its time after the first map. The
list keeps dates to 1e-5 day (0.864 s), so prefer cadences that are whole
multiples of it (3, 6, 12, 24 h).

With -fits it writes full-disk magnetograms instead (Blos = Br mu seen
from -dsun au with roll -roll, -npix pixels square, HMI's header keywords,
NaN off the disk; -rice compresses them as JSOC does) in the folder layout of MagMAP's downloader, for
goft magmap: OUT/YYYY/MM/DD/hmi_m_720s_YYYYMMDDTHHMMSS.fits and
OUT/index_files/magmap_disks_all.csv. synth-obs -fits, magmap and run make
a twin experiment with a known truth.

Use the data set in hipft.in with
  assimilate_data = .true.
  assimilate_data_map_list_filename = 'OUT/synthobs_map_list.csv'
  assimilate_data_map_root_dir = 'OUT'`

func cmdSynthObs(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth-obs", "goft synth-obs (-run DIR | -map FILE.h5) [flags]", synthObsSummary, stderr)
	runDir := fs.String("run", "", "run folder whose cadence maps (hipft_output_map_list.out) are observed")
	mapFile := fs.String("map", "", "a single Br map (2D or 3D PSI HDF5) observed -n times")
	n := fs.Int("n", 10, "with -map: number of observations")
	cadence := fs.Float64("cadence", 24, "with -map: hours between observations")
	every := fs.Int("every", 1, "with -run: use every N-th map of the list (starting with the first)")
	real := fs.Int("realization", 1, "realization to observe in 3D maps (1-based)")
	out := fs.String("o", "synthobs", "output folder (must not already hold a data set)")
	start := fs.String("start", "2024-01-01T00:00:00", "UTC date of the first map, YYYY-MM-DDTHH:MM:SS")
	lon0 := fs.Float64("lon0", -1, "sub-Earth Carrington longitude at the first map, degrees; negative: from -start, by a uniform synodic rotation since Carrington's epoch (good to a few degrees)")
	b0 := fs.Float64("b0", 0, "B0 angle: heliographic latitude of disk centre, degrees (positive shows the north pole)")
	muPower := fs.Float64("mu-power", 4, "weights are mu^P where mu > the limit")
	muLimit := fs.Float64("mu-limit", 0.1, "weights are 0 where mu <= this")
	noise := fs.Float64("noise", 0, "standard deviation of the Gaussian noise added to the visible data, Gauss")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	single := fs.Bool("single", false, "write float32 maps")
	asFITS := fs.Bool("fits", false, "write full-disk FITS magnetograms (Blos, HMI geometry) for goft magmap instead of assimilation maps")
	npix := fs.Int("npix", 1024, "with -fits: image size in pixels (HMI: 4096)")
	dsun := fs.Float64("dsun", 1.0, "with -fits: observer distance from the Sun, au")
	roll := fs.Float64("roll", 180.0, "with -fits: image roll CROTA2, degrees (HMI: about 180)")
	rice := fs.Bool("rice", false, "with -fits: RICE_1 tile-compressed 32-bit integers (BSCALE 0.01 G), as JSOC serves hmi.M_720s")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf(fs, "unexpected arguments %q (give the maps with -run or -map)", fs.Args())
	}
	if (*runDir == "") == (*mapFile == "") {
		return usageErrorf(fs, "give exactly one of -run DIR and -map FILE.h5")
	}
	t0, err := time.Parse("2006-01-02T15:04:05", *start)
	if err != nil {
		return fmt.Errorf("-start %q: want YYYY-MM-DDTHH:MM:SS (UTC)", *start)
	}
	o := synthobs.DefaultOptions()
	o.StartJD = synthobs.JulianDate(t0)
	o.Lon0 = *lon0
	if o.Lon0 < 0 {
		o.Lon0 = synthobs.CarringtonLongitude(o.StartJD)
	}
	o.B0, o.MuPower, o.MuLimit, o.Noise, o.Seed, o.Single = *b0, *muPower, *muLimit, *noise, *seed, *single

	var count int
	var get synthobs.FrameFunc
	if *runDir != "" {
		if *every < 1 {
			return fmt.Errorf("-every %d: must be at least 1", *every)
		}
		maps, err := synthobs.ReadRunMaps(*runDir)
		if err != nil {
			return err
		}
		var use []synthobs.RunMap
		for i := 0; i < len(maps); i += *every {
			use = append(use, maps[i])
		}
		count, get = len(use), synthobs.RunFrames(use, *real)
	} else {
		if *n < 1 {
			return fmt.Errorf("-n %d: must be at least 1", *n)
		}
		if !(*cadence > 0) || math.IsInf(*cadence, 0) {
			return fmt.Errorf("-cadence %g: must be a positive number of hours", *cadence)
		}
		mp, err := psihdf.Read(*mapFile)
		if err != nil {
			return err
		}
		times := make([]float64, *n)
		for i := range times {
			times[i] = float64(i) * *cadence
		}
		if get, err = synthobs.StaticFrames(mp, *real, times, *mapFile); err != nil {
			return err
		}
		count = *n
	}
	if *asFITS {
		disks, err := magmap.WriteDisks(*out, count, get, o, magmap.DiskOptions{N: *npix, DsunAU: *dsun, Roll: *roll, Rice: *rice})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft synth-obs: wrote %d FITS disks (%s to %s) to %s; map them with goft magmap %s\n",
			len(disks), disks[0].Date.Format("2006-01-02T15:04:05"), disks[len(disks)-1].Date.Format("2006-01-02T15:04:05"), *out, *out)
		return nil
	}
	entries, err := synthobs.Write(*out, count, get, &o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft synth-obs: wrote %d maps (%s to %s, first sub-Earth longitude %.2f deg) to %s\n",
		len(entries), entries[0].ActualUT, entries[len(entries)-1].ActualUT, o.Lon0, *out)
	fmt.Fprintf(stdout, "  assimilate_data_map_list_filename = '%s'\n  assimilate_data_map_root_dir = '%s'\n",
		filepath.Join(*out, synthobs.ListName), *out)
	return nil
}
