package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/internal/testenv"
)

// runFolder runs the hipft.in of dir there, as goft run does (relative
// paths from the run folder).
func runFolder(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
	p, err := input.ReadFile("hipft.in")
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.New(p, run.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Execute(); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the files of src (and its subfolders) into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRunReportsInChromium opens, in headless Chromium, the reports of the
// built-in demo and of a run with data assimilation (model/assim's HipFT
// case, with output maps every 3 hours): no broken image or script error,
// the strip of output maps, and the realization parameters of unused
// processes folded away (random flux emergence in both; assimilation in
// the demo) while those of used ones (assimilation in the second) are not.
func TestRunReportsInChromium(t *testing.T) {
	testenv.SkipUnlessLong(t, "two runs and a browser, about 20 s")
	b := startBrowser(t)
	daCase, err := filepath.Abs(filepath.Join("..", "..", "model", "assim", "testdata", "hipft_da"))
	if err != nil {
		t.Fatal(err)
	}

	demoDir := filepath.Join(t.TempDir(), "demo")
	if err := demo.Write(demoDir); err != nil {
		t.Fatal(err)
	}
	runFolder(t, demoDir)

	daDir := t.TempDir()
	copyDir(t, daCase, daDir)
	in := filepath.Join(daDir, "hipft.in")
	text, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	withMaps := strings.Replace(string(text), "\n/", "\n  output_map_time_cadence = 3.0\n/", 1)
	if err := os.WriteFile(in, []byte(withMaps), 0o644); err != nil {
		t.Fatal(err)
	}
	runFolder(t, daDir)

	for _, c := range []struct {
		name, dir    string
		used, unused []string
	}{
		{"demo", demoDir, []string{"diffusion_coef_constants"}, []string{"assimilate_data_lat_limits", "source_rfe_total_unsigned_flux_per_hours"}},
		{"assimilation", daDir, []string{"assimilate_data_lat_limits", "diffusion_coef_constants"}, []string{"source_rfe_total_unsigned_flux_per_hours"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			html, notes, err := Build(c.dir, Options{Generator: "goft test"})
			if err != nil {
				t.Fatal(err)
			}
			if len(notes) != 0 {
				t.Errorf("notes: %v", notes)
			}
			s := string(html)
			if !strings.Contains(s, `alt="Output maps"`) {
				t.Error("no strip of output maps")
			}
			fold := strings.Index(s, "parameters of processes this run does not use</summary>")
			if fold < 0 {
				t.Fatal("the parameters of unused processes are not folded away")
			}
			for _, name := range c.used {
				if i := strings.Index(s, `<th scope="row">`+name+`</th>`); i < 0 || i > fold {
					t.Errorf("%s is not among the parameters in use", name)
				}
			}
			for _, name := range c.unused {
				if i := strings.Index(s, `<th scope="row">`+name+`</th>`); i < fold {
					t.Errorf("%s is listed among the parameters in use", name)
				}
			}
			page := filepath.Join(t.TempDir(), "report.html")
			if err := os.WriteFile(page, html, 0o644); err != nil {
				t.Fatal(err)
			}
			pc := b.open(t, page)
			if pc.images < 11 || pc.brokenImages != 0 {
				t.Errorf("%d images, %d of them broken; want at least 11 and none broken", pc.images, pc.brokenImages)
			}
			for _, e := range pc.errors {
				t.Errorf("browser error: %s", e)
			}
		})
	}
}
