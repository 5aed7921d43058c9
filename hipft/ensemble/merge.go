package ensemble

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/hipft/run"
)

// Options control Merge.
type Options struct {
	// Ranks is the number of processes whose parts are merged; 0 finds it
	// from the part files in the run folder (an error when parts of runs
	// with different process counts lie there).
	Ranks int
	// Clean removes the part files (maps, timing files, manifests) once
	// every merged file has been written.
	Clean bool
	// Log, if not nil, receives one line per file written.
	Log io.Writer
}

// Result says what Merge did.
type Result struct {
	// Ranks is the number of processes merged (1: nothing to merge).
	Ranks int
	// NothingToMerge is set when the folder holds a single-process run.
	NothingToMerge bool
	// Maps are the merged 3D map files, Files the other files written
	// (timing, realization table, parameter dump) and Removed the part files
	// deleted with Options.Clean.
	Maps, Files, Removed []string
	// Warnings are problems that do not stop the merge.
	Warnings []string
}

// partRE matches the rank-part file names of run.PartName:
// "x.partRRRofNNN.h5" or "x.out.partRRRofNNN".
var partRE = regexp.MustCompile(`^(.+)\.part([0-9]+)of([0-9]+)(\.h5)?$`)

// parsePart splits a part file name into the name of the merged file, the
// rank and the number of ranks; ok is false for other names and for names
// that run.PartName would not produce.
func parsePart(name string) (merged string, rank, ranks int, ok bool) {
	m := partRE.FindStringSubmatch(name)
	if m == nil {
		return "", 0, 0, false
	}
	rank, err1 := strconv.Atoi(m[2])
	ranks, err2 := strconv.Atoi(m[3])
	if err1 != nil || err2 != nil {
		return "", 0, 0, false
	}
	merged = m[1] + m[4]
	if run.PartName(merged, rank, ranks) != name {
		return "", 0, 0, false
	}
	return merged, rank, ranks, true
}

// timingName is the file HipFT writes its timing summary to.
const timingName = "hipft_timing.out"

// missingList collects the files a merge needs and cannot find.
type missingList []string

func (l *missingList) add(path, why string) { *l = append(*l, path+" ("+why+")") }

func (l missingList) err(dir string, ranks int, in string) error {
	const show = 20
	var b strings.Builder
	fmt.Fprintf(&b, "cannot merge %s: %d file(s) of the %d-process run are missing:", dir, len(l), ranks)
	for i, s := range l {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(l)-show)
			break
		}
		fmt.Fprintf(&b, "\n  %s", s)
	}
	fmt.Fprintf(&b, "\nthe processes named did not finish (or their files were removed); rerun each with 'goft run --rank R --ranks %d %s' in %s, then merge again", ranks, in, dir)
	return errors.New(b.String())
}

