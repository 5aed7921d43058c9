package assim

import (
	"github.com/goft-sft/goft/post/analysis"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// HipFTCaseDir holds a tiny data-assimilation case run with HipFT
// (testdata/hipft_da, relative to this package): hipft.in, the initial
// map br0.h5, the map truth.h5 the observations were made from, and the
// data set obs/ (4 maps, 41 x 21 points, float32).
//
// How it was made (goft at this commit, HipFT 1.19.3 gfortran build
// /work/hipft-bin/hipft-serial):
//
//	GOFT_WRITE_HIPFT_CASE=1 go test -run TestWriteHipFTCaseMaps ./model/assim/   # br0.h5, truth.h5
//	cd model/assim/testdata/hipft_da
//	go run goft/cmd/goft synth-obs -map truth.h5 -n 4 -cadence 6 \
//	    -start 2024-03-01T00:00:00 -lon0 0 -b0 5 -noise 0.5 -seed 3 -single -o obs
//	cp -r . /tmp/hipft_da && cd /tmp/hipft_da
//	mpirun --allow-run-as-root -np 1 /work/hipft-bin/hipft-serial hipft.in
//	cp hipft_history_sol_r00000[12].out <goft>/model/assim/testdata/hipft_da/reference/
//
// The run has 2 realizations, diffusion (500 and 1000 km^2/s, RKG2 with
// automatic subcycles), assimilation of maps at 0, 6, 12 and 18 h with
// custom weights from mu (powers 2 and 4, limits 0.1 and 0.2), a latitude
// limit of 15 degrees in realization 2 and flux balancing, to
// time_end = 24 h with dt_max = 1 h.
const HipFTCaseDir = "testdata/hipft_da"

// HipFTCaseFinal are HipFT's final history values of the case (last line
// of hipft_history_sol_r00000{1,2}.out, step 25, time 24 h): BR_MIN,
// BR_MAX, BR_ABS_MIN (Gauss), FLUX_POSITIVE, FLUX_NEGATIVE (Mx).
var HipFTCaseFinal = [2][5]float64{
	{-3.954670249711545e+00, 8.557185523715154e+00, 7.367478026650423e-04, 8.872870656557432e+22, -2.779285808662944e+22},
	{-3.774032310452920e+00, 6.754908868018113e+00, 9.157704814468828e-04, 9.031352182749931e+22, -2.937767334855451e+22},
}

// hipftCaseMaps returns the initial map and the truth map of the case.
func hipftCaseMaps() (br0, truth *psihdf.Map) {
	const nPhi, nTheta = 41, 21
	phi := make([]float64, nPhi)
	theta := make([]float64, nTheta)
	for i := range phi {
		phi[i] = float64(2*i) * math.Pi / 40
	}
	for j := range theta {
		theta[j] = float64(j) * math.Pi / 20
	}
	l := field.MapLayout{NPhi: nPhi, NTheta: nTheta, NReal: 1}
	a := make([]float64, l.Len())
	b := make([]float64, l.Len())
	for j, t := range theta {
		st, ct := math.Sin(t), math.Cos(t)
		for k, p := range phi {
			a[l.Index(j, k, 0)] = 3*ct + 6*st*st*math.Sin(2*p)*(1+math.Cos(p))/2 + 1
			b[l.Index(j, k, 0)] = 3*ct*ct*ct + 6*st*st*ct*math.Cos(2*(p-1)) + 5*st*st*st*math.Cos(3*p+0.5) - 0.5
		}
	}
	sc := [][]float64{phi, theta}
	return &psihdf.Map{Dims: []int{nPhi, nTheta}, Scales: sc, Data: a},
		&psihdf.Map{Dims: []int{nPhi, nTheta}, Scales: sc, Data: b}
}

// TestWriteHipFTCaseMaps (re)writes br0.h5 and truth.h5 of the HipFT case
// when GOFT_WRITE_HIPFT_CASE=1.
func TestWriteHipFTCaseMaps(t *testing.T) {
	if os.Getenv("GOFT_WRITE_HIPFT_CASE") != "1" {
		t.Skip("set GOFT_WRITE_HIPFT_CASE=1 to rewrite the HipFT case's input maps")
	}
	br0, truth := hipftCaseMaps()
	if err := psihdf.Write(filepath.Join(HipFTCaseDir, "br0.h5"), br0, false); err != nil {
		t.Fatal(err)
	}
	if err := psihdf.Write(filepath.Join(HipFTCaseDir, "truth.h5"), truth, false); err != nil {
		t.Fatal(err)
	}
}

// readHistory returns the data lines of a HipFT history file as numbers.
func readHistory(t *testing.T, path string) [][]float64 {
	t.Helper()
	h, err := analysis.ReadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	return h.Rows()
}

// TestHipFTCase runs the HipFT case with a minimal driver that follows
// goft's run driver (HipFT's step order and time-step clips, without flows
// or sources) and compares every history line's BR_MIN, BR_MAX,
// BR_ABS_MIN, FLUX_POSITIVE and FLUX_NEGATIVE, both realizations, with
// HipFT's.
func TestHipFTCase(t *testing.T) {
	in, err := os.Open(filepath.Join(HipFTCaseDir, "hipft.in"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	p, err := input.ParseWith(in, "hipft.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(s string) string { return filepath.Join(HipFTCaseDir, s) }
	nr := p.NRealizations
	mp, err := psihdf.Read(resolve(p.InitialMapFilename))
	if err != nil {
		t.Fatal(err)
	}
	// HipFT's initial-map processing (hipft-model.md 4.3).
	phi, theta := mp.Scales[0], mp.Scales[1]
	nPhi, ntm := len(phi), len(theta)
	m, err := mesh.New(phi, theta)
	if err != nil {
		t.Fatal(err)
	}
	npm := m.NPhiMain
	lf, file := m.Layout(field.Center, nr), m.MapLayout(field.Center, 1)
	f := make([]float64, lf.Len())
	for r := 0; r < nr; r++ {
		for j := 0; j < ntm; j++ {
			for k := 0; k < nPhi; k++ {
				f[m.Index(j, k, r)] = mp.Data[file.Index(j, k, 0)]
			}
			a, b := m.Index(j, 0, r), m.Index(j, nPhi-1, r)
			f[a] = 0.5 * (f[a] + f[b])
			f[b] = f[a]
			f[m.Index(j, npm-1, r)] = f[m.Index(j, 1, r)]
		}
	}
	m.PoleAverage(f, nr)

	coef, err := diffusion.CornerCoef(m, diffusion.CoefSpec{Constants: p.DiffusionCoefConstants, Factor: p.DiffusionCoefFactor})
	if err != nil {
		t.Fatal(err)
	}
	st, err := diffusion.NewStepper(diffusion.NewOperator(m, nr, coef, nil), diffusion.Method(p.DiffusionNumMethod), p.DiffusionSubcycles, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(m, nr, configFromParams(p, resolve))
	if err != nil {
		t.Fatal(err)
	}
	an := diag.NewAnalyzer(m, p.PoleFluxLatLimit)
	var got [][]diag.Stats
	record := func(time float64) {
		row := make([]diag.Stats, nr)
		for r := range row {
			row[r] = an.Analyze(lf.Realization(f, r), nil, time)
		}
		got = append(got, row)
	}
	record(p.TimeStart)
	time, dt, tsu := p.TimeStart, 0.0, true
	for step := 1; ; step++ {
		if tsu { // update_timestep
			dt, tsu = p.TimeEnd-time, false
			if p.DtMax < dt {
				dt = p.DtMax
			}
		}
		if d, ok := a.ClipDt(time, dt); ok { // "dataassim"
			dt, tsu = d, true
		}
		if time+dt >= p.TimeEnd { // "end"
			dt, tsu = p.TimeEnd-time, false
		}
		st.Advance(f, dt, nil) // flux transport: diffusion only
		time += dt
		if _, err := a.Apply(f, time); err != nil {
			t.Fatal(err)
		}
		record(time)
		if time >= p.TimeEnd || step > 1000 {
			break
		}
	}
	cols := []string{"BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE", "FLUX_NEGATIVE"}
	worst := 0.0
	for r := 0; r < nr; r++ {
		ref := readHistory(t, filepath.Join(HipFTCaseDir, "reference", "hipft_history_sol_r00000"+strconv.Itoa(r+1)+".out"))
		if len(ref) != len(got) {
			t.Fatalf("realization %d: %d history lines, HipFT %d", r+1, len(got), len(ref))
		}
		for i, row := range ref {
			s := got[i][r]
			vals := []float64{s.BrMin, s.BrMax, s.BrAbsMin, s.FluxPos, s.FluxNeg}
			if math.Abs(s.Time-row[1]) > 1e-12 {
				t.Fatalf("line %d: time %v, HipFT %v", i, s.Time, row[1])
			}
			for c, v := range vals {
				want := row[2+c]
				rel := math.Abs(v-want) / math.Abs(want)
				worst = math.Max(worst, rel)
				if rel > 1e-9 {
					t.Errorf("realization %d step %d %s = %.15e, HipFT %.15e (rel %.2g)", r+1, int(row[0]), cols[c], v, want, rel)
				}
			}
		}
		for c, want := range HipFTCaseFinal[r] {
			if row := ref[len(ref)-1]; row[2+c] != want {
				t.Errorf("HipFTCaseFinal[%d][%d] = %v, but the reference history says %v", r, c, want, row[2+c])
			}
		}
	}
	t.Logf("worst relative difference from HipFT: %.2g", worst)
}
