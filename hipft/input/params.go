// Package input reads, checks and writes HipFT's run parameters: the
// "&hipft_input_parameters" namelist of hipft.in (HipFT 1.19.3, all
// parameters, same defaults, same processing), the
// hipft_run_parameters_used.out dump and the hipft_realization_parameters.out
// table.
//
// Parse/ReadFile read a file and call Process, which applies HipFT's
// processing (section 2.3 of the model reference) and goft's extra
// validation: every problem is reported with the file, the line, the
// parameter and what to do, instead of a Fortran runtime error.
package input

import (
	"fmt"
	"math"
)

// MaxRealizations is HipFT's MAX_REALIZATIONS, the length of every
// per-realization input array and the largest allowed n_realizations.
const MaxRealizations = 2000

// MaxStringLen is the length of HipFT's character variables (file and
// directory names); longer values would be truncated by HipFT, so goft
// rejects them.
const MaxStringLen = 512

// OutputFlowsRootFilename is HipFT's output_flows_root_filename. It is not
// in the namelist, so it cannot be changed.
const OutputFlowsRootFilename = "hipft_flow"

// DiffKm2SToRs2Hr is HipFT's diff_km2_s_to_rs2_hr literal, converting
// km^2/s to Rs^2/hr, the default DiffusionCoefFactor. It is 4 ulp away
// from 3600/696000^2; use this literal.
const DiffKm2SToRs2Hr = 7.43162901307967e-09

// Unset markers of the per-realization arrays: an element below the
// threshold is "unset" and takes the scalar value during Process.
const (
	// UnsetValue is the initial value of most per-realization arrays;
	// elements < 0 count as unset.
	UnsetValue = -1.0
	// UnsetCoef is the initial value of the flow_dr_coef_p*_values and
	// flow_mf_coef_p*_values arrays; elements < -100000 count as unset.
	UnsetCoef = -1000000.0
	// UnsetCoefThreshold is the "unset" threshold of those arrays.
	UnsetCoefThreshold = -100000.0
)

