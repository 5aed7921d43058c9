package fits

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTiledTwins decodes each tile-compressed fixture in testdata and its
// uncompressed twin, written by an independent tool (funpack for fpack's
// files, astropy for astropy's; see testdata/make_fixtures.py), and
// requires identical pixels, bit for bit (NaN where the twin has NaN).
func TestTiledTwins(t *testing.T) {
	for _, tc := range []struct {
		name, cmp string
		bitpix    int
	}{
		{"hmi_int32_rice", "RICE_1", 32},
		{"hmi_ext_rice", "RICE_1", 32},
		{"float32_rice_q", "RICE_1", -32},
		{"int16_rice_tiles", "RICE_1", 16},
		{"uint8_rice", "RICE_1", 8},
		{"int32_gzip2", "GZIP_2", 32},
		{"float32_dither2", "RICE_1", -32},
		{"float64_gzip1_q", "GZIP_1", -64},
		{"float32_nodither", "RICE_1", -32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadFile(filepath.Join("testdata", tc.name+".fits"))
			if err != nil {
				t.Fatal(err)
			}
			twin, err := ReadFile(filepath.Join("testdata", tc.name+".twin.fits"))
			if err != nil {
				t.Fatal(err)
			}
			if got.Compression != tc.cmp || got.BITPIX != tc.bitpix || got.HDU != 1 {
				t.Errorf("compression %q, BITPIX %d, HDU %d; want %q, %d, 1", got.Compression, got.BITPIX, got.HDU, tc.cmp, tc.bitpix)
			}
			if twin.Compression != "" {
				t.Errorf("twin: compression %q, HDU %d", twin.Compression, twin.HDU)
			}
			if len(got.Dims) != 2 || got.Dims[0] != twin.Dims[0] || got.Dims[1] != twin.Dims[1] {
				t.Fatalf("dims %v, twin %v", got.Dims, twin.Dims)
			}
			nan, diff := 0, 0
			for i, v := range got.Data {
				w := twin.Data[i]
				if math.IsNaN(w) {
					nan++
				}
				if !(v == w || math.IsNaN(v) && math.IsNaN(w)) {
					if diff < 5 {
						t.Errorf("pixel %d (x %d, y %d): %v, twin %v", i, i%got.Dims[0], i/got.Dims[0], v, w)
					}
					diff++
				}
			}
			if diff > 0 {
				t.Errorf("%d of %d pixels differ", diff, len(got.Data))
			}
			if v, _ := got.Header.Get("CONTENT"); v != "MAGNETOGRAM" {
				t.Errorf("CONTENT = %v; header %v", v, got.Header)
			}
			for _, c := range got.Header {
				if strings.HasPrefix(c.Key, "Z") || strings.HasPrefix(c.Key, "TFORM") || c.Key == "BSCALE" {
					t.Errorf("table keyword %s left in the image header", c.Key)
				}
			}
			if k := got.ImageHeader[0].Key; k != "XTENSION" && k != "SIMPLE" {
				t.Errorf("image header starts with %+v", got.ImageHeader[0])
			}
			t.Logf("%v pixels, %d NaN", got.Dims, nan)
		})
	}
}

// TestHMIScaling checks the JSOC-like fixture's physical values: the
// integers times BSCALE = 0.1, blank pixels NaN, and BSCALE in ImageHeader.
func TestHMIScaling(t *testing.T) {
	img, err := ReadFile(filepath.Join("testdata", "hmi_int32_rice.fits"))
	if err != nil {
		t.Fatal(err)
	}
	nan := 0
	for _, v := range img.Data {
		if math.IsNaN(v) {
			nan++
			continue
		}
		if r := math.Round(v / 0.1); math.Abs(r*0.1-v) > 1e-9*math.Abs(v)+1e-12 {
			t.Fatalf("value %v is not a multiple of BSCALE 0.1", v)
		}
	}
	if nan == 0 || nan == len(img.Data) {
		t.Errorf("%d NaN pixels of %d; the fixture has an off-disk region", nan, len(img.Data))
	}
	if v, ok := img.ImageHeader.Get("BSCALE"); !ok || v != 0.1 {
		t.Errorf("ImageHeader BSCALE = %v, %v", v, ok)
	}
}

