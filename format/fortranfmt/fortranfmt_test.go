package fortranfmt

import (
	"bufio"
	"fmt"
	"github.com/goft-sft/goft/internal/datadir"
	"math"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestFormatE(t *testing.T) {
	tests := []struct {
		x                  float64
		digits, exp, width int
		want               string
	}{
		{1.678576886850202e23, 15, 3, 23, " 1.678576886850202E+023"},
		{-5.650067022841824e-1, 15, 3, 23, "-5.650067022841824E-001"},
		{0, 15, 3, 23, " 0.000000000000000E+000"},
		{math.Copysign(0, -1), 15, 3, 23, "-0.000000000000000E+000"},
		{0, 15, 0, 25, "    0.000000000000000E+00"},
		{100, 15, 0, 25, "    1.000000000000000E+02"},
		{1e-200, 15, 0, 25, "    1.000000000000000-200"},
		{1e300, 2, 0, 10, "  1.00+300"},
		{math.NaN(), 15, 3, 23, "NaN"},
		{41.4, 16, 3, 40, "                 4.1399999999999999E+001"},
		{-8.983872639938073e14, 15, 3, 23, "-8.983872639938073E+014"}, // exact tie: away from zero
		{0.125, 1, 2, 8, " 1.3E-01"},
		{9.5, 0, 2, 8, "  1.E+01"},
		{-262, 16, 3, 40, "                -2.6200000000000000E+002"},
		{1e-15, 16, 3, 40, "                 1.0000000000000001E-015"},
		{9.9999999999999999e22, 2, 3, 12, "   1.00E+023"},
		{1.5e123, 3, 2, 12, "************"},
		{-1.5, 3, 2, 8, "********"},
		{math.Inf(1), 15, 3, 23, "               Infinity"},
		{math.Inf(-1), 15, 3, 23, "              -Infinity"},
		{2.5, 0, 2, 8, "  3.E+00"},
	}
	for _, tc := range tests {
		if math.IsNaN(tc.x) {
			tc.want = strings.Repeat(" ", tc.width-3) + "NaN"
		}
		got := FormatE(tc.x, tc.digits, tc.exp, tc.width)
		if got != tc.want {
			t.Errorf("FormatE(%v, %d, %d, %d) = %q, want %q", tc.x, tc.digits, tc.exp, tc.width, got, tc.want)
		}
	}
}

func TestFormatI(t *testing.T) {
	if got := FormatI(27, 15); got != "             27" {
		t.Errorf("FormatI = %q", got)
	}
	if got := FormatI(1234567, 6); got != "******" {
		t.Errorf("FormatI overflow = %q", got)
	}
}

func TestFormatListReal(t *testing.T) {
	tests := []struct {
		x    float64
		want string
	}{
		{1, "  1.0000000000000000     "},
		{500, "  500.00000000000000     "},
		{672, "  672.00000000000000     "},
		{0, "  0.0000000000000000     "},
		{0.1, " 0.10000000000000001     "},
		{-262, " -262.00000000000000     "},
		// gfortran 12.2's namelist output of these values:
		{0.03, "  2.9999999999999999E-002"},
		{-0.03, " -2.9999999999999999E-002"},
		{math.MaxFloat64, "  1.7976931348623157E+308"},
		{7.43162901307967e-09, "  7.4316290130796702E-009"},
		{1e17, "  1.0000000000000000E+017"},
		{123456789012345678, "  1.2345678901234568E+017"},
		{0.09999999999999999, "  9.9999999999999992E-002"},
		{5e-324, "  4.9406564584124654E-324"},
		{2.2250738585072014e-308, "  2.2250738585072014E-308"},
		{1e16 + 2, "  10000000000000002.     "},
	}
	for _, tc := range tests {
		got := FormatListReal(tc.x)
		if got != tc.want {
			t.Errorf("FormatListReal(%v) = %q, want %q", tc.x, got, tc.want)
		}
		if len(got) != 25 {
			t.Errorf("FormatListReal(%v) has width %d", tc.x, len(got))
		}
	}
	// Round trip on awkward values.
	for _, x := range []float64{1.8076624395655556, 41.4, -1e6, 1e16 + 2, 123456789012345678, 0.09999999999999999, 2.2250738585072014e-308, 5e-324} {
		s := strings.TrimSpace(FormatListReal(x))
		y, err := strconv.ParseFloat(strings.Replace(s, "E", "e", 1), 64)
		if err != nil || y != x {
			t.Errorf("FormatListReal(%v) = %q does not round-trip (%v, %v)", x, s, y, err)
		}
	}
}

// testsuiteDir returns HipFT's testsuite folder (datadir.Testsuite) and
// skips the test when it is absent.
func testsuiteDir(t *testing.T) string {
	t.Helper()
	dir, ok := datadir.Testsuite()
	if !ok {
		t.Skip("HipFT testsuite not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	return dir
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestHistoryFiles reformats every real number of every reference history
// file (Fortran 1pe23.15e3) and requires the original text back.
func TestHistoryFiles(t *testing.T) {
	dir := testsuiteDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "reference", "hipft_history_*.out"))
	if len(files) == 0 {
		t.Skip("no reference history files")
	}
	n := 0
	for _, file := range files {
		for ln, line := range readLines(t, file) {
			if ln == 0 {
				continue // header
			}
			for _, tok := range strings.Fields(line) {
				if !strings.ContainsAny(tok, "E") {
					continue // integer columns
				}
				x, err := strconv.ParseFloat(tok, 64)
				if err != nil {
					t.Fatalf("%s:%d: %v", file, ln+1, err)
				}
				got := FormatE(x, 15, 3, 23)
				if len(got) != 23 || strings.TrimLeft(got, " ") != tok {
					t.Fatalf("%s:%d: FormatE(%v) = %q, want %q", file, ln+1, x, got, tok)
				}
				n++
			}
		}
	}
	t.Logf("%d numbers in %d files reproduced", n, len(files))
}

// TestMapListFile rebuilds the lines of the reference map list
// (i10, 3 blanks, 1pe25.15, 4 blanks, name) exactly.
func TestMapListFile(t *testing.T) {
	dir := testsuiteDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "reference", "hipft_output_map_list.out"))
	if len(files) == 0 {
		t.Skip("no reference map list")
	}
	for _, file := range files {
		for ln, line := range readLines(t, file) {
			if ln == 0 {
				continue
			}
			f := strings.Fields(line)
			idx, err1 := strconv.ParseInt(f[0], 10, 64)
			tm, err2 := strconv.ParseFloat(f[1], 64)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s:%d: bad line %q", file, ln+1, line)
			}
			got := FormatI(idx, 10) + "   " + FormatE(tm, 15, 0, 25) + "    " + f[2]
			if got != line {
				t.Errorf("%s:%d:\n got %q\nwant %q", file, ln+1, got, line)
			}
		}
	}
}