// Params holds every HipFT input parameter, one Go field per namelist
// variable (the HipFT name is given in each comment).
//
// Per-realization slices (the *Values, *Constants, *Limits, *Powers and
// *Hours fields): as returned by Defaults and during parsing they have
// MaxRealizations elements at their unset markers (UnsetValue or
// UnsetCoef), like HipFT's arrays; after Process they hold exactly
// NRealizations elements, with each unset element replaced by the
// corresponding scalar.
type Params struct {
	// Verbose (verbose): 0 quiet, 1 diagnostics, >= 2 detailed output and
	// extra history lines.
	Verbose int

	// ResNt (res_nt): number of theta points (poles included) of the grid
	// built when there is no initial map. Reset to 0 when a map is given.
	ResNt int
	// ResNp (res_np): number of phi points (both 0 and 2pi included) of
	// the grid built when there is no initial map.
	ResNp int

	// NRealizations (n_realizations): number of realizations, 1 to
	// MaxRealizations.
	NRealizations int

	// InitialMapFilename (initial_map_filename): 2D or 3D PSI HDF5 Br map
	// (Gauss), opened relative to the working directory. "" for none.
	InitialMapFilename string
	// InitialMapFluxBalance (initial_map_flux_balance): multiplicatively
	// flux-balance the initial map.
	InitialMapFluxBalance bool
	// InitialMapMultFac (initial_map_mult_fac): factor applied to the
	// initial map (dimensionless).
	InitialMapMultFac float64

	// ValidationRun (validation_run): 0 none, 1 soccer-ball diffusion,
	// 2 Gaussian-blob advection.
	ValidationRun int
	// ValidationRunWidth (validation_run_width): width parameter w of the
	// validation-2 Gaussians, exp(-d^2/w) with d in radians (rad^2).
	ValidationRunWidth float64

	// TimeStart (time_start): start time of the run, hours.
	TimeStart float64
	// TimeEnd (time_end): end time of the run, hours.
	TimeEnd float64

	// OutputMapIdxStart (output_map_idx_start): index of the first output
	// map (written at time_start when a map cadence is set).
	OutputMapIdxStart int64
	// OutputMapDirectory (output_map_directory): directory of the output
	// maps.
	OutputMapDirectory string
	// OutputMapRootFilename (output_map_root_filename): root of the map
	// file names (<root>_idx######.h5, <root>_final.h5, ...).
	OutputMapRootFilename string
	// OutputMapIdxCadence (output_map_idx_cadence): write a map every N
	// steps; 0 = off.
	OutputMapIdxCadence int64
	// OutputMapTimeCadence (output_map_time_cadence): write a map every T
	// hours (also clips the time step); 0 = off.
	OutputMapTimeCadence float64
	// OutputMap2D (output_map_2d): with one realization, write 2D rather
	// than 3D maps.
	OutputMap2D bool
	// OutputMapFluxBalance (output_map_flux_balance): flux-balance the copy
	// of the map written to disk.
	OutputMapFluxBalance bool
	// OutputFlows (output_flows): also write vt and vp (m/s) at the map
	// cadence (one realization only).
	OutputFlows bool
	// OutputFlowsDirectory (output_flows_directory): directory of the flow
	// output files.
	OutputFlowsDirectory string
	// OutputHistoryTimeCadence (output_history_time_cadence): write history
	// lines every T hours; 0 = every step.
	OutputHistoryTimeCadence float64
	// OutputSinglePrecision (output_single_precision): write HDF5 maps as
	// float32.
	OutputSinglePrecision bool

	// DtMin (dt_min): smallest expected time step, hours (only triggers a
	// warning).
	DtMin float64
	// DtMax (dt_max): largest time step, hours (default math.MaxFloat64).
	DtMax float64
	// StrangSplitting (strang_splitting): use A(dt/2) D(dt) A(dt/2)
	// splitting.
	StrangSplitting bool
	// PoleFluxLatLimit (pole_flux_lat_limit): size of the polar caps of the
	// diagnostics, degrees of colatitude from each pole.
	PoleFluxLatLimit float64

	// AdvanceFlow (advance_flow): turn advection on.
	AdvanceFlow bool
	// FlowVpRigidOmega (flow_vp_rigid_omega): rigid rotation, adds
	// vp = omega*sin(theta); equatorial speed in km/s.
	FlowVpRigidOmega float64
	// FlowRigidOmega (flow_rigid_omega): experimental rigid rotation about
	// an axis through the equator, km/s.
	FlowRigidOmega float64
	// FlowVtConst (flow_vt_const): constant theta velocity added
	// everywhere, km/s.
	FlowVtConst float64
	// FlowAttenuate (flow_attenuate): attenuate the flows where |Br| is
	// large (flows are then recomputed every step).
	FlowAttenuate bool
	// FlowAttenuateValue (flow_attenuate_value): attenuation saturation
	// level, Gauss.
	FlowAttenuateValue float64
	// FlowAttenuateValues (flow_attenuate_values): per-realization
	// saturation levels, Gauss (unset: < 0).
	FlowAttenuateValues []float64
	// FlowDrModel (flow_dr_model): 1 = AFT differential rotation.
	FlowDrModel int
	// FlowDrCoefP0Value (flow_dr_coef_p0_value): AFT differential-rotation
	// coefficient p0, m/s.
	FlowDrCoefP0Value float64
	// FlowDrCoefP2Value (flow_dr_coef_p2_value): coefficient p2 of
	// cos^2(theta), m/s.
	FlowDrCoefP2Value float64
	// FlowDrCoefP4Value (flow_dr_coef_p4_value): coefficient p4 of
	// cos^4(theta), m/s.
	FlowDrCoefP4Value float64
	// FlowDrCoefP0Values (flow_dr_coef_p0_values): per-realization p0, m/s
	// (unset: < -100000).
	FlowDrCoefP0Values []float64
	// FlowDrCoefP2Values (flow_dr_coef_p2_values): per-realization p2, m/s
	// (unset: < -100000).
	FlowDrCoefP2Values []float64
	// FlowDrCoefP4Values (flow_dr_coef_p4_values): per-realization p4, m/s
	// (unset: < -100000).
	FlowDrCoefP4Values []float64
	// FlowMfModel (flow_mf_model): 1 = AFT meridional flow.
	FlowMfModel int
	// FlowMfCoefP1Value (flow_mf_coef_p1_value): AFT meridional-flow
	// coefficient p1 of cos(theta), m/s.
	FlowMfCoefP1Value float64
	// FlowMfCoefP3Value (flow_mf_coef_p3_value): coefficient p3 of
	// cos^3(theta), m/s.
	FlowMfCoefP3Value float64
	// FlowMfCoefP5Value (flow_mf_coef_p5_value): coefficient p5 of
	// cos^5(theta), m/s.
	FlowMfCoefP5Value float64
	// FlowMfCoefP1Values (flow_mf_coef_p1_values): per-realization p1, m/s
	// (unset: < -100000).
	FlowMfCoefP1Values []float64
	// FlowMfCoefP3Values (flow_mf_coef_p3_values): per-realization p3, m/s
	// (unset: < -100000).
	FlowMfCoefP3Values []float64
	// FlowMfCoefP5Values (flow_mf_coef_p5_values): per-realization p5, m/s
	// (unset: < -100000).
	FlowMfCoefP5Values []float64
	// UseFlowFromFiles (use_flow_from_files): read time-dependent flows
	// (m/s) from the files listed in FlowListFilename.
	UseFlowFromFiles bool
	// FlowListFilename (flow_list_filename): list of flow files, opened
	// relative to the working directory.
	FlowListFilename string
	// FlowRootDir (flow_root_dir): directory prepended ("dir/name") to the
	// flow file names of the list.
	FlowRootDir string
	// FlowNumMethod (flow_num_method): 1 FE+upwind, 2 SSPRK(3,3)+upwind,
	// 3 SSPRK(3,3)+WENO3, 4 SSPRK(4,3)+WENO3.
	FlowNumMethod int
	// WenoEps (weno_eps): WENO3 epsilon; <= 0 uses the local cell width
	// (radians).
	WenoEps float64
	// Upwind (upwind): upwinding coefficient of the upwind scheme (0 gives
	// central fluxes).
	Upwind float64

	// AdvanceDiffusion (advance_diffusion): turn diffusion on.
	AdvanceDiffusion bool
	// DiffusionCoefFilename (diffusion_coef_filename): 2D file of a
	// coefficient added to the constant (km^2/s with the default factor),
	// opened relative to the working directory. "" for none.
	DiffusionCoefFilename string
	// DiffusionCoefGrid (diffusion_coef_grid): add the grid-scale
	// coefficient dth^2 + (dph*sin(theta))^2.
	DiffusionCoefGrid bool
	// DiffusionCoefFactor (diffusion_coef_factor): multiplies the total
	// coefficient to give Rs^2/hr; the default DiffKm2SToRs2Hr makes the
	// coefficients km^2/s.
	DiffusionCoefFactor float64
	// DiffusionNumMethod (diffusion_num_method): 1 explicit Euler, 2 RKL2,
	// 3 RKG2 super time-stepping.
	DiffusionNumMethod int
	// DiffusionSubcycles (diffusion_subcycles): 0 automatic (PTL), N fixed
	// number of equal subcycles per diffusion step.
	DiffusionSubcycles int
	// DiffusionCoefConstant (diffusion_coef_constant): constant diffusion
	// coefficient, km^2/s (with the default factor).
	DiffusionCoefConstant float64
	// DiffusionCoefConstants (diffusion_coef_constants): per-realization
	// constant coefficients, km^2/s (unset: < 0).
	DiffusionCoefConstants []float64

	// AssimilateData (assimilate_data): turn data assimilation on.
	AssimilateData bool
	// AssimilateDataBalanceFlux (assimilate_data_balance_flux): flux-balance
	// the assimilation increment.
	AssimilateDataBalanceFlux bool
	// AssimilateDataMultFac (assimilate_data_mult_fac): factor applied to
	// the assimilated data (dimensionless).
	AssimilateDataMultFac float64
	// AssimilateDataMapListFilename (assimilate_data_map_list_filename):
	// list of assimilation maps, opened relative to the working directory.
	AssimilateDataMapListFilename string
	// AssimilateDataMapRootDir (assimilate_data_map_root_dir): directory
	// prepended ("dir/name") to the map names of the list.
	AssimilateDataMapRootDir string
	// AssimilateDataCustomFromMu (assimilate_data_custom_from_mu): use the
	// weights w = mu^power where mu > limit, else 0.
	AssimilateDataCustomFromMu bool
	// AssimilateDataMuPower (assimilate_data_mu_power): exponent of mu
	// (dimensionless).
	AssimilateDataMuPower float64
	// AssimilateDataMuPowers (assimilate_data_mu_powers): per-realization
	// exponents (unset: < 0).
	AssimilateDataMuPowers []float64
	// AssimilateDataLatLimit (assimilate_data_lat_limit): no assimilation
	// within this many degrees of colatitude of each pole; > 0 turns the
	// limit on.
	AssimilateDataLatLimit float64
	// AssimilateDataLatLimits (assimilate_data_lat_limits): per-realization
	// limits, degrees of colatitude (unset: < 0).
	AssimilateDataLatLimits []float64
	// AssimilateDataMuLimit (assimilate_data_mu_limit): weights are 0 where
	// mu <= this (dimensionless cosine).
	AssimilateDataMuLimit float64
	// AssimilateDataMuLimits (assimilate_data_mu_limits): per-realization
	// mu limits (unset: < 0).
	AssimilateDataMuLimits []float64
	// AssimilateDataAdd (assimilate_data_add): add w*data instead of
	// blending.
	AssimilateDataAdd bool

	// AdvanceSource (advance_source): turn the source terms on.
	AdvanceSource bool
	// SourceFromFile (source_from_file): add a static source read from
	// SourceFilename.
	SourceFromFile bool
	// SourceFilename (source_filename): 2D source file, Gauss/hour, opened
	// relative to the working directory.
	SourceFilename string
	// SourceRfeModel (source_rfe_model): random flux emergence model, 0 off,
	// 1 or 2.
	SourceRfeModel int
	// SourceRfeTotalUnsignedFluxPerHour
	// (source_rfe_total_unsigned_flux_per_hour): emerging unsigned flux,
	// units of 1e21 Mx/hour.
	SourceRfeTotalUnsignedFluxPerHour float64
	// SourceRfeTotalUnsignedFluxPerHours
	// (source_rfe_total_unsigned_flux_per_hours): per-realization values,
	// 1e21 Mx/hour (unset: < 0).
	SourceRfeTotalUnsignedFluxPerHours []float64
	// SourceRfeLifetime (source_rfe_lifetime): time between RFE frames,
	// hours.
	SourceRfeLifetime float64
	// SourceRfeSeed (source_rfe_seed): random seed; -9999 seeds from the
	// system (not reproducible).
	SourceRfeSeed int

	// GoftOutputMapFITS (goft_output_map_fits, a goft extension, see
	// extensions.go): also write each output map as FITS.
	GoftOutputMapFITS bool

	// File is the input file path, for messages.
	File string
	// Set records which parameters the file assigned (lowercase HipFT
	// names).
	Set map[string]bool
	// Warnings are non-fatal problems found while reading and processing
	// (for example a resolution given together with an initial map).
	Warnings []string

	lines    map[string]int // line of the last assignment of each name
	counts   map[string]int // values given in a whole-array assignment
	maxIndex map[string]int // largest element assigned (arrays)
}

