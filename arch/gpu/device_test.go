package gpu

import (
	"math"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/hipft/suite"
)

var (
	probeOnce sync.Once
	probeInfo *Info
	probeErr  error
)

// needDevice skips the test, saying why, when this machine has no usable
// GPU (no driver, no NVRTC or no device).
func needDevice(t *testing.T) Options {
	t.Helper()
	o, err := DefaultOptions()
	if err != nil {
		t.Fatal(err)
	}
	probeOnce.Do(func() { probeInfo, probeErr = Probe(o) })
	if probeErr != nil {
		t.Skipf("no GPU on this machine, GPU test skipped: %v", probeErr)
	}
	return o
}

// TestDeviceProbe reports the device found.
func TestDeviceProbe(t *testing.T) {
	needDevice(t)
	t.Logf("%s (CUDA %s, NVRTC %s, compile %.2f s, cache %s)", probeInfo, probeInfo.CUDALib, probeInfo.NVRTCLib, probeInfo.CompileTime, probeInfo.CacheFile)
}

// deviceCase is a small run for comparing a device (or the emulator) with
// the CPU.
type deviceCase struct {
	name, body string
	prepare    []func(dir string, o *run.Options)
	// exact: the final field must be the CPU's bit for bit (false where
	// tanh enters: attenuation).
	exact bool
	// kernel, if set, must have been launched (the path the case is for).
	kernel string
}

// deviceCases are testCases, flowFilesCase, sourceCases and assimCases.
func deviceCases(t *testing.T) []deviceCase {
	var cs []deviceCase
	names := make([]string, 0, len(testCases))
	for n := range testCases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cs = append(cs, deviceCase{name: n, body: testCases[n], exact: !strings.Contains(testCases[n], "flow_attenuate")})
	}
	for _, c := range sourceCases {
		cs = append(cs, deviceCase{name: "source_" + c.name, body: c.body, exact: true, kernel: "src_apply",
			prepare: []func(string, *run.Options){func(dir string, o *run.Options) {
				if err := writeSourceFile(dir); err != nil {
					t.Fatal(err)
				}
				if c.custom {
					o.SourceRegistry = customSources()
				}
			}}})
	}
	cs = append(cs, deviceCase{name: "flow_files_atten", body: flowFilesCase, kernel: "flow_atten_vt",
		prepare: []func(string, *run.Options){func(dir string, o *run.Options) {
			if err := writeFlowFiles(dir); err != nil {
				t.Fatal(err)
			}
		}}})
	for _, c := range assimCases {
		cs = append(cs, deviceCase{name: "assim_" + c.name, body: c.body, exact: true, kernel: "asm_update",
			prepare: []func(string, *run.Options){func(dir string, o *run.Options) { copyCase(t, dir) }}})
	}
	return cs
}

// compareWithCPU runs case c on the CPU and with backend be, compares the
// final fields (at most 1e-12 relative apart, and bit for bit when c.exact)
// and every history value (HipFT's rule at precision 5), and returns the
// two fields.
func compareWithCPU(t *testing.T, c deviceCase, label string, be run.BackendFactory) (cpu, dev []float64) {
	t.Helper()
	cpuDir, cf, p := runCaseWith(t, c.name+"_cpu", c.body, nil, c.prepare...)
	devDir, gf, _ := runCaseWith(t, c.name+"_"+label, c.body, be, c.prepare...)
	diff, scale := 0.0, 0.0
	for i := range cf {
		diff = math.Max(diff, math.Abs(cf[i]-gf[i]))
		scale = math.Max(scale, math.Abs(cf[i]))
	}
	rel := diff / math.Max(scale, math.SmallestNonzeroFloat64)
	bad := 0
	if c.exact {
		bad = countBitDiffs(t, label+" against the CPU", gf, cf)
	}
	ms, err := suite.CompareRuns(cpuDir, devDir, p.NRealizations, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%-32s field max rel diff %.2e (bit-identical %v); rule mismatches %d", c.name, rel, bad == 0 && diff == 0, len(ms))
	if !(rel <= 1e-12) {
		t.Errorf("final field differs from the CPU's by %.3e relative", rel)
	}
	for _, m := range ms {
		t.Errorf("history: %v", m)
	}
	return cf, gf
}

// TestDeviceMatchesCPU runs every small case (deviceCases) on the CPU and
// on the GPU and compares the final fields and every history value. The
// pointwise kernels and the pole sums reproduce the CPU's rounding, so the
// fields agree to the bit except where tanh (attenuation) enters; the
// history sums differ in order only.
func TestDeviceMatchesCPU(t *testing.T) {
	o := needDevice(t)
	for _, c := range deviceCases(t) {
		t.Run(c.name, func(t *testing.T) { compareWithCPU(t, c, "gpu", Factory(o)) })
	}
}

// TestDeviceOpen runs two cases through Open's factory, as goft run -gpu
// does: the first backend on the device opened in the background while the
// run set itself up (with attenuated AFT flows, whose model velocity is
// computed before the device is waited for), the second handed to Factory.
func TestDeviceOpen(t *testing.T) {
	o := needDevice(t)
	f, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]deviceCase{}
	for _, c := range deviceCases(t) {
		cases[c.name] = c
	}
	for _, name := range []string{"atten_aft_strang", "advect_weno_ssprk43"} {
		c, ok := cases[name]
		if !ok {
			t.Fatalf("no device case %s", name)
		}
		t.Run(name, func(t *testing.T) { compareWithCPU(t, c, "gpu_open", f) })
	}
}
