package oft

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/namelist"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/atomicfile"
	"github.com/goft-sft/goft/stage/magmap"
)

// Env is where a stage writes: Out and Err are the run's oftswa.log and
// oftswa.err; Terminal, when not nil, is a terminal for progress bars.
type Env struct {
	Out, Err io.Writer
	Terminal io.Writer
}

// Stages are the stage implementations the driver calls. A nil stage is
// not available in this build: requesting it is an error that says so.
type Stages struct {
	// ConFlow makes the convective flows of the conflow.dat in dir there.
	ConFlow func(env Env, dir string) error
	// MagMAP turns the magnetograms in disks into assimilation maps in
	// maps (index_files/magmap_maps_all.csv and the maps), for dates in
	// [start, end], on an np x nt grid; update makes only the maps that
	// are missing.
	MagMAP func(env Env, disks, maps string, start, end time.Time, np, nt int, update bool) error
	// HipFT runs hipft.in in dir with procs processes (launched by
	// launch, OFTSWA's mpi_run_command with <NP> replaced, when procs > 1),
	// continuing from its checkpoint if it has one.
	HipFT func(env Env, dir string, procs int, launch string) error
	// Post writes the plots and report of the run in hipftDir, whose maps
	// are in mapsDir (with their histories in histDir, "" for the run's),
	// into out; start dates the first map.
	Post func(env Env, out, hipftDir, mapsDir, histDir string, start time.Time, p PostProcessSection) error
	// MapPrep makes processed_maps (and processed_maps_wsa on request) of
	// the run in hipftDir, as oftswa.py's map processing does.
	MapPrep func(env Env, hipftDir string, p OutputMapProcessingSection, cadenceHr float64) error
}

// Options are goft oft's options.
type Options struct {
	// OutDir holds the runs (oftswa.py's -o; default ./oftswa_runs).
	OutDir string
	// DryRun sets the run folder up without running the stages.
	DryRun bool
	// Overwrite removes the run folder first.
	Overwrite bool
	// Now is the time "now" means for date_end (time.Now if zero).
	Now time.Time
	// Say receives the one-line progress of the stages (stdout).
	Say io.Writer
	// Terminal, if not nil, is a terminal for the stages' progress bars.
	Terminal io.Writer
}

// Driver runs one OFT run.
type Driver struct {
	Config  *Config
	Stages  Stages
	Options Options

	runDir   string
	env      Env
	say      io.Writer
	firstObs *time.Time // the first assimilation map's date, when there are maps
	start    time.Time
	end      time.Time
	flows    bool
	maps     bool
}

// RunDir returns the run's folder.
func (d *Driver) RunDir() string { return d.runDir }

