package flow

import "testing"

// TestStateKeepsOnlyAFreshVelocity checks what a checkpoint keeps of the
// flows: the velocity of steady flows, none of flows that recompute it at
// every step (attenuation: stale after each Update), and that restoring
// either gives the velocity the next Update would use.
func TestStateKeepsOnlyAFreshVelocity(t *testing.T) {
	m := testMesh(t)
	cfg := &Config{MFModel: 1, MFP1: []float64{22}, MFP3: []float64{11}, MFP5: []float64{-28},
		DRModel: 1, DRP0: []float64{46}, DRP2: []float64{-262}, DRP4: []float64{-379}}
	f := randomBr(m, 1, 3)
	for _, attenuate := range []bool{false, true} {
		cfg.Attenuate, cfg.AttenuateValues = attenuate, []float64{400}
		fl, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fl.Update(f, 0); err != nil {
			t.Fatal(err)
		}
		s, err := fl.State()
		if err != nil {
			t.Fatal(err)
		}
		if s.Stale != attenuate || (len(s.Vt) == 0) != attenuate || (len(s.Vp) == 0) != attenuate {
			t.Fatalf("attenuate=%v: State has Stale %v and %d/%d velocity values", attenuate, s.Stale, len(s.Vt), len(s.Vp))
		}
		// Restore into fresh flows; with a stale state the next Update
		// recomputes the velocity, which must then equal the original's.
		g, err := FromConfig(cfg, DefaultRegistry(), m, 1, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Restore(s); err != nil {
			t.Fatalf("attenuate=%v: Restore: %v", attenuate, err)
		}
		if g.NeedsUpdate() != attenuate {
			t.Fatalf("attenuate=%v: restored flows need an update: %v", attenuate, g.NeedsUpdate())
		}
		if _, err := g.Update(f, 0); err != nil {
			t.Fatal(err)
		}
		for i := range fl.V.Vt {
			if g.V.Vt[i] != fl.V.Vt[i] {
				t.Fatalf("attenuate=%v: restored vt[%d] = %v, want %v", attenuate, i, g.V.Vt[i], fl.V.Vt[i])
			}
		}
		for i := range fl.V.Vp {
			if g.V.Vp[i] != fl.V.Vp[i] {
				t.Fatalf("attenuate=%v: restored vp[%d] = %v, want %v", attenuate, i, g.V.Vp[i], fl.V.Vp[i])
			}
		}
	}
	// A fresh state must carry a velocity of the run's size.
	fl, _ := FromConfig(&Config{VtConst: 0.05}, DefaultRegistry(), m, 1, 0, nil)
	if err := fl.Restore(State{Vt: []float64{1}, Vp: []float64{1}}); err == nil {
		t.Fatal("a fresh state with a velocity of the wrong size was restored")
	}
	if err := fl.Restore(State{}); err == nil {
		t.Fatal("a fresh state without a velocity was restored")
	}
}