// Defaults returns HipFT 1.19.3's defaults. The per-realization slices
// have MaxRealizations elements at their unset markers, as in HipFT before
// processing; call Process to fill them for NRealizations realizations.
func Defaults() Params {
	fill := func(v float64) []float64 {
		s := make([]float64, MaxRealizations)
		for i := range s {
			s[i] = v
		}
		return s
	}
	return Params{
		Verbose:               0,
		NRealizations:         1,
		InitialMapMultFac:     1.0,
		ValidationRunWidth:    0.03,
		TimeStart:             0.0,
		TimeEnd:               1.0,
		OutputMapIdxStart:     1,
		OutputMapDirectory:    "output_maps",
		OutputMapRootFilename: "hipft_brmap",
		OutputMap2D:           true,
		OutputFlowsDirectory:  "output_flows",
		OutputSinglePrecision: true,
		DtMin:                 1.0e-15,
		DtMax:                 math.MaxFloat64,
		PoleFluxLatLimit:      30.0,

		FlowAttenuateValue:  500.0,
		FlowAttenuateValues: fill(UnsetValue),
		FlowDrCoefP0Value:   46.0,
		FlowDrCoefP2Value:   -262.0,
		FlowDrCoefP4Value:   -379.0,
		FlowDrCoefP0Values:  fill(UnsetCoef),
		FlowDrCoefP2Values:  fill(UnsetCoef),
		FlowDrCoefP4Values:  fill(UnsetCoef),
		FlowMfCoefP1Value:   22.0,
		FlowMfCoefP3Value:   11.0,
		FlowMfCoefP5Value:   -28.0,
		FlowMfCoefP1Values:  fill(UnsetCoef),
		FlowMfCoefP3Values:  fill(UnsetCoef),
		FlowMfCoefP5Values:  fill(UnsetCoef),
		FlowListFilename:    "",
		FlowRootDir:         ".",
		FlowNumMethod:       4,
		Upwind:              1.0,
		WenoEps:             0.0,

		DiffusionCoefFactor:    DiffKm2SToRs2Hr,
		DiffusionNumMethod:     3,
		DiffusionSubcycles:     0,
		DiffusionCoefConstant:  0.0,
		DiffusionCoefConstants: fill(UnsetValue),

		AssimilateDataMultFac:    1.0,
		AssimilateDataMapRootDir: ".",
		AssimilateDataMuPower:    4.0,
		AssimilateDataMuPowers:   fill(UnsetValue),
		AssimilateDataLatLimit:   0.0,
		AssimilateDataLatLimits:  fill(UnsetValue),
		AssimilateDataMuLimit:    0.1,
		AssimilateDataMuLimits:   fill(UnsetValue),

		SourceRfeTotalUnsignedFluxPerHour:  0.0,
		SourceRfeTotalUnsignedFluxPerHours: fill(UnsetValue),
		SourceRfeSeed:                      -9999,
		SourceRfeLifetime:                  0.3,

		Set: map[string]bool{},
	}
}

