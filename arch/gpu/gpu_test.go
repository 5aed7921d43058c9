package gpu

import (
	"math"
	"math/rand"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/mesh"
)

func TestCUDACandidates(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	c := cudaCandidates(getenv)
	if c[0] != "libcuda.so.1" {
		t.Errorf("first candidate %q, want the loader's libcuda.so.1", c[0])
	}
	env[EnvCUDALib] = "/opt/x/libcuda.so.1"
	if c := cudaCandidates(getenv); len(c) != 1 || c[0] != "/opt/x/libcuda.so.1" {
		t.Errorf("with %s set: %v", EnvCUDALib, c)
	}
}

func TestNVRTCCandidates(t *testing.T) {
	env := map[string]string{"CUDA_HOME": "/opt/cuda"}
	files := map[string][]string{
		"/usr/local/cuda/lib64/libnvrtc.so*":   {"/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so.12.4.99", "/usr/local/cuda/lib64/libnvrtc.so"},
		"/usr/local/cuda-*/lib64/libnvrtc.so*": {"/usr/local/cuda-11.8/lib64/libnvrtc.so.11.2", "/usr/local/cuda-13.0/lib64/libnvrtc.so.13"},
		"/opt/cuda/lib64/libnvrtc.so*":         {"/opt/cuda/lib64/libnvrtc.so.13"},
	}
	glob := func(p string) ([]string, error) { return files[p], nil }
	got := nvrtcCandidates(func(k string) string { return env[k] }, glob)
	want := []string{"libnvrtc.so", "/opt/cuda/lib64/libnvrtc.so.13",
		"/usr/local/cuda/lib64/libnvrtc.so.12.4.99", "/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so",
		"/usr/local/cuda-13.0/lib64/libnvrtc.so.13", "/usr/local/cuda-11.8/lib64/libnvrtc.so.11.2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("candidates:\n got %q\nwant %q", got, want)
	}
	env[EnvNVRTCLib] = "/x/libnvrtc.so.12"
	if got := nvrtcCandidates(func(k string) string { return env[k] }, glob); !reflect.DeepEqual(got, []string{"/x/libnvrtc.so.12"}) {
		t.Errorf("with %s set: %v", EnvNVRTCLib, got)
	}
}

// TestMissingLibraryMessage checks that asking for a library that is not
// there names it and the variable that overrides it.
func TestMissingLibraryMessage(t *testing.T) {
	_, err := loadCUDA(func(k string) string {
		if k == EnvCUDALib {
			return "/nonexistent/libcuda.so.1"
		}
		return ""
	})
	if err == nil {
		t.Fatal("loading a nonexistent libcuda succeeded")
	}
	for _, s := range []string{"/nonexistent/libcuda.so.1", EnvCUDALib, "CUDA driver"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	_, err = loadNVRTC(func(k string) string {
		if k == EnvNVRTCLib {
			return "/nonexistent/libnvrtc.so"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), EnvNVRTCLib) || !strings.Contains(err.Error(), "NVRTC") {
		t.Errorf("NVRTC error %v", err)
	}
}

// TestGeoLayout checks that the Go packing of the kernels' Geo struct
// follows the field order of common.cuh.
func TestGeoLayout(t *testing.T) {
	src, err := kernelFS.ReadFile("kernels/common.cuh")
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile(`(?s)struct Geo \{(.*?)\};`).FindSubmatch(src)
	if body == nil {
		t.Fatal("no struct Geo in common.cuh")
	}
	var fields []string
	for _, m := range regexp.MustCompile(`(?m)^\s*(long long|const double\*)\s+(\w+);`).FindAllSubmatch(body[1], -1) {
		fields = append(fields, string(m[2]))
	}
	if !reflect.DeepEqual(fields, geoFields) {
		t.Errorf("struct Geo fields %v, Go packs %v", fields, geoFields)
	}
	if len(geo{}) != len(geoFields) {
		t.Errorf("geo has %d slots for %d fields", len(geo{}), len(geoFields))
	}
}

// TestKernelSignatures checks the parser on the embedded kernels: every
// kernel the backend launches is declared with 8-byte parameters.
func TestKernelSignatures(t *testing.T) {
	sigs, err := kernelSignatures()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"set_u64": "pii", "first_nonfinite": "pip",
		"diff_pole_sums": "gppddp", "diff_fe": "gppppdp", "diff_sts_init": "gppppddpp",
		"diff_sts_stage": "gpppppppdddddp", "diff_apply_amax": "gpppppp", "diff_ptl_min": "gppp",
		"adv_flux": "gpppppppidpp", "adv_pole_sums": "gpddp", "adv_update": "gpppppdddip",
		"adv_alpha": "gpppp", "adv_cfl": "gppp", "flow_atten_vt": "gpppp", "flow_atten_vp": "gpppp",
		"diag_partial": "gppipppppppddp", "diag_final": "pip",
		"diff_sts_block": "gpppppppiidddppp", "src_apply": "ppppppddddiiiiiiidi",
		"asm_delta": "gpppiip", "asm_balance": "gpppp", "asm_update": "gpppip",
	}
	if !reflect.DeepEqual(sigs, want) {
		t.Errorf("kernel signatures\n got %v\nwant %v", sigs, want)
	}
	if _, err := parseSignatures(`extern "C" __global__ void k(int n)`); err == nil {
		t.Error("a 4-byte int parameter was accepted")
	}
}

// TestKernelDefinesMatchGo checks that the sizes the host computes launch
// shapes and buffers from agree with the kernels' #define values.
func TestKernelDefinesMatchGo(t *testing.T) {
	d := defaultSTSShape
	want := map[string]int{
		"STS_HALO": d.halo, "STS_TILE_J": d.tileJ, "STS_TILE_K": d.tileK, "STS_THREADS": stsThreads,
		"DIAG_NV": diagNV, "DIAG_THREADS": threads,
	}
	got := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^#define (\w+) (\d+)\b`).FindAllStringSubmatch(kernelSource(), -1) {
		n, _ := strconv.Atoi(m[2])
		got[m[1]] = n
	}
	for name, v := range want {
		if g, ok := got[name]; !ok || g != v {
			t.Errorf("#define %s is %d in the kernels (present %v), the Go side uses %d", name, g, ok, v)
		}
	}
	if p, err := parseSTSShape(d.String()); err != nil || p != d {
		t.Errorf("the default shape %s does not parse as itself: %v, %v", d, p, err)
	}
}

