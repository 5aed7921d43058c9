// Package report writes a self-contained HTML page about a HipFT or goft
// run: its parameters, the realization table, history plots, the initial
// and final maps and the butterfly diagram, with every image inlined as a
// base64 PNG so that the page is one file that opens anywhere.
package report

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/post/plot"
)

// Options control the report.
type Options struct {
	// Start, if not zero, is the UT date of the run's first history time
	// and first output map: time axes then show dates.
	Start time.Time
	// Sat is the saturation level (Gauss) of map and butterfly images
	// (0: automatic per image).
	Sat float64
	// Asinh draws map and butterfly colours on an asinh scale with linear
	// range Knee (Gauss; 0: automatic), as plot.MapOptions.
	Asinh bool
	Knee  float64
	// SinLat draws latitude on a sine axis.
	SinLat bool
	// Generator names the program under the page title, e.g. "goft 0.1.0".
	Generator string
	// Now is the generation time shown (zero: time.Now()).
	Now time.Time
}

// pageImage is an inlined PNG with a caption.
type pageImage struct {
	// Alt is the image's text alternative; Caption, if not empty, is shown
	// below it.
	Alt, Caption string
	// Src is the data: URL of the PNG.
	Src template.URL
}

func newImage(alt, caption string, png []byte) pageImage {
	return pageImage{Alt: alt, Caption: caption, Src: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
}

// fileLink is a run file the report links to, relative to the run folder
// (where the report is written by default).
type fileLink struct {
	Name string
	Href template.URL
	Size string
}

// runFiles lists the run's output files (histories, maps, lists, the
// parameters dump, timing) in dir and its output map folder, for links.
func runFiles(dir string, maps []analysis.OutputMap) []fileLink {
	var out []fileLink
	add := func(path string) {
		fi, err := os.Stat(path)
		if err != nil || fi.IsDir() {
			return
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return
		}
		rel = filepath.ToSlash(rel)
		out = append(out, fileLink{Name: rel, Href: template.URL((&url.URL{Path: rel}).String()), Size: humanSize(fi.Size())})
	}
	for _, pat := range []string{"hipft_history_*.out", "hipft_*.h5", "hipft_*.out"} {
		names, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, n := range names {
			if pat == "hipft_*.out" && strings.HasPrefix(filepath.Base(n), "hipft_history_") {
				continue
			}
			add(n)
		}
	}
	for _, m := range maps {
		add(m.Path)
	}
	return out
}

// humanSize writes a byte count in kB or MB.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// row is a labelled row of a table.
type row struct {
	Name   string
	Values []string
	Varies bool
}

// page is what the template shows.
type page struct {
	Title, Dir, Generator, Generated string
	Summary                          []row
	RealHeader                       []string
	RealRows                         []row
	RealUnused                       []row // rows of processes the run does not use
	Cadence                          []pageImage
	ButterflyWhy                     string // why there is no butterfly diagram
	History                          []pageImage
	FinalHeader                      []string
	FinalRows                        []row
	Maps                             []pageImage
	Butterfly                        []pageImage
	Params                           []analysis.Param
	Files                            []fileLink
	Notes                            []string
}

// Build writes the report of the run in dir and returns the HTML page and
// notes on the parts that are missing (which the page also shows). It fails
// only when dir is not a folder or holds neither histories nor maps.
func Build(dir string, opt Options) ([]byte, []string, error) {
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return nil, nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	pg := &page{Title: "Run report: " + filepath.Base(abs), Dir: abs, Generator: opt.Generator,
		Generated: opt.Now.UTC().Format("2006-01-02 15:04 UTC")}
	note := func(format string, a ...any) { pg.Notes = append(pg.Notes, fmt.Sprintf(format, a...)) }
	found := false

	// Parameters.
	if rf.Params == nil {
		note("%s not found: parameters unknown", analysis.ParametersFile)
	} else {
		for _, p := range rf.Params {
			pg.Params = append(pg.Params, analysis.Param{Name: p.Name, Value: compressRuns(p.Value)})
		}
		pg.Summary = summary(rf.Params)
	}

	// Realization table.
	if t, err := analysis.ReadTable(rf.Path(analysis.RealizationsFile)); err == nil {
		pg.RealHeader, pg.RealRows = transpose(t)
		pg.RealRows, pg.RealUnused = splitByUse(pg.RealRows, rf.Params)
	} else if !errors.Is(err, fs.ErrNotExist) {
		note("%v", err)
	}

	// Histories.
	hs, err := analysis.ReadRunHistories(rf.Dir)
	// The first and last history times label the initial and final maps.
	startTime, endTime := math.NaN(), math.NaN()
	if err == nil {
		found = true
		var qs []*analysis.Quantities
		for _, h := range hs {
			q, err := analysis.HistoryQuantities(h)
			if err != nil {
				return nil, nil, err
			}
			qs = append(qs, q)
		}
		if t := qs[0].Time; len(t) > 0 {
			startTime, endTime = t[0], t[len(t)-1]
		}
		pg.FinalHeader, pg.FinalRows = finalValues(qs)
		figs, err := plot.HistoryFigures(qs, plot.HistoryOptions{Start: opt.Start, PoleLat: rf.PoleFluxLatLimit()})
		if err != nil {
			return nil, nil, err
		}
		for _, f := range figs {
			pg.History = append(pg.History, newImage(f.Title, "", f.PNG))
		}
	} else {
		note("history plots left out: %v", err)
	}

	// Initial and final maps.
	grid := ""
	for _, m := range []struct {
		path, what string
		time       float64
	}{{rf.InitialMap(), "Initial map", startTime}, {rf.FinalMap(), "Final map", endTime}} {
		img, dims, err := mapImage(m.path, m.what, m.time, opt)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				note("%s left out: %s not found", strings.ToLower(m.what), m.path)
			} else {
				note("%s left out: %v", strings.ToLower(m.what), err)
			}
			continue
		}
		found = true
		pg.Maps = append(pg.Maps, img)
		if grid == "" {
			grid = fmt.Sprintf("%d x %d", dims[1], dims[0])
			pg.Summary = append(pg.Summary, row{Name: "Grid (theta x phi points)", Values: []string{grid}})
		}
	}

	// The output maps in between.
	maps, err := rf.OutputMaps()
	pg.Files = runFiles(rf.Dir, maps)
	if err == nil && len(maps) > 2 {
		img, err := cadenceImage(maps, opt)
		if err != nil {
			note("output maps left out: %v", err)
		} else {
			pg.Cadence = append(pg.Cadence, img)
		}
	}

	// Butterfly diagram.
	switch {
	case err != nil:
		pg.ButterflyWhy = "No butterfly diagram: the run's output map list could not be read."
		note("butterfly diagram left out: %v", err)
	case len(maps) == 0:
		pg.ButterflyWhy = "No output maps listed in hipft_output_map_list.out, so no butterfly diagram."
	case len(maps) < minButterflyMaps:
		pg.ButterflyWhy = fmt.Sprintf("No butterfly diagram: the run wrote %d output maps, and a butterfly diagram needs at least %d to show a trend in time (set output_map_time_cadence to a shorter interval, e.g. %g hours).",
			len(maps), minButterflyMaps, niceCadence(maps))
	default:
		if b, err := analysis.MakeButterfly(rf); err == nil {
			found = true
			for r := 1; r <= len(b.Avg); r++ {
				title := "Butterfly diagram"
				if len(b.Avg) > 1 {
					title = fmt.Sprintf("Butterfly diagram, realization %d", r)
				}
				png, used, err := plot.ButterflyPNG(b.Time, b.Theta, b.Avg[r-1], opt.Start, plot.MapOptions{Sat: opt.Sat, Asinh: opt.Asinh, Knee: opt.Knee, SinLat: opt.SinLat, Title: title})
				if err != nil {
					return nil, nil, err
				}
				pg.Butterfly = append(pg.Butterfly, newImage(title, fmt.Sprintf("%s: longitude-averaged Br of %d output maps; colour scale %s.", title, len(b.Time), used.Describe("G")), png))
			}
		} else {
			note("butterfly diagram left out: %v", err)
		}
	}
	if !found {
		return nil, pg.Notes, fmt.Errorf("%s holds no HipFT/goft run output (no history files, maps or map list)", dir)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, pg); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), pg.Notes, nil
}

