package diffusion

import (
	"fmt"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// CoefSpec describes the diffusion coefficient as HipFT's input does.
type CoefSpec struct {
	// Constants holds diffusion_coef_constants, one per realization (in
	// km^2/s with the default Factor).
	Constants []float64
	// File, when not nil, is a 2D coefficient map (same units as Constants)
	// on its own (phi, theta) scales, interpolated to the corner mesh and
	// added to every realization.
	File *CoefFile
	// Grid adds dth^2 + (dph sin th)^2 (grid units) at every corner.
	Grid bool
	// Factor multiplies the sum (diffusion_coef_factor; the default converts
	// km^2/s to Rs^2/hr).
	Factor float64
}

// CoefFile is a coefficient map: Data indexed [iPhi + len(Phi)*iTheta].
type CoefFile struct {
	Phi, Theta []float64 // radians
	Data       []float64 // same units as CoefSpec.Constants
}

// CornerCoef evaluates the coefficient D(j,k,r) in Rs^2/hr on the corner
// (theta half, phi half) mesh of every realization, as HipFT's
// load_diffusion: constant, plus the interpolated file (periodic in phi,
// pole ghost rows reflected about the dph-weighted ring mean), plus the grid
// term, all times Factor.
func CornerCoef(m *mesh.Mesh, spec CoefSpec) ([]float64, error) {
	nt, np := m.NThetaHalf, m.NPhiHalf
	nr := len(spec.Constants)
	one := m.Layout(field.Corner, 1) // the interpolated file's layout
	var file []float64
	if spec.File != nil {
		// Transposed table: x = theta, y = phi.
		nft, nfp := len(spec.File.Theta), len(spec.File.Phi)
		if len(spec.File.Data) != nft*nfp {
			return nil, fmt.Errorf("diffusion coefficient file has %d values, want %d x %d", len(spec.File.Data), nfp, nft)
		}
		// HipFT adds the file to each realization's constant: the sum
		// must not be negative anywhere (anti-diffusion blows up).
		// The file's layout (phi fastest) and the transposed table's
		// (theta fastest), both on the file's own points.
		fileLayout := field.MapLayout{NPhi: nfp, NTheta: nft, NReal: 1}
		trLayout := field.Layout{NTheta: nft, NPhi: nfp, NReal: 1}
		// The first smallest value, in file order.
		low, lowT, lowP := spec.File.Data[0], 0, 0
		for it := 0; it < nft; it++ {
			for ip, v := range fileLayout.Row(spec.File.Data, it, 0) {
				if v < low {
					low, lowT, lowP = v, it, ip
				}
			}
		}
		for r, c := range spec.Constants {
			if v := low; c+v < 0 {
				return nil, fmt.Errorf("diffusion coefficient file: %g km^2/s at phi point %d, theta point %d (1-based), plus realization %d's constant %g, is negative: a negative coefficient is anti-diffusion, which blows up", v, lowP+1, lowT+1, r+1, c)
			}
		}
		tr := make([]float64, trLayout.Len())
		for it := 0; it < nft; it++ {
			row := fileLayout.Row(spec.File.Data, it, 0)
			for ip := 0; ip < nfp; ip++ {
				tr[trLayout.Index(it, ip, 0)] = row[ip]
			}
		}
		var err error
		file, err = mesh.Bilinear(spec.File.Theta, spec.File.Phi, tr, m.ThetaHalf, m.PhiHalf)
		if err != nil {
			return nil, fmt.Errorf("diffusion coefficient file: %w", err)
		}
		// The interpolated file is one realization on the corners:
		// periodic in phi, then its pole ghost rows reflected.
		npm1 := m.NPhiFile
		copy(one.Column(file, 0, 0), one.Column(file, npm1-1, 0))
		copy(one.Column(file, np-1, 0), one.Column(file, 1, 0))
		var fn, fs float64
		for k := 1; k < npm1; k++ {
			col := one.Column(file, k, 0)
			fn += col[1] * m.DPhiHalf[k]
			fs += col[nt-2] * m.DPhiHalf[k]
		}
		fn *= mesh.InvTwoPi
		fs *= mesh.InvTwoPi
		for k := 0; k < np; k++ {
			col := one.Column(file, k, 0)
			col[0] = 2*fn - col[1]
			col[nt-1] = 2*fs - col[nt-2]
		}
	}
	corner := m.Layout(field.Corner, nr)
	d := make([]float64, corner.Len())
	for r := 0; r < nr; r++ {
		for k := 0; k < np; k++ {
			dk := corner.Column(d, k, r)
			var fk []float64
			if file != nil {
				fk = one.Column(file, k, 0)
			}
			for j := 0; j < nt; j++ {
				v := spec.Constants[r]
				if file != nil {
					v += fk[j]
				}
				if spec.Grid {
					g := m.DPhiHalf[k] * m.SinThetaHalf[j]
					v += m.DThetaHalf[j]*m.DThetaHalf[j] + g*g
				}
				dk[j] = spec.Factor * v
			}
		}
	}
	return d, nil
}
