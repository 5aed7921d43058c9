package analysis_test

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/datadir"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/post/analysis"
)

// TestSummarizeMatchesHipFTStepZero checks Summarize against HipFT: the
// step-0 line of a testsuite case's reference history is HipFT's
// diagnostics of its initial map, which Summarize must reproduce.
func TestSummarizeMatchesHipFTStepZero(t *testing.T) {
	suite, ok := datadir.Testsuite()
	if !ok {
		t.Skip("HipFT testsuite not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	dir := filepath.Join(suite, "diffuse_advect_atten_map_1cr")
	m, err := analysis.ReadMap(filepath.Join(dir, "input", "br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed_small.h5"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := analysis.Summarize(m, 30) // the case's pole_flux_lat_limit (the default)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Stats) != 1 || s.NPhi != m.Dims[0] || s.NTheta != m.Dims[1] || !s.PhiUniform || !s.ThetaUniform {
		t.Fatalf("summary %+v of a uniform 2D map", s)
	}
	h, err := analysis.ReadHistory(filepath.Join(dir, "reference", "hipft_history_sol_r000001.out"))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Stats[0].Values()
	for c, name := range []string{"TIME", "BR_MIN", "BR_MAX", "BR_ABS_MIN", "FLUX_POSITIVE", "FLUX_NEGATIVE",
		"NPOLE_FLUX_POSITIVE", "NPOLE_FLUX_NEGATIVE", "SPOLE_FLUX_POSITIVE", "SPOLE_FLUX_NEGATIVE",
		"NPOLE_AREA", "SPOLE_AREA", "EQ_DIPOLE", "AX_DIPOLE"} {
		want := h.Col(name)[0]
		if d := math.Abs(got[c] - want); d > 1e-13*math.Abs(want) {
			t.Errorf("%s = %.16g, HipFT's step 0: %.16g (relative difference %.2g)", name, got[c], want, d/math.Abs(want))
		}
	}
}

// TestSummarizeAnalytic checks Summarize on maps whose diagnostics are
// known: Br = B0 cos(theta), a pure axial dipole, on a fine uniform grid.
// Its unsigned flux is 2 pi B0 Rs^2, the axial dipole moment (3/4pi)
// times the integral of Br cos(theta) is B0, the equatorial dipole 0, and
// the cap within a colatitude limit of a pole has mean field
// B0 (1 + cos limit)/2. The limit, 30.25 degrees, falls between two rows
// of the 0.5-degree grid, where a cap's cells end.
func TestSummarizeAnalytic(t *testing.T) {
	const np, nt, b0 = 721, 361, 7.0
	for _, tc := range []struct {
		name    string
		float32 bool
		tol     float64 // relative tolerance of the second-order quadrature
	}{
		{"float64", false, 5e-5},
		{"float32", true, 5e-5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phi, theta := make([]float64, np), make([]float64, nt)
			for i := range phi {
				phi[i] = 2 * math.Pi * float64(i) / float64(np-1)
			}
			for j := range theta {
				theta[j] = math.Pi * float64(j) / float64(nt-1)
			}
			m := &psihdf.Map{Dims: []int{np, nt, 2}, Scales: [][]float64{phi, theta, {1, 2}}, Float32: tc.float32}
			for r := 1; r <= 2; r++ {
				for j := 0; j < nt; j++ {
					for range phi {
						v := float64(r) * b0 * math.Cos(theta[j])
						if tc.float32 {
							v = float64(float32(v))
						}
						m.Data = append(m.Data, v)
					}
				}
			}
			const limit = 30.25 // degrees
			capMean := (1 + math.Cos(limit*math.Pi/180)) / 2
			s, err := analysis.Summarize(m, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Stats) != 2 || s.Float32 != tc.float32 {
				t.Fatalf("got %d realizations, Float32 %v", len(s.Stats), s.Float32)
			}
			for r, st := range s.Stats {
				b := float64(r+1) * b0
				flux := math.Pi * b * mesh.RsunCm2 // each sign: B0 Rs^2 * 2pi * 1/2
				checks := []struct {
					name      string
					got, want float64
				}{
					{"FLUX_POSITIVE", st.FluxPos, flux},
					{"FLUX_NEGATIVE", st.FluxNeg, -flux},
					{"AX_DIPOLE", st.AxDipole, b},
					{"BR_MAX", st.BrMax, b},
					{"BR_MIN", st.BrMin, -b},
					{"north cap field", analysis.CapField(st.NPoleFluxPos, st.NPoleFluxNeg, st.NPoleArea), capMean * b},
					{"south cap field", analysis.CapField(st.SPoleFluxPos, st.SPoleFluxNeg, st.SPoleArea), -capMean * b},
				}
				for _, c := range checks {
					if math.Abs(c.got-c.want) > tc.tol*math.Abs(c.want) {
						t.Errorf("realization %d: %s = %.8g, want %.8g", r+1, c.name, c.got, c.want)
					}
				}
				if st.EqDipole > 1e-12*b {
					t.Errorf("realization %d: EQ_DIPOLE = %g, want 0", r+1, st.EqDipole)
				}
				if im := analysis.Imbalance(st.FluxPos, st.FluxNeg); math.Abs(im) > 1e-10 {
					t.Errorf("realization %d: imbalance %g%%, want 0", r+1, im)
				}
			}
		})
	}
}

func TestSummarizeErrors(t *testing.T) {
	ok := &psihdf.Map{Dims: []int{3, 3}, Scales: [][]float64{{0, math.Pi, 2 * math.Pi}, {0, math.Pi / 2, math.Pi}}, Data: make([]float64, 9)}
	for _, tc := range []struct {
		name string
		m    *psihdf.Map
		lim  float64
		want string
	}{
		{"theta and phi swapped", &psihdf.Map{Dims: []int{3, 3}, Scales: [][]float64{{0, math.Pi / 2, math.Pi}, {0, math.Pi, 2 * math.Pi}}, Data: make([]float64, 9)}, 30, "dim2"},
		{"phi short of 2pi", &psihdf.Map{Dims: []int{3, 3}, Scales: [][]float64{{0, 1, 2}, {0, math.Pi / 2, math.Pi}}, Data: make([]float64, 9)}, 30, "phi"},
		{"cap limit zero", ok, 0, "latitude limit"},
		{"cap limit NaN", ok, math.NaN(), "latitude limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := analysis.Summarize(tc.m, tc.lim)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if _, err := analysis.Summarize(ok, 30); err != nil {
		t.Fatalf("a valid 3 x 3 map: %v", err)
	}
	short := &psihdf.Map{Dims: []int{3, 3}, Scales: [][]float64{{0, 1, 2}, {0, math.Pi / 2, math.Pi}}, Data: make([]float64, 9)}
	if _, err := analysis.Summarize(short, 30); !errors.Is(err, analysis.ErrOffMainMesh) {
		t.Errorf("phi short of 2pi: error %v, want ErrOffMainMesh", err)
	}
	if _, err := analysis.Summarize(ok, 0); errors.Is(err, analysis.ErrOffMainMesh) {
		t.Errorf("a bad cap limit is not an off-mesh map: %v", err)
	}
}

// TestBoxFluxes checks the box flux on Br = B0 cos(theta) on a 0.5-degree
// grid, with box edges between grid points (where cells end): the cap
// within 30.25 degrees of the north pole holds pi B0 sin^2(30.25deg) Rs^2
// of positive flux on an area 2 pi (1 - cos 30.25deg) Rs^2, and the box
// over longitudes 0 to 180.25 degrees (the phi = 0 column counts half)
// 180.25/360 of it.
func TestBoxFluxes(t *testing.T) {
	const np, nt, b0 = 721, 361, 3.0
	phi, theta := make([]float64, np), make([]float64, nt)
	for i := range phi {
		phi[i] = 2 * math.Pi * float64(i) / float64(np-1)
	}
	for j := range theta {
		theta[j] = math.Pi * float64(j) / float64(nt-1)
	}
	m := &psihdf.Map{Dims: []int{np, nt}, Scales: [][]float64{phi, theta}}
	for j := 0; j < nt; j++ {
		for range phi {
			m.Data = append(m.Data, b0*math.Cos(theta[j]))
		}
	}
	alpha := 30.25 * math.Pi / 180
	capFlux := math.Pi * b0 * math.Sin(alpha) * math.Sin(alpha) * mesh.RsunCm2
	capArea := 2 * math.Pi * (1 - math.Cos(alpha)) * mesh.RsunCm2
	for _, tc := range []struct {
		name     string
		box      [4]float64
		fraction float64
	}{
		{"whole cap", [4]float64{-1, 361, -1, 30.25}, 1},
		{"half cap", [4]float64{-1, 180.25, -1, 30.25}, 180.25 / 360},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := analysis.BoxFluxes(m, tc.box[0], tc.box[1], tc.box[2], tc.box[3])
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != 1 {
				t.Fatalf("%d realizations", len(b))
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{{"positive flux", b[0].FluxPos, tc.fraction * capFlux}, {"area", b[0].Area, tc.fraction * capArea}} {
				if math.Abs(c.got-c.want) > 5e-5*c.want {
					t.Errorf("%s %.8g, want %.8g", c.what, c.got, c.want)
				}
			}
			if b[0].FluxNeg != 0 {
				t.Errorf("negative flux %g in a cap of positive field", b[0].FluxNeg)
			}
		})
	}
	if _, err := analysis.BoxFluxes(m, 10, 5, 0, 30); err == nil || !strings.Contains(err.Error(), "phi1 < phi2") {
		t.Errorf("reversed box: error %v", err)
	}
}

// TestDescribeMapUniform: float32 scales of uniform grids count as uniform
// at any size, a stretched scale does not.
func TestDescribeMapUniform(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		float32 bool
		stretch float64
		want    bool
	}{
		{"float64, 4096 points", 4096, false, 0, true},
		{"float32, 4096 points", 4096, true, 0, true},
		{"float32, 181 points", 181, true, 0, true},
		{"stretched by 1%", 181, false, 0.01, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phi := make([]float64, tc.n)
			for i := range phi {
				p := 2 * math.Pi * float64(i) / float64(tc.n-1)
				p += tc.stretch * math.Sin(p)
				if tc.float32 {
					p = float64(float32(p))
				}
				phi[i] = p
			}
			theta := []float64{0, math.Pi / 2, math.Pi}
			m := &psihdf.Map{Dims: []int{tc.n, 3}, Scales: [][]float64{phi, theta}, Data: make([]float64, 3*tc.n), Float32: tc.float32}
			s, err := analysis.DescribeMap(m)
			if err != nil {
				t.Fatal(err)
			}
			if s.PhiUniform != tc.want {
				t.Errorf("PhiUniform %v, want %v", s.PhiUniform, tc.want)
			}
		})
	}
}
