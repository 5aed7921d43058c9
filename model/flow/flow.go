// Package flow builds HipFT's surface velocity field: flows read from files,
// the AFT meridional-flow and differential-rotation models, rigid rotation,
// a constant theta velocity, the experimental rotated rigid rotation, and the
// Br-dependent attenuation (hipft-model.md section 6).
//
// Velocities are in solar radii per hour (Rs/hr) on the unit sphere and
// live on HipFT's staggered mesh: vt (positive southward) on the theta half
// mesh and phi main mesh (field.ThetaFace), vp (positive eastward) on the
// theta main mesh and phi half mesh (field.PhiFace). One flat slice holds
// every realization, theta fastest: vt(j,k,r) is
// Vt[j + NThetaHalf*(k + NPhiMain*r)] and vp(j,k,r) is
// Vp[j + NThetaMain*(k + NPhiHalf*r)] (0-based indices), the indices
// Velocity.VtLayout and VpLayout compute.
//
// A flow contribution is a Model. Models are created by name from a
// Registry, which is how the built-in models are made too, so a user adds a
// model by writing a type with Name and Add methods and registering a
// factory for it (see docs/extending.md). Flows holds the configured model
// list and performs HipFT's "update flow" phase.
package flow

import (
	"fmt"

	"github.com/goft-sft/goft/internal/finite"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/registry"
)

// Velocity holds vt and vp (Rs/hr) of every realization in the layout
// described in the package documentation.
type Velocity struct {
	NReal int       // number of realizations
	Vt    []float64 // theta velocity, len NThetaHalf*NPhiMain*NReal
	Vp    []float64 // phi velocity, len NThetaMain*NPhiHalf*NReal

	vt, vp field.Layout
}

// NewVelocity returns a zero velocity field for nReal realizations on m.
func NewVelocity(m *mesh.Mesh, nReal int) *Velocity {
	vt, vp := m.Layout(field.ThetaFace, nReal), m.Layout(field.PhiFace, nReal)
	return &Velocity{NReal: nReal, Vt: make([]float64, vt.Len()), Vp: make([]float64, vp.Len()), vt: vt, vp: vp}
}

// VtLayout returns the layout of Vt: field.ThetaFace, NThetaHalf x
// NPhiMain x NReal.
func (v *Velocity) VtLayout() field.Layout { return v.vt }

// VpLayout returns the layout of Vp: field.PhiFace, NThetaMain x NPhiHalf
// x NReal.
func (v *Velocity) VpLayout() field.Layout { return v.vp }

// firstNonFinite returns the component ("vt" or "vp") and index of the
// first NaN or infinite value of v; bad is false when there is none.
func (v *Velocity) firstNonFinite() (comp string, i int, bad bool) {
	if i := finite.First(v.Vt); i >= 0 {
		return "vt", i, true
	}
	if i := finite.First(v.Vp); i >= 0 {
		return "vp", i, true
	}
	return "", 0, false
}

// VtIndex returns the index in Vt of the theta face j (0..NThetaHalf-1),
// phi main point k and realization r, VtLayout().Index(j, k, r). It panics
// with field.ErrPoint if a coordinate is out of range.
func (v *Velocity) VtIndex(j, k, r int) int { return v.vt.Index(j, k, r) }

// VpIndex returns the index in Vp of the theta main point j, phi face k
// (0..NPhiHalf-1) and realization r, VpLayout().Index(j, k, r). It panics
// with field.ErrPoint if a coordinate is out of range.
func (v *Velocity) VpIndex(j, k, r int) int { return v.vp.Index(j, k, r) }

// Zero sets every vt and vp value to 0 (ghosts included).
func (v *Velocity) Zero() {
	clear(v.Vt)
	clear(v.Vp)
}

// Matches reports whether v was made for mesh m and nReal realizations.
func (v *Velocity) Matches(m *mesh.Mesh, nReal int) bool {
	return v.NReal == nReal && v.vt == m.Layout(field.ThetaFace, nReal) && v.vp == m.Layout(field.PhiFace, nReal) &&
		len(v.Vt) == v.vt.Len() && len(v.Vp) == v.vp.Len()
}

// Model is one additive contribution to the velocity field.
type Model interface {
	// Name is the name the model is registered under.
	Name() string
	// Add adds the model's velocity (Rs/hr) at time t (hours) to v for
	// every realization. Add must not allocate if it is to be used every
	// step; an error is fatal to the run.
	Add(v *Velocity, m *mesh.Mesh, t float64) error
}

// TimeDependent is implemented by models whose velocity changes with time.
// When any model reports true, Flows recomputes the velocity at every step
// (as HipFT does for flows from files).
type TimeDependent interface {
	TimeDependent() bool
}

// Scheduled is implemented by models whose velocity jumps at known times,
// such as flows from files. The run clips its time step so that a step ends
// exactly at NextTime (hours), HipFT's time_of_next_input_flow.
type Scheduled interface {
	NextTime() float64
}

// Setup is what a model factory receives.
type Setup struct {
	Mesh      *mesh.Mesh // the mesh of the run
	NReal     int        // number of realizations
	TimeStart float64    // hours (time_start)
	// Config holds the HipFT flow parameters of the run. Built-in models read
	// their coefficients from it; user models may ignore it.
	Config *Config
}

// Factory creates a flow model for a run.
type Factory = func(s *Setup) (Model, error)

// Registry maps flow model names to factories (see package registry). Build it
// before the run starts.
type Registry = registry.Registry[*Setup, Model]

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return registry.New[*Setup, Model]("flow model") }

