package psihdf

import (
	"errors"
	"fmt"
	"github.com/goft-sft/goft/internal/datadir"
	"io/fs"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scigolib/hdf5"
)

// testsuiteDir is HipFT's testsuite folder (datadir.Testsuite); tests that
// use its files skip when they are missing.
func testsuiteDir() string {
	dir, _ := datadir.Testsuite()
	return dir
}

// sharedMapsDir holds the real 1024x512 maps (../shared/maps from the
// repository root).
func sharedMapsDir() string {
	dir, _ := datadir.Maps()
	return dir
}

// realMaps lists the real input maps used by the tests.
func realMaps() []string {
	return []string{
		filepath.Join(sharedMapsDir(), "br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed.h5"),
		filepath.Join(sharedMapsDir(), "hmi_synoptic_mr_polfil_720s_cr2255_pslt_pt_1024x512.h5"),
		filepath.Join(testsuiteDir(), "diffuse_dipole", "input", "br_input.h5"),
		filepath.Join(testsuiteDir(), "diffuse_advect_atten_map_1cr", "input", "br_hmi_synoptic_mr_polfil_720s_cr2252_pslt_flxbal_remeshed_small.h5"),
	}
}

// TestRealMapsRoundTrip reads HipFT's real input maps, writes them with the
// same precision and reads them back identically.
func TestRealMapsRoundTrip(t *testing.T) {
	for _, path := range realMaps() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skipf("skipping: real map %s not available (set GOFT_HIPFT_TESTSUITE or provide ../shared): %v", path, err)
			}
			m, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Dims) != 2 || !m.Float32 || m.Dims[0] != 2*m.Dims[1] {
				t.Fatalf("Dims %v Float32 %v, want a 2D float32 map with N_phi = 2 N_theta", m.Dims, m.Float32)
			}
			if p := m.Scales[0]; p[0] != 0 || math.Abs(p[len(p)-1]-2*math.Pi) > 1e-6 {
				t.Errorf("dim1 (phi) runs %v..%v, want 0..2pi", p[0], p[len(p)-1])
			}
			if th := m.Scales[1]; th[0] != 0 || math.Abs(th[len(th)-1]-math.Pi) > 1e-6 {
				t.Errorf("dim2 (theta) runs %v..%v, want 0..pi", th[0], th[len(th)-1])
			}
			out := filepath.Join(t.TempDir(), "copy.h5")
			if err := Write(out, m, m.Float32); err != nil {
				t.Fatal(err)
			}
			back, err := Read(out)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Float32 {
				t.Error("copy is not float32")
			}
			checkMapsEqual(t, back, m, true)
		})
	}
}

// TestReadChunkedGzip reads a map whose data is chunked and gzip-compressed
// and whose scales have different precisions (written by scigolib).
func TestReadChunkedGzip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chunked.h5")
	data := make([]float32, 4*6)
	for i := range data {
		data[i] = float32(i) / 3
	}
	writeFixture(t, path, []fixture{
		{"Data", hdf5.Float32, []uint64{4, 6}, data, []hdf5.DatasetOption{hdf5.WithChunkDims([]uint64{2, 3}), hdf5.WithGZIPCompression(6)}},
		{"dim1", hdf5.Float64, []uint64{6}, []float64{0, 1, 2, 3, 4, 5.5}, nil},
		{"dim2", hdf5.Float32, []uint64{4}, []float32{0, 1, 2, 3.25}, nil},
	})
	m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(m.Dims) != "[6 4]" || !m.Float32 || m.Scales[0][5] != 5.5 || m.Scales[1][3] != 3.25 {
		t.Fatalf("got Dims %v Float32 %v scales %v", m.Dims, m.Float32, m.Scales)
	}
	for i, x := range data {
		if m.Data[i] != float64(x) {
			t.Fatalf("Data[%d] = %v, want %v", i, m.Data[i], x)
		}
	}
}

// TestInfoFormat pins the scigolib Dataset.Info text that datasetInfo parses.
func TestInfoFormat(t *testing.T) {
	path := writeTemp(t, testMap(5, 3, 2), false)
	f, err := hdf5.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := os.Stat(path)
	for _, c := range f.Root().Children() {
		ds := c.(*hdf5.Dataset)
		info, err := datasetInfo(ds, fi.Size())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"Data": "[2 3 5]", "dim1": "[5]", "dim2": "[3]", "dim3": "[2]"}[ds.Name()]
		if got := fmt.Sprint(info.dims); got != want || info.elemSize != 8 {
			text, _ := ds.Info()
			t.Errorf("%s: dims %s elem %d from %q, want %s and 8", ds.Name(), got, info.elemSize, text, want)
		}
	}
}

