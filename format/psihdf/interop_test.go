package psihdf

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// debianPython is the system Python that Debian's python3-h5py installs
// into (a python3 earlier on PATH may lack h5py).
const debianPython = "/usr/bin/python3"

// h5pyScript prints, as JSON, what h5py sees in the file named by argv[1]:
// the data, each C dimension's label and attached scale, and the scales'
// attributes.
const h5pyScript = `
import json, sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    d = f["Data"]
    out = {"keys": sorted(f.keys()), "shape": list(d.shape), "dtype": str(d.dtype),
           "data": d[...].ravel().tolist(), "dims": [], "scales": {}}
    for i in range(d.ndim):
        s = d.dims[i][0]
        out["dims"].append({"label": d.dims[i].label, "count": len(d.dims[i]), "scale": s.name})
    for name in sorted(f.keys()):
        if name == "Data":
            continue
        s = f[name]
        refs = [(f[r].name, int(k)) for r, k in s.attrs["REFERENCE_LIST"]]
        out["scales"][name] = {
            "values": s[...].tolist(), "dtype": str(s.dtype),
            "class": s.attrs["CLASS"].decode(), "name": s.attrs["NAME"].decode(),
            "is_scale": bool(h5py.h5ds.is_scale(s.id)), "refs": refs,
            "attached": bool(h5py.h5ds.is_attached(d.id, s.id, refs[0][1])),
        }
print(json.dumps(out))
`

type h5pyView struct {
	Keys  []string
	Shape []int
	Dtype string
	Data  []float64
	Dims  []struct {
		Label, Scale string
		Count        int
	}
	Scales map[string]struct {
		Values      []float64
		Dtype       string
		Class, Name string
		IsScale     bool `json:"is_scale"`
		Refs        [][2]any
		Attached    bool
	}
}

// needH5py skips t unless Debian's python3 with h5py is installed.
func needH5py(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("skipping h5py check: %s not found (apt-get install python3-h5py)", debianPython)
	}
	if err := exec.Command(debianPython, "-c", "import h5py").Run(); err != nil {
		t.Skipf("skipping h5py check: %s cannot import h5py (apt-get install python3-h5py): %v", debianPython, err)
	}
}

// TestH5pyReadsWrittenMaps checks that h5py (libhdf5) reads goft-written
// maps with their dimension scales attached the HipFT way: Data.dims[k] is
// dim(k+1), so PSI's psihdf.py finds phi as dims[0].
func TestH5pyReadsWrittenMaps(t *testing.T) {
	needH5py(t)
	for _, tc := range writeCases {
		t.Run(tc.name, func(t *testing.T) {
			m := testMap(tc.dims...)
			path := writeTemp(t, m, tc.single)
			out, err := exec.Command(debianPython, "-c", h5pyScript, path).CombinedOutput()
			if err != nil {
				t.Fatalf("h5py failed: %v\n%s", err, out)
			}
			var v h5pyView
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("bad h5py output: %v\n%s", err, out)
			}
			rank := len(tc.dims)
			wantType := "float64"
			if tc.single {
				wantType = "float32"
			}
			names := datasetNames(rank)
			if strings.Join(v.Keys, ",") != strings.Join(names, ",") {
				t.Errorf("root members %v, want %v", v.Keys, names)
			}
			if v.Dtype != wantType || len(v.Shape) != rank {
				t.Fatalf("Data is %s %v, want %s of rank %d", v.Dtype, v.Shape, wantType, rank)
			}
			for i := range rank {
				if v.Shape[i] != tc.dims[rank-1-i] {
					t.Errorf("C shape %v, want reverse of %v", v.Shape, tc.dims)
				}
			}
			for i, x := range m.Data {
				if v.Data[i] != stored(x, tc.single) {
					t.Fatalf("h5py Data[%d] = %v, want %v", i, v.Data[i], stored(x, tc.single))
				}
			}
			for k := range rank {
				name := names[k+1]
				if d := v.Dims[k]; d.Scale != "/"+name || d.Label != name || d.Count != 1 {
					t.Errorf("Data.dims[%d]: scale %q label %q count %d, want /%s, %s, 1", k, d.Scale, d.Label, d.Count, name, name)
				}
				s := v.Scales[name]
				if s.Class != "DIMENSION_SCALE" || s.Name != name || !s.IsScale || !s.Attached || s.Dtype != wantType {
					t.Errorf("%s: CLASS %q NAME %q is_scale %v attached %v dtype %s", name, s.Class, s.Name, s.IsScale, s.Attached, s.Dtype)
				}
				if len(s.Refs) != 1 || s.Refs[0][0] != "/Data" || s.Refs[0][1] != float64(k) {
					t.Errorf("%s: REFERENCE_LIST %v, want [(/Data, %d)]", name, s.Refs, k)
				}
				if len(s.Values) != tc.dims[k] {
					t.Fatalf("%s has %d values, want %d", name, len(s.Values), tc.dims[k])
				}
				for i, x := range m.Scales[k] {
					if s.Values[i] != stored(x, tc.single) {
						t.Fatalf("%s[%d] = %v, want %v", name, i, s.Values[i], stored(x, tc.single))
					}
				}
			}
		})
	}
}

