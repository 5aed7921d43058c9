package oft

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDateOf checks dates against astropy 5.2 (Time(start, scale='utc') +
// TimeDelta(hours*3600, format='sec'), .unix, and the same from .tai with
// .unix_tai), across the leap second of 2016-12-31.
func TestDateOf(t *testing.T) {
	for _, c := range []struct {
		start   string
		hours   float64
		unixUTC float64
		utc     string
		unixTAI float64
		tai     string
	}{
		{"2016-12-25T06:00:00", 0, 1482645600.000, "2016-12-25T06:00:00.000", 1482645636.000, "2016-12-25T06:00:36.000"},
		{"2016-12-25T06:00:00", 24.0, 1482732000.000, "2016-12-26T06:00:00.000", 1482732036.000, "2016-12-26T06:00:36.000"},
		{"2016-12-25T06:00:00", 168.5, 1483252199.000, "2017-01-01T06:29:59.000", 1483252236.000, "2017-01-01T06:30:36.000"},
		{"2016-12-25T06:00:00", 720.001, 1485237602.600, "2017-01-24T06:00:02.600", 1485237639.600, "2017-01-24T06:00:39.600"},
		{"2015-01-01T00:00:00", 0, 1420070400.000, "2015-01-01T00:00:00.000", 1420070435.000, "2015-01-01T00:00:35.000"},
		{"2015-01-01T00:00:00", 168.5, 1420677000.000, "2015-01-08T00:30:00.000", 1420677035.000, "2015-01-08T00:30:35.000"},
		{"2015-01-01T00:00:00", 720.001, 1422662403.600, "2015-01-31T00:00:03.600", 1422662438.600, "2015-01-31T00:00:38.600"},
		{"2024-03-01T00:00:00", 720.001, 1711843203.600, "2024-03-31T00:00:03.600", 1711843240.600, "2024-03-31T00:00:40.600"},
	} {
		s, err := ParseDate(c.start)
		if err != nil {
			t.Fatal(err)
		}
		d := DateOf(*s, c.hours)
		if d.UTC != c.utc || d.TAI != c.tai || abs(d.UnixUTC-c.unixUTC) > 5e-4 || abs(d.UnixTAI-c.unixTAI) > 5e-4 {
			t.Errorf("%s + %g h = %+v, want %.3f %s %.3f %s", c.start, c.hours, d, c.unixUTC, c.utc, c.unixTAI, c.tai)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestWriteDatedMapLists checks the dated map lists' layout: the header
// with the added columns, times counted from the first map's.
func TestWriteDatedMapLists(t *testing.T) {
	in := "  IDX      TIME           FILE\n     1  100.000000  hipft_brmap_idx000001.h5\n     2  124.000000  hipft_brmap_idx000002.h5\n"
	s, _ := ParseDate("2015-01-01T00:00:00")
	var utc, tai bytes.Buffer
	if err := WriteDatedMapLists(strings.NewReader(in), *s, &utc, &tai); err != nil {
		t.Fatal(err)
	}
	wantUTC := "  IDX      TIME           FILE UTC(sec) UTC\n" +
		"     1  100.000000  hipft_brmap_idx000001.h5 1420070400.000 2015-01-01T00:00:00.000\n" +
		"     2  124.000000  hipft_brmap_idx000002.h5 1420156800.000 2015-01-02T00:00:00.000\n"
	if utc.String() != wantUTC {
		t.Errorf("UTC list:\n%s\nwant\n%s", utc.String(), wantUTC)
	}
	if !strings.Contains(tai.String(), " TAI(sec) TAI\n") || !strings.Contains(tai.String(), "1420156835.000 2015-01-02T00:00:35.000") {
		t.Errorf("TAI list:\n%s", tai.String())
	}
	if err := WriteDatedMapLists(strings.NewReader("h\nbad\n"), *s, &utc, &tai); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a line without a time: %v", err)
	}
}

// TestClearDebris checks that only goft's temporary files are removed.
func TestClearDebris(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"vt000001.h5", "vt000002.h5.tmp-123", "sub/.hipft_history_sol_r000001.out.tmp-9", "sub/keep.out"} {
		p := filepath.Join(dir, n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, nil, 0o644)
	}
	if err := clearDebris(dir); err != nil {
		t.Fatal(err)
	}
	for n, keep := range map[string]bool{"vt000001.h5": true, "vt000002.h5.tmp-123": false, "sub/.hipft_history_sol_r000001.out.tmp-9": false, "sub/keep.out": true} {
		if _, err := os.Stat(filepath.Join(dir, n)); (err == nil) != keep {
			t.Errorf("%s: kept %v, want %v", n, err == nil, keep)
		}
	}
	if err := clearDebris(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("a missing folder: %v", err)
	}
}

// TestDatedListsClearTheirDebris checks that the dated map lists, written
// into the maps' folder (another stage's, cleaned before that stage ran),
// remove the temporary files a killed attempt left of them, and nothing
// else (TestOFTKilled found one left when a kill hit that write).
func TestDatedListsClearTheirDebris(t *testing.T) {
	run := t.TempDir()
	maps := filepath.Join(run, "hipft", "processed_maps")
	os.MkdirAll(maps, 0o755)
	list := "  IDX      TIME           FILE\n     1  100.000000  hipft_brmap_idx000001.h5\n"
	os.WriteFile(filepath.Join(run, "hipft", "hipft_output_map_list.out"), []byte(list), 0o644)
	for _, n := range []string{".hipft_output_map_list_tai.out.tmp-2684724301", ".hipft_output_map_list_utc.out.tmp-1", "hipft_brmap_idx000001.h5"} {
		os.WriteFile(filepath.Join(maps, n), nil, 0o644)
	}
	s, _ := ParseDate("2015-01-01T00:00:00")
	d := &Driver{runDir: run, start: *s}
	if err := d.datedLists(maps); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(maps)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "hipft_brmap_idx000001.h5 hipft_output_map_list_tai.out hipft_output_map_list_utc.out"; got != want {
		t.Fatalf("the maps' folder holds %s, want %s", got, want)
	}
}