// Names of the built-in models, in HipFT's order of contribution.
const (
	ModelFiles         = "files"         // flows from files (use_flow_from_files)
	ModelMeridional    = "mf_aft"        // AFT meridional flow (flow_mf_model = 1)
	ModelDiffRotation  = "dr_aft"        // AFT differential rotation (flow_dr_model = 1)
	ModelRigidRotation = "vp_rigid"      // rigid rotation (flow_vp_rigid_omega)
	ModelConstVt       = "vt_const"      // constant theta velocity (flow_vt_const)
	ModelRotatedRigid  = "rigid_rotated" // rotated rigid rotation (flow_rigid_omega)
)

// ModelParam returns the HipFT input parameter that turns on built-in
// model name (e.g. "flow_rigid_omega" for ModelRotatedRigid), or "" for
// any other model.
func ModelParam(name string) string {
	switch name {
	case ModelFiles:
		return "use_flow_from_files"
	case ModelMeridional:
		return "flow_mf_model"
	case ModelDiffRotation:
		return "flow_dr_model"
	case ModelRigidRotation:
		return "flow_vp_rigid_omega"
	case ModelConstVt:
		return "flow_vt_const"
	case ModelRotatedRigid:
		return "flow_rigid_omega"
	}
	return ""
}

// DefaultRegistry returns a registry holding the built-in models. Their
// factories take their parameters from Setup.Config.
func DefaultRegistry() *Registry {
	r := NewRegistry()
	r.MustRegister(ModelFiles, func(s *Setup) (Model, error) {
		if s.Config.Pairs != nil {
			return NewSourceFlow(s.Mesh, s.Config.PairList, s.Config.Pairs, s.TimeStart)
		}
		return NewFileFlow(s.Mesh, s.Config.ListFile, s.Config.RootDir, s.TimeStart)
	})
	r.MustRegister(ModelMeridional, func(s *Setup) (Model, error) {
		c := s.Config
		if err := checkPerReal(s.NReal, "flow_mf_coef_p1_values", c.MFP1, "flow_mf_coef_p3_values", c.MFP3, "flow_mf_coef_p5_values", c.MFP5); err != nil {
			return nil, err
		}
		return &MeridionalAFT{P1: c.MFP1, P3: c.MFP3, P5: c.MFP5}, nil
	})
	r.MustRegister(ModelDiffRotation, func(s *Setup) (Model, error) {
		c := s.Config
		if err := checkPerReal(s.NReal, "flow_dr_coef_p0_values", c.DRP0, "flow_dr_coef_p2_values", c.DRP2, "flow_dr_coef_p4_values", c.DRP4); err != nil {
			return nil, err
		}
		return &DiffRotationAFT{P0: c.DRP0, P2: c.DRP2, P4: c.DRP4}, nil
	})
	r.MustRegister(ModelRigidRotation, func(s *Setup) (Model, error) {
		return &RigidRotation{Omega: s.Config.VpRigidOmega}, nil
	})
	r.MustRegister(ModelConstVt, func(s *Setup) (Model, error) {
		return &ConstVt{V: s.Config.VtConst}, nil
	})
	r.MustRegister(ModelRotatedRigid, func(s *Setup) (Model, error) {
		return &RotatedRigidRotation{Omega: s.Config.RigidOmega}, nil
	})
	return r
}

func checkPerReal(nReal int, kv ...any) error {
	for i := 0; i < len(kv); i += 2 {
		name, vals := kv[i].(string), kv[i+1].([]float64)
		if len(vals) < nReal {
			return fmt.Errorf("flow: %s has %d values, need one per realization (%d)", name, len(vals), nReal)
		}
	}
	return nil
}

// Config holds HipFT's flow input parameters (namelist names in comments),
// already processed: per-realization slices hold one value per realization
// with the scalar defaults of hipft-model.md section 2.3 applied, and the
// validation-run overrides of section 4.5 applied to VpRigidOmega and
// VtConst.
type Config struct {
	UseFiles bool   // use_flow_from_files
	ListFile string // flow_list_filename
	RootDir  string // flow_root_dir ("" means ".")
	// Pairs, if set, gives the flow pairs in-line instead of the files of
	// ListFile, with the list PairList (a goft extension).
	Pairs    PairSource
	PairList []ListEntry

	MFModel          int       // flow_mf_model (1 = AFT)
	MFP1, MFP3, MFP5 []float64 // flow_mf_coef_p1/p3/p5_values (m/s), per realization
	DRModel          int       // flow_dr_model (1 = AFT)
	DRP0, DRP2, DRP4 []float64 // flow_dr_coef_p0/p2/p4_values (m/s), per realization

	VpRigidOmega float64 // flow_vp_rigid_omega: equatorial speed (km/s)
	VtConst      float64 // flow_vt_const (km/s)
	RigidOmega   float64 // flow_rigid_omega (km/s)

	Attenuate       bool      // flow_attenuate
	AttenuateValues []float64 // flow_attenuate_values (Gauss), per realization

	// Extra lists registered models (goft extensions) added after the
	// built-ins and before attenuation, in this order.
	Extra []string
}

// ModelNames returns the models the configuration enables, in HipFT's
// order of contribution (section 6.1), followed by Extra.
func (c *Config) ModelNames() []string {
	var n []string
	if c.UseFiles {
		n = append(n, ModelFiles)
	}
	if c.MFModel == 1 {
		n = append(n, ModelMeridional)
	}
	if c.DRModel == 1 {
		n = append(n, ModelDiffRotation)
	}
	if c.VpRigidOmega != 0 {
		n = append(n, ModelRigidRotation)
	}
	if c.VtConst != 0 {
		n = append(n, ModelConstVt)
	}
	if c.RigidOmega != 0 {
		n = append(n, ModelRotatedRigid)
	}
	return append(n, c.Extra...)
}