// finalValues tabulates each realization's last history line: the
// quantities a reader compares first (fluxes in 1e21 Mx, fields in Gauss).
func finalValues(qs []*analysis.Quantities) ([]string, []row) {
	var header []string
	rows := []row{{Name: "Time (hours)"}, {Name: "Unsigned flux (10^21 Mx)"}, {Name: "Flux imbalance (%)"},
		{Name: "North polar-cap field (G)"}, {Name: "South polar-cap field (G)"}, {Name: "Axial dipole (G)"},
		{Name: "Equatorial dipole (G)"}, {Name: "max Br (G)"}, {Name: "min Br (G)"}}
	for i, q := range qs {
		r := q.Realization
		if r == 0 {
			r = i + 1
		}
		header = append(header, strconv.Itoa(r))
		n := len(q.Time) - 1
		for k, v := range []float64{q.Time[n], q.Unsigned[n] / 1e21, q.Imbalance[n], q.NField[n], q.SField[n],
			q.AxDipole[n], q.EqDipole[n], q.BrMax[n], q.BrMin[n]} {
			rows[k].Values = append(rows[k].Values, strconv.FormatFloat(v, 'g', 6, 64))
		}
	}
	return header, rows
}

// mapTitle titles a map image: what it is, its file and, when its time is
// known, plot.TimeLabel.
func mapTitle(what, path string, t float64, start time.Time) string {
	title := what + " (" + filepath.Base(path) + ")"
	if !math.IsNaN(t) {
		title += ", " + plot.TimeLabel(t, start)
	}
	return title
}

