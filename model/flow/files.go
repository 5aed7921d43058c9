package flow

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// ListEntry is one data line of a flow list file.
type ListEntry struct {
	Days float64 // time of the flow pair in days (columns 1-11)
	Vt   string  // vt file name relative to the root directory (columns 13-23)
	Vp   string  // vp file name relative to the root directory (columns 25-35)
}

// ParseList reads a HipFT flow list (section 6.2): a header line, then one
// line per flow pair in the fixed-column layout of Fortran's
// (F11.5,1X,A11,1X,A11): the time in days in columns 1-11, a separator, the
// vt file name in columns 13-23, a separator and the vp file name in
// columns 25-35. Characters after column 35 are ignored, as HipFT ignores
// them.
//
// HipFT silently misreads lines that do not follow this layout (for
// example an unpadded "0.0,vt.h5,vp.h5"), and counts a blank line as an
// entry with time 0 and no files. ParseList reports these as errors naming
// the line instead. name is used in error messages.
func ParseList(r io.Reader, name string) ([]ListEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var entries []ListEntry
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // header
		}
		s := strings.TrimRight(sc.Text(), "\r")
		e, err := parseListLine(s)
		if err != nil {
			return nil, fmt.Errorf("flow: list file %s, line %d %q: %w", name, line, s, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("flow: list file %s: %w", name, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("flow: list file %s is empty (it needs a header line and at least two entries)", name)
	}
	if len(entries) < 2 {
		return nil, fmt.Errorf("flow: list file %s has %d entries; at least two are needed (the gap after the last file is the gap between the last two)", name, len(entries))
	}
	for i := 1; i < len(entries); i++ {
		if !(entries[i].Days > entries[i-1].Days) {
			return nil, fmt.Errorf("flow: list file %s: times must increase, but entry %d (line %d) has %g days after %g",
				name, i+1, i+2, entries[i].Days, entries[i-1].Days)
		}
	}
	return entries, nil
}

// fixedField returns columns [lo, hi) (0-based) of s, blank-padded as Fortran's
// formatted read pads short records.
func fixedField(s string, lo, hi int) string {
	if lo >= len(s) {
		return ""
	}
	return s[lo:min(hi, len(s))]
}

func parseListLine(s string) (ListEntry, error) {
	if strings.TrimSpace(s) == "" {
		return ListEntry{}, fmt.Errorf("blank line (HipFT would count it as an entry with time 0 and no files); remove it")
	}
	tf, vt, vp := fixedField(s, 0, 11), fixedField(s, 12, 23), fixedField(s, 24, 35)
	if strings.ContainsRune(tf, ',') || strings.ContainsRune(vt, ',') || strings.ContainsRune(vp, ',') {
		return ListEntry{}, fmt.Errorf("a comma inside a fixed-width field: HipFT reads this list with format (F11.5,1X,A11,1X,A11), so the time must fill columns 1-11 (right-justified, e.g. \"    0.01042\") and the file names columns 13-23 and 25-35")
	}
	days, err := parseFortranF(tf, 5)
	if err != nil {
		return ListEntry{}, fmt.Errorf("time in columns 1-11: %w", err)
	}
	e := ListEntry{Days: days, Vt: strings.TrimSpace(vt), Vp: strings.TrimSpace(vp)}
	if e.Vt == "" || e.Vp == "" {
		return ListEntry{}, fmt.Errorf("missing file name: the vt name must be in columns 13-23 and the vp name in columns 25-35")
	}
	return e, nil
}

// parseFortranF reads a real with the Fortran edit descriptor Fw.d:
// blanks are ignored (BLANK='NULL'), an all-blank field is 0, and without a
// decimal point the last d digits of the mantissa are the fraction. An
// exponent may follow (E, D or Q, or just a sign).
func parseFortranF(s string, d int) (float64, error) {
	t := strings.ReplaceAll(s, " ", "")
	if t == "" {
		return 0, nil
	}
	mant, exp := t, 0
	if i := strings.IndexAny(t[1:], "EeDdQq+-"); i >= 0 {
		i++
		mant = t[:i]
		es := t[i:]
		if strings.ContainsRune("EeDdQq", rune(es[0])) {
			es = es[1:]
		}
		e, err := strconv.Atoi(es)
		if err != nil {
			return 0, fmt.Errorf("bad exponent in %q", s)
		}
		exp = e
	}
	if !strings.Contains(mant, ".") {
		exp -= d
	}
	body := strings.TrimLeft(mant, "+-")
	if body == "" || body == "." || strings.Trim(body, "0123456789.") != "" || strings.Count(body, ".") > 1 {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	v, err := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// fortranModulo is Fortran's MODULO(a, p) for reals: a - floor(a/p)*p
// computed as fmod with the result given the sign of p.
func fortranModulo(a, p float64) float64 {
	r := math.Mod(a, p)
	if r != 0 && (r < 0) != (p < 0) {
		r += p
	}
	return r
}

// FileFlow is the flows-from-files model (use_flow_from_files, section
// 6.2). It holds the pair of flow maps in use and HipFT's bookkeeping of
// when the next pair takes over. The flow is piecewise constant in time:
// at a flow update at time t >= NextTime the next pair in the list is read
// (wrapping to the first after the last), with no interpolation.
type FileFlow struct {
	rootDir string
	src     PairSource // in-line pairs instead of files (nil: files)
	list    []ListEntry
	times   []float64 // hours since the first entry
	dtLast  float64   // gap between the last two entries (hours)
	idx     int       // 0-based list index of the pair in use
	cur     float64   // time_of_current_input_flow (hours)
	next    float64   // time_of_next_input_flow (hours)

	lt, lp field.Layout    // in-memory layouts of vt and vp, one realization
	ft, fp field.MapLayout // their layouts in the flow files
	vt, vp []float64       // the pair in use (Rs/hr), one realization
	// Reads counts the flow pairs read so far (for diagnostics).
	Reads int
}

// NewFileFlow reads the flow list listFile, picks the pair in use at
// timeStart (hours) and reads it. rootDir is prefixed to the names in the
// list ("" means "."). The files must be 2D PSI maps in m/s: vt with dims
// (NPhiFile, NThetaHalf), vp with dims (NPhiHalf, NThetaMain); their scales
// are ignored.
func NewFileFlow(m *mesh.Mesh, listFile, rootDir string, timeStart float64) (*FileFlow, error) {
	fh, err := os.Open(listFile)
	if err != nil {
		return nil, fmt.Errorf("flow: cannot open the flow list: %w", err)
	}
	defer fh.Close()
	list, err := ParseList(fh, listFile)
	if err != nil {
		return nil, err
	}
	if rootDir == "" {
		rootDir = "."
	}
	return newFileFlow(m, list, rootDir, nil, timeStart)
}

// PairSource supplies flow pairs by list index, for flows made in-line
// (a goft extension: goft run generating ConFlow's flows as it goes)
// instead of read from files.
type PairSource interface {
	// Pair returns pair i (0-based) of the list in m/s, in the flow files'
	// layout and precision: vt with dims (NPhiFile, NThetaHalf) and vp
	// with dims (NPhiHalf, NThetaMain), phi fastest.
	Pair(i int) (vt, vp []float64, err error)
}

// NewSourceFlow is NewFileFlow with the list given and the pairs taken
// from src instead of files: the same schedule, wrap-around and loading,
// so a run on src equals a run on files holding the same pairs.
func NewSourceFlow(m *mesh.Mesh, list []ListEntry, src PairSource, timeStart float64) (*FileFlow, error) {
	if len(list) < 2 {
		return nil, fmt.Errorf("flow: %d in-line flow pairs; at least two are needed", len(list))
	}
	return newFileFlow(m, list, "", src, timeStart)
}

func newFileFlow(m *mesh.Mesh, list []ListEntry, rootDir string, src PairSource, timeStart float64) (*FileFlow, error) {
	ff := &FileFlow{rootDir: rootDir, list: list, src: src,
		lt: m.Layout(field.ThetaFace, 1), lp: m.Layout(field.PhiFace, 1),
		ft: m.MapLayout(field.ThetaFace, 1), fp: m.MapLayout(field.PhiFace, 1)}
	ff.vt = make([]float64, ff.lt.Len())
	ff.vp = make([]float64, ff.lp.Len())

	n := len(list)
	ff.times = make([]float64, n)
	for i, e := range list {
		ff.times[i] = 24 * e.Days
	}
	t0 := ff.times[0]
	for i := range ff.times {
		ff.times[i] = ff.times[i] - t0
	}
	span := ff.times[n-1] - ff.times[0]
	ts := fortranModulo(timeStart, span)
	idx := 0
	best := math.Abs(ff.times[0] - ts)
	for i := 1; i < n; i++ {
		if d := math.Abs(ff.times[i] - ts); d < best {
			idx, best = i, d
		}
	}
	if ff.times[idx] > ts {
		idx--
	}
	ff.idx = idx
	ff.dtLast = ff.times[n-1] - ff.times[n-2]
	ff.cur = timeStart - ts + ff.times[idx]
	ff.next = ff.cur + ff.gap(idx)
	if err := ff.load(true); err != nil {
		return nil, err
	}
	return ff, nil
}

// gap is the time from entry i to the next one, or from the last entry
// back to the first (taken equal to the last gap).
func (ff *FileFlow) gap(i int) float64 {
	if i+1 >= len(ff.times) {
		return ff.dtLast
	}
	return ff.times[i+1] - ff.times[i]
}

// Name implements Model.
func (*FileFlow) Name() string { return ModelFiles }

// TimeDependent implements TimeDependent: file flows are re-added every
// step.
func (*FileFlow) TimeDependent() bool { return true }

// NextTime implements Scheduled: the time (hours) at which the next flow
// pair takes over (HipFT's time_of_next_input_flow).
func (ff *FileFlow) NextTime() float64 { return ff.next }

// CurrentTime is the simulation time (hours) at which the pair in use
// took over (time_of_current_input_flow).
func (ff *FileFlow) CurrentTime() float64 { return ff.cur }

// Index is the 0-based list index of the flow pair in use.
func (ff *FileFlow) Index() int { return ff.idx }

// Times returns the list times in hours relative to the first entry.
func (ff *FileFlow) Times() []float64 { return ff.times }

// Add implements Model. If t >= NextTime it first reads the next pair
// (one pair per call, as HipFT). It then adds the pair in use to every
// realization.
func (ff *FileFlow) Add(v *Velocity, _ *mesh.Mesh, t float64) error {
	if t >= ff.next {
		ff.idx++
		if ff.idx >= len(ff.list) {
			ff.idx = 0
		}
		if err := ff.load(false); err != nil {
			return err
		}
		ff.cur = ff.next
		ff.next = ff.cur + ff.gap(ff.idx)
	}
	lt, lp := v.VtLayout(), v.VpLayout()
	for r := 0; r < v.NReal; r++ {
		dst := lt.Realization(v.Vt, r)
		for i, x := range ff.vt {
			dst[i] = dst[i] + x
		}
		dst = lp.Realization(v.Vp, r)
		for i, x := range ff.vp {
			dst[i] = dst[i] + x
		}
	}
	return nil
}

// load reads the pair at ff.idx. At the initial load HipFT sets only the vt
// ghost column (column 0 and vp are kept as read); at later loads both get
// the periodic phi overlap.
func (ff *FileFlow) load(initial bool) error {
	var vtData, vpData []float64
	if ff.src != nil {
		var err error
		if vtData, vpData, err = ff.src.Pair(ff.idx); err != nil {
			return err
		}
		if len(vtData) != ff.ft.NPhi*ff.ft.NTheta || len(vpData) != ff.fp.NPhi*ff.fp.NTheta {
			return fmt.Errorf("flow: the in-line flows have %d vt and %d vp values; this mesh needs %d x %d (NPhiFile, NThetaHalf) and %d x %d (NPhiHalf, NThetaMain)",
				len(vtData), len(vpData), ff.ft.NPhi, ff.ft.NTheta, ff.fp.NPhi, ff.fp.NTheta)
		}
	} else {
		e := ff.list[ff.idx]
		vtPath := ff.rootDir + "/" + e.Vt
		vpPath := ff.rootDir + "/" + e.Vp
		mt, err := readFlowMap(vtPath, "vt", ff.ft.NPhi, ff.ft.NTheta, "NPhiFile", "NThetaHalf")
		if err != nil {
			return err
		}
		mp, err := readFlowMap(vpPath, "vp", ff.fp.NPhi, ff.fp.NTheta, "NPhiHalf", "NThetaMain")
		if err != nil {
			return err
		}
		vtData, vpData = mt.Data, mp.Data
	}
	// vt has no value in the file for the ghost column NPhiMain-1.
	for k := 0; k < ff.ft.NPhi; k++ {
		col := ff.lt.Column(ff.vt, k, 0)
		for j := range col {
			col[j] = mesh.MPerSToRsPerHr * vtData[ff.ft.Index(j, k, 0)]
		}
	}
	for k := 0; k < ff.fp.NPhi; k++ {
		col := ff.lp.Column(ff.vp, k, 0)
		for j := range col {
			col[j] = mesh.MPerSToRsPerHr * vpData[ff.fp.Index(j, k, 0)]
		}
	}
	if initial {
		copy(ff.lt.Column(ff.vt, ff.lt.NPhi-1, 0), ff.lt.Column(ff.vt, 1, 0))
	} else {
		mesh.SetPeriodic(ff.vt, ff.lt.NTheta, ff.lt.NPhi, 1)
		mesh.SetPeriodic(ff.vp, ff.lp.NTheta, ff.lp.NPhi, 1)
	}
	ff.Reads++
	return nil
}

func readFlowMap(path, what string, n1, n2 int, name1, name2 string) (*psihdf.Map, error) {
	mp, err := psihdf.Read(path)
	if err != nil {
		return nil, fmt.Errorf("flow: cannot read %s flow file: %w", what, err)
	}
	if len(mp.Dims) != 2 || mp.Dims[0] != n1 || mp.Dims[1] != n2 {
		return nil, fmt.Errorf("flow: %s flow file %s has dims %v (phi, theta); want [%d %d] (%s, %s) for this mesh",
			what, path, mp.Dims, n1, n2, name1, name2)
	}
	return mp, nil
}