// TestParseSTSShape checks the blocked stages' shape strings and their
// limits.
func TestParseSTSShape(t *testing.T) {
	cases := []struct {
		in   string
		want stsShape
		ok   bool
	}{
		{"", defaultSTSShape, true},
		{"4,64x32", stsShape{4, 64, 32}, true},
		{"6,128x32", stsShape{6, 128, 32}, true},
		{" 2 , 32x32", stsShape{2, 32, 32}, true},
		{"8,64x64", stsShape{8, 64, 64}, true},
		{"4", stsShape{}, false},
		{"4,64", stsShape{}, false},
		{"x,64x32", stsShape{}, false},
		{"0,64x32", stsShape{}, false},
		{"4,48x32", stsShape{}, false},  // 48 does not divide 256
		{"4,256x64", stsShape{}, false}, // 128 KiB of shared memory
		{"16,32x32", stsShape{}, false}, // no own points
		{"4,64x2", stsShape{}, false},   // 128 points for 256 threads
	}
	for _, c := range cases {
		got, err := parseSTSShape(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("parseSTSShape(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "H,JxK") {
			t.Errorf("parseSTSShape(%q): the error %q does not give the form", c.in, err)
		}
	}
}

func TestPackArgs(t *testing.T) {
	var a kernelArgs
	var slots [maxKernelArgs]uint64
	var ptrs [maxKernelArgs]unsafe.Pointer
	var g, gs geo
	g[0] = 7
	a.reset().geom(&g).ptr(0x1000).f64(1.5).ints(-42).u64(maxBits)
	if err := a.check("k", "gpdii"); err != nil {
		t.Fatal(err)
	}
	packArgs(&a, &slots, &ptrs, &gs)
	if *(*geo)(ptrs[0]) != g || ptrs[0] != unsafe.Pointer(&gs) {
		t.Error("the Geo parameter does not point at the copy of the Geo struct")
	}
	if slots[1] != 0x1000 || math.Float64frombits(slots[2]) != 1.5 || int64(slots[3]) != -42 || slots[4] != maxBits {
		t.Errorf("packed %v", slots[1:5])
	}
	for i := 1; i < 5; i++ {
		if ptrs[i] != unsafe.Pointer(&slots[i]) {
			t.Errorf("parameter pointer %d does not point at its slot", i)
		}
	}
	many := make([]devPtr, maxKernelArgs+1)
	for _, c := range []struct {
		name  string
		build func(*kernelArgs)
		kinds string
		want  string // in the error
	}{
		{"swapped", func(a *kernelArgs) { a.f64(1.5).ptr(1) }, "pd", "argument 0: got kind d"},
		{"missing", func(a *kernelArgs) { a.ptr(1) }, "pd", "takes 2 arguments, got 1"},
		{"extra", func(a *kernelArgs) { a.ptr(1, 2, 3) }, "pd", "takes 2 arguments, got 3"},
		{"two Geo", func(a *kernelArgs) { a.geom(&g).geom(&g) }, "gg", "more than one Geo"},
		{"too many", func(a *kernelArgs) { a.ptr(many...) }, strings.Repeat("p", maxKernelArgs+1), "more than 32 arguments"},
	} {
		c.build(a.reset())
		err := a.check("k", c.kinds)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: check gave %v, want an error with %q", c.name, err, c.want)
		}
	}
	a.reset().ptr(1).f64(2)
	if err := a.check("k", "pd"); err != nil {
		t.Errorf("reset did not empty the list: %v", err)
	}
}

