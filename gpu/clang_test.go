package gpu

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKernelsCompileAsCUDA compiles the embedded kernels as CUDA device
// code with clang (sm_80, -O3), the nearest thing to NVRTC on a machine
// without the CUDA toolkit: the emulator compiles them as host C++, which
// accepts code that a device compiler rejects. It also checks that no
// kernel keeps per-thread arrays in local memory (diff_sts_block's
// per-thread points must stay in registers). It skips without clang.
func TestKernelsCompileAsCUDA(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang not found: the CUDA device-code compile check is skipped (apt-get install clang)")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "kernels.cu")
	if err := os.WriteFile(src, []byte(kernelSource()), 0o644); err != nil {
		t.Fatal(err)
	}
	prelude, err := filepath.Abs("testdata/clang_prelude.h")
	if err != nil {
		t.Fatal(err)
	}
	ptx := filepath.Join(dir, "kernels.ptx")
	out, err := exec.Command(clang, "-x", "cuda", "--cuda-device-only", "--cuda-gpu-arch=sm_80", "-nocudainc", "-nocudalib",
		"-O3", "-ffp-contract=off", "-include", prelude, "-S", "-o", ptx, src).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "GPU arch") || strings.Contains(string(out), "unsupported") {
			t.Skipf("this clang cannot compile CUDA: %s", out)
		}
		t.Fatalf("clang rejects the kernels:\n%s", out)
	}
	b, err := os.ReadFile(ptx)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := kernelSignatures()
	if err != nil {
		t.Fatal(err)
	}
	entries := regexp.MustCompile(`\.entry (\w+)\(`).FindAllSubmatch(b, -1)
	if len(entries) != len(sigs) {
		t.Errorf("the PTX has %d kernels, the source declares %d", len(entries), len(sigs))
	}
	if regexp.MustCompile(`(ld|st)\.local`).Match(b) {
		t.Error("a kernel spills to local memory (ld.local/st.local in the PTX)")
	}
}
