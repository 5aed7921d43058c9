package analysis

import (
	"bufio"
	"fmt"
	"github.com/goft-sft/goft/format/fortranfmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// History is one HipFT history file (hipft_history_sol_rNNNNNN.out or
// hipft_history_num_rNNNNNN.out): named columns of numbers, one row per
// line. With verbose >= 2 HipFT writes several lines per step (one per
// diffusion subcycle, at increasing times); all of them are kept.
type History struct {
	// Path is the file read.
	Path string
	// Realization is the 1-based realization number from the file name, or
	// 0 if the name has none.
	Realization int
	// Names are the column names of the header, e.g. "STEP", "TIME".
	Names []string
	// Cols[i] holds column Names[i], one value per data line.
	Cols [][]float64
}

// Col returns the column named name (case-insensitive), or nil if the file
// has none.
func (h *History) Col(name string) []float64 {
	for i, n := range h.Names {
		if strings.EqualFold(n, name) {
			return h.Cols[i]
		}
	}
	return nil
}

// Len returns the number of data lines.
func (h *History) Len() int {
	if len(h.Cols) == 0 {
		return 0
	}
	return len(h.Cols[0])
}

var realizationRe = regexp.MustCompile(`_r(\d{6})`)

// RealizationFromName returns the realization number in a file name
// holding "_rNNNNNN" (6 digits, HipFT's convention), or 0.
func RealizationFromName(name string) int {
	m := realizationRe.FindAllStringSubmatch(filepath.Base(name), -1)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

// ReadHistory reads a HipFT history file. Errors name the file and line.
func ReadHistory(path string) (*History, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := &History{Path: path, Realization: RealizationFromName(path)}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if h.Names == nil {
			if _, err := strconv.ParseFloat(fields[0], 64); err == nil {
				return nil, fmt.Errorf("%s:%d: not a HipFT history file: the first line should name the columns (STEP TIME ...), found numbers", path, line)
			}
			h.Names = fields
			h.Cols = make([][]float64, len(fields))
			continue
		}
		if len(fields) != len(h.Names) {
			return nil, fmt.Errorf("%s:%d: %d values, but the header names %d columns", path, line, len(fields), len(h.Names))
		}
		for i, s := range fields {
			v, err := fortranfmt.ParseReal(s)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: column %s: %q is not a number", path, line, h.Names[i], s)
			}
			h.Cols[i] = append(h.Cols[i], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.Names == nil {
		return nil, fmt.Errorf("%s: empty file, not a HipFT history file", path)
	}
	if h.Col("TIME") == nil {
		return nil, fmt.Errorf("%s: not a HipFT history file: no TIME column in its header", path)
	}
	return h, nil
}

// ReadRunHistories reads every hipft_history_sol_rNNNNNN.out in dir, in
// realization order.
func ReadRunHistories(dir string) ([]*History, error) {
	files, err := filepath.Glob(filepath.Join(dir, "hipft_history_sol_r*.out"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no history files (hipft_history_sol_r000001.out ...) in %s: is it a HipFT run folder?", dir)
	}
	sort.Slice(files, func(i, j int) bool {
		return RealizationFromName(files[i]) < RealizationFromName(files[j])
	})
	var hs []*History
	for _, f := range files {
		h, err := ReadHistory(f)
		if err != nil {
			return nil, err
		}
		if h.Len() == 0 {
			return nil, fmt.Errorf("%s: no data lines yet", f)
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// SolColumns are the columns of hipft_history_sol files that HistoryQuantities
// needs.
var SolColumns = []string{"TIME", "BR_MIN", "BR_MAX", "FLUX_POSITIVE", "FLUX_NEGATIVE",
	"NPOLE_FLUX_POSITIVE", "NPOLE_FLUX_NEGATIVE", "SPOLE_FLUX_POSITIVE", "SPOLE_FLUX_NEGATIVE",
	"NPOLE_AREA", "SPOLE_AREA", "EQ_DIPOLE", "AX_DIPOLE"}

// Quantities are the physical quantities derived from one realization's
// hipft_history_sol file, as HipFT's hipft_plot_histories.py derives them.
type Quantities struct {
	// Realization is the 1-based realization (0 if unknown).
	Realization int
	// Time is the simulation time (hours).
	Time []float64
	// FluxPos and FluxNeg are the positive and negative flux (Mx; FluxNeg
	// <= 0); Unsigned is |FluxPos| + |FluxNeg| (Mx).
	FluxPos, FluxNeg, Unsigned []float64
	// Imbalance is 100 (FluxPos + FluxNeg) / Unsigned (percent; 0 where
	// Unsigned < 1e-15 Mx).
	Imbalance []float64
	// North and south polar-cap fluxes (Mx), positive and negative.
	NPos, NNeg, SPos, SNeg []float64
	// NField and SField are the mean polar-cap fields: net cap flux over
	// cap area (Gauss).
	NField, SField []float64
	// AxDipole and EqDipole are the axial and equatorial dipole strengths
	// (Gauss).
	AxDipole, EqDipole []float64
	// BrMin and BrMax are the field extremes (Gauss).
	BrMin, BrMax []float64
	// Validation is VALIDATION_ERR_HHabs, nil if the column is absent or
	// all zero.
	Validation []float64
}

// HistoryQuantities derives the plotted quantities from a sol history.
func HistoryQuantities(h *History) (*Quantities, error) {
	for _, c := range SolColumns {
		if h.Col(c) == nil {
			return nil, fmt.Errorf("%s: no %s column: not a hipft_history_sol file", h.Path, c)
		}
	}
	q := &Quantities{
		Realization: h.Realization,
		Time:        h.Col("TIME"), FluxPos: h.Col("FLUX_POSITIVE"), FluxNeg: h.Col("FLUX_NEGATIVE"),
		NPos: h.Col("NPOLE_FLUX_POSITIVE"), NNeg: h.Col("NPOLE_FLUX_NEGATIVE"),
		SPos: h.Col("SPOLE_FLUX_POSITIVE"), SNeg: h.Col("SPOLE_FLUX_NEGATIVE"),
		AxDipole: h.Col("AX_DIPOLE"), EqDipole: h.Col("EQ_DIPOLE"),
		BrMin: h.Col("BR_MIN"), BrMax: h.Col("BR_MAX"),
	}
	na, sa := h.Col("NPOLE_AREA"), h.Col("SPOLE_AREA")
	n := h.Len()
	q.Unsigned = make([]float64, n)
	q.Imbalance = make([]float64, n)
	q.NField = make([]float64, n)
	q.SField = make([]float64, n)
	for i := 0; i < n; i++ {
		q.Unsigned[i] = math.Abs(q.FluxPos[i]) + math.Abs(q.FluxNeg[i])
		q.Imbalance[i] = Imbalance(q.FluxPos[i], q.FluxNeg[i])
		q.NField[i] = CapField(q.NPos[i], q.NNeg[i], na[i])
		q.SField[i] = CapField(q.SPos[i], q.SNeg[i], sa[i])
	}
	if v := h.Col("VALIDATION_ERR_HHabs"); v != nil {
		for _, x := range v {
			if x != 0 {
				q.Validation = v
				break
			}
		}
	}
	return q, nil
}

// Rows returns the data lines as rows of numbers (one row per line, the
// columns in file order).
func (h *History) Rows() [][]float64 {
	rows := make([][]float64, h.Len())
	for i := range rows {
		rows[i] = make([]float64, len(h.Cols))
		for c, col := range h.Cols {
			rows[i][c] = col[i]
		}
	}
	return rows
}
