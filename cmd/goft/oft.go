package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/progress"
	"github.com/goft-sft/goft/stage/conflow"
	"github.com/goft-sft/goft/stage/oft"
)

func cmdOFT(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("oft", "goft oft [flags] CONFIG.yaml",
		"Runs a whole OFT run from OFTSWA's YAML file (OFT's bin/oftswa.py), merged over\n"+
			"OFT's defaults by the same rule: ConFlow, MagMAP, the HipFT ensemble,\n"+
			"post-processing and map processing, each in this process, in the run folder\n"+
			"OUT/RUN_NAME that oftswa.py lays out. A stopped run given the same command again\n"+
			"continues from its first unfinished stage (the ensemble from its checkpoint).\n"+
			"See docs/oft.md.", stderr)
	out := fs.String("o", "oftswa_runs", "folder that holds the runs (oftswa.py's -o)")
	dry := fs.Bool("dry_run", false, "set the run folder up (merged YAML, hipft.in, links) without running the stages")
	overwrite := fs.Bool("overwrite", false, "remove the run folder first")
	quiet := fs.Bool("q", false, "print nothing but errors")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf(fs, "goft oft: give one YAML file")
	}
	cfg, err := oft.Load(fs.Arg(0))
	if err != nil {
		return err
	}
	say := stdout
	if *quiet {
		say = io.Discard
	}
	var term io.Writer
	if !*quiet && isTerminal(stderr) {
		term = stderr
	}
	d := &oft.Driver{Config: cfg, Options: oft.Options{OutDir: *out, DryRun: *dry, Overwrite: *overwrite, Say: say, Terminal: term},
		Stages: oftStages()}
	return d.Run()
}

// oftStages are goft's implementations of the OFT stages.
func oftStages() oft.Stages {
	return oft.Stages{
		ConFlow: oftConFlow,
		MagMAP:  oftMagMAP,
		HipFT:   oftHipFT,
		Post:    oftPost,
		MapPrep: oftMapPrep,
	}
}

