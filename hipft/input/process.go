package input

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// Process checks the parameters and applies HipFT's processing (model
// reference section 2.3), in place:
//
//   - every check of validate (HipFT's fatal errors plus goft's own); if any
//     fails, Process returns them all as an ErrorList and changes nothing;
//   - an initial map together with res_nt*res_np > 0 gives a warning and
//     resets ResNt and ResNp to 0;
//   - each per-realization slice is cut (or extended) to NRealizations
//     elements, and every element still unset (< 0, or < -100000 for the
//     flow_dr/flow_mf coefficients; missing elements count as unset) takes
//     the scalar value.
//
// Process may be called on Params built in code from Defaults. Calling it
// again is harmless.
func (p *Params) Process(opt Options) error {
	if p.Set == nil {
		p.Set = map[string]bool{}
	}
	if errs := p.validate(opt); len(errs) > 0 {
		return sortedErrors(errs)
	}
	if !blank(p.InitialMapFilename) && p.ResNp*p.ResNt > 0 {
		p.warn("res_nt", "initial_map_filename is set, so res_nt = %d and res_np = %d are ignored: the map's own grid is used (HipFT does not interpolate)", p.ResNt, p.ResNp)
		p.ResNt, p.ResNp = 0, 0
	}
	if p.OutputFlows && p.NRealizations > 1 {
		p.warn("output_flows", "output_flows is on but n_realizations = %d: HipFT writes flow files only for a single realization", p.NRealizations)
	}
	for _, par := range p.table() {
		if par.arr == nil {
			continue
		}
		scalar, _ := p.lookup(par.arr.scalar)
		sv := *scalar.ptr.(*float64)
		in := *par.ptr.(*[]float64)
		out := make([]float64, p.NRealizations)
		for i := range out {
			v := par.arr.marker
			if i < len(in) {
				v = in[i]
			}
			if v < par.arr.threshold {
				v = sv
			}
			out[i] = v
		}
		*par.ptr.(*[]float64) = out
	}
	return nil
}

func (p *Params) warn(name, format string, a ...any) {
	p.Warnings = append(p.Warnings, p.Where(name)+": "+fmt.Sprintf(format, a...))
}

