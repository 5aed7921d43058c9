package source

import "github.com/goft-sft/goft/hipft/input"

// configFromParams is the run driver's translation of hipft.in into a
// Config (hipft/run's sourceConfig; this package does not import
// hipft/input), for the tests that run HipFT's cases.
func configFromParams(p *input.Params, resolve func(string) string) Config {
	if resolve == nil {
		resolve = func(s string) string { return s }
	}
	c := Config{
		FromFile:       p.SourceFromFile,
		RFEModel:       p.SourceRfeModel,
		RFEFluxPerHour: p.SourceRfeTotalUnsignedFluxPerHours,
		RFELifetime:    p.SourceRfeLifetime,
		RFESeed:        p.SourceRfeSeed,
	}
	if p.SourceFromFile {
		c.Filename = resolve(p.SourceFilename)
	}
	return c
}