func TestRiceKnownStream(t *testing.T) {
	// Hand-made 32-bit stream: first value 5 verbatim, then one block of 3
	// pixels with fs code 0 (all differences zero): bits 00000 -> fs = -1.
	c := []byte{0, 0, 0, 5, 0}
	got, err := riceDecode(nil, c, 3, 32, 4)
	if err != nil || len(got) != 3 || got[0] != 5 || got[2] != 5 {
		t.Fatalf("riceDecode = %v, %v; want [5 5 5]", got, err)
	}
	// A truncated stream is an error, not a panic.
	if _, err := riceDecode(nil, []byte{0, 0, 0, 5, 0xff}, 100, 32, 4); err == nil {
		t.Errorf("truncated stream decoded")
	}
}

func TestDitherSequence(t *testing.T) {
	// CFITSIO checks its generator with this value after 10000 draws.
	r := ditherRandoms()
	const a, m = 16807.0, 2147483647.0
	seed := 1.0
	for range randomCount {
		temp := a * seed
		seed = temp - m*float64(int64(temp/m))
	}
	if int64(seed) != 1043618065 {
		t.Errorf("seed after %d draws = %v, want 1043618065 (fits_init_randoms)", randomCount, seed)
	}
	if r[0] != float32(16807.0/m) {
		t.Errorf("first random %v", r[0])
	}
}

// TestTiledHostile corrupts the compressed fixture in ways a hostile or
// damaged file would and requires a clear error, never a panic.
func TestTiledHostile(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("testdata", "hmi_int32_rice.fits"))
	if err != nil {
		t.Fatal(err)
	}
	set := func(b []byte, key, val string) []byte {
		out := append([]byte{}, b...)
		for off := 0; off+80 <= len(out); off += 80 {
			if strings.HasPrefix(string(out[off:off+80]), key) {
				copy(out[off+10:off+80], []byte(pad(val)[:70]))
				return out
			}
		}
		t.Fatalf("no %s card", key)
		return nil
	}
	heapStart := func(b []byte) int {
		// the table follows the second header; find the second END.
		n := 0
		for off := 0; off+80 <= len(b); off += 80 {
			if string(b[off:off+8]) == "END     " {
				n++
				if n == 2 {
					return (off + 80 + BlockSize - 1) / BlockSize * BlockSize
				}
			}
		}
		t.Fatal("no second END")
		return 0
	}
	start := heapStart(orig)
	badDesc := append([]byte{}, orig...)
	binary.BigEndian.PutUint32(badDesc[start+4:], 1<<30) // row 1's heap offset
	badCount := append([]byte{}, orig...)
	binary.BigEndian.PutUint32(badCount[start:], 1<<31-1)
	zeroed := append([]byte{}, orig...)
	for i := start + 8*70; i < len(zeroed)-100; i++ { // heap bytes, after the 70 descriptors
		zeroed[i] = 0xff
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"huge ZNAXIS", set(orig, "ZNAXIS1 ", "           2000000000"), "cannot come from a table"},
		{"rows vs tiles", set(orig, "ZTILE1  ", "                   10"), "needs"},
		{"bad ZCMPTYPE", set(orig, "ZCMPTYPE", "'HCOMPRESS_1'"), "not supported"},
		{"bad BYTEPIX", set(orig, "ZVAL2   ", "                    3"), "BYTEPIX = 3"},
		{"descriptor offset", badDesc, "outside the heap"},
		{"descriptor count", badCount, "outside the heap"},
		{"corrupt stream", zeroed, "RICE_1"},
		{"truncated", orig[:len(orig)-2880], "only"},
		{"bad TFORM", set(orig, "TFORM1  ", "'1PZ(10)'"), "TFORM1"},
		{"huge NAXIS2", set(orig, "NAXIS2  ", "           1000000000"), "needs more data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(tc.b)
			if err == nil {
				t.Fatalf("decoded %v pixels", img.Dims)
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want ErrFormat containing %q", err, tc.want)
			}
		})
	}
}

// TestFirstImageHDU reads an image from an IMAGE extension after an empty
// primary HDU, with BZERO applied to 16-bit integers.
func TestFirstImageHDU(t *testing.T) {
	var b bytes.Buffer
	b.Write(header("SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    0", "EXTEND  =                    T"))
	b.Write(header("XTENSION= 'IMAGE   '", "BITPIX  =                   16", "NAXIS   =                    1", "NAXIS1  =                    3",
		"PCOUNT  =                    0", "GCOUNT  =                    1", "BZERO   =                32768", "BLANK   =                   -1"))
	data := make([]byte, BlockSize)
	binary.BigEndian.PutUint16(data[0:], uint16(0x8000)) // -32768 + 32768 = 0
	binary.BigEndian.PutUint16(data[2:], 0x7fff)         // 32767 + 32768
	binary.BigEndian.PutUint16(data[4:], 0xffff)         // -1: BLANK
	b.Write(data)
	img, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if img.HDU != 1 || img.Data[0] != 0 || img.Data[1] != 65535 || !math.IsNaN(img.Data[2]) {
		t.Errorf("HDU %d data %v; want HDU 1, [0 65535 NaN]", img.HDU, img.Data)
	}
}

