package conflow

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/internal/parallel"
)

// fileDiff is the comparison of one output file with ConFlow's.
type fileDiff struct {
	name   string
	maxAbs float64 // max |goft - ConFlow|
	maxRef float64 // max |ConFlow|
}

// rel is the largest difference relative to the field's largest value.
func (d fileDiff) rel() float64 {
	if d.maxRef == 0 {
		return d.maxAbs
	}
	return d.maxAbs / d.maxRef
}

// compareOutputs compares every file ConFlow wrote in refDir with the
// file of the same name in goDir: HDF5 maps value by value (dims and
// scales exactly), binary flows value by value, the list byte for byte.
func compareOutputs(t *testing.T, goDir, refDir string) []fileDiff {
	t.Helper()
	ents, err := os.ReadDir(refDir)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []fileDiff
	for _, e := range ents {
		name := e.Name()
		ref := filepath.Join(refDir, name)
		got := filepath.Join(goDir, name)
		switch {
		case name == ListName:
			a, err1 := os.ReadFile(ref)
			b, err2 := os.ReadFile(got)
			if err1 != nil || err2 != nil {
				t.Fatalf("list: %v %v", err1, err2)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs from ConFlow's:\n--- ConFlow\n%s--- goft\n%s", name, a, b)
			}
		case strings.HasSuffix(name, ".h5"):
			rm, err := psihdf.Read(ref)
			if err != nil {
				t.Fatal(err)
			}
			gm, err := psihdf.Read(got)
			if err != nil {
				t.Fatalf("goft did not write %s: %v", name, err)
			}
			if fmt.Sprint(rm.Dims) != fmt.Sprint(gm.Dims) || rm.Float32 != gm.Float32 {
				t.Fatalf("%s: dims %v float32 %v, ConFlow's %v %v", name, gm.Dims, gm.Float32, rm.Dims, rm.Float32)
			}
			for i := range rm.Scales {
				for k := range rm.Scales[i] {
					if rm.Scales[i][k] != gm.Scales[i][k] {
						t.Fatalf("%s: scale dim%d[%d] = %v, ConFlow's %v", name, i+1, k, gm.Scales[i][k], rm.Scales[i][k])
					}
				}
			}
			diffs = append(diffs, diffValues(name, gm.Data, rm.Data))
		case strings.HasSuffix(name, ".data"):
			a, err1 := os.ReadFile(ref)
			b, err2 := os.ReadFile(got)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", name, err1, err2)
			}
			if len(a) != len(b) {
				t.Fatalf("%s: %d bytes, ConFlow's %d", name, len(b), len(a))
			}
			diffs = append(diffs, diffValues(name, float64s(b), float64s(a)))
		}
	}
	return diffs
}

func float64s(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

func diffValues(name string, got, ref []float64) fileDiff {
	d := fileDiff{name: name}
	for i := range ref {
		d.maxAbs = max(d.maxAbs, math.Abs(got[i]-ref[i]))
		d.maxRef = max(d.maxRef, math.Abs(ref[i]))
	}
	return d
}

// runCase runs goft on testdata/NAME/conflow.dat into a temporary folder
// and compares with ConFlow's outputs in testdata/NAME/conflow.
func runCase(t *testing.T, name string, workers int) []fileDiff {
	t.Helper()
	dir := filepath.Join("testdata", name)
	p, err := ReadFile(filepath.Join(dir, "conflow.dat"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	p.OutputDirectory = out
	sum, err := Run(p, Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != p.NumFiles() {
		t.Fatalf("wrote %d maps, want %d", sum.Files, p.NumFiles())
	}
	diffs := compareOutputs(t, out, filepath.Join(dir, "conflow"))
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].name < diffs[j].name })
	return diffs
}

// Tolerances of the comparison with ConFlow. ConFlow (gfortran -O3
// -march=native) fuses multiplies and adds and calls glibc's libm, goft
// rounds every operation and calls Go's math package, so the float64
// flows agree to round-off, not bit for bit; the HDF5 maps hold float32,
// where that round-off can at most move a value to a neighbouring
// float32.
const (
	tolFloat64 = 1e-12 // max |goft - ConFlow| / max |ConFlow|, .data files
	tolFloat32 = 3e-7  // the same for the float32 HDF5 maps (2.5 ulps at the maximum)
)

// TestMatchesConFlow runs goft on the cases of testdata (see
// testdata/README.md) and compares every file with ConFlow 1.0.3's.
func TestMatchesConFlow(t *testing.T) {
	cases := []struct {
		name  string
		files int // files ConFlow wrote, the list included
	}{
		{"case1", 18},
		{"case2", 5},
		{"case3", 12},
		{"case4", 17},
		{"case5", 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diffs := runCase(t, c.name, 0)
			ents, _ := os.ReadDir(filepath.Join("testdata", c.name, "conflow"))
			if len(ents) != c.files {
				t.Fatalf("testdata/%s/conflow holds %d files, want %d", c.name, len(ents), c.files)
			}
			if len(diffs)+1 != c.files {
				t.Fatalf("compared %d files, want %d besides the list", len(diffs), c.files-1)
			}
			for _, d := range diffs {
				tol := tolFloat32
				if strings.HasSuffix(d.name, ".data") {
					tol = tolFloat64
				}
				t.Logf("%s: max |goft - ConFlow| / max |ConFlow| = %.3g (max |ConFlow| %.4g)", d.name, d.rel(), d.maxRef)
				if !(d.rel() <= tol) {
					t.Errorf("%s: max |goft - ConFlow| = %.3g, %.3g of max |ConFlow| = %.4g; want <= %.1g", d.name, d.maxAbs, d.rel(), d.maxRef, tol)
				}
			}
		})
	}
}

