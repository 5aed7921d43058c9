package run

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"goft/datadir"
	"goft/input"
)

// smoothExampleDir holds HipFT's examples/smooth_magnetogram run (a
// 1024x512 HMI map smoothed by an hour of diffusion with the grid
// coefficient: 8 subcycles of 241 RKG2 stages) and HipFT 1.19.3's
// histories of it in reference/, made with the 2-thread gfortran build:
//
//	cd <a copy of the folder, with the map linked in>
//	mpirun --allow-run-as-root -np 1 /work/hipft-bin/hipft hipft.in
//	cp hipft_history_sol_r000001.out hipft_history_num_r000001.out <goft>/run/testdata/hipft_smooth_magnetogram/reference/
const smoothExampleDir = "testdata/hipft_smooth_magnetogram"

// TestHipFTSmoothMagnetogramExample runs HipFT's smooth_magnetogram
// example on the real map (skipped when ../shared/maps is absent, or with
// -short) and compares both history files with HipFT's, every column, to
// 1e-9 of the column's largest value. It is the production-size check of
// the stored-weight diffusion path (a coefficient that varies in space).
func TestHipFTSmoothMagnetogramExample(t *testing.T) {
	if testing.Short() {
		t.Skip("production-size run skipped in -short mode")
	}
	maps, ok := datadir.Maps()
	if !ok {
		t.Skip("real maps not found (set GOFT_MAPS or provide ../shared/maps); skipping HipFT's smooth_magnetogram example")
	}
	p, err := input.ParseWith(strings.NewReader(string(readOrFatal(t, filepath.Join(smoothExampleDir, "hipft.in")))), filepath.Join(smoothExampleDir, "hipft.in"), input.Options{SkipFileChecks: true})
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
	for _, f := range []string{"hipft_history_num_r000001.out", "hipft_history_sol_r000001.out"} {
		compareHistoryFiles(t, filepath.Join(smoothExampleDir, "reference", f), filepath.Join(work, f))
	}
}
