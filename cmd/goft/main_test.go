package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/runlock"
)

// TestRunBadInputs checks that bad inputs end with a clear message and a
// non-zero exit, never a panic.
func TestRunBadInputs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // goft run writes its parameter dump in the working folder
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("nan.h5", "not an hdf5 file")
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n difusion_coef_constant=1.\n/\n",
			[]string{"unknown.in:4", "difusion_coef_constant", "did you mean \"diffusion_coef_constant\""}},
		{"badvalue.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n time_end=soon\n/\n",
			[]string{"badvalue.in:4", "time_end"}},
		{"listlen.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=3\n advance_diffusion=.true.\n diffusion_coef_constants=1.,2.\n/\n",
			[]string{"listlen.in:6", "diffusion_coef_constants", "3"}},
		{"nomap.in", "&hipft_input_parameters\n initial_map_filename='missing.h5'\n/\n",
			[]string{"initial_map_filename", "missing.h5"}},
		{"span.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n time_start=10.\n time_end=5.\n/\n",
			[]string{"time_end"}},
		{"dtmax.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n dt_max=0.\n/\n",
			[]string{"dt_max"}},
		{"nreal.in", "&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=0\n/\n",
			[]string{"n_realizations"}},
		{"corrupt.in", "&hipft_input_parameters\n initial_map_filename='" + filepath.Join(dir, "nan.h5") + "'\n/\n",
			[]string{"nan.h5"}},
	}
	for _, c := range cases {
		in := write(c.name, c.text)
		var out, errb bytes.Buffer
		code := mainArgs([]string{"run", "-q", in}, &out, &errb)
		if code == 0 {
			t.Errorf("%s: exit code 0, want failure", c.name)
			continue
		}
		msg := errb.String()
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q does not mention %q", c.name, msg, w)
			}
		}
	}
}

