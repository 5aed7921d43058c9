// Command goft is a surface flux transport model of the Sun's photospheric
// magnetic field, a drop-in replacement for HipFT.
//
// Usage:
//
//	goft run [flags] [hipft.in]   run a HipFT input file in the current folder
//	goft conflow [conflow.dat]    make ConFlow's convective flows
//	goft demo [-o DIR]            run the built-in example
//	goft version                  print the version (also -version, --version)
//	goft help [command]           explain a command (also goft COMMAND -h)
//
// Help that is asked for goes to stdout with exit status 0. Usage errors
// (no command, an unknown command or flag, a bad flag value, the wrong
// number of arguments) print the usage on stderr and exit with status 2,
// as Go's flag package does; other failures exit with status 1, and a run
// stopped by SIGINT or SIGTERM with 128 plus the signal number.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/goft-sft/goft/arch/gpu"
	"github.com/goft-sft/goft/hipft/ensemble"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/internal/progress"

	"golang.org/x/term"
)

// Version is goft's version.
const Version = "0.1.0"

type command struct {
	name, usage, summary string
	run                  func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "goft run [flags] [hipft.in]", "run a HipFT input file (default hipft.in) in the current folder; -gpu runs it on a GPU", cmdRun},
		{"conflow", "goft conflow [flags] [conflow.dat]", "make ConFlow's convective flows for HipFT (vt/vp maps and flow_output_list.csv) from a conflow.dat", cmdConflow},
		{"conflow-merge", "goft conflow-merge [flags] ROOTDIR", "join several ConFlow runs into one flow list (ConFlow's conflow_merge_multiple_realizations.py)", cmdConflowMerge},
		{"demo", "goft demo [-oft] [-o DIR]", "run the built-in example (synthetic map, 5 simulated days; -oft: the whole OFT pipeline) into a new folder", cmdDemo},
		{"plot", "goft plot [flags] MAP.h5", "draw a Br map (or each realization) as a PNG image", cmdPlot},
		{"movie", "goft movie [flags] [RUN_DIR]", "animated GIF of a run's output maps, one frame per map", cmdMovie},
		{"butterfly", "goft butterfly [flags] [RUN_DIR]", "butterfly diagram of a run's output maps (.h5 and .png per realization)", cmdButterfly},
		{"history", "goft history [flags] [RUN_DIR]", "plot a run's history files (fluxes, polar fields, dipoles) as PNGs", cmdHistory},
		{"maps-history", "goft maps-history [flags] [RUN_DIR]", "history files derived from a run's output maps (e.g. with other polar caps)", cmdMapsHistory},
		{"info", "goft info [flags] MAP.h5 ...", "describe maps: grid, field extremes, fluxes, polar fields and dipoles per realization", cmdInfo},
		{"diff", "goft diff [flags] A.h5 B.h5", "compare two maps: RMSD, max |A-B| and HHabs per realization", cmdDiff},
		{"compare", "goft compare [flags] REF_RUN_DIR RUN_DIR", "compare two runs' histories: HipFT's testsuite rule and the largest difference", cmdCompare},
		{"realization", "goft realization extract|pack [flags]", "split a 3D map into 2D maps, or pack 2D maps into a 3D map", cmdRealization},
		{"report", "goft report [flags] [RUN_DIR]", "write a self-contained HTML report of a run", cmdReport},
		{"synth-obs", "goft synth-obs -run DIR | -map FILE", "synthetic magnetograph observations of maps, as a HipFT data-assimilation data set", cmdSynthObs},
		{"oft", "goft oft [flags] CONFIG.yaml", "a whole OFT run from OFTSWA's YAML (ConFlow, MagMAP, the HipFT ensemble, post-processing, map processing), as oftswa.py", cmdOFT},
		{"input-lists", "goft input-lists LISTS.yaml [hipft.in]", "write an ensemble's per-realization parameter lists into hipft.in from ranges (crossall, sweep1d, manual)", cmdInputLists},
		{"magmap", "goft magmap [flags] DISK_DIR", "map full-disk magnetograms (FITS, e.g. HMI) to Carrington Br maps with weights for data assimilation (OFT's MagMAP)", cmdMagmap},
		{"export", "goft export [flags] -o OUT.fits MAP.h5", "write a map (or a run's maps) as FITS with a Carrington WCS for sunpy and PFSS codes (CAR or CEA, flux-conserving)", cmdExport},
		{"mapprep", "goft mapprep [flags] -o OUT.h5 MAP.h5", "OFT's map processing (psi_map_prep.py): remap, smooth, multiply, flux-balance a map or a run's maps; WSA data set", cmdMapprep},
		{"merge", "goft merge [flags] [RUN_DIR]", "join the rank parts of a multi-process run (Slurm, mpirun) into one run's files", cmdMerge},
		{"version", "goft version", "print goft's version", cmdVersion},
	}
}

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
}