// validate makes every check on the parameters and returns all failures.
// All of goft's input validation is here.
func (p *Params) validate(opt Options) ErrorList {
	var errs ErrorList
	bad := func(name, format string, a ...any) {
		errs = append(errs, &Error{File: p.File, Line: p.lines[name], Param: name, Msg: fmt.Sprintf(format, a...)})
	}
	// lineOf picks the parameter to blame among several: the first one the
	// file set, else the first.
	lineOf := func(names ...string) string {
		for _, n := range names {
			if p.lines[n] > 0 {
				return n
			}
		}
		return names[0]
	}

	// Realizations and the per-realization arrays.
	n := p.NRealizations
	nOK := true
	switch {
	case n < 1:
		bad("n_realizations", "n_realizations = %d must be at least 1", n)
		nOK = false
	case n > MaxRealizations:
		bad("n_realizations", "n_realizations = %d is more than the maximum of %d realizations (HipFT's MAX_REALIZATIONS)", n, MaxRealizations)
		nOK = false
	}
	if nOK {
		nDesc := fmt.Sprintf("n_realizations = %d", n)
		if p.lines["n_realizations"] == 0 {
			nDesc += " (the default)"
		}
		for _, par := range p.table() {
			if par.arr == nil {
				continue
			}
			if c, ok := p.counts[par.name]; ok && c != n {
				bad(par.name, "%s has %d value%s but %s: give exactly one value per realization (or set %s to use one value for all)", par.name, c, plural(c), nDesc, par.arr.scalar)
			} else if m := p.maxIndex[par.name]; m > n {
				bad(par.name, "%s sets element %d but %s: elements must not go beyond the number of realizations", par.name, m, nDesc)
			}
		}
	}

	// The grid.
	if blank(p.InitialMapFilename) && (p.ResNt < 3 || p.ResNp < 3) {
		bad(lineOf("res_nt", "res_np"), "no initial map and res_nt = %d, res_np = %d: set initial_map_filename, or set res_nt and res_np (each at least 3) to build a grid for a validation run", p.ResNt, p.ResNp)
	}

	// Time.
	if p.TimeEnd < p.TimeStart {
		bad(lineOf("time_end", "time_start"), "time_end = %g is before time_start = %g (a negative run length): set time_end >= time_start (both in hours)", p.TimeEnd, p.TimeStart)
	}
	if !(p.DtMax > 0) {
		bad("dt_max", "dt_max = %g must be positive (it is the largest time step, in hours)", p.DtMax)
	}
	if !(p.DtMin >= 0) {
		bad("dt_min", "dt_min = %g must not be negative (hours)", p.DtMin)
	}

	// Diffusion: a negative coefficient is anti-diffusion, which no
	// scheme can advance stably (HipFT does not check; its runs blow up).
	// Negative per-realization values mean "unset" (use the single value).
	if p.AdvanceDiffusion {
		usesScalar := false // does a realization fall back on diffusion_coef_constant?
		for i := 0; i < p.NRealizations; i++ {
			usesScalar = usesScalar || i >= len(p.DiffusionCoefConstants) || p.DiffusionCoefConstants[i] < 0
		}
		if usesScalar && p.DiffusionCoefConstant < 0 {
			bad("diffusion_coef_constant", "diffusion_coef_constant = %g must not be negative (km^2/s; a negative coefficient is anti-diffusion, which blows up)", p.DiffusionCoefConstant)
		}
		if p.DiffusionCoefFactor < 0 {
			bad("diffusion_coef_factor", "diffusion_coef_factor = %g must not be negative (it multiplies the diffusion coefficient; a negative one is anti-diffusion, which blows up)", p.DiffusionCoefFactor)
		}
	}

	// Output cadences.
	if p.OutputMapTimeCadence > 0 && p.OutputMapIdxCadence > 0 {
		bad(lineOf("output_map_time_cadence", "output_map_idx_cadence"), "output_map_time_cadence = %g and output_map_idx_cadence = %d cannot both be used: set one of them to 0 (HipFT stops with \"Cannot use both\")", p.OutputMapTimeCadence, p.OutputMapIdxCadence)
	}
	if p.OutputMapTimeCadence < 0 {
		bad("output_map_time_cadence", "output_map_time_cadence = %g must not be negative (hours; 0 turns time-based map output off)", p.OutputMapTimeCadence)
	}
	if p.OutputMapIdxCadence < 0 {
		bad("output_map_idx_cadence", "output_map_idx_cadence = %d must not be negative (steps; 0 turns step-based map output off)", p.OutputMapIdxCadence)
	}
	if p.OutputHistoryTimeCadence < 0 {
		bad("output_history_time_cadence", "output_history_time_cadence = %g must not be negative (hours; 0 writes history lines every step)", p.OutputHistoryTimeCadence)
	}

	// Method choices.
	if p.FlowNumMethod < 1 || p.FlowNumMethod > 4 {
		bad("flow_num_method", "flow_num_method = %d is not valid; valid values: 1 (FE+Upwind), 2 (SSPRK(3,3)+Upwind), 3 (SSPRK(3,3)+WENO3), 4 (SSPRK(4,3)+WENO3, the default)", p.FlowNumMethod)
	}
	if p.DiffusionNumMethod < 1 || p.DiffusionNumMethod > 3 {
		bad("diffusion_num_method", "diffusion_num_method = %d is not valid; valid values: 1 (explicit Euler), 2 (RKL2 super time-stepping), 3 (RKG2 super time-stepping, the default)", p.DiffusionNumMethod)
	}
	if p.DiffusionSubcycles < 0 {
		bad("diffusion_subcycles", "diffusion_subcycles = %d must not be negative (0 chooses the number of subcycles automatically)", p.DiffusionSubcycles)
	}
	if p.SourceRfeModel < 0 || p.SourceRfeModel > 2 {
		bad("source_rfe_model", "source_rfe_model = %d is not valid; valid values: 0 (no random flux emergence), 1 or 2", p.SourceRfeModel)
	}
	if p.SourceRfeModel > 0 && !(p.SourceRfeLifetime > 0) {
		bad(lineOf("source_rfe_lifetime", "source_rfe_model"), "source_rfe_lifetime = %g must be positive when source_rfe_model = %d (it is the time between random flux emergence frames, in hours)", p.SourceRfeLifetime, p.SourceRfeModel)
	}
	if p.ValidationRun < 0 || p.ValidationRun > 2 {
		bad("validation_run", "validation_run = %d is not valid; valid values: 0 (none), 1 (soccer-ball diffusion), 2 (Gaussian-blob advection)", p.ValidationRun)
	}

	// Input files.
	if !opt.SkipFileChecks {
		check := func(name, path string) {
			if msg := p.checkFile(name, path); msg != "" {
				bad(name, "%s", msg)
			}
		}
		need := func(name, feature string) {
			bad(lineOf(name, feature), "%s is on but %s is not set: give the file name", feature, name)
		}
		if !blank(p.InitialMapFilename) {
			check("initial_map_filename", p.InitialMapFilename)
		}
		if p.AdvanceDiffusion && !blank(p.DiffusionCoefFilename) {
			check("diffusion_coef_filename", p.DiffusionCoefFilename)
		}
		if p.AdvanceSource && p.SourceFromFile {
			if blank(p.SourceFilename) {
				need("source_filename", "source_from_file")
			} else {
				check("source_filename", p.SourceFilename)
			}
		}
		if p.AdvanceFlow && p.UseFlowFromFiles {
			if blank(p.FlowListFilename) {
				need("flow_list_filename", "use_flow_from_files")
			} else {
				check("flow_list_filename", p.FlowListFilename)
			}
		}
		if p.AssimilateData {
			if blank(p.AssimilateDataMapListFilename) {
				need("assimilate_data_map_list_filename", "assimilate_data")
			} else {
				check("assimilate_data_map_list_filename", p.AssimilateDataMapListFilename)
			}
		}
	}
	return errs
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// checkFile returns "" when path names a readable regular file, else a
// message. Relative paths are taken from the working directory, as HipFT
// does.
func (p *Params) checkFile(name, path string) string {
	fi, err := os.Stat(path)
	if err == nil {
		if fi.IsDir() {
			return fmt.Sprintf("%s: %q is a directory, not a file", name, path)
		}
		return ""
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%s: cannot use %q: %s", name, path, errText(err))
	}
	wd, _ := os.Getwd()
	msg := fmt.Sprintf("%s: file %q does not exist (relative paths are opened from the working directory, %s, as HipFT does, not from the input file's directory)", name, path, wd)
	if !filepath.IsAbs(path) && p.File != "" {
		dir := filepath.Dir(p.File)
		alt := filepath.Join(dir, path)
		if fi, err := os.Stat(alt); err == nil && !fi.IsDir() && dir != "." {
			msg += fmt.Sprintf("; there is such a file next to the input file: run from %s, or set %s = '%s'", dir, name, alt)
		}
	}
	return msg
}
