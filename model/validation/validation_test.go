package validation

import (
	"math"
	"testing"
)

func grid(np, nt int) (phi, theta []float64) {
	phi = make([]float64, np)
	theta = make([]float64, nt)
	for i := range phi {
		phi[i] = float64(i) * 2 * math.Pi / float64(np-1)
	}
	for j := range theta {
		theta[j] = float64(j) * math.Pi / float64(nt-1)
	}
	return phi, theta
}

// TestHarmonicClosedForms checks the recursion against the closed forms of
// hipft-model.md section 4.4.
func TestHarmonicClosedForms(t *testing.T) {
	phi, theta := grid(37, 19)
	y0 := Harmonic(0, 6, phi, theta)
	y5 := Harmonic(5, 6, phi, theta)
	c5 := -math.Sqrt(2*13.0/39916800.0) / math.Sqrt(4*math.Pi) * 10395 // -sqrt(2*13*1!/11!)/sqrt(4pi)*10395
	for j, th := range theta {
		x := math.Cos(th)
		p6 := (231*math.Pow(x, 6) - 315*math.Pow(x, 4) + 105*x*x - 5) / 16
		for i, p := range phi {
			want0 := math.Sqrt(13/(4*math.Pi)) * p6
			want5 := c5 * x * math.Pow(1-x*x, 2.5) * math.Cos(5*p)
			if d := math.Abs(y0[i+len(phi)*j] - want0); d > 1e-14 {
				t.Fatalf("Y60(%g) = %g, want %g", th, y0[i+len(phi)*j], want0)
			}
			if d := math.Abs(y5[i+len(phi)*j] - want5); d > 1e-14 {
				t.Fatalf("Y65(%g,%g) = %g, want %g", th, p, y5[i+len(phi)*j], want5)
			}
		}
	}
	if math.Abs(c5+2.366619162) > 1e-9 {
		t.Errorf("Y65 coefficient %g, want about -2.366619162", c5)
	}
}

// TestSoccerDecay checks exp(-l(l+1) D t) with l = 6.
func TestSoccerDecay(t *testing.T) {
	if got, want := SoccerDecay(2, 0.5, 3), math.Exp(-42*3); math.Abs(got-want) > 1e-15*want {
		t.Errorf("SoccerDecay = %g, want %g", got, want)
	}
}

// TestBlobs checks the blob pair: opposite signs at pi/2 and 3pi/2, zero at
// the poles, peak 1/sin(theta0) at the centres.
func TestBlobs(t *testing.T) {
	phi, theta := grid(361, 181) // 1-degree grid: pi/4 and 3pi/2 are grid points
	f := Blobs(phi, theta, BlobTheta0, 0.03)
	np := len(phi)
	jc := 45
	neg, pos := f[90+np*jc], f[270+np*jc]
	want := 1 / math.Sin(BlobTheta0)
	if math.Abs(neg+want) > 1e-12 || math.Abs(pos-want) > 1e-12 {
		t.Errorf("blob centres %g and %g, want -%g and %g", neg, pos, want, want)
	}
	for i := range phi {
		if f[i] != 0 || f[i+np*(len(theta)-1)] != 0 {
			t.Fatal("field not zero at the poles")
		}
	}
}