// oftHipFT runs the ensemble in dir: in this process, or split over procs
// processes (started by the launch command when it is on PATH, by goft
// itself otherwise), then merged.
func oftHipFT(env oft.Env, dir string, procs int, launch string) error {
	if procs <= 1 {
		lock, err := lockRunFolder(dir, nil, false)
		if err != nil {
			return err
		}
		defer lock.Release()
		_, statErr := os.Stat(filepath.Join(dir, run.CheckpointName))
		opt := run.Options{Dir: dir, Log: env.Out, Resume: statErr == nil}
		if opt.Resume {
			fmt.Fprintf(env.Out, " goft oft: continuing the ensemble from %s\n", run.CheckpointName)
		}
		return runFileWith(filepath.Join(dir, "hipft.in"), opt, env.Err, env.Terminal, false)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if launcher := strings.Fields(launch); len(launcher) > 0 && lookPath(launcher[0]) {
		// The launcher starts the processes; each finds its rank in the
		// launcher's environment.
		c := exec.Command("sh", "-c", launch+" "+shellQuote(self)+" run -q -resume hipft.in")
		c.Dir, c.Stdout, c.Stderr = dir, env.Out, env.Err
		if err := c.Run(); err != nil {
			return fmt.Errorf("%s (run.mpi_run_command): %w", launch, err)
		}
	} else {
		fmt.Fprintf(env.Out, " goft oft: the launcher of run.mpi_run_command (%q) is not on PATH: goft starts the %d processes itself\n", launch, procs)
		var wg sync.WaitGroup
		errs := make([]error, procs)
		for r := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := exec.Command(self, "run", "-q", "-resume", "--rank", strconv.Itoa(r), "--ranks", strconv.Itoa(procs), "hipft.in")
				c.Dir, c.Stdout, c.Stderr = dir, env.Out, env.Err
				if err := c.Run(); err != nil {
					errs[r] = fmt.Errorf("process %d of %d: %w", r, procs, err)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return cmdMerge([]string{"-q", "--clean", dir}, env.Out, env.Err)
}

func lookPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// oftPost is the post-processing of hipft_post_process_all.py: history
// plots, butterfly diagram, movie and goft's report, dated from start. A
// part that cannot be made (too few maps for a butterfly diagram) is noted
// in the log.
func oftPost(env oft.Env, out, hipftDir, mapsDir, histDir string, start time.Time, _ oft.PostProcessSection) error {
	date := start.Format(oft.DateLayout)
	runDir := hipftDir
	if histDir != "" {
		runDir = histDir
	}
	// (history_plot_samples and _markers thin the script's matplotlib
	// lines; goft's plots draw every history line: docs/oft.md.)
	if err := cmdHistory([]string{"-o", out, "-start", date, runDir}, env.Out, env.Err); err != nil {
		return fmt.Errorf("history plots: %w", err)
	}
	if histDir != "" {
		return nil // processed maps: the histories made from them
	}
	for _, part := range []struct {
		name string
		run  func() error
	}{
		{"butterfly diagram", func() error {
			return cmdButterfly([]string{"-o", out, "-start", date, hipftDir}, env.Out, env.Err)
		}},
		{"movie", func() error {
			return cmdMovie([]string{"-o", filepath.Join(out, "hipft_movie.gif"), "-start", date, hipftDir}, env.Out, env.Err)
		}},
	} {
		if err := part.run(); err != nil {
			fmt.Fprintf(env.Out, " goft oft: no %s: %v\n", part.name, err)
		}
	}
	return cmdReport([]string{"-o", filepath.Join(out, "hipft_report.html"), "-start", date, hipftDir}, env.Out, env.Err)
}

// readInputIn reads a hipft.in whose relative file names are relative to
// its folder dir (the run's files are checked when the run opens them).
func readInputIn(in, dir string) (*input.Params, error) {
	if dir == "" {
		return input.ReadFile(in)
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return input.ParseWith(f, in, input.Options{SkipFileChecks: true})
}

// oftMapPrep is oftswa.py's map processing of the run in hipftDir: goft
// mapprep with the options oftswa.py gives psi_map_prep.py. An unfinished
// earlier attempt's processed maps are replaced (the driver keeps a
// finished stage's).
func oftMapPrep(env oft.Env, hipftDir string, p oft.OutputMapProcessingSection, _ float64) error {
	args := []string{"-overwrite"}
	if p.MapResolutionDeltaDeg > 0 {
		args = append(args, "-res", strconv.FormatFloat(p.MapResolutionDeltaDeg, 'g', -1, 64))
	} else {
		args = append(args, "-noremap")
	}
	if p.SmoothingFactor > 0 {
		args = append(args, "-smoothfac", strconv.FormatFloat(p.SmoothingFactor, 'g', -1, 64))
	} else {
		args = append(args, "-nosmooth")
	}
	if p.MapMultiplier != 0 {
		args = append(args, "-mfac", strconv.FormatFloat(p.MapMultiplier, 'g', -1, 64))
	}
	if p.MakeWSADataset {
		args = append(args, "-wsa")
	}
	return cmdMapprep(append(args, hipftDir), env.Out, env.Err)
}

// oftMagMAP maps the disks as oftswa.py calls magmap_disk2map.py: the
// run's dates and grid (the maps already made are kept: MagMAP's update
// behaviour when the folder exists).
func oftMagMAP(env oft.Env, disks, maps string, start, end time.Time, np, nt int, _ bool) error {
	return cmdMagmap([]string{"-q", "-odir", maps, "-startdate", start.Format(oft.DateLayout), "-enddate", end.Format(oft.DateLayout),
		"-npout", strconv.Itoa(np), "-ntout", strconv.Itoa(nt), disks}, env.Out, env.Err)
}

// oftConFlow makes the convective flows of dir/conflow.dat in dir (its
// output_directory relative to dir, where oftswa.py runs ConFlow).
func oftConFlow(env oft.Env, dir string) error {
	p, err := conflow.ReadFile(filepath.Join(dir, "conflow.dat"))
	if err != nil {
		return err
	}
	opt := conflow.Options{Dir: dir}
	if env.Terminal != nil {
		total := float64(p.NumFiles()) * p.DTime / 3600
		pr := progress.New(env.Terminal, 0, total)
		defer pr.Done()
		opt.Progress = func(done, n int) { pr.Update(int64(done), float64(done)*p.DTime/3600, total) }
	}
	sum, err := conflow.Run(p, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Out, " goft oft: ConFlow wrote %d flow maps to %s\n", sum.Files, sum.Dir)
	return nil
}
