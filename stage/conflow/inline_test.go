package conflow

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
)

// TestFlowSource checks the in-line pairs against ConFlow's files of
// case 4 (value for value, as float32), in and out of order, and the
// list against ConFlow's.
func TestFlowSource(t *testing.T) {
	p, err := ReadFile("testdata/case4/conflow.dat")
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewFlowSource(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, err := src.List()
	if err != nil || len(list) != 8 || list[1].Vt != "vt000002.h5" || list[7].Days != 0.08102 {
		t.Fatalf("list %+v, %v", list, err)
	}
	for n, i := range []int{0, 1, 5, 2, 3, 7} { // 2 after 5: the generator starts again
		if n == 4 {
			src.Close() // drops pair 3, made in the background; Pair makes it again
			if src.ahead != nil {
				t.Fatal("Close left a pair in the background")
			}
		}
		vt, vp, err := src.Pair(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			got  []float64
			file string
		}{{vt, list[i].Vt}, {vp, list[i].Vp}} {
			ref, err := psihdf.Read(filepath.Join("testdata/case4/conflow", c.file))
			if err != nil {
				t.Fatal(err)
			}
			for k := range ref.Data {
				if math.Float64bits(c.got[k]) != math.Float64bits(ref.Data[k]) {
					t.Fatalf("pair %d, %s value %d: %v, ConFlow's %v", i, c.file, k, c.got[k], ref.Data[k])
				}
			}
		}
	}
	if _, _, err := src.Pair(8); err == nil {
		t.Error("pair 8 of 8: no error")
	}
	p.TMax = p.DTime
	if _, err := NewFlowSource(p, nil, nil); err == nil {
		t.Error("a single map: no error")
	}
}

func TestIsInput(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		text string
		want bool
	}{
		"conflow.dat": {"! flows\n\n  &conflow_input_parameters\n/\n", true},
		"list.csv":    {"   TIME(JD), VTFILENAME, VPFILENAME\n    0.00000,vt000001.h5,vp000001.h5\n", false},
		"empty":       {"", false},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := IsInput(path); err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", name, got, err, c.want)
		}
	}
	if _, err := IsInput(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file: no error")
	}
}
