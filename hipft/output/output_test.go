package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/fortranfmt"
	"github.com/goft-sft/goft/hipft/suite"
	"github.com/goft-sft/goft/model/diag"
)

// TestHistoryLinesMatchHipFT re-formats every line of HipFT's reference
// history files from its parsed values and requires identical text.
func TestHistoryLinesMatchHipFT(t *testing.T) {
	dir, ok := suite.Dir()
	if !ok {
		t.Skip("HipFT testsuite data not found (set GOFT_HIPFT_TESTSUITE); skipping")
	}
	for _, c := range suite.Cases {
		for _, kind := range []string{"sol", "num"} {
			path := filepath.Join(dir, c, "reference", HistoryName(kind, 1))
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
			for i, line := range lines[1:] {
				f := strings.Fields(line)
				v := make([]float64, len(f))
				for k, s := range f {
					if v[k], err = fortranfmt.ParseReal(s); err != nil {
						t.Fatalf("%s:%d: %v", path, i+2, err)
					}
				}
				var got string
				if kind == "sol" {
					s := diag.Stats{Time: v[1], BrMin: v[2], BrMax: v[3], BrAbsMin: v[4], FluxPos: v[5], FluxNeg: v[6],
						NPoleFluxPos: v[7], NPoleFluxNeg: v[8], SPoleFluxPos: v[9], SPoleFluxNeg: v[10],
						NPoleArea: v[11], SPoleArea: v[12], EqDipole: v[13], AxDipole: v[14], ValidationErr: v[15]}
					got = SolLine(int64(v[0]), &s)
				} else {
					got = NumLine(&NumRecord{Step: int64(v[0]), Time: v[1], Dt: v[2], DtAdvStable: v[3],
						DtAdvUsed: v[4], DtDiffStable: v[5], DiffPerStep: int64(v[6]), DiffCycles: int64(v[7])})
				}
				if got != line {
					t.Fatalf("%s:%d:\n got %q\nwant %q", path, i+2, got, line)
				}
			}
			if want := header(solNames); kind == "sol" && lines[0] != want {
				t.Errorf("%s header:\n got %q\nwant %q", path, lines[0], want)
			}
		}
	}
}

func TestMapListRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "list.out")
	f, err := CreateAppendFile(p, MapListHeader)
	if err != nil {
		t.Fatal(err)
	}
	want := []MapListEntry{{1, 0, "hipft_brmap_idx000001.h5"}, {2, 100, "hipft_brmap_idx000002.h5"}, {3, 1.5e-120, "x.h5"}}
	for _, e := range want {
		if err := f.Line(MapListLine(int64(e.Index), e.Time, e.Name)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	got, err := ReadMapList(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if line := MapListLine(1, 0, "hipft_brmap_idx000001.h5"); line != "         1       0.000000000000000E+00    hipft_brmap_idx000001.h5" {
		t.Errorf("map list line %q", line)
	}
}

// TestCreateHistoriesUnwritableDirectory checks that history files asked
// for under a plain file fail with an error naming it. (WriteFileAtomic's
// failures are internal/atomicfile's tests.)
func TestCreateHistoriesUnwritableDirectory(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	os.WriteFile(blocker, nil, 0o644)
	if _, err := CreateHistories(blocker, []int{1}); err == nil || !strings.Contains(err.Error(), "not-a-dir") {
		t.Fatalf("CreateHistories in a non-directory: %v", err)
	}
}

func TestResumeAppendFileCutsLaterLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.out")
	f, _ := CreateAppendFile(p, "header")
	f.Line("one")
	size := f.Len()
	f.Line("two, written after the checkpoint")
	f.Close()
	g, err := ResumeAppendFile(p, size)
	if err != nil {
		t.Fatal(err)
	}
	g.Line("two")
	g.Close()
	if b, _ := os.ReadFile(p); string(b) != "header\none\ntwo\n" {
		t.Fatalf("resumed file %q", b)
	}
	if _, err := ResumeAppendFile(p, 1<<20); err == nil {
		t.Fatal("resuming a file shorter than the checkpoint recorded was accepted")
	}
}
