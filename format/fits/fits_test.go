package fits

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestFormatReal(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-3, "-3.0"},
		{0.5, "0.5"},
		{1e21, "1.0E+21"},
		{-2.5e-7, "-2.5E-07"},
		{1.495978707e11, "1.495978707E+11"},
		{57.29577951308232, "57.29577951308232"},
		{math.MaxFloat64, "1.7976931348623157E+308"},
	} {
		got, err := FormatReal(tc.v)
		if err != nil || got != tc.want {
			t.Errorf("FormatReal(%v) = %q, %v; want %q", tc.v, got, err, tc.want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := FormatReal(v); err == nil {
			t.Errorf("FormatReal(%v) succeeded", v)
		}
	}
}

func TestFormatCard(t *testing.T) {
	long := strings.Repeat("c", 100)
	for _, tc := range []struct {
		card Card
		want []string // without the padding to 80
	}{
		{Card{"SIMPLE", true, "conforms"}, []string{"SIMPLE  =                    T / conforms"}},
		{Card{"EXTEND", false, ""}, []string{"EXTEND  =                    F"}},
		{Card{"NAXIS1", 360, "lon"}, []string{"NAXIS1  =                  360 / lon"}},
		{Card{"BIG", int64(-1) << 40, ""}, []string{"BIG     =       -1099511627776"}},
		{Card{"CDELT2", 1.0, ""}, []string{"CDELT2  =                  1.0"}},
		{Card{"DSUN_OBS", 1.495978707e11, "m"}, []string{"DSUN_OBS=      1.495978707E+11 / m"}},
		{Card{"CTYPE1", "CRLN-CEA", ""}, []string{"CTYPE1  = 'CRLN-CEA'"}},
		{Card{"BUNIT", "G", "unit"}, []string{"BUNIT   = 'G       '           / unit"}},
		{Card{"OBJECT", "Sun's", ""}, []string{"OBJECT  = 'Sun''s  '"}},
		{Card{"EMPTY", "", ""}, []string{"EMPTY   = '        '"}},
		{Card{"DATE-OBS", "2024-01-01T00:00:00.000", "start"}, []string{"DATE-OBS= '2024-01-01T00:00:00.000' / start"}},
		// A long comment is truncated at column 80.
		{Card{"X", 1, long}, []string{("X       =                    1 / " + long)[:80]}},
		{Card{"COMMENT", nil, "hello"}, []string{"COMMENT hello"}},
		{Card{"HISTORY", nil, long}, []string{"HISTORY " + long[:72], "HISTORY " + long[72:]}},
		{Card{"", nil, "blank"}, []string{"        blank"}},
	} {
		got, err := formatCard(tc.card)
		if err != nil {
			t.Errorf("formatCard(%+v): %v", tc.card, err)
			continue
		}
		want := make([]string, len(tc.want))
		for i, w := range tc.want {
			want[i] = w + strings.Repeat(" ", 80-len(w))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("formatCard(%+v) =\n%q\nwant\n%q", tc.card, got, want)
		}
	}
}

func TestFormatCardErrors(t *testing.T) {
	for _, tc := range []struct {
		card Card
		want string
	}{
		{Card{"toolongkey", 1, ""}, "longer than 8"},
		{Card{"lower", 1, ""}, "has character"},
		{Card{"A B", 1, ""}, "has character"},
		{Card{"NAN", math.NaN(), ""}, "not a valid FITS header value"},
		{Card{"S", strings.Repeat("x", 69), ""}, "too long"},
		{Card{"S", "caf\u00e9", ""}, "printable ASCII"},
		{Card{"S", "x", "tab\there"}, "printable ASCII"},
		{Card{"NOVAL", nil, ""}, "has no value"},
		{Card{"COMMENT", 1, ""}, "cannot have a value"},
		{Card{"F32", float32(1), ""}, "unsupported type"},
	} {
		_, err := formatCard(tc.card)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("formatCard(%+v) error %v, want one containing %q", tc.card, err, tc.want)
		}
	}
	// The longest string that fits: 68 characters between the quotes.
	if _, err := formatCard(Card{"S", strings.Repeat("x", 68), ""}); err != nil {
		t.Errorf("68-character string: %v", err)
	}
}

