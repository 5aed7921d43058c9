package mesh

import (
	"math"
	"strings"
	"testing"

	"github.com/goft-sft/goft/model/field"
)

func TestUniformMeshGeometry(t *testing.T) {
	for _, c := range []struct{ nt, np int }{{21, 41}, {180, 360}, {513, 1025}} {
		m, err := Uniform(c.nt, c.np)
		if err != nil {
			t.Fatal(err)
		}
		if m.NThetaMain != c.nt || m.NPhiFile != c.np || m.NPhiMain != c.np+1 || m.NThetaHalf != c.nt+1 {
			t.Fatalf("%dx%d: sizes %+v", c.nt, c.np, m)
		}
		// The weights integrate 1 over the sphere to 4 pi (the small-cap
		// approximation at the poles makes this accurate to O(dtheta^2)).
		area := 0.0
		for k := 0; k < m.NPhiMain-1; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				area += m.AreaTheta[j] * m.AreaPhi[k]
			}
		}
		dth := math.Pi / float64(c.nt-1)
		if rel := math.Abs(area-4*math.Pi) / (4 * math.Pi); rel > dth*dth {
			t.Errorf("%dx%d: total area %.15g, want 4pi within %g", c.nt, c.np, area, dth*dth)
		}
		if m.SinTheta[0] != 0 || m.SinTheta[c.nt-1] != 0 || m.CosTheta[c.nt-1] != 1 {
			t.Errorf("pole trigonometry not HipFT's: st %g %g ct %g", m.SinTheta[0], m.SinTheta[c.nt-1], m.CosTheta[c.nt-1])
		}
		if m.SinThetaHalf[m.NThetaHalf-1] >= 0 || m.SinThetaHalf[0] <= 0 {
			t.Errorf("ghost sines: north %g (want > 0), south %g (want < 0)", m.SinThetaHalf[0], m.SinThetaHalf[m.NThetaHalf-1])
		}
		if m.Phi[m.NPhiMain-1] != m.Phi[1]+TwoPi {
			t.Errorf("ghost column phi %g, want phi[1]+2pi", m.Phi[m.NPhiMain-1])
		}
		for k := 1; k < m.NPhiMain-1; k++ {
			if math.Abs(m.DPhi[k]-TwoPi/float64(c.np-1)) > 1e-14 {
				t.Fatalf("dp[%d] = %g", k, m.DPhi[k])
			}
		}
	}
}

