package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/testrun"
	"github.com/goft-sft/goft/post/analysis"
)

// makeRun makes a small two-realization run in a new folder.
func makeRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	testrun.Make(t, dir, testrun.Options{})
	return dir
}

func TestBuild(t *testing.T) {
	dir := makeRun(t)
	html, notes, err := Build(dir, Options{Generator: "goft test", Start: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes for a complete run: %v", notes)
	}
	s := string(html)
	// 8 history plots, initial and final maps, the strip of output maps;
	// 7 output maps are too few for a butterfly diagram, which the page
	// says.
	if n := strings.Count(s, `src="data:image/png;base64,`); n != 11 {
		t.Errorf("%d inlined images, want 11", n)
	}
	for _, want := range []string{"the run wrote 7 output maps, and a butterfly diagram needs at least 10",
		"Initial map (hipft_brmap_initial.h5), 2024-05-01 00:00 UT, CR 2283 (t = 0 h)",
		`<a href="hipft_history_sol_r000002.out">hipft_history_sol_r000002.out</a>`,
		`<a href="output_maps/hipft_brmap_idx000007.h5">output_maps/hipft_brmap_idx000007.h5</a>`,
		`<a href="hipft_brmap_final.h5">`,
		"Final map (hipft_brmap_final.h5), 2024-05-03 00:00 UT, CR 2283 (t = 48 h)",
		`alt="Output maps"`, "7 of the run&#39;s 7 output maps"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Data assimilation and random flux emergence are off: their
	// realization parameters are folded away, after the used ones.
	fold := strings.Index(s, "parameters of processes this run does not use</summary>")
	if fold < 0 {
		t.Fatal("report does not fold the parameters of unused processes")
	}
	for _, name := range []string{"assimilate_data_lat_limits", "source_rfe_total_unsigned_flux_per_hours"} {
		if i := strings.Index(s, `<th scope="row">`+name+`</th>`); i < fold {
			t.Errorf("%s is listed among the parameters in use (at %d, fold at %d)", name, i, fold)
		}
	}
	if i := strings.Index(s, `<th scope="row">diffusion_coef_constants</th>`); i < 0 || i > fold {
		t.Errorf("diffusion_coef_constants is not among the parameters in use")
	}

	// With enough output maps: a butterfly diagram per realization, and a
	// strip of 8 of the 13 maps.
	dense := t.TempDir()
	testrun.Make(t, dense, testrun.Options{Extra: []string{"output_map_time_cadence = 4."}})
	html, notes, err = Build(dense, Options{})
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v %v", err, notes)
	}
	if n := strings.Count(string(html), `src="data:image/png;base64,`); n != 13 {
		t.Errorf("%d inlined images with 13 output maps, want 13", n)
	}
	if !strings.Contains(string(html), "8 of the run&#39;s 13 output maps") {
		t.Error("the strip does not show 8 of 13 maps")
	}
	for _, want := range []string{
		"<!DOCTYPE html>", `<h2 id="history">`, `<h2 id="maps">`, `<h2 id="butterfly">`,
		`<tr class="varies"><th scope="row">diffusion_coef_constants</th><td class="num">500</td><td class="num">1000</td>`,
		"<th>r1</th><th>r2</th>", "Grid (theta x phi points)</th><td>31 x 61</td>",
		"initial_map_filename", "by goft test",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(s, "src=\"http") || strings.Contains(s, "src=\"file") {
		t.Error("report refers to outside files")
	}
	// The final-values table: each realization's last history line.
	var cells []string
	for r := 1; r <= 2; r++ {
		h, err := analysis.ReadHistory(filepath.Join(dir, fmt.Sprintf("hipft_history_sol_r%06d.out", r)))
		if err != nil {
			t.Fatal(err)
		}
		ax := h.Col("AX_DIPOLE")
		cells = append(cells, `<td class="num">`+strconv.FormatFloat(ax[len(ax)-1], 'g', 6, 64)+`</td>`)
	}
	if want := `<th scope="row">Axial dipole (G)</th>` + strings.Join(cells, ""); !strings.Contains(s, want) {
		t.Errorf("report lacks the final axial dipoles %q", want)
	}
	if !strings.Contains(s, `<tr><th>Realization</th><th>1</th><th>2</th></tr>`) {
		t.Error("report lacks the final-values header")
	}
}

func TestCompressRuns(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1", "1"},
		{"T", "yes"},
		{"1.5000000000000000, 2.0, 2.0", "1.5, 2, 2"},
		{"-1.000000000000000, -1.000000000000000, -1.000000000000000, 7", "3*-1, 7"},
		{"a, b, b, b, b, c, c", "a, 4*b, c, c"},
	} {
		if got := compressRuns(tc.in); got != tc.want {
			t.Errorf("compressRuns(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBuildMissingParts(t *testing.T) {
	dir := t.TempDir()
	m := testrun.Map()
	if err := psihdf.Write(filepath.Join(dir, "hipft_brmap_final.h5"), m, true); err != nil {
		t.Fatal(err)
	}
	html, notes, err := Build(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"hipft_run_parameters_used.out not found", "history plots left out", "initial map left out", "butterfly diagram left out"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q: %v", want, notes)
		}
	}
	if n := strings.Count(string(html), "data:image/png;base64,"); n != 1 {
		t.Errorf("%d images, want the final map only", n)
	}
	if _, _, err := Build(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "no HipFT/goft run output") {
		t.Errorf("empty folder: %v", err)
	}
	bad := filepath.Join(dir, "hipft_history_sol_r000001.out")
	os.WriteFile(bad, []byte("STEP TIME\n1\n"), 0o644)
	_, notes, err = Build(dir, Options{})
	if err != nil || !strings.Contains(strings.Join(notes, "\n"), bad+":2: 1 values, but the header names 2 columns") {
		t.Errorf("a broken history file should be noted by name: %v %v", err, notes)
	}
}
