package conflow

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/goft-sft/goft/hipft/output"
)

// MergeOptions controls Merge.
type MergeOptions struct {
	// OutDir receives the links and the list (the script's -outdir;
	// default conflow_realizations in the working folder).
	OutDir string
	// ListName is the list's file name in OutDir (the script's -o;
	// default conflow_realizations.csv).
	ListName string
	// MaxRuns, if positive, takes only the first MaxRuns runs (-nr).
	MaxRuns int
	// Replicates is how many times each run's maps are repeated (-reps,
	// default 3 as in the script; 0 means the default).
	Replicates int
	// DTime is the time between maps in the merged list, s (default 900:
	// the script's 1/96 day).
	DTime float64
}

// MergeSummary describes what Merge did.
type MergeSummary struct {
	List    string   // path of the list written
	Runs    []string // the run folders used, in order
	Skipped []string // folders under the root with no vt*.h5 maps
	Maps    int      // pairs in the list
}

// Merge does what ConFlow's bin/conflow_merge_multiple_realizations.py
// does: one flow list spanning several ConFlow runs, the folders under
// root. Each run's vt*.h5 and vp*.h5 maps (in name order) are linked into
// OutDir as vtNNNNNN.h5 and vpNNNNNN.h5, numbered on from 1 across the runs
// and repeated Replicates times per run, and listed at DTime intervals
// in ConFlow's list format (ListHeader, ListLine).
//
// Unlike the script, the runs are taken in name order (the script takes
// them in the file system's order), a run whose vt and vp counts differ
// is an error (the script pairs them up to the shorter list), and OutDir
// is not itself taken as a run when it lies under root. Links and the
// list are replaced atomically.
func Merge(root string, o MergeOptions) (*MergeSummary, error) {
	if o.OutDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		o.OutDir = filepath.Join(wd, "conflow_realizations")
	}
	if o.ListName == "" {
		o.ListName = "conflow_realizations.csv"
	}
	if o.Replicates == 0 {
		o.Replicates = 3
	}
	if o.Replicates < 0 {
		return nil, fmt.Errorf("replicates = %d: must be at least 1", o.Replicates)
	}
	if o.DTime == 0 {
		o.DTime = 900
	}
	if !(o.DTime > 0) {
		return nil, fmt.Errorf("dtime = %g s: must be positive", o.DTime)
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if rootAbs, err = filepath.EvalSymlinks(rootAbs); err != nil {
		return nil, fmt.Errorf("the folder of ConFlow runs: %w", err)
	}
	outAbs, err := filepath.Abs(o.OutDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outAbs, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(outAbs); err == nil {
		outAbs = resolved
	}
	ents, err := os.ReadDir(rootAbs)
	if err != nil {
		return nil, fmt.Errorf("the folder of ConFlow runs: %w", err)
	}
	sum := &MergeSummary{List: filepath.Join(outAbs, o.ListName)}
	type run struct {
		dir    string
		vt, vp []string
	}
	var runs []run
	for _, e := range ents { // os.ReadDir sorts by name
		dir := filepath.Join(rootAbs, e.Name())
		if st, err := os.Stat(dir); err != nil || !st.IsDir() || dir == outAbs {
			continue
		}
		if o.MaxRuns > 0 && len(runs) >= o.MaxRuns {
			break
		}
		vt, _ := filepath.Glob(filepath.Join(dir, "vt*.h5"))
		vp, _ := filepath.Glob(filepath.Join(dir, "vp*.h5"))
		sort.Strings(vt)
		sort.Strings(vp)
		if len(vt) == 0 && len(vp) == 0 {
			sum.Skipped = append(sum.Skipped, dir)
			continue
		}
		if len(vt) != len(vp) {
			return nil, fmt.Errorf("%s has %d vt*.h5 and %d vp*.h5 maps: a ConFlow run has one of each per step", dir, len(vt), len(vp))
		}
		runs = append(runs, run{dir, vt, vp})
		sum.Runs = append(sum.Runs, dir)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("%s holds no folders with ConFlow maps (vt*.h5, vp*.h5)", rootAbs)
	}
	var lines []string
	idx := 1
	dayStep := o.DTime / 86400
	for _, r := range runs {
		for rep := 0; rep < o.Replicates; rep++ {
			for i := range r.vt {
				if idx > MaxFiles {
					return nil, fmt.Errorf("more than %d maps: the six-digit file numbers run out", MaxFiles)
				}
				for _, l := range [][2]string{{r.vt[i], fmt.Sprintf("vt%06d.h5", idx)}, {r.vp[i], fmt.Sprintf("vp%06d.h5", idx)}} {
					if err := symlinkAtomic(l[0], filepath.Join(outAbs, l[1])); err != nil {
						return nil, err
					}
				}
				lines = append(lines, listLineDays(idx, dayStep*float64(idx-1)))
				idx++
			}
		}
	}
	err = output.WriteFileAtomic(sum.List, func(w io.Writer) error {
		if _, err := io.WriteString(w, ListHeader+"\n"); err != nil {
			return err
		}
		for _, l := range lines {
			if _, err := io.WriteString(w, l+"\n"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sum.Maps = idx - 1
	return sum, nil
}

// symlinkAtomic makes path a symbolic link to target, replacing what was
// there in one rename.
func symlinkAtomic(target, path string) error {
	tmp := path + ".tmp-link"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
