package gpu

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"

	"github.com/goft-sft/goft/internal/testenv"
)

// fakeDriverChild marks the child test process of TestFakeDriver.
const fakeDriverChild = "GOFT_GPU_FAKE_DRIVER_CHILD"

// TestFakeDriver runs the device tests in a child test process whose CUDA
// driver and NVRTC are testdata/fakecuda.cpp: a shared library, loaded
// through GOFT_CUDA_LIB and GOFT_NVRTC_LIB, that keeps device memory on
// the host and runs the kernels on the emulator. The tests are
// TestDeviceProbe, TestDeviceMatchesCPU (a case of each kind against the
// CPU), TestDeviceOpen (goft run -gpu's way of opening the device),
// TestDeviceStepIsAllocationFree and TestDeviceErrors (injected driver and
// NVRTC failures). So the real driver path, which the emulated tests
// replace, runs on machines without a GPU: library loading and binding,
// the device thread, compile options and the module, argument packing for
// cuLaunchKernel, copies and the profile's events. It skips with
// GOFT_GPU_EMU=0, in -short mode, or without a C++ compiler.
func TestFakeDriver(t *testing.T) {
	if os.Getenv(fakeDriverChild) != "" {
		t.Skip("the child run of TestFakeDriver")
	}
	if os.Getenv("GOFT_GPU_EMU") == "0" {
		t.Skip("GOFT_GPU_EMU=0")
	}
	if testing.Short() {
		t.Skip("emulated kernel runs skipped in -short mode")
	}
	testenv.SkipUnlessLong(t, "the device cases through the fake CUDA driver, about 90 s")
	lib, err := compileEmuSource(defaultSTSShape, "fakecuda.cpp", "libgoftfakecuda.so", []string{"-shared", "-fPIC"})
	if errors.Is(err, errNoCXX) {
		t.Skipf("fake driver unavailable, test skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The per-kernel profile (CUDA events) is on, written by each case's
	// backend to the same file.
	prof := filepath.Join(t.TempDir(), "profile.txt")
	// TestDeviceMatchesCPU runs a case of each kind (the emulated tests run
	// them all): blocked STS with the verbose hook, WENO3, attenuated flows
	// with Strang splitting, flows from files, sources, assimilation.
	cases := []string{"diffuse_rkg2_auto_verbose", "advect_weno_ssprk43", "atten_aft_strang", "flow_files_atten",
		"source_file_rfe_strang_flow", "assim_custom_mu_lat_balance"}
	pattern := "^(TestDeviceProbe|TestDeviceMatchesCPU|TestDeviceOpen|TestDeviceStepIsAllocationFree|TestDeviceErrors)$/^(" +
		strings.Join(cases, "|") + "|cu.*|nvrtc.*)$"
	cmd := exec.Command(os.Args[0], "-test.run", pattern, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), EnvCUDALib+"="+lib, EnvNVRTCLib+"="+lib, "GOFT_GPU_CACHE=off", "GOFT_GPU_DEVICE=",
		"GOFT_GPU_PROFILE="+prof, fakeDriverChild+"=1")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("device tests on the fake driver: %v\n%s", err, text)
	}
	for _, want := range []string{"--- PASS: TestDeviceProbe", "--- PASS: TestDeviceMatchesCPU", "--- PASS: TestDeviceOpen/atten_aft_strang",
		"--- PASS: TestDeviceStepIsAllocationFree", "--- PASS: TestDeviceErrors/cuLaunchKernel", "--- PASS: TestDeviceErrors/nvrtcCompileProgram",
		"goft fake CUDA device"} {
		if !strings.Contains(text, want) {
			t.Errorf("the child run's output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "--- SKIP") {
		t.Errorf("a device test skipped on the fake driver:\n%s", text)
	}
	if b, err := os.ReadFile(prof); err != nil || !strings.Contains(string(b), "goft fake CUDA device") || !strings.Contains(string(b), "total") {
		t.Errorf("the kernel profile was not written (%v):\n%s", err, b)
	}
	passed := strings.Count(text, "    --- PASS: TestDeviceMatchesCPU/")
	t.Logf("%d device cases passed on the fake driver (%s)", passed, lib)
	if passed != len(cases) {
		t.Errorf("%d of the %d device cases %v passed:\n%s", passed, len(cases), cases, text)
	}
}

// fakeFail returns the fake driver's fault injector (goft_fake_fail in
// testdata/fakecuda.cpp), or nil when the driver library is not the fake.
func fakeFail() func(name string, nth, code int32) {
	lib := os.Getenv(EnvCUDALib)
	if lib == "" {
		return nil
	}
	h, err := dlopen(lib)
	if err != nil {
		return nil
	}
	sym, err := dlsym(h, "goft_fake_fail")
	if err != nil {
		return nil
	}
	var f func(name string, nth, code int32)
	purego.RegisterFunc(&f, sym)
	return f
}

// TestDeviceErrors makes driver and NVRTC calls fail (with the fake
// driver's fault injection; it skips on a real GPU) and checks that goft
// stops with an error naming the call, the driver's error name and its
// description: an allocation at set-up, a kernel launch and a copy back in
// the time loop, loading the module, and compiling the kernels (whose
// compiler log must be in the message).
func TestDeviceErrors(t *testing.T) {
	o := needDevice(t)
	fail := fakeFail()
	if fail == nil {
		t.Skip("needs the fake driver's fault injection (TestFakeDriver runs this test)")
	}
	defer fail("", 0, 0)
	const body = `&hipft_input_parameters
  res_nt = 21
  res_np = 41
  n_realizations = 2
  validation_run = 1
  time_end = 10.0
  dt_max = 1.0
  advance_flow = .true.
  flow_dr_model = 1
  advance_diffusion = .true.
  diffusion_coef_constants = 300.0, 900.0
/
`
	for _, c := range []struct {
		call      string
		nth, code int32
		open      bool // the failure is in opening the device
		want      []string
	}{
		{"cuMemAlloc_v2", 4, 2, false, []string{"cuMemAlloc(", "CUDA_ERROR_OUT_OF_MEMORY (2): out of memory"}},
		{"cuLaunchKernel", 40, 700, false, []string{"cuLaunchKernel(", "CUDA_ERROR_ILLEGAL_ADDRESS (700): an illegal memory access was encountered",
			"GOFT_GPU_PROFILE=1 waits for every kernel"}},
		{"cuMemcpyDtoH_v2", 3, 700, false, []string{"cuMemcpyDtoH failed: CUDA_ERROR_ILLEGAL_ADDRESS"}},
		{"cuModuleLoadData", 1, 200, true, []string{"cuModuleLoadData (sm_90) failed: CUDA_ERROR_INVALID_IMAGE (200): device kernel image is invalid"}},
		{"nvrtcCompileProgram", 1, 6, true, []string{"nvrtcCompileProgram(--gpu-architecture=sm_90", "NVRTC_ERROR_COMPILATION", "injected by goft_fake_fail"}},
	} {
		t.Run(c.call, func(t *testing.T) {
			fail(c.call, c.nth, c.code)
			defer fail("", 0, 0)
			var err error
			if c.open {
				oo := o
				oo.CacheDir = "off"
				_, err = Probe(oo)
			} else {
				p, perr := input.ParseWith(strings.NewReader(body), "errors.in", input.Options{SkipFileChecks: true})
				if perr != nil {
					t.Fatal(perr)
				}
				var r *run.Run
				if r, err = run.New(p, run.Options{Dir: t.TempDir(), Backend: Factory(o)}); err == nil {
					err = r.Execute()
					r.Close()
				}
			}
			if err == nil {
				t.Fatalf("no error with %s failing", c.call)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "gpu: ") || strings.Contains(err.Error(), "gpu: gpu:") {
				t.Errorf("error %q does not start with one gpu: prefix", err)
			}
			t.Logf("%s: %v", c.call, err)
		})
	}
}
