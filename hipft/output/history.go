package output

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/goft-sft/goft/format/fortranfmt"
	"github.com/goft-sft/goft/model/diag"
)

// NumRecord is one line of hipft_history_num: the time-step bookkeeping
// shared by all realizations.
type NumRecord struct {
	Step         int64   // STEP: steps taken
	Time         float64 // hours
	Dt           float64 // DTIME: the step, hours
	DtAdvStable  float64 // DTIME_ADV_STB: flow CFL limit, hours
	DtAdvUsed    float64 // DTIME_ADV_USED: last advection call, hours
	DtDiffStable float64 // DTIME_DIFF_STB: Euler diffusion limit, hours
	DiffPerStep  int64   // N_DIFF_PER_STEP: STS stages or Euler substeps
	DiffCycles   int64   // N_DIFF_CYCLES
}

var solNames = []string{"TIME", "BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE",
	"FLUX_NEGATIVE", "NPOLE_FLUX_POSITIVE", "NPOLE_FLUX_NEGATIVE", "SPOLE_FLUX_POSITIVE",
	"SPOLE_FLUX_NEGATIVE", "NPOLE_AREA", "SPOLE_AREA", "EQ_DIPOLE", "AX_DIPOLE",
	"VALIDATION_ERR_HHabs"}

var numNames = []string{"TIME", "DTIME", "DTIME_ADV_STB", "DTIME_ADV_USED",
	"DTIME_DIFF_STB", "N_DIFF_PER_STEP", "N_DIFF_CYCLES"}

func header(names []string) string {
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%10s ", "STEP"))
	for _, n := range names {
		b.WriteString(fmt.Sprintf("%22s ", n))
	}
	return b.String()
}

// SolLine formats a hipft_history_sol data line (i10, then 15 reals in
// 1pe23.15e3 separated by single spaces).
func SolLine(step int64, s *diag.Stats) string {
	var b strings.Builder
	b.Grow(370)
	b.WriteString(fortranfmt.FormatI(step, 10))
	for _, v := range s.Values() {
		b.WriteByte(' ')
		b.WriteString(fortranfmt.FormatE(v, 15, 3, 23))
	}
	return b.String()
}

// NumLine formats a hipft_history_num data line.
func NumLine(n *NumRecord) string {
	var b strings.Builder
	b.Grow(162)
	b.WriteString(fortranfmt.FormatI(n.Step, 10))
	for _, v := range []float64{n.Time, n.Dt, n.DtAdvStable, n.DtAdvUsed, n.DtDiffStable} {
		b.WriteByte(' ')
		b.WriteString(fortranfmt.FormatE(v, 15, 3, 23))
	}
	b.WriteByte(' ')
	b.WriteString(fortranfmt.FormatI(n.DiffPerStep, 15))
	b.WriteByte(' ')
	b.WriteString(fortranfmt.FormatI(n.DiffCycles, 15))
	return b.String()
}

// HistoryName returns HipFT's history file name for kind "sol" or "num"
// and global realization index r (1-based).
func HistoryName(kind string, r int) string {
	return fmt.Sprintf("hipft_history_%s_r%06d.out", kind, r)
}

// WriteSolHistory writes a whole hipft_history_sol file at path,
// atomically: the header, then one line per step, steps[i] with stats[i].
func WriteSolHistory(path string, steps []int64, stats []diag.Stats) error {
	if len(steps) != len(stats) {
		return fmt.Errorf("history %s: %d steps but %d lines of values", path, len(steps), len(stats))
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		fmt.Fprintln(bw, header(solNames))
		for i, st := range steps {
			fmt.Fprintln(bw, SolLine(st, &stats[i]))
		}
		return bw.Flush()
	})
}

// Histories holds the open history files of a set of realizations.
type Histories struct {
	sol, num []*AppendFile
}

// CreateHistories creates (truncating) the sol and num history files in dir
// for the global realization indices given (1-based), with their headers.
func CreateHistories(dir string, realizations []int) (*Histories, error) {
	h := &Histories{}
	for _, r := range realizations {
		s, err := CreateAppendFile(filepath.Join(dir, HistoryName("sol", r)), header(solNames))
		if err != nil {
			h.Close()
			return nil, err
		}
		h.sol = append(h.sol, s)
		n, err := CreateAppendFile(filepath.Join(dir, HistoryName("num", r)), header(numNames))
		if err != nil {
			h.Close()
			return nil, err
		}
		h.num = append(h.num, n)
	}
	return h, nil
}

// ResumeHistories reopens the history files of a checkpointed run, cutting
// each to the size recorded in sizes (keyed by file path).
func ResumeHistories(dir string, realizations []int, sizes map[string]int64) (*Histories, error) {
	h := &Histories{}
	open := func(kind string, r int) (*AppendFile, error) {
		p := filepath.Join(dir, HistoryName(kind, r))
		size, ok := sizes[filepath.Base(p)]
		if !ok {
			return nil, fmt.Errorf("the checkpoint does not record %s", p)
		}
		return ResumeAppendFile(p, size)
	}
	for _, r := range realizations {
		s, err := open("sol", r)
		if err != nil {
			h.Close()
			return nil, err
		}
		h.sol = append(h.sol, s)
		n, err := open("num", r)
		if err != nil {
			h.Close()
			return nil, err
		}
		h.num = append(h.num, n)
	}
	return h, nil
}

// Lengths records the length of each history file's whole lines in into,
// by file name (see AppendFile.Len).
func (h *Histories) Lengths(into map[string]int64) {
	for _, f := range append(h.sol, h.num...) {
		into[filepath.Base(f.Path)] = f.Len()
	}
}

// Sync flushes every history file to stable storage.
func (h *Histories) Sync() error {
	for _, f := range append(h.sol, h.num...) {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	return nil
}

// Write appends one line to each realization's num and sol files.
func (h *Histories) Write(step int64, num *NumRecord, stats []diag.Stats) error {
	nl := NumLine(num)
	for i := range h.sol {
		if err := h.num[i].Line(nl); err != nil {
			return err
		}
		if err := h.sol[i].Line(SolLine(step, &stats[i])); err != nil {
			return err
		}
	}
	return nil
}

// Close closes every file.
func (h *Histories) Close() error {
	var first error
	for _, f := range append(h.sol, h.num...) {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// MapListHeader is the header line of hipft_output_map_list.out.
var MapListHeader = fmt.Sprintf("%10s %25s %s", "IDX", "TIME", "FILENAME")

// MapListLine formats one line of the output map list: i10, 3 spaces, the
// time in 1pe25.15 (2-digit exponent), 4 spaces, the base file name.
func MapListLine(idx int64, time float64, name string) string {
	return fortranfmt.FormatI(idx, 10) + "   " + fortranfmt.FormatE(time, 15, 0, 25) + "    " + name
}
