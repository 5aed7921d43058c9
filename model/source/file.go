package source

import (
	"fmt"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// FileSource is HipFT's static source from a file (source_from_file): a 2D
// map of the source rate in G/hr, bilinearly interpolated onto the main
// mesh and the same for every realization.
type FileSource struct {
	// Data is the interpolated rate (G/hr) of one realization in mesh
	// layout (NThetaMain*NPhiMain).
	Data []float64
	l    field.Layout // of the rate S it adds to: field.Center, every realization
}

// NewFileSource reads the 2D PSI map at path (phi by theta, G/hr) and
// interpolates it onto m's main mesh (t_j, p_k) for every phi column k,
// ghost included, with mesh.Bilinear (HipFT's interp2d). Targets outside
// the file's scales get 0, so with a file covering 0..2pi the ghost column
// p = Phi[1] + 2pi gets no source (HipFT's quirk, kept). No periodic or
// pole fix is applied.
func NewFileSource(m *mesh.Mesh, nReal int, path string) (*FileSource, error) {
	mp, err := psihdf.Read(path)
	if err != nil {
		return nil, fmt.Errorf("source_filename: %w", err)
	}
	return FileSourceFromMap(m, nReal, mp, path)
}

// FileSourceFromMap is NewFileSource for a map already in memory; name is
// used in errors.
func FileSourceFromMap(m *mesh.Mesh, nReal int, mp *psihdf.Map, name string) (*FileSource, error) {
	if len(mp.Dims) != 2 {
		return nil, fmt.Errorf("source_filename %s holds a %dD dataset with dims %v; a 2D (phi, theta) map in G/hr is required", name, len(mp.Dims), mp.Dims)
	}
	if nReal < 1 {
		return nil, fmt.Errorf("source: need at least one realization")
	}
	pf, tf := mp.Scales[0], mp.Scales[1]
	// Transpose to a theta-fastest table: x = theta, y = phi.
	file := field.MapLayout{NPhi: len(pf), NTheta: len(tf), NReal: 1}
	if len(mp.Data) != file.Len() {
		return nil, fmt.Errorf("source_filename %s holds %d values for %d x %d scale points", name, len(mp.Data), file.NPhi, file.NTheta)
	}
	table := field.Layout{NTheta: file.NTheta, NPhi: file.NPhi, NReal: 1}
	tr := make([]float64, table.Len())
	for it := 0; it < file.NTheta; it++ {
		for ip, v := range file.Row(mp.Data, it, 0) {
			tr[table.Index(it, ip, 0)] = v
		}
	}
	data, err := mesh.Bilinear(tf, pf, tr, m.Theta, m.Phi)
	if err != nil {
		return nil, fmt.Errorf("source_filename %s: the scales are not usable (%v); they must be monotonically increasing", name, err)
	}
	return &FileSource{Data: data, l: m.Layout(field.Center, nReal)}, nil
}

// Name returns "file".
func (f *FileSource) Name() string { return SourceFile }

// AppendTerms implements Framed: Data, weight 1, for every realization
// (1*v is v, so the sum has Add's bits).
func (f *FileSource) AppendTerms(dst []Term, t float64) ([]Term, error) {
	return append(dst, Term{Data: f.Data, Weight: 1, Version: 1}), nil // Data never changes
}

// Add adds the file's rate (G/hr) to every realization of s.
func (f *FileSource) Add(s []float64, t float64) error {
	for r := 0; r < f.l.NReal; r++ {
		sr := f.l.Realization(s, r)
		for i, v := range f.Data {
			sr[i] += v
		}
	}
	return nil
}
