package gpu

import (
	"math"
	"sort"
	"sync"
	"testing"

	"goft/run"
	"goft/suite"
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

// deviceCase is a small run for comparing a device with the CPU.
type deviceCase struct {
	name, body string
	prepare    []func(dir string, o *run.Options)
}

// deviceCases are testCases, sourceCases and assimCases.
func deviceCases(t *testing.T) []deviceCase {
	var cs []deviceCase
	names := make([]string, 0, len(testCases))
	for n := range testCases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cs = append(cs, deviceCase{name: n, body: testCases[n]})
	}
	for _, c := range sourceCases {
		c := c
		cs = append(cs, deviceCase{name: "source_" + c.name, body: c.body, prepare: []func(string, *run.Options){
			func(dir string, o *run.Options) {
				if err := writeSourceFile(dir); err != nil {
					t.Fatal(err)
				}
				if c.custom {
					o.SourceRegistry = customSources()
				}
			}}})
	}
	for _, c := range assimCases {
		cs = append(cs, deviceCase{name: "assim_" + c.name, body: c.body, prepare: []func(string, *run.Options){
			func(dir string, o *run.Options) { copyTree(t, "../assim/testdata/hipft_da", dir) }}})
	}
	return cs
}

// TestDeviceMatchesCPU runs every small case (deviceCases) on the CPU and
// on the GPU and compares the final fields and every history value. The
// pointwise kernels and the pole sums reproduce the CPU's rounding, so the
// fields agree to the bit except where tanh (attenuation) or the order of
// a history sum enters; anything beyond 1e-12 relative is a failure.
func TestDeviceMatchesCPU(t *testing.T) {
	o := needDevice(t)
	for _, c := range deviceCases(t) {
		t.Run(c.name, func(t *testing.T) {
			cpuDir, cf, p := runCaseWith(t, c.name+"_cpu", c.body, nil, c.prepare...)
			gpuDir, gf, _ := runCaseWith(t, c.name+"_gpu", c.body, Factory(o), c.prepare...)
			diff, scale, same := 0.0, 0.0, true
			for i := range cf {
				if cf[i] != gf[i] {
					same = false
				}
				diff = math.Max(diff, math.Abs(cf[i]-gf[i]))
				scale = math.Max(scale, math.Abs(cf[i]))
			}
			rel := diff / math.Max(scale, math.SmallestNonzeroFloat64)
			ms, err := suite.CompareRuns(cpuDir, gpuDir, p.NRealizations, 5)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%-32s field max rel diff %.2e (bit-identical %v); rule mismatches %d", c.name, rel, same, len(ms))
			if !(rel <= 1e-12) {
				t.Errorf("final field differs from the CPU's by %.3e relative", rel)
			}
			for _, m := range ms {
				t.Errorf("history: %v", m)
			}
		})
	}
}
