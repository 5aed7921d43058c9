package assim

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// tbGrid returns the scales of hipft-model.md's map TB: 41 phi points
// (2i*pi)/40 and 21 theta points (j*pi)/20.
func tbGrid() (phi, theta []float64) {
	phi = make([]float64, 41)
	theta = make([]float64, 21)
	for i := range phi {
		phi[i] = float64(2*i) * math.Pi / 40
	}
	for j := range theta {
		theta[j] = float64(j) * math.Pi / 20
	}
	return phi, theta
}

// tbField loads map TB into nr realizations the way HipFT loads an initial
// map: transpose, periodic average of the 0/2pi columns, pole average.
func tbField(t *testing.T, nr int) (*mesh.Mesh, []float64) {
	t.Helper()
	phi, theta := tbGrid()
	nPhi, ntm := len(phi), len(theta)
	m, err := mesh.New(phi, theta)
	if err != nil {
		t.Fatal(err)
	}
	npm := m.NPhiMain
	f := make([]float64, m.Size()*nr)
	for r := 0; r < nr; r++ {
		for j := 0; j < ntm; j++ {
			for k := 0; k < nPhi; k++ {
				tt, p := theta[j], phi[k]
				f[m.Index(j, k, r)] = ((10 * math.Cos(tt)) + ((5*math.Sin(tt))*math.Sin(tt))*math.Cos(2*p)) + 2
			}
			a, b := m.Index(j, 0, r), m.Index(j, nPhi-1, r)
			f[a] = 0.5 * (f[a] + f[b])
			f[b] = f[a]
			f[m.Index(j, npm-1, r)] = f[m.Index(j, 1, r)]
		}
	}
	m.PoleAverage(f, nr)
	return m, f
}