func testMesh(t *testing.T) *mesh.Mesh {
	t.Helper()
	m, err := mesh.Uniform(21, 41)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostSums reduces one realization as diag_partial does, but serially in
// the CPU's order (so the result must equal diag.Analyzer's exactly).
func hostSums(m *mesh.Mesh, an *diag.Analyzer, f, ref []float64) []float64 {
	sinA, cosA, cosP, sinP := an.Tables()
	ntm, npm := m.NThetaMain, m.NPhiMain
	v := make([]float64, diagNV)
	v[dMin], v[dMax], v[dAbsMin] = math.MaxFloat64, mesh.SmallValue, math.MaxFloat64
	for k := 0; k < npm-2; k++ {
		for j := 0; j < ntm; j++ {
			br := f[j+ntm*k]
			v[dMin] = math.Min(v[dMin], br)
			v[dMax] = math.Max(v[dMax], br)
			v[dAbsMin] = math.Min(v[dAbsMin], math.Abs(br))
			g := br
			if ref != nil {
				g = ref[j+ntm*k]
			}
			d := br - g
			v[dErr] += d * d
			v[dNorm] += math.Abs(br) * math.Abs(g)
		}
	}
	limS := math.Pi - an.PoleLimit
	for k := 0; k < npm-1; k++ {
		for j := 0; j < ntm; j++ {
			br, dat, dap := f[j+ntm*k], m.AreaTheta[j], m.AreaPhi[k]
			fv := br * dat * dap
			add := func(pos, neg int) {
				if fv > 0 {
					v[pos] += fv
				} else {
					v[neg] += fv
				}
			}
			add(dFluxPos, dFluxNeg)
			if m.Theta[j] <= an.PoleLimit {
				add(dNFluxPos, dNFluxNeg)
				v[dNArea] += dat * dap
			}
			if m.Theta[j] >= limS {
				add(dSFluxPos, dSFluxNeg)
				v[dSArea] += dat * dap
			}
			v[dE1] += br * sinA[j] * cosP[k] * dat * dap
			v[dE2] += br * sinA[j] * sinP[k] * dat * dap
			v[dAx] += br * cosA[j] * dat * dap
		}
	}
	return v
}

// TestStatsFrom checks the reduced-value layout and the final arithmetic
// against diag.Analyzer on a random field, with and without a reference.
func TestStatsFrom(t *testing.T) {
	m := testMesh(t)
	an := diag.NewAnalyzer(m, 30)
	rng := rand.New(rand.NewSource(1))
	f, ref := make([]float64, m.Size()), make([]float64, m.Size())
	for i := range f {
		f[i] = rng.NormFloat64() * 10
		ref[i] = f[i] + rng.NormFloat64()
	}
	for _, r := range [][]float64{nil, ref} {
		want := an.Analyze(f, r, 3.5)
		got := statsFrom(m, hostSums(m, an, f, r), 3.5)
		if got != want {
			t.Errorf("ref %v:\n got %+v\nwant %+v", r != nil, got, want)
		}
	}
}

// TestPickOrdinal checks the device choice: the ordinal asked for, or the
// node-local rank modulo the number of GPUs.
func TestPickOrdinal(t *testing.T) {
	cases := []struct {
		opts    Options
		n, want int
		chosen  bool
		err     bool
	}{
		{Options{Device: 0}, 1, 0, false, false},
		{Options{Device: 3}, 4, 3, false, false},
		{Options{Device: 4}, 4, 0, false, true},
		{Options{Device: -1}, 4, 0, false, true},
		{Options{LocalRank: 5, LocalRankFrom: "SLURM_LOCALID"}, 4, 1, true, false},
		{Options{Device: 7, LocalRank: 2, LocalRankFrom: "OMPI_COMM_WORLD_LOCAL_RANK"}, 8, 2, true, false},
		{Options{LocalRank: 3, LocalRankFrom: "MPI_LOCALRANKID"}, 1, 0, true, false},
		{Options{LocalRank: -1, LocalRankFrom: "X"}, 2, 0, false, true},
	}
	for _, c := range cases {
		got, chosen, err := pickOrdinal(c.opts, c.n)
		if (err != nil) != c.err || (err == nil && (got != c.want || (chosen != "") != c.chosen)) {
			t.Errorf("pickOrdinal(%+v, %d) = %d, %q, %v; want %d (chosen %v, error %v)", c.opts, c.n, got, chosen, err, c.want, c.chosen, c.err)
		}
		if c.chosen && err == nil && !strings.Contains(chosen, c.opts.LocalRankFrom) {
			t.Errorf("the choice %q does not name %s", chosen, c.opts.LocalRankFrom)
		}
	}
}
