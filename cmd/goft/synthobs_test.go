package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/stage/synthobs"
)

func writeSynthMap(t *testing.T, dir string) string {
	t.Helper()
	nPhi, nTheta := 21, 11
	phi := make([]float64, nPhi)
	theta := make([]float64, nTheta)
	for i := range phi {
		phi[i] = float64(i) * 2 * math.Pi / float64(nPhi-1)
	}
	for j := range theta {
		theta[j] = float64(j) * math.Pi / float64(nTheta-1)
	}
	data := make([]float64, nPhi*nTheta)
	for j, tt := range theta {
		for k, p := range phi {
			data[k+nPhi*j] = 5*math.Cos(tt) + math.Sin(tt)*math.Cos(p)
		}
	}
	p := filepath.Join(dir, "br.h5")
	if err := psihdf.Write(p, &psihdf.Map{Dims: []int{nPhi, nTheta}, Scales: [][]float64{phi, theta}, Data: data}, false); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSynthObsCommand(t *testing.T) {
	dir := t.TempDir()
	m := writeSynthMap(t, dir)
	out := filepath.Join(dir, "obs")
	var so, se bytes.Buffer
	code := mainArgs([]string{"synth-obs", "-map", m, "-n", "3", "-cadence", "6", "-o", out, "-start", "2024-03-01T00:00:00", "-lon0", "120", "-b0", "5", "-noise", "0.5"}, &so, &se)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if !strings.Contains(so.String(), "wrote 3 maps") || !strings.Contains(so.String(), "synthobs_map_list.csv") {
		t.Errorf("stdout %q", so.String())
	}
	es, err := assim.ReadList(filepath.Join(out, synthobs.ListName))
	if err != nil {
		t.Fatal(err)
	}
	tm := assim.MapTimes(es)
	if len(es) != 3 || tm[2] != 12 || es[0].ActualUT != "2024-03-01T00:00:00" {
		t.Errorf("entries %+v, times %v", es, tm)
	}
	mp, err := psihdf.Read(filepath.Join(out, es[2].Path))
	if err != nil {
		t.Fatal(err)
	}
	if len(mp.Dims) != 3 || mp.Dims[2] != 3 {
		t.Errorf("map dims %v", mp.Dims)
	}
}

func TestSynthObsRun(t *testing.T) {
	dir := t.TempDir()
	m := writeSynthMap(t, dir)
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(filepath.Join(run, "output_maps"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(m)
	list := "       IDX                      TIME FILENAME\n"
	for i, name := range []string{"a.h5", "b.h5", "c.h5"} {
		if err := os.WriteFile(filepath.Join(run, "output_maps", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		list += "         " + string(rune('1'+i)) + "       " + []string{"0.000000000000000E+00", "1.200000000000000E+01", "2.400000000000000E+01"}[i] + "    " + name + "\n"
	}
	if err := os.WriteFile(filepath.Join(run, synthobs.RunMapList), []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "obs")
	var so, se bytes.Buffer
	if code := mainArgs([]string{"synth-obs", "-run", run, "-every", "2", "-o", out}, &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	es, err := assim.ReadList(filepath.Join(out, synthobs.ListName))
	if err != nil {
		t.Fatal(err)
	}
	if tm := assim.MapTimes(es); len(tm) != 2 || tm[1] != 24 {
		t.Errorf("times %v, want 0 and 24", tm)
	}
}

func TestSynthObsErrors(t *testing.T) {
	dir := t.TempDir()
	m := writeSynthMap(t, dir)
	existing := filepath.Join(dir, "done")
	var so, se bytes.Buffer
	if code := mainArgs([]string{"synth-obs", "-map", m, "-n", "1", "-o", existing}, &so, &se); code != 0 {
		t.Fatal(se.String())
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "exactly one of -run"},
		{[]string{"-map", m, "-run", dir}, "exactly one of -run"},
		{[]string{"-map", m, "-start", "2024-01-01"}, "-start"},
		{[]string{"-map", m, "-n", "0"}, "-n 0"},
		{[]string{"-map", m, "-cadence", "-1"}, "-cadence"},
		{[]string{"-map", m, "-realization", "2", "-o", filepath.Join(dir, "x")}, "realization 2"},
		{[]string{"-map", filepath.Join(dir, "none.h5")}, "none.h5"},
		{[]string{"-run", filepath.Join(dir, "norun")}, "hipft_output_map_list.out"},
		{[]string{"-map", m, "-n", "1", "-o", existing}, "already holds"},
		{[]string{"-map", m, "-b0", "100", "-o", filepath.Join(dir, "y")}, "B0"},
		{[]string{"-map", m, "extra"}, "unexpected"},
	}
	for _, c := range cases {
		so.Reset()
		se.Reset()
		code := mainArgs(append([]string{"synth-obs"}, c.args...), &so, &se)
		if code == 0 || !strings.Contains(se.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want failure mentioning %q", c.args, code, se.String(), c.want)
		}
	}
	so.Reset()
	se.Reset()
	if code := mainArgs([]string{"help", "synth-obs"}, &so, &se); code != 0 || !strings.Contains(se.String()+so.String(), "-mu-power") {
		t.Errorf("help: exit %d, %q", code, se.String()+so.String())
	}
}