// writeCheckMaps writes the three assimilation maps and the list of the
// data-assimilation check cases (hipft-model.md section 15) into dir and
// returns the list's path.
func writeCheckMaps(t *testing.T, dir string) string {
	t.Helper()
	phi, theta := tbGrid()
	nPhi, ntm := len(phi), len(theta)
	amp := []float64{1, 2, -1}
	jds := []float64{2460000.00000, 2460000.12500, 2460000.25000}
	lines := []string{ListHeader}
	for n, a := range amp {
		data := make([]float64, 3*nPhi*ntm)
		for j, tt := range theta {
			st, ct := math.Sin(tt), math.Cos(tt)
			for k, p := range phi {
				q := k + nPhi*j
				data[q] = a * (20*ct*ct*ct + 3*st*math.Cos(p))
				data[nPhi*ntm+q] = 0.25 + 0.5*st*st
				data[2*nPhi*ntm+q] = st * math.Cos(p-math.Pi)
			}
		}
		mp := &psihdf.Map{Dims: []int{nPhi, ntm, 3}, Scales: [][]float64{phi, theta, {1, 2, 3}}, Data: data}
		name := filepath.Join("maps", "check_"+string(rune('1'+n))+".h5")
		if err := os.MkdirAll(filepath.Join(dir, "maps"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := psihdf.Write(filepath.Join(dir, name), mp, false); err != nil {
			t.Fatal(err)
		}
		line, err := FormatEntry(Entry{RequestedUT: "2023-02-24T12:00:00", ActualUT: "2023-02-24T12:00:00", JD: jds[n], Path: name})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	list := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(list, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return list
}

// driveLoop drives HipFT's time loop (update_timestep's dtmax, dataassim
// and end clips, no flow or diffusion) and calls after(step, time) after
// each step's assimilation.
func driveLoop(t *testing.T, a *Assimilator, f []float64, timeStart, timeEnd, dtMax float64, after func(step int, time, dt float64)) {
	t.Helper()
	time, dt := timeStart, 0.0
	tsu := true
	for step := 1; step < 1000; step++ {
		if tsu {
			dt = timeEnd - time
			if dtMax < dt {
				dt = dtMax
			}
			tsu = false
		}
		if d, ok := a.ClipDt(time, dt); ok {
			dt = d
			tsu = true
		}
		if time+dt >= timeEnd {
			dt = timeEnd - time
			tsu = false
		}
		time += dt
		if _, err := a.Apply(f, time); err != nil {
			t.Fatal(err)
		}
		after(step, time, dt)
		if time >= timeEnd {
			return
		}
	}
	t.Fatal("time loop did not end")
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// TestHipFTCheckCases reproduces the data-assimilation check cases B2 and
// B3 of hipft-model.md section 15 (HipFT 1.19.3 values) to 1e-12.
func TestHipFTCheckCases(t *testing.T) {
	type want struct {
		step  int // 1, or 6 for the final step
		r     int // 0-based realization
		col   string
		value float64 // HipFT 1.19.3
	}
	cases := []struct {
		name  string
		nr    int
		cfg   Config
		check []want
	}{
		{"B2", 2, Config{CustomFromMu: true, MuPowers: []float64{2, 4}, MuLimits: []float64{0.2, 0.2},
			BalanceFlux: true, MultFac: 1.5, LatLimits: []float64{20, 20}}, []want{
			{step: 1, r: 0, col: "BR_MAX", value: 1.724448378688144e+01},
			{step: 1, r: 1, col: "BR_MAX", value: 1.480463171059366e+01},
			{step: 1, r: 0, col: "FLUX_POS", value: 2.354761408009018e+23},
			{step: 6, r: 0, col: "BR_MAX", value: 1.823954884744190e+01},
			{step: 6, r: 1, col: "BR_MAX", value: 1.987836099396638e+01},
		}},
		{"B3", 1, Config{Add: true, MultFac: 1}, []want{
			{step: 1, r: 0, col: "BR_MIN", value: -1.313048250722348e+01},
			{step: 1, r: 0, col: "BR_MAX", value: 1.741619707027455e+01},
			{step: 6, r: 0, col: "BR_MIN", value: -1.831272626978432e+01},
			{step: 6, r: 0, col: "BR_MAX", value: 2.289179202939660e+01},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			c.cfg.ListFile = writeCheckMaps(t, dir)
			c.cfg.RootDir = dir
			m, f := tbField(t, c.nr)
			a, err := New(m, c.nr, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			an := diag.NewAnalyzer(m, 30)
			l := m.Layout(field.Center, c.nr)
			var times []float64
			stats := map[int][]diag.Stats{}
			driveLoop(t, a, f, 0, 8, 2, func(step int, time, dt float64) {
				times = append(times, time)
				for r := 0; r < c.nr; r++ {
					stats[step] = append(stats[step], an.Analyze(l.Realization(f, r), nil, time))
				}
			})
			wantTimes := []float64{0, 2, 3, 5, 6, 8}
			if len(times) != len(wantTimes) {
				t.Fatalf("step end times %v, want %v", times, wantTimes)
			}
			for i := range times {
				if math.Abs(times[i]-wantTimes[i]) > 1e-9 {
					t.Fatalf("step end times %v, want %v", times, wantTimes)
				}
			}
			if a.Active() || a.Applied != 3 {
				t.Errorf("after the run: active %v, applied %d maps; want inactive after 3", a.Active(), a.Applied)
			}
			for _, w := range c.check {
				s := stats[w.step][w.r]
				var got float64
				switch w.col {
				case "BR_MAX":
					got = s.BrMax
				case "BR_MIN":
					got = s.BrMin
				case "FLUX_POS":
					got = s.FluxPos
				}
				if !relClose(got, w.value, 1e-12) {
					t.Errorf("step %d realization %d %s = %.15e, HipFT %.15e (rel %.2g)", w.step, w.r+1, w.col, got, w.value, math.Abs(got-w.value)/math.Abs(w.value))
				}
			}
		})
	}
}