func TestMissingInputFile(t *testing.T) {
	t.Chdir(t.TempDir()) // goft run takes the run lock in its folder
	var out, errb bytes.Buffer
	code := mainArgs([]string{"run", filepath.Join(t.TempDir(), "nope.in")}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "nope.in") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// TestCommandLineConventions checks goft's exit codes and streams against
// Go's conventions: help that is asked for goes to stdout with status 0;
// usage errors (no command, an unknown command or flag, a bad flag value,
// the wrong number of arguments) print to stderr and exit 2; other failures
// exit 1.
func TestCommandLineConventions(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := []struct {
		args   []string
		code   int
		stdout string // a substring of stdout ("" : stdout must be empty)
		stderr string // a substring of stderr ("" : stderr must be empty)
	}{
		{nil, 2, "", "Commands:"},
		{[]string{"help"}, 0, "Commands:", ""},
		{[]string{"-h"}, 0, "Commands:", ""},
		{[]string{"--help"}, 0, "Commands:", ""},
		{[]string{"version"}, 0, Version, ""},
		{[]string{"-version"}, 0, Version, ""},
		{[]string{"--version"}, 0, Version, ""},
		{[]string{"help", "run"}, 0, "usage: goft run", ""},
		{[]string{"help", "plot"}, 0, "usage: goft plot", ""},
		{[]string{"help", "realization"}, 0, "goft realization extract", ""},
		{[]string{"help", "nosuch"}, 2, "", "unknown command \"nosuch\""},
		{[]string{"nosuch"}, 2, "", "unknown command \"nosuch\""},
		{[]string{"run", "-h"}, 0, "usage: goft run", ""},
		{[]string{"run", "--help"}, 0, "usage: goft run", ""},
		{[]string{"plot", "x.h5", "-h"}, 0, "usage: goft plot", ""},
		{[]string{"run", "--bogus"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"run", "-workers", "many"}, 2, "", "invalid value"},
		{[]string{"run", "a.in", "b.in"}, 2, "", "expected at most one input file"},
		{[]string{"plot"}, 2, "", "expected one map file"},
		{[]string{"diff", "a.h5"}, 2, "", "expected two map files"},
		{[]string{"realization"}, 2, "", "expected 'extract' or 'pack'"},
		{[]string{"realization", "split"}, 2, "", "unknown subcommand"},
		{[]string{"merge", "a", "b"}, 2, "", "expected at most one run folder"},
		{[]string{"run", "missing.in"}, 1, "", "missing.in"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		code := mainArgs(c.args, &out, &errb)
		if code != c.code {
			t.Errorf("goft %q: exit %d, want %d (stderr %q)", c.args, code, c.code, errb.String())
		}
		for _, s := range []struct {
			name, got, want string
		}{{"stdout", out.String(), c.stdout}, {"stderr", errb.String(), c.stderr}} {
			if s.want == "" && s.got != "" {
				t.Errorf("goft %q: %s should be empty, got %q", c.args, s.name, s.got)
			}
			if !strings.Contains(s.got, s.want) {
				t.Errorf("goft %q: %s %q does not contain %q", c.args, s.name, s.got, s.want)
			}
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	var out, errb bytes.Buffer
	if code := mainArgs([]string{"help"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "goft run") {
		t.Fatalf("help: exit %d, %q", code, out.String())
	}
	out.Reset()
	if code := mainArgs([]string{"version"}, &out, &errb); code != 0 || !strings.Contains(out.String(), Version) {
		t.Fatalf("version: exit %d, %q", code, out.String())
	}
	if code := mainArgs([]string{"frobnicate"}, &out, &errb); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
}

// TestOneRunPerFolder checks that goft run and goft merge refuse a folder
// where another process holds the run lock: a single run, a part of a
// multi-process run, or a merge.
func TestOneRunPerFolder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("hipft.in", []byte("&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=2\n time_end=1.\n/\n"), 0o644)
	cases := []struct {
		name string
		held string // the lock file another process holds
		args []string
	}{
		{"run while a run runs", runLockName, []string{"run", "-q"}},
		{"run while a part runs", ".goft-run.part001of002.lock", []string{"run", "-q"}},
		{"part while a run runs", runLockName, []string{"run", "-q", "-rank", "0", "-ranks", "2"}},
		{"same part twice", ".goft-run.part000of002.lock", []string{"run", "-q", "-rank", "0", "-ranks", "2"}},
		{"merge while a part runs", ".goft-run.part001of002.lock", []string{"merge", "-q"}},
		{"merge while a run runs", runLockName, []string{"merge", "-q"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := runlock.Acquire(filepath.Join(dir, c.held))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Release()
			var out, errb bytes.Buffer
			code := mainArgs(c.args, &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), "another goft process is working in this folder") || !strings.Contains(errb.String(), c.held) {
				t.Errorf("goft %q: exit %d, stderr %q; want a refusal naming %s", c.args, code, errb.String(), c.held)
			}
		})
	}
	// Another part of the same run may share the folder.
	l, err := runlock.Acquire(filepath.Join(dir, ".goft-run.part001of002.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	var out, errb bytes.Buffer
	if code := mainArgs([]string{"run", "-q", "-rank", "0", "-ranks", "2"}, &out, &errb); code != 0 {
		t.Errorf("part 0 beside a running part 1: exit %d, %s", code, errb.String())
	}
}

// TestResumeWithoutCheckpointStarts checks that goft run -resume with no
// checkpoint yet (a job requeued before its first checkpoint) runs from the
// beginning, saying so, and writes what a plain run writes.
func TestResumeWithoutCheckpointStarts(t *testing.T) {
	in := "&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=2\n time_end=24.\n dt_max=2.\n" +
		" output_map_time_cadence=12.\n advance_diffusion=.true.\n diffusion_coef_constants=500.,900.\n/\n"
	runIn := func(args ...string) (string, string) {
		dir := t.TempDir()
		t.Chdir(dir)
		if err := os.WriteFile("hipft.in", []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := mainArgs(append([]string{"run", "-q"}, args...), &out, &errb); code != 0 {
			t.Fatalf("goft run %q: exit %d: %s", args, code, errb.String())
		}
		return dir, errb.String()
	}
	plain, _ := runIn()
	resumed, msg := runIn("-resume")
	if !strings.Contains(msg, "no checkpoint "+run.CheckpointName+" yet: starting from the beginning") {
		t.Errorf("stderr %q does not say that the run starts from the beginning", msg)
	}
	for _, name := range []string{"hipft_history_sol_r000001.out", "hipft_history_sol_r000002.out", "hipft_brmap_final.h5", "hipft_output_map_list.out"} {
		a, err := os.ReadFile(filepath.Join(plain, name))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(resumed, name)); err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from the plain run's (%v)", name, err)
		}
	}
}