// Merge joins the rank parts of the multi-process run in folder dir into
// the files a single-process run of the same input writes: every 3D map
// (initial, final, cadence maps, validation maps) with the realizations in
// order, hipft_realization_parameters.out, hipft_run_parameters_used.out
// and a hipft_timing.out with one block per process and the statistics
// over processes. The history files and map list, which the processes
// write under their final names, are checked.
//
// Merge refuses, naming the files, when a process has not finished (no
// manifest), a part is missing, or a part comes from a different input
// (another parameter hash, initial map, realization split or grid). Merged
// maps are written to temporary files and renamed into place only when
// every part has been read and checked; the parts are kept unless
// opt.Clean. A folder without parts that holds a single-process run is
// not an error (Result.NothingToMerge).
func Merge(dir string, opt Options) (*Result, error) {
	logf := func(format string, a ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format, a...)
		}
	}
	ranks := opt.Ranks
	if ranks == 1 {
		return &Result{Ranks: 1, NothingToMerge: true}, nil
	}
	if ranks <= 0 {
		var err error
		if ranks, err = findRanks(dir); err != nil {
			return nil, err
		}
		if ranks == 1 {
			return &Result{Ranks: 1, NothingToMerge: true}, nil
		}
	}
	res := &Result{Ranks: ranks}

	// The manifests: every process finished, all from the same input.
	var missing missingList
	mans := make([]*Manifest, ranks)
	for r := range ranks {
		path := filepath.Join(dir, ManifestName(r, ranks))
		m, err := ReadManifest(path)
		if errors.Is(err, fs.ErrNotExist) {
			missing.add(path, fmt.Sprintf("manifest of rank %d: that process has not finished", r))
			continue
		}
		if err != nil {
			return nil, err
		}
		if m.Rank != r || m.Ranks != ranks {
			return nil, fmt.Errorf("%s says rank %d of %d, but its name says rank %d of %d; it was renamed or copied from another run: rerun rank %d", path, m.Rank, m.Ranks, r, ranks, r)
		}
		mans[r] = m
	}
	var m0 *Manifest
	for _, m := range mans {
		if m != nil {
			m0 = m
			break
		}
	}
	if m0 == nil {
		return nil, missing.err(dir, ranks, "hipft.in")
	}
	for r, m := range mans {
		if m == nil || m == m0 {
			continue
		}
		if err := sameInput(dir, m0, m); err != nil {
			return nil, fmt.Errorf("rank %d's part comes from a different input than rank %d's: %v; rerun the processes from one input (goft run --rank R --ranks %d %s)", r, m0.Rank, err, ranks, m0.Input)
		}
	}

	// The input: the realization table and parameter dump are made from it.
	in := m0.Input
	if !filepath.IsAbs(in) {
		in = filepath.Join(dir, in)
	}
	p, err := readInput(in)
	if err != nil {
		return nil, fmt.Errorf("reading the run's input (named in %s): %w", ManifestName(m0.Rank, ranks), err)
	}
	if h, err := ParamsHash(p); err != nil {
		return nil, err
	} else if h != m0.ParamsSHA256 {
		return nil, fmt.Errorf("%s has changed since the processes ran (its parameters no longer match those recorded in %s); restore the input they ran, or rerun all %d processes", in, ManifestName(m0.Rank, ranks), ranks)
	}
	if p.NRealizations != m0.NRealizations {
		return nil, fmt.Errorf("%s: n_realizations = %d, but the processes ran %d realizations", in, p.NRealizations, m0.NRealizations)
	}
	nReal := p.NRealizations
	for r, m := range mans {
		if m == nil {
			continue
		}
		off, n, err := run.Split(nReal, ranks, r)
		if err != nil {
			return nil, err
		}
		if m.First != off+1 || m.Count != n {
			return nil, fmt.Errorf("%s: rank %d ran realizations %d-%d, but with %d processes it should run %d-%d: the part comes from a different split; rerun rank %d",
				ManifestName(r, ranks), r, m.First, m.First+m.Count-1, ranks, off+1, off+n, r)
		}
	}

	// Histories: written under their final names; each must be there.
	firstNum := make([]string, ranks) // num history of each rank's first realization
	for i := 1; i <= nReal; i++ {
		r := rankOf(nReal, ranks, i)
		for _, kind := range []string{"sol", "num"} {
			path := filepath.Join(dir, output.HistoryName(kind, i))
			if _, err := os.Stat(path); err != nil {
				missing.add(path, fmt.Sprintf("history of realization %d, rank %d", i, r))
			} else if kind == "num" && firstNum[r] == "" {
				firstNum[r] = path
			}
		}
	}

	// Timing parts.
	timings := make([]*PartTiming, ranks)
	for r := range ranks {
		path := filepath.Join(dir, run.PartName(timingName, r, ranks))
		t, err := ReadPartTiming(path)
		if errors.Is(err, fs.ErrNotExist) {
			missing.add(path, fmt.Sprintf("timing of rank %d", r))
			continue
		}
		if err != nil {
			return nil, err
		}
		timings[r] = t
	}

	// Map parts: in the run folder and the output map folder.
	mapDir := p.OutputMapDirectory
	if !filepath.IsAbs(mapDir) {
		mapDir = filepath.Join(dir, mapDir)
	}
	outputMaps := p.OutputMapIdxCadence > 0 || p.OutputMapTimeCadence > 0
	dirs := []string{dir}
	if outputMaps && filepath.Clean(mapDir) != filepath.Clean(dir) {
		dirs = append(dirs, mapDir)
	}
	groups := map[string][]bool{} // merged path -> ranks present
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				missing.add(d, "output map folder")
				continue
			}
			return nil, err
		}
		for _, e := range ents {
			merged, r, n, ok := parsePart(e.Name())
			if !ok || n != ranks || !strings.HasSuffix(merged, ".h5") || e.IsDir() {
				continue
			}
			key := filepath.Join(d, merged)
			if groups[key] == nil {
				groups[key] = make([]bool, ranks)
			}
			groups[key][r] = true
		}
	}
	want := []string{filepath.Join(dir, p.OutputMapRootFilename+"_initial.h5"), filepath.Join(dir, p.OutputMapRootFilename+"_final.h5")}
	if outputMaps {
		list := filepath.Join(dir, "hipft_output_map_list.out")
		names, err := readMapList(list)
		if errors.Is(err, fs.ErrNotExist) {
			missing.add(list, "output map list, written by rank 0")
		} else if err != nil {
			return nil, err
		}
		for _, n := range names {
			want = append(want, filepath.Join(mapDir, n))
		}
	}
	for _, w := range want {
		if groups[w] == nil {
			groups[w] = make([]bool, ranks)
		}
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for r, ok := range groups[k] {
			if !ok {
				missing.add(run.PartName(k, r, ranks), fmt.Sprintf("map part of rank %d", r))
			}
		}
	}
	if len(missing) > 0 {
		return nil, missing.err(dir, ranks, m0.Input)
	}

	// Same time steps on every rank (the num histories are the same for
	// every realization of a single-process run).
	numLines, w, err := mergeNum(firstNum)
	if err != nil {
		return nil, err
	}
	if w != "" {
		res.Warnings = append(res.Warnings, w)
	}

	// Merge every map into a temporary file; rename them all at the end.
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for _, k := range keys {
		tmp := filepath.Join(filepath.Dir(k), "."+filepath.Base(k)+".merge-tmp")
		if err := mergeMap(k, tmp, nReal, ranks); err != nil {
			return nil, err
		}
		tmps = append(tmps, tmp)
	}
	for i, k := range keys {
		if err := os.Rename(tmps[i], k); err != nil {
			return nil, fmt.Errorf("writing %s: %w", k, err)
		}
		tmps[i] = "" // renamed: nothing to remove
		res.Maps = append(res.Maps, k)
		logf(" merged %d parts into %s\n", ranks, k)
	}
	tmps = nil

	// The num histories of a single process: the same merged lines for
	// every realization.
	if numLines != nil {
		merged := []byte(strings.Join(numLines, ""))
		for i := 1; i <= nReal; i++ {
			path := filepath.Join(dir, output.HistoryName("num", i))
			if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, merged) {
				continue
			}
			if err := output.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(merged); return err }); err != nil {
				return nil, err
			}
			res.Files = append(res.Files, path)
		}
	}

	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"hipft_run_parameters_used.out", p.WriteUsed},
		{timingName, func(w io.Writer) error { return WriteTiming(w, timings) }},
	}
	if nReal > 1 {
		files = append(files, struct {
			name  string
			write func(io.Writer) error
		}{"hipft_realization_parameters.out", p.WriteRealizationTable})
	}
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := output.WriteFileAtomic(path, f.write); err != nil {
			return nil, err
		}
		res.Files = append(res.Files, path)
		logf(" wrote %s\n", path)
	}

	if opt.Clean {
		var parts []string
		for _, k := range keys {
			for r := range ranks {
				parts = append(parts, run.PartName(k, r, ranks))
			}
		}
		for r := range ranks {
			parts = append(parts, filepath.Join(dir, run.PartName(timingName, r, ranks)))
		}
		for r := range ranks {
			// A finished part keeps its checkpoint (to be continued to a
			// later time_end); without the part files it has no use.
			parts = append(parts, filepath.Join(dir, run.PartName(run.CheckpointName, r, ranks)))
		}
		for r := range ranks { // manifests last: a partial clean can be merged again
			parts = append(parts, filepath.Join(dir, ManifestName(r, ranks)))
		}
		for _, f := range parts {
			if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return res, fmt.Errorf("merged, but removing the part %s: %w", f, err)
			}
			res.Removed = append(res.Removed, f)
		}
		logf(" removed %d part files\n", len(parts))
	}
	return res, nil
}

