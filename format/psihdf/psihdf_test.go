package psihdf

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testMap returns a deterministic map with values that are not all
// representable in float32.
func testMap(dims ...int) *Map {
	m := &Map{Dims: dims, Scales: make([][]float64, len(dims)), Data: make([]float64, product(dims))}
	for i, d := range dims {
		m.Scales[i] = make([]float64, d)
		for k := range d {
			switch i {
			case 0: // phi, 0..2pi
				m.Scales[i][k] = 2 * math.Pi * float64(k) / float64(max(d-1, 1))
			case 1: // theta, 0..pi
				m.Scales[i][k] = math.Pi * float64(k) / float64(max(d-1, 1))
			default: // realization numbers
				m.Scales[i][k] = float64(k + 1)
			}
		}
	}
	for i := range m.Data {
		m.Data[i] = 1000*math.Sin(0.37*float64(i)) + 1.0/3
	}
	return m
}

// writeTemp writes m to a new file in a fresh temporary directory.
func writeTemp(t testing.TB, m *Map, single bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "map.h5")
	if err := Write(path, m, single); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return path
}

// stored returns x as it is stored with the given precision.
func stored(x float64, single bool) float64 {
	if single {
		return float64(float32(x))
	}
	return x
}

// sameBits reports the first index where got and want differ bit for bit.
func sameBits(got, want []float64) (int, bool) {
	if len(got) != len(want) {
		return -1, false
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return i, false
		}
	}
	return 0, true
}

// checkMapsEqual fails t unless got equals want exactly (dims, scales, data
// bits); values of want are first rounded as Write stores them.
func checkMapsEqual(t *testing.T, got, want *Map, single bool) {
	t.Helper()
	if len(got.Dims) != len(want.Dims) {
		t.Fatalf("Dims = %v, want %v", got.Dims, want.Dims)
	}
	for i := range got.Dims {
		if got.Dims[i] != want.Dims[i] {
			t.Fatalf("Dims = %v, want %v", got.Dims, want.Dims)
		}
	}
	round := func(v []float64) []float64 {
		r := make([]float64, len(v))
		for i, x := range v {
			r[i] = stored(x, single)
		}
		return r
	}
	if len(got.Scales) != len(want.Scales) {
		t.Fatalf("%d scales, want %d", len(got.Scales), len(want.Scales))
	}
	for k := range want.Scales {
		if i, ok := sameBits(got.Scales[k], round(want.Scales[k])); !ok {
			t.Fatalf("scale dim%d differs at %d", k+1, i)
		}
	}
	if i, ok := sameBits(got.Data, round(want.Data)); !ok {
		t.Fatalf("Data differs at %d", i)
	}
}

var writeCases = []struct {
	name   string
	dims   []int
	single bool
}{
	{"2D float32", []int{7, 5}, true},
	{"2D float64", []int{7, 5}, false},
	{"3D float32", []int{6, 4, 3}, true},
	{"3D float64", []int{6, 4, 3}, false},
	{"3D one realization", []int{5, 3, 1}, true},
	{"2D odd size float32", []int{13, 1}, true},
}

func TestWriteReadRoundTrip(t *testing.T) {
	for _, tc := range writeCases {
		t.Run(tc.name, func(t *testing.T) {
			want := testMap(tc.dims...)
			path := writeTemp(t, want, tc.single)
			got, err := Read(path)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if got.Float32 != tc.single {
				t.Errorf("Float32 = %v, want %v", got.Float32, tc.single)
			}
			checkMapsEqual(t, got, want, tc.single)
			entries, err := os.ReadDir(filepath.Dir(path))
			if err != nil || len(entries) != 1 {
				t.Errorf("directory holds %d entries (%v), want only the map (no temporary files)", len(entries), err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("mode = %v (%v), want 0644", fi.Mode().Perm(), err)
			}
		})
	}
}

func TestWriteOverwrites(t *testing.T) {
	path := writeTemp(t, testMap(4, 3), false)
	second := testMap(5, 4, 2)
	second.Data[0] = 42
	if err := Write(path, second, true); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	checkMapsEqual(t, got, second, true)
}

func TestWriteErrors(t *testing.T) {
	dir := t.TempDir()
	nan := testMap(4, 3, 2)
	nan.Data[3+4*(2+3*1)] = math.NaN()
	infScale := testMap(4, 3)
	infScale.Scales[1][2] = math.Inf(1)
	big := testMap(4, 3)
	big.Data[5] = 1e39
	cases := []struct {
		name   string
		path   string
		m      *Map
		single bool
		want   string
	}{
		{"nil map", "a.h5", nil, false, "nil map"},
		{"1D", "a.h5", &Map{Dims: []int{3}, Scales: [][]float64{{1, 2, 3}}, Data: []float64{1, 2, 3}}, false, "2D or 3D"},
		{"data length", "a.h5", &Map{Dims: []int{2, 2}, Scales: [][]float64{{1, 2}, {1, 2}}, Data: []float64{1, 2, 3}}, false, "len(Data)"},
		{"zero dim", "a.h5", &Map{Dims: []int{0, 2}, Scales: [][]float64{{}, {1, 2}}, Data: nil}, false, "positive"},
		{"scale count", "a.h5", &Map{Dims: []int{2, 2}, Scales: [][]float64{{1, 2}}, Data: []float64{1, 2, 3, 4}}, false, "scales"},
		{"scale length", "a.h5", &Map{Dims: []int{2, 2}, Scales: [][]float64{{1, 2}, {1}}, Data: []float64{1, 2, 3, 4}}, false, "scale dim2"},
		{"NaN data", "a.h5", nan, false, "phi i=3, theta j=2, slice k=1"},
		{"Inf scale", "a.h5", infScale, false, "scale dim2"},
		{"float32 overflow", "a.h5", big, true, "float32"},
		{"missing directory", "no/such/dir/a.h5", testMap(3, 2), false, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.path)
			err := Write(path, tc.m, tc.single)
			if err == nil {
				t.Fatal("Write succeeded, want an error")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name the file %s and say %q", err, path, tc.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed writes left %d files behind", len(entries))
	}
	// Float64 output has no float32 range limit.
	if err := Write(filepath.Join(dir, "big.h5"), big, false); err != nil {
		t.Errorf("float64 write of 1e39: %v", err)
	}
}

func TestWriteRefusesBadAttrs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs []Attr
		want  string
	}{
		{"type", []Attr{{"n", 3}}, "type int"},
		{"twice", []Attr{{"a", "x"}, {"a", "y"}}, "twice"},
		{"empty name", []Attr{{"", "x"}}, "empty"},
		{"nul", []Attr{{"a", "x\x00"}}, "NUL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := testMap(4, 3)
			m.Attrs = tc.attrs
			err := Write(filepath.Join(t.TempDir(), "m.h5"), m, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: %v, want an error with %q", err, tc.want)
			}
		})
	}
}
