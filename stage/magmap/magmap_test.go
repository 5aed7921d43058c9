package magmap

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/parallel"
)

// analyticBr is a smooth test field (Gauss) with structure in longitude
// and latitude.
func analyticBr(lon, lat float64) float64 {
	s, c := math.Sin(lat), math.Cos(lat)
	return 8*s + 40*c*c*s*math.Cos(3*lon) + 25*c*c*c*math.Sin(2*lon+0.3) + 15*(3*s*s-1)
}

var testTime = time.Date(2024, 1, 1, 6, 0, 0, 0, time.UTC)

func observe(t testing.TB, n int, crln, crlt float64) *Disk {
	t.Helper()
	img, err := ObserveDisk(analyticBr, DefaultObserver(n, testTime, crln, crlt))
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDisk("synthetic.fits", img)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAnalyticConvergence maps synthetic disks of a known field at three
// resolutions (disk N x N, interpolation grid 4N x 2N, output N/2 x N/4)
// and compares Br with the field at the output pixel centres where the
// weight is at least 0.3^4 (mu >= 0.3; the pole rows, set to their mean,
// excluded). Bilinear interpolation and binning are second order, so the
// error must fall by about 4 per doubling.
func TestAnalyticConvergence(t *testing.T) {
	pool := parallel.New(0)
	defer pool.Close()
	var errs []float64
	for _, n := range []int{128, 256, 512} {
		d := observe(t, n, 80.25, -3.05)
		m, err := Remap(d, Options{NPOut: n / 2, NTOut: n / 4, NPInterp: 4 * n, NTInterp: 2 * n, R0: 1, Pool: pool})
		if err != nil {
			t.Fatal(err)
		}
		maxErr, count := 0.0, 0
		for i := 1; i < m.NT-1; i++ {
			for k := 0; k < m.NP; k++ {
				if m.Weight[i*m.NP+k] < math.Pow(0.3, 4) {
					continue
				}
				count++
				e := math.Abs(m.Br[i*m.NP+k] - analyticBr(m.Phi[k], m.Lat[i]))
				maxErr = max(maxErr, e)
			}
		}
		if count < m.NP*m.NT/8 {
			t.Fatalf("N=%d: only %d pixels with mu >= 0.3", n, count)
		}
		t.Logf("disk %d^2, output %dx%d: max |Br - exact| = %.4g G over %d pixels", n, m.NP, m.NT, maxErr, count)
		errs = append(errs, maxErr)
	}
	for i := 1; i < len(errs); i++ {
		order := math.Log2(errs[i-1] / errs[i])
		if order < 1.7 {
			t.Errorf("error falls with order %.2f from step %d to %d (errors %v); want about 2", order, i-1, i, errs)
		}
	}
	if errs[len(errs)-1] > 0.5 {
		t.Errorf("finest error %.3g G (field up to ~60 G)", errs[len(errs)-1])
	}
}

// TestBinningConservesFlux bins an exact field given on the whole sphere
// (Br on the visible hemisphere, 0 behind it, data everywhere) in float64
// and requires the flux sum Br dphi d(sin lat) over the output grid to
// equal that over the interpolation grid to 1e-12 of the unsigned flux.
// The field is tapered to 0 poleward of 70 degrees: MagMAP then sets each
// pole row to its plain mean, which counts the half pixels at phi = 0 and
// 2 pi fully and so does not conserve flux exactly (goft does the same).
func TestBinningConservesFlux(t *testing.T) {
	for _, opt := range []Options{
		{NPOut: 64, NTOut: 32, NPInterp: 640, NTInterp: 320, R0: 1},
		{NPOut: 100, NTOut: 51, NPInterp: 333, NTInterp: 170, R0: 1}, // grids that do not nest
	} {
		l0, b0 := 1.3, 0.1
		obs := [3]float64{math.Cos(b0) * math.Cos(l0), math.Cos(b0) * math.Sin(l0), math.Sin(b0)}
		var fineFlux, fineAbs float64
		// The fine grid's pixel areas, as remap defines them.
		np, nt := opt.NPInterp, opt.NTInterp
		x := linspace(0, 2*math.Pi, np)
		lat := linspace(-math.Pi/2, math.Pi/2, nt)
		xe := edges(x)
		s := make([]float64, nt)
		for j := range s {
			s[j] = math.Sin(lat[j])
		}
		se := edges(s)
		se[0], se[nt] = -1, 1
		field := func(st, ct, cp, sp float64) float64 {
			mu := st*cp*obs[0] + st*sp*obs[1] + ct*obs[2]
			lat := math.Asin(ct)
			if mu <= 0 || math.Abs(lat) > 70*math.Pi/180 {
				return 0
			}
			taper := math.Cos(lat / (70 * math.Pi / 180) * math.Pi / 2)
			return taper * analyticBr(math.Atan2(sp, cp), lat)
		}
		sample := func(st, ct, cp, sp float64) (float64, float64, bool) {
			return field(st, ct, cp, sp), st*cp*obs[0] + st*sp*obs[1] + ct*obs[2], true
		}
		// remap samples rows at the pole-shifted latitudes; the flux of what
		// it sampled is what binning must keep.
		dy := lat[1] - lat[0]
		for j := 0; j < nt; j++ {
			la := lat[j]
			if j == 0 {
				la += dy / 4
			} else if j == nt-1 {
				la -= dy / 4
			}
			theta := math.Pi/2 - math.Asin(math.Sin(la))
			for k := 0; k < np; k++ {
				v := field(math.Sin(theta), math.Cos(theta), math.Cos(x[k]), math.Sin(x[k]))
				a := (se[j+1] - se[j]) * (xe[k+1] - xe[k])
				fineFlux += v * a
				fineAbs += math.Abs(v) * a
			}
		}
		m := remap(opt, sample, true)
		ox, oe := edges(m.Phi), make([]float64, m.NT)
		for i := range oe {
			oe[i] = math.Sin(m.Lat[i])
		}
		oy := edges(oe)
		var flux, abs float64
		for i := 0; i < m.NT; i++ {
			for k := 0; k < m.NP; k++ {
				v := m.Br[i*m.NP+k]
				if v == NoDataValue {
					t.Fatalf("no data at (%d, %d) though the field is everywhere", i, k)
				}
				a := (oy[i+1] - oy[i]) * (ox[k+1] - ox[k])
				flux += v * a
				abs += math.Abs(v) * a
			}
		}
		rel := math.Abs(flux-fineFlux) / fineAbs
		t.Logf("%dx%d <- %dx%d: flux %.15g vs %.15g, relative difference %.3g; unsigned %.15g vs %.15g", opt.NPOut, opt.NTOut, np, nt, flux, fineFlux, rel, abs, fineAbs)
		if rel > 1e-12 {
			t.Errorf("binning changes the flux by %.3g of the unsigned flux (want <= 1e-12)", rel)
		}
	}
}

// edges returns pixel edges for centres c: the ends, then midpoints.
func edges(c []float64) []float64 {
	e := make([]float64, len(c)+1)
	e[0], e[len(c)] = c[0], c[len(c)-1]
	for i := 0; i+1 < len(c); i++ {
		e[i+1] = (c[i] + c[i+1]) / 2
	}
	return e
}

// TestOverlaps checks the 1-D overlap shares on a hand-computed case and
// that each old pixel's portions sum to 1.
func TestOverlaps(t *testing.T) {
	old := []float64{0, 1, 2, 3, 4}
	got := overlaps([]float64{0, 1.5, 4}, old)
	want := [][]overlap{{{0, 1, 1.0 / 1.5}, {1, 0.5, 0.5 / 1.5}}, {{1, 0.5, 0.5 / 2.5}, {2, 1, 1 / 2.5}, {3, 1, 1 / 2.5}}}
	for n := range want {
		if len(got[n]) != len(want[n]) {
			t.Fatalf("new pixel %d: %+v, want %+v", n, got[n], want[n])
		}
		for i := range want[n] {
			g, w := got[n][i], want[n][i]
			if g.idx != w.idx || math.Abs(g.portion-w.portion) > 1e-15 || math.Abs(g.weight-w.weight) > 1e-15 {
				t.Errorf("new pixel %d share %d: %+v, want %+v", n, i, g, w)
			}
		}
	}
	// A new pixel inside one old pixel.
	got = overlaps([]float64{1.25, 1.5}, old)
	if len(got[0]) != 1 || got[0][0].idx != 1 || got[0][0].portion != 0.25 || got[0][0].weight != 1 {
		t.Errorf("inner pixel: %+v", got[0])
	}
}

// TestDiskErrors checks that unusable files are refused with an error
// naming the file and the problem.
func TestDiskErrors(t *testing.T) {
	good, err := ObserveDisk(analyticBr, DefaultObserver(64, testTime, 10, 0))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(img *fits.Image)) *fits.Image {
		img := &fits.Image{Dims: append([]int{}, good.Dims...), Data: append([]float64{}, good.Data...), Header: append(fits.Header{}, good.Header...)}
		f(img)
		return img
	}
	drop := func(key string) func(*fits.Image) {
		return func(img *fits.Image) {
			var h fits.Header
			for _, c := range img.Header {
				if c.Key != key {
					h = append(h, c)
				}
			}
			img.Header = h
		}
	}
	set := func(key string, v any) func(*fits.Image) {
		return func(img *fits.Image) {
			for i := range img.Header {
				if img.Header[i].Key == key {
					img.Header[i].Value = v
				}
			}
		}
	}
	for _, tc := range []struct {
		name string
		img  *fits.Image
		want string
	}{
		{"no DSUN_OBS", edit(drop("DSUN_OBS")), "lacks DSUN_OBS"},
		{"no date", edit(func(img *fits.Image) { drop("DATE_OBS")(img); drop("DATE-OBS")(img); drop("T_OBS")(img) }), "DATE_OBS, DATE-OBS or T_OBS"},
		{"bad date", edit(set("DATE_OBS", "yesterday")), "not a date"},
		{"intensity", edit(set("CONTENT", "CONTINUUM INTENSITY")), "not a magnetogram"},
		{"unit", edit(set("BUNIT", "DN/s")), "not a magnetic field"},
		{"all NaN", edit(func(img *fits.Image) {
			for i := range img.Data {
				img.Data[i] = math.NaN()
			}
		}), "every pixel is NaN"},
		{"off disk", edit(set("CRPIX1", 5000.0)), "no finite pixel lies on the solar disk"},
		{"degrees", edit(set("CUNIT1", "deg")), "want arcsec"},
		{"3-D", edit(func(img *fits.Image) { img.Dims = []int{64, 32, 2} }), "has 3 axes"},
		{"string CDELT", edit(set("CDELT1", "big")), "CDELT1 (not a number)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDisk("disk.fits", tc.img)
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrDisk) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "disk.fits") {
				t.Errorf("error %q, want ErrDisk naming disk.fits and containing %q", err, tc.want)
			}
		})
	}
}

