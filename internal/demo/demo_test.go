package demo

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/post/analysis"
)

// TestDemoRunsAndConservesFlux runs the built-in example and checks its
// expected behaviour: every output exists, no net flux appears, diffusion
// (largest in realization 3) lowers the unsigned flux and the peak field,
// and more diffusion lowers them more.
func TestDemoRunsAndConservesFlux(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	if err := Write(dir); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir); err == nil {
		t.Error("Write over an existing demo folder was allowed")
	}
	p, err := input.ParseWith(bytes.NewReader(Input), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.New(p, run.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	for _, f := range []string{"hipft_brmap_initial.h5", "hipft_brmap_final.h5", "hipft_output_map_list.out",
		"output_maps/hipft_brmap_idx000005.h5", "hipft_history_sol_r000003.out"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	hs, err := analysis.ReadRunHistories(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 3 {
		t.Fatalf("%d history files, want 3", len(hs))
	}
	var lastUnsigned []float64
	for i, h := range hs {
		q, err := analysis.HistoryQuantities(h)
		if err != nil {
			t.Fatal(err)
		}
		n := len(q.Time) - 1
		if q.Time[n] != 120 {
			t.Errorf("r%d ends at %g h, want 120", i+1, q.Time[n])
		}
		if imb := math.Abs(q.Imbalance[n]); imb > 1e-3 {
			t.Errorf("r%d: flux imbalance %g%% at the end", i+1, imb)
		}
		if !(q.Unsigned[n] < q.Unsigned[0]) || !(q.BrMax[n] < q.BrMax[0]) {
			t.Errorf("r%d: diffusion did not lower the unsigned flux (%g -> %g) or the peak (%g -> %g)",
				i+1, q.Unsigned[0], q.Unsigned[n], q.BrMax[0], q.BrMax[n])
		}
		lastUnsigned = append(lastUnsigned, q.Unsigned[n])
	}
	if !(lastUnsigned[0] > lastUnsigned[1] && lastUnsigned[1] > lastUnsigned[2]) {
		t.Errorf("unsigned flux at the end %v: want it to fall with the diffusion constant (250, 500, 750)", lastUnsigned)
	}
}
