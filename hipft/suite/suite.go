// Package suite applies HipFT's testsuite pass/fail rule and locates the
// HipFT testsuite data (inputs and HipFT's reference outputs).
//
// The rule (HipFT's bin/hipft_compare_run_diags.py, precision p): for each
// realization, the LAST line of hipft_history_sol_rNNNNNN.out of the
// reference and of the run are split on white space, and fields 2, 3, 4, 5,
// 6 and 15 (BR_MIN, BR_MAX, BR_ABS_MIN, FLUX_POSITIVE, FLUX_NEGATIVE,
// VALIDATION_ERR_HHabs) are compared on their first p+3 characters (the
// exponent is not compared). A mismatch is forgiven when the reference
// magnitude is at most 1e-64. goft applies the rule to every realization
// (HipFT's script only counts the last).
package suite

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/datadir"
)

// ComparedColumns are the 0-based history columns the rule compares.
var ComparedColumns = []int{2, 3, 4, 5, 6, 15}

// ColumnNames names the history_sol columns by 0-based index.
var ColumnNames = []string{"STEP", "TIME", "BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE",
	"FLUX_NEGATIVE", "NPOLE_FLUX_POSITIVE", "NPOLE_FLUX_NEGATIVE", "SPOLE_FLUX_POSITIVE",
	"SPOLE_FLUX_NEGATIVE", "NPOLE_AREA", "SPOLE_AREA", "EQ_DIPOLE", "AX_DIPOLE", "VALIDATION_ERR_HHabs"}

// Mismatch is one failed comparison.
type Mismatch struct {
	Realization int    // 1-based, as in the history file names
	Column      string // the column's name (ColumnNames)
	Ref, Run    string // the two values as written in the files
}

// String describes the mismatch on one line.
func (m Mismatch) String() string {
	return fmt.Sprintf("realization %d %s: reference %s, run %s", m.Realization, m.Column, m.Ref, m.Run)
}

// LastLine returns the last non-empty line of a file.
func LastLine(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	last := ""
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			last = sc.Text()
		}
	}
	return last, sc.Err()
}

// CompareLines applies the rule with precision p to two history_sol data
// lines and returns the mismatching columns.
func CompareLines(ref, run string, p int) ([]Mismatch, error) {
	rt, ut := strings.Fields(ref), strings.Fields(run)
	if len(rt) < 16 || len(ut) < 16 {
		return nil, fmt.Errorf("history line has %d/%d fields, want 16", len(rt), len(ut))
	}
	var out []Mismatch
	for _, c := range ComparedColumns {
		a, b := rt[c], ut[c]
		n := p + 3
		ka, kb := a, b
		if len(ka) > n {
			ka = ka[:n]
		}
		if len(kb) > n {
			kb = kb[:n]
		}
		if ka == kb {
			continue
		}
		v, err := strconv.ParseFloat(a, 64)
		if err == nil && math.Abs(v) <= 1e-64 {
			continue
		}
		out = append(out, Mismatch{Column: ColumnNames[c], Ref: a, Run: b})
	}
	return out, nil
}

// CompareRuns compares the last history_sol lines of nReal realizations in
// two directories.
func CompareRuns(refDir, runDir string, nReal, p int) ([]Mismatch, error) {
	var all []Mismatch
	for r := 1; r <= nReal; r++ {
		name := fmt.Sprintf("hipft_history_sol_r%06d.out", r)
		a, err := LastLine(filepath.Join(refDir, name))
		if err != nil {
			return nil, err
		}
		b, err := LastLine(filepath.Join(runDir, name))
		if err != nil {
			return nil, err
		}
		ms, err := CompareLines(a, b, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i := range ms {
			ms[i].Realization = r
		}
		all = append(all, ms...)
	}
	return all, nil
}

// Dir returns the HipFT testsuite directory: $GOFT_HIPFT_TESTSUITE, or
// ../shared/hipft-testsuite relative to the module root. ok is false when
// it does not exist.
func Dir() (dir string, ok bool) { return datadir.Testsuite() }

// Cases lists the seven HipFT testsuite cases.
var Cases = []string{"advect_gaussians_phi", "advect_gaussians_theta", "advect_gaussians_phi_theta",
	"diffuse_soccer", "diffuse_advect_soccer", "diffuse_dipole", "diffuse_advect_atten_map_1cr"}

// Prepare copies the inputs of testsuite case name into dst (an existing
// folder) and reads its hipft.in there; relative file names in it are to be
// resolved against dst (run.Options.Dir).
func Prepare(name, dst string) (*input.Params, error) {
	dir, ok := Dir()
	if !ok {
		return nil, fmt.Errorf("HipFT testsuite data not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	src := filepath.Join(dir, name, "input")
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return nil, err
		}
	}
	in := filepath.Join(dst, "hipft.in")
	f, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return input.ParseWith(f, in, input.Options{SkipFileChecks: true})
}
