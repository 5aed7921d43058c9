package conflow

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
)

// fileDiff is the comparison of one output file with ConFlow's.
type fileDiff struct {
	name   string
	maxAbs float64 // max |goft - ConFlow|
	maxRef float64 // max |ConFlow|
}

// rel is the largest difference relative to the field's largest value.
func (d fileDiff) rel() float64 {
	if d.maxRef == 0 {
		return d.maxAbs
	}
	return d.maxAbs / d.maxRef
}

// compareOutputs compares every file ConFlow wrote in refDir with the
// file of the same name in goDir: HDF5 maps value by value (dims and
// scales exactly), binary flows value by value, the list byte for byte.
func compareOutputs(t *testing.T, goDir, refDir string) []fileDiff {
	t.Helper()
	ents, err := os.ReadDir(refDir)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []fileDiff
	for _, e := range ents {
		name := e.Name()
		ref := filepath.Join(refDir, name)
		got := filepath.Join(goDir, name)
		switch {
		case name == ListName:
			a, err1 := os.ReadFile(ref)
			b, err2 := os.ReadFile(got)
			if err1 != nil || err2 != nil {
				t.Fatalf("list: %v %v", err1, err2)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs from ConFlow's:\n--- ConFlow\n%s--- goft\n%s", name, a, b)
			}
		case strings.HasSuffix(name, ".h5"):
			rm, err := psihdf.Read(ref)
			if err != nil {
				t.Fatal(err)
			}
			gm, err := psihdf.Read(got)
			if err != nil {
				t.Fatalf("goft did not write %s: %v", name, err)
			}
			if fmt.Sprint(rm.Dims) != fmt.Sprint(gm.Dims) || rm.Float32 != gm.Float32 {
				t.Fatalf("%s: dims %v float32 %v, ConFlow's %v %v", name, gm.Dims, gm.Float32, rm.Dims, rm.Float32)
			}
			for i := range rm.Scales {
				for k := range rm.Scales[i] {
					if rm.Scales[i][k] != gm.Scales[i][k] {
						t.Fatalf("%s: scale dim%d[%d] = %v, ConFlow's %v", name, i+1, k, gm.Scales[i][k], rm.Scales[i][k])
					}
				}
			}
			diffs = append(diffs, diffValues(name, gm.Data, rm.Data))
		case strings.HasSuffix(name, ".data"):
			a, err1 := os.ReadFile(ref)
			b, err2 := os.ReadFile(got)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", name, err1, err2)
			}
			if len(a) != len(b) {
				t.Fatalf("%s: %d bytes, ConFlow's %d", name, len(b), len(a))
			}
			diffs = append(diffs, diffValues(name, float64s(b), float64s(a)))
		}
	}
	return diffs
}

func float64s(b []byte) []float64 {
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

func diffValues(name string, got, ref []float64) fileDiff {
	d := fileDiff{name: name}
	for i := range ref {
		d.maxAbs = max(d.maxAbs, math.Abs(got[i]-ref[i]))
		d.maxRef = max(d.maxRef, math.Abs(ref[i]))
	}
	return d
}

// runCase runs goft on testdata/NAME/conflow.dat into a temporary folder
// and compares with ConFlow's outputs in testdata/NAME/conflow.
func runCase(t *testing.T, name string, workers int) []fileDiff {
	t.Helper()
	dir := filepath.Join("testdata", name)
	p, err := ReadFile(filepath.Join(dir, "conflow.dat"))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	p.OutputDirectory = out
	sum, err := Run(p, Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files != p.NumFiles() {
		t.Fatalf("wrote %d maps, want %d", sum.Files, p.NumFiles())
	}
	diffs := compareOutputs(t, out, filepath.Join(dir, "conflow"))
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].name < diffs[j].name })
	return diffs
}
