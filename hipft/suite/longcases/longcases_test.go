// Package longcases runs the two longest HipFT testsuite cases in full in a
// test binary of their own (go test limits each binary's time).
package longcases

import (
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/hipft/suite"
	"github.com/goft-sft/goft/internal/testenv"
)

// TestLongTestsuiteCases runs diffuse_dipole (one 8760-hour step: PTL
// subcycling with RKG2 up to 13421 stages) and diffuse_advect_atten_map_1cr
// (a real map, 5 realizations, AFT flows with attenuation, diffusion, map
// and history cadences) and applies HipFT's rule at precision 5 to every
// realization.
func TestLongTestsuiteCases(t *testing.T) {
	if testing.Short() {
		t.Skip("full testsuite runs skipped in -short mode")
	}
	testenv.SkipUnlessLong(t, "the two longest testsuite cases, about 45 s")
	dir, ok := suite.Dir()
	if !ok {
		t.Skip("HipFT testsuite data not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	for _, name := range suite.Cases[5:] {
		t.Run(name, func(t *testing.T) {
			work := t.TempDir()
			p, err := suite.Prepare(name, work)
			if err != nil {
				t.Fatal(err)
			}
			r, err := run.New(p, run.Options{Dir: work})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if err := r.Execute(); err != nil {
				t.Fatal(err)
			}
			ms, err := suite.CompareRuns(filepath.Join(dir, name, "reference"), work, p.NRealizations, 5)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				t.Errorf("%s: %v", name, m)
			}
		})
	}
}
