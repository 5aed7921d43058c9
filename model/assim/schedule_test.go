package assim

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

func TestSchedule(t *testing.T) {
	dir := t.TempDir()
	// Map times 0, 3, 6, 6, 12 hours.
	list := writeList(t, dir, 2460000.0, 2460000.125, 2460000.25, 2460000.25, 2460000.5)
	m, err := mesh.Uniform(5, 9)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		start  float64
		active bool
		idx    int
		next   float64
	}{
		{-5, true, 0, 0},
		{0, true, 0, 0},
		{2, true, 1, 3},
		{3, true, 1, 3},
		{4, true, 2, 6},
		{6, true, 2, 6},
		{7, true, 4, 12}, // HipFT would pick the repeated map at 6 h (in the past)
		{12, true, 4, 12},
		{12.5, false, 0, 0},
	}
	for _, c := range cases {
		a, err := New(m, 1, Config{ListFile: list, RootDir: dir, TimeStart: c.start, MultFac: 1})
		if err != nil {
			t.Fatal(err)
		}
		next, ok := a.NextTime()
		if ok != c.active || (ok && (a.idx != c.idx || math.Abs(next-c.next) > 1e-9)) {
			t.Errorf("time_start %g: active %v, index %d, next %g; want %v, %d, %g", c.start, ok, a.idx, next, c.active, c.idx, c.next)
		}
	}
}

