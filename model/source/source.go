// Package source holds HipFT's source terms (hipft-model.md section 9): a
// source rate S (Gauss per hour) on the main mesh, rebuilt at the start of
// every step and applied as f += h*S during the flux-transport step.
//
// A source contribution is a Source. Sources are created by name from a
// Registry, which is how the two built-ins are made too (a static source
// read from a file, "file", and random flux emergence, "rfe"), so a user
// adds a source by writing a type with Name and Add methods and
// registering a factory for it (see docs/extending.md).
//
// S and the fields hold every realization in one slice in mesh layout:
// S[j + NThetaMain*(k + NPhiMain*r)] (0-based theta row j, phi column k,
// realization r), ghost columns included: mesh.Mesh.Layout(field.Center,
// nReal).
package source

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/registry"
)

// Source is one additive contribution to the source rate.
type Source interface {
	// Name is the name the source is registered under.
	Name() string
	// Add adds the source rate (G/hr) at time t (hours, the start of the
	// step) to s, every realization and every main-mesh point (ghost
	// columns included: Apply does not reset the periodic columns). Add
	// runs every step and should not allocate; an error is fatal to the run.
	Add(s []float64, t float64) error
}

// Scheduled is implemented by sources that change abruptly at known times,
// like the RFE frame swaps. The driver clips its step so that it does not
// go past NextSwapTime.
type Scheduled interface {
	// NextSwapTime returns the time (hours) of the next change and the
	// longest step (hours) the driver may take when a step would reach or
	// pass it: the clipped step is min(next - time, maxDt).
	NextSwapTime() (next, maxDt float64)
}

// Framed is implemented by sources whose rate is a weighted sum of frames
// that change only now and then (the file source: its map, weight 1; the
// RFE: R1 and R2, weights 1-alpha and alpha), so that a device backend can
// keep the frames on the device and form the rate there every step
// instead of receiving S.
type Framed interface {
	// AppendTerms does what Add(s, t) does to the source's state and
	// appends to dst, instead of adding to s, the terms whose sum Add
	// would add: at every point i Add adds Weight*Data[i mod len(Data)]
	// of each term, in order (s + w1*D1 + w2*D2, left to right, giving
	// the same bits).
	AppendTerms(dst []Term, t float64) ([]Term, error)
}

// A Term is one frame of a Framed source's rate and its weight.
type Term struct {
	// Data is the frame (G/hr, mesh layout): one realization, the same for
	// every realization, or every realization. The caller must not modify
	// it.
	Data []float64
	// Weight multiplies Data.
	Weight float64
	// Version identifies Data's values: for the same Data slice it
	// changes whenever the values change (a new frame, a restored
	// checkpoint), so a device copy can be kept until then.
	Version uint64
}

// Setup is what a source factory receives.
type Setup struct {
	Mesh      *mesh.Mesh // the mesh of the run
	NReal     int        // number of realizations
	TimeStart float64    // hours (time_start): the RFE clock starts here
	// Config holds HipFT's source parameters; built-ins read them, user
	// sources may ignore it.
	Config *Config
}

// Factory creates a source for a run.
type Factory = func(s *Setup) (Source, error)

// Registry maps source names to factories (see package registry). Build it
// before the run starts.
type Registry = registry.Registry[*Setup, Source]

// Names of the built-in sources, in HipFT's order of contribution.
const (
	SourceFile = "file" // static source from a file (source_from_file)
	SourceRFE  = "rfe"  // random flux emergence (source_rfe_model 1 or 2)
)

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return registry.New[*Setup, Source]("source") }

// DefaultRegistry returns a registry holding the built-in sources; their
// factories take their parameters from Setup.Config.
func DefaultRegistry() *Registry {
	r := NewRegistry()
	r.MustRegister(SourceFile, func(s *Setup) (Source, error) {
		return NewFileSource(s.Mesh, s.NReal, s.Config.Filename)
	})
	r.MustRegister(SourceRFE, func(s *Setup) (Source, error) {
		c := s.Config
		return NewRFE(s.Mesh, s.NReal, RFEConfig{Model: c.RFEModel, FluxPerHour: c.RFEFluxPerHour,
			Lifetime: c.RFELifetime, Seed: c.RFESeed}, s.TimeStart)
	})
	return r
}

// Config holds HipFT's source parameters (namelist names in comments),
// already processed.
type Config struct {
	FromFile bool   // source_from_file
	Filename string // source_filename, resolved against the run directory

	// RFEModel is source_rfe_model: 0 off, 1 (flux per cell) or 2 (flux
	// per area).
	RFEModel int
	// RFEFluxPerHour is source_rfe_total_unsigned_flux_per_hours: the
	// unsigned flux emerging per hour, in units of 1e21 Mx/hr, one value
	// per realization.
	RFEFluxPerHour []float64
	RFELifetime    float64 // source_rfe_lifetime, hours between frames
	RFESeed        int     // source_rfe_seed; -9999 seeds from the system

	// Extra lists registered sources (goft extensions) added after the
	// built-ins, in this order.
	Extra []string
}

