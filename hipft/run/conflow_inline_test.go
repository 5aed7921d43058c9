package run

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/stage/conflow"
)

// TestInlineConflowEqualsFiles checks goft's in-line convective flows:
// a run whose flow_list_filename names a conflow.dat gives the same
// histories and maps, byte for byte, as the run reading the files goft
// conflow writes for that conflow.dat (which equal ConFlow's, see
// stage/conflow). The run is longer than the flow list, so the list
// wraps around and the generator starts again.
// writeInlineConflowCase writes a 64x16 initial map (br0.h5) and a seeded
// conflow.dat on its grid (five hourly flow pairs, extra lines added) into
// dir. ConFlow's grid n_long x n_lat is HipFT's mesh of an n_long x n_lat
// map (vt: n_long x n_lat+1, vp: n_long+1 x n_lat).
func writeInlineConflowCase(t *testing.T, dir string, seed int, extra string) {
	t.Helper()
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), demo.Map(64, 16), false); err != nil {
		t.Fatal(err)
	}
	cdat := fmt.Sprintf("&conflow_input_parameters\n n_lat = 16\n n_long = 64\n tmax = 18000.0\n dtime = 3600.0\n"+
		" spectral_cutoff = 20.0\n set_random_seed = .true.\n random_seed_value = %d\n%s/\n", seed, extra)
	if err := os.WriteFile(filepath.Join(dir, "conflow.dat"), []byte(cdat), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestInlineConflowEqualsFiles(t *testing.T) {
	dir := t.TempDir()
	writeInlineConflowCase(t, dir, 31, " output_directory = 'flows'\n")
	cp, err := conflow.ReadFile(filepath.Join(dir, "conflow.dat"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conflow.Run(cp, conflow.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	base := "&hipft_input_parameters\n initial_map_filename = '../br0.h5'\n time_end = 14.0\n dt_max = 0.5\n" +
		" output_history_time_cadence = 1.0\n output_map_time_cadence = 7.0\n advance_flow = .true.\n" +
		" advance_diffusion = .true.\n diffusion_coef_constant = 200.0\n"
	run := func(name, flowLines string) string {
		rd := filepath.Join(dir, name)
		if err := os.MkdirAll(rd, 0o755); err != nil {
			t.Fatal(err)
		}
		in := base + flowLines + "/\n"
		p, err := input.ParseWith(strings.NewReader(in), filepath.Join(rd, "hipft.in"), input.Options{SkipFileChecks: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := runIn(p, rd); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rd
	}
	files := run("files", " use_flow_from_files = .true.\n flow_list_filename = '../flows/flow_output_list.csv'\n flow_root_dir = '../flows'\n")
	inline := run("inline", " use_flow_from_files = .true.\n flow_list_filename = '../conflow.dat'\n")
	for _, f := range []string{"hipft_history_sol_r000001.out", "hipft_history_num_r000001.out", "hipft_brmap_final.h5", "output_maps/hipft_brmap_idx000002.h5"} {
		a, b := readOrFatal(t, filepath.Join(files, f)), readOrFatal(t, filepath.Join(inline, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between the run on goft conflow's files and the in-line run", f)
		}
	}
	// The flows moved the field: the run without them differs.
	none := run("none", "")
	if bytes.Equal(readOrFatal(t, filepath.Join(none, "hipft_brmap_final.h5")), readOrFatal(t, filepath.Join(inline, "hipft_brmap_final.h5"))) {
		t.Error("the in-line flows changed nothing")
	}
}