// array describes a per-realization array parameter.
type array struct {
	scalar    string  // name of the scalar that fills unset elements
	threshold float64 // elements < threshold are unset
	marker    float64 // HipFT's initial ("unset") element value
}

var (
	arrUnset = func(scalar string) *array { return &array{scalar, 0, UnsetValue} }
	arrCoef  = func(scalar string) *array { return &array{scalar, UnsetCoefThreshold, UnsetCoef} }
)

// param binds a HipFT name to its field. ptr is *int (Fortran integer),
// *int64 (integer(8)), *float64, *bool, *string or *[]float64 (then arr is
// set).
type param struct {
	name string
	ptr  any
	arr  *array
}

// table lists the parameters in the order of HipFT 1.19.3's namelist
// (which is the order of hipft_run_parameters_used.out).
func (p *Params) table() []param {
	return []param{
		{"verbose", &p.Verbose, nil},
		{"res_nt", &p.ResNt, nil},
		{"res_np", &p.ResNp, nil},
		{"n_realizations", &p.NRealizations, nil},
		{"initial_map_filename", &p.InitialMapFilename, nil},
		{"initial_map_flux_balance", &p.InitialMapFluxBalance, nil},
		{"initial_map_mult_fac", &p.InitialMapMultFac, nil},
		{"validation_run", &p.ValidationRun, nil},
		{"validation_run_width", &p.ValidationRunWidth, nil},
		{"time_start", &p.TimeStart, nil},
		{"time_end", &p.TimeEnd, nil},
		{"output_map_idx_start", &p.OutputMapIdxStart, nil},
		{"output_map_directory", &p.OutputMapDirectory, nil},
		{"output_map_root_filename", &p.OutputMapRootFilename, nil},
		{"output_map_idx_cadence", &p.OutputMapIdxCadence, nil},
		{"output_map_time_cadence", &p.OutputMapTimeCadence, nil},
		{"output_map_2d", &p.OutputMap2D, nil},
		{"output_map_flux_balance", &p.OutputMapFluxBalance, nil},
		{"output_flows", &p.OutputFlows, nil},
		{"output_flows_directory", &p.OutputFlowsDirectory, nil},
		{"output_history_time_cadence", &p.OutputHistoryTimeCadence, nil},
		{"output_single_precision", &p.OutputSinglePrecision, nil},
		{"dt_min", &p.DtMin, nil},
		{"dt_max", &p.DtMax, nil},
		{"strang_splitting", &p.StrangSplitting, nil},
		{"pole_flux_lat_limit", &p.PoleFluxLatLimit, nil},
		{"advance_flow", &p.AdvanceFlow, nil},
		{"flow_vp_rigid_omega", &p.FlowVpRigidOmega, nil},
		{"flow_rigid_omega", &p.FlowRigidOmega, nil},
		{"flow_vt_const", &p.FlowVtConst, nil},
		{"flow_attenuate", &p.FlowAttenuate, nil},
		{"flow_attenuate_value", &p.FlowAttenuateValue, nil},
		{"flow_attenuate_values", &p.FlowAttenuateValues, arrUnset("flow_attenuate_value")},
		{"flow_dr_model", &p.FlowDrModel, nil},
		{"flow_dr_coef_p0_value", &p.FlowDrCoefP0Value, nil},
		{"flow_dr_coef_p2_value", &p.FlowDrCoefP2Value, nil},
		{"flow_dr_coef_p4_value", &p.FlowDrCoefP4Value, nil},
		{"flow_dr_coef_p0_values", &p.FlowDrCoefP0Values, arrCoef("flow_dr_coef_p0_value")},
		{"flow_dr_coef_p2_values", &p.FlowDrCoefP2Values, arrCoef("flow_dr_coef_p2_value")},
		{"flow_dr_coef_p4_values", &p.FlowDrCoefP4Values, arrCoef("flow_dr_coef_p4_value")},
		{"flow_mf_model", &p.FlowMfModel, nil},
		{"flow_mf_coef_p1_value", &p.FlowMfCoefP1Value, nil},
		{"flow_mf_coef_p3_value", &p.FlowMfCoefP3Value, nil},
		{"flow_mf_coef_p5_value", &p.FlowMfCoefP5Value, nil},
		{"flow_mf_coef_p1_values", &p.FlowMfCoefP1Values, arrCoef("flow_mf_coef_p1_value")},
		{"flow_mf_coef_p3_values", &p.FlowMfCoefP3Values, arrCoef("flow_mf_coef_p3_value")},
		{"flow_mf_coef_p5_values", &p.FlowMfCoefP5Values, arrCoef("flow_mf_coef_p5_value")},
		{"use_flow_from_files", &p.UseFlowFromFiles, nil},
		{"flow_list_filename", &p.FlowListFilename, nil},
		{"flow_root_dir", &p.FlowRootDir, nil},
		{"flow_num_method", &p.FlowNumMethod, nil},
		{"weno_eps", &p.WenoEps, nil},
		{"upwind", &p.Upwind, nil},
		{"advance_diffusion", &p.AdvanceDiffusion, nil},
		{"diffusion_coef_filename", &p.DiffusionCoefFilename, nil},
		{"diffusion_coef_grid", &p.DiffusionCoefGrid, nil},
		{"diffusion_coef_factor", &p.DiffusionCoefFactor, nil},
		{"diffusion_num_method", &p.DiffusionNumMethod, nil},
		{"diffusion_subcycles", &p.DiffusionSubcycles, nil},
		{"diffusion_coef_constant", &p.DiffusionCoefConstant, nil},
		{"diffusion_coef_constants", &p.DiffusionCoefConstants, arrUnset("diffusion_coef_constant")},
		{"assimilate_data", &p.AssimilateData, nil},
		{"assimilate_data_balance_flux", &p.AssimilateDataBalanceFlux, nil},
		{"assimilate_data_mult_fac", &p.AssimilateDataMultFac, nil},
		{"assimilate_data_map_list_filename", &p.AssimilateDataMapListFilename, nil},
		{"assimilate_data_map_root_dir", &p.AssimilateDataMapRootDir, nil},
		{"assimilate_data_custom_from_mu", &p.AssimilateDataCustomFromMu, nil},
		{"assimilate_data_mu_power", &p.AssimilateDataMuPower, nil},
		{"assimilate_data_mu_powers", &p.AssimilateDataMuPowers, arrUnset("assimilate_data_mu_power")},
		{"assimilate_data_lat_limit", &p.AssimilateDataLatLimit, nil},
		{"assimilate_data_lat_limits", &p.AssimilateDataLatLimits, arrUnset("assimilate_data_lat_limit")},
		{"assimilate_data_mu_limit", &p.AssimilateDataMuLimit, nil},
		{"assimilate_data_mu_limits", &p.AssimilateDataMuLimits, arrUnset("assimilate_data_mu_limit")},
		{"assimilate_data_add", &p.AssimilateDataAdd, nil},
		{"advance_source", &p.AdvanceSource, nil},
		{"source_from_file", &p.SourceFromFile, nil},
		{"source_filename", &p.SourceFilename, nil},
		{"source_rfe_model", &p.SourceRfeModel, nil},
		{"source_rfe_total_unsigned_flux_per_hour", &p.SourceRfeTotalUnsignedFluxPerHour, nil},
		{"source_rfe_total_unsigned_flux_per_hours", &p.SourceRfeTotalUnsignedFluxPerHours, arrUnset("source_rfe_total_unsigned_flux_per_hour")},
		{"source_rfe_lifetime", &p.SourceRfeLifetime, nil},
		{"source_rfe_seed", &p.SourceRfeSeed, nil},
	}
}

