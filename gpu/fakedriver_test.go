package gpu

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDriverChild marks the child test process of TestFakeDriver.
const fakeDriverChild = "GOFT_GPU_FAKE_DRIVER_CHILD"

// TestFakeDriver runs the device tests (TestDeviceProbe,
// TestDeviceMatchesCPU, every small case against the CPU, and
// TestDeviceOpen, goft run -gpu's way of opening the device, and
// TestDeviceStepIsAllocationFree) in a child test
// process whose CUDA driver and NVRTC are testdata/fakecuda.cpp: a shared
// library, loaded through GOFT_CUDA_LIB and GOFT_NVRTC_LIB, that keeps
// device memory on the host and runs the kernels on the emulator. So the
// real driver path, which the emulated tests replace (library loading and
// binding, the device thread, kernel compilation options and the module,
// argument packing into cuLaunchKernel's parameter array, copies, the
// profile's events),
// runs on machines without a GPU. It skips with GOFT_GPU_EMU=0, in -short
// mode, or without a C++ compiler.
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
	cmd := exec.Command(os.Args[0], "-test.run", "^(TestDeviceProbe|TestDeviceMatchesCPU|TestDeviceOpen|TestDeviceStepIsAllocationFree)$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), EnvCUDALib+"="+lib, EnvNVRTCLib+"="+lib, "GOFT_GPU_CACHE=off", "GOFT_GPU_DEVICE=",
		"GOFT_GPU_PROFILE="+prof, fakeDriverChild+"=1")
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("device tests on the fake driver: %v\n%s", err, text)
	}
	for _, want := range []string{"--- PASS: TestDeviceProbe", "--- PASS: TestDeviceMatchesCPU", "--- PASS: TestDeviceOpen",
		"--- PASS: TestDeviceStepIsAllocationFree", "goft fake CUDA device"} {
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
	if passed == 0 {
		t.Error("no device case ran")
	}
}
