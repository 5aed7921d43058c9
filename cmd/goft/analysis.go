package main

// Analysis commands: plot, movie, butterfly, history, maps-history, info,
// diff, realization, report.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/hipft/suite"
	"github.com/goft-sft/goft/post/analysis"
	"github.com/goft-sft/goft/post/plot"
	"github.com/goft-sft/goft/post/report"
)

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (goft plot map.h5 -o out.png), and returns the
// positional arguments. "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// dateLayouts are the accepted forms of a start date (UT).
var dateLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// parseDate parses a UT date such as 2024-05-01 or 2024-05-01T12:00:00; ""
// gives the zero time.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, strings.TrimSuffix(s, "Z"), time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("-start %q: want a UT date like 2024-05-01 or 2024-05-01T12:00:00", s)
}

// pngName returns the default PNG name for input file in: its base name
// with .png, in the current folder.
func pngName(in string) string {
	return strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".png"
}

// realizationList parses "1,3,5-7" into realization numbers within 1..n.
func realizationList(s string, n int) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b < a {
			return nil, fmt.Errorf("realization list %q: want numbers like 1,3 or 2-4", s)
		}
		if b > n {
			return nil, fmt.Errorf("realization %d does not exist: the map has %d realization(s)", b, n)
		}
		for r := a; r <= b; r++ {
			out = append(out, r)
		}
	}
	return out, nil
}

func cmdPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plot", "goft plot [flags] MAP.h5",
		"Draws a HipFT Br map as a PNG image: Carrington longitude 0-360 degrees left to\n"+
			"right, latitude with north up, a red (positive) / blue (negative) colour scale\n"+
			"symmetric about zero with a colour bar in Gauss. A 3D map (several\n"+
			"realizations) is drawn as a grid of panels, one per realization, unless -r\n"+
			"picks some. HipFT's flow maps (output_flows: hipft_flow_vt_idx*.h5 and\n"+
			"hipft_flow_vp_idx*.h5, on the staggered meshes) are drawn in m/s.", stderr)
	out := fs.String("o", "", "output PNG file (default: the map's base name with .png, in the current folder)")
	sat := fs.Float64("sat", 0, "saturation level in Gauss (m/s for a flow map): the colour scale runs from -sat to +sat (0: automatic, the 98th percentile of |values| by area, rounded up)")
	sinLat := fs.Bool("sinlat", false, "draw latitude on a sine (equal-area) axis")
	real := fs.String("r", "", "realization(s) of a 3D map to draw, e.g. 2 or 1,3 or 2-4 (default: all)")
	title := fs.String("title", "", "title above the map (default: the file name)")
	cols := fs.Int("cols", 0, "panels per row when drawing several realizations (0: automatic)")
	width := fs.Int("width", 0, "width of one panel in pixels (0: 1000 for one map, 640 in a grid)")
	label := fs.String("label", "", "colour-bar label (default: Br (Gauss), or the velocity of a flow map)")
	asinh, knee := scaleFlags(fs)
	start := fs.String("start", "", "UT date of the run's start (time 0), e.g. 2024-05-01T00:00:00: title a listed output map with its date and Carrington rotation")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf(fs, "expected one map file, got %d arguments", len(pos))
	}
	st, err := parseDate(*start)
	if err != nil {
		return err
	}
	quantity, unit := mapQuantity(pos[0])
	if *label != "" {
		quantity = *label
	}
	if err := checkSat(*sat); err != nil {
		return err
	}
	if err := checkKnee(*knee); err != nil {
		return err
	}
	in := pos[0]
	m, err := analysis.ReadMap(in)
	if err != nil {
		return err
	}
	panels, err := mapPanels(m, *real)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if *title == "" {
		*title = filepath.Base(in)
		if t, ok := listedMapTime(in); ok {
			*title += ", " + plot.TimeLabel(t, st)
		}
	}
	png, used, err := plot.MapPNG(panels, plot.MapOptions{Sat: *sat, Asinh: *asinh, Knee: *knee, SinLat: *sinLat, Title: *title, Label: quantity, Cols: *cols, PanelWidth: *width})
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if *out == "" {
		*out = pngName(in)
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft plot: wrote %s (%d panel(s), colour scale %s)\n", *out, len(panels), used.Describe(unit))
	return nil
}

// mapPanels returns the panels of the realizations of map m that spec
// picks (e.g. "2", "1,3", "2-4"; "" for all), titled by realization when m
// is 3D.
func mapPanels(m *psihdf.Map, spec string) ([]plot.MapPanel, error) {
	n := analysis.Realizations(m)
	rs := make([]int, n)
	for i := range rs {
		rs[i] = i + 1
	}
	if spec != "" {
		var err error
		if rs, err = realizationList(spec, n); err != nil {
			return nil, err
		}
	}
	var panels []plot.MapPanel
	for _, r := range rs {
		m2, err := analysis.Realization(m, r)
		if err != nil {
			return nil, err
		}
		t := ""
		if len(m.Dims) == 3 {
			t = fmt.Sprintf("Realization %d", r)
		}
		panels = append(panels, plot.MapPanel{Title: t, Map: m2})
	}
	return panels, nil
}

