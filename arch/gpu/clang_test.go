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
// per-thread points must stay in registers), for several shapes of the
// blocked stages. It skips without clang.
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
	sigs, err := kernelSignatures()
	if err != nil {
		t.Fatal(err)
	}
	// The default shape of the blocked stages and others that tuning may
	// choose (up to 16 points per thread).
	for _, shape := range []string{"", "6,128x32", "2,32x32", "8,64x64"} {
		sh, err := parseSTSShape(shape)
		if err != nil {
			t.Fatal(err)
		}
		ptx := filepath.Join(dir, "kernels.ptx")
		args := append([]string{"-x", "cuda", "--cuda-device-only", "--cuda-gpu-arch=sm_80", "-nocudainc", "-nocudalib",
			"-O3", "-ffp-contract=off", "-include", prelude}, sh.defines()...)
		out, err := exec.Command(clang, append(args, "-S", "-o", ptx, src)...).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "GPU arch") || strings.Contains(string(out), "unsupported") {
				t.Skipf("this clang cannot compile CUDA: %s", out)
			}
			t.Fatalf("shape %s: clang rejects the kernels:\n%s", sh, out)
		}
		b, err := os.ReadFile(ptx)
		if err != nil {
			t.Fatal(err)
		}
		entries := regexp.MustCompile(`\.entry (\w+)\(`).FindAllSubmatch(b, -1)
		if len(entries) != len(sigs) {
			t.Errorf("shape %s: the PTX has %d kernels, the source declares %d", sh, len(entries), len(sigs))
		}
		if regexp.MustCompile(`(ld|st)\.local`).Match(b) {
			t.Errorf("shape %s: a kernel spills to local memory (ld.local/st.local in the PTX)", sh)
		}
	}
}
