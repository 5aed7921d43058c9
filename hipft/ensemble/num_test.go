package ensemble

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMergeNum(t *testing.T) {
	const head = "      STEP          TIME         DTIME DTIME_ADV_STB\n"
	line := func(step, adv string) string {
		return "         " + step + "  5.000000E-01  2.500000E-01  " + adv + "\n"
	}
	cases := []struct {
		name  string
		ranks []string
		want  string // merged text ("" : none)
		warn  string // a substring of the warning
	}{
		{"same", []string{head + line("1", "4.901669E+00"), head + line("1", "4.901669E+00")}, head + line("1", "4.901669E+00"), ""},
		{"smallest limit over the ranks", []string{
			head + line("1", "4.901669E+00") + line("2", "3.000000E+00"),
			head + line("1", "2.000000E+00") + line("2", "3.500000E+00"),
			head + line("1", "9.000000E+00") + line("2", "1.000000E-01")},
			head + line("1", "2.000000E+00") + line("2", "1.000000E-01"), ""},
		{"different steps", []string{head + line("1", "4.9E+00") + line("2", "4.9E+00"), head + line("1", "4.9E+00") + line("3", "4.9E+00")}, "", "line 3: STEP is 2 and 3"},
		{"different lengths", []string{head + line("1", "4.9E+00"), head + line("1", "4.9E+00") + line("2", "4.9E+00")}, "", "1 and 2 data lines"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			for r, text := range c.ranks {
				p := filepath.Join(dir, "num"+string(rune('0'+r)))
				os.WriteFile(p, []byte(text), 0o644)
				paths = append(paths, p)
			}
			lines, warn, err := mergeNum(paths)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(lines, ""); got != c.want {
				t.Errorf("merged\n%q\nwant\n%q", got, c.want)
			}
			if (c.warn == "") != (warn == "") || !strings.Contains(warn, c.warn) {
				t.Errorf("warning %q, want one containing %q", warn, c.warn)
			}
		})
	}
}