// Names returns the HipFT names of all namelist parameters, in namelist
// order.
func Names() []string {
	var p Params
	t := p.table()
	names := make([]string, len(t))
	for i, x := range t {
		names[i] = x.name
	}
	return names
}

func (p *Params) lookup(name string) (param, bool) {
	for _, x := range append(p.table(), p.extensionTable()...) {
		if x.name == name {
			return x, true
		}
	}
	return param{}, false
}

// Line returns the line of the input file where the named parameter (a
// lowercase HipFT name) was last set, or 0 when the file did not set it.
func (p *Params) Line(name string) int { return p.lines[name] }

// Where returns "file:line" for a parameter set in the input file, or just
// the file name otherwise; for messages about a parameter, such as an
// unreadable initial map.
func (p *Params) Where(name string) string {
	f := p.File
	if f == "" {
		f = "input"
	}
	if l := p.lines[name]; l > 0 {
		return f + ":" + itoa(l)
	}
	return f
}

// RealizationSlices returns pointers to every per-realization slice of p,
// in HipFT's namelist order.
func (p *Params) RealizationSlices() []*[]float64 {
	return []*[]float64{&p.FlowAttenuateValues,
		&p.FlowDrCoefP0Values, &p.FlowDrCoefP2Values, &p.FlowDrCoefP4Values,
		&p.FlowMfCoefP1Values, &p.FlowMfCoefP3Values, &p.FlowMfCoefP5Values,
		&p.DiffusionCoefConstants, &p.AssimilateDataMuPowers, &p.AssimilateDataLatLimits,
		&p.AssimilateDataMuLimits, &p.SourceRfeTotalUnsignedFluxPerHours}
}

// Subset returns a copy of processed parameters restricted to the count
// realizations starting at 0-based global index offset: every
// per-realization slice is copied and cut to that range. NRealizations is
// left at the global count.
func (p *Params) Subset(offset, count int) (*Params, error) {
	if offset < 0 || count < 1 || offset+count > p.NRealizations {
		return nil, fmt.Errorf("realizations %d..%d are outside 1..%d", offset+1, offset+count, p.NRealizations)
	}
	q := *p
	for _, s := range q.RealizationSlices() {
		if len(*s) < offset+count {
			return nil, fmt.Errorf("per-realization parameters are not processed (call Process first)")
		}
		*s = append([]float64(nil), (*s)[offset:offset+count]...)
	}
	return &q, nil
}