func mainArgs(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		// A usage error, as for every Go command: the usage on stderr, exit 2.
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return 0
	case "-version", "--version":
		args = []string{"version"}
	case "help":
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		c, ok := findCommand(args[1])
		if !ok || len(args) > 2 {
			fmt.Fprintf(stderr, "goft help: unknown command %q (one of: %s)\n", strings.Join(args[1:], " "), commandNames())
			return 2
		}
		// Help that was asked for goes to stdout, whichever way it was asked.
		c.run([]string{"-h"}, stdout, stdout)
		return 0
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(stderr, "goft: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	errw := stderr
	if asksHelp(args[1:]) {
		errw = stdout // the flag package writes -h's usage to the flag set's output
	}
	err := c.run(args[1:], stdout, errw)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, run.ErrStopped):
		// HipFT's STOPRUN: a normal, successful end.
		fmt.Fprintf(stderr, "goft %s: %v\n", c.name, err)
		return 0
	}
	fmt.Fprintf(stderr, "goft %s: %v\n", c.name, err)
	var in *run.Interrupted
	if errors.As(err, &in) {
		if in.Reason == syscall.SIGINT.String() {
			return 128 + int(syscall.SIGINT)
		}
		return 128 + int(syscall.SIGTERM)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// findCommand returns the subcommand called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// commandNames lists the subcommands' names, for messages.
func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

// asksHelp reports whether a subcommand's arguments ask for its help (-h,
// -help or --help before any "--").
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// usageError is a command-line usage error (an unknown flag, a bad flag
// value, the wrong number of arguments): goft exits with status 2 for it,
// as Go's flag package and Go's own commands do, and 1 for every other
// failure.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// parseFlags parses a command's flags; a parse error is a usage error (the
// flag package has already printed the message and the usage on stderr).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err}
	}
	return nil
}

// usageErrorf prints fs's usage on stderr and returns a usage error with
// the message.
func usageErrorf(fs *flag.FlagSet, format string, a ...any) error {
	fs.Usage()
	return &usageError{fmt.Errorf(format, a...)}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "goft %s: a surface flux transport model of the Sun's magnetic field (HipFT %s compatible)\n\nUsage:\n\n  goft COMMAND [flags] [arguments]\n\nCommands:\n", Version, run.HipFTVersion)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'goft help COMMAND' or 'goft COMMAND -h' for a command's flags; 'goft --version' prints the version.\n")
}