// Run sets the run folder up and runs the requested stages in order.
func (d *Driver) Run() (err error) {
	c := d.Config
	o := d.Options
	d.say = o.Say
	if d.say == nil {
		d.say = io.Discard
	}
	if o.OutDir == "" {
		o.OutDir = "oftswa_runs"
	}
	out, err := filepath.Abs(o.OutDir)
	if err != nil {
		return err
	}
	d.Options.OutDir = out
	if strings.EqualFold(strings.TrimSpace(c.Run.DateEnd), "now") {
		now := o.Now
		if now.IsZero() {
			now = time.Now()
		}
		c.Run.DateEnd = now.UTC().Format(DateLayout)
		fmt.Fprintf(d.say, "==> date_end set to now: %s\n", c.Run.DateEnd)
	}
	s, err := ParseDate(c.Run.DateStart)
	if err != nil {
		return fmt.Errorf("run.date_start: %w", err)
	}
	e, err := ParseDate(c.Run.DateEnd)
	if err != nil {
		return fmt.Errorf("run.date_end: %w", err)
	}
	if !e.After(*s) {
		return fmt.Errorf("run.date_end %s is not after run.date_start %s", c.Run.DateEnd, c.Run.DateStart)
	}
	d.start, d.end = *s, *e
	d.runDir = filepath.Join(out, c.Run.RunName)
	if o.Overwrite {
		fmt.Fprintf(d.say, "==> Removing the run folder %s (-overwrite)\n", d.runDir)
		if err := os.RemoveAll(d.runDir); err != nil {
			return err
		}
	} else if _, err := os.Stat(d.runDir); err == nil {
		fmt.Fprintf(d.say, "==> The run %s exists: its finished stages are kept, the others continue\n", c.Run.RunName)
	}
	if err := os.MkdirAll(filepath.Join(d.runDir, ".goft-oft"), 0o755); err != nil {
		return err
	}
	yml, err := uniqueName(filepath.Join(d.runDir, c.Run.RunName), ".yaml")
	if err != nil {
		return err
	}
	merged, err := c.Marshal()
	if err != nil {
		return err
	}
	if err := output.WriteFileAtomic(yml, func(w io.Writer) error { _, err := w.Write(merged); return err }); err != nil {
		return err
	}
	fmt.Fprintf(d.say, "==> Run folder %s, parameters in %s\n", d.runDir, filepath.Base(yml))
	logName, err := uniqueName(filepath.Join(d.runDir, "oftswa"), ".log")
	if err != nil {
		return err
	}
	errName, err := uniqueName(filepath.Join(d.runDir, "oftswa"), ".err")
	if err != nil {
		return err
	}
	logf, err := os.Create(logName)
	if err != nil {
		return err
	}
	defer logf.Close()
	errf, err := os.Create(errName)
	if err != nil {
		return err
	}
	defer errf.Close()
	d.env = Env{Out: logf, Err: errf, Terminal: o.Terminal}
	if c.Run.OMPNumThreads.Set {
		fmt.Fprintf(d.say, "==> Threads per process: %d (run.omp_num_threads)\n", c.Run.OMPNumThreads.Value)
	}

	steps := []struct {
		name string
		run  func() error
	}{
		{"ConFlow", d.conflow},
		{"MagMAP", d.magmap},
		{"HipFT", d.hipft},
		{"post-processing (raw maps)", func() error { return d.post("raw") }},
		{"map processing", d.mapProcessing},
		{"post-processing (processed maps)", func() error { return d.post("processed") }},
	}
	for i, st := range steps {
		fmt.Fprintf(d.say, "[%d/%d] %s\n", i+1, len(steps), st.name)
		t0 := time.Now()
		if err := st.run(); err != nil {
			fmt.Fprintf(errf, "%s: %v\n", st.name, err)
			return fmt.Errorf("%s: %w", st.name, err)
		}
		fmt.Fprintf(logf, "%s: %.1f s\n", st.name, time.Since(t0).Seconds())
	}
	fmt.Fprintf(d.say, "==> OFT run complete: %s\n", d.runDir)
	return nil
}

// uniqueName returns base+ext, or base_1+ext, base_2+ext, ... the first
// that does not exist (oftswa.py's generate_unique_filename).
func uniqueName(base, ext string) (string, error) {
	for i := 0; ; i++ {
		name := base + ext
		if i > 0 {
			name = fmt.Sprintf("%s_%d%s", base, i, ext)
		}
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name, nil
		} else if err != nil {
			return "", err
		}
	}
}

// marker is the file saying stage finished.
func (d *Driver) marker(stage string) string {
	return filepath.Join(d.runDir, ".goft-oft", stage+".done")
}

func (d *Driver) done(stage string) bool {
	_, err := os.Stat(d.marker(stage))
	return err == nil
}

func (d *Driver) markDone(stage string) error {
	return output.WriteFileAtomic(d.marker(stage), func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s finished %s\n", stage, time.Now().UTC().Format(time.RFC3339))
		return err
	})
}

// clearStage removes a stage's folder (or link) and marker, for overwrite.
func (d *Driver) clearStage(stage, dir string) error {
	os.Remove(d.marker(stage))
	if fi, err := os.Lstat(dir); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return os.Remove(dir)
	}
	return os.RemoveAll(dir)
}

// clearDebris removes the temporary files that a killed attempt of a stage
// left in its folder dir (goft writes every file to NAME.tmp-* or
// .NAME.tmp-* and renames it), before the stage runs again. Links are not
// followed.
func clearDebris(dir string) error {
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !e.IsDir() && e.Type().IsRegular() && strings.Contains(e.Name(), ".tmp-") {
			return os.Remove(path)
		}
		return nil
	})
}

// link makes RUN/name a relative symbolic link to target (oftswa.py's use
// of an earlier run's stage).
func (d *Driver) link(name, target string) error {
	path := filepath.Join(d.runDir, name)
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 {
			fmt.Fprintf(d.say, "    ==> The link %s to the earlier run exists\n", name)
			return nil
		}
		return fmt.Errorf("%s exists and is not a link: remove it, or set hipft/conflow/magmap overwrite", path)
	}
	rel, err := filepath.Rel(d.runDir, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.say, "    ==> %s -> %s\n", name, rel)
	return os.Symlink(rel, path)
}