// fixture is a data set for writeFixture.
type fixture struct {
	name  string
	dtype hdf5.Datatype
	dims  []uint64
	data  any
	opts  []hdf5.DatasetOption
}

// writeFixture writes data sets with scigolib's writer, to build files
// that the PSI writer refuses to produce.
func writeFixture(t *testing.T, path string, dss []fixture) {
	t.Helper()
	fw, err := hdf5.CreateForWrite(path, hdf5.CreateTruncate)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dss {
		dw, err := fw.CreateDataset("/"+d.name, d.dtype, d.dims, d.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := dw.Write(d.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

// setValue overwrites Data value i (flat index) in a file written by Write,
// whose raw data sit at the end of the file: Data, then each scale.
func setValue(t *testing.T, path string, m *Map, single bool, i int, x float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := len(m.Data)
	for _, d := range m.Dims {
		n += d
	}
	elem := 8
	if single {
		elem = 4
	}
	off := len(b) - n*elem + i*elem
	if single {
		le.PutUint32(b[off:], math.Float32bits(float32(x)))
	} else {
		le.PutUint64(b[off:], math.Float64bits(x))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadErrors(t *testing.T) {
	f64 := func(n int) []float64 { return make([]float64, n) }
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		want string
	}{
		{"missing file", func(t *testing.T, path string) {}, "no such file"},
		{"directory", func(t *testing.T, path string) { os.Mkdir(path, 0o755) }, "not a regular file"},
		{"empty file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o644) }, "not an HDF5 file"},
		{"random bytes", func(t *testing.T, path string) {
			b := make([]byte, 4096)
			rand.New(rand.NewSource(1)).Read(b)
			os.WriteFile(path, b, 0o644)
		}, "not an HDF5 file"},
		{"signature then random bytes", func(t *testing.T, path string) {
			b := make([]byte, 4096)
			rand.New(rand.NewSource(2)).Read(b)
			copy(b, "\x89HDF\r\n\x1a\n\x00")
			os.WriteFile(path, b, 0o644)
		}, ""},
		{"truncated to half", func(t *testing.T, path string) {
			full := writeTemp(t, testMap(64, 32), true)
			b, _ := os.ReadFile(full)
			os.WriteFile(path, b[:len(b)/2], 0o644)
		}, "truncated"},
		{"truncated superblock", func(t *testing.T, path string) {
			full := writeTemp(t, testMap(4, 3), true)
			b, _ := os.ReadFile(full)
			os.WriteFile(path, b[:40], 0o644)
		}, "truncated"},
		{"no data set", func(t *testing.T, path string) { writeFixture(t, path, nil) }, "no data set"},
		{"1-D data set", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{{"Data", hdf5.Float64, []uint64{5}, f64(5), nil}, {"dim1", hdf5.Float64, []uint64{5}, f64(5), nil}})
		}, "rank 1"},
		{"4-D data set", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{{"Data", hdf5.Float64, []uint64{2, 2, 2, 2}, f64(16), nil}})
		}, "rank 4"},
		{"no scales", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{{"Data", hdf5.Float64, []uint64{3, 4}, f64(12), nil}})
		}, "0 dimension scale"},
		{"one scale for 2D", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{{"Data", hdf5.Float64, []uint64{3, 4}, f64(12), nil}, {"dim1", hdf5.Float64, []uint64{4}, f64(4), nil}})
		}, "1 dimension scale"},
		{"scale length mismatch", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{
				{"Data", hdf5.Float64, []uint64{3, 4}, f64(12), nil},
				{"dim1", hdf5.Float64, []uint64{4}, f64(4), nil},
				{"dim2", hdf5.Float64, []uint64{4}, f64(4), nil}})
		}, `scale "dim2" of dimension 2 has length 4`},
		{"2-D scale", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{
				{"Data", hdf5.Float64, []uint64{3, 4}, f64(12), nil},
				{"dim1", hdf5.Float64, []uint64{2, 2}, f64(4), nil},
				{"dim2", hdf5.Float64, []uint64{3}, f64(3), nil}})
		}, "rank 2; want 1"},
		{"integer data", func(t *testing.T, path string) {
			writeFixture(t, path, []fixture{
				{"Data", hdf5.Int32, []uint64{3, 4}, make([]int32, 12), nil},
				{"dim1", hdf5.Float64, []uint64{4}, f64(4), nil},
				{"dim2", hdf5.Float64, []uint64{3}, f64(3), nil}})
		}, "32- or 64-bit IEEE float"},
		{"data set sorts after its scales", func(t *testing.T, path string) {
			m := testMap(4, 3)
			p := writeTemp(t, m, true)
			b, _ := os.ReadFile(p)
			// Rename "Data" to "zata" in the root group's local heap.
			i := strings.Index(string(b), "Data\x00")
			b[i] = 'z'
			os.WriteFile(path, b, 0o644)
		}, `"dim1" (first in name order) is a dimension scale`},
		{"NaN in 3D map", func(t *testing.T, path string) {
			m := testMap(5, 4, 3)
			if err := Write(path, m, false); err != nil {
				t.Fatal(err)
			}
			setValue(t, path, m, false, 2+5*(1+4*2), math.NaN())
		}, "NaN at (phi i=2, theta j=1, slice k=2) (0-based) is not finite; maps must be finite"},
		{"Inf in 2D map", func(t *testing.T, path string) {
			m := testMap(5, 4)
			if err := Write(path, m, true); err != nil {
				t.Fatal(err)
			}
			setValue(t, path, m, true, 4+5*3, math.Inf(-1))
		}, "-Inf at (phi i=4, theta j=3) (0-based) is not finite; maps must be finite"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.h5")
			tc.make(t, path)
			m, err := Read(path)
			if err == nil {
				t.Fatalf("Read succeeded (Dims %v), want an error", m.Dims)
			}
			t.Log(err)
			if m != nil {
				t.Error("Read returned a map with its error")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name the file and say %q", err, tc.want)
			}
		})
	}
}

