package assim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	goodA = "2024-01-01T00:00:00,2024-01-01T00:01:00,2460310.50069,2024/01/01/map_a.h5"
	goodB = "2024-01-01T06:00:00 2024-01-01T06:00:00 2460310.75000 map b.h5  \r"
)

func TestParseList(t *testing.T) {
	cases := []struct {
		name    string
		text    string
		want    []Entry
		errHas  []string // substrings of the error; nil means success
		errLine string
	}{
		{name: "two lines", text: ListHeader + "\n" + goodA + "\n" + goodB + "\n",
			want: []Entry{
				{Line: 2, RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:01:00", JD: 2460310.50069, Path: "2024/01/01/map_a.h5"},
				{Line: 3, RequestedUT: "2024-01-01T06:00:00", ActualUT: "2024-01-01T06:00:00", JD: 2460310.75, Path: "map b.h5"},
			}},
		{name: "header only counts nothing", text: "whatever the header says\n" + goodA,
			want: []Entry{{Line: 2, RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:01:00", JD: 2460310.50069, Path: "2024/01/01/map_a.h5"}}},
		{name: "trailing blank lines ignored", text: ListHeader + "\n" + goodA + "\n\n  \n",
			want: []Entry{{Line: 2, RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:01:00", JD: 2460310.50069, Path: "2024/01/01/map_a.h5"}}},
		{name: "Fortran D exponent", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,2.4603105D+06,m.h5",
			want: []Entry{{Line: 2, RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 2460310.5, Path: "m.h5"}}},
		{name: "empty file", text: "", errHas: []string{"is empty"}},
		{name: "no maps", text: ListHeader + "\n", errHas: []string{"lists no maps"}},
		{name: "blank line inside", text: ListHeader + "\n" + goodA + "\n\n" + goodB, errHas: []string{":3:", "blank line"}},
		{name: "short JD", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,2460310.5,map.h5", errHas: []string{":2:", "columns 41-53"}},
		{name: "long JD", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,2460310.500000,map.h5", errHas: []string{":2:", "column 54"}},
		{name: "JD without point", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,    246031050,map.h5", errHas: []string{"no decimal point"}},
		{name: "JD not a number", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,2460310.5000x,map.h5", errHas: []string{"not a number"}},
		{name: "no path", text: ListHeader + "\n" + "2024-01-01T00:00:00,2024-01-01T00:00:00,2460310.50000,   ", errHas: []string{"no map path"}},
		{name: "too short", text: ListHeader + "\n" + "2024-01-01T00:00:00,2460310.5,map.h5", errHas: []string{":2:", "too short"}},
		{name: "short date", text: ListHeader + "\n" + "2024-01-01T00:00,2024-01-01T00:00:00,2460310.50000,map.h5", errHas: []string{":2:"}},
		{name: "decreasing dates", text: ListHeader + "\n" + goodB + "\n" + goodA, errHas: []string{":3:", "time order"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseList(strings.NewReader(c.text), "maps.csv")
			if c.errHas != nil {
				if err == nil {
					t.Fatalf("no error; got %+v", got)
				}
				for _, s := range append(c.errHas, "maps.csv") {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d entries %+v, want %d", len(got), got, len(c.want))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestReadListMissing(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.csv")
	_, err := ReadList(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("error %v should name %s and say it does not exist", err, p)
	}
}

func TestFormatEntryRoundTrip(t *testing.T) {
	es := []Entry{
		{RequestedUT: "0001-01-01T00:00:00", ActualUT: "0001-01-01T00:00:00", JD: 1721425.5, Path: "x.h5"},
		{RequestedUT: "1858-11-17T00:00:00", ActualUT: "1858-11-17T00:00:00", JD: 2400000.5, Path: "old.h5"},
		{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 2460310.5, Path: "maps/a.h5"},
		{RequestedUT: "2024-01-01T06:00:00", ActualUT: "2024-01-01T06:00:30", JD: 2460310.75035, Path: "maps/b c.h5"},
	}
	text := ListHeader + "\n"
	for _, e := range es {
		line, err := FormatEntry(e)
		if err != nil {
			t.Fatal(err)
		}
		if len(line) != colPath+len(e.Path) {
			t.Errorf("line %q has the path at the wrong column", line)
		}
		text += line + "\n"
	}
	got, err := ParseList(strings.NewReader(text), "rt")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range es {
		e.Line = i + 2
		if got[i] != e {
			t.Errorf("round trip %d: %+v, want %+v", i, got[i], e)
		}
	}
	bad := []Entry{
		{RequestedUT: "2024-01-01", ActualUT: "2024-01-01T00:00:00", JD: 2460310.5, Path: "a"},
		{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 1e7, Path: "a"},
		{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: -1, Path: "a"},
		{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 2460310.5, Path: " "},
		{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: 2460310.5, Path: "a\nb"},
	}
	for _, e := range bad {
		if _, err := FormatEntry(e); err == nil {
			t.Errorf("FormatEntry(%+v) gave no error", e)
		}
	}
}

func TestMapTimes(t *testing.T) {
	es := []Entry{{JD: 2455562.49991}, {JD: 2455562.54158}, {JD: 2455563.49991}}
	got := MapTimes(es)
	for i, e := range es {
		want := 24*e.JD - 24*es[0].JD // exactly HipFT's expression
		if got[i] != want {
			t.Errorf("TM_%d = %.17g, want %.17g", i+1, got[i], want)
		}
	}
	if got[0] != 0 || got[2] != 24 {
		t.Errorf("times %v: want 0 first and 24 one day later", got)
	}
}

// writeList writes a list of maps at the given JDs (all pointing to one
// existing map) and returns its path.
func writeList(t *testing.T, dir string, jds ...float64) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "m.h5"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	text := ListHeader + "\n"
	for _, jd := range jds {
		l, err := FormatEntry(Entry{RequestedUT: "2024-01-01T00:00:00", ActualUT: "2024-01-01T00:00:00", JD: jd, Path: "m.h5"})
		if err != nil {
			t.Fatal(err)
		}
		text += l + "\n"
	}
	p := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
