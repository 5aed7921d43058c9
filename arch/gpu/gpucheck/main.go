// Command gpucheck compares a goft GPU run with a CPU run and with HipFT's
// reference outputs, for bench/gpu-check.sh (which runs prebuilt binaries
// on a GPU machine, where nothing is built).
//
//	gpucheck compare [-ref DIR] -cpu DIR -gpu DIR -n NREAL -name CASE
//
// prints one line: HipFT's testsuite rule at precision 5 for the GPU run
// against the reference (if given), for the CPU run against the
// reference, and for the GPU run against the CPU run; the largest relative
// difference over every value of every history_sol line (each column
// scaled by its largest magnitude); and the largest difference of the
// final maps relative to their largest magnitude. It exits 1 when a rule
// check of the GPU run fails.
//
//	gpucheck probe
//
// prints the GPU goft would use, or why there is none (exit 1).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/goft-sft/goft/arch/gpu"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/suite"
	"github.com/goft-sft/goft/post/analysis"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gpucheck compare|probe ...")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "compare":
		os.Exit(compare(os.Args[2:]))
	case "probe":
		o, err := gpu.DefaultOptions()
		if err == nil {
			var inf *gpu.Info
			if inf, err = gpu.Probe(o); err == nil {
				fmt.Println(inf)
				fmt.Printf("  CUDA driver library: %s\n  NVRTC library: %s\n  NVRTC compile: %.2f s (cache %s)\n",
					inf.CUDALib, inf.NVRTCLib, inf.CompileTime, inf.CacheFile)
				return
			}
		}
		fmt.Fprintln(os.Stderr, "gpucheck:", err)
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "gpucheck: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

func compare(args []string) int {
	fs := flag.NewFlagSet("compare", flag.ExitOnError)
	ref := fs.String("ref", "", "HipFT reference run folder (optional)")
	cpu := fs.String("cpu", "", "goft CPU run folder")
	gpuDir := fs.String("gpu", "", "goft GPU run folder")
	n := fs.Int("n", 1, "realizations")
	name := fs.String("name", "", "case name")
	fs.Parse(args)
	status := 0
	rule := func(a, b string) string {
		ms, err := suite.CompareRuns(a, b, *n, 5)
		if err != nil {
			status = 1
			return "ERROR " + err.Error()
		}
		if len(ms) > 0 {
			status = 1
			return fmt.Sprintf("FAIL (%d: %v)", len(ms), ms[0])
		}
		return "PASS"
	}
	var parts []string
	if *ref != "" {
		parts = append(parts, "gpu-vs-ref "+rule(*ref, *gpuDir))
		cs := status
		parts = append(parts, "cpu-vs-ref "+rule(*ref, *cpu))
		status = cs // the CPU's own result does not decide the GPU check
	}
	parts = append(parts, "gpu-vs-cpu "+rule(*cpu, *gpuDir))
	h, where, err := historyDiff(*cpu, *gpuDir, *n)
	if err != nil {
		status = 1
		parts = append(parts, "history ERROR "+err.Error())
	} else {
		parts = append(parts, fmt.Sprintf("history max rel diff %.1e%s", h, where))
	}
	md, same, err := mapDiff(*cpu, *gpuDir)
	if err != nil {
		parts = append(parts, "final map ERROR "+err.Error())
		status = 1
	} else if same {
		parts = append(parts, "final map bit-identical")
	} else {
		parts = append(parts, fmt.Sprintf("final map max rel diff %.1e", md))
	}
	fmt.Printf("%-30s %s\n", *name, strings.Join(parts, "; "))
	return status
}

// historyDiff returns the largest |gpu-cpu| over every history value of
// the n realizations, relative to its column's scale in the CPU file
// (analysis.DiffHistories), and where it is.
func historyDiff(cpu, gpuDir string, n int) (float64, string, error) {
	worst, where := 0.0, ""
	for r := 1; r <= n; r++ {
		name := fmt.Sprintf("hipft_history_sol_r%06d.out", r)
		c, err := analysis.ReadHistory(filepath.Join(cpu, name))
		if err != nil {
			return 0, "", err
		}
		g, err := analysis.ReadHistory(filepath.Join(gpuDir, name))
		if err != nil {
			return 0, "", err
		}
		d, err := analysis.DiffHistories(c, g)
		if err != nil {
			return 0, "", err
		}
		if d.Rel > worst {
			worst, where = d.Rel, fmt.Sprintf(" (r%d line %d %s)", r, d.Line, d.Column)
		}
	}
	return worst, where, nil
}

// mapDiff compares the final maps of two runs.
func mapDiff(cpu, gpuDir string) (float64, bool, error) {
	ms, _ := filepath.Glob(filepath.Join(cpu, "*_final.h5"))
	if len(ms) != 1 {
		return 0, false, fmt.Errorf("%d final maps in %s", len(ms), cpu)
	}
	a, err := psihdf.Read(ms[0])
	if err != nil {
		return 0, false, err
	}
	b, err := psihdf.Read(filepath.Join(gpuDir, filepath.Base(ms[0])))
	if err != nil {
		return 0, false, err
	}
	if len(a.Data) != len(b.Data) {
		return 0, false, fmt.Errorf("final maps have %d and %d values", len(a.Data), len(b.Data))
	}
	diff, scale, same := 0.0, 0.0, true
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			same = false
		}
		diff = math.Max(diff, math.Abs(a.Data[i]-b.Data[i]))
		scale = math.Max(scale, math.Abs(a.Data[i]))
	}
	if scale == 0 {
		scale = 1
	}
	return diff / scale, same, nil
}