// FuzzRiceDecode feeds arbitrary streams to the RICE_1 decoder for each
// pixel width: it must return npix values or an error, never panic.
func FuzzRiceDecode(f *testing.F) {
	f.Add(riceEncode([]int32{5, 5, 5, 7, -3, 1 << 30, -1 << 30, 0}, 32), uint8(8), uint8(4))
	f.Add([]byte{0, 0, 0, 5, 0}, uint8(3), uint8(4))
	f.Add([]byte{1, 0xff, 0x00, 0x12}, uint8(40), uint8(1))
	f.Add([]byte{0x12, 0x34, 0xf0, 0x0f, 0xaa}, uint8(17), uint8(2))
	f.Fuzz(func(t *testing.T, c []byte, n, bytePix uint8) {
		npix := int(n) + 1
		bp := []int{1, 2, 4}[int(bytePix)%3]
		got, err := riceDecode(nil, c, npix, 32, bp)
		if err == nil && len(got) != npix {
			t.Fatalf("%d values for %d pixels", len(got), npix)
		}
	})
}

// TestRiceEncodeDecode round-trips blocks of every entropy class through
// the encoder and decoder.
func TestRiceEncodeDecode(t *testing.T) {
	for _, a := range [][]int32{
		{0},
		{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8},
		{1<<31 - 1, -1 << 31, 0, 1<<31 - 1, -1 << 31, 12345678, -98765432},
		{1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, -1597},
	} {
		got, err := riceDecode(nil, riceEncode(a, 32), len(a), 32, 4)
		if err != nil {
			t.Fatalf("%v: %v", a, err)
		}
		for i := range a {
			if got[i] != int64(a[i]) {
				t.Fatalf("%v: decoded %v", a, got)
			}
		}
	}
}

// TestTiledHeaderAstropy compares the image header goft builds for each
// compressed fixture with astropy's CompImageHDU.header: the same cards in
// the same order, with the same values and comments.
func TestTiledHeaderAstropy(t *testing.T) {
	const py = "/usr/bin/python3"
	script := `
import sys, json, warnings
warnings.simplefilter("ignore")
try:
    from astropy.io import fits
except ImportError as e:
    print(e); sys.exit(77)
out = []
for p in sys.argv[1:]:
    with fits.open(p) as h:
        out.append([[c.keyword, c.value if isinstance(c.value, (str, int, float, bool)) else str(c.value), c.comment] for c in h[1].header.cards])
print(json.dumps(out))
`
	names := []string{"hmi_int32_rice", "hmi_ext_rice", "float32_rice_q", "int16_rice_tiles", "uint8_rice", "int32_gzip2", "float32_dither2", "float64_gzip1_q", "float32_nodither"}
	args := []string{"-c", script}
	for _, n := range names {
		args = append(args, filepath.Join("testdata", n+".fits"))
	}
	b, err := exec.Command(py, args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 77 || errors.Is(err, exec.ErrNotFound) || os.IsNotExist(err) {
			t.Skipf("astropy not available: %v", err)
		}
		t.Fatalf("astropy: %v", err)
	}
	var want [][][3]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		img, err := ReadFile(filepath.Join("testdata", n+".fits"))
		if err != nil {
			t.Fatal(err)
		}
		got := img.ImageHeader
		if len(got) != len(want[i]) {
			t.Errorf("%s: %d cards, astropy %d:\ngoft    %v\nastropy %v", n, len(got), len(want[i]), got, want[i])
			continue
		}
		t.Logf("%s: %d cards, first %s", n, len(got), got[0].Key)
		for k, c := range got {
			w := want[i][k]
			val := c.Value
			if c.Value == nil {
				val = c.Comment // commentary cards: astropy's value is the text
			}
			if f, ok := w[1].(float64); ok {
				switch v := val.(type) {
				case int:
					val = float64(v)
				case float64:
					_ = f
				}
			}
			comment := c.Comment
			if c.Value == nil {
				comment = ""
			}
			if c.Key != w[0] || fmt.Sprint(val) != fmt.Sprint(w[1]) || comment != w[2] {
				t.Errorf("%s card %d: goft %q = %v / %q; astropy %q = %v / %q", n, k+1, c.Key, val, comment, w[0], w[1], w[2])
			}
		}
	}
}