func cmdMovie(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("movie", "goft movie [flags] [RUN_DIR]",
		"Makes an animated GIF of a run's output maps (default run: the current\n"+
			"folder), one frame per map of hipft_output_map_list.out, in order, titled\n"+
			"with the map's time, as HipFT's hipft_make_plots_and_movies.py makes its\n"+
			"movie (without ffmpeg). Every frame has the colour scale of the first.\n"+
			"-frames also writes the frames as PNG files, for a video encoder.", stderr)
	out := fs.String("o", "", "output GIF file (default: RUN_DIR/hipft_movie.gif)")
	sat := fs.Float64("sat", 0, "saturation level in Gauss (0: automatic, from the first map)")
	sinLat := fs.Bool("sinlat", false, "draw latitude on a sine (equal-area) axis")
	real := fs.String("r", "1", "realization(s) to draw, e.g. 2 or 1,3 or 2-4; \"\" for all")
	width := fs.Int("width", 640, "width of one panel in pixels")
	delay := fs.Int("delay", 25, "time each frame is shown, in hundredths of a second")
	every := fs.Int("every", 1, "take every Nth map of the list (the first and the last always)")
	frames := fs.String("frames", "", "also write each frame as a PNG file into this folder (frame_000001.png, ...)")
	start := fs.String("start", "", "UT date of the run's start (time 0), e.g. 2024-05-01T00:00:00: title frames with dates")
	asinh, knee := scaleFlags(fs)
	dir, st, err := runDirDateSat(fs, args, start, sat)
	if err != nil {
		return err
	}
	if err := checkKnee(*knee); err != nil {
		return err
	}
	if *width < 100 || *every < 1 {
		return fmt.Errorf("-width %d, -every %d: want a width of at least 100 pixels and -every at least 1", *width, *every)
	}
	mv, err := plot.NewMovie(*delay)
	if err != nil {
		return fmt.Errorf("-delay: %w", err)
	}
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return err
	}
	all, err := rf.OutputMaps()
	if err != nil {
		return err
	}
	var maps []analysis.OutputMap
	for i, om := range all {
		if i%*every == 0 || i == len(all)-1 {
			maps = append(maps, om)
		}
	}
	const maxFrames = 1000 // about 0.3 GB of frames at the default size
	if len(maps) > maxFrames {
		return fmt.Errorf("%d maps would make %d frames, more than %d: take every Nth map with -every %d", len(all), len(maps), maxFrames, (len(all)+maxFrames-1)/maxFrames)
	}
	if *frames != "" {
		if err := os.MkdirAll(*frames, 0o755); err != nil {
			return err
		}
	}
	used := plot.ColourScale{Sat: *sat, Knee: *knee}
	for i, om := range maps {
		m, err := analysis.ReadMap(om.Path)
		if err != nil {
			return err
		}
		panels, err := mapPanels(m, *real)
		if err != nil {
			return fmt.Errorf("%s: %w", om.Path, err)
		}
		title := fmt.Sprintf("%s, map %d", plot.TimeLabel(om.Time, st), om.Index)
		png, s, err := plot.MapPNG(panels, plot.MapOptions{Sat: used.Sat, Asinh: *asinh, Knee: used.Knee, SinLat: *sinLat, Title: title, PanelWidth: *width})
		if err != nil {
			return fmt.Errorf("%s: %w", om.Path, err)
		}
		used = s
		if err := mv.Add(png); err != nil {
			return fmt.Errorf("%s: %w", om.Path, err)
		}
		if *frames != "" {
			if err := os.WriteFile(filepath.Join(*frames, fmt.Sprintf("frame_%06d.png", i+1)), png, 0o644); err != nil {
				return err
			}
		}
	}
	gif, err := mv.Encode()
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, "hipft_movie.gif")
	}
	if err := output.WriteFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(gif); return err }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft movie: wrote %s (%d frames, colour scale %s)\n", *out, mv.Frames(), used.Describe("G"))
	return nil
}

// mapQuantity returns the colour-bar label and unit of the map file at
// path: the theta or phi velocity (m/s) for HipFT's flow maps, else Br
// (Gauss).
func mapQuantity(path string) (label, unit string) {
	base := filepath.Base(path)
	switch {
	case strings.Contains(base, "_flow_vt"):
		return "vt, theta velocity (m/s, + southward)", "m/s"
	case strings.Contains(base, "_flow_vp"):
		return "vp, phi velocity (m/s)", "m/s"
	}
	return "Br (Gauss)", "G"
}

func cmdButterfly(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("butterfly", "goft butterfly [flags] [RUN_DIR]",
		"Makes the butterfly diagram of a run (default: the current folder): the\n"+
			"longitude-averaged Br of every output map listed in hipft_output_map_list.out,\n"+
			"versus time and latitude. For every realization N it writes butterfly_rN.h5 (a\n"+
			"PSI map as HipFT's hipft_make_butterfly_diagram.py writes: dim1 time in seconds\n"+
			"since the first map, dim2 colatitude in radians, values in Gauss) and\n"+
			"butterfly_rN.png (N with 6 digits).", stderr)
	out := fs.String("o", "", "output folder (default: RUN_DIR)")
	sat := fs.Float64("sat", 0, "saturation level of the colour scale in Gauss (0: automatic)")
	sinLat := fs.Bool("sinlat", false, "draw latitude on a sine (equal-area) axis")
	start := fs.String("start", "", "UT date of the first map, e.g. 2024-05-01T00:00:00: label the time axis with dates")
	single := fs.Bool("single", false, "write the .h5 files in single precision")
	dir, st, err := runDirDateSat(fs, args, start, sat)
	if err != nil {
		return err
	}
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return err
	}
	b, err := analysis.MakeButterfly(rf)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = dir
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for r := 1; r <= len(b.Avg); r++ {
		base := filepath.Join(*out, fmt.Sprintf("butterfly_r%06d", r))
		if err := psihdf.Write(base+".h5", b.Map(r), *single); err != nil {
			return err
		}
		title := "Butterfly diagram"
		if len(b.Avg) > 1 {
			title = fmt.Sprintf("Butterfly diagram, realization %d", r)
		}
		png, used, err := plot.ButterflyPNG(b.Time, b.Theta, b.Avg[r-1], st, plot.MapOptions{Sat: *sat, SinLat: *sinLat, Title: title})
		if err != nil {
			return err
		}
		if err := os.WriteFile(base+".png", png, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft butterfly: wrote %s.h5 and %s.png (%d maps, colour scale %s)\n", base, base, len(b.Time), used.Describe("G"))
	}
	return nil
}

