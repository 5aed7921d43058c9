package flow

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/mesh"
)

// writeMap writes a 2D PSI map with dims (n1, n2) and value g(i1, i2).
func writeMap(t *testing.T, path string, n1, n2 int, g func(i1, i2 int) float64) {
	t.Helper()
	mp := &psihdf.Map{Dims: []int{n1, n2}, Scales: [][]float64{make([]float64, n1), make([]float64, n2)}, Data: make([]float64, n1*n2)}
	for i := range mp.Scales[0] {
		mp.Scales[0][i] = float64(i)
	}
	for i := range mp.Scales[1] {
		mp.Scales[1][i] = float64(i)
	}
	for i2 := 0; i2 < n2; i2++ {
		for i1 := 0; i1 < n1; i1++ {
			mp.Data[i1+n1*i2] = g(i1, i2)
		}
	}
	if err := psihdf.Write(path, mp, false); err != nil {
		t.Fatal(err)
	}
}

// writeVelocity writes realization 0 of v as a HipFT flow file pair in m/s.
func writeVelocity(t *testing.T, m *mesh.Mesh, v *Velocity, vtPath, vpPath string) {
	t.Helper()
	writeMap(t, vtPath, m.NPhiFile, m.NThetaHalf, func(k, j int) float64 { return v.Vt[v.VtIndex(j, k, 0)] / mps })
	writeMap(t, vpPath, m.NPhiHalf, m.NThetaMain, func(k, j int) float64 { return v.Vp[v.VpIndex(j, k, 0)] / mps })
}

// listLine formats a flow list entry in HipFT's fixed columns, as ConFlow
// writes it.
func listLine(days float64, vt, vp string) string {
	return fmt.Sprintf("%11.5f,%-11s,%-11s", days, vt, vp)
}