// TestOptionsCheck checks the option errors name the option.
func TestOptionsCheck(t *testing.T) {
	for _, tc := range []struct {
		opt  Options
		want string
	}{
		{Options{NPOut: 100, NTOut: 50, NPInterp: 100, NTInterp: 200, R0: 1}, "-npinterp"},
		{Options{NPOut: 100, NTOut: 50, NPInterp: 200, NTInterp: 50, R0: 1}, "-ntinterp"},
		{Options{NPOut: 100, NTOut: 50, NPInterp: 200, NTInterp: 100, R0: 0}, "-r0"},
		{Options{NPOut: 1, NTOut: 50, NPInterp: 200, NTInterp: 100, R0: 1}, "-npout"},
	} {
		if err := tc.opt.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.opt, err, tc.want)
		}
	}
	if err := DefaultOptions().Check(); err != nil {
		t.Error(err)
	}
}

// writeDisk writes a synthetic disk FITS file into a MagMAP disk folder.
func writeDisk(t *testing.T, dir string, when time.Time, crln float64) string {
	t.Helper()
	img, err := ObserveDisk(analyticBr, DefaultObserver(96, when, crln, 0))
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join(when.Format("2006/01/02"), "hmi_m_720s_"+when.Format("20060102T150405")+".fits")
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fits.WriteFile(path, img); err != nil {
		t.Fatal(err)
	}
	return rel
}

