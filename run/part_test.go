package run

import "testing"

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
