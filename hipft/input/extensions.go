package input

// goft's extensions of HipFT's namelist: parameters HipFT 1.19.3 does not
// have, read from the same &hipft_input_parameters group, named goft_...
// and off by default. A run that leaves them at their defaults is a HipFT
// run: they are not written to hipft_run_parameters_used.out, which HipFT
// then reads as it reads its own (docs/from-hipft.md, "goft's extensions").

// extensionTable lists the extensions. Their defaults (Defaults) are the
// zero values.
func (p *Params) extensionTable() []param {
	return []param{
		// Write each output map (output_map_time_cadence or
		// output_map_idx_cadence) as FITS too: see hipft/run's
		// writeFITSMap.
		{"goft_output_map_fits", &p.GoftOutputMapFITS, nil},
	}
}

// usedExtensions returns the extensions the run sets to a value other
// than the default, for the parameter dump.
func (p *Params) usedExtensions() []param {
	var used []param
	for _, x := range p.extensionTable() {
		if v, ok := x.ptr.(*bool); ok && *v {
			used = append(used, x)
		}
	}
	return used
}