// conflowDat is OFT's conflow.dat (rsrc/conflow.dat of OFT 1.5.0: four
// weeks at a 15-minute cadence) on an np x nt grid, seeded when seed is set
// (goft's conflow.random_seed).
func conflowDat(np, nt int, seed Optional[int]) string {
	set, value := ".false.", 12345
	if seed.Set {
		set, value = ".true.", seed.Value
	}
	return fmt.Sprintf(`&conflow_input_parameters
!
! Written by goft oft (OFT's conflow.dat with the run's resolution).
!
  verbose = .true.
!
! ****** Output options.
!
  output_flows_on_uniform_grid = .false.
  output_flows_on_staggered_grid = .true.
  output_spectrum = .true.
  output_directory = '.'
!
! ****** Resolution.
!
  n_lat = %d
  n_long = %d
!
! ****** Time parameters (seconds).
!
  tmax = 2419200.0
  dtime = 900.0
!
! ****** Differential rotation coefficients (m/s).
!
  flow_dr_t0 = 46.0
  flow_dr_t1 = 0.
  flow_dr_t2 = -262.0
  flow_dr_t3 = 0.
  flow_dr_t4 = -379.0
!
! ****** Meridional flow coefficients (m/s).
!
  flow_mf_s0 = 0.
  flow_mf_s1 = 22.0
  flow_mf_s2 = 0.
  flow_mf_s3 = 11.0
  flow_mf_s4 = 0.
  flow_mf_s5 = -28.0
!
! ****** Parameter to modify spectrum.
!
  spectrum_mod_model = 2
  spectral_cutoff = 340.0
!
! ****** Random seed options.
!
  set_random_seed = %s
  random_seed_value = %d
/
`, nt, np, set, value)
}

func (d *Driver) conflow() error {
	c := d.Config
	dir := filepath.Join(d.runDir, "conflow")
	if name := c.Run.PreexistingConFlowRunName; name != "" {
		earlier := filepath.Join(d.Options.OutDir, name, "conflow")
		dat := filepath.Join(earlier, "conflow.dat")
		np, nt, err := conflowGrid(dat)
		if err != nil {
			return fmt.Errorf("run.preexisting_conflow_runname %q: %w", name, err)
		}
		if np != c.Run.MapResolution.NP || nt != c.Run.MapResolution.NT {
			return fmt.Errorf("run.preexisting_conflow_runname %q: its flows are %dx%d (n_long x n_lat in %s), the run's map_resolution is %dx%d", name, np, nt, dat, c.Run.MapResolution.NP, c.Run.MapResolution.NT)
		}
		d.flows = true
		return d.link("conflow", earlier)
	}
	if !c.ConFlow.Run {
		if _, err := os.Stat(filepath.Join(dir, "flow_output_list.csv")); err == nil {
			d.flows = true
			fmt.Fprintln(d.say, "    ==> ConFlow disabled; the run folder's flows are used")
			return nil
		}
		fmt.Fprintln(d.say, "    ==> WARNING: ConFlow disabled: the flux transport runs without convective flows")
		return nil
	}
	d.flows = true
	if c.ConFlow.Overwrite {
		if err := d.clearStage("conflow", dir); err != nil {
			return err
		}
	} else if d.done("conflow") {
		fmt.Fprintln(d.say, "    ==> Previous ConFlow run found")
		return nil
	}
	if d.Stages.ConFlow == nil {
		return errors.New("conflow.run is True, but this goft has no ConFlow stage")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := clearDebris(dir); err != nil {
		return err
	}
	dat := conflowDat(c.Run.MapResolution.NP, c.Run.MapResolution.NT, c.ConFlow.RandomSeed)
	if err := os.WriteFile(filepath.Join(dir, "conflow.dat"), []byte(dat), 0o644); err != nil {
		return err
	}
	if d.Options.DryRun {
		return nil
	}
	if err := d.Stages.ConFlow(d.env, dir); err != nil {
		return err
	}
	return d.markDone("conflow")
}

// conflowGrid reads n_long and n_lat from a conflow.dat.
func conflowGrid(path string) (np, nt int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	_, entries, err := namelist.Parse(f, path)
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		if len(e.Values) == 0 {
			continue
		}
		v, err := e.Values[0].Int()
		if err != nil {
			continue
		}
		switch e.Name {
		case "n_long":
			np = int(v)
		case "n_lat":
			nt = int(v)
		}
	}
	if np == 0 || nt == 0 {
		return 0, 0, fmt.Errorf("%s sets no n_long and n_lat", path)
	}
	return np, nt, nil
}