func newFlags(name, usageLine, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\n%s\n\nFlags:\n", usageLine, summary)
		fs.PrintDefaults()
	}
	return fs
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "goft run [flags] [hipft.in]",
		"Runs a HipFT input file. Relative paths in it are read from, and all outputs\nwritten to, the current folder, as HipFT does.", stderr)
	quiet := fs.Bool("q", false, "quiet: do not print the HipFT-style log to stdout (a progress line still shows on a terminal)")
	verbose := fs.Bool("v", false, "verbose: print goft's setup summary to stderr, and show the progress line on a terminal even when the log scrolls there")
	workers := fs.Int("workers", 0, "number of threads for the kernels (0: all cores)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile (pprof format) to this file")
	resume := fs.Bool("resume", false, "continue from the run's checkpoint (see -checkpoint) instead of starting over; with no checkpoint yet, start from the beginning (so a requeued job can always give it)")
	ckptFile := fs.String("checkpoint", "", "checkpoint file (default "+run.CheckpointName+" in the run folder)")
	ckptHours := fs.Float64("checkpoint-hours", 0, "also write a checkpoint every this many simulated hours (0: off)")
	ckptMinutes := fs.Float64("checkpoint-minutes", run.DefaultCheckpointInterval.Minutes(), "also write a checkpoint every this many wall-clock minutes (0: off; at least 50 times a checkpoint's write time, a 2% cost)")
	rank := fs.Int("rank", -1, "this process's rank (0-based) in a multi-process run (default: from the Slurm or MPI environment, see docs/ensembles.md)")
	ranks := fs.Int("ranks", 0, "number of processes in a multi-process run (with -rank)")
	useGPU := fs.Bool("gpu", os.Getenv("GOFT_GPU") == "1", "run the field kernels on an NVIDIA GPU (CUDA driver and NVRTC loaded at run time; GOFT_GPU=1 does the same); fails if there is none. GOFT_GPU_DEVICE picks the GPU; otherwise under mpirun or srun each process on a node takes GPU (local rank mod GPUs)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	place, err := ensemble.Detect(*rank, *ranks, os.Getenv)
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() > 1 {
		return usageErrorf(fs, "expected at most one input file, got %d arguments", fs.NArg())
	}
	in := "hipft.in"
	if fs.NArg() == 1 {
		in = fs.Arg(0)
	}
	var log io.Writer = stdout
	if *quiet {
		log = io.Discard
	}
	opt := run.Options{Log: log, Workers: *workers, Resume: *resume,
		Checkpoint: run.CheckpointPolicy{SimHours: *ckptHours, WallClock: time.Duration(*ckptMinutes * float64(time.Minute)), Path: *ckptFile}}
	if *useGPU {
		gopts, err := gpu.DefaultOptions()
		if err != nil {
			return err
		}
		if os.Getenv("GOFT_GPU_DEVICE") == "" {
			// Under a launcher, each process on a node takes its own GPU.
			lr, from, ok, err := ensemble.LocalRank(os.Getenv)
			if err != nil {
				return fmt.Errorf("-gpu: %w", err)
			}
			if ok {
				gopts.LocalRank, gopts.LocalRankFrom = lr, from
			}
		}
		if opt.Backend, err = gpu.Open(gopts); err != nil {
			return fmt.Errorf("-gpu: no usable GPU: %w", err)
		}
	}
	opt.Part = place.Part()
	// One run (or part) per folder: a second goft run here is refused.
	lock, err := lockRunFolder(".", opt.Part, false)
	if err != nil {
		return err
	}
	defer lock.Release()
	ckptPath := *ckptFile
	if ckptPath == "" {
		ckptPath = run.CheckpointName
		if opt.Part != nil {
			ckptPath = run.PartName(ckptPath, opt.Part.Rank, opt.Part.Ranks)
		}
	}
	_, statErr := os.Stat(ckptPath)
	switch {
	case opt.Resume && errors.Is(statErr, os.ErrNotExist):
		// -resume is safe to give every time (a Slurm requeue, a retry
		// loop): with no checkpoint yet, the run starts from the beginning.
		fmt.Fprintf(stderr, "goft run: -resume: no checkpoint %s yet: starting from the beginning\n", ckptPath)
		opt.Resume = false
	case !opt.Resume && statErr == nil:
		// Never discard a checkpoint silently.
		fmt.Fprintf(stderr, "goft run: starting from the beginning; the checkpoint %s of an earlier run here will be replaced (give -resume to continue that run instead)\n", ckptPath)
	}
	if opt.Part != nil {
		return runPart(in, opt, stderr, place)
	}
	// The progress line goes to stderr when it is a terminal and the log
	// does not already scroll on the same screen (-q or stdout redirected),
	// or with -v.
	var progressTo io.Writer
	if *quiet || *verbose || !isTerminal(stdout) {
		progressTo = stderr
	}
	return runFileWith(in, opt, stderr, progressTo, *verbose)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runFile runs an input file. SIGINT and SIGTERM stop the run cleanly after
// the current step (outputs and a checkpoint are written); a second signal
// exits at once.
func runFile(in string, opt run.Options, stderr io.Writer) error {
	return runFileWith(in, opt, stderr, nil, false)
}

// runFileWith is runFile with a progress line on progressTo (when it is a
// terminal; nil for none) and, if verbose, a setup summary on stderr.
func runFileWith(in string, opt run.Options, stderr, progressTo io.Writer, verbose bool) error {
	p, err := readInputIn(in, opt.Dir)
	if err != nil {
		return err
	}
	if progressTo != nil {
		pr := progress.New(progressTo, p.TimeStart, p.TimeEnd)
		if pr.Enabled() {
			opt.Progress = pr.Update
			defer pr.Done()
		}
	}
	log := opt.Log
	if log == nil {
		log = io.Discard
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(log, " WARNING: %s\n", w)
	}
	r, err := run.New(p, opt)
	if err != nil {
		return err
	}
	defer r.Close()
	if verbose {
		fmt.Fprintf(stderr, "goft run: %s: %s\n", in, r.Summary())
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "goft run: %v received, stopping after the current step (again to exit at once)\n", s)
			r.Stop(s.String())
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "goft run: second %v, exiting now\n", s)
			os.Exit(exitSignal(s))
		case <-done:
		}
	}()
	return r.Execute()
}

