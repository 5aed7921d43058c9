package source

import (
	"github.com/goft-sft/goft/post/analysis"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// HipFTCaseDir holds a tiny static-source case run with HipFT
// (testdata/hipft_src): hipft.in, the initial map br0.h5 (41 x 21 points)
// and the source src.h5 (G/hr) on another grid, 25 x 25 points, so that
// the source is interpolated and the ghost column gets no source (HipFT's
// quirk), under Strang splitting with diffusion. The source grid is square
// because HipFT 1.19.3's load_source transposes the file's array in place
// (sf = TRANSPOSE(sf)), which corrupts memory and aborts for any source
// file with N_phi != N_theta; goft has no such limit. reference/ holds
// HipFT 1.19.3's history file, made with
//
//	GOFT_WRITE_HIPFT_CASE=1 go test -run TestWriteHipFTSourceCase ./model/source/
//	cp -r model/source/testdata/hipft_src /tmp/hipft_src && cd /tmp/hipft_src
//	mpirun --allow-run-as-root -np 1 /work/hipft-bin/hipft-serial hipft.in
//	cp hipft_history_sol_r000001.out <goft>/model/source/testdata/hipft_src/reference/
const HipFTCaseDir = "testdata/hipft_src"

func hipftCaseMaps() (br0, src *psihdf.Map) {
	grid := func(np, nt int) (phi, theta []float64) {
		phi = make([]float64, np)
		theta = make([]float64, nt)
		for i := range phi {
			phi[i] = float64(2*i) * math.Pi / float64(np-1)
		}
		for j := range theta {
			theta[j] = float64(j) * math.Pi / float64(nt-1)
		}
		return phi, theta
	}
	p0, t0 := grid(41, 21)
	a := make([]float64, 41*21)
	for j, t := range t0 {
		for k, p := range p0 {
			a[k+41*j] = 3*math.Cos(t) + 6*math.Sin(t)*math.Sin(t)*math.Sin(2*p)*(1+math.Cos(p))/2 + 1
		}
	}
	p1, t1 := grid(25, 25)
	s := make([]float64, 25*25)
	for j, t := range t1 {
		st, ct := math.Sin(t), math.Cos(t)
		for k, p := range p1 {
			s[k+25*j] = 0.5*st*st*ct*math.Sin(2*p+0.3) + 0.1*ct + 0.02
		}
	}
	return &psihdf.Map{Dims: []int{41, 21}, Scales: [][]float64{p0, t0}, Data: a},
		&psihdf.Map{Dims: []int{25, 25}, Scales: [][]float64{p1, t1}, Data: s}
}

// TestWriteHipFTSourceCase (re)writes the case's maps when
// GOFT_WRITE_HIPFT_CASE=1.
func TestWriteHipFTSourceCase(t *testing.T) {
	if os.Getenv("GOFT_WRITE_HIPFT_CASE") != "1" {
		t.Skip("set GOFT_WRITE_HIPFT_CASE=1 to rewrite the HipFT case's maps")
	}
	br0, src := hipftCaseMaps()
	if err := psihdf.Write(filepath.Join(HipFTCaseDir, "br0.h5"), br0, false); err != nil {
		t.Fatal(err)
	}
	if err := psihdf.Write(filepath.Join(HipFTCaseDir, "src.h5"), src, false); err != nil {
		t.Fatal(err)
	}
}

func readHistory(t *testing.T, path string) [][]float64 {
	t.Helper()
	h, err := analysis.ReadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	return h.Rows()
}

// TestHipFTSourceCase runs the case with a minimal driver following goft's
// run driver (update: Update(time); Strang: source(dt/2), diffusion(dt),
// source(dt/2)) and compares every history line with HipFT's.
func TestHipFTSourceCase(t *testing.T) {
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
	mp, err := psihdf.Read(resolve(p.InitialMapFilename))
	if err != nil {
		t.Fatal(err)
	}
	phi, theta := mp.Scales[0], mp.Scales[1]
	nPhi, ntm := len(phi), len(theta)
	m, err := mesh.New(phi, theta)
	if err != nil {
		t.Fatal(err)
	}
	npm := m.NPhiMain
	file := m.MapLayout(field.Center, 1)
	f := make([]float64, m.Size())
	for j := 0; j < ntm; j++ {
		for k := 0; k < nPhi; k++ {
			f[m.Index(j, k, 0)] = mp.Data[file.Index(j, k, 0)]
		}
		a, b := m.Index(j, 0, 0), m.Index(j, nPhi-1, 0)
		f[a] = 0.5 * (f[a] + f[b])
		f[b] = f[a]
		f[m.Index(j, npm-1, 0)] = f[m.Index(j, 1, 0)]
	}
	m.PoleAverage(f, 1)
	coef, err := diffusion.CornerCoef(m, diffusion.CoefSpec{Constants: p.DiffusionCoefConstants, Factor: p.DiffusionCoefFactor})
	if err != nil {
		t.Fatal(err)
	}
	st, err := diffusion.NewStepper(diffusion.NewOperator(m, 1, coef, nil), diffusion.Method(p.DiffusionNumMethod), p.DiffusionSubcycles, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := configFromParams(p, resolve)
	src, err := FromConfig(&cfg, nil, m, 1, p.TimeStart)
	if err != nil {
		t.Fatal(err)
	}
	if !p.StrangSplitting {
		t.Fatal("the case is meant to use Strang splitting")
	}
	an := diag.NewAnalyzer(m, p.PoleFluxLatLimit)
	got := []diag.Stats{an.Analyze(f, nil, p.TimeStart)}
	time, dt, tsu := p.TimeStart, 0.0, true
	for step := 1; step < 1000; step++ {
		if err := src.Update(time); err != nil {
			t.Fatal(err)
		}
		if tsu {
			dt, tsu = math.Min(p.TimeEnd-time, p.DtMax), false
		}
		if time+dt >= p.TimeEnd {
			dt, tsu = p.TimeEnd-time, false
		}
		src.Apply(f, dt*0.5)
		st.Advance(f, dt, nil)
		src.Apply(f, dt*0.5)
		time += dt
		got = append(got, an.Analyze(f, nil, time))
		if time >= p.TimeEnd {
			break
		}
	}
	ref := readHistory(t, filepath.Join(HipFTCaseDir, "reference", "hipft_history_sol_r000001.out"))
	if len(ref) != len(got) {
		t.Fatalf("%d history lines, HipFT %d", len(got), len(ref))
	}
	cols := []string{"BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE", "FLUX_NEGATIVE"}
	worst := 0.0
	for i, row := range ref {
		s := got[i]
		for c, v := range []float64{s.BrMin, s.BrMax, s.BrAbsMin, s.FluxPos, s.FluxNeg} {
			rel := math.Abs(v-row[2+c]) / math.Abs(row[2+c])
			worst = math.Max(worst, rel)
			if rel > 1e-9 {
				t.Errorf("step %d %s = %.15e, HipFT %.15e (rel %.2g)", int(row[0]), cols[c], v, row[2+c], rel)
			}
		}
	}
	t.Logf("worst relative difference from HipFT: %.2g", worst)
}

// HipFTRFECaseDir holds a random-flux-emergence case (model 1, 10e21
// Mx/hr, lifetime 0.3 h, dt_max 0.25 h, 3 h from a zero field on a 21 x 41
// grid) and HipFT 1.19.3's history files of it (reference/, made by
// running hipft.in with /work/hipft-bin/hipft-serial as above). HipFT's
// random numbers cannot be reproduced, so the time steps are compared
// exactly and the fluxes statistically.
const HipFTRFECaseDir = "testdata/hipft_rfe"

// TestHipFTRFECase follows goft's driver (Update at the start of the
// step, then the dtmax, rfeswap and end clips, then source(dt)) and checks
// every step's time and length against HipFT (including the final
// 4.4e-16 h step that t_next's repeated addition leaves), zero net flux,
// and the final unsigned flux within 10% of HipFT's.
func TestHipFTRFECase(t *testing.T) {
	in, err := os.Open(filepath.Join(HipFTRFECaseDir, "hipft.in"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	p, err := input.ParseWith(in, "hipft.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mesh.Uniform(p.ResNt, p.ResNp)
	if err != nil {
		t.Fatal(err)
	}
	cfg := configFromParams(p, nil)
	src, err := FromConfig(&cfg, nil, m, 1, p.TimeStart)
	if err != nil {
		t.Fatal(err)
	}
	f := make([]float64, m.Size())
	type step struct{ time, dt float64 }
	var got []step
	time, dt, tsu := p.TimeStart, 0.0, true
	for i := 1; i < 1000; i++ {
		if err := src.Update(time); err != nil {
			t.Fatal(err)
		}
		if tsu {
			dt, tsu = math.Min(p.TimeEnd-time, p.DtMax), false
		}
		if d, ok := src.ClipDt(time, dt); ok {
			dt, tsu = d, true
		}
		if time+dt >= p.TimeEnd {
			dt, tsu = p.TimeEnd-time, false
		}
		src.Apply(f, dt)
		time += dt
		got = append(got, step{time, dt})
		if time >= p.TimeEnd {
			break
		}
	}
	num := readHistory(t, filepath.Join(HipFTRFECaseDir, "reference", "hipft_history_num_r000001.out"))[1:]
	if len(num) != len(got) {
		t.Fatalf("%d steps, HipFT %d", len(got), len(num))
	}
	for i, row := range num {
		if math.Abs(got[i].time-row[1]) > 1e-15*math.Max(1, row[1]) || math.Abs(got[i].dt-row[2]) > 1e-15*math.Max(1, row[2]) {
			t.Errorf("step %d: time %.16e dt %.16e, HipFT %.16e %.16e", i+1, got[i].time, got[i].dt, row[1], row[2])
		}
	}
	sol := readHistory(t, filepath.Join(HipFTRFECaseDir, "reference", "hipft_history_sol_r000001.out"))
	last := sol[len(sol)-1]
	pos, neg := diag.Flux(m, f)
	pos, neg = pos*mesh.RsunCm2, neg*mesh.RsunCm2
	if math.Abs(pos+neg) > 1e-12*pos {
		t.Errorf("net flux %g Mx of %g", pos+neg, pos)
	}
	if math.Abs(pos-last[5]) > 0.1*last[5] {
		t.Errorf("final positive flux %.4e Mx, HipFT %.4e Mx (different random numbers; want within 10%%)", pos, last[5])
	}
	t.Logf("final FLUX_POSITIVE %.4e Mx, HipFT %.4e Mx", pos, last[5])
}