// TestH5dumpReadsWrittenMaps checks that libhdf5's h5dump reads goft-written
// maps without any error or warning and shows the dimension-scale
// attributes.
func TestH5dumpReadsWrittenMaps(t *testing.T) {
	h5dump, err := exec.LookPath("h5dump")
	if err != nil {
		t.Skip("skipping h5dump check: h5dump not found (apt-get install hdf5-tools)")
	}
	for _, tc := range writeCases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, testMap(tc.dims...), tc.single)
			out, err := exec.Command(h5dump, path).CombinedOutput()
			if err != nil {
				t.Fatalf("h5dump failed: %v\n%s", err, out)
			}
			text := string(out)
			if low := strings.ToLower(text); strings.Contains(low, "error") || strings.Contains(low, "warning") {
				t.Fatalf("h5dump output mentions an error or warning:\n%s", text)
			}
			rank := len(tc.dims)
			want := []string{
				`DATASET "Data"`, `ATTRIBUTE "DIMENSION_LIST"`, `ATTRIBUTE "DIMENSION_LABELS"`,
				`ATTRIBUTE "CLASS"`, `"DIMENSION_SCALE"`, `ATTRIBUTE "NAME"`, `ATTRIBUTE "REFERENCE_LIST"`,
				`"/Data"`,
			}
			for _, name := range datasetNames(rank)[1:] {
				want = append(want, `DATASET "`+name+`"`, `"/`+name+`"`)
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("h5dump output lacks %s", w)
				}
			}
			if t.Failed() {
				t.Logf("h5dump output:\n%s", text)
			}
		})
	}
}

// TestH5pyReadsRootAttrs checks that h5py reads the root attributes Write
// adds (MagMAP's JSON metadata): strings as Python str (variable-length
// UTF-8, as h5py writes them), doubles as float, and that the map itself
// still reads back, in goft and in h5py.
func TestH5pyReadsRootAttrs(t *testing.T) {
	needH5py(t)
	long := strings.Repeat(`{"key": "value \u00e9"}`, 600) // larger than one global heap collection
	m := testMap(5, 4, 3)
	m.Attrs = []Attr{{"layers", `{"columns":["layer_num"]}`}, {"no_data_val", -65500.0}, {"fits_header", long}, {"empty", ""}}
	path := writeTemp(t, m, true)
	script := `
import json, sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    out = {k: (v if isinstance(v, str) else float(v)) for k, v in f.attrs.items()}
    out["_types"] = {k: type(v).__name__ for k, v in f.attrs.items()}
    out["_order"] = list(f.attrs.keys())
    out["_shape"] = list(f["Data"].shape)
print(json.dumps(out))
`
	outb, err := exec.Command(debianPython, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("h5py: %v\n%s", err, outb)
	}
	var got map[string]any
	if err := json.Unmarshal(outb, &got); err != nil {
		t.Fatalf("%v: %s", err, outb)
	}
	for _, a := range m.Attrs {
		if got[a.Name] != a.Value {
			t.Errorf("attribute %s: h5py reads %v, want %v", a.Name, got[a.Name], a.Value)
		}
	}
	types := got["_types"].(map[string]any)
	if types["layers"] != "str" || types["no_data_val"] != "float64" {
		t.Errorf("attribute types %v, want str and float64", types)
	}
	if _, err := Read(path); err != nil {
		t.Errorf("goft cannot read the map back: %v", err)
	}
}