// TestOtherSeedDiffers checks that the comparison can fail: another seed
// gives other flows.
func TestOtherSeedDiffers(t *testing.T) {
	p, err := ReadFile("testdata/case4/conflow.dat")
	if err != nil {
		t.Fatal(err)
	}
	p.RandomSeedValue = 1
	p.OutputDirectory = t.TempDir()
	if _, err := Run(p, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"vt000003.h5", "vp000003.h5"} {
		a, err := psihdf.Read(filepath.Join(p.OutputDirectory, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := psihdf.Read(filepath.Join("testdata/case4/conflow", name))
		if err != nil {
			t.Fatal(err)
		}
		if d := diffValues(name, a.Data, b.Data); d.rel() < 0.1 {
			t.Errorf("%s with seed 1 is within %.3g of seed 0's", name, d.rel())
		}
	}
}

// TestWorkersSameBits checks that the flows do not depend on the number
// of cores.
func TestWorkersSameBits(t *testing.T) {
	p, err := ReadFile("testdata/case2/conflow.dat")
	if err != nil {
		t.Fatal(err)
	}
	p.NLat, p.NLong = 24, 64
	run := func(workers int) (u, v []float64) {
		pool := parallel.New(workers)
		defer pool.Close()
		g := NewGenerator(*p, fortranrand.Fill(p.RandomSeedValue), pool)
		g.Step()
		g.Step()
		return g.U, g.V
	}
	u1, v1 := run(1)
	for _, w := range []int{2, 3, 7} {
		u, v := run(w)
		for i := range u1 {
			if math.Float64bits(u[i]) != math.Float64bits(u1[i]) || math.Float64bits(v[i]) != math.Float64bits(v1[i]) {
				t.Fatalf("%d workers: value %d differs from one worker's", w, i)
			}
		}
	}
}

func TestListLine(t *testing.T) {
	for _, c := range []struct {
		file    int
		seconds float64
		want    string
	}{
		{1, 0, "    0.00000,vt000001.h5,vp000001.h5"},
		{2, 1000, "    0.01157,vt000002.h5,vp000002.h5"},
		{5, 4000, "    0.04630,vt000005.h5,vp000005.h5"},
		{2688, 2418300, "   27.98958,vt002688.h5,vp002688.h5"},
		{12, 1e12, "***********,vt000012.h5,vp000012.h5"},
	} {
		if got := ListLine(c.file, c.seconds); got != c.want {
			t.Errorf("ListLine(%d, %g) = %q, want %q", c.file, c.seconds, got, c.want)
		}
	}
}

func TestLiterals(t *testing.T) {
	// gfortran widens the REAL(4) literals 1.8 and 0.1 of conflow.f90.
	if randAmpScale != 1.7999999523162842 || lifetimeL0 != 0.10000000149011612 {
		t.Errorf("randAmpScale = %.17g, lifetimeL0 = %.17g", randAmpScale, lifetimeL0)
	}
	if rlpa[1] != 0.10000000149011612 || rlpa[20] != float64(float32(1e-20)) {
		t.Errorf("rlpa = %v", rlpa)
	}
}

// TestFFT checks ConFlow's transform against the discrete Fourier
// transform's definition.
func TestFFT(t *testing.T) {
	const n = 16
	data := make([]complex128, n)
	for i := range data {
		data[i] = complex(math.Sin(float64(i)*1.3)+0.25, math.Cos(float64(i*i)))
	}
	want := make([]complex128, n)
	for k := range want {
		for j, z := range data {
			want[k] += z * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/n))
		}
	}
	fftTransform(data, -1, make([]float64, 2*n+1))
	for k := range want {
		if cmplx.Abs(data[k]-want[k]) > 1e-12 {
			t.Errorf("bin %d: %v, want %v", k, data[k], want[k])
		}
	}
}

