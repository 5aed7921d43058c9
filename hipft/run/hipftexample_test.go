package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/datadir"
	"github.com/goft-sft/goft/internal/testenv"
)

// hipftExamples are HipFT's own examples (its examples/ folder) that run on
// the real maps of ../shared/maps. Each folder holds the example's hipft.in
// and, in reference/, HipFT 1.19.3's outputs of it, made with the 2-thread
// gfortran build:
//
//	cd <a copy of the folder, with the map linked in>
//	mpirun --allow-run-as-root --bind-to none -np 1 /work/hipft-bin/hipft hipft.in
//	cp hipft_history_*.out [hipft_realization_parameters.out hipft_output_map_list.out] <goft>/hipft/run/testdata/<folder>/reference/
var hipftExamples = []struct {
	name, dir string
}{
	// A 1024x512 HMI map smoothed by an hour of diffusion with the grid
	// coefficient: 8 subcycles of 241 RKG2 stages, one realization. The
	// production-size check of the stored-weight diffusion path (a
	// coefficient that varies in space).
	{"smooth_magnetogram", "testdata/hipft_smooth_magnetogram"},
	// The first 6 hours of a Carrington rotation of flux transport, 8
	// realizations varying the attenuation and diffusion: WENO3 advection
	// by the AFT flows with attenuation, RKG2 diffusion, 24 steps.
	{"flux_transport_1rot_flowAa_diff_r8", "testdata/hipft_flux_transport_1rot"},
}

// TestHipFTExamples runs HipFT's examples on the real maps (skipped when
// ../shared/maps is absent, or with -short) and compares every history
// file in the example's reference/ with HipFT's, every line and column, to
// 1e-9 of the column's largest value (analysis.DiffHistories), and the
// realization table and output map list, when there, byte for byte.
func TestHipFTExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("production-size runs skipped in -short mode")
	}
	testenv.SkipUnlessLong(t, "two production-size runs on 1024x512 maps, about 15 s")
	maps, ok := datadir.Maps()
	if !ok {
		t.Skip("real maps not found (set GOFT_MAPS or provide ../shared/maps); skipping HipFT's examples")
	}
	for _, ex := range hipftExamples {
		t.Run(ex.name, func(t *testing.T) {
			in := filepath.Join(ex.dir, "hipft.in")
			p, err := input.ParseWith(strings.NewReader(string(readOrFatal(t, in))), in, input.Options{SkipFileChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			work := t.TempDir()
			if err := os.Symlink(filepath.Join(maps, p.InitialMapFilename), filepath.Join(work, p.InitialMapFilename)); err != nil {
				t.Fatal(err)
			}
			if err := runIn(p, work); err != nil {
				t.Fatal(err)
			}
			refs, err := filepath.Glob(filepath.Join(ex.dir, "reference", "hipft_history_*.out"))
			if err != nil || len(refs) == 0 {
				t.Fatalf("no reference histories in %s/reference", ex.dir)
			}
			for _, ref := range refs {
				compareHistoryFiles(t, ref, filepath.Join(work, filepath.Base(ref)))
			}
			for _, name := range []string{"hipft_realization_parameters.out", "hipft_output_map_list.out"} {
				ref := filepath.Join(ex.dir, "reference", name)
				if _, err := os.Stat(ref); err != nil {
					continue
				}
				if a, b := readOrFatal(t, ref), readOrFatal(t, filepath.Join(work, name)); string(a) != string(b) {
					t.Errorf("%s differs from HipFT's:\n%s\nHipFT's:\n%s", name, b, a)
				}
			}
		})
	}
}
