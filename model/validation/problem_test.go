package validation

import (
	"math"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/mesh"
)

// TestProblemOverrides checks validation run 2's flow overrides: a nonzero
// flow_vt_const carries the blobs from pi/4 to 3pi/4 over the run, a
// nonzero flow_vp_rigid_omega turns them once; zero values stay zero, and
// the soccer ball keeps the flows given.
func TestProblemOverrides(t *testing.T) {
	phi, theta := grid(13, 7)
	for _, tc := range []struct {
		name              string
		c                 Config
		vt, vp            float64
		vtOver, vpOver    bool
		finalTheta        float64
		wantNil, oneFinal bool
	}{
		{name: "none", c: Config{Run: 0}, wantNil: true},
		{name: "soccer keeps flows", c: Config{Run: 1, TimeEnd: 10, DiffusionConstants: []float64{1, 2}, FlowVtConst: 3, FlowVpRigidOmega: 4}, vt: 3, vp: 4},
		{name: "blobs, both overridden", c: Config{Run: 2, TimeStart: 2, TimeEnd: 12, Width: 0.03, FlowVtConst: 3, FlowVpRigidOmega: -4},
			vt: (math.Pi / 2 / 10) / mesh.KmPerSToRsPerHr, vp: (mesh.TwoPi / 10) / mesh.KmPerSToRsPerHr, vtOver: true, vpOver: true, finalTheta: 3 * math.Pi / 4, oneFinal: true},
		{name: "blobs, no vt", c: Config{Run: 2, TimeEnd: 10, Width: 0.03, FlowVpRigidOmega: 1}, vp: (mesh.TwoPi / 10) / mesh.KmPerSToRsPerHr, vpOver: true, finalTheta: math.Pi / 4, oneFinal: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProblem(tc.c, phi, theta)
			if tc.wantNil {
				if p != nil {
					t.Fatal("a problem for validation_run 0")
				}
				return
			}
			if p.VtConst != tc.vt || p.VpOmega != tc.vp || p.VtOverridden != tc.vtOver || p.VpOverridden != tc.vpOver {
				t.Errorf("flows %g %g (overridden %v %v), want %g %g (%v %v)", p.VtConst, p.VpOmega, p.VtOverridden, p.VpOverridden, tc.vt, tc.vp, tc.vtOver, tc.vpOver)
			}
			final, one := p.FinalAnalytic()
			if one != tc.oneFinal {
				t.Fatalf("one final map: %v, want %v", one, tc.oneFinal)
			}
			if tc.c.Run == 2 {
				want := Blobs(phi, theta, tc.finalTheta, tc.c.Width)
				for q := range want {
					if final[0][q] != want[q] {
						t.Fatalf("final field differs at %d", q)
					}
				}
				return
			}
			if len(final) != len(tc.c.DiffusionConstants) {
				t.Fatalf("%d final fields, want one per realization", len(final))
			}
			for i, d := range tc.c.DiffusionConstants {
				decay := SoccerDecay(d, tc.c.DiffusionFactor, tc.c.TimeEnd)
				if final[i][5] != p.Initial()[5]*decay {
					t.Errorf("realization %d: final %g, want %g", i, final[i][5], p.Initial()[5]*decay)
				}
			}
		})
	}
}

// TestReference checks the references on a mesh: the soccer ball decays
// with each realization's constant from TimeStart, and the blobs at the
// start are the initial blobs on the main mesh (to round-off: the
// exponential is formed as a product) and move with the rigid flows.
func TestReference(t *testing.T) {
	m, err := mesh.Uniform(19, 37)
	if err != nil {
		t.Fatal(err)
	}
	phi, theta := m.Phi[:m.NPhiFile], m.Theta
	ntm := m.NThetaMain
	soccer := NewProblem(Config{Run: 1, TimeStart: 5, TimeEnd: 50, DiffusionConstants: []float64{100, 300}, DiffusionFactor: 1e-3}, phi, theta)
	ref := soccer.Reference(m, 2, nil)
	for i, d := range []float64{100, 300} {
		f := ref.Field(i, 25)
		decay := SoccerDecay(d, 1e-3, 20)
		for _, jk := range [][2]int{{3, 4}, {10, 20}} {
			j, k := jk[0], jk[1]
			if got, want := f[j+ntm*k], soccer.Initial()[k+m.NPhiFile*j]*decay; got != want {
				t.Errorf("realization %d, point %v: %g, want %g", i, jk, got, want)
			}
		}
	}
	blobs := NewProblem(Config{Run: 2, TimeStart: 0, TimeEnd: 10, Width: 0.05, FlowVpRigidOmega: 1}, phi, theta)
	br := blobs.Reference(m, 3, nil)
	f0 := br.Field(0, 0)
	for j := 1; j < ntm-1; j++ {
		for k := 0; k < m.NPhiMain-1; k++ {
			want := blobs.Initial()[k+m.NPhiFile*j]
			if d := math.Abs(f0[j+ntm*k] - want); d > 1e-14*(1+math.Abs(want)) {
				t.Fatalf("blobs at the start, point (%d,%d): %g, want %g", j, k, f0[j+ntm*k], want)
			}
		}
	}
	if &br.Field(2, 0)[0] != &f0[0] {
		t.Error("the blobs' reference is not shared by the realizations")
	}
	// Formed on a pool: the serial field's bits, at several times.
	pool := parallel.New(3)
	defer pool.Close()
	serial, pooled := blobs.Reference(m, 3, nil), blobs.Reference(m, 3, pool)
	for _, tm := range []float64{0, 2.5, 7} {
		want := serial.Field(0, tm)
		got := pooled.Field(0, tm)
		for n := range want {
			if math.Float64bits(got[n]) != math.Float64bits(want[n]) {
				t.Fatalf("blobs at %g h, point %d: pooled %v, serial %v", tm, n, got[n], want[n])
			}
		}
	}
	// Half the run: the blobs have turned by pi, so the negative blob
	// stands where the positive one started.
	f0 = append([]float64(nil), f0...)
	half := append([]float64(nil), br.Field(0, 5)...)
	kPlus := int(math.Round(BlobPhiPlus / (mesh.TwoPi / float64(m.NPhiFile-1))))
	kMinus := int(math.Round(BlobPhiMinus / (mesh.TwoPi / float64(m.NPhiFile-1))))
	jb := int(math.Round(BlobTheta0 / (math.Pi / float64(ntm-1))))
	if !(half[jb+ntm*kPlus] < 0 && f0[jb+ntm*kPlus] > 0 && half[jb+ntm*kMinus] > 0) {
		t.Errorf("the blobs have not turned by half a rotation: %g %g %g", half[jb+ntm*kPlus], f0[jb+ntm*kPlus], half[jb+ntm*kMinus])
	}
}
