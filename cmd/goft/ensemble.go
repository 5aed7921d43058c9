package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goft-sft/goft/hipft/ensemble"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/hipft/sweep"
)

// runPart runs one process's share of a multi-process ensemble in the
// current folder (opt.Part set from place): the realizations run.Split gives
// its rank, written as rank parts, then its manifest for goft merge. Only
// rank 0 writes the log, as only HipFT's rank 0 prints.
func runPart(in string, opt run.Options, stderr io.Writer, place ensemble.Place) error {
	if err := ensemble.RemoveManifest("", place.Rank, place.Ranks); err != nil {
		return err
	}
	p, err := input.ReadFile(in)
	if err != nil {
		return err
	}
	man, err := ensemble.NewManifest(p, in, "", place)
	if err != nil {
		return fmt.Errorf("%s: %w", place, err)
	}
	if place.Rank != 0 || opt.Log == nil {
		opt.Log = io.Discard
	}
	fmt.Fprintf(opt.Log, " goft: %d processes (%s); rank %d runs realizations %d-%d of %d\n",
		place.Ranks, place.Source, place.Rank, man.First, man.First+man.Count-1, p.NRealizations)
	if err := runFile(in, opt, stderr); err != nil {
		return fmt.Errorf("rank %d of %d: %w", place.Rank, place.Ranks, err)
	}
	if err := man.Write(""); err != nil {
		return err
	}
	fmt.Fprintf(opt.Log, " goft: when all %d processes have finished, run 'goft merge' in this folder\n", place.Ranks)
	return nil
}

func cmdMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", "goft merge [--ranks N] [--clean] [-q] [RUN_DIR]",
		"Joins the rank parts of a run made by several processes (goft run under\nSlurm, mpirun or with --rank/--ranks) into the files one process writes:\nthe 3D maps with all realizations, hipft_realization_parameters.out,\nhipft_run_parameters_used.out and hipft_timing.out (one block per process).\nIt refuses, naming the files, when a process has not finished, a part is\nmissing or comes from a different input. RUN_DIR defaults to the current folder.", stderr)
	ranks := fs.Int("ranks", 0, "number of processes whose parts to merge (0: from the part file names)")
	clean := fs.Bool("clean", false, "remove the part files after a successful merge")
	quiet := fs.Bool("q", false, "quiet: print only warnings and errors")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErrorf(fs, "expected at most one run folder, got %d arguments", fs.NArg())
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	// No part may still be running, nor another merge.
	lock, err := lockRunFolder(dir, nil, true)
	if err != nil {
		return err
	}
	defer lock.Release()
	opt := ensemble.Options{Ranks: *ranks, Clean: *clean}
	if !*quiet {
		opt.Log = stdout
	}
	res, err := ensemble.Merge(dir, opt)
	if err != nil {
		return err
	}
	if *clean {
		// The parts' run locks, which no part holds (lockRunFolder checked).
		locks, _ := filepath.Glob(filepath.Join(dir, ".goft-run.part*.lock"))
		for _, l := range locks {
			if err := os.Remove(l); err != nil {
				return err
			}
		}
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "goft merge: warning: %s\n", w)
	}
	if *quiet {
		return nil
	}
	if res.NothingToMerge {
		fmt.Fprintf(stdout, "goft merge: %s holds a single-process run; nothing to merge\n", dir)
		return nil
	}
	fmt.Fprintf(stdout, "goft merge: merged %d processes: %d maps and %d files written in %s\n", res.Ranks, len(res.Maps), len(res.Files), dir)
	return nil
}

func cmdInputLists(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("input-lists", "goft input-lists [flags] LISTS.yaml [hipft.in]",
		"Writes the per-realization parameter lists of an ensemble into a hipft.in\n"+
			"(default: the one in the current folder), from ranges in a YAML file, as\n"+
			"HipFT's hipft_input_lists.py does with the same file:\n"+
			"  hipft:\n"+
			"    realization_combination_mode: crossall   # or sweep1d, manual\n"+
			"    realization_parameters:\n"+
			"      diffusion_coefs: [100, 300, 500]\n"+
			"      flow_attenuation_values: [[500], [300, 500, 800]]   # default first\n"+
			"crossall: every combination; sweep1d: one parameter at a time about the\n"+
			"defaults; manual: the i-th values together. n_realizations is set to the\n"+
			"number of realizations. Parameters: "+strings.Join(sweepNames(), ", ")+".", stderr)
	out := fs.String("o", "", "write the new namelist here instead of rewriting hipft.in")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageErrorf(fs, "expected LISTS.yaml and at most one hipft.in, got %d arguments", len(pos))
	}
	in := "hipft.in"
	if len(pos) == 2 {
		in = pos[1]
	}
	spec, err := sweep.ReadSpec(pos[0])
	if err != nil {
		return err
	}
	lists, err := spec.Expand()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	text, err := sweep.Apply(src, in, lists)
	if err != nil {
		return err
	}
	if _, err := input.ParseWith(bytes.NewReader(text), in, input.Options{SkipFileChecks: true}); err != nil {
		return fmt.Errorf("the new namelist does not read back: %w", err)
	}
	if *out == "" {
		*out = in
	}
	if err := output.WriteFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(text); return err }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft input-lists: wrote %s: %s\n", *out, spec.Describe(lists))
	return nil
}

func sweepNames() []string {
	var n []string
	for _, p := range sweep.Parameters {
		n = append(n, p.YAML)
	}
	return n
}
