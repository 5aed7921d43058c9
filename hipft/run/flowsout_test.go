package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
)

// TestOutputFlows checks output_flows: velocity maps in m/s at the map
// cadence, zero at setup (before the first flow update, as in HipFT), and
// the flow list.
func TestOutputFlows(t *testing.T) {
	dir := t.TempDir()
	in := "&hipft_input_parameters\n res_nt = 21\n res_np = 41\n time_end = 4.0\n dt_max = 1.0\n" +
		" output_map_time_cadence = 2.0\n output_flows = .true.\n advance_flow = .true.\n flow_dr_model = 1\n/\n"
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	list, err := os.ReadFile(filepath.Join(dir, "hipft_output_flow_list.out"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(list), "hipft_flow_vX_idx"); n != 3 {
		t.Errorf("flow list has %d entries, want 3 (t = 0, 2, 4):\n%s", n, list)
	}
	first, err := psihdf.Read(filepath.Join(dir, "output_flows", "hipft_flow_vp_idx000001.h5"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range first.Data {
		if v != 0 {
			t.Fatal("the setup-time flow output is not zero")
		}
	}
	vp, err := psihdf.Read(filepath.Join(dir, "output_flows", "hipft_flow_vp_idx000002.h5"))
	if err != nil {
		t.Fatal(err)
	}
	// At the equator the AFT rotation is p0 = 46 m/s.
	m := r.Mesh
	j := (m.NThetaMain - 1) / 2
	if got := vp.Data[5+vp.Dims[0]*j]; got < 45.99 || got > 46.01 {
		t.Errorf("vp at the equator %g m/s, want 46 (p0)", got)
	}
	if vp.Dims[0] != m.NPhiHalf || vp.Dims[1] != m.NThetaMain {
		t.Errorf("vp dims %v", vp.Dims)
	}
}