// minButterflyMaps is the fewest output maps the report draws a butterfly
// diagram from.
const minButterflyMaps = 10

// niceCadence suggests a map cadence (hours) that gives about 2*
// minButterflyMaps maps over the time the maps span.
func niceCadence(maps []analysis.OutputMap) float64 {
	span := maps[len(maps)-1].Time - maps[0].Time
	if !(span > 0) {
		return 1
	}
	c := span / (2 * minButterflyMaps)
	p := math.Pow(10, math.Floor(math.Log10(c)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= c {
			return m * p
		}
	}
	return p
}

// maxCadencePanels is the most output maps the report's strip shows.
const maxCadencePanels = 8

// cadenceImage draws realization 1 of up to maxCadencePanels output maps,
// evenly spaced through the list (the first and the last included), each
// titled with its time (and date, with Options.Start), on one colour scale.
func cadenceImage(maps []analysis.OutputMap, opt Options) (pageImage, error) {
	pick := []int{}
	n := min(len(maps), maxCadencePanels)
	for k := 0; k < n; k++ {
		i := int(math.Round(float64(k) * float64(len(maps)-1) / float64(n-1)))
		if len(pick) == 0 || pick[len(pick)-1] != i {
			pick = append(pick, i)
		}
	}
	var panels []plot.MapPanel
	for _, i := range pick {
		om := maps[i]
		m, err := analysis.ReadMap(om.Path)
		if err != nil {
			return pageImage{}, err
		}
		if analysis.Realizations(m) > 1 {
			if m, err = analysis.Realization(m, 1); err != nil {
				return pageImage{}, fmt.Errorf("%s: %w", om.Path, err)
			}
		}
		panels = append(panels, plot.MapPanel{Title: plot.TimeLabel(om.Time, opt.Start), Map: m})
	}
	cols := 2
	if len(panels) > 4 {
		cols = 4
	}
	png, used, err := plot.MapPNG(panels, plot.MapOptions{Sat: opt.Sat, Asinh: opt.Asinh, Knee: opt.Knee, SinLat: opt.SinLat, Cols: cols, PanelWidth: 480,
		Title: fmt.Sprintf("Output maps, realization 1 (%d of %d)", len(panels), len(maps))})
	if err != nil {
		return pageImage{}, err
	}
	return newImage("Output maps", fmt.Sprintf("%d of the run's %d output maps (hipft_output_map_list.out), realization 1: Br in Gauss, one colour scale %s.", len(panels), len(maps), used.Describe("G")), png), nil
}

// featureSwitches say which process each realization parameter belongs to:
// a parameter whose name starts with prefix is in use when the run
// parameter (hipft_run_parameters_used.out) named by on is true, or, for a
// numeric switch, not zero.
var featureSwitches = []struct{ prefix, on string }{
	{"assimilate_data", "assimilate_data"},
	{"source_rfe", "source_rfe_model"},
	{"flow_dr_", "flow_dr_model"},
	{"flow_mf_", "flow_mf_model"},
	{"flow_attenuate", "flow_attenuate"},
	{"flow_", "advance_flow"},
	{"diffusion_", "advance_diffusion"},
	{"source_", "advance_source"},
}

// splitByUse separates the realization rows of processes the run uses
// from those it does not (by featureSwitches and the run's parameters; with
// no parameters every row counts as used). A row of a process inside a
// switched-off one (flow_dr_* with advance_flow off) is unused too.
func splitByUse(rows []row, ps []analysis.Param) (used, unused []row) {
	on := func(name string) bool {
		v, ok := analysis.Lookup(ps, name)
		if !ok {
			return true
		}
		switch strings.ToUpper(strings.TrimSpace(v)) {
		case "F", ".FALSE.", "0":
			return false
		}
		return true
	}
	if ps == nil {
		return rows, nil
	}
	for _, r := range rows {
		name := strings.ToLower(r.Name)
		inUse := true
		for _, f := range featureSwitches {
			if strings.HasPrefix(name, f.prefix) && !on(f.on) {
				inUse = false
			}
		}
		if inUse {
			used = append(used, r)
		} else {
			unused = append(unused, r)
		}
	}
	return used, unused
}

// mapImage draws every realization of the map at path, at simulation
// time t (hours; NaN: unknown), titled with its time label.
func mapImage(path, what string, t float64, opt Options) (pageImage, []int, error) {
	if _, err := os.Stat(path); err != nil {
		return pageImage{}, nil, err
	}
	m, err := analysis.ReadMap(path)
	if err != nil {
		return pageImage{}, nil, err
	}
	n := analysis.Realizations(m)
	var panels []plot.MapPanel
	for r := 1; r <= n; r++ {
		m2, err := analysis.Realization(m, r)
		if err != nil {
			return pageImage{}, nil, err
		}
		t := ""
		if n > 1 {
			t = fmt.Sprintf("Realization %d", r)
		}
		panels = append(panels, plot.MapPanel{Title: t, Map: m2})
	}
	png, used, err := plot.MapPNG(panels, plot.MapOptions{Sat: opt.Sat, Asinh: opt.Asinh, Knee: opt.Knee, SinLat: opt.SinLat, Title: mapTitle(what, path, t, opt.Start)})
	if err != nil {
		return pageImage{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return newImage(what, fmt.Sprintf("%s: Br in Gauss, colour scale %s.", mapTitle(what, path, t, opt.Start), used.Describe("G")), png), m.Dims, nil
}

// summaryNames are the parameters shown at the top of the report.
var summaryNames = []struct{ name, label string }{
	{"n_realizations", "Realizations"},
	{"initial_map_filename", "Initial map"},
	{"time_start", "Start time (hours)"},
	{"time_end", "End time (hours)"},
	{"dt_max", "Largest time step (hours)"},
	{"output_map_time_cadence", "Output map cadence (hours)"},
	{"output_history_time_cadence", "History cadence (hours)"},
	{"advance_flow", "Flows"},
	{"advance_diffusion", "Diffusion"},
	{"assimilate_data", "Data assimilation"},
	{"advance_source", "Sources"},
	{"validation_run", "Validation run"},
}

func summary(ps []analysis.Param) []row {
	var out []row
	for _, s := range summaryNames {
		if v, ok := analysis.Lookup(ps, s.name); ok {
			v = prettyValue(v)
			switch {
			case s.name == "output_history_time_cadence" && v == "0":
				v = "every step"
			case s.name == "output_map_time_cadence" && v == "0":
				v = "none"
			case s.name == "validation_run" && v == "0":
				v = "no"
			}
			out = append(out, row{Name: s.label, Values: []string{v}})
		}
	}
	return out
}

// prettyValue shows Fortran logicals as yes/no and numbers compactly.
func prettyValue(v string) string {
	switch strings.ToUpper(strings.TrimSpace(v)) {
	case "T", ".TRUE.":
		return "yes"
	case "F", ".FALSE.":
		return "no"
	}
	parts := strings.Split(v, ", ")
	for i, p := range parts {
		if f, err := strconv.ParseFloat(strings.TrimSpace(p), 64); err == nil && !math.IsInf(f, 0) {
			parts[i] = strconv.FormatFloat(f, 'g', 8, 64)
		}
	}
	return strings.Join(parts, ", ")
}

// compressRuns writes a list of values ("a, b, b, b") with runs of three
// or more equal values in Fortran's repeat notation ("a, 3*b"), as HipFT's
// dump holds arrays of thousands of filler values.
func compressRuns(v string) string {
	vals := strings.Split(v, ", ")
	var out []string
	for i := 0; i < len(vals); {
		j := i
		for j < len(vals) && vals[j] == vals[i] {
			j++
		}
		pv := prettyValue(vals[i])
		if n := j - i; n >= 3 {
			out = append(out, fmt.Sprintf("%d*%s", n, pv))
		} else {
			for k := i; k < j; k++ {
				out = append(out, pv)
			}
		}
		i = j
	}
	return strings.Join(out, ", ")
}

// transpose turns the realization table (one row per realization) into
// one row per parameter, marking the parameters that differ between
// realizations.
func transpose(t *analysis.Table) ([]string, []row) {
	var header []string
	for i, r := range t.Rows {
		h := strconv.Itoa(i + 1)
		if len(r) > 0 {
			h = r[0]
		}
		header = append(header, "r"+h)
	}
	var rows []row
	for c := 1; c < len(t.Header); c++ {
		rw := row{Name: t.Header[c]}
		for _, r := range t.Rows {
			v := prettyValue(r[c])
			if len(rw.Values) > 0 && v != rw.Values[0] {
				rw.Varies = true
			}
			rw.Values = append(rw.Values, v)
		}
		rows = append(rows, rw)
	}
	return header, rows
}

var tmpl = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "Liberation Sans", sans-serif; margin: 0 auto; max-width: 1150px; padding: 1em 1.5em; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
.meta { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.varies td, tr.varies th { background: #fff4d6; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
figcaption { color: #444; font-size: 0.9em; margin-top: 0.3em; }
.notes { background: #fff8e5; border-left: 4px solid #e0a800; padding: 0.5em 1em; }
nav a { margin-right: 1em; }
details summary { cursor: pointer; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">Run folder: <code>{{.Dir}}</code><br>Generated {{.Generated}}{{if .Generator}} by {{.Generator}}{{end}}</p>
<nav><a href="#summary">Summary</a><a href="#realizations">Realizations</a><a href="#history">Histories</a><a href="#maps">Maps</a><a href="#butterfly">Butterfly diagram</a><a href="#parameters">Parameters</a><a href="#files">Files</a></nav>
{{if .Notes}}<div class="notes"><p>Parts of this report are missing:</p><ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul></div>{{end}}

<h2 id="summary">Summary</h2>
{{if .Summary}}<table>
{{range .Summary}}<tr><th scope="row">{{.Name}}</th><td>{{index .Values 0}}</td></tr>
{{end}}</table>{{else}}<p>No parameters file.</p>{{end}}

<h2 id="realizations">Realizations</h2>
{{if .RealRows}}<p>Parameters of each realization (hipft_realization_parameters.out); highlighted rows differ between realizations.</p>
<table>
<tr><th>Parameter</th>{{range .RealHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .RealRows}}<tr{{if .Varies}} class="varies"{{end}}><th scope="row">{{.Name}}</th>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</table>
{{if .RealUnused}}<details><summary>{{len .RealUnused}} parameters of processes this run does not use</summary>
<table>
<tr><th>Parameter</th>{{range .RealHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .RealUnused}}<tr><th scope="row">{{.Name}}</th>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</table></details>{{end}}{{else}}<p>One realization (no hipft_realization_parameters.out).</p>{{end}}

<h2 id="history">Histories</h2>
{{if .FinalRows}}<p>At the end of the run (the last line of each realization's history):</p>
<table>
<tr><th>Realization</th>{{range .FinalHeader}}<th>{{.}}</th>{{end}}</tr>
{{range .FinalRows}}<tr><th scope="row">{{.Name}}</th>{{range .Values}}<td class="num">{{.}}</td>{{end}}</tr>
{{end}}</table>{{end}}
{{if .History}}<p>All realizations together, from hipft_history_sol_r*.out. Fluxes in 10<sup>21</sup> Mx, fields in Gauss.</p>
{{range .History}}<figure><img src="{{.Src}}" alt="{{.Alt}}">{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{end}}{{else}}<p>No history files.</p>{{end}}

<h2 id="maps">Maps</h2>
{{if .Maps}}<p>Br in Carrington longitude and latitude; red positive, blue negative.</p>
{{range .Maps}}<figure><img src="{{.Src}}" alt="{{.Alt}}">{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{end}}{{else}}<p>No initial or final map.</p>{{end}}
{{range .Cadence}}<figure><img src="{{.Src}}" alt="{{.Alt}}">{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{end}}

<h2 id="butterfly">Butterfly diagram</h2>
{{if .Butterfly}}{{range .Butterfly}}<figure><img src="{{.Src}}" alt="{{.Alt}}">{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{end}}{{else}}<p>{{.ButterflyWhy}}</p>{{end}}

<h2 id="parameters">Parameters used</h2>
{{if .Params}}<details><summary>All {{len .Params}} parameters from hipft_run_parameters_used.out</summary>
<table>
{{range .Params}}<tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table></details>{{else}}<p>No parameters file.</p>{{end}}

<h2 id="files">Files</h2>
{{if .Files}}<p>The run's files, relative to the run folder (the links work where the report sits in it, as hipft_report.html does by default).</p>
<details><summary>{{len .Files}} files</summary><ul>
{{range .Files}}<li><a href="{{.Href}}">{{.Name}}</a> ({{.Size}})</li>
{{end}}</ul></details>{{else}}<p>No run files found.</p>{{end}}
</body>
</html>
`))