// findRanks finds the process count of the parts in dir from the names of
// its manifests and part files: 1 when there are none and dir holds a
// single-process run.
func findRanks(dir string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("cannot merge: %w", err)
	}
	counts := map[int]bool{}
	single := false
	for _, e := range ents {
		if e.Name() == timingName {
			single = true
		}
		if _, _, n, ok := parsePart(e.Name()); ok {
			counts[n] = true
		}
	}
	switch len(counts) {
	case 0:
		if single {
			return 1, nil
		}
		return 0, fmt.Errorf("cannot merge %s: it holds no part files (%s, ...) nor a finished single-process run (%s); is it the run folder, and have the processes finished?",
			dir, ManifestName(0, 2), timingName)
	case 1:
		for n := range counts {
			return n, nil
		}
	}
	ns := make([]int, 0, len(counts))
	for n := range counts {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return 0, fmt.Errorf("cannot merge %s: it holds parts of runs with different process counts %v; choose one with --ranks N (and remove the parts of the others)", dir, ns)
}

// sameInput reports how manifest m differs from m0 in its input.
func sameInput(dir string, m0, m *Manifest) error {
	a, b := ManifestName(m0.Rank, m0.Ranks), ManifestName(m.Rank, m.Ranks)
	switch {
	case m.Input != m0.Input:
		return fmt.Errorf("%s ran input %q, %s ran %q", b, m.Input, a, m0.Input)
	case m.ParamsSHA256 != m0.ParamsSHA256:
		return fmt.Errorf("the parameters recorded in %s and %s differ", b, a)
	case m.InitialMapSHA256 != m0.InitialMapSHA256:
		return fmt.Errorf("the initial maps recorded in %s and %s differ (the file changed between the runs)", b, a)
	case m.NRealizations != m0.NRealizations:
		return fmt.Errorf("%s ran %d realizations, %s %d", b, m.NRealizations, a, m0.NRealizations)
	}
	return nil
}