// magmapIndex is the index of a MagMAP run's maps.
func magmapIndex(magmapDir string) string {
	return filepath.Join(magmapDir, "magmap_data_maps", "index_files", "magmap_maps_all.csv")
}

// readIndex returns the first and last obs_datetime_utc of a MagMAP index
// and its first map's path.
func readIndex(path string) (first, last time.Time, firstMap string, err error) {
	maps, err := magmap.ReadMapIndex(path, "obs_datetime_utc")
	if err != nil {
		return
	}
	if len(maps) == 0 {
		err = fmt.Errorf("%s lists no maps", path)
		return
	}
	return maps[0].Date, maps[len(maps)-1].Date, maps[0].RelPath, nil
}

// useMaps checks a MagMAP run's index against the run's dates and grid and
// records its first date.
func (d *Driver) useMaps(magmapDir, what string) error {
	c := d.Config
	first, last, firstMap, err := readIndex(magmapIndex(magmapDir))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if first.After(d.start) {
		fmt.Fprintf(d.say, "    ==> NOTE: date_start %s is before the first MagMAP map (%s)\n", d.start.Format(DateLayout), first.Format(DateLayout))
	}
	if last.Before(d.end) {
		fmt.Fprintf(d.say, "    ==> NOTE: date_end %s is past the last MagMAP map (%s)\n", d.end.Format(DateLayout), last.Format(DateLayout))
	}
	m, err := psihdf.Read(filepath.Join(magmapDir, "magmap_data_maps", firstMap))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if len(m.Dims) < 2 || m.Dims[0] != c.Run.MapResolution.NP || m.Dims[1] != c.Run.MapResolution.NT {
		return fmt.Errorf("%s: its maps are %v (phi, theta), the run's map_resolution is %dx%d", what, m.Dims, c.Run.MapResolution.NP, c.Run.MapResolution.NT)
	}
	d.firstObs, d.maps = &first, true
	return nil
}

func (d *Driver) magmap() error {
	c := d.Config
	dir := filepath.Join(d.runDir, "magmap")
	if name := c.Run.PreexistingMagMAPRunName; name != "" {
		earlier := filepath.Join(d.Options.OutDir, name, "magmap")
		if _, err := os.Stat(earlier); err != nil {
			return fmt.Errorf("run.preexisting_magmap_runname %q: %w", name, err)
		}
		if err := d.link("magmap", earlier); err != nil {
			return err
		}
		return d.useMaps(dir, "run.preexisting_magmap_runname "+strconv.Quote(name))
	}
	if !c.MagMAP.Run {
		if _, err := os.Stat(magmapIndex(dir)); err == nil {
			fmt.Fprintln(d.say, "    ==> MagMAP disabled; the run folder's maps are used")
			return d.useMaps(dir, "magmap")
		}
		fmt.Fprintln(d.say, "    ==> WARNING: MagMAP disabled: the flux transport runs without data assimilation")
		return nil
	}
	switch {
	case c.MagMAP.Overwrite:
		if err := d.clearStage("magmap", dir); err != nil {
			return err
		}
	case d.done("magmap") && !c.MagMAP.Update:
		fmt.Fprintln(d.say, "    ==> Previous MagMAP run found")
		return d.useMaps(dir, "magmap")
	}
	if d.Stages.MagMAP == nil {
		return errors.New("magmap.run is True, but this goft has no MagMAP stage")
	}
	disks := filepath.Join(dir, "magmap_data_disks")
	maps := filepath.Join(dir, "magmap_data_maps")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if raw := c.MagMAP.RawDataDir; raw != "" {
		abs, err := filepath.Abs(raw)
		if err != nil {
			return err
		}
		if _, err := os.Lstat(disks); errors.Is(err, os.ErrNotExist) {
			rel, _ := filepath.Rel(dir, abs)
			if err := os.Symlink(rel, disks); err != nil {
				return err
			}
		}
	}
	if st, err := os.Stat(disks); err != nil || !st.IsDir() {
		return fmt.Errorf("no magnetograms in %s: goft does not download from JSOC (magmap_get_data.py); put the disks' FITS files there, or give magmap.raw_data_dir", disks)
	}
	if d.Options.DryRun {
		return nil
	}
	if err := clearDebris(maps); err != nil {
		return err
	}
	if err := d.Stages.MagMAP(d.env, disks, maps, d.start, d.end, c.Run.MapResolution.NP, c.Run.MapResolution.NT, c.MagMAP.Update); err != nil {
		return err
	}
	if err := d.markDone("magmap"); err != nil {
		return err
	}
	return d.useMaps(dir, "magmap")
}

