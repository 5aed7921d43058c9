// Command goft is a surface flux transport model of the Sun's photospheric
// magnetic field, a drop-in replacement for HipFT.
//
// Usage:
//
//	goft run [flags] [hipft.in]   run a HipFT input file in the current folder
//	goft demo [-o DIR]            run the built-in example
//	goft version                  print the version
//	goft help [command]           explain a command
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"goft/demo"
	"goft/input"
	"goft/run"
)

// Version is goft's version.
const Version = "0.1.0"

type command struct {
	name, usage, summary string
	run                  func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "goft run [-q] [-workers N] [hipft.in]", "run a HipFT input file (default hipft.in) in the current folder", cmdRun},
		{"demo", "goft demo [-o DIR]", "run the built-in example (synthetic map, 5 simulated days) into a new folder", cmdDemo},
		{"version", "goft version", "print goft's version", cmdVersion},
	}
}

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
}

func mainArgs(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					c.run([]string{"-h"}, stdout, stderr)
					return 0
				}
			}
		}
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(args[1:], stdout, stderr); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0
				}
				fmt.Fprintf(stderr, "goft %s: %v\n", c.name, err)
				if errors.Is(err, run.ErrStopped) {
					return 3
				}
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "goft: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "goft %s: a surface flux transport model of the Sun's magnetic field (HipFT %s compatible)\n\nCommands:\n", Version, run.HipFTVersion)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'goft help COMMAND' or 'goft COMMAND -h' for a command's flags.\n")
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
	quiet := fs.Bool("q", false, "quiet: do not print the HipFT-style log to stdout")
	workers := fs.Int("workers", 0, "number of threads for the kernels (0: all cores)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("expected at most one input file, got %d arguments", fs.NArg())
	}
	in := "hipft.in"
	if fs.NArg() == 1 {
		in = fs.Arg(0)
	}
	var log io.Writer = stdout
	if *quiet {
		log = io.Discard
	}
	return runFile(in, "", log, *workers)
}

func runFile(in, dir string, log io.Writer, workers int) error {
	p, err := input.ReadFile(in)
	if err != nil {
		return err
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(log, " WARNING: %s\n", w)
	}
	r, err := run.New(p, run.Options{Dir: dir, Log: log, Workers: workers})
	if err != nil {
		return err
	}
	defer r.Close()
	return r.Execute()
}

func cmdDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "goft demo [-o DIR]",
		"Writes a synthetic solar-like map and a hipft.in into a new folder and runs it:\nan axial dipole and four active regions evolved for 5 days under differential\nrotation, meridional flow, attenuation and diffusion, in 3 realizations.", stderr)
	dir := fs.String("o", "goft-demo", "output folder (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
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
	if err := runFile("hipft.in", "", io.Discard, 0); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo: done; maps, histories and logs are in %s\n", *dir)
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