// TestDuplicateTimesGiveZeroSteps checks the step sequence with a repeated
// map time: one zero-length step per extra map, then assimilation stops.
func TestDuplicateTimesGiveZeroSteps(t *testing.T) {
	dir := t.TempDir()
	m, f := tbField(t, 1)
	mp := checkMap(m, 1)
	if err := psihdf.Write(filepath.Join(dir, "m.h5"), mp, false); err != nil {
		t.Fatal(err)
	}
	text := ListHeader + "\n"
	for _, jd := range []float64{2460000.0, 2460000.125, 2460000.125, 2460000.125} {
		l, _ := FormatEntry(Entry{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: jd, Path: "m.h5"})
		text += l + "\n"
	}
	list := filepath.Join(dir, "l.csv")
	if err := os.WriteFile(list, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := New(m, 1, Config{ListFile: list, RootDir: dir, MultFac: 1})
	if err != nil {
		t.Fatal(err)
	}
	var dts []float64
	driveLoop(t, a, f, 0, 5, 2, func(step int, time, dt float64) { dts = append(dts, dt) })
	want := []float64{0, 2, 1, 0, 0, 2}
	if len(dts) != len(want) {
		t.Fatalf("steps %v, want %v", dts, want)
	}
	for i := range want {
		if math.Abs(dts[i]-want[i]) > 1e-9 {
			t.Fatalf("steps %v, want %v", dts, want)
		}
	}
	if a.Applied != 4 || a.Active() {
		t.Errorf("applied %d, active %v; want 4 and inactive", a.Applied, a.Active())
	}
}

// checkMap returns a 3-layer map on m's grid: data = a*(20cos^3 t +
// 3 sin t cos p), weight = 0.25 + 0.5 sin^2 t, mu = sin t cos(p - pi).
func checkMap(m *mesh.Mesh, amp float64) *psihdf.Map {
	nPhi, ntm := m.NPhiFile, m.NThetaMain
	phi, theta := m.Phi[:nPhi], m.Theta
	layers := m.MapLayout(field.Center, NumLayers)
	data := make([]float64, layers.Len())
	for j, tt := range theta {
		st, ct := math.Sin(tt), math.Cos(tt)
		for k, p := range phi {
			data[layers.Index(j, k, LayerData)] = amp * (20*ct*ct*ct + 3*st*math.Cos(p))
			data[layers.Index(j, k, LayerWeight)] = 0.25 + 0.5*st*st
			data[layers.Index(j, k, LayerMu)] = st * math.Cos(p-math.Pi)
		}
	}
	return &psihdf.Map{Dims: []int{nPhi, ntm, 3}, Scales: [][]float64{append([]float64(nil), phi...), append([]float64(nil), theta...), {1, 2, 3}}, Data: data}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	m, _ := mesh.Uniform(5, 9)
	list := writeList(t, dir, 2460000.0)
	if err := os.WriteFile(filepath.Join(dir, "l2.csv"), []byte(ListHeader+"\n2024-01-01T00:00:00,2024-01-01T00:00:00,2460000.00000,gone.h5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		nReal int
		cfg   Config
		has   []string
	}{
		{"missing list", 1, Config{ListFile: filepath.Join(dir, "none.csv"), MultFac: 1}, []string{"none.csv", "does not exist"}},
		{"missing map", 1, Config{ListFile: filepath.Join(dir, "l2.csv"), RootDir: dir, MultFac: 1}, []string{"l2.csv:2", "gone.h5", "does not exist"}},
		{"short mu powers", 2, Config{ListFile: list, RootDir: dir, CustomFromMu: true, MuPowers: []float64{4}, MuLimits: []float64{0, 0}}, []string{"assimilate_data_mu_powers", "one per realization"}},
		{"short lat limits", 2, Config{ListFile: list, RootDir: dir, LatLimits: []float64{4}}, []string{"assimilate_data_lat_limits"}},
		{"NaN mult", 1, Config{ListFile: list, RootDir: dir, MultFac: math.NaN()}, []string{"mult_fac"}},
		{"no realizations", 0, Config{ListFile: list, RootDir: dir}, []string{"realization"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(m, c.nReal, c.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range c.has {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestCheckMapGrid(t *testing.T) {
	m, _ := mesh.Uniform(21, 41)
	good := checkMap(m, 1)
	if err := CheckMap(m, good, "good.h5"); err != nil {
		t.Fatal(err)
	}
	other, _ := mesh.Uniform(11, 41)
	shifted := checkMap(m, 1)
	shifted.Scales[1] = append([]float64(nil), shifted.Scales[1]...)
	shifted.Scales[1][3] += 1e-3
	twoD := &psihdf.Map{Dims: []int{41, 21}, Scales: good.Scales[:2], Data: good.Data[:41*21]}
	twoLayers := &psihdf.Map{Dims: []int{41, 21, 2}, Scales: [][]float64{good.Scales[0], good.Scales[1], {1, 2}}, Data: good.Data[:2*41*21]}
	cases := []struct {
		name string
		mp   *psihdf.Map
		has  []string
	}{
		{"coarser grid", checkMap(other, 1), []string{"bad.h5", "(41, 11, 3)", "(41, 21, >=3)"}},
		{"2D", twoD, []string{"bad.h5", "2D", "must be 3D"}},
		{"two layers", twoLayers, []string{"bad.h5", "(41, 21, 2)"}},
		{"shifted theta", shifted, []string{"bad.h5", "theta scale point 4"}},
		{"short data", &psihdf.Map{Dims: []int{41, 21, 3}, Scales: good.Scales, Data: good.Data[:10]}, []string{"bad.h5", "inconsistent"}},
		{"no scales", &psihdf.Map{Dims: []int{41, 21, 3}, Data: good.Data}, []string{"bad.h5", "inconsistent"}},
	}
	for _, c := range cases {
		err := CheckMap(m, c.mp, "bad.h5")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, s := range c.has {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, s)
			}
		}
	}
}

// TestApplyMapRules checks the weight preparation and update rules point by
// point on a small grid.
func TestApplyMapRules(t *testing.T) {
	m, _ := mesh.Uniform(11, 21)
	ntm, nPhi, npm := m.NThetaMain, m.NPhiFile, m.NPhiMain
	mp := checkMap(m, 2)
	// A pole weight and a pole datum that vary with phi.
	layers := m.MapLayout(field.Center, NumLayers)
	for k := 0; k < nPhi; k++ {
		mp.Data[layers.Index(0, k, LayerData)] = float64(k) // data, north pole row
		mp.Data[layers.Index(0, k, LayerWeight)] = 0.5      // weight, north pole row
		mp.Data[layers.Index(ntm-1, k, LayerWeight)] = 0.5  // weight, south pole row
	}
	newField := func(nr int) []float64 {
		l := m.Layout(field.Center, nr)
		f := make([]float64, l.Len())
		for i := range f {
			f[i] = 1 + float64(i%7)
		}
		for r := 0; r < nr; r++ {
			mesh.SetPeriodic(l.Realization(f, r), ntm, npm, 1)
		}
		m.PoleAverage(f, nr)
		return f
	}
	type rule func(r, j, k int, f0 float64) float64 // expected increment at a file point
	obs := func(j, k int) float64 { return mp.Data[layers.Index(j, k, LayerData)] }
	wf := func(j, k int) float64 { return mp.Data[layers.Index(j, k, LayerWeight)] }
	mu := func(j, k int) float64 { return mp.Data[layers.Index(j, k, LayerMu)] }
	lat := 30.0
	cases := []struct {
		name string
		nr   int
		cfg  Config
		want rule
	}{
		{"blend", 1, Config{MultFac: 1}, func(r, j, k int, f0 float64) float64 { return wf(j, k) * (obs(j, k) - f0) }},
		{"blend mult", 1, Config{MultFac: 1.5}, func(r, j, k int, f0 float64) float64 { return wf(j, k) * (1.5*obs(j, k) - f0) }},
		{"add", 1, Config{MultFac: 2, Add: true}, func(r, j, k int, f0 float64) float64 { return wf(j, k) * (2 * obs(j, k)) }},
		{"custom mu", 2, Config{MultFac: 1, CustomFromMu: true, MuPowers: []float64{2, 3}, MuLimits: []float64{0.3, 0}},
			func(r, j, k int, f0 float64) float64 {
				p, lim := []float64{2, 3}[r], []float64{0.3, 0}[r]
				if mu(j, k) > lim {
					return math.Pow(mu(j, k), p) * (obs(j, k) - f0)
				}
				return 0
			}},
		{"lat limit", 2, Config{MultFac: 1, LatLimits: []float64{lat, 0}},
			func(r, j, k int, f0 float64) float64 {
				// theta rows are 18 degrees apart: the first row at or beyond
				// 30 degrees is row 2 (36 deg), zeroed too; likewise row
				// ntm-3 from the south.
				if r == 0 && (j <= 2 || j >= ntm-3) {
					return 0
				}
				return wf(j, k) * (obs(j, k) - f0)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.cfg.ListFile = writeList(t, dir, 2460000)
			c.cfg.RootDir = dir
			a, err := New(m, c.nr, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			f := newField(c.nr)
			f0 := append([]float64(nil), f...)
			if err := a.ApplyMap(f, mp, "m.h5"); err != nil {
				t.Fatal(err)
			}
			for r := 0; r < c.nr; r++ {
				for k := 1; k < nPhi; k++ { // column 0 is overwritten by column nPhi-1
					for j := 0; j < ntm; j++ {
						i := m.Index(j, k, r)
						want := f0[i] + c.want(r, j, k, f0[i])
						if math.Abs(f[i]-want) > 1e-13*math.Max(1, math.Abs(want)) {
							t.Fatalf("realization %d point (%d,%d): %v, want %v", r, j, k, f[i], want)
						}
					}
				}
				for j := 0; j < ntm; j++ {
					if f[m.Index(j, 0, r)] != f[m.Index(j, nPhi-1, r)] || f[m.Index(j, npm-1, r)] != f[m.Index(j, 1, r)] {
						t.Fatalf("realization %d row %d is not periodic", r, j)
					}
				}
			}
			if c.name == "blend" && f[m.Index(0, 1, 0)] == f[m.Index(0, 2, 0)] {
				t.Error("the north pole row was re-averaged; HipFT leaves it varying with phi")
			}
		})
	}
}

func TestBalancedIncrement(t *testing.T) {
	m, f := tbField(t, 1)
	dir := t.TempDir()
	a, err := New(m, 1, Config{ListFile: writeList(t, dir, 2460000), RootDir: dir, MultFac: 3, Add: true, BalanceFlux: true})
	if err != nil {
		t.Fatal(err)
	}
	f0 := append([]float64(nil), f...)
	mp := checkMap(m, 1)
	data := m.MapLayout(field.Center, NumLayers).Realization(mp.Data, LayerData)
	for i := range data {
		data[i] += 4 // strongly unbalanced data
	}
	if err := a.ApplyMap(f, mp, "m.h5"); err != nil {
		t.Fatal(err)
	}
	d := make([]float64, len(f))
	for i := range f {
		d[i] = f[i] - f0[i]
	}
	pos, neg := fluxOf(m, d)
	if math.Abs(pos+neg) > 1e-12*pos || pos == 0 {
		t.Errorf("increment fluxes %g and %g, want balanced", pos, neg)
	}
}

func fluxOf(m *mesh.Mesh, f []float64) (pos, neg float64) {
	for k := 0; k < m.NPhiMain-1; k++ {
		for j := 0; j < m.NThetaMain; j++ {
			v := f[m.Index(j, k, 0)] * m.AreaTheta[j] * m.AreaPhi[k]
			if v > 0 {
				pos += v
			} else {
				neg += v
			}
		}
	}
	return
}

func TestApplyErrors(t *testing.T) {
	m, f := tbField(t, 1)
	dir := t.TempDir()
	// A map on the wrong grid, and a corrupt file.
	other, _ := mesh.Uniform(11, 41)
	if err := psihdf.Write(filepath.Join(dir, "m.h5"), checkMap(other, 1), false); err != nil {
		t.Fatal(err)
	}
	a, err := New(m, 1, Config{ListFile: writeListTo(t, dir, "m.h5"), RootDir: dir, MultFac: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Apply(f, 0)
	if err == nil || !strings.Contains(err.Error(), "m.h5") || !strings.Contains(err.Error(), "(41, 11, 3)") || !strings.Contains(err.Error(), "list.csv line 2") {
		t.Errorf("wrong-grid error %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "m.h5"), []byte("not hdf5"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _ = New(m, 1, Config{ListFile: writeListTo(t, dir, "m.h5"), RootDir: dir, MultFac: 1})
	if _, err = a.Apply(f, 0); err == nil || !strings.Contains(err.Error(), "m.h5") {
		t.Errorf("corrupt-file error %v", err)
	}
	if err := a.ApplyMap(f[:10], checkMap(m, 1), "m.h5"); err == nil {
		t.Error("short field: no error")
	}
}

func writeListTo(t *testing.T, dir, name string) string {
	l, _ := FormatEntry(Entry{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 2460000, Path: name})
	p := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(p, []byte(ListHeader+"\n"+l+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m, _ := mesh.Uniform(5, 9)
	list := writeList(t, dir, 2460000.0, 2460000.125, 2460000.25)
	a, err := New(m, 1, Config{ListFile: list, RootDir: dir, MultFac: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := State{Next: 2, NextT: 6, Active: true, Applied: 2}
	if err := a.Restore(s); err != nil {
		t.Fatal(err)
	}
	if got := a.State(); got != s {
		t.Errorf("State() = %+v, want %+v", got, s)
	}
	if next, ok := a.NextTime(); !ok || next != 6 {
		t.Errorf("NextTime = %v, %v", next, ok)
	}
	if err := a.Restore(State{Next: 3, Active: true}); err == nil {
		t.Error("out-of-range state accepted")
	}
}
