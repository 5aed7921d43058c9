package ensemble

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p, err := input.Parse(strings.NewReader("&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=5\n/\n"), "hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	// The uneven split of 5 realizations over 3 processes: 2, 2, 1.
	for r, want := range [][2]int{{1, 2}, {3, 2}, {5, 1}} {
		m, err := NewManifest(p, "hipft.in", dir, Place{Rank: r, Ranks: 3})
		if err != nil {
			t.Fatal(err)
		}
		if m.First != want[0] || m.Count != want[1] || m.InitialMapSHA256 != "none" || len(m.ParamsSHA256) != 64 {
			t.Errorf("rank %d: manifest %+v, want realizations %d..+%d", r, m, want[0], want[1])
		}
		if err := m.Write(dir); err != nil {
			t.Fatal(err)
		}
		got, err := ReadManifest(filepath.Join(dir, ManifestName(r, 3)))
		if err != nil {
			t.Fatal(err)
		}
		if *got != *m {
			t.Errorf("read back %+v, wrote %+v", got, m)
		}
		if err := RemoveManifest(dir, r, 3); err != nil {
			t.Fatal(err)
		}
		if err := RemoveManifest(dir, r, 3); err != nil {
			t.Errorf("removing an absent manifest: %v", err)
		}
	}
	if _, err := NewManifest(p, "hipft.in", dir, Place{Rank: 0, Ranks: 6}); err == nil || !strings.Contains(err.Error(), "more processes (6) than realizations") {
		t.Errorf("6 processes for 5 realizations: error %v", err)
	}
}

func TestParamsHashIgnoresLayout(t *testing.T) {
	hash := func(text string) string {
		p, err := input.Parse(strings.NewReader(text), "x.in")
		if err != nil {
			t.Fatal(err)
		}
		h, err := ParamsHash(p)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a := hash("&hipft_input_parameters\n res_nt=21\n res_np=41\n/\n")
	b := hash("! a comment\n&hipft_input_parameters\n  res_np = 41, res_nt = 21\n/\n")
	c := hash("&hipft_input_parameters\n res_nt=21\n res_np=43\n/\n")
	if a != b || a == c {
		t.Errorf("hashes %s %s %s: want the first two equal and the third different", a, b, c)
	}
}

func TestReadManifestErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"other.out", "rank = 1\n", "is not a goft part manifest"},
		{"cut.out", manifestHeader + "\nrank = 1\n", "is missing"},
		{"bad.out", manifestHeader + "\nrank = one\n", `rank = "one" is not an integer`},
		{"junk.out", manifestHeader + "\nrank\n", "expected key = value"},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadManifest(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", c.name, err, c.want)
		}
	}
}