func (d *Driver) hipft() error {
	c := d.Config
	dir := filepath.Join(d.runDir, "hipft")
	if !c.HipFT.Run {
		fmt.Fprintln(d.say, "    ==> HipFT disabled")
		return nil
	}
	if c.HipFT.Overwrite {
		if err := d.clearStage("hipft", dir); err != nil {
			return err
		}
	} else if d.done("hipft") {
		fmt.Fprintln(d.say, "    ==> Previous HipFT run found")
		return nil
	}
	if d.Stages.HipFT == nil {
		return errors.New("hipft.run is True, but this goft has no HipFT stage")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := clearDebris(dir); err != nil {
		return err
	}
	setup := HipFTSetup{Flows: d.flows, Assimilation: d.maps}
	if m := c.HipFT.InitialMapFilename; m != "" {
		name, err := d.initialMap(dir, m)
		if err != nil {
			return fmt.Errorf("hipft.initial_map_filename: %w", err)
		}
		setup.InitialMap = name
	} else {
		fmt.Fprintln(d.say, "    ==> WARNING: no hipft.initial_map_filename: the run starts from a zero map")
	}
	length := Hours(d.start, d.end)
	if d.firstObs != nil {
		setup.TimeStart = Hours(*d.firstObs, d.start)
	}
	setup.TimeEnd = setup.TimeStart + length
	fmt.Fprintf(d.say, "    ==> %g hours, model times %g to %g h\n", length, setup.TimeStart, setup.TimeEnd)
	in, err := c.HipFTInput(setup)
	if err != nil {
		return err
	}
	if err := output.WriteFileAtomic(filepath.Join(dir, "hipft.in"), func(w io.Writer) error { _, err := w.Write(in); return err }); err != nil {
		return err
	}
	nReal, err := countRealizations(in)
	if err != nil {
		return err
	}
	if c.Run.MPINumProcs > nReal {
		return fmt.Errorf("run.mpi_num_procs = %d is more than the %d realizations: set mpi_num_procs <= %d", c.Run.MPINumProcs, nReal, nReal)
	}
	if d.Options.DryRun {
		return nil
	}
	launch := strings.ReplaceAll(c.Run.MPIRunCommand, "<NP>", strconv.Itoa(c.Run.MPINumProcs))
	if err := d.Stages.HipFT(d.env, dir, c.Run.MPINumProcs, launch); err != nil {
		return err
	}
	return d.markDone("hipft")
}

// countRealizations reads n_realizations from a hipft.in's text.
func countRealizations(in []byte) (int, error) {
	_, entries, err := namelist.Parse(strings.NewReader(string(in)), "hipft.in")
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		if e.Name == "n_realizations" && len(e.Values) == 1 {
			v, err := e.Values[0].Int()
			return int(v), err
		}
	}
	return 1, nil
}