func writeList(t *testing.T, path string, lines ...string) {
	t.Helper()
	text := "time,vt_file,vp_file\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func aftVelocity(t *testing.T, m *mesh.Mesh, nReal int) *Velocity {
	t.Helper()
	v := NewVelocity(m, nReal)
	rep := func(x float64) []float64 {
		s := make([]float64, nReal)
		for i := range s {
			s[i] = x
		}
		return s
	}
	for _, md := range []Model{
		&MeridionalAFT{P1: rep(22), P3: rep(11), P5: rep(-28)},
		&DiffRotationAFT{P0: rep(46), P2: rep(-262), P4: rep(-379)},
	} {
		if err := md.Add(v, m, 0); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// TestFilesMatchAnalytic writes the AFT flows to files in HipFT's format
// and checks that flows from files reproduce them in every realization.
func TestFilesMatchAnalytic(t *testing.T) {
	m := testMesh(t)
	dir := t.TempDir()
	want := aftVelocity(t, m, 1)
	writeVelocity(t, m, want, filepath.Join(dir, "vt000001.h5"), filepath.Join(dir, "vp000001.h5"))
	list := filepath.Join(dir, "flows.csv")
	writeList(t, list, listLine(0.01042, "vt000001.h5", "vp000001.h5"), listLine(0.03125, "vt000001.h5", "vp000001.h5"))

	cfg := &Config{UseFiles: true, ListFile: list, RootDir: dir}
	const nReal = 2
	fl, err := FromConfig(cfg, DefaultRegistry(), m, nReal, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !fl.EveryStep() {
		t.Error("file flows not recomputed every step")
	}
	if _, err := fl.Update(nil, 0); err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want []float64, n int) {
		scale := maxAbs(want)
		for r := 0; r < nReal; r++ {
			for i, w := range want {
				if g := got[n*r+i]; !near(g, w, scale, 1e-12) || !near(g, w, math.Abs(w), 1e-12) {
					t.Fatalf("%s[%d] realization %d = %v, analytic %v", name, i, r, g, w)
				}
			}
		}
	}
	check("vt", fl.V.Vt, want.Vt, len(want.Vt))
	check("vp", fl.V.Vp, want.Vp, len(want.Vp))
	// The list times are 0.25008 h and 0.75 h: relative to the first, the
	// next pair takes over after 0.49992 h.
	if nt, ok := fl.NextFileTime(); !ok || math.Abs(nt-0.49992) > 1e-12 {
		t.Errorf("NextFileTime = %v, %v; want 0.49992", nt, ok)
	}
}

// pairValue is the m/s value written to pair p at file indices (i1, i2).
func pairValue(p, i1, i2 int) float64 { return float64(p+1)*100 + float64(i2) + 0.01*float64(i1) }

// TestFilesTimeline checks the initial pair choice, the switch times,
// the wrap from the last pair to the first, and the periodic-overlap rules
// at the initial and later reads.
func TestFilesTimeline(t *testing.T) {
	m := testMesh(t)
	dir := t.TempDir()
	var lines []string
	days := []float64{0.5, 1.0, 1.75} // 0, 12 and 30 h after the first
	for p := range days {
		vt, vp := fmt.Sprintf("vt%06d.h5", p+1), fmt.Sprintf("vp%06d.h5", p+1)
		writeMap(t, filepath.Join(dir, vt), m.NPhiFile, m.NThetaHalf, func(k, j int) float64 { return pairValue(p, k, j) })
		writeMap(t, filepath.Join(dir, vp), m.NPhiHalf, m.NThetaMain, func(k, j int) float64 { return -pairValue(p, k, j) })
		lines = append(lines, listLine(days[p], vt, vp))
	}
	list := filepath.Join(dir, "list.txt")
	writeList(t, list, lines...)

	for _, tc := range []struct {
		start, cur, next float64
		idx              int
	}{
		{40, 30, 42, 0}, // 40 mod 30 = 10: pair 0 (0 h) is in use
		{12, 12, 30, 1}, // exactly on a list time
		{-5, -18, 0, 1}, // -5 mod 30 = 25: pair 1 (12 h), which started at -18
		{29.9, 12, 30, 1},
		{30, 30, 42, 0}, // 30 mod 30 = 0
	} {
		ff, err := NewFileFlow(m, list, dir, tc.start)
		if err != nil {
			t.Fatal(err)
		}
		if ff.Index() != tc.idx || math.Abs(ff.CurrentTime()-tc.cur) > 1e-9 || math.Abs(ff.NextTime()-tc.next) > 1e-9 {
			t.Errorf("time_start %v: pair %d from %v, next %v; want pair %d from %v, next %v",
				tc.start, ff.Index(), ff.CurrentTime(), ff.NextTime(), tc.idx, tc.cur, tc.next)
		}
	}

	ff, err := NewFileFlow(m, list, dir, 40)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVelocity(m, 1)
	nt, npm, ntm, np := m.NThetaHalf, m.NPhiMain, m.NThetaMain, m.NPhiHalf
	// expect checks the velocity holds pair p, with the initial-load rules
	// (vt ghost column only, vp as read) or the later-read ones (both
	// periodic).
	expect := func(p int, initial bool) {
		t.Helper()
		v.Zero()
		if err := ff.Add(v, m, 0); err != nil {
			t.Fatal(err)
		}
		if ff.Index() != p {
			t.Fatalf("pair %d in use, want %d", ff.Index(), p)
		}
		for j := 0; j < nt; j++ {
			for k := 0; k < npm; k++ {
				fk := k // file column
				switch {
				case k == npm-1:
					fk = 1
				case k == 0 && !initial:
					fk = npm - 2 // the 2pi column
				}
				if got, want := v.Vt[v.VtIndex(j, k, 0)], mps*pairValue(p, fk, j); got != want {
					t.Fatalf("pair %d initial=%v: vt(%d,%d) = %v, want %v", p, initial, j, k, got, want)
				}
			}
		}
		for j := 0; j < ntm; j++ {
			for k := 0; k < np; k++ {
				fk := k
				if !initial && k == 0 {
					fk = np - 2
				} else if !initial && k == np-1 {
					fk = 1
				}
				if got, want := v.Vp[v.VpIndex(j, k, 0)], -mps*pairValue(p, fk, j); got != want {
					t.Fatalf("pair %d initial=%v: vp(%d,%d) = %v, want %v", p, initial, j, k, got, want)
				}
			}
		}
	}
	step := func(time float64, p int, initial bool, cur, next float64) {
		t.Helper()
		v.Zero()
		if err := ff.Add(v, m, time); err != nil {
			t.Fatal(err)
		}
		if ff.CurrentTime() != cur || ff.NextTime() != next {
			t.Fatalf("at t=%v: current %v next %v, want %v %v", time, ff.CurrentTime(), ff.NextTime(), cur, next)
		}
		expect(p, initial)
	}
	expect(0, true)
	step(41.9, 0, true, 30, 42)
	step(42, 1, false, 42, 60)
	step(59, 1, false, 42, 60)
	step(60, 2, false, 60, 78)
	step(78, 0, false, 78, 90) // wrap: the gap after the last pair is the last gap (18 h)
	step(200, 1, false, 90, 108)
	if ff.Reads != 5 { // the initial pair and one per switch
		t.Errorf("%d pairs read, want 5", ff.Reads)
	}
}

func TestParseList(t *testing.T) {
	good := "header line\n" + listLine(0.01042, "vt000001.h5", "vp000001.h5") + "\n" +
		listLine(0.03125, "vt000002.h5", "vp000002.h5") + "   trailing text is ignored\n"
	es, err := ParseList(strings.NewReader(good), "good")
	if err != nil {
		t.Fatal(err)
	}
	want := []ListEntry{{0.01042, "vt000001.h5", "vp000001.h5"}, {0.03125, "vt000002.h5", "vp000002.h5"}}
	if len(es) != 2 || es[0] != want[0] || es[1] != want[1] {
		t.Errorf("ParseList = %+v, want %+v", es, want)
	}
	// No final newline, CRLF line ends.
	if es, err := ParseList(strings.NewReader(strings.ReplaceAll(strings.TrimSuffix(good, "\n"), "\n", "\r\n")), "crlf"); err != nil || len(es) != 2 || es[1] != want[1] {
		t.Errorf("CRLF list: %+v, %v", es, err)
	}

	for _, tc := range []struct{ name, text, msg string }{
		{"empty", "", "empty"},
		{"header only", "header\n", "0 entries"},
		{"one entry", "h\n" + listLine(0, "a", "b") + "\n", "1 entries"},
		{"trailing blank line", good + "\n", "line 4"},
		{"blank line inside", "h\n" + listLine(0, "a", "b") + "\n  \n" + listLine(1, "a", "b") + "\n", "blank"},
		{"unpadded commas", "h\n0.00000,vt000001.h5,vp000001.h5\n0.02083,vt000002.h5,vp000002.h5\n", "F11.5"},
		{"bad time", "h\n" + "     x.0000,a          ,b\n" + listLine(1, "a", "b") + "\n", "not a number"},
		{"missing names", "h\n    0.00000\n" + listLine(1, "a", "b") + "\n", "missing file name"},
		{"decreasing", "h\n" + listLine(1, "a", "b") + "\n" + listLine(0.5, "a", "b") + "\n", "must increase"},
	} {
		_, err := ParseList(strings.NewReader(tc.text), "list.txt")
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "list.txt") {
			t.Errorf("%s: err = %v, want one naming list.txt and containing %q", tc.name, err, tc.msg)
		}
	}
}

func TestParseFortranF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"    0.01042", 0.01042},
		{"  1234.5   ", 1234.5},
		{"          1", 1e-5}, // no decimal point: the last 5 digits are the fraction
		{"    1234567", 12.34567},
		{"   1.5E+01 ", 15},
		{"  -2.5d-1  ", -0.25},
		{"   1.5-3   ", 1.5e-3},
		{"           ", 0},
		{" 1 . 5     ", 1.5}, // blanks are ignored
	} {
		got, err := parseFortranF(tc.in, 5)
		if err != nil || got != tc.want {
			t.Errorf("parseFortranF(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"abc", "1.2.3", "--1", "1e", "."} {
		if _, err := parseFortranF(bad, 5); err == nil {
			t.Errorf("parseFortranF(%q): no error", bad)
		}
	}
}

func TestFortranModulo(t *testing.T) {
	for _, tc := range [][3]float64{{40, 30, 10}, {-5, 30, 25}, {30, 30, 0}, {0, 30, 0}, {-30, 30, 0}, {7.5, 2, 1.5}} {
		if got := fortranModulo(tc[0], tc[1]); got != tc[2] {
			t.Errorf("MODULO(%v, %v) = %v, want %v", tc[0], tc[1], got, tc[2])
		}
	}
}

func TestFileErrors(t *testing.T) {
	m := testMesh(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "list.txt")
	if _, err := NewFileFlow(m, list, dir, 0); err == nil || !strings.Contains(err.Error(), "list.txt") {
		t.Errorf("missing list: err = %v", err)
	}
	writeList(t, list, listLine(0, "vt1.h5", "vp1.h5"), listLine(1, "vt1.h5", "vp1.h5"))
	if _, err := NewFileFlow(m, list, dir, 0); err == nil || !strings.Contains(err.Error(), "vt1.h5") {
		t.Errorf("missing flow file: err = %v", err)
	}
	// vt written with the theta main size instead of the half size.
	writeMap(t, filepath.Join(dir, "vt1.h5"), m.NPhiFile, m.NThetaMain, func(int, int) float64 { return 1 })
	writeMap(t, filepath.Join(dir, "vp1.h5"), m.NPhiHalf, m.NThetaMain, func(int, int) float64 { return 1 })
	_, err := NewFileFlow(m, list, dir, 0)
	wantShape := fmt.Sprintf("[%d %d]", m.NPhiFile, m.NThetaHalf)
	gotShape := fmt.Sprintf("[%d %d]", m.NPhiFile, m.NThetaMain)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "vt1.h5")) ||
		!strings.Contains(err.Error(), wantShape) || !strings.Contains(err.Error(), gotShape) {
		t.Errorf("wrong vt shape: err = %v, want the file, %s and %s", err, gotShape, wantShape)
	}
	writeMap(t, filepath.Join(dir, "vt1.h5"), m.NPhiFile, m.NThetaHalf, func(int, int) float64 { return 1 })
	writeMap(t, filepath.Join(dir, "vp1.h5"), m.NPhiFile, m.NThetaMain, func(int, int) float64 { return 1 })
	if _, err := NewFileFlow(m, list, dir, 0); err == nil || !strings.Contains(err.Error(), "vp1.h5") ||
		!strings.Contains(err.Error(), fmt.Sprintf("[%d %d]", m.NPhiHalf, m.NThetaMain)) {
		t.Errorf("wrong vp shape: err = %v", err)
	}
	// A later read that fails is reported by Add (and Flows.Update).
	writeMap(t, filepath.Join(dir, "vp1.h5"), m.NPhiHalf, m.NThetaMain, func(int, int) float64 { return 1 })
	writeList(t, list, listLine(0, "vt1.h5", "vp1.h5"), listLine(1, "vt2.h5", "vp2.h5"))
	fl, err := FromConfig(&Config{UseFiles: true, ListFile: list, RootDir: dir}, DefaultRegistry(), m, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.Update(nil, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := fl.Update(nil, 24); err == nil || !strings.Contains(err.Error(), "vt2.h5") {
		t.Errorf("failed later read: err = %v", err)
	}
}

// TestOutputMaps checks the output layout, units and scales, and that
// HipFT-format output flows read back as input flows give the velocity.
func TestOutputMaps(t *testing.T) {
	m := testMesh(t)
	v := aftVelocity(t, m, 1)
	if err := (&RigidRotation{Omega: 1}).Add(v, m, 0); err != nil {
		t.Fatal(err)
	}
	vt, vp, err := OutputMaps(m, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(vt.Dims) != fmt.Sprint([]int{m.NPhiFile, m.NThetaHalf}) || fmt.Sprint(vp.Dims) != fmt.Sprint([]int{m.NPhiHalf, m.NThetaMain}) {
		t.Fatalf("dims %v %v", vt.Dims, vp.Dims)
	}
	if vt.Scales[0][m.NPhiFile-1] != m.Phi[m.NPhiFile-1] || vt.Scales[1][0] != m.ThetaHalf[0] ||
		vp.Scales[0][m.NPhiHalf-1] != m.Phi[m.NPhiHalf-1] || vp.Scales[1][3] != m.Theta[3] {
		t.Error("wrong scales")
	}
	j, k := 5, 7
	if got, want := vt.Data[k+m.NPhiFile*j], v.Vt[v.VtIndex(j, k, 0)]/mps; got != want {
		t.Errorf("vt out = %v, want %v m/s", got, want)
	}
	if got, want := vp.Data[k+m.NPhiHalf*j], v.Vp[v.VpIndex(j, k, 0)]/mps; got != want {
		t.Errorf("vp out = %v, want %v m/s", got, want)
	}
	dir := t.TempDir()
	for name, mp := range map[string]*psihdf.Map{"vt.h5": vt, "vp.h5": vp} {
		if err := psihdf.Write(filepath.Join(dir, name), mp, false); err != nil {
			t.Fatal(err)
		}
	}
	list := filepath.Join(dir, "l")
	writeList(t, list, listLine(0, "vt.h5", "vp.h5"), listLine(1, "vt.h5", "vp.h5"))
	ff, err := NewFileFlow(m, list, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	back := NewVelocity(m, 1)
	if err := ff.Add(back, m, 0); err != nil {
		t.Fatal(err)
	}
	for i := range back.Vt {
		if !near(back.Vt[i], v.Vt[i], math.Abs(v.Vt[i]), 4e-16) {
			t.Fatalf("vt[%d] round trip %v, want %v", i, back.Vt[i], v.Vt[i])
		}
	}
	for i := range back.Vp {
		if !near(back.Vp[i], v.Vp[i], math.Abs(v.Vp[i]), 4e-16) {
			t.Fatalf("vp[%d] round trip %v, want %v", i, back.Vp[i], v.Vp[i])
		}
	}
	if _, _, err := OutputMaps(m, v, 1); err == nil {
		t.Error("OutputMaps accepted realization 1 of 1")
	}
}
