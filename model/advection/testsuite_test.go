package advection

import (
	"bufio"
	"github.com/goft-sft/goft/internal/datadir"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/validation"

	"github.com/goft-sft/goft/internal/testenv"
)

// testsuiteDir returns HipFT's testsuite folder (datadir.Testsuite) and
// skips the test when it is absent.
func testsuiteDir(t *testing.T) string {
	t.Helper()
	dir, ok := datadir.Testsuite()
	if !ok {
		t.Skip("HipFT testsuite not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	return dir
}

// lastHistoryLine returns the whitespace-separated values of the last line
// of a hipft_history_sol file.
func lastHistoryLine(t *testing.T, path string) []float64 {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var last string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			last = s
		}
	}
	var vals []float64
	for _, tok := range strings.Fields(last) {
		v, err := strconv.ParseFloat(strings.Replace(tok, "D", "E", 1), 64)
		if err != nil {
			t.Fatalf("%s: bad token %q in last line", path, tok)
		}
		vals = append(vals, v)
	}
	if len(vals) != 16 {
		t.Fatalf("%s: last line has %d columns, want 16", path, len(vals))
	}
	return vals
}

// modulo is Fortran's MODULO for reals.
func modulo(a, p float64) float64 {
	r := math.Mod(a, p)
	if r != 0 && (r < 0) != (p < 0) {
		r += p
	}
	return r
}

// blobsInitial builds validation run 2's initial field on m in main-mesh
// layout with HipFT's periodic and pole averaging (section 4.3).
func blobsInitial(m *mesh.Mesh, w float64) []float64 {
	nPhi, ntm, npm := m.NPhiFile, m.NThetaMain, m.NPhiMain
	mp := validation.Blobs(m.Phi[:nPhi], m.Theta, validation.BlobTheta0, w)
	f := make([]float64, ntm*npm)
	for k := 0; k < nPhi; k++ {
		for j := 0; j < ntm; j++ {
			f[j+ntm*k] = mp[k+nPhi*j]
		}
	}
	for j := 0; j < ntm; j++ {
		f[j] = (f[j] + f[j+ntm*(nPhi-1)]) / 2
		f[j+ntm*(nPhi-1)] = f[j]
		f[j+ntm*(npm-1)] = f[j+ntm]
	}
	m.PoleAverage(f, 1)
	return f
}

// blobsReference is the validation-2 analytic field at time t (section
// 12.2) on the unique main-mesh columns, as HipFT's analysis evaluates it.
func blobsReference(m *mesh.Mesh, vtConst, omega, t, w float64) []float64 {
	const piTwo, piFour, threePiTwo = 1.5707963267948966, 0.7853981633974483, 4.71238898038469
	ntm := m.NThetaMain
	vtt := vtConst * mesh.KmPerSToRsPerHr * t
	vpt := omega * mesh.KmPerSToRsPerHr * t
	p1 := modulo(piTwo+vpt, mesh.TwoPi)
	p2 := modulo(threePiTwo+vpt, mesh.TwoPi)
	g := make([]float64, ntm*m.NPhiMain)
	for k := 0; k < m.NPhiMain-1; k++ {
		for j := 0; j < ntm; j++ {
			dt := m.Theta[j] - piFour - vtt
			d1, d2 := m.Phi[k]-p1, m.Phi[k]-p2
			sti := m.SinThetaInv[j]
			g[j+ntm*k] = -sti*math.Exp(-(dt*dt)/w-(d1*d1)/w) + sti*math.Exp(-(dt*dt)/w-(d2*d2)/w)
		}
	}
	return g
}

// TestTestsuiteAdvectGaussians runs HipFT's three advect_gaussians tests
// (validation run 2, SSPRK(4,3)+WENO3, 180x360, 672 steps of 1 h) with a
// minimal time loop and compares the compared history columns of the last
// line with the reference to 1e-9 relative.
func TestTestsuiteAdvectGaussians(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 672-step testsuite runs in -short mode")
	}
	testenv.SkipUnlessLong(t, "three 672-step testsuite runs, about 4 s")
	root := testsuiteDir(t)
	if _, err := os.Stat(root); err != nil {
		t.Skipf("HipFT testsuite not found at %s (set GOFT_HIPFT_TESTSUITE): %v", root, err)
	}
	cases := []struct {
		name         string
		phi, theta   bool
		wantStableDt float64
	}{
		{"advect_gaussians_phi", true, false, 1.778272980501372},
		{"advect_gaussians_theta", false, true, 7.132960893854699},
		{"advect_gaussians_phi_theta", true, true, 1.423411371237443},
	}
	pool := parallel.New(0)
	defer pool.Close()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refPath := filepath.Join(root, tc.name, "reference", "hipft_history_sol_r000001.out")
			if _, err := os.Stat(refPath); err != nil {
				t.Skipf("reference history missing: %v", err)
			}
			want := lastHistoryLine(t, refPath)

			const (
				timeEnd = 672.0
				width   = 0.03 // validation_run_width default
				piTwo   = 1.5707963267948966
			)
			m, err := mesh.Uniform(180, 360)
			if err != nil {
				t.Fatal(err)
			}
			f := blobsInitial(m, width)

			// Validation run 2 overrides (section 4.5).
			var vtConst, omega float64
			var models []flow.Model
			if tc.phi {
				omega = (mesh.TwoPi / timeEnd) / mesh.KmPerSToRsPerHr
				models = append(models, &flow.RigidRotation{Omega: omega})
			}
			if tc.theta {
				vtConst = (piTwo / timeEnd) / mesh.KmPerSToRsPerHr
				models = append(models, &flow.ConstVt{V: vtConst})
			}
			fl, err := flow.New(m, 1, models, nil, pool)
			if err != nil {
				t.Fatal(err)
			}
			adv, err := New(m, 1, 4, 1.0, 0, pool)
			if err != nil {
				t.Fatal(err)
			}
			time := 0.0
			for step := 1; time < timeEnd; step++ {
				changed, err := fl.Update(f, time)
				if err != nil {
					t.Fatal(err)
				}
				if changed {
					adv.SetVelocity(fl.V)
					if step != 1 {
						t.Fatalf("steady flow recomputed at step %d", step)
					}
					got := adv.StableDt(false)
					if math.Abs(got-tc.wantStableDt) > 1e-14*tc.wantStableDt {
						t.Errorf("DTIME_ADV_STB = %.16g, want %.16g", got, tc.wantStableDt)
					}
				}
				dt := min(1.0, timeEnd-time) // dt_max = 1 is below the CFL limit
				adv.Step(f, dt)
				time += dt
			}
			ref := blobsReference(m, vtConst, omega, time, width)
			s := diag.NewAnalyzer(m, 30).Analyze(f, ref, time)
			cols := []struct {
				name      string
				got, want float64
			}{
				{"BR_MIN", s.BrMin, want[2]},
				{"BR_MAX", s.BrMax, want[3]},
				{"FLUX_POSITIVE", s.FluxPos, want[5]},
				{"FLUX_NEGATIVE", s.FluxNeg, want[6]},
				{"VALIDATION_ERR", s.ValidationErr, want[15]},
			}
			for _, c := range cols {
				rel := math.Abs(c.got-c.want) / math.Abs(c.want)
				t.Logf("%-15s got %.15e want %.15e rel %.2e", c.name, c.got, c.want, rel)
				if rel > 1e-9 {
					t.Errorf("%s = %.15e, reference %.15e (relative difference %.2e > 1e-9)", c.name, c.got, c.want, rel)
				}
			}
		})
	}
}