// runDirDateSat parses a run-folder command's arguments: flags anywhere,
// at most one RUN_DIR, the -start date and the -sat level (Gauss, >= 0).
// start and sat point at the flag values (sat may be nil); they are read
// after parsing.
func runDirDateSat(fs *flag.FlagSet, args []string, start *string, sat *float64) (string, time.Time, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return "", time.Time{}, err
	}
	dir, err := runDirArg(fs, pos)
	if err != nil {
		return "", time.Time{}, err
	}
	st, err := parseDate(*start)
	if err != nil {
		return "", time.Time{}, err
	}
	if sat != nil {
		if err := checkSat(*sat); err != nil {
			return "", time.Time{}, err
		}
	}
	return dir, st, nil
}

// listedMapTime returns the simulation time (hours) of the map at path
// when it is one of a run's output maps: listed in the
// hipft_output_map_list.out of the map's folder or of the folder above
// (maps written into output_map_directory).
func listedMapTime(path string) (float64, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, false
	}
	for _, dir := range []string{filepath.Dir(abs), filepath.Dir(filepath.Dir(abs))} {
		rf, err := analysis.OpenRun(dir)
		if err != nil {
			continue
		}
		maps, err := rf.OutputMaps()
		if err != nil {
			continue
		}
		for _, om := range maps {
			if p, err := filepath.Abs(om.Path); err == nil && p == abs {
				return om.Time, true
			}
		}
	}
	return 0, false
}

// scaleFlags declares the -asinh and -knee flags of the map commands.
func scaleFlags(fs *flag.FlagSet) (asinh *bool, knee *float64) {
	asinh = fs.Bool("asinh", false, "colours on an asinh scale: linear below -knee, logarithmic above, so that weak fields and active regions both show (-sat then defaults to the largest |Br|)")
	knee = fs.Float64("knee", 0, "the -asinh scale's linear range in Gauss (0: a tenth of the 98th percentile of |Br|)")
	return asinh, knee
}

// checkKnee checks a -knee level.
func checkKnee(knee float64) error {
	if knee < 0 || math.IsNaN(knee) || math.IsInf(knee, 0) {
		return &usageError{fmt.Errorf("-knee %g: want a positive number of Gauss, or 0 for automatic", knee)}
	}
	return nil
}

// checkSat checks a -sat saturation level.
func checkSat(sat float64) error {
	if sat < 0 || math.IsNaN(sat) || math.IsInf(sat, 0) {
		return &usageError{fmt.Errorf("-sat %g: want a positive number of Gauss, or 0 for automatic", sat)}
	}
	return nil
}

// runDirArg returns the run folder argument (default ".").
func runDirArg(fs *flag.FlagSet, pos []string) (string, error) {
	switch len(pos) {
	case 0:
		return ".", nil
	case 1:
		return pos[0], nil
	}
	return "", usageErrorf(fs, "expected at most one run folder, got %d arguments", len(pos))
}