// exitSignal is the shell convention 128 + signal number.
func exitSignal(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 1
}

func cmdDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "goft demo [-oft] [-o DIR]",
		"Writes a synthetic solar-like map and a hipft.in into a new folder and runs it:\nan axial dipole and four active regions evolved for 5 days under differential\nrotation, meridional flow, attenuation and diffusion, in 3 realizations.\n"+
			"With -oft, the whole OFT pipeline instead (goft oft): convective flows,\nmagnetograms of the map mapped for assimilation, a 2-realization ensemble,\npost-processing and map processing, on a 64x32 grid for two days.", stderr)
	dir := fs.String("o", "", "output folder (must not exist; default goft-demo, or goft-oft-demo with -oft)")
	withOFT := fs.Bool("oft", false, "run the whole OFT pipeline (goft oft) on a synthetic example")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *withOFT {
		if *dir == "" {
			*dir = "goft-oft-demo"
		}
		return demoOFT(*dir, stdout, stderr)
	}
	if *dir == "" {
		*dir = "goft-demo"
	}
	if err := demo.Write(*dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo: running %s\n", filepath.Join(*dir, "hipft.in"))
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if err := os.Chdir(*dir); err != nil {
		return err
	}
	defer os.Chdir(wd)
	if err := runFile("hipft.in", run.Options{}, stderr); err != nil {
		return err
	}
	if err := os.Chdir(wd); err != nil {
		return err
	}
	// End with the run's report: maps, histories and butterfly diagram.
	if err := cmdReport([]string{*dir}, io.Discard, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo: done; outputs are in %s; open %s in a browser\n", *dir, filepath.Join(*dir, "hipft_report.html"))
	return nil
}

func cmdVersion(args []string, stdout, stderr io.Writer) error {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	fmt.Fprintf(stdout, "goft %s%s, reproduces HipFT %s\n", Version, rev, run.HipFTVersion)
	return nil
}