// TestPlm checks the Legendre recurrence against closed forms of the
// normalized functions sqrt((2l+1)/2 (l-m)!/(l+m)!) P_l^m: for m = 1,
// l = 1 and 2, and, near a pole where the rescaled branch runs, that
// P_m^m = coef(m,m) sin^m.
func TestPlm(t *testing.T) {
	p := Defaults()
	p.NLat, p.NLong = 64, 128
	g := &Generator{p: p, n: 128}
	g.coef = plmcoef(g.n)
	g.coefT = make([]float64, g.n*g.n)
	for m := 0; m < g.n; m++ {
		for l := 0; l < g.n; l++ {
			g.coefT[m+l*g.n] = g.coef[l+m*g.n]
		}
	}
	buf := make([]float64, g.n+1)
	x := 0.3
	sn := math.Sqrt(1 - x*x)
	g.plm(1, x, buf)
	// Normalized: sqrt(3/4) sin, sqrt(15/4) x sin (Condon-Shortley phase
	// not included, as in ConFlow).
	if w := math.Sqrt(0.75) * sn; math.Abs(buf[2]-w) > 1e-14 {
		t.Errorf("P_1^1(%g) = %v, want %v", x, buf[2], w)
	}
	if w := math.Sqrt(15.0/4) * x * sn; math.Abs(buf[3]-w) > 1e-14 {
		t.Errorf("P_2^1(%g) = %v, want %v", x, buf[3], w)
	}
	x = math.Cos(0.01) // sin^m underflows the direct formula's scale for large m
	g.plm(100, x, buf)
	if buf[101] != 0 {
		t.Errorf("P_100^100 near the pole: %g, want 0 (below ConFlow's 1e-20 floor)", buf[101])
	}
	for l := 101; l < g.n; l++ {
		if math.IsNaN(buf[l+1]) || math.IsInf(buf[l+1], 0) {
			t.Fatalf("P_%d^100 = %v", l, buf[l+1])
		}
	}
}

// TestFFT4SameBits checks that fftTransform4 gives, in both its forms
// (AVX2 where available, and Go), the real parts of fftTransform's four
// transforms bit for bit, for both directions and several lengths.
func TestFFT4SameBits(t *testing.T) {
	forms := []bool{false}
	if useAVX2 {
		forms = append(forms, true)
	}
	rng := fortranrand.Fill(3)
	for _, avx := range forms {
		for _, n := range []int{2, 4, 16, 256, 2048} {
			for _, dir := range []int{-1, 1} {
				var data [fftLanes][]complex128
				var re [fftLanes][]float64
				for k := range data {
					data[k] = make([]complex128, n)
					re[k] = make([]float64, n)
					for i := range data[k] {
						data[k][i] = complex(rng.Float64()-0.5, 1e3*(rng.Float64()-0.5))
					}
				}
				func() {
					defer func(old bool) { useAVX2 = old }(useAVX2)
					useAVX2 = avx
					fftTransform4(newFFTPlan(n, dir), &data, make([]float64, fftLanes*(2*n+1)), &re)
				}()
				for k := range data {
					want := append([]complex128(nil), data[k]...)
					fftTransform(want, dir, make([]float64, 2*n+1))
					for i := range want {
						if math.Float64bits(real(want[i])) != math.Float64bits(re[k][i]) {
							t.Fatalf("AVX2 %v, n %d, direction %d, transform %d, bin %d: %v, fftTransform %v", avx, n, dir, k, i, re[k][i], real(want[i]))
						}
					}
				}
			}
		}
	}
}