// readInput reads and processes the run's input file without checking that
// the input files it names still exist.
func readInput(path string) (*input.Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return input.ParseWith(f, path, input.Options{SkipFileChecks: true})
}

// rankOf returns the rank that runs realization i (1-based).
func rankOf(nReal, ranks, i int) int {
	for r := range ranks {
		off, n, _ := run.Split(nReal, ranks, r)
		if i <= off+n {
			return r
		}
	}
	return ranks - 1
}

// readMapList returns the file names listed in hipft_output_map_list.out.
func readMapList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if line == 1 || len(fs) == 0 {
			continue
		}
		if len(fs) < 3 {
			return nil, fmt.Errorf("%s:%d: expected IDX TIME FILENAME, got %q", path, line, sc.Text())
		}
		names = append(names, fs[len(fs)-1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return names, nil
}

// rankMinColumns are the num-history columns that a process computes as a
// minimum over its own realizations where a single process (and HipFT's
// MPI ranks, which reduce over all ranks) takes the minimum over all
// realizations: the advection stability limit, which depends on each
// realization's velocity (attenuated by its own field).
var rankMinColumns = []string{"DTIME_ADV_STB"}

// mergeNum reads the num history of each rank's first realization (paths)
// and returns the lines a single process writes, when the ranks took the
// same steps: every column equal but those of rankMinColumns, which take
// the smallest value over the ranks (its text as that rank wrote it, so
// the format is HipFT's). When the ranks' steps truly differ it returns no
// lines and a warning describing the first difference, and the num
// histories are left as the processes wrote them.
func mergeNum(paths []string) (lines []string, warning string, err error) {
	texts := make([][]string, len(paths))
	for r, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, "", fmt.Errorf("reading %s: %w", p, err)
		}
		texts[r] = strings.SplitAfter(string(b), "\n")
		if n := len(texts[r]); n > 0 && texts[r][n-1] == "" {
			texts[r] = texts[r][:n-1]
		}
	}
	differ := func(r, line int, why string) string {
		return fmt.Sprintf("the processes' time-step records differ (%s and %s, line %d: %s): HipFT's MPI ranks share their step limits (the smallest over all realizations), these processes computed them from their own realizations and took different steps, so the num histories (and the maps) are not those of a single-process run; rerun in one process if they must match",
			paths[0], paths[r], line, why)
	}
	ref := texts[0]
	if len(ref) == 0 {
		return nil, "", fmt.Errorf("%s is empty", paths[0])
	}
	header := strings.Fields(ref[0])
	minCol := map[int]bool{}
	for c, name := range header {
		for _, m := range rankMinColumns {
			if name == m {
				minCol[c] = true
			}
		}
	}
	for r := 1; r < len(texts); r++ {
		if len(texts[r]) != len(ref) {
			return nil, differ(r, 1+min(len(ref), len(texts[r])), fmt.Sprintf("%d and %d data lines", len(ref)-1, len(texts[r])-1)), nil
		}
		if texts[r][0] != ref[0] {
			return nil, differ(r, 1, "the headers differ"), nil
		}
	}
	lines = append(lines, ref[0])
	for i := 1; i < len(ref); i++ {
		line := ref[i]
		cols := fieldSpans(line)
		best := map[int]float64{}
		for c := range minCol {
			if c < len(cols) {
				v, err := strconv.ParseFloat(line[cols[c][0]:cols[c][1]], 64)
				if err != nil {
					return nil, "", fmt.Errorf("%s:%d: column %s: %v", paths[0], i+1, header[c], err)
				}
				best[c] = v
			}
		}
		for r := 1; r < len(texts); r++ {
			other := texts[r][i]
			ocols := fieldSpans(other)
			if len(ocols) != len(cols) {
				return nil, differ(r, i+1, "different column counts"), nil
			}
			for c := range cols {
				a, b := line[cols[c][0]:cols[c][1]], other[ocols[c][0]:ocols[c][1]]
				if a == b {
					continue
				}
				if !minCol[c] || cols[c] != ocols[c] {
					return nil, differ(r, i+1, fmt.Sprintf("%s is %s and %s", header[min(c, len(header)-1)], a, b)), nil
				}
				v, err := strconv.ParseFloat(b, 64)
				if err != nil {
					return nil, "", fmt.Errorf("%s:%d: column %s: %v", paths[r], i+1, header[c], err)
				}
				if v < best[c] {
					best[c] = v
					line = line[:cols[c][0]] + b + line[cols[c][1]:]
				}
			}
		}
		lines = append(lines, line)
	}
	return lines, "", nil
}