func TestNewRejectsBadScales(t *testing.T) {
	good := func(n int, max float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(i) * max / float64(n-1)
		}
		return s
	}
	for _, c := range []struct {
		name       string
		phi, theta []float64
		want       string
	}{
		{"short", good(2, TwoPi), good(5, math.Pi), "at least 3"},
		{"theta not to pi", good(9, TwoPi), good(5, 3), "cover the sphere"},
		{"phi without 2pi", good(9, 6), good(5, math.Pi), "cover the sphere"},
		{"decreasing", good(9, TwoPi), []float64{0, 1, 0.5, 2, math.Pi}, "not strictly increasing"},
	} {
		_, err := New(c.phi, c.theta)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

func TestSetPeriodicAndPoleAverage(t *testing.T) {
	m, _ := Uniform(7, 9)
	f := make([]float64, m.Size()*2)
	for i := range f {
		f[i] = float64(i%13) - 6
	}
	SetPeriodic(f, m.NThetaMain, m.NPhiMain, 2)
	m.PoleAverage(f, 2)
	for r := 0; r < 2; r++ {
		for j := 0; j < m.NThetaMain; j++ {
			if f[m.Index(j, 0, r)] != f[m.Index(j, m.NPhiMain-2, r)] || f[m.Index(j, m.NPhiMain-1, r)] != f[m.Index(j, 1, r)] {
				t.Fatalf("row %d realization %d not periodic", j, r)
			}
		}
		for k := 1; k < m.NPhiMain; k++ {
			if f[m.Index(0, k, r)] != f[m.Index(0, 0, r)] {
				t.Fatalf("north pole row not constant")
			}
		}
	}
}

func TestBilinear(t *testing.T) {
	xs := []float64{0, 1, 2}
	ys := []float64{0, 2}
	src := make([]float64, 6)
	for iy, y := range ys {
		for ix, x := range xs {
			src[ix+3*iy] = 3*x + 2*y + 1 // bilinear data is reproduced exactly
		}
	}
	x := []float64{-0.5, 0, 0.25, 1.5, 2, 2.5}
	y := []float64{0, 1, 2, 3}
	got, err := Bilinear(xs, ys, src, x, y)
	if err != nil {
		t.Fatal(err)
	}
	for j, yv := range y {
		for i, xv := range x {
			want := 3*xv + 2*yv + 1
			if xv < 0 || xv > 2 || yv > 2 {
				want = 0 // outside the table
			}
			if g := got[i+len(x)*j]; math.Abs(g-want) > 1e-15 {
				t.Errorf("(%g,%g) = %g, want %g", xv, yv, g, want)
			}
		}
	}
	if _, err := Bilinear([]float64{0, 0}, ys, src[:4], x, y); err == nil {
		t.Error("non-increasing scale accepted")
	}
}

// TestFromMapLayout checks the transpose from file layout (phi fastest)
// and HipFT's seam handling: the phi = 0 and 2pi columns take their
// average, the ghost column repeats column 1.
func TestFromMapLayout(t *testing.T) {
	m, _ := Uniform(4, 5) // 4 rows, 5 file columns, 6 in memory
	src := make([]float64, m.NPhiFile*m.NThetaMain)
	for j := 0; j < m.NThetaMain; j++ {
		for k := 0; k < m.NPhiFile; k++ {
			src[k+m.NPhiFile*j] = float64(10*j + k)
		}
	}
	dst := make([]float64, m.Size())
	for i := range dst {
		dst[i] = math.NaN()
	}
	m.FromMapLayout(dst, src)
	for j := 0; j < m.NThetaMain; j++ {
		seam := float64(10*j) + 0.5*float64(m.NPhiFile-1) // mean of columns 0 and NPhiFile-1
		for k, want := range []float64{seam, float64(10*j + 1), float64(10*j + 2), float64(10*j + 3), seam, float64(10*j + 1)} {
			if got := dst[m.Index(j, k, 0)]; got != want {
				t.Errorf("row %d column %d: %g, want %g", j, k, got, want)
			}
		}
	}
}

func TestLayouts(t *testing.T) {
	m, err := Uniform(7, 11)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc                 field.Location
		nTheta, nPhi, nFile int
		theta, phi          []float64
	}{
		{field.Center, m.NThetaMain, m.NPhiMain, m.NPhiFile, m.Theta, m.Phi},
		{field.ThetaFace, m.NThetaHalf, m.NPhiMain, m.NPhiFile, m.ThetaHalf, m.Phi},
		{field.PhiFace, m.NThetaMain, m.NPhiHalf, m.NPhiHalf, m.Theta, m.PhiHalf},
		{field.Corner, m.NThetaHalf, m.NPhiHalf, m.NPhiHalf, m.ThetaHalf, m.PhiHalf},
	} {
		l := m.Layout(c.loc, 3)
		if l != (field.Layout{NTheta: c.nTheta, NPhi: c.nPhi, NReal: 3, Location: c.loc}) {
			t.Errorf("%v: Layout %+v", c.loc, l)
		}
		if ml := m.MapLayout(c.loc, 2); ml != (field.MapLayout{NPhi: c.nFile, NTheta: c.nTheta, NReal: 2}) {
			t.Errorf("%v: MapLayout %+v", c.loc, ml)
		}
		theta, phi := m.Coords(c.loc)
		if &theta[0] != &c.theta[0] || &phi[0] != &c.phi[0] || len(theta) != l.NTheta || len(phi) != l.NPhi {
			t.Errorf("%v: Coords are not the mesh's %v scales", c.loc, c.loc)
		}
	}
	l := m.Layout(field.Center, 2)
	for r := 0; r < 2; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			for j := 0; j < m.NThetaMain; j++ {
				if m.Index(j, k, r) != l.Index(j, k, r) {
					t.Fatalf("Index(%d,%d,%d) = %d, layout's %d", j, k, r, m.Index(j, k, r), l.Index(j, k, r))
				}
			}
		}
	}
	for _, f := range []func(){
		func() { m.Layout(field.Location(7), 1) },
		func() { m.MapLayout(field.Location(-1), 1) },
		func() { m.Coords(field.Location(4)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("an unknown location did not panic")
				}
			}()
			f()
		}()
	}
}
