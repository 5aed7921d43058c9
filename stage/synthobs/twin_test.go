package synthobs

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// TestTwinExperiment is an identical-twin data-assimilation experiment,
// driven by a minimal time loop (diffusion only, HipFT's step order:
// transport, clock, assimilation; the dt_max, dataassim and end clips):
//
//  1. truth: a smooth field diffused for 20 days, its map saved every 12 h;
//  2. synthetic observations of the truth maps from Earth (B0 = 7.25 deg,
//     weights mu^2 above mu = 0.1);
//  3. a run from a wrong (zero) field, diffused the same way, assimilating
//     the observations.
//
// The area-weighted RMS difference from the truth must never grow from
// one observation to the next and must end far below where it started.
func TestTwinExperiment(t *testing.T) {
	m, err := mesh.Uniform(31, 61)
	if err != nil {
		t.Fatal(err)
	}
	ntm, nPhi, npm := m.NThetaMain, m.NPhiFile, m.NPhiMain
	coef, err := diffusion.CornerCoef(m, diffusion.CoefSpec{Constants: []float64{20000}, Factor: mesh.DiffKm2PerSToRs2PerHr})
	if err != nil {
		t.Fatal(err)
	}
	newStepper := func() *diffusion.Stepper {
		st, err := diffusion.NewStepper(diffusion.NewOperator(m, 1, coef, nil), diffusion.RKG2, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	const (
		days     = 20
		dtMax    = 6.0
		tEnd     = days * 24.0
		obsEvery = 12.0
	)

	// 1. Truth run.
	one, file := m.Layout(field.Center, 1), m.MapLayout(field.Center, 1)
	truth := make([]float64, one.Len())
	for k := 0; k < npm; k++ {
		col := one.Column(truth, k, 0)
		for j := range col {
			col[j] = truth0(m.Theta[j], m.Phi[k])
		}
	}
	mesh.SetPeriodic(truth, ntm, npm, 1)
	m.PoleAverage(truth, 1)
	toFrame := func(f []float64, time float64) *Frame {
		fr := &Frame{Time: time, Phi: m.Phi[:nPhi], Theta: m.Theta, Br: make([]float64, file.Len())}
		for k := 0; k < nPhi; k++ {
			for j := 0; j < ntm; j++ {
				fr.Br[file.Index(j, k, 0)] = f[one.Index(j, k, 0)]
			}
		}
		return fr
	}
	var frames []*Frame
	truths := map[float64][]float64{}
	st := newStepper()
	for time := 0.0; ; time += dtMax {
		if math.Mod(time, obsEvery) == 0 {
			frames = append(frames, toFrame(truth, time))
			truths[time] = append([]float64(nil), truth...)
		}
		if time >= tEnd {
			break
		}
		st.Advance(truth, dtMax, nil)
	}

	// 2. Observations.
	dir := filepath.Join(t.TempDir(), "obs")
	o := DefaultOptions()
	o.Lon0, o.B0, o.MuPower = 0, 7.25, 2
	if _, err := Write(dir, len(frames), func(i int) (*Frame, error) { return frames[i], nil }, &o); err != nil {
		t.Fatal(err)
	}

	// 3. The assimilating run from a zero field.
	f := make([]float64, m.Size())
	a, err := assim.New(m, 1, assim.Config{ListFile: filepath.Join(dir, ListName), RootDir: dir, MultFac: 1})
	if err != nil {
		t.Fatal(err)
	}
	rms := func(time float64) float64 {
		tr := truths[time]
		var s, area float64
		for k := 0; k < npm-1; k++ {
			for j := 0; j < ntm; j++ {
				d := f[one.Index(j, k, 0)] - tr[one.Index(j, k, 0)]
				da := m.AreaTheta[j] * m.AreaPhi[k]
				s += d * d * da
				area += da
			}
		}
		return math.Sqrt(s / area)
	}
	st = newStepper()
	time, dt, tsu := 0.0, 0.0, true
	var errs []float64
	initial := rms(0)
	for step := 0; step < 1000; step++ {
		if tsu {
			dt, tsu = math.Min(dtMax, tEnd-time), false
		}
		if d, ok := a.ClipDt(time, dt); ok {
			dt, tsu = d, true
		}
		if time+dt >= tEnd {
			dt, tsu = tEnd-time, false
		}
		if dt > 0 {
			st.Advance(f, dt, nil)
		}
		time += dt
		applied, err := a.Apply(f, time)
		if err != nil {
			t.Fatal(err)
		}
		if applied {
			errs = append(errs, rms(time))
		}
		if time >= tEnd {
			break
		}
	}
	if len(errs) != len(frames) {
		t.Fatalf("assimilated %d maps, want %d", len(errs), len(frames))
	}
	t.Logf("RMS error (G): initial %.3f, after each map: %.3f", initial, errs)
	prev := initial
	for i, e := range errs {
		if e > prev*(1+1e-9) {
			t.Errorf("map %d: error %.4f G grew from %.4f G", i, e, prev)
		}
		prev = e
	}
	if last := errs[len(errs)-1]; last > 0.25*initial {
		t.Errorf("final error %.3f G is more than a quarter of the initial %.3f G", last, initial)
	}
}