func cmdHistory(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("history", "goft history [flags] [RUN_DIR ...]",
		"Plots the history files (hipft_history_sol_r*.out) of a run (default: the\n"+
			"current folder), all realizations together, as PNG files named as HipFT's\n"+
			"hipft_plot_histories.py names them: positive/negative flux\n"+
			"(history_flux_pm.png), total unsigned flux, flux imbalance in percent,\n"+
			"polar-cap fluxes and mean polar fields, axial and equatorial dipole, Br\n"+
			"extremes, and the validation error of validation runs. Several runs are\n"+
			"drawn together (as HipFT's hipft_combine_run_histories.py combines them),\n"+
			"their realizations numbered on in the order given; -o is then required.", stderr)
	out := fs.String("o", "", "output folder (default: RUN_DIR)")
	start := fs.String("start", "", "UT date of the first history time, e.g. 2024-05-01T00:00:00: label the time axis with dates")
	summary := fs.Bool("summary", false, "print each quantity's minimum, maximum, mean and standard deviation over time, per realization and over all of them (HipFT's hipft_print_history_summary.py), instead of plotting")
	fromZero := fs.Bool("zero", false, "start the flux and Br-extreme axes at zero (default: scaled to the data, so that a change of a few percent shows)")
	maxLines := fs.Int("max-lines", 10, "draw at most this many realizations as lines; a larger ensemble is drawn as its median over a min-max band")
	poleLat := fs.Float64("pole-lat", 0, "label the polar-cap plots with this cap size in degrees (default: the run's pole_flux_lat_limit; give it for histories from goft maps-history -pole-lat)")
	dirs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	st, err := parseDate(*start)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	if len(dirs) > 1 && *out == "" && !*summary {
		return usageErrorf(fs, "%d run folders: give the output folder with -o", len(dirs))
	}
	hs, pole, err := combinedHistories(dirs, stdout)
	if err != nil {
		return err
	}
	if *poleLat != 0 {
		pole = *poleLat
	}
	if *summary {
		return printHistorySummary(hs, stdout)
	}
	var qs []*analysis.Quantities
	for _, h := range hs {
		q, err := analysis.HistoryQuantities(h)
		if err != nil {
			return err
		}
		qs = append(qs, q)
	}
	if *maxLines < 1 {
		return &usageError{fmt.Errorf("-max-lines %d: want at least 1", *maxLines)}
	}
	figs, err := plot.HistoryFigures(qs, plot.HistoryOptions{Start: st, PoleLat: pole, FromZero: *fromZero, MaxLines: *maxLines})
	if err != nil {
		return err
	}
	if *out == "" {
		*out = dirs[0]
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	for _, f := range figs {
		p := filepath.Join(*out, f.Name)
		if err := os.WriteFile(p, f.PNG, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft history: wrote %s\n", p)
	}
	return nil
}

// combinedHistories reads the sol histories of the runs in dirs. With
// several runs the realizations are numbered on in the order given, and
// the numbering is printed to w. It also returns the polar-cap limit
// (degrees) of the first run.
func combinedHistories(dirs []string, w io.Writer) ([]*analysis.History, float64, error) {
	var all []*analysis.History
	pole := 0.0
	for _, dir := range dirs {
		rf, err := analysis.OpenRun(dir)
		if err != nil {
			return nil, 0, err
		}
		if pole == 0 {
			pole = rf.PoleFluxLatLimit()
		} else if l := rf.PoleFluxLatLimit(); l != pole {
			fmt.Fprintf(w, "note: %s has polar caps of %g degrees, the first run %g: the polar-cap plots mix them and are labelled %g\n", dir, l, pole, pole)
		}
		hs, err := analysis.ReadRunHistories(rf.Dir)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range hs {
			if len(dirs) > 1 {
				fmt.Fprintf(w, "realization %d: %s\n", len(all)+1, h.Path)
				h.Realization = len(all) + 1
			}
			all = append(all, h)
		}
	}
	return all, pole, nil
}

// printHistorySummary prints the statistics of sol histories hs.
func printHistorySummary(hs []*analysis.History, w io.Writer) error {
	s, err := analysis.SummarizeHistories(hs)
	if err != nil {
		return err
	}
	name := func(q int) string {
		if u := analysis.SummaryQuantities[q].Unit; u != "" {
			return analysis.SummaryQuantities[q].Name + " (" + u + ")"
		}
		return analysis.SummaryQuantities[q].Name
	}
	for i, row := range s.PerRealization {
		fmt.Fprintf(w, "%s\n", hs[i].Path)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "QUANTITY\tMIN\tMAX\tMEAN\tSTDDEV\t\n")
		for q, st := range row {
			fmt.Fprintf(tw, "%s\t%.6e\t%.6e\t%.6e\t%.6e\t\n", name(q), st.Min, st.Max, st.Mean, st.StdDev)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "All %d realizations\n", len(s.Realizations))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "QUANTITY\tMIN\tREALIZATION\tMAX\tREALIZATION\tMEAN\tSTDDEV\t\n")
	for q, st := range s.All {
		fmt.Fprintf(tw, "%s\t%.6e\t%d\t%.6e\t%d\t%.6e\t%.6e\t\n", name(q), st.Min, st.MinRealization, st.Max, st.MaxRealization, st.Mean, st.StdDev)
	}
	return tw.Flush()
}

func cmdMapsHistory(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("maps-history", "goft maps-history [flags] [RUN_DIR]",
		"Derives history files from a run's output maps (those listed in\n"+
			"hipft_output_map_list.out; default run: the current folder), as HipFT's\n"+
			"hipft_get_histories_from_files.py does: one hipft_history_sol_rNNNNNN.out\n"+
			"per realization, a line per map (STEP is the map's index, TIME its time),\n"+
			"with the values HipFT's history gives a field (see goft info). Useful to\n"+
			"measure the polar fields with other caps (-pole-lat) after a run, or to\n"+
			"get histories of a run made with a sparse history cadence. On float32\n"+
			"maps a theta row that lies exactly on the cap limit (30 degrees on grids of\n"+
			"0.5, 1 or 6 degrees) may fall on either side of it: choose a limit between\n"+
			"rows (e.g. 30.25 on a 0.5-degree grid) to compare caps. Plot them with\n"+
			"goft history -pole-lat LIMIT OUT_DIR.", stderr)
	out := fs.String("o", "", "output folder (default: RUN_DIR/maps_history)")
	poleLat := fs.Float64("pole-lat", 0, "polar caps: colatitudes within this many degrees of each pole (default: the run's pole_flux_lat_limit, else 30)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	dir, err := runDirArg(fs, pos)
	if err != nil {
		return err
	}
	rf, err := analysis.OpenRun(dir)
	if err != nil {
		return err
	}
	limit := rf.PoleFluxLatLimit()
	if *poleLat != 0 {
		limit = *poleLat
	}
	h, err := analysis.OutputMapsHistory(rf, limit)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, "maps_history")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	steps := make([]int64, len(h.Maps))
	for i, m := range h.Maps {
		steps[i] = int64(m.Index)
	}
	for r, stats := range h.Stats {
		p := filepath.Join(*out, output.HistoryName("sol", r+1))
		if err := output.WriteSolHistory(p, steps, stats); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft maps-history: wrote %s (%d maps, polar caps %g degrees)\n", p, len(steps), limit)
	}
	return nil
}

func cmdInfo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("info", "goft info [flags] MAP.h5 [MAP.h5 ...]",
		"Describes Br maps (PSI HDF5, 2D or 3D with realizations): the grid, and per\n"+
			"realization the values HipFT's history would give the map as its initial\n"+
			"map at step 0 (phi = 0 and 2pi columns and pole rows averaged, no flux\n"+
			"balancing):\n"+
			"  BR_MIN, BR_MAX, BR_ABS_MIN  field extremes, Gauss\n"+
			"  FLUX_POS, FLUX_NEG          positive and negative flux, Mx\n"+
			"  IMBALANCE                   100 (FLUX_POS + FLUX_NEG) / unsigned flux, %\n"+
			"  NPOLE_BR, SPOLE_BR          mean field of the polar caps (net flux / area), Gauss\n"+
			"  AX_DIPOLE, EQ_DIPOLE        axial and equatorial dipole strengths, Gauss", stderr)
	poleLat := fs.Float64("pole-lat", 30, "polar caps: colatitudes within this many degrees of each pole (HipFT's pole_flux_lat_limit)")
	boxFlag := fs.String("box", "", "also the flux inside a box of Carrington longitude and colatitude, PHI1,PHI2,THETA1,THETA2 in degrees (points strictly inside, as psi_get_masked_flux.py -mask_box)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf(fs, "expected one or more map files")
	}
	var box []float64
	if *boxFlag != "" {
		for _, f := range strings.Split(*boxFlag, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("-box %q: want four numbers PHI1,PHI2,THETA1,THETA2 (degrees)", *boxFlag)
			}
			box = append(box, v)
		}
		if len(box) != 4 {
			return fmt.Errorf("-box %q: want four numbers PHI1,PHI2,THETA1,THETA2 (degrees)", *boxFlag)
		}
	}
	for i, path := range pos {
		m, err := psihdf.Read(path)
		if err != nil {
			return err
		}
		s, statsErr := analysis.Summarize(m, *poleLat)
		if errors.Is(statsErr, analysis.ErrOffMainMesh) {
			s, err = analysis.DescribeMap(m) // the grid only
		} else {
			err = statsErr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		kind, prec := "2D map", "float64"
		if len(m.Dims) == 3 {
			kind = fmt.Sprintf("3D map of %d realization%s", s.Realizations, map[bool]string{true: "s"}[s.Realizations != 1])
		}
		if s.Float32 {
			prec = "float32"
		}
		fmt.Fprintf(stdout, "%s: %s, %d x %d points (phi x theta), %s\n", path, kind, s.NPhi, s.NTheta, prec)
		for d, name := range []string{"phi  ", "theta"} {
			fmt.Fprintf(stdout, "  %s %s\n", name, describeScale(m.Scales[d], [2]bool{s.PhiUniform, s.ThetaUniform}[d]))
		}
		if statsErr != nil {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range m.Data {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
			fmt.Fprintf(stdout, "  values from %.6g to %.6g\n  no fluxes or dipoles: %v; a flow map (hipft_flow_*) is on a staggered mesh\n", lo, hi, statsErr)
			if box != nil {
				fmt.Fprintf(stdout, "  no box flux either, for the same reason\n")
			}
			continue
		}
		fmt.Fprintf(stdout, "  polar caps: within %g degrees of each pole\n", *poleLat)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "REALIZATION\tBR_MIN(G)\tBR_MAX(G)\tBR_ABS_MIN(G)\tFLUX_POS(Mx)\tFLUX_NEG(Mx)\tIMBALANCE(%%)\tNPOLE_BR(G)\tSPOLE_BR(G)\tAX_DIPOLE(G)\tEQ_DIPOLE(G)\t\n")
		for r, st := range s.Stats {
			fmt.Fprintf(tw, "%d\t%.6g\t%.6g\t%.4g\t%.6e\t%.6e\t%.4g\t%.6g\t%.6g\t%.6g\t%.6g\t\n", r+1,
				st.BrMin, st.BrMax, st.BrAbsMin, st.FluxPos, st.FluxNeg, analysis.Imbalance(st.FluxPos, st.FluxNeg),
				analysis.CapField(st.NPoleFluxPos, st.NPoleFluxNeg, st.NPoleArea),
				analysis.CapField(st.SPoleFluxPos, st.SPoleFluxNeg, st.SPoleArea), st.AxDipole, st.EqDipole)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if box != nil {
			bf, err := analysis.BoxFluxes(m, box[0], box[1], box[2], box[3])
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			fmt.Fprintf(stdout, "  box: longitude %g to %g deg, colatitude %g to %g deg\n", box[0], box[1], box[2], box[3])
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "REALIZATION\tFLUX_POS(Mx)\tFLUX_NEG(Mx)\tUNSIGNED(Mx)\tNET(Mx)\tAREA(cm^2)\t\n")
			for r, b := range bf {
				fmt.Fprintf(tw, "%d\t%.6e\t%.6e\t%.6e\t%.6e\t%.6e\t\n", r+1, b.FluxPos, b.FluxNeg, b.FluxPos-b.FluxNeg, b.FluxPos+b.FluxNeg, b.Area)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// describeScale says where scale x (radians) runs and how it is spaced.
func describeScale(x []float64, uniform bool) string {
	const deg = 180 / math.Pi
	lo, hi := x[0], x[len(x)-1]
	s := fmt.Sprintf("%.6g to %.6g rad (%.4g to %.4g deg), ", lo, hi, lo*deg, hi*deg)
	if uniform {
		return s + fmt.Sprintf("uniform, step %.4g deg", (hi-lo)/float64(len(x)-1)*deg)
	}
	dmin, dmax := math.Inf(1), 0.0
	for i := 1; i < len(x); i++ {
		dmin, dmax = math.Min(dmin, x[i]-x[i-1]), math.Max(dmax, x[i]-x[i-1])
	}
	return s + fmt.Sprintf("non-uniform, steps %.4g to %.4g deg", dmin*deg, dmax*deg)
}

func cmdDiff(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diff", "goft diff [flags] A.h5 B.h5",
		"Compares two maps on the same grid (B is the reference), realization by\n"+
			"realization, over all grid points as HipFT's hipft_map_diff.py does:\n"+
			"  RMSD    sqrt(mean((A-B)^2)), Gauss\n"+
			"  MAXABS  max |A-B|, Gauss\n"+
			"  HHABS   sqrt(sum (A-B)^2 / sum |A||B|), dimensionless (RMSD if sum |A||B| = 0)\n"+
			"With several realizations a last row 'all' covers them together.", stderr)
	out := fs.String("o", "", "also write the difference map A-B to this PSI HDF5 file")
	png := fs.String("png", "", "also draw the difference map A-B to this PNG file")
	sat := fs.Float64("sat", 0, "saturation level in Gauss of the -png image (0: automatic)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf(fs, "expected two map files, got %d arguments", len(pos))
	}
	if err := checkSat(*sat); err != nil {
		return err
	}
	a, err := analysis.ReadMap(pos[0])
	if err != nil {
		return err
	}
	b, err := analysis.ReadMap(pos[1])
	if err != nil {
		return err
	}
	stats, d, err := analysis.Diff(a, b)
	if err != nil {
		return fmt.Errorf("%s and %s: %w", pos[0], pos[1], err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "REALIZATION\tRMSD(G)\tMAXABS(G)\tHHABS\t\n")
	for _, s := range stats {
		r := strconv.Itoa(s.Realization)
		if s.Realization == 0 {
			r = "all"
		}
		fmt.Fprintf(tw, "%s\t%.6e\t%.6e\t%.6e\t\n", r, s.RMSD, s.MaxAbs, s.HHabs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *out != "" {
		if err := psihdf.Write(*out, d, d.Float32); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft diff: wrote %s\n", *out)
	}
	if *png != "" {
		var panels []plot.MapPanel
		for r := 1; r <= analysis.Realizations(d); r++ {
			m2, _ := analysis.Realization(d, r)
			t := ""
			if len(d.Dims) == 3 {
				t = fmt.Sprintf("Realization %d", r)
			}
			panels = append(panels, plot.MapPanel{Title: t, Map: m2})
		}
		img, used, err := plot.MapPNG(panels, plot.MapOptions{Sat: *sat, Label: "Br difference A-B (Gauss)",
			Title: filepath.Base(pos[0]) + " minus " + filepath.Base(pos[1])})
		if err != nil {
			return err
		}
		if err := os.WriteFile(*png, img, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft diff: wrote %s (colour scale %s)\n", *png, used.Describe("G"))
	}
	return nil
}

func cmdRealization(args []string, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintf(stderr, "usage: goft realization extract [flags] MAP3D.h5\n       goft realization pack [flags] MAP_r000001.h5 MAP_r000002.h5 ...\n\n"+
			"Splits a 3D map (dim3: realizations) into 2D maps, or packs 2D maps into one\n"+
			"3D map, as HipFT's hipft_extract_realization.py and hipft_pack_realizations.py.\n"+
			"Run 'goft realization extract -h' or 'goft realization pack -h' for flags.\n")
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		usage()
		if len(args) == 0 {
			return &usageError{fmt.Errorf("expected 'extract' or 'pack'")}
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "extract":
		return realizationExtract(args[1:], stdout, stderr)
	case "pack":
		return realizationPack(args[1:], stdout, stderr)
	}
	usage()
	return &usageError{fmt.Errorf("unknown subcommand %q: expected 'extract' or 'pack'", args[0])}
}

func realizationExtract(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("realization extract", "goft realization extract [flags] MAP3D.h5",
		"Writes realizations of a 3D map as 2D maps named NAME_rNNNNNN.h5 (NAME: the\n"+
			"map's base name, NNNNNN the 6-digit realization number) in the current folder,\n"+
			"in the precision of the input.", stderr)
	rl := fs.String("r", "", "realizations to extract, e.g. 2 or 1,3 or 2-4 (default: all)")
	out := fs.String("o", "", "output file name when extracting one realization; with several, the NAME part")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf(fs, "expected one 3D map file, got %d arguments", len(pos))
	}
	in := pos[0]
	m, err := analysis.ReadMap(in)
	if err != nil {
		return err
	}
	if len(m.Dims) != 3 {
		return fmt.Errorf("%s is a 2D map: there are no realizations to extract", in)
	}
	n := analysis.Realizations(m)
	rs := make([]int, n)
	for i := range rs {
		rs[i] = i + 1
	}
	if *rl != "" {
		if rs, err = realizationList(*rl, n); err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
	}
	stem := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
	for _, r := range rs {
		m2, err := analysis.Realization(m, r)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		num := r
		if len(m.Scales) == 3 && m.Scales[2][r-1] == math.Trunc(m.Scales[2][r-1]) && m.Scales[2][r-1] >= 1 {
			num = int(m.Scales[2][r-1])
		}
		name := fmt.Sprintf("%s_r%06d.h5", stem, num)
		if *out != "" {
			if len(rs) == 1 {
				name = *out
			} else {
				name = fmt.Sprintf("%s_r%06d.h5", strings.TrimSuffix(*out, ".h5"), num)
			}
		}
		if err := psihdf.Write(name, m2, m.Float32); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "goft realization: wrote %s\n", name)
	}
	return nil
}

func realizationPack(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("realization pack", "goft realization pack [flags] MAP_r000001.h5 MAP_r000002.h5 ...",
		"Packs 2D maps on one grid into a 3D map, in the order given. The realization\n"+
			"numbers (the dim3 scale) come from _rNNNNNN in the file names when every name\n"+
			"has one, else they are 1, 2, .... The output is single precision only if\n"+
			"every input is.", stderr)
	out := fs.String("o", "", "output file (default: the first name without _rNNNNNN, in the current folder)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf(fs, "expected at least one 2D map file")
	}
	var maps []*psihdf.Map
	var index []float64
	for _, p := range pos {
		m, err := analysis.ReadMap(p)
		if err != nil {
			return err
		}
		if len(m.Dims) != 2 {
			return fmt.Errorf("%s is a 3D map (%d realizations): pack wants 2D maps", p, m.Dims[2])
		}
		maps = append(maps, m)
		index = append(index, float64(analysis.RealizationFromName(p)))
	}
	seen := map[float64]bool{}
	for _, r := range index {
		if r == 0 || seen[r] {
			index = nil // some name lacks a number, or numbers repeat
			break
		}
		seen[r] = true
	}
	packed, err := analysis.Pack(maps, index)
	if err != nil {
		var names []string
		names = append(names, pos...)
		return fmt.Errorf("packing %s: %w", strings.Join(names, ", "), err)
	}
	if *out == "" {
		base := filepath.Base(pos[0])
		if loc := regexpRealization(base); loc >= 0 {
			base = base[:loc] + base[loc+8:]
		}
		if base == filepath.Base(pos[0]) {
			base = strings.TrimSuffix(base, ".h5") + "_packed.h5"
		}
		*out = base
	}
	if err := psihdf.Write(*out, packed, packed.Float32); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft realization: wrote %s (%d realizations)\n", *out, len(maps))
	return nil
}

// regexpRealization returns the byte offset of the last "_rNNNNNN" in name,
// or -1.
func regexpRealization(name string) int {
	for i := len(name) - 8; i >= 0; i-- {
		if name[i] == '_' && name[i+1] == 'r' {
			ok := true
			for _, c := range name[i+2 : i+8] {
				if c < '0' || c > '9' {
					ok = false
				}
			}
			if ok {
				return i
			}
		}
	}
	return -1
}

func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "goft report [flags] [RUN_DIR]",
		"Writes one self-contained HTML page about a run (default: the current folder),\n"+
			"images inlined: the parameters used, the realization table, the history\n"+
			"plots, the initial and final maps and the butterfly diagram. Parts whose files\n"+
			"are missing are noted on the page.", stderr)
	out := fs.String("o", "", "output HTML file (default: RUN_DIR/hipft_report.html)")
	sat := fs.Float64("sat", 0, "saturation level in Gauss of the map and butterfly images (0: automatic)")
	start := fs.String("start", "", "UT date of the run's start, e.g. 2024-05-01T00:00:00: label time axes with dates")
	sinLat := fs.Bool("sinlat", false, "draw latitude on a sine (equal-area) axis")
	asinh, knee := scaleFlags(fs)
	dir, st, err := runDirDateSat(fs, args, start, sat)
	if err != nil {
		return err
	}
	if err := checkKnee(*knee); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(dir, "hipft_report.html")
	}
	html, notes, err := report.Build(dir, report.Options{Start: st, Sat: *sat, Asinh: *asinh, Knee: *knee, SinLat: *sinLat,
		Generator: "goft " + Version})
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "goft report: note: %s\n", n)
	}
	if err := os.WriteFile(*out, html, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft report: wrote %s\n", *out)
	return nil
}

// cmdCompare compares the histories of two runs of the same case (goft's
// hipft_compare_run_diags.py).
func cmdCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "goft compare [flags] REF_RUN_DIR RUN_DIR",
		"Compares the histories of two runs of the same case, realization by\n"+
			"realization, RUN_DIR against the reference REF_RUN_DIR (e.g. goft against\n"+
			"HipFT, or a GPU run against a CPU one):\n"+
			"  RULE     HipFT's testsuite rule (its bin/hipft_compare_run_diags.py): on\n"+
			"           the last line, BR_MIN, BR_MAX, BR_ABS_MIN, FLUX_POSITIVE,\n"+
			"           FLUX_NEGATIVE and VALIDATION_ERR_HHabs agree on their first\n"+
			"           P+3 characters (values of magnitude 1e-64 or less pass)\n"+
			"  LARGEST  the largest difference over every line and column, relative to\n"+
			"           the column's largest magnitude in the reference (for BR_ABS_MIN\n"+
			"           and the dipoles, which can be near zero, at least the field's),\n"+
			"           and where it is\n"+
			"The time steps (hipft_history_num_r000001.out) are compared the same way.\n"+
			"With -maps, the initial, output and final maps both runs have are compared\n"+
			"too: the largest |difference| of each, relative to the reference map's\n"+
			"largest |Br|.\n"+
			"It exits with status 1 when a realization fails the rule.", stderr)
	prec := fs.Int("p", 6, "precision of the rule, in decimal places (HipFT's testsuite uses 5)")
	verbose := fs.Bool("v", false, "also print the compared last-line values of every realization")
	maps := fs.Bool("maps", false, "also compare the maps (initial, listed output maps, final)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf(fs, "expected two run folders, got %d arguments", len(pos))
	}
	if *prec < 1 || *prec > 16 {
		return fmt.Errorf("-p %d: the precision must be 1 to 16 decimal places", *prec)
	}
	refDir, runDir := pos[0], pos[1]
	refs, _ := filepath.Glob(filepath.Join(refDir, "hipft_history_sol_r*.out"))
	if len(refs) == 0 {
		return fmt.Errorf("%s has no hipft_history_sol_r*.out: is it a run folder?", refDir)
	}
	if runs, _ := filepath.Glob(filepath.Join(runDir, "hipft_history_sol_r*.out")); len(runs) != len(refs) {
		return fmt.Errorf("%s has %d realizations' histories and %s %d", refDir, len(refs), runDir, len(runs))
	}
	largest := func(name string) (string, error) {
		a, err := analysis.ReadHistory(filepath.Join(refDir, name))
		if err != nil {
			return "", err
		}
		b, err := analysis.ReadHistory(filepath.Join(runDir, name))
		if err != nil {
			return "", err
		}
		d, err := analysis.DiffHistories(a, b)
		if err != nil {
			return "", err
		}
		return d.String(), nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "HISTORY\tRULE (p=%d)\tLARGEST DIFFERENCE\n", *prec)
	failed := 0
	var details []string
	for _, ref := range refs {
		name := filepath.Base(ref)
		a, err := suite.LastLine(ref)
		if err != nil {
			return err
		}
		b, err := suite.LastLine(filepath.Join(runDir, name))
		if err != nil {
			return err
		}
		ms, err := suite.CompareLines(a, b, *prec)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		verdict := "PASS"
		if len(ms) > 0 {
			verdict = "FAIL"
			failed++
		}
		for _, m := range ms {
			details = append(details, fmt.Sprintf("%s: %s: reference %s, run %s", name, m.Column, m.Ref, m.Run))
		}
		if *verbose {
			rf, uf := strings.Fields(a), strings.Fields(b)
			for _, c := range suite.ComparedColumns {
				details = append(details, fmt.Sprintf("%s: %s: reference %s, run %s", name, suite.ColumnNames[c], rf[c], uf[c]))
			}
		}
		l, err := largest(name)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, verdict, l)
	}
	num := "hipft_history_num_r000001.out"
	if l, err := largest(num); err == nil {
		fmt.Fprintf(tw, "%s\t-\t%s\n", num, l)
	} else {
		fmt.Fprintf(tw, "%s\t-\t%v\n", num, err)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range details {
		fmt.Fprintln(stdout, d)
	}
	if *maps {
		if err := compareRunMaps(refDir, runDir, stdout); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d realizations fail HipFT's rule at precision %d", failed, len(refs), *prec)
	}
	return nil
}