// TestOldRealizationTable checks the 1pe16.8e3 numbers of the reference
// realization tables (written by an older HipFT).
func TestOldRealizationTable(t *testing.T) {
	dir := testsuiteDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "reference", "hipft_realization_parameters.out"))
	for _, file := range files {
		for ln, line := range readLines(t, file) {
			if ln == 0 {
				continue
			}
			for _, tok := range strings.Fields(line)[1:] {
				x, err := strconv.ParseFloat(tok, 64)
				if err != nil {
					t.Fatalf("%s:%d: %v", file, ln+1, err)
				}
				if got := strings.TrimLeft(FormatE(x, 8, 3, 17), " "); got != tok {
					t.Errorf("%s:%d: got %q want %q", file, ln+1, got, tok)
				}
			}
		}
	}
}

func ExampleFormatE() {
	fmt.Printf("[%s]\n", FormatE(1.678576886850202e23, 15, 3, 23))
	fmt.Printf("[%s]\n", FormatE(0, 15, 0, 25))
	// Output:
	// [ 1.678576886850202E+023]
	// [    0.000000000000000E+00]
}

// exactRoundSig is roundSig by the definition: the exact decimal expansion
// of a > 0, rounded to n digits with ties away from zero.
func exactRoundSig(a float64, n int) (string, int) {
	s := new(big.Float).SetFloat64(a).Text('e', 800)
	i := strings.IndexByte(s, 'e')
	e, _ := strconv.Atoi(s[i+1:])
	mant := strings.Replace(s[:i], ".", "", 1)
	d := []byte(mant[:n])
	if mant[n] >= '5' {
		j := n - 1
		for ; j >= 0 && d[j] == '9'; j-- {
			d[j] = '0'
		}
		if j < 0 {
			return "1" + string(d[:n-1]), e + 1
		}
		d[j]++
	}
	return string(d), e
}

// TestRoundSigExact checks roundSig against the exact expansion on random
// doubles of every magnitude and on exact ties (k + 1/2 scaled by powers
// of two, whose expansions end in 5), for 1 to 17 digits.
func TestRoundSigExact(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var xs []float64
	for i := 0; i < 3000; i++ {
		xs = append(xs, math.Float64frombits(rng.Uint64()&^(1<<63)))
		xs = append(xs, rng.Float64()*math.Pow(10, float64(rng.Intn(40)-20)))
		// An exact tie at some digit: an odd multiple of a power of two
		// below one (its expansion ends in 5), with few digits.
		xs = append(xs, math.Ldexp(float64(2*rng.Intn(1<<20)+1), -rng.Intn(30)-1))
	}
	xs = append(xs, 0.125, 2.5, 9.5, 0.5, 8.983872639938073e14, 9.999999999999999e22, math.SmallestNonzeroFloat64, math.MaxFloat64)
	for _, x := range xs {
		if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
			continue
		}
		for n := 1; n <= 17; n++ {
			gd, ge := roundSig(x, n)
			wd, we := exactRoundSig(x, n)
			if gd != wd || ge != we {
				t.Fatalf("roundSig(%v, %d) = %s e%d, exact rounding gives %s e%d", x, n, gd, ge, wd, we)
			}
		}
	}
}

// BenchmarkFormatE times a history line's number format (16 significant
// digits).
func BenchmarkFormatE(b *testing.B) {
	x := 1.678576886850202e23
	for i := 0; i < b.N; i++ {
		_ = FormatE(x, 15, 3, 23)
		x *= 1.0000001
	}
}
