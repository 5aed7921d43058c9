package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConflowCommand runs goft conflow on ConFlow comparison case 4 from
// the working folder, as ConFlow runs, and checks the list and files.
func TestConflowCommand(t *testing.T) {
	ref := filepath.Join("..", "..", "stage", "conflow", "testdata", "case4")
	in, err := os.ReadFile(filepath.Join(ref, "conflow.dat"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref, "conflow", "flow_output_list.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "conflow.dat"), in, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	var so, se bytes.Buffer
	if code := mainArgs([]string{"conflow", "-v", "-workers", "2"}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	for _, w := range []string{"wrote 8 flow maps (17 files)", "seed          0", "model 2: hard cut above l = 25", "s per map"} {
		if !strings.Contains(so.String(), w) {
			t.Errorf("stdout does not say %q:\n%s", w, so.String())
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "flow_output_list.csv"))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("flow_output_list.csv:\n%s\nwant ConFlow's\n%s(%v)", got, want, err)
	}
	for _, f := range []string{"vt000008.h5", "vp000008.h5"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestConflowCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.dat")
	if err := os.WriteFile(bad, []byte("&conflow_input_parameters\n n_lat = 16\n n_long = 24\n/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"conflow", "a.dat", "b.dat"}, 2, "at most one input file"},
		{[]string{"conflow", "-workers", "-1"}, 2, "-workers"},
		{[]string{"conflow", "-nosuchflag"}, 2, "nosuchflag"},
		{[]string{"conflow", filepath.Join(dir, "missing.dat")}, 1, "missing.dat: cannot open"},
		{[]string{"conflow", bad}, 1, "bad.dat:3: n_long = 24: must be a power of two"},
	} {
		var so, se bytes.Buffer
		code := mainArgs(c.args, &so, &se)
		if code != c.code || !strings.Contains(se.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, se.String(), c.code, c.want)
		}
	}
	var so, se bytes.Buffer
	if code := mainArgs([]string{"help", "conflow"}, &so, &se); code != 0 || !strings.Contains(so.String(), "conflow.dat") {
		t.Errorf("help conflow: exit %d, %q", code, so.String())
	}
}

func TestConflowMergeCommand(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "r1")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"vt000001.h5", "vp000001.h5", "vt000002.h5", "vp000002.h5"} {
		if err := os.WriteFile(filepath.Join(run, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "merged")
	var so, se bytes.Buffer
	if code := mainArgs([]string{"conflow-merge", "-outdir", out, "-reps", "2", root}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if !strings.Contains(so.String(), "4 flow maps from 1 runs") {
		t.Errorf("stdout %q", so.String())
	}
	if _, err := os.Readlink(filepath.Join(out, "vt000004.h5")); err != nil {
		t.Error(err)
	}
	for _, args := range [][]string{{"conflow-merge"}, {"conflow-merge", "-reps", "0", root}} {
		so.Reset()
		se.Reset()
		if code := mainArgs(args, &so, &se); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, se.String())
		}
	}
}
