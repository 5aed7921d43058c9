package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/stage/magmap"
)

// writeMagnetograms writes synthetic disks (a smooth field seen from 1 au,
// 6 hours apart) into a MagMAP-style disk folder and returns its path.
func writeMagnetograms(t *testing.T, dir string, n int) string {
	t.Helper()
	disks := filepath.Join(dir, "disks")
	field := func(lon, lat float64) float64 { return 10*math.Sin(lat) + 20*math.Cos(lat)*math.Cos(lon) }
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		when := t0.Add(time.Duration(i) * 6 * time.Hour)
		img, err := magmap.ObserveDisk(field, magmap.DefaultObserver(80, when, 100-3.3*float64(i), -3))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(disks, when.Format("2006/01/02"), "hmi_m_720s_"+when.Format("20060102T150405")+".fits")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := fits.WriteFile(p, img); err != nil {
			t.Fatal(err)
		}
	}
	return disks
}

// TestMagmapThenRun maps three disks with goft magmap and runs goft run
// with data assimilation on the folder, as HipFT would read it.
func TestMagmapThenRun(t *testing.T) {
	dir := t.TempDir()
	disks := writeMagnetograms(t, dir, 3)
	maps := filepath.Join(dir, "maps")
	var so, se bytes.Buffer
	args := []string{"magmap", "-odir", maps, "-npout", "32", "-ntout", "17", "-npinterp", "128", "-ntinterp", "68", disks}
	if code := mainArgs(args, &so, &se); code != 0 {
		t.Fatalf("goft magmap: exit %d\n%s", code, se.String())
	}
	if !strings.Contains(so.String(), "mapped 3 disks") {
		t.Errorf("stdout %q", so.String())
	}
	list := filepath.Join(maps, "index_files", "magmap_maps_all.csv")
	// The initial map: zero, on the maps' grid.
	m, err := psihdf.Read(filepath.Join(maps, "2024/01/01/hmi_map_720s_20240101T000000.h5"))
	if err != nil {
		t.Fatal(err)
	}
	n := m.Dims[0] * m.Dims[1]
	br := make([]float64, n)
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), &psihdf.Map{Dims: m.Dims[:2], Scales: m.Scales[:2], Data: br}, false); err != nil {
		t.Fatal(err)
	}
	in := "&hipft_input_parameters\n initial_map_filename = 'br0.h5'\n time_end = 12.0\n" +
		" assimilate_data = .true.\n assimilate_data_map_list_filename = '" + list + "'\n assimilate_data_map_root_dir = '" + maps + "'\n" +
		" output_map_time_cadence = 6.0\n/\n"
	if err := os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	so.Reset()
	se.Reset()
	if code := mainArgs([]string{"run", "-q", "hipft.in"}, &so, &se); code != 0 {
		t.Fatalf("goft run: exit %d\n%s", code, se.String())
	}
	out, err := psihdf.Read(filepath.Join(dir, "hipft_brmap_final.h5"))
	if err != nil {
		t.Fatal(err)
	}
	// Where the last map has weight w, the final Br is within (1-w)|Br|
	// of its Br (the model started from zero and blended three maps in);
	// where no map has data it stays zero.
	last, err := psihdf.Read(filepath.Join(maps, "2024/01/01/hmi_map_720s_20240101T120000.h5"))
	if err != nil {
		t.Fatal(err)
	}
	checked, zero := 0, 0
	for i := 0; i < n; i++ {
		w := last.Data[n+i]
		switch {
		case w > 0.5:
			checked++
			if d := math.Abs(out.Data[i] - last.Data[i]); d > (1-w)*math.Abs(last.Data[i])+0.05 {
				t.Fatalf("pixel %d: final Br %v, assimilated %v (weight %v)", i, out.Data[i], last.Data[i], w)
			}
		case last.Data[n+i] == 0 && m.Data[n+i] == 0 && last.Data[2*n+i] < -0.5:
			zero++
			if math.Abs(out.Data[i]) > 0.05 {
				t.Fatalf("pixel %d on the far side: final Br %v, want about 0", i, out.Data[i])
			}
		}
	}
	if checked < 20 || zero < 20 {
		t.Errorf("%d pixels with weight > 0.5 and %d on the far side checked", checked, zero)
	}
}

