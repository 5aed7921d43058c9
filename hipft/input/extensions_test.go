package input

import (
	"bytes"
	"strings"
	"testing"
)

// TestExtensions checks goft's namelist extensions: read like HipFT's
// parameters, checked for their type, left out of the parameter dump at
// their defaults and written (and read back) when set.
func TestExtensions(t *testing.T) {
	for _, tc := range []struct {
		src  string
		set  bool
		want string // error text; "" for none
	}{
		{"", false, ""},
		{"goft_output_map_fits = .true.\n", true, ""},
		{"GOFT_OUTPUT_MAP_FITS = T\n", true, ""},
		{"goft_output_map_fits = .false.\n", false, ""},
		{"goft_output_map_fits = 3\n", false, "goft_output_map_fits"},
	} {
		p, err := ParseWith(strings.NewReader(doc(grid+tc.src)), "hipft.in", Options{SkipFileChecks: true})
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "hipft.in:") {
				t.Errorf("%q: error %v, want one naming hipft.in's line and %q", tc.src, err, tc.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		if p.GoftOutputMapFITS != tc.set {
			t.Errorf("%q: GoftOutputMapFITS = %v", tc.src, p.GoftOutputMapFITS)
		}
		var buf bytes.Buffer
		if err := p.WriteUsed(&buf); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), "GOFT_"); got != tc.set {
			t.Errorf("%q: the dump names a goft extension: %v, want %v", tc.src, got, tc.set)
		}
		q, err := ParseWith(&buf, "used.out", Options{SkipFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		if q.GoftOutputMapFITS != tc.set {
			t.Errorf("%q: read back from the dump as %v", tc.src, q.GoftOutputMapFITS)
		}
	}
}
