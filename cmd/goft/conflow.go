package main

import (
	"fmt"
	"io"
	"time"

	"github.com/goft-sft/goft/internal/progress"
	"github.com/goft-sft/goft/stage/conflow"
)

const conflowSummary = `Makes supergranular convective flows for HipFT as ConFlow 1.0.3 does
(predsci/ConFlow, the first stage of an OFT run), from ConFlow's own input
file: the namelist &conflow_input_parameters in conflow.dat (default: the
one in the working folder), with ConFlow's parameters and defaults.

It writes ConFlow's files into output_directory (relative to the working
folder): vtNNNNNN.h5 and vpNNNNNN.h5 on HipFT's staggered grid (float32)
and flow_output_list.csv for HipFT's flow_list_filename; with the options,
vtNNNNNN.data and vpNNNNNN.data (the uniform grid, raw float64) and
spectrum.h5. With set_random_seed = .true. the flows equal ConFlow's (built
with gfortran) to round-off; without it the seed comes from the operating
system, as in ConFlow, and each run differs. See docs/conflow.md.`

func cmdConflow(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conflow", "goft conflow [flags] [conflow.dat]", conflowSummary, stderr)
	verbose := fs.Bool("v", false, "verbose: print the parameters before and the flows' extremes and timing after")
	quiet := fs.Bool("q", false, "quiet: print nothing on success (a progress line still shows on a terminal)")
	workers := fs.Int("workers", 0, "number of threads (0: all cores); the flows are the same for any number")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErrorf(fs, "expected at most one input file, got %d arguments", fs.NArg())
	}
	if *workers < 0 {
		return usageErrorf(fs, "-workers %d: must be 0 (all cores) or more", *workers)
	}
	in := "conflow.dat"
	if fs.NArg() == 1 {
		in = fs.Arg(0)
	}
	p, err := conflow.ReadFile(in)
	if err != nil {
		return err
	}
	nfiles := p.NumFiles()
	if *verbose {
		seed := "from the operating system (set_random_seed = .false.)"
		if p.SetRandomSeed {
			seed = fmt.Sprintf("%d (gfortran's RANDOM_SEED(PUT=) with every element %d)", p.RandomSeedValue, p.RandomSeedValue)
		}
		spectrum := "1: taper from l = 384 to 512"
		if p.SpectrumModModel == 2 {
			spectrum = fmt.Sprintf("2: hard cut above l = %g", p.SpectralCutoff)
		}
		fmt.Fprintf(stdout, "goft conflow: %s\n", in)
		fmt.Fprintf(stdout, "  grid          %d x %d (HipFT), sampled at %d x %d; degrees l < %d\n", p.NLong, p.NLat, 2*p.NLong, 2*p.NLat, 2*p.NLat-1)
		fmt.Fprintf(stdout, "  maps          %d, every %g s (%.4g days in all)\n", nfiles, p.DTime, float64(nfiles)*p.DTime/86400)
		fmt.Fprintf(stdout, "  spectrum      model %s\n", spectrum)
		fmt.Fprintf(stdout, "  rotation      flow_dr_t0..t4 = %g m/s\n", p.DR)
		fmt.Fprintf(stdout, "  meridional    flow_mf_s0..s5 = %g m/s\n", p.MF)
		fmt.Fprintf(stdout, "  seed          %s\n", seed)
		fmt.Fprintf(stdout, "  outputs       staggered %v, uniform %v, spectrum %v, in %s\n", p.OutputStaggered, p.OutputUniform, p.OutputSpectrum, p.OutputDirectory)
	}
	pr := progress.New(stderr, 0, float64(nfiles)*p.DTime/3600)
	start := time.Now()
	sum, err := conflow.Run(p, conflow.Options{Workers: *workers, Progress: func(done, total int) {
		pr.Update(int64(done), float64(done)*p.DTime/3600, float64(total)*p.DTime/3600)
	}})
	pr.Done()
	if err != nil {
		return err
	}
	wall := time.Since(start)
	if *quiet {
		return nil
	}
	fmt.Fprintf(stdout, "goft conflow: wrote %d flow maps (%d files) to %s in %.1f s\n", sum.Files, len(sum.Written), sum.Dir, wall.Seconds())
	if *verbose {
		fmt.Fprintf(stdout, "  v_theta (ConFlow's vt) %.6g .. %.6g m/s, v_phi (vp) %.6g .. %.6g m/s on the uniform grid\n", sum.MinVT, sum.MaxVT, sum.MinVP, sum.MaxVP)
		if sum.Files > 0 {
			fmt.Fprintf(stdout, "  %.3f s per map\n", wall.Seconds()/float64(sum.Files))
		}
	}
	return nil
}

const conflowMergeSummary = `Joins several ConFlow runs (made by goft conflow or ConFlow) into one flow
list for HipFT, as ConFlow's bin/conflow_merge_multiple_realizations.py
does: each folder under ROOTDIR holding vt*.h5 and vp*.h5 maps is one run;
its maps are linked into the output folder as vtNNNNNN.h5 and vpNNNNNN.h5,
numbered on across the runs and repeated -reps times per run, and listed at
-dtime intervals in ConFlow's list format. Runs are taken in name order.
Use the list with flow_list_filename and flow_root_dir = the output folder.`

func cmdConflowMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("conflow-merge", "goft conflow-merge [flags] ROOTDIR", conflowMergeSummary, stderr)
	list := fs.String("o", "conflow_realizations.csv", "name of the list file in the output folder")
	outDir := fs.String("outdir", "conflow_realizations", "folder that receives the links and the list")
	nr := fs.Int("nr", 0, "use only the first N runs (0: all)")
	reps := fs.Int("reps", 3, "times each run's maps are repeated")
	dtime := fs.Float64("dtime", 900, "seconds between maps in the list (the script's 1/96 day)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf(fs, "expected the folder of ConFlow runs, got %d arguments", fs.NArg())
	}
	if *reps < 1 || *nr < 0 || !(*dtime > 0) {
		return usageErrorf(fs, "-reps must be at least 1, -nr at least 0 and -dtime positive")
	}
	sum, err := conflow.Merge(fs.Arg(0), conflow.MergeOptions{OutDir: *outDir, ListName: *list, MaxRuns: *nr, Replicates: *reps, DTime: *dtime})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft conflow-merge: %d flow maps from %d runs (%d repeats each) listed in %s\n", sum.Maps, len(sum.Runs), *reps, sum.List)
	for _, s := range sum.Skipped {
		fmt.Fprintf(stdout, "  skipped %s: no vt*.h5 or vp*.h5 maps\n", s)
	}
	return nil
}
