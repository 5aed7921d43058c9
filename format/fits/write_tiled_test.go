package fits

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// riceTestImage has a NaN region, an all-zero row (low-entropy blocks), a
// row of large random values (high-entropy blocks) and a smooth field.
func riceTestImage() *Image {
	nx, ny := 77, 9
	img := &Image{Dims: []int{nx, ny}, Data: make([]float64, nx*ny), Header: Header{{"CONTENT", "MAGNETOGRAM", ""}}}
	rng := rand.New(rand.NewPCG(1, 2))
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			v := 30 * math.Sin(float64(i)/5) * math.Cos(float64(j)/3)
			switch {
			case j == 2:
				v = 0
			case j == 4:
				v = (rng.Float64() - 0.5) * 4e8
			case (i-40)*(i-40)+(j-6)*(j-6) < 9:
				v = math.NaN()
			}
			img.Data[i+nx*j] = v
		}
	}
	return img
}

func TestRiceRoundTrip(t *testing.T) {
	img := riceTestImage()
	var b bytes.Buffer
	if err := EncodeRice(&b, img, 0.1); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got.Compression != "RICE_1" || got.HDU != 1 {
		t.Errorf("compression %q HDU %d", got.Compression, got.HDU)
	}
	for i, v := range img.Data {
		want := math.Round(v/0.1) * 0.1
		if g := got.Data[i]; !(g == want || math.IsNaN(g) && math.IsNaN(v)) {
			t.Fatalf("pixel %d: %v, want %v", i, g, want)
		}
	}
	if v, _ := got.Header.Get("CONTENT"); v != "MAGNETOGRAM" {
		t.Errorf("header %v", got.Header)
	}
	if err := EncodeRice(&b, &Image{Dims: []int{2, 1}, Data: []float64{1, 1e12}}, 0.1); err == nil || !strings.Contains(err.Error(), "32-bit") {
		t.Errorf("overflow: %v", err)
	}
	if err := EncodeRice(&b, &Image{Dims: []int{1, 1}, Data: []float64{1}, Header: Header{{"BSCALE", 2.0, ""}}}, 0.1); err == nil {
		t.Error("BSCALE in the header accepted")
	}
}

// TestRiceIndependentReaders has CFITSIO's funpack and astropy decompress
// a file EncodeRice wrote; both must give its pixels.
func TestRiceIndependentReaders(t *testing.T) {
	const debianPython = "/usr/bin/python3" // Debian's, where python3-astropy installs
	img := riceTestImage()
	dir := t.TempDir()
	path := filepath.Join(dir, "rice.fits")
	if err := WriteFileRice(path, img, 0.1); err != nil {
		t.Fatal(err)
	}
	check := func(who string, got []float64) {
		t.Helper()
		if len(got) != len(img.Data) {
			t.Fatalf("%s: %d pixels, want %d", who, len(got), len(img.Data))
		}
		for i, v := range img.Data {
			want := math.Round(v/0.1) * 0.1
			g := got[i]
			if math.IsNaN(v) != math.IsNaN(g) || !math.IsNaN(v) && math.Abs(g-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("%s: pixel %d = %v, want %v", who, i, g, want)
			}
		}
	}
	ran := false
	if fp, err := exec.LookPath("funpack"); err == nil {
		out := filepath.Join(dir, "plain.fits")
		if b, err := exec.Command(fp, "-O", out, path).CombinedOutput(); err != nil {
			t.Fatalf("funpack: %v\n%s", err, b)
		}
		plain, err := ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if plain.Compression != "" {
			t.Errorf("funpack's output is still compressed")
		}
		check("funpack", plain.Data)
		ran = true
	}
	if _, err := os.Stat(debianPython); err == nil {
		script := `
import sys, json
try:
    import numpy as np
    from astropy.io import fits
except ImportError as e:
    print(e); sys.exit(77)
with fits.open(sys.argv[1]) as h:
    d = h[1].data.astype(float).ravel()
    print(json.dumps([None if np.isnan(v) else v for v in d]))
`
		b, err := exec.Command(debianPython, "-c", script, path).CombinedOutput()
		if err == nil {
			var vals []*float64
			if err := json.Unmarshal(b, &vals); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			got := make([]float64, len(vals))
			for i, v := range vals {
				got[i] = math.NaN()
				if v != nil {
					got[i] = *v
				}
			}
			check("astropy", got)
			ran = true
		} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 77 {
			t.Fatalf("astropy: %v\n%s", err, b)
		}
	}
	if !ran {
		t.Skip("neither funpack (libcfitsio-bin) nor astropy is installed")
	}
}