func TestMagmapErrors(t *testing.T) {
	dir := t.TempDir()
	disks := writeMagnetograms(t, dir, 1)
	small := []string{"-npout", "16", "-ntout", "9", "-npinterp", "64", "-ntinterp", "36"}
	// A non-magnetogram in the folder.
	bad := filepath.Join(dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := magmap.ObserveDisk(func(float64, float64) float64 { return 1 }, magmap.DefaultObserver(32, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for i := range img.Header {
		if img.Header[i].Key == "CONTENT" {
			img.Header[i].Value = "DOPPLERGRAM"
		}
	}
	if err := fits.WriteFile(filepath.Join(bad, "hmi_v_720s_20240101T000000.fits"), img); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{}, "want one disk folder", 2},
		{[]string{disks, "-npout", "10"}, "flags go before the folder", 2},
		{[]string{"-startdate", "2024-01-01T00:00:00", disks}, "both -startdate and -enddate", 2},
		{[]string{"-startdate", "2024-01-01", "-enddate", "2024-01-02T00:00:00", disks}, "-startdate", 2},
		{[]string{"-npinterp", "100", disks}, "-npinterp 100 must be larger than -npout 1024", 2},
		{append(append([]string{}, small...), "-startdate", "2025-01-01T00:00:00", "-enddate", "2025-02-01T00:00:00", disks), "no disk in", 1},
		{append(append([]string{}, small...), filepath.Join(dir, "nothing")), "does not exist", 1},
		{append(append([]string{}, small...), "-o", filepath.Join(dir, "o2"), bad), "not a magnetogram", 1},
	} {
		var so, se bytes.Buffer
		code := mainArgs(append([]string{"magmap"}, c.args...), &so, &se)
		if code != c.code || !strings.Contains(se.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, se.String(), c.code, c.want)
		}
	}
}

// TestSynthObsFITSTwin is the twin experiment's first half: a known map
// observed as FITS disks by synth-obs -fits and mapped back by magmap
// gives the map's Br where the weight is high, to the accuracy of the two
// interpolations.
func TestSynthObsFITSTwin(t *testing.T) {
	dir := t.TempDir()
	truth := writeSynthMap(t, dir) // Br = 5 cos(theta) + sin(theta) cos(phi) on 21 x 11 points
	disks := filepath.Join(dir, "disks")
	var so, se bytes.Buffer
	if code := mainArgs([]string{"synth-obs", "-fits", "-npix", "200", "-map", truth, "-n", "2", "-cadence", "12", "-o", disks,
		"-lon0", "30", "-b0", "6", "-dsun", "0.99", "-roll", "179", "-rice"}, &so, &se); code != 0 {
		t.Fatalf("synth-obs -fits: exit %d\n%s", code, se.String())
	}
	maps := filepath.Join(dir, "maps")
	if code := mainArgs([]string{"magmap", "-q", "-o", maps, "-npout", "72", "-ntout", "36", "-npinterp", "288", "-ntinterp", "144", disks}, &so, &se); code != 0 {
		t.Fatalf("magmap: exit %d\n%s", code, se.String())
	}
	idx, err := os.ReadFile(filepath.Join(maps, "index_files", "magmap_maps_all.csv"))
	if err != nil || !strings.Contains(string(idx), "2024-01-01T12:00:00,2024-01-01T12:00:00,2460311.00000,2024/01/01/hmi_map_720s_20240101T120000.h5") {
		t.Fatalf("index %q, %v", idx, err)
	}
	m, err := psihdf.Read(filepath.Join(maps, "2024/01/01/hmi_map_720s_20240101T120000.h5"))
	if err != nil {
		t.Fatal(err)
	}
	np, nt := m.Dims[0], m.Dims[1]
	maxErr, count := 0.0, 0
	for j := 1; j < nt-1; j++ {
		for k := 0; k < np; k++ {
			if m.Data[np*nt+k+np*j] < 0.3*0.3*0.3*0.3 {
				continue
			}
			th, ph := m.Scales[1][j], m.Scales[0][k]
			want := 5*math.Cos(th) + math.Sin(th)*math.Cos(ph)
			maxErr = max(maxErr, math.Abs(m.Data[k+np*j]-want))
			count++
		}
	}
	t.Logf("max |Br - truth| = %.3g G over %d pixels with mu >= 0.3", maxErr, count)
	// The truth map is piecewise bilinear on a 21 x 11 grid, so the
	// mapped field departs from the smooth formula by the truth map's own
	// interpolation error (about 0.05 G here) plus the mapping's.
	if count < 200 || maxErr > 0.1 {
		t.Errorf("max |Br - truth| = %.3g G over %d pixels (want <= 0.1 G over at least 200)", maxErr, count)
	}
}