// Names returns the sources the configuration enables, in HipFT's order
// (file, then RFE), followed by Extra.
func (c *Config) Names() []string {
	var n []string
	if c.FromFile {
		n = append(n, SourceFile)
	}
	if c.RFEModel != 0 {
		n = append(n, SourceRFE)
	}
	return append(n, c.Extra...)
}

// Sources is the configured list of sources and the rate array S. It is
// HipFT's update_source (Update) and source_step (Apply).
type Sources struct {
	// S is the source rate (G/hr) of every realization in mesh layout, as
	// of the last Update.
	S []float64

	m      *mesh.Mesh
	nReal  int
	models []Source
	terms  []Term // Terms' result, reused
}

// FromConfig creates the sources cfg enables, from reg (nil:
// DefaultRegistry()), for nReal realizations on m, with the RFE clock
// starting at timeStart (hours). Frames and file data are prepared here.
func FromConfig(cfg *Config, reg *Registry, m *mesh.Mesh, nReal int, timeStart float64) (*Sources, error) {
	if reg == nil {
		reg = DefaultRegistry()
	}
	s := &Setup{Mesh: m, NReal: nReal, TimeStart: timeStart, Config: cfg}
	var models []Source
	for _, name := range cfg.Names() {
		md, err := reg.New(name, s)
		if err != nil {
			return nil, err
		}
		models = append(models, md)
	}
	return New(m, nReal, models...)
}

// New returns a Sources summing the given sources in order.
func New(m *mesh.Mesh, nReal int, models ...Source) (*Sources, error) {
	if m == nil || nReal < 1 {
		return nil, fmt.Errorf("source: need a mesh and at least one realization")
	}
	return &Sources{S: make([]float64, m.Layout(field.Center, nReal).Len()), m: m, nReal: nReal, models: models}, nil
}

// Models returns the sources in order of contribution.
func (s *Sources) Models() []Source { return s.models }

// Update rebuilds S for a step starting at time t (hours): S = 0, then
// every source adds its rate in order. Call it in the update phase of
// every step, before the time step is chosen (the RFE may swap frames
// here, which moves NextSwapTime).
func (s *Sources) Update(t float64) error {
	clear(s.S)
	for _, md := range s.models {
		if err := md.Add(s.S, t); err != nil {
			return fmt.Errorf("source %s: %w", md.Name(), err)
		}
	}
	return nil
}

// Terms is Update for a backend that forms the rate itself (on a device):
// when every source is Framed, it advances them to time t as Update does
// and returns their terms in order, the rate being their weighted sum (S
// is then not updated); ok is false, and nothing is done, when some source
// is not Framed. The returned slice is reused by the next call.
func (s *Sources) Terms(t float64) (terms []Term, ok bool, err error) {
	for _, md := range s.models {
		if _, is := md.(Framed); !is {
			return nil, false, nil
		}
	}
	s.terms = s.terms[:0]
	for _, md := range s.models {
		if s.terms, err = md.(Framed).AppendTerms(s.terms, t); err != nil {
			return nil, true, fmt.Errorf("source %s: %w", md.Name(), err)
		}
	}
	return s.terms, true, nil
}

// Apply advances f (Gauss, every realization, mesh layout) by h hours of
// the source: f += h*S at every point, ghosts included, with no periodic
// fix afterwards (HipFT's source_step). Under Strang splitting the driver
// calls it with h = dt/2 before and after the transport, without an Update
// in between.
func (s *Sources) Apply(f []float64, h float64) {
	S := s.S[:len(f)]
	for i, v := range S {
		f[i] += float64(h * v) // rounded product: no fused multiply-add
	}
}

// NextSwapTime returns the earliest change time (hours) of the Scheduled
// sources and the longest step allowed then, or ok false if none is
// scheduled (no RFE).
func (s *Sources) NextSwapTime() (next, maxDt float64, ok bool) {
	next = math.Inf(1)
	for _, md := range s.models {
		if sc, is := md.(Scheduled); is {
			n, mx := sc.NextSwapTime()
			if n < next {
				next, maxDt, ok = n, mx, true
			}
		}
	}
	return next, maxDt, ok
}

// ClipDt applies HipFT's "rfeswap" clip for every Scheduled source in
// order: if time+dt >= next, dt = min(next - time, maxDt). It returns the
// new dt and whether it clipped (the driver then sets reason "rfeswap"
// and marks the time step and the flow CFL for recomputation). Times are
// in hours.
func (s *Sources) ClipDt(time, dt float64) (float64, bool) {
	clipped := false
	for _, md := range s.models {
		if sc, is := md.(Scheduled); is {
			n, mx := sc.NextSwapTime()
			if time+dt >= n {
				dt = math.Min(n-time, mx)
				clipped = true
			}
		}
	}
	return dt, clipped
}