// compareRunMaps prints, for each map of the reference run (its initial
// map, the maps of its output list, its final map) that the other run also
// has, the largest difference over all realizations and points, in Gauss
// and relative to the reference's largest |Br|.
func compareRunMaps(refDir, runDir string, w io.Writer) error {
	ref, err := analysis.OpenRun(refDir)
	if err != nil {
		return err
	}
	run, err := analysis.OpenRun(runDir)
	if err != nil {
		return err
	}
	type pair struct{ name, a, b string }
	pairs := []pair{{filepath.Base(ref.InitialMap()), ref.InitialMap(), run.InitialMap()}}
	if list, err := ref.OutputMaps(); err == nil {
		for _, om := range list {
			rel, _ := filepath.Rel(ref.Dir, om.Path)
			pairs = append(pairs, pair{rel, om.Path, run.Path(rel)})
		}
	}
	pairs = append(pairs, pair{filepath.Base(ref.FinalMap()), ref.FinalMap(), run.FinalMap()})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "MAP\tMAX |DIFFERENCE| (G)\tOF THE LARGEST |Br|\n")
	compared := 0
	for _, p := range pairs {
		if _, err := os.Stat(p.a); err != nil {
			continue
		}
		a, err := analysis.ReadMap(p.a)
		if err != nil {
			return err
		}
		b, err := analysis.ReadMap(p.b)
		if err != nil {
			return err
		}
		stats, _, err := analysis.Diff(b, a)
		if err != nil {
			return fmt.Errorf("%s and %s: %w", p.a, p.b, err)
		}
		worst := 0.0
		for _, st := range stats {
			worst = math.Max(worst, st.MaxAbs)
		}
		scale := 0.0
		for _, v := range a.Data {
			scale = math.Max(scale, math.Abs(v))
		}
		rel := "-"
		if scale > 0 {
			rel = fmt.Sprintf("%.2g", worst/scale)
		}
		fmt.Fprintf(tw, "%s\t%.3g\t%s\n", p.name, worst, rel)
		compared++
	}
	if compared == 0 {
		return fmt.Errorf("%s has no maps to compare (initial, listed or final)", refDir)
	}
	return tw.Flush()
}