func testImage(dims []int, f64 bool) *Image {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float64, n)
	for i := range data {
		data[i] = math.Sin(float64(i)) * 1e3
	}
	data[0] = math.NaN()
	return &Image{Dims: dims, Data: data, Float64: f64, Header: Header{
		{"CTYPE1", "CRLN-CAR", "Carrington longitude"},
		{"CDELT1", 0.25, ""},
		{"CRPIX1", 720.5, ""},
		{"OBJECT", "it's", ""},
		{"FLAG", false, ""},
		{"COUNT", 12, "twelve"},
		{"COMMENT", nil, "a comment"},
	}}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		dims []int
		f64  bool
	}{
		{[]int{7}, false},
		{[]int{36, 18}, false},
		{[]int{36, 18}, true},
		{[]int{5, 4, 3}, true},
		{[]int{1, 1, 1}, false},
		{[]int{720, 2}, false}, // data exactly one block
	} {
		img := testImage(tc.dims, tc.f64)
		var buf bytes.Buffer
		if err := Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if len(b)%BlockSize != 0 {
			t.Errorf("%v: file size %d is not a multiple of %d", tc.dims, len(b), BlockSize)
		}
		if !bytes.HasPrefix(b, []byte("SIMPLE  =                    T")) {
			t.Errorf("%v: file starts %q", tc.dims, b[:30])
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("%v: %v", tc.dims, err)
		}
		if !reflect.DeepEqual(got.Dims, img.Dims) || got.Float64 != img.Float64 {
			t.Errorf("%v: got dims %v float64 %v", tc.dims, got.Dims, got.Float64)
		}
		if !reflect.DeepEqual(got.Header, img.Header) {
			t.Errorf("%v: header\n%+v\nwant\n%+v", tc.dims, got.Header, img.Header)
		}
		for i, v := range img.Data {
			want := v
			if !img.Float64 {
				want = float64(float32(v))
			}
			if g := got.Data[i]; g != want && !(math.IsNaN(g) && math.IsNaN(want)) {
				t.Fatalf("%v: data[%d] = %v, want %v", tc.dims, i, g, want)
			}
		}
	}
}

// TestByteLayout checks the data bytes: big-endian IEEE, NAXIS1 fastest,
// zero padding.
func TestByteLayout(t *testing.T) {
	img := &Image{Dims: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, -6}}
	var buf bytes.Buffer
	if err := Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if len(b) != 2*BlockSize {
		t.Fatalf("file has %d bytes, want %d", len(b), 2*BlockSize)
	}
	hdr := string(b[:BlockSize])
	for i, want := range []string{"SIMPLE  =", "BITPIX  =                  -32", "NAXIS   =                    2", "NAXIS1  =                    2", "NAXIS2  =                    3", "END     "} {
		if card := hdr[80*i : 80*i+80]; !strings.HasPrefix(card, want) {
			t.Errorf("card %d = %q, want prefix %q", i+1, card, want)
		}
	}
	if strings.TrimRight(hdr[480:], " ") != "" {
		t.Errorf("header padding is not blank")
	}
	for i, v := range img.Data {
		if g := math.Float32frombits(binary.BigEndian.Uint32(b[BlockSize+4*i:])); float64(g) != v {
			t.Errorf("value %d = %v, want %v", i, g, v)
		}
	}
	if !bytes.Equal(b[BlockSize+24:], make([]byte, BlockSize-24)) {
		t.Errorf("data padding is not zero")
	}
}

