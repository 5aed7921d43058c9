package assim

import "github.com/goft-sft/goft/hipft/input"

// configFromParams is the run driver's translation of hipft.in into a
// Config (hipft/run's assimConfig; this package does not import
// hipft/input), for the tests that run HipFT's cases.
func configFromParams(p *input.Params, resolve func(string) string) Config {
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
