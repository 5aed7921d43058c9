package fits

import (
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// astropyScript prints, as JSON, the header cards (keyword, value,
// comment, Python type of the value) and the data of the FITS file argv[1] as astropy reads them,
// after astropy's verification of the FITS standard; it exits 77 when
// astropy cannot be imported.
const astropyScript = `
import json, sys, warnings
try:
    import numpy as np
    from astropy.io import fits
except ImportError as e:
    print(e); sys.exit(77)
warnings.simplefilter("error")
with fits.open(sys.argv[1]) as h:
    h.verify("exception")
    hdr, data = h[0].header, h[0].data
    cards = [[c.keyword, c.value if not isinstance(c.value, bool) else ("T" if c.value else "F"), c.comment,
              type(c.value).__name__] for c in hdr.cards]
    print(json.dumps({"cards": cards, "shape": list(data.shape), "dtype": data.dtype.str,
                      "data": [None if np.isnan(v) else float(v) for v in data.ravel()]}))
`

// TestAstropyReads has astropy read a file with awkward header values
// (quotes, exponents, long comments, commentary split over cards) and
// compares what it finds with what was written. It is skipped when no
// Python imports astropy.
func TestAstropyReads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.fits")
	img := &Image{Dims: []int{3, 2, 2}, Float64: true, Data: []float64{1, -2.5, math.NaN(), 1e-300, 4, 5, 6, 7, 8, 9, 10, math.MaxFloat64}}
	img.Header = Header{
		{"STR", "it's a 'quoted' value", "with a comment"},
		{"EMPTY", "", ""},
		{"LONGSTR", strings.Repeat("s", 68), "no room for this comment"},
		{"INT", -1234567890123, "integer"},
		{"REAL1", 1.0, ""},
		{"REAL2", 1e21, ""},
		{"REAL3", -2.5e-7, ""},
		{"REAL4", 0.6366197723675814, "CEA CDELT2"},
		{"REAL5", 6.957e8, ""},
		{"REAL6", 5e-324, "denormal"},
		{"T", true, ""},
		{"F", false, ""},
		{"DATE-OBS", "2024-05-01T00:00:00.000", ""},
		{"LONGCOM", 1, strings.Repeat("c", 80)},
		{"COMMENT", nil, strings.Repeat("x", 100)},
		{"HISTORY", nil, "history"},
	}
	if err := WriteFile(path, img); err != nil {
		t.Fatal(err)
	}
	var out []byte
	var tried []string
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		cmd := exec.Command(py, "-c", astropyScript, path)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		o, err := cmd.Output()
		var ee *exec.ExitError
		if err == nil {
			out = o
			break
		}
		if errors.As(err, &ee) && ee.ExitCode() == 77 || errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			tried = append(tried, py+": "+strings.TrimSpace(string(o)))
			continue
		}
		if errors.As(err, &ee) {
			t.Fatalf("astropy (%s) rejected the file: %v\n%s", py, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	if out == nil {
		t.Skipf("skipping the astropy check: no Python imports astropy (apt-get install python3-astropy): %s", strings.Join(tried, "; "))
	}
	var got struct {
		Cards [][4]any
		Shape []int
		Dtype string
		Data  []*float64
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if want := []int{2, 2, 3}; len(got.Shape) != 3 || got.Shape[0] != want[0] || got.Shape[1] != want[1] || got.Shape[2] != want[2] {
		t.Errorf("astropy shape %v, want %v (numpy order)", got.Shape, want)
	}
	if got.Dtype != ">f8" {
		t.Errorf("astropy dtype %s, want >f8", got.Dtype)
	}
	for i, v := range img.Data {
		g := got.Data[i]
		if math.IsNaN(v) != (g == nil) || g != nil && *g != v {
			t.Errorf("data[%d]: astropy %v, want %v", i, g, v)
		}
	}
	byKey := map[string][4]any{}
	var comments []string
	for _, c := range got.Cards {
		k := c[0].(string)
		if k == "COMMENT" {
			comments = append(comments, c[1].(string))
			continue
		}
		byKey[k] = c
	}
	if strings.Join(comments, "") != strings.Repeat("x", 100) {
		t.Errorf("COMMENT cards read as %q", comments)
	}
	for _, c := range img.Header {
		if c.Key == "COMMENT" || c.Key == "HISTORY" {
			continue
		}
		a, ok := byKey[c.Key]
		if !ok {
			t.Errorf("astropy has no %s", c.Key)
			continue
		}
		var want any
		var typ string
		switch v := c.Value.(type) {
		case bool:
			want, typ = map[bool]string{true: "T", false: "F"}[v], "bool"
		case int:
			want, typ = float64(v), "int" // JSON numbers
		case float64:
			want, typ = v, "float"
		case string:
			want, typ = v, "str"
		}
		if a[1] != want || a[3] != typ {
			t.Errorf("%s: astropy reads %v (Python %v), want %v (%s)", c.Key, a[1], a[3], want, typ)
		}
		if c.Key == "LONGCOM" {
			if !strings.HasPrefix(strings.Repeat("c", 80), a[2].(string)) || len(a[2].(string)) < 40 {
				t.Errorf("LONGCOM comment %q: want the truncated comment", a[2])
			}
		} else if c.Key != "LONGSTR" && a[2] != c.Comment {
			t.Errorf("%s: astropy comment %q, want %q", c.Key, a[2], c.Comment)
		}
	}
}
