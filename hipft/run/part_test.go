package run

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

func TestSplitLikeHipFT(t *testing.T) {
	for _, c := range []struct {
		n, ranks int
		want     [][2]int // offset, count per rank
	}{
		{5, 1, [][2]int{{0, 5}}},
		{5, 2, [][2]int{{0, 3}, {3, 2}}},
		{5, 3, [][2]int{{0, 2}, {2, 2}, {4, 1}}},
		{4, 4, [][2]int{{0, 1}, {1, 1}, {2, 1}, {3, 1}}},
		{7, 3, [][2]int{{0, 3}, {3, 2}, {5, 2}}},
	} {
		for rank, w := range c.want {
			off, n, err := Split(c.n, c.ranks, rank)
			if err != nil || off != w[0] || n != w[1] {
				t.Errorf("Split(%d, %d, %d) = %d, %d, %v; want %d, %d", c.n, c.ranks, rank, off, n, err, w[0], w[1])
			}
		}
	}
	if _, _, err := Split(2, 3, 0); err == nil {
		t.Error("more ranks than realizations accepted")
	}
}

func TestPartName(t *testing.T) {
	if got := PartName("out/hipft_brmap_idx000001.h5", 2, 12); got != "out/hipft_brmap_idx000001.part002of012.h5" {
		t.Errorf("PartName = %q", got)
	}
}

// TestPartsNeedRFESeed checks that a run split over processes refuses a
// random flux emergence without a seed (each part would draw its own), and
// runs with one.
func TestPartsNeedRFESeed(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		ranks       int
		wantErr     string
	}{
		{"no seed, 2 processes", "", 2, "hipft.in:4: source_rfe_seed is not set"},
		{"no seed, 1 process", "", 1, ""},
		{"seed, 2 processes", " source_rfe_seed = 7\n", 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := "&hipft_input_parameters\n res_nt = 11\n res_np = 21\n source_rfe_model = 1\n advance_source = .true.\n" +
				" n_realizations = 2\n time_end = 1.0\n" + tc.extra + "/\n"
			p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			r, err := New(p, Options{Dir: dir, Part: &Part{Rank: 0, Ranks: tc.ranks}})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				r.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}
