package gpu

import (
	"math"
	"path/filepath"

	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/source"
)

// sourceCases are runs with source terms: the built-in RFE (two terms),
// the file source with the RFE under Strang splitting (three; the file
// source leaves the ghost column npm-1 without source, so the field is not
// periodic in phi), and, from a registry of test sources, a Framed source
// of five terms (two src_apply launches through the scratch sum) and a
// source that is not Framed (the rate S formed on the host and sent as one
// term).
var sourceCases = []struct {
	name, body string
	custom     bool
}{
	{"rfe_diffuse", `res_nt = 33
 res_np = 64
 n_realizations = 2
 time_end = 10.0
 dt_max = 0.7
 advance_diffusion = .true.
 diffusion_coef_constants = 300.0, 900.0
 advance_source = .true.
 source_rfe_model = 1
 source_rfe_total_unsigned_flux_per_hours = 2.0, 5.0
 source_rfe_lifetime = 2.5
 source_rfe_seed = 11`, false},
	{"file_rfe_strang_flow", `res_nt = 33
 res_np = 64
 n_realizations = 3
 time_end = 8.0
 dt_max = 1.0
 strang_splitting = .true.
 advance_flow = .true.
 flow_dr_model = 1
 flow_mf_model = 1
 advance_diffusion = .true.
 diffusion_coef_constants = 200.0, 400.0, 800.0
 advance_source = .true.
 source_from_file = .true.
 source_filename = 'src.h5'
 source_rfe_model = 2
 source_rfe_total_unsigned_flux_per_hours = 1.0, 2.0, 3.0
 source_rfe_lifetime = 3.0
 source_rfe_seed = 3`, false},
	{"five_terms", `res_nt = 33
 res_np = 64
 n_realizations = 2
 time_end = 6.0
 dt_max = 1.0
 advance_diffusion = .true.
 diffusion_coef_constants = 500.0, 500.0
 advance_source = .true.
 source_rfe_model = 1
 source_rfe_total_unsigned_flux_per_hours = 1.0, 1.0
 source_rfe_lifetime = 2.0`, true},
	{"host_rate", `res_nt = 33
 res_np = 64
 n_realizations = 2
 time_end = 6.0
 dt_max = 1.0
 advance_diffusion = .true.
 diffusion_coef_constants = 500.0, 700.0
 advance_source = .true.
 source_from_file = .true.
 source_filename = 'src.h5'`, true},
}

// fiveTerms is a Framed source of five time-weighted frames.
type fiveTerms struct {
	frames [5][]float64
}

func (f *fiveTerms) Name() string { return "five" }

func (f *fiveTerms) weight(q int, t float64) float64 {
	return math.Sin(float64(q+1)*0.37*t + float64(q))
}

func (f *fiveTerms) Add(s []float64, t float64) error {
	for i := range s {
		v := s[i]
		for q := range f.frames {
			d := f.frames[q]
			v = v + f.weight(q, t)*d[i%len(d)]
		}
		s[i] = v
	}
	return nil
}

func (f *fiveTerms) AppendTerms(dst []source.Term, t float64) ([]source.Term, error) {
	for q := range f.frames {
		dst = append(dst, source.Term{Data: f.frames[q], Weight: f.weight(q, t), Version: 1})
	}
	return dst, nil
}

// hostRate is a source that is not Framed: a rate that changes every step.
type hostRate struct{}

func (h *hostRate) Name() string { return "host" }

func (h *hostRate) Add(s []float64, t float64) error {
	for i := range s {
		s[i] += 1e-3 * math.Cos(0.01*float64(i)+t)
	}
	return nil
}

func customSources() *source.Registry {
	reg := source.NewRegistry()
	reg.MustRegister(source.SourceRFE, func(s *source.Setup) (source.Source, error) {
		f := &fiveTerms{}
		for q := range f.frames {
			n := s.Mesh.Size()
			if q%2 == 0 {
				n *= s.NReal
			}
			f.frames[q] = make([]float64, n)
			for i := range f.frames[q] {
				f.frames[q][i] = 1e-3 * math.Sin(0.001*float64(i*(q+2))+float64(q))
			}
		}
		return f, nil
	})
	reg.MustRegister(source.SourceFile, func(s *source.Setup) (source.Source, error) { return &hostRate{}, nil })
	return reg
}

// writeSourceFile writes a 2D rate map (G/hr) for source_filename.
func writeSourceFile(dir string) error {
	m, err := mesh.Uniform(33, 64)
	if err != nil {
		return err
	}
	return writeMapFunc(filepath.Join(dir, "src.h5"), m.Phi[:m.NPhiFile], m.Theta, func(p, th float64) float64 {
		return 0.02*math.Sin(th)*math.Sin(th)*math.Cos(2*p) + 0.001
	})
}