// TestReadCorruptedFiles overwrites bytes of a valid file's metadata at
// random and checks that Read returns (an error or a map) without panicking
// or hanging.
func TestReadCorruptedFiles(t *testing.T) {
	m := testMap(8, 4, 2)
	orig, err := os.ReadFile(writeTemp(t, m, true))
	if err != nil {
		t.Fatal(err)
	}
	meta := len(orig) - 4*(len(m.Data)+8+4+2)
	var targets []int // bytes near non-zero metadata, where corruption matters
	for i := 0; i < meta; i++ {
		for j := max(0, i-8); j < min(meta, i+8); j++ {
			if orig[j] != 0 {
				targets = append(targets, i)
				break
			}
		}
	}
	dir := t.TempDir()
	r := rand.New(rand.NewSource(7))
	iterations := 400
	if testing.Short() {
		iterations = 50
	}
	for it := range iterations {
		b := append([]byte(nil), orig...)
		for range 1 + r.Intn(3) {
			o := targets[r.Intn(len(targets))]
			if it%2 == 0 || o+8 > meta {
				b[o] = byte(r.Intn(256))
			} else { // a plausible-looking but wrong size or address
				le.PutUint64(b[o&^7:], uint64(1)<<uint(r.Intn(63))+uint64(r.Intn(1000)))
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("c%d.h5", it))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := Read(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("Read of corrupted file %s (iteration %d) did not return", path, it)
		}
		os.Remove(path)
	}
}

func BenchmarkRead1024x512(b *testing.B) {
	path := realMaps()[0]
	fi, err := os.Stat(path)
	if err != nil {
		b.Skipf("skipping: real map %s not available: %v", path, err)
	}
	b.SetBytes(fi.Size())
	for b.Loop() {
		if _, err := Read(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite1024x512 writes a float32 3D map of 8 realizations at
// 1024x512.
func BenchmarkWrite1024x512(b *testing.B) {
	m := testMap(1024, 512, 8)
	path := filepath.Join(b.TempDir(), "bench.h5")
	b.SetBytes(int64(4 * len(m.Data)))
	for b.Loop() {
		if err := Write(path, m, true); err != nil {
			b.Fatal(err)
		}
	}
}

func TestReadMissingIsNotExist(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "none.h5"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not match fs.ErrNotExist", err)
	}
}
