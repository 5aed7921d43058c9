package source

import "github.com/goft-sft/goft/hipft/input"

// ConfigFromParams builds the Config of processed parameters p (whose
// per-realization slices are those of the realizations to be run).
// resolve maps a file name of the parameters to the path to open; nil
// uses the names as they are. extra lists registered user sources.
func ConfigFromParams(p *input.Params, resolve func(string) string, extra []string) Config {
	if resolve == nil {
		resolve = func(s string) string { return s }
	}
	c := Config{
		FromFile:       p.SourceFromFile,
		RFEModel:       p.SourceRfeModel,
		RFEFluxPerHour: p.SourceRfeTotalUnsignedFluxPerHours,
		RFELifetime:    p.SourceRfeLifetime,
		RFESeed:        p.SourceRfeSeed,
		Extra:          extra,
	}
	if p.SourceFromFile {
		c.Filename = resolve(p.SourceFilename)
	}
	return c
}
