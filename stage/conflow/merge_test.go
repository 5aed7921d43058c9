package conflow

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMerge builds three small ConFlow-like runs and checks the merged
// list and links against what conflow_merge_multiple_realizations.py
// writes: numbering across runs and replicates, times (1/96) (i-1) days
// as '%11.5f', links to each run's maps in name order.
func TestMerge(t *testing.T) {
	root := t.TempDir()
	runs := map[string]int{"run_b": 2, "run_a": 3, "run_c": 1}
	for name, n := range runs {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= n; i++ {
			for _, c := range []string{"vt", "vp"} {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s%06d.h5", c, i)), []byte(name), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "merged") // under root: must not be taken as a run
	sum, err := Merge(root, MergeOptions{OutDir: out, Replicates: 2, MaxRuns: 2})
	if err != nil {
		t.Fatal(err)
	}
	// run_a (3 maps) and run_b (2 maps), each twice: 10 pairs; "empty"
	// sorts first and is skipped without counting.
	if sum.Maps != 10 || len(sum.Runs) != 2 || len(sum.Skipped) != 1 {
		t.Fatalf("summary %+v", sum)
	}
	got, err := os.ReadFile(filepath.Join(out, "conflow_realizations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	want := []string{
		"   TIME(JD), VTFILENAME, VPFILENAME",
		"    0.00000,vt000001.h5,vp000001.h5",
		"    0.01042,vt000002.h5,vp000002.h5",
		"    0.02083,vt000003.h5,vp000003.h5",
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
	if last := lines[len(lines)-1]; last != "    0.09375,vt000010.h5,vp000010.h5" {
		t.Errorf("last line %q", last)
	}
	for idx, want := range map[int]string{1: "run_a/vt000001.h5", 4: "run_a/vt000001.h5", 7: "run_b/vt000001.h5", 10: "run_b/vt000002.h5"} {
		target, err := os.Readlink(filepath.Join(out, fmt.Sprintf("vt%06d.h5", idx)))
		if err != nil || !strings.HasSuffix(target, want) || !filepath.IsAbs(target) {
			t.Errorf("vt%06d.h5 -> %q (%v), want an absolute link to %s", idx, target, err, want)
		}
	}
	// Again: links and list are replaced.
	if _, err := Merge(root, MergeOptions{OutDir: out, Replicates: 1}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "run_c", "vp000001.h5")); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(root, MergeOptions{OutDir: out}); err == nil || !strings.Contains(err.Error(), "run_c has 1 vt*.h5 and 0 vp*.h5") {
		t.Errorf("unpaired maps: %v", err)
	}
	if _, err := Merge(filepath.Join(root, "empty"), MergeOptions{OutDir: t.TempDir()}); err == nil {
		t.Error("a folder without runs: no error")
	}
}
