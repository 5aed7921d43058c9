package assim

import "github.com/goft-sft/goft/hipft/input"

// ConfigFromParams builds the Config of processed parameters p (whose
// per-realization slices are those of the realizations to be run, as
// input.Params.Subset leaves them). resolve maps a file name of the
// parameters to the path to open (the run driver resolves relative names
// against the run directory); nil uses the names as they are.
func ConfigFromParams(p *input.Params, resolve func(string) string) Config {
	if resolve == nil {
		resolve = func(s string) string { return s }
	}
	return Config{
		ListFile:     resolve(p.AssimilateDataMapListFilename),
		RootDir:      resolve(p.AssimilateDataMapRootDir),
		TimeStart:    p.TimeStart,
		BalanceFlux:  p.AssimilateDataBalanceFlux,
		MultFac:      p.AssimilateDataMultFac,
		Add:          p.AssimilateDataAdd,
		CustomFromMu: p.AssimilateDataCustomFromMu,
		MuPowers:     p.AssimilateDataMuPowers,
		MuLimits:     p.AssimilateDataMuLimits,
		LatLimits:    p.AssimilateDataLatLimits,
	}
}
