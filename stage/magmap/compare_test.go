package magmap

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/testenv"
)

// debianPython is Debian's system Python, with python3-h5py and
// python3-sunpy (a python3 earlier on PATH may lack them).
const debianPython = "/usr/bin/python3"

func needPython(t *testing.T, modules ...string) {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("skipping: %s not found", debianPython)
	}
	for _, m := range modules {
		if err := exec.Command(debianPython, "-c", "import "+m).Run(); err != nil {
			t.Skipf("skipping: %s cannot import %s (apt-get install python3-%s)", debianPython, m, m)
		}
	}
}

// TestAgainstMagMAP maps the fixture disk (a 256 x 256 synthetic HMI-like
// disk, RICE_1 compressed as JSOC writes them) with the options MagMAP was
// run with (testdata/README.md) and compares with MagMAP's map: the same
// no-data pixels, Br within float32 rounding of MagMAP's single-precision
// matrix products (measured: 1.1e-5 G, 7e-6 relative), weight and mu
// within 1e-6, the same scales and the same index file, byte for byte.
func TestAgainstMagMAP(t *testing.T) {
	src := filepath.Join("testdata", "magmap_small")
	out := t.TempDir()
	opt := Options{NPOut: 180, NTOut: 90, NPInterp: 720, NTInterp: 360, R0: 1}
	rep, err := Run(filepath.Join(src, "disks"), out, Selection{DiskIndex: DefaultDiskIndex, MapIndex: DefaultMapIndex}, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mapped) != 1 {
		t.Fatalf("report %+v", rep)
	}
	rel := filepath.FromSlash(rep.Mapped[0])
	got, err := psihdf.Read(filepath.Join(out, rel))
	if err != nil {
		t.Fatal(err)
	}
	want, err := psihdf.Read(filepath.Join(src, "maps", rel))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Scales {
		for k, v := range want.Scales[i] {
			if got.Scales[i][k] != v {
				t.Fatalf("dim%d[%d] = %v, MagMAP %v", i+1, k, got.Scales[i][k], v)
			}
		}
	}
	n := want.Dims[0] * want.Dims[1]
	names := []string{"Br", "weight", "mu"}
	for l := range 3 {
		maxAbs, maxRel, mask := 0.0, 0.0, 0
		for i := l * n; i < (l+1)*n; i++ {
			g, w := got.Data[i], want.Data[i]
			if (g == NoDataValue) != (w == NoDataValue) {
				mask++
				continue
			}
			d := math.Abs(g - w)
			maxAbs = max(maxAbs, d)
			maxRel = max(maxRel, d/max(math.Abs(w), 1))
		}
		t.Logf("%s: max |goft - MagMAP| = %.3g (relative %.3g), no-data pixels that differ: %d", names[l], maxAbs, maxRel, mask)
		tol := 1e-6
		if l == 0 {
			tol = 2e-5 // relative to max(|Br|, 1 G)
		}
		if mask > 0 || maxRel > tol {
			t.Errorf("%s differs from MagMAP's: %d no-data pixels, max relative difference %.3g (want 0 and <= %g)", names[l], mask, maxRel, tol)
		}
	}
	gi, _ := os.ReadFile(rep.Index)
	wi, _ := os.ReadFile(filepath.Join(src, "maps", IndexDir, DefaultMapIndex))
	if string(gi) != string(wi) {
		t.Errorf("index\n%s\nMagMAP's\n%s", gi, wi)
	}
	// The attributes, as h5py reads them.
	needPython(t, "h5py")
	script := `
import sys, json, h5py
out = []
for p in sys.argv[1:]:
    with h5py.File(p, "r") as f:
        out.append({k: (v if isinstance(v, str) else float(v)) for k, v in f.attrs.items()})
print(json.dumps(out))
`
	b, err := exec.Command(debianPython, "-c", script, filepath.Join(out, rel), filepath.Join(src, "maps", rel)).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py: %v\n%s", err, b)
	}
	var attrs []map[string]any
	if err := json.Unmarshal(b, &attrs); err != nil {
		t.Fatal(err)
	}
	if len(attrs[1]) != 4 {
		t.Errorf("MagMAP's map has attributes %v", attrs[1])
	}
	for k, w := range attrs[1] {
		if attrs[0][k] != w {
			t.Errorf("attribute %s:\n%v\nMagMAP's:\n%v", k, attrs[0][k], w)
		}
	}
}