// initialMap copies the initial map into hipft/input_map (keeping its
// name), links it as input_map/br_input_map.h5 and checks its grid, as
// oftswa.py does; it returns the name hipft.in gives.
func (d *Driver) initialMap(dir, path string) (string, error) {
	c := d.Config
	src, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	m, err := psihdf.Read(src)
	if err != nil {
		return "", err
	}
	if len(m.Dims) < 2 || m.Dims[0] != c.Run.MapResolution.NP || m.Dims[1] != c.Run.MapResolution.NT {
		return "", fmt.Errorf("%s is %v (phi, theta); the run's map_resolution is %dx%d: give a map on the run's grid, or change map_resolution", path, m.Dims, c.Run.MapResolution.NP, c.Run.MapResolution.NT)
	}
	inDir := filepath.Join(dir, "input_map")
	if err := os.MkdirAll(inDir, 0o755); err != nil {
		return "", err
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(inDir, filepath.Base(src))
	if err := output.WriteFileAtomic(dst, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return "", err
	}
	ln := filepath.Join(inDir, "br_input_map.h5")
	if _, err := os.Lstat(ln); errors.Is(err, os.ErrNotExist) {
		if err := os.Symlink(filepath.Base(src), ln); err != nil {
			return "", err
		}
	}
	sum := sha256.Sum256(b)
	fmt.Fprintf(d.say, "    ==> Initial map %s (SHA-256 %s...)\n", path, hex.EncodeToString(sum[:6]))
	return "input_map/br_input_map.h5", nil
}

// datedLists writes hipft_output_map_list_utc.out and _tai.out of the run's
// map list into dir.
func (d *Driver) datedLists(dir string) error {
	list := filepath.Join(d.runDir, "hipft", "hipft_output_map_list.out")
	b, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	var utc, tai strings.Builder
	if err := WriteDatedMapLists(strings.NewReader(string(b)), d.start, &utc, &tai); err != nil {
		return fmt.Errorf("%s: %w", list, err)
	}
	for name, text := range map[string]string{"hipft_output_map_list_utc.out": utc.String(), "hipft_output_map_list_tai.out": tai.String()} {
		// A killed attempt may have left the list's temporary file: dir
		// is a folder of another stage (the maps'), whose own clean-up
		// has run before that attempt.
		if err := atomicfile.RemoveTemporaries(filepath.Join(dir, name)); err != nil {
			return err
		}
		if err := output.WriteFileAtomic(filepath.Join(dir, name), func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
			return err
		}
	}
	return nil
}

func (d *Driver) post(step string) error {
	c := d.Config
	hipftDir := filepath.Join(d.runDir, "hipft")
	maps := filepath.Join(hipftDir, "output_maps")
	hist := ""
	if step == "processed" {
		maps = filepath.Join(hipftDir, "processed_maps")
		hist = maps
	}
	if _, err := os.Stat(maps); err != nil {
		if step == "processed" && !c.OutputMapProcessing.Run {
			return nil
		}
		if c.HipFTPostProcess.Run {
			fmt.Fprintf(d.say, "    ==> Post-processing skipped: %s does not exist\n", maps)
		}
		return nil
	}
	if d.Options.DryRun {
		return nil
	}
	if !c.HipFTPostProcess.Run {
		if step == "raw" {
			fmt.Fprintln(d.say, "    ==> Adding dates to the map list")
			return d.datedLists(maps)
		}
		return nil
	}
	stage := "post_processing_" + step
	out := filepath.Join(d.runDir, stage)
	if c.HipFTPostProcess.Overwrite {
		if err := d.clearStage(stage, out); err != nil {
			return err
		}
	} else if d.done(stage) {
		fmt.Fprintf(d.say, "    ==> Previous %s found\n", stage)
		return nil
	}
	if d.Stages.Post == nil {
		return errors.New("hipft_post_process.run is True, but this goft has no post-processing stage")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := clearDebris(out); err != nil {
		return err
	}
	if err := d.datedLists(out); err != nil {
		return err
	}
	if err := d.datedLists(maps); err != nil {
		return err
	}
	if err := d.Stages.Post(d.env, out, hipftDir, maps, hist, d.start, c.HipFTPostProcess); err != nil {
		return err
	}
	return d.markDone(stage)
}

func (d *Driver) mapProcessing() error {
	c := d.Config
	if !c.OutputMapProcessing.Run {
		fmt.Fprintln(d.say, "    ==> Map processing disabled")
		return nil
	}
	hipftDir := filepath.Join(d.runDir, "hipft")
	processed := filepath.Join(hipftDir, "processed_maps")
	if c.OutputMapProcessing.Overwrite {
		if err := d.clearStage("output_map_processing", processed); err != nil {
			return err
		}
		os.RemoveAll(filepath.Join(hipftDir, "processed_maps_wsa"))
	} else if d.done("output_map_processing") {
		fmt.Fprintln(d.say, "    ==> Previous processed_maps found")
		return nil
	}
	if d.Stages.MapPrep == nil {
		return errors.New("output_map_processing.run is True, but this goft has no map-processing stage")
	}
	if d.Options.DryRun {
		return nil
	}
	for _, sub := range []string{"processed_maps", "processed_maps_wsa"} {
		if err := clearDebris(filepath.Join(hipftDir, sub)); err != nil {
			return err
		}
	}
	if err := d.Stages.MapPrep(d.env, hipftDir, c.OutputMapProcessing, c.HipFT.OutputMapCadenceHr); err != nil {
		return err
	}
	return d.markDone("output_map_processing")
}