// TestRunFolderAndUpdate maps a folder of disks, checks MagMAP's layout and
// index, then adds a disk and runs the update mode, which maps only it.
func TestRunFolderAndUpdate(t *testing.T) {
	disks, maps := t.TempDir(), filepath.Join(t.TempDir(), "maps")
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	writeDisk(t, disks, t0, 100)
	writeDisk(t, disks, t0.Add(6*time.Hour+29*time.Minute), 97)
	opt := Options{NPOut: 36, NTOut: 18, NPInterp: 144, NTInterp: 72, R0: 1}
	sel := Selection{DiskIndex: DefaultDiskIndex, MapIndex: DefaultMapIndex}
	var calls []int
	rep, err := Run(disks, maps, sel, opt, func(done, total int) { calls = append(calls, done, total) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mapped) != 2 || rep.Mapped[1] != "2024/01/01/hmi_map_720s_20240101T062900.h5" || len(calls) != 4 || calls[3] != 2 {
		t.Fatalf("report %+v, progress %v", rep, calls)
	}
	index, err := os.ReadFile(rep.Index)
	if err != nil {
		t.Fatal(err)
	}
	wantIndex := "target_datetime_utc,obs_datetime_utc,obs_jd,map_path\n" +
		"2024-01-01T00:00:00,2024-01-01T00:00:00,2460310.50000,2024/01/01/hmi_map_720s_20240101T000000.h5\n" +
		"2024-01-01T06:00:00,2024-01-01T06:29:00,2460310.77014,2024/01/01/hmi_map_720s_20240101T062900.h5\n"
	if string(index) != wantIndex {
		t.Errorf("index\n%s\nwant\n%s", index, wantIndex)
	}
	m, err := psihdf.Read(filepath.Join(maps, filepath.FromSlash(rep.Mapped[0])))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Dims) != 3 || m.Dims[0] != 36 || m.Dims[1] != 18 || m.Dims[2] != 3 || m.Scales[1][0] != 0 || m.Scales[2][2] != 2 {
		t.Errorf("map dims %v, theta from %v, layers %v", m.Dims, m.Scales[1][0], m.Scales[2])
	}
	// Update mode: disks after the newest map's target time (06:00, the
	// hour nearest 06:29, as in MagMAP) are selected; the one mapped already
	// is skipped and only the new one mapped.
	writeDisk(t, disks, t0.Add(12*time.Hour), 94)
	rep, err = Run(disks, maps, sel, opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Mapped) != 1 || rep.Mapped[0] != "2024/01/01/hmi_map_720s_20240101T120000.h5" || len(rep.Skipped) != 1 {
		t.Errorf("update mode: %+v", rep)
	}
	// A date range without disks is an error that names the range.
	sel.Start, sel.End = t0.AddDate(0, 1, 0), t0.AddDate(0, 2, 0)
	if _, err := Run(disks, maps, sel, opt, nil); err == nil || !strings.Contains(err.Error(), "2024-02-01T00:00:00") {
		t.Errorf("empty range: %v", err)
	}
	// A date range with maps that exist already skips them.
	sel.Start, sel.End = t0, t0.Add(time.Hour)
	rep, err = Run(disks, maps, sel, opt, nil)
	if err != nil || len(rep.Skipped) != 1 || len(rep.Mapped) != 0 {
		t.Errorf("range over a mapped disk: %+v, %v", rep, err)
	}
}

func TestRoundHourAndJD(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2024-01-01T00:29:59", "2024-01-01T00:00:00"},
		{"2024-01-01T00:30:01", "2024-01-01T01:00:00"},
		{"2024-01-01T00:30:00", "2024-01-01T00:00:00"}, // half to even
		{"2024-01-01T01:30:00", "2024-01-01T02:00:00"},
	} {
		in, _ := time.Parse(indexDateLayout, tc.in)
		if got := roundHour(in).Format(indexDateLayout); got != tc.want {
			t.Errorf("roundHour(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if jd := julianDate(time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)); jd != 2451545.0 {
		t.Errorf("J2000 = %v", jd)
	}
}

func TestPyFloatRepr(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{1, "1.0"}, {0.1, "0.1"}, {2.01746, "2.01746"}, {148205511547.72, "148205511547.72"}, {1e-05, "1e-05"},
		{0.0001, "0.0001"}, {1e16, "1e+16"}, {123456789012345678, "1.2345678901234568e+17"}, {-65500, "-65500.0"},
		{968.6605534216949, "968.6605534216949"}, {math.NaN(), "NaN"},
	} {
		if got := PyFloatRepr(tc.v); got != tc.want {
			t.Errorf("PyFloatRepr(%v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
