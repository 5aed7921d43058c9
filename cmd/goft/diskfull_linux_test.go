package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/internal/testenv"
)

// mountTmpfs mounts a tmpfs of size bytes on a new temporary folder (root
// only) and unmounts it when the test ends; it skips the test where that
// is not possible.
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a full disk is simulated on a small tmpfs, which needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s): the full-disk test needs one", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// resizeTmpfs changes the size of the tmpfs on dir (freeing space).
func resizeTmpfs(t *testing.T, dir string, size int64) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", fmt.Sprintf("remount,size=%d", size), dir).CombinedOutput(); err != nil {
		t.Fatalf("resizing the tmpfs: %v: %s", err, out)
	}
}

// folderBytes is the size of every file under dir.
func folderBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if st, err := d.Info(); err == nil {
				n += st.Size()
			}
		}
		return err
	})
	return n
}

// TestDiskFull runs on a disk that fills at several points of the run (at
// half the run's outputs by default, at 11 points with GOFT_LONG_TESTS=1)
// (history lines, output maps, the checkpoint, the final map): each run
// must fail with an error naming the file and the cause, leave no
// temporary file, no history ending mid-line and no partial map, and,
// once space is freed, `goft run -resume` with the same command must
// finish it with every output equal to an uninterrupted run's, byte for
// byte.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level tests skipped in -short mode")
	}
	bin := goftBinary(t)
	in := strings.Replace(resumeCase, "time_end = 600.0", "time_end = 100.0", 1)
	if in == resumeCase {
		t.Fatal("resumeCase no longer sets time_end = 600.0: update this test")
	}
	ref := t.TempDir()
	os.WriteFile(filepath.Join(ref, "hipft.in"), []byte(in), 0o644)
	if out, err := runGoft(t, bin, ref, launcherEnv(), "run", "-q", "hipft.in"); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	want := runOutputs(t, ref)
	total := folderBytes(t, ref)
	fractions := []float64{0.5}
	if testenv.Long() {
		fractions = []float64{0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
	}
	for _, f := range fractions {
		t.Run(fmt.Sprintf("%.0f%%", 100*f), func(t *testing.T) {
			size := max(int64(f*float64(total)), 16<<10)
			dir := mountTmpfs(t, size)
			os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(in), 0o644)
			args := []string{"run", "-q", "-checkpoint-hours", "20", "-resume", "hipft.in"}
			out, err := runGoft(t, bin, dir, launcherEnv(), args...)
			if err == nil {
				t.Logf("the run fitted in %d bytes", size)
			} else {
				t.Logf("%d bytes: %s", size, strings.TrimSpace(out))
				if !strings.Contains(out, "no space left on device") {
					t.Errorf("the error does not give the cause: %s", out)
				}
				if !strings.Contains(out, dir) && !strings.Contains(out, "hipft_") && !strings.Contains(out, "goft_") {
					t.Errorf("the error names no file: %s", out)
				}
			}
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				name := d.Name()
				if strings.Contains(name, ".tmp-") {
					t.Errorf("temporary file left: %s", path)
				}
				if strings.HasSuffix(name, ".out") {
					if b, _ := os.ReadFile(path); len(b) > 0 && b[len(b)-1] != '\n' {
						t.Errorf("%s ends mid-line", name)
					}
				}
				return nil
			})
			resizeTmpfs(t, dir, 4*total)
			if out, err := runGoft(t, bin, dir, launcherEnv(), args...); err != nil {
				t.Fatalf("the same command once space is freed: %v\n%s", err, out)
			}
			compareOutputs(t, want, runOutputs(t, dir))
		})
	}
}

// TestReadOnlyFolder checks that a run in a folder that became read-only
// stops with an error naming the file, and continues once it is writable.
func TestReadOnlyFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level tests skipped in -short mode")
	}
	bin := goftBinary(t)
	in := strings.Replace(resumeCase, "time_end = 600.0", "time_end = 30.0", 1)
	ref := t.TempDir()
	os.WriteFile(filepath.Join(ref, "hipft.in"), []byte(in), 0o644)
	if out, err := runGoft(t, bin, ref, launcherEnv(), "run", "-q", "hipft.in"); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	dir := mountTmpfs(t, 64<<20)
	os.WriteFile(filepath.Join(dir, "hipft.in"), []byte(in), 0o644)
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
	args := []string{"run", "-q", "-resume", "hipft.in"}
	out, err := runGoft(t, bin, dir, launcherEnv(), args...)
	if err == nil || !strings.Contains(out, "read-only file system") {
		t.Fatalf("run in a read-only folder: %v\n%s", err, out)
	}
	if bytes.Contains([]byte(out), []byte("panic")) {
		t.Fatalf("panic: %s", out)
	}
	t.Logf("read-only: %s", strings.TrimSpace(out))
	if out, err := exec.Command("mount", "-o", "remount,rw", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-write: %v: %s", err, out)
	}
	if out, err := runGoft(t, bin, dir, launcherEnv(), args...); err != nil {
		t.Fatalf("the same command once writable: %v\n%s", err, out)
	}
	compareOutputs(t, runOutputs(t, ref), runOutputs(t, dir))
}
