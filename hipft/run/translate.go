package run

import (
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/diffusion"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/source"
	"github.com/goft-sft/goft/model/validation"
)

// This file is the one place where HipFT's namelist (input.Params) becomes
// the physics packages' configuration values: model/flow, model/diffusion,
// model/source, model/assim and model/validation know nothing of
// hipft.in. Every function takes this process's parameters (per-realization
// lists cut to its share, as input.Params.Subset leaves them) and resolve,
// which maps a file name of the parameters to the path to open (relative
// names are resolved against the run directory).

// flowConfig is the flow models' configuration (load_flows). vtConst and
// vpOmega are flow_vt_const and flow_vp_rigid_omega after the validation
// overrides (km/s); extra names registered models added after HipFT's.
func flowConfig(p *input.Params, resolve func(string) string, vtConst, vpOmega float64, extra []string) flow.Config {
	return flow.Config{
		UseFiles: p.UseFlowFromFiles, ListFile: resolve(p.FlowListFilename), RootDir: resolve(p.FlowRootDir),
		MFModel: p.FlowMfModel, MFP1: p.FlowMfCoefP1Values, MFP3: p.FlowMfCoefP3Values, MFP5: p.FlowMfCoefP5Values,
		DRModel: p.FlowDrModel, DRP0: p.FlowDrCoefP0Values, DRP2: p.FlowDrCoefP2Values, DRP4: p.FlowDrCoefP4Values,
		VpRigidOmega: vpOmega, VtConst: vtConst, RigidOmega: p.FlowRigidOmega,
		Attenuate: p.FlowAttenuate, AttenuateValues: p.FlowAttenuateValues,
		Extra: extra,
	}
}

// diffusionSpec is the diffusion coefficient's specification without its
// file (load_diffusion reads diffusion_coef_filename into File).
func diffusionSpec(p *input.Params) diffusion.CoefSpec {
	return diffusion.CoefSpec{Constants: p.DiffusionCoefConstants, Grid: p.DiffusionCoefGrid, Factor: p.DiffusionCoefFactor}
}

// sourceConfig is the source terms' configuration (load_source); extra
// lists registered user sources.
func sourceConfig(p *input.Params, resolve func(string) string, extra []string) source.Config {
	c := source.Config{
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

// assimConfig is the data assimilation's configuration
// (load_data_assimilation).
func assimConfig(p *input.Params, resolve func(string) string) assim.Config {
	return assim.Config{
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

// validationConfig is the validation run's configuration (validation_run
// 0 gives a Config that sets no problem up).
func validationConfig(p *input.Params) validation.Config {
	return validation.Config{
		Run:       p.ValidationRun,
		TimeStart: p.TimeStart, TimeEnd: p.TimeEnd,
		DiffusionConstants: p.DiffusionCoefConstants, DiffusionFactor: p.DiffusionCoefFactor,
		Width:       p.ValidationRunWidth,
		FlowVtConst: p.FlowVtConst, FlowVpRigidOmega: p.FlowVpRigidOmega,
	}
}