// fieldSpans returns the [start, end) byte offsets of the blank-separated
// fields of line.
func fieldSpans(line string) [][2]int {
	var spans [][2]int
	start := -1
	for i := 0; i < len(line); i++ {
		blank := line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'
		switch {
		case !blank && start < 0:
			start = i
		case blank && start >= 0:
			spans = append(spans, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(line)})
	}
	return spans
}

// mergeMap reads the ranks parts of the 3D map merged, checks them and
// writes the map with all nReal realizations to tmp.
func mergeMap(merged, tmp string, nReal, ranks int) error {
	var out *psihdf.Map
	var first string
	single := false
	for r := range ranks {
		path := run.PartName(merged, r, ranks)
		m, err := psihdf.Read(path)
		if err != nil {
			return err
		}
		off, n, err := run.Split(nReal, ranks, r)
		if err != nil {
			return err
		}
		if len(m.Dims) != 3 {
			return fmt.Errorf("%s is a %dD map; a rank part is 3D (phi, theta, realization): it is not a goft part, remove it and rerun rank %d", path, len(m.Dims), r)
		}
		want := make([]float64, n)
		for i := range want {
			want[i] = float64(off + i + 1)
		}
		if m.Dims[2] != n || !sameFloats(m.Scales[2], want) {
			return fmt.Errorf("%s holds realizations %s, but rank %d of %d runs realizations %d-%d of %d: the part comes from a different run (other n_realizations or process count); rerun rank %d",
				path, realizationList(m.Scales[2]), r, ranks, off+1, off+n, nReal, r)
		}
		if out == nil {
			first, single = path, m.Float32
			out = &psihdf.Map{Dims: []int{m.Dims[0], m.Dims[1], nReal},
				Scales: [][]float64{m.Scales[0], m.Scales[1], make([]float64, nReal)},
				Data:   make([]float64, 0, m.Dims[0]*m.Dims[1]*nReal)}
			for i := range nReal {
				out.Scales[2][i] = float64(i + 1)
			}
		} else {
			switch {
			case m.Dims[0] != out.Dims[0] || m.Dims[1] != out.Dims[1]:
				return fmt.Errorf("%s has a %dx%d (phi x theta) grid, %s %dx%d: the parts come from different inputs; rerun the processes from one input",
					path, m.Dims[0], m.Dims[1], first, out.Dims[0], out.Dims[1])
			case !sameFloats(m.Scales[0], out.Scales[0]) || !sameFloats(m.Scales[1], out.Scales[1]):
				return fmt.Errorf("%s and %s have different phi or theta scales: the parts come from different inputs; rerun the processes from one input", path, first)
			case m.Float32 != single:
				return fmt.Errorf("%s and %s differ in precision (output_single_precision): the parts come from different inputs; rerun the processes from one input", path, first)
			}
		}
		out.Data = append(out.Data, m.Data...)
	}
	return psihdf.Write(tmp, out, single)
}

// sameFloats reports whether a and b hold the same values bit for bit.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// realizationList formats a dim3 scale for a message.
func realizationList(s []float64) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