func TestEncodeErrors(t *testing.T) {
	for _, tc := range []struct {
		img  *Image
		want string
	}{
		{&Image{Dims: nil}, "0 axes"},
		{&Image{Dims: []int{1, 1, 1, 1}, Data: []float64{1}}, "4 axes"},
		{&Image{Dims: []int{2, 0}}, "NAXIS2 = 0"},
		{&Image{Dims: []int{2, 2}, Data: []float64{1}}, "1 values"},
		{&Image{Dims: []int{1}, Data: []float64{1}, Header: Header{{"NAXIS1", 1, ""}}}, "written by the encoder"},
		{&Image{Dims: []int{1}, Data: []float64{1}, Header: Header{{"BITPIX", 1, ""}}}, "written by the encoder"},
		{&Image{Dims: []int{1}, Data: []float64{1}, Header: Header{{"A", 1, ""}, {"A", 2, ""}}}, "given twice"},
		{&Image{Dims: []int{1}, Data: []float64{1}, Header: Header{{"A", math.Inf(1), ""}}}, "not a valid"},
	} {
		err := Encode(&bytes.Buffer{}, tc.img)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Encode(%+v) error %v, want one containing %q", tc.img, err, tc.want)
		}
	}
	// COMMENT may repeat.
	img := &Image{Dims: []int{1}, Data: []float64{1}, Header: Header{{"COMMENT", nil, "a"}, {"COMMENT", nil, "b"}}}
	if err := Encode(&bytes.Buffer{}, img); err != nil {
		t.Error(err)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.fits")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	img := testImage([]int{4, 3}, true)
	if err := WriteFile(path, img); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Header, img.Header) {
		t.Errorf("header changed in the round trip")
	}
	// A failed write leaves the old file and no temporary file behind.
	bad := &Image{Dims: []int{2}, Data: []float64{1}}
	if err := WriteFile(path, bad); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("WriteFile of a bad image: error %v, want one naming the file", err)
	}
	if _, err := ReadFile(path); err != nil {
		t.Errorf("old file damaged: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want 1", len(ents))
	}
	if err := WriteFile(filepath.Join(dir, "no", "such", "x.fits"), img); err == nil {
		t.Errorf("WriteFile into a missing folder succeeded")
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.fits")); err == nil {
		t.Errorf("ReadFile of a missing file succeeded")
	}
}

// header builds a header block from cards (each padded to 80) plus END.
func header(cards ...string) []byte {
	var b bytes.Buffer
	for _, c := range cards {
		b.WriteString(c + strings.Repeat(" ", 80-len(c)))
	}
	b.WriteString("END" + strings.Repeat(" ", 77))
	for b.Len()%BlockSize != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes()
}

func TestDecodeMalformed(t *testing.T) {
	simple := "SIMPLE  =                    T"
	good := header(simple, "BITPIX  =                  -32", "NAXIS   =                    2", "NAXIS1  =                    2", "NAXIS2  =                    2")
	data := make([]byte, BlockSize)
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "no END"},
		{"short", []byte("SIMPLE"), "no END"},
		{"no END", bytes.Repeat([]byte(" "), BlockSize), "no END"},
		{"not SIMPLE", header("SIMPLE  =                    F"), "not a FITS file"},
		{"XTENSION first", header("XTENSION= 'IMAGE   '"), "not a FITS file"},
		{"no BITPIX", header(simple, "NAXIS   =                    0"), "must be BITPIX"},
		{"no image", header(simple, "BITPIX  =                   16", "NAXIS   =                    0"), "NAXIS = 0 and no image extension"},
		{"BITPIX 24", header(simple, "BITPIX  =                   24", "NAXIS   =                    0"), "BITPIX = 24"},
		{"real BITPIX", header(simple, "BITPIX  =                -32.0"), "not an integer"},
		{"NAXIS 0", header(simple, "BITPIX  =                  -32", "NAXIS   =                    0"), "NAXIS = 0"},
		{"NAXIS negative", header(simple, "BITPIX  =                  -32", "NAXIS   =                   -1"), "NAXIS = -1"},
		{"NAXIS huge", header(simple, "BITPIX  =                  -32", "NAXIS   =                 1000"), "NAXIS = 1000"},
		{"NAXIS huge int", header(simple, "BITPIX  =                  -32", "NAXIS   = 99999999999999999999"), "not an integer"},
		{"NAXIS1 missing", header(simple, "BITPIX  =                  -32", "NAXIS   =                    1"), "must be NAXIS1"},
		{"NAXIS1 negative", header(simple, "BITPIX  =                  -32", "NAXIS   =                    1", "NAXIS1  =                   -5"), "NAXIS1 = -5"},
		{"data too large", append(header(simple, "BITPIX  =                  -64", "NAXIS   =                    2", "NAXIS1  =           4000000000", "NAXIS2  =           4000000000"), data...), "needs more data"},
		{"data missing", good, "needs more data"},
		{"data short", append(append([]byte{}, good...), data[:100]...), "only 100 bytes"},
		{"header unpadded", []byte(string(good[:480])), "not padded"},
		{"ENDX is not END", []byte(pad(simple) + pad("ENDX") + strings.Repeat(" ", BlockSize-160)), "no END"},
		{"END trailing", append([]byte("END     x"+strings.Repeat(" ", 71)), bytes.Repeat([]byte(" "), BlockSize-80)...), "text after"},
		{"control char", header(simple, "BAD     = 'a\tb'"), "not printable"},
		{"unclosed string", header(simple, "S       = 'abc"), "no closing quote"},
		{"junk after string", header(simple, "S       = 'abc' x"), "after the string"},
		{"bad number", header(simple, "N       = 12abc"), "not a logical"},
		{"hex number", header(simple, "N       = 0x1p3"), "not a FITS number"},
		{"inf", header(simple, "N       = Inf"), "not a FITS number"},
		{"overflow", header(simple, "N       = 1E999"), "not a logical"},
		{"bad keyword", header(simple, "bad     = 1"), "has character"},
		{"space in keyword", header(simple, "A B     = 1"), "embedded space"},
		{"BSCALE string", append(header(simple, "BITPIX  =                  -32", "NAXIS   =                    1", "NAXIS1  =                    1", "BSCALE  = 'two'"), data...), "BSCALE = two is not a number"},
	} {
		img, err := Decode(tc.b)
		if err == nil {
			t.Errorf("%s: decoded %+v", tc.name, img)
			continue
		}
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want ErrFormat containing %q", tc.name, err, tc.want)
		}
	}
	// The same header with its data decodes.
	if _, err := Decode(append(append([]byte{}, good...), data...)); err != nil {
		t.Errorf("good file: %v", err)
	}
}

