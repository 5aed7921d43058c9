package diffusion

import (
	"fmt"

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
	var file []float64
	if spec.File != nil {
		// Transposed table: x = theta, y = phi.
		nft, nfp := len(spec.File.Theta), len(spec.File.Phi)
		if len(spec.File.Data) != nft*nfp {
			return nil, fmt.Errorf("diffusion coefficient file has %d values, want %d x %d", len(spec.File.Data), nfp, nft)
		}
		// HipFT adds the file to each realization's constant: the sum
		// must not be negative anywhere (anti-diffusion blows up).
		low := 0
		for i, v := range spec.File.Data {
			if v < spec.File.Data[low] {
				low = i
			}
		}
		for r, c := range spec.Constants {
			if v := spec.File.Data[low]; c+v < 0 {
				return nil, fmt.Errorf("diffusion coefficient file: %g km^2/s at phi point %d, theta point %d (1-based), plus realization %d's constant %g, is negative: a negative coefficient is anti-diffusion, which blows up", v, low%nfp+1, low/nfp+1, r+1, c)
			}
		}
		tr := make([]float64, nft*nfp)
		for it := 0; it < nft; it++ {
			for ip := 0; ip < nfp; ip++ {
				tr[it+nft*ip] = spec.File.Data[ip+nfp*it]
			}
		}
		var err error
		file, err = mesh.Bilinear(spec.File.Theta, spec.File.Phi, tr, m.ThetaHalf, m.PhiHalf)
		if err != nil {
			return nil, fmt.Errorf("diffusion coefficient file: %w", err)
		}
		npm1 := m.NPhiFile
		for j := 0; j < nt; j++ {
			file[j] = file[j+nt*(npm1-1)]
			file[j+nt*(np-1)] = file[j+nt*1]
		}
		var fn, fs float64
		for k := 1; k < npm1; k++ {
			fn += file[1+nt*k] * m.DPhiHalf[k]
			fs += file[nt-2+nt*k] * m.DPhiHalf[k]
		}
		fn *= mesh.InvTwoPi
		fs *= mesh.InvTwoPi
		for k := 0; k < np; k++ {
			file[0+nt*k] = 2*fn - file[1+nt*k]
			file[nt-1+nt*k] = 2*fs - file[nt-2+nt*k]
		}
	}
	d := make([]float64, nt*np*nr)
	for r := 0; r < nr; r++ {
		for k := 0; k < np; k++ {
			for j := 0; j < nt; j++ {
				v := spec.Constants[r]
				if file != nil {
					v += file[j+nt*k]
				}
				if spec.Grid {
					g := m.DPhiHalf[k] * m.SinThetaHalf[j]
					v += m.DThetaHalf[j]*m.DThetaHalf[j] + g*g
				}
				d[j+nt*(k+np*r)] = spec.Factor * v
			}
		}
	}
	return d, nil
}