// TestSunpyWCS reads sunpy's test headers (resampled_hmi.fits and the MDI
// magnetogram header mdi.fd_M_96m_lev182...header) and checks, for a grid
// of pixels, that the helioprojective coordinates goft's mapping uses
// (CRVAL + CROTA2-rotated CDELT*(pixel - CRPIX), linear in pixels as in
// MagMAP) agree with sunpy's Map.pixel_to_world (the full TAN projection)
// to within the TAN projection's third-order terms (r^3, r the angle from
// CRVAL: 0.02 arcsec at the image corners, below 0.01 on the disk); and that goft
// reads the observer keywords sunpy reads. resampled_hmi.fits (a
// continuum intensity image) must be refused as not a magnetogram.
func TestSunpyWCS(t *testing.T) {
	testenv.SkipUnlessLong(t, "about 4 s, mostly sunpy starting")
	needPython(t, "sunpy")
	dir := "/usr/lib/python3/dist-packages/sunpy/data/test"
	hmi := filepath.Join(dir, "resampled_hmi.fits")
	mdi := filepath.Join(dir, "mdi.fd_M_96m_lev182.20101015_191200_TAI.data.header")
	if _, err := os.Stat(hmi); err != nil {
		t.Skipf("sunpy test data not installed: %v", err)
	}
	// The MDI header as a FITS file with a small image of the header's size.
	mdiFits := filepath.Join(t.TempDir(), "mdi.fits")
	script := `
import sys, json, warnings
warnings.simplefilter("ignore")
import numpy as np
import astropy.units as u
from astropy.io import fits
import sunpy.map
hdr = fits.Header.fromtextfile(sys.argv[2])
fits.PrimaryHDU(data=np.zeros((hdr["NAXIS2"], hdr["NAXIS1"]), dtype=np.float32), header=hdr).writeto(sys.argv[3], overwrite=True)
out = []
for path in [sys.argv[1], sys.argv[3]]:
    m = sunpy.map.Map(path)
    ny, nx = m.data.shape
    px = np.linspace(0, nx - 1, 7); py = np.linspace(0, ny - 1, 5)
    pts = [(x, y) for x in px for y in py]
    c = m.pixel_to_world([p[0] for p in pts] * u.pix, [p[1] for p in pts] * u.pix)
    out.append({"pix": pts, "tx": c.Tx.to_value(u.arcsec).tolist(), "ty": c.Ty.to_value(u.arcsec).tolist(),
                "dsun": m.dsun.to_value(u.m), "rsun_obs": m.rsun_obs.to_value(u.arcsec)})
print(json.dumps(out))
`
	b, err := exec.Command(debianPython, "-c", script, hmi, mdi, mdiFits).CombinedOutput()
	if err != nil {
		t.Fatalf("sunpy: %v\n%s", err, b)
	}
	var ref []struct {
		Pix     [][2]float64
		Tx, Ty  []float64
		Dsun    float64
		RsunObs float64 `json:"rsun_obs"`
	}
	if err := json.Unmarshal(b[strings.LastIndexByte(string(b[:len(b)-1]), '\n')+1:], &ref); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for i, path := range []string{hmi, mdiFits} {
		img, err := fits.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDisk(path, img)
		if i == 0 {
			if err == nil || !strings.Contains(err.Error(), "not a magnetogram") {
				t.Errorf("%s: %v, want it refused as not a magnetogram", path, err)
			}
			// Check its WCS all the same.
			c := *img
			c.ImageHeader = nil
			c.Header = nil
			for _, card := range img.ImageHeader {
				if card.Key != "CONTENT" && card.Key != "BUNIT" {
					c.Header = append(c.Header, card)
				}
			}
			if d, err = NewDisk(path, &c); err != nil {
				t.Fatal(err)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		maxd, maxOver := 0.0, 0.0
		for k, p := range ref[i].Pix {
			tx, ty := d.PixelToHelioprojective(p[0], p[1])
			dist := math.Hypot(tx-ref[i].Tx[k], ty-ref[i].Ty[k])
			// The TAN projection departs from the linear one by r^3/3
			// (r the distance from CRVAL in radians); allow r^3.
			r := math.Hypot(tx-d.CRVAL1, ty-d.CRVAL2) / arcsecPerRadian
			tol := r*r*r*arcsecPerRadian + 1e-6
			maxd = max(maxd, dist)
			maxOver = max(maxOver, dist/tol)
		}
		t.Logf("%s: max distance to sunpy's helioprojective coordinates over %d pixels: %.3g arcsec, at most %.2f of the TAN terms r^3 (pixel %.3g arcsec, CROTA2 %v)", filepath.Base(path), len(ref[i].Pix), maxd, maxOver, d.CDELT1, d.CROTA2)
		if maxOver > 1 {
			t.Errorf("%s: coordinates differ from sunpy's by more than the TAN projection's r^3 terms (%.2f of them, %.3g arcsec)", path, maxOver, maxd)
		}
		if math.Abs(d.DsunObs/ref[i].Dsun-1) > 1e-12 || math.Abs(d.RsunArcsec-ref[i].RsunObs) > 1e-9 {
			t.Errorf("%s: DSUN_OBS %v, RSUN_OBS %v; sunpy %v, %v", path, d.DsunObs, d.RsunArcsec, ref[i].Dsun, ref[i].RsunObs)
		}
	}
}

// TestSunpyMeta checks the fits_header attribute against sunpy: for
// sunpy's resampled_hmi.fits (long strings in CONTINUE cards, COMMENT and
// HISTORY, comments) and the fixture disk (a RICE-compressed image in HDU
// 1), SunpyMetaJSON of goft's header must equal json.dumps(Map.meta).
func TestSunpyMeta(t *testing.T) {
	testenv.SkipUnlessLong(t, "about 4 s, mostly sunpy starting")
	needPython(t, "sunpy")
	files := []string{"/usr/lib/python3/dist-packages/sunpy/data/test/resampled_hmi.fits",
		filepath.Join("testdata", "magmap_small", "disks", "2024", "01", "01", "hmi_m_720s_20240101T060000.fits")}
	if _, err := os.Stat(files[0]); err != nil {
		t.Skipf("sunpy test data not installed: %v", err)
	}
	script := `
import sys, json, warnings
warnings.simplefilter("ignore")
import sunpy.map
print(json.dumps([json.dumps(sunpy.map.Map(p).meta) for p in sys.argv[1:]]))
`
	b, err := exec.Command(debianPython, append([]string{"-c", script}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("sunpy: %v\n%s", err, b)
	}
	var want []string
	if err := json.Unmarshal(b[strings.LastIndexByte(string(b[:len(b)-1]), '\n')+1:], &want); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	for i, f := range files {
		img, err := fits.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := SunpyMetaJSON(img.ImageHeader); got != want[i] {
			t.Errorf("%s:\ngoft:  %s\nsunpy: %s", f, got, want[i])
		}
	}
}