// TestDecodeForeign reads cards in forms goft does not write but other
// writers do: free-format values, D exponents, undefined values, text
// without a value indicator, EXTEND.
func TestDecodeForeign(t *testing.T) {
	b := append(header("SIMPLE  =                    T", "BITPIX  =                  -64",
		"NAXIS   =                    1", "NAXIS1  =                    1", "EXTEND  =                    T",
		"A       = 1.5D3 / D exponent", "B       = 'x'/no spaces", "C       = / undefined",
		"D       = +7", "E       =   -.5e-2", "HISTORY   indented text", "F       no indicator",
		"G       = '  lead''s  ' / quoted"), make([]byte, BlockSize)...)
	img, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{
		{"A", 1500.0, "D exponent"}, {"B", "x", "no spaces"}, {"C", nil, "undefined"},
		{"D", 7, ""}, {"E", -0.005, ""}, {"HISTORY", nil, "  indented text"}, {"F", nil, "no indicator"},
		{"G", "  lead's", "quoted"},
	}
	if !reflect.DeepEqual(img.Header, want) {
		t.Errorf("header\n%+v\nwant\n%+v", img.Header, want)
	}
	if v, ok := img.Header.Get("g"); !ok || v != "  lead's" {
		t.Errorf("Get(g) = %v, %v", v, ok)
	}
	if _, ok := img.Header.Get("ZZ"); ok {
		t.Errorf("Get(ZZ) found a card")
	}
}

func FuzzDecode(f *testing.F) {
	for _, dims := range [][]int{{3}, {4, 2}, {2, 2, 2}} {
		var buf bytes.Buffer
		if err := Encode(&buf, testImage(dims, len(dims) == 2)); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add(header("SIMPLE  =                    T", "S       = 'a''b"))
	f.Add([]byte("END"))
	// Tile-compressed images (RICE_1 integers, quantized floats, GZIP_2).
	for _, name := range []string{"uint8_rice", "float32_nodither", "int32_gzip2", "float32_dither2"} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".fits"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		n := 1
		for _, d := range img.Dims {
			n *= d
		}
		if n != len(img.Data) {
			t.Fatalf("%d values for dims %v", len(img.Data), img.Dims)
		}
		// What decodes and can be written again reads back the same.
		var buf bytes.Buffer
		if Encode(&buf, img) != nil {
			return
		}
		again, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded image does not decode: %v", err)
		}
		if !reflect.DeepEqual(again.Dims, img.Dims) || len(again.Data) != len(img.Data) {
			t.Fatalf("round trip changed the shape")
		}
		for i := range img.Data {
			if math.Float64bits(again.Data[i]) != math.Float64bits(img.Data[i]) {
				t.Fatalf("round trip changed value %d: %v -> %v", i, img.Data[i], again.Data[i])
			}
		}
	})
}
