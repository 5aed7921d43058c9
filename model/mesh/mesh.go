// Package mesh builds HipFT's staggered theta-phi mesh on the unit sphere.
//
// Conventions (HipFT's, see hipft-model.md section 3), with 0-based indices:
//
//   - theta is colatitude in radians (0 at the north pole, pi at the south
//     pole); phi is Carrington longitude in radians.
//   - The main mesh holds Br. Theta has NThetaMain points, poles included.
//     Phi has NPhiMain = NPhiFile+1 points: the file's points, whose first
//     (phi=0) and last (phi=2pi) are the same physical point, plus one ghost
//     column equal to column 1 ("two-point overlap").
//   - The theta half mesh has NThetaHalf = NThetaMain+1 points: the faces
//     between main rows plus one ghost beyond each pole. The phi half mesh has
//     NPhiHalf = NPhiMain points.
//   - Fields of all realizations are stored in one slice, theta fastest, then
//     phi, then realization: index j + NThetaMain*(k + NPhiMain*r). Staggered
//     arrays use their own lengths in the same order. Mesh.Layout gives the
//     field.Layout of each staggering (field.Center, ThetaFace, PhiFace,
//     Corner), which computes these indices and slices columns and
//     realizations; Mesh.MapLayout gives the layout of the same fields in
//     map files (phi fastest).
package mesh

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/field"
)

// Constants hard-coded in HipFT. They are used verbatim so that goft
// reproduces HipFT's arithmetic bit for bit.
const (
	TwoPi    = 6.2831853071795864  // 2 pi
	InvTwoPi = 0.15915494309189535 // 1/(2 pi), HipFT's literal
	InvPi    = 0.3183098861837907  // 1/pi
	Deg2Rad  = 0.017453292519943295
	// RsunCm2 is the solar radius squared in cm^2; it converts code flux
	// (Gauss * Rs^2) to Maxwell and code area to cm^2.
	RsunCm2 = 4.84416e21
	// KmPerSToRsPerHr converts km/s to solar radii per hour.
	KmPerSToRsPerHr = 0.005172413793103448
	// MPerSToRsPerHr converts m/s to solar radii per hour.
	MPerSToRsPerHr = 5.172413793103448e-06
	// DiffKm2PerSToRs2PerHr converts km^2/s to Rs^2/hr (HipFT's literal,
	// 4 ulp from the exact quotient).
	DiffKm2PerSToRs2PerHr = 7.43162901307967e-09
	// SmallValue is the smallest normal double (Fortran tiny).
	SmallValue = 2.2250738585072014e-308
	// Safety is the safety factor of the flow CFL and the Euler diffusion step.
	Safety = 0.95
)

// Mesh is HipFT's staggered mesh. All angles are in radians. Slices named
// ...Inv hold reciprocals (0 where HipFT sets them to 0 at the poles).
type Mesh struct {
	NThetaMain int // ntm: theta main points, poles included
	NThetaHalf int // nt = ntm+1: theta half points, pole ghosts included
	NPhiFile   int // npm1: phi points in a map file (0 and 2pi both included)
	NPhiMain   int // npm = NPhiFile+1: phi main points in memory (one ghost)
	NPhiHalf   int // np = NPhiMain: phi half points in memory

	Theta     []float64 // t_j, main mesh, len NThetaMain
	Phi       []float64 // p_k, main mesh, len NPhiMain (last = Phi[1]+2pi)
	ThetaHalf []float64 // th_j, half mesh, len NThetaHalf (th_0 < 0, th_last > pi)
	PhiHalf   []float64 // ph_k, half mesh, len NPhiHalf

	DThetaHalf    []float64 // dth_j = t_j - t_{j-1} at half points, len NThetaHalf
	DThetaHalfInv []float64 // 1/DThetaHalf
	DTheta        []float64 // dt_j = th_{j+1} - th_j, main cell widths, len NThetaMain
	DThetaInv     []float64 // 1/DTheta
	DPhiHalf      []float64 // dph_k = p_k - p_{k-1} at half points, len NPhiHalf
	DPhiHalfInv   []float64 // 1/DPhiHalf
	DPhi          []float64 // dp_k = ph_{k+1} - ph_k, main cell widths, len NPhiMain
	DPhiInv       []float64 // 1/DPhi

	SinTheta        []float64 // st: sin t, exactly 0 at the poles
	CosTheta        []float64 // ct: cos t, exactly +1 at both poles (HipFT quirk)
	SinThetaInv     []float64 // 1/st, 0 at the poles
	SinThetaHalf    []float64 // sth: sin|th| (the south ghost stays negative)
	CosThetaHalf    []float64 // cth: cos th
	SinThetaHalfInv []float64 // 1/sth, 0 at both ghosts

	// AreaTheta and AreaPhi are the integration weights of section 3.11:
	// the area of cell (j,k) on the unit sphere is AreaTheta[j]*AreaPhi[k]
	// for k = 0..NPhiMain-2 (both the 0 and 2pi columns, each with half
	// weight). AreaPhi[NPhiMain-1] is 0. The pole rows use the small-cap
	// form 0.25*sin(tav)*dth.
	AreaTheta []float64
	AreaPhi   []float64
	// ThetaArea is the colatitude used with the area weights in moments
	// (dipoles): t_j inside, the cap mid-angle tav at the pole rows.
	ThetaArea []float64
}

// Size returns the number of main-mesh points of one realization,
// NThetaMain*NPhiMain.
func (m *Mesh) Size() int { return m.NThetaMain * m.NPhiMain }

// Index returns the flat index of main-mesh point (j,k) of realization r,
// m.Layout(field.Center, nReal).Index(j, k, r) without the range checks.
func (m *Mesh) Index(j, k, r int) int { return j + m.NThetaMain*(k+m.NPhiMain*r) }

// Layout returns the in-memory layout of a field of nReal realizations at
// loc on m: NTheta is NThetaMain (field.Center, field.PhiFace) or
// NThetaHalf (field.ThetaFace, field.Corner), NPhi is NPhiMain
// (field.Center, field.ThetaFace) or NPhiHalf (field.PhiFace,
// field.Corner). The coordinates of its points are Coords(loc). It panics
// on an unknown location.
func (m *Mesh) Layout(loc field.Location, nReal int) field.Layout {
	l := field.Layout{NTheta: m.NThetaMain, NPhi: m.NPhiMain, NReal: nReal, Location: loc}
	switch loc {
	case field.Center:
	case field.ThetaFace:
		l.NTheta = m.NThetaHalf
	case field.PhiFace:
		l.NPhi = m.NPhiHalf
	case field.Corner:
		l.NTheta, l.NPhi = m.NThetaHalf, m.NPhiHalf
	default:
		panic(fmt.Sprintf("mesh: unknown field location %v", loc))
	}
	return l
}

// MapLayout returns the layout, phi fastest, of nReal realizations of a
// field at loc as HipFT writes it to a map file: on the phi main mesh the
// NPhiFile file points (the ghost column dropped), on the phi half mesh
// all NPhiHalf faces (as HipFT's flow output writes vp); every theta point
// of loc's theta mesh. It panics on an unknown location.
func (m *Mesh) MapLayout(loc field.Location, nReal int) field.MapLayout {
	l := m.Layout(loc, nReal)
	if !loc.PhiHalf() {
		l.NPhi = m.NPhiFile
	}
	return field.MapLayout{NPhi: l.NPhi, NTheta: l.NTheta, NReal: nReal}
}

// Coords returns the colatitudes and longitudes (radians) of the theta and
// phi points of a field at loc: Theta or ThetaHalf, Phi or PhiHalf (the
// mesh's own slices, not copies). It panics on an unknown location.
func (m *Mesh) Coords(loc field.Location) (theta, phi []float64) {
	if loc < field.Center || loc > field.Corner {
		panic(fmt.Sprintf("mesh: unknown field location %v", loc))
	}
	theta, phi = m.Theta, m.Phi
	if loc.ThetaHalf() {
		theta = m.ThetaHalf
	}
	if loc.PhiHalf() {
		phi = m.PhiHalf
	}
	return theta, phi
}

// Uniform builds the mesh HipFT uses without an initial map: ntRes theta
// points from 0 to pi and npRes phi points from 0 to 2pi, both ends included
// (res_nt and res_np).
func Uniform(ntRes, npRes int) (*Mesh, error) {
	if ntRes < 3 || npRes < 3 {
		return nil, fmt.Errorf("mesh: res_nt and res_np must be at least 3 (got %d, %d)", ntRes, npRes)
	}
	phi := make([]float64, npRes)
	d1 := TwoPi / float64(npRes-1)
	for i := range phi {
		phi[i] = float64(i) * d1
	}
	theta := make([]float64, ntRes)
	d2 := math.Pi / float64(ntRes-1)
	for j := range theta {
		theta[j] = float64(j) * d2
	}
	return New(phi, theta)
}

// New builds the mesh from a map's scales: phi (dim1, N_phi points with
// phi[0]=0 and phi[N_phi-1]=2pi) and theta (dim2, poles included). The values
// are used exactly as given, so non-uniform spacing is carried through.
func New(phi, theta []float64) (*Mesh, error) {
	nPhi, ntm := len(phi), len(theta)
	if nPhi < 3 || ntm < 3 {
		return nil, fmt.Errorf("mesh: need at least 3 points in phi and theta (got %d, %d)", nPhi, ntm)
	}
	const tol = 1e-5
	if math.Abs(theta[0]) > tol || math.Abs(theta[ntm-1]-math.Pi) > tol ||
		math.Abs(phi[0]) > tol || math.Abs(phi[nPhi-1]-TwoPi) > tol {
		return nil, fmt.Errorf("mesh: coordinates do not cover the sphere: theta runs %g..%g (want 0..pi), phi runs %g..%g (want 0..2pi, both ends included)",
			theta[0], theta[ntm-1], phi[0], phi[nPhi-1])
	}
	for j := 1; j < ntm; j++ {
		if !(theta[j] > theta[j-1]) {
			return nil, fmt.Errorf("mesh: theta scale is not strictly increasing at index %d (%g after %g)", j, theta[j], theta[j-1])
		}
	}
	for k := 1; k < nPhi; k++ {
		if !(phi[k] > phi[k-1]) {
			return nil, fmt.Errorf("mesh: phi scale is not strictly increasing at index %d (%g after %g)", k, phi[k], phi[k-1])
		}
	}
	nt := ntm + 1
	npm := nPhi + 1
	np := npm
	m := &Mesh{NThetaMain: ntm, NThetaHalf: nt, NPhiFile: nPhi, NPhiMain: npm, NPhiHalf: np}

	m.Theta = append([]float64(nil), theta...)
	m.Phi = make([]float64, npm)
	copy(m.Phi, phi)
	m.Phi[npm-1] = m.Phi[1] + TwoPi

	// Theta half mesh.
	m.ThetaHalf = make([]float64, nt)
	m.DThetaHalf = make([]float64, nt)
	for j := 1; j < ntm; j++ {
		m.ThetaHalf[j] = (m.Theta[j] + m.Theta[j-1]) * 0.5
		m.DThetaHalf[j] = m.Theta[j] - m.Theta[j-1]
	}
	m.ThetaHalf[0] = m.ThetaHalf[1] - m.DThetaHalf[1]
	m.ThetaHalf[nt-1] = m.ThetaHalf[nt-2] + m.DThetaHalf[nt-2]
	m.DThetaHalf[0] = m.DThetaHalf[1]
	m.DThetaHalf[nt-1] = m.DThetaHalf[nt-2]
	m.DThetaHalfInv = reciprocal(m.DThetaHalf)

	m.DTheta = make([]float64, ntm)
	for j := 0; j < ntm; j++ {
		m.DTheta[j] = m.ThetaHalf[j+1] - m.ThetaHalf[j]
	}
	m.DThetaInv = reciprocal(m.DTheta)

	// Phi half mesh.
	m.PhiHalf = make([]float64, np)
	m.DPhiHalf = make([]float64, np)
	for k := 1; k < np; k++ {
		m.PhiHalf[k] = (m.Phi[k] + m.Phi[k-1]) * 0.5
		m.DPhiHalf[k] = m.Phi[k] - m.Phi[k-1]
	}
	m.PhiHalf[0] = m.PhiHalf[nPhi-1] - TwoPi
	m.DPhiHalf[0] = m.DPhiHalf[nPhi-1]
	m.DPhiHalfInv = reciprocal(m.DPhiHalf)

	m.DPhi = make([]float64, npm)
	for k := 0; k < npm-1; k++ {
		m.DPhi[k] = m.PhiHalf[k+1] - m.PhiHalf[k]
	}
	m.DPhi[npm-1] = m.DPhi[1]
	m.DPhiInv = reciprocal(m.DPhi)

	// Trigonometry.
	m.SinTheta = make([]float64, ntm)
	m.CosTheta = make([]float64, ntm)
	m.SinThetaInv = make([]float64, ntm)
	for j := 0; j < ntm; j++ {
		m.SinTheta[j] = math.Sin(m.Theta[j])
		m.CosTheta[j] = math.Cos(m.Theta[j])
	}
	m.SinTheta[0], m.SinTheta[ntm-1] = 0, 0
	m.CosTheta[0], m.CosTheta[ntm-1] = 1, 1
	for j := 1; j < ntm-1; j++ {
		m.SinThetaInv[j] = 1 / m.SinTheta[j]
	}
	m.SinThetaHalf = make([]float64, nt)
	m.CosThetaHalf = make([]float64, nt)
	m.SinThetaHalfInv = make([]float64, nt)
	for j := 0; j < nt; j++ {
		m.SinThetaHalf[j] = math.Sin(math.Abs(m.ThetaHalf[j]))
		m.CosThetaHalf[j] = math.Cos(m.ThetaHalf[j])
	}
	for j := 1; j < nt-1; j++ {
		m.SinThetaHalfInv[j] = 1 / m.SinThetaHalf[j]
	}

	// Integration weights.
	m.AreaTheta = make([]float64, ntm)
	m.ThetaArea = make([]float64, ntm)
	for j := 1; j < ntm-1; j++ {
		m.AreaTheta[j] = math.Sin(m.Theta[j]) * m.DTheta[j]
		m.ThetaArea[j] = m.Theta[j]
	}
	tavN := (m.Theta[0] + m.Theta[1]) * 0.5
	tavS := (m.Theta[ntm-1] + m.Theta[ntm-2]) * 0.5
	m.AreaTheta[0] = 0.25 * math.Sin(tavN) * m.DThetaHalf[1]
	m.AreaTheta[ntm-1] = 0.25 * math.Sin(tavS) * m.DThetaHalf[ntm-1]
	m.ThetaArea[0], m.ThetaArea[ntm-1] = tavN, tavS
	m.AreaPhi = make([]float64, npm)
	for k := 1; k < npm-2; k++ {
		m.AreaPhi[k] = m.DPhi[k]
	}
	m.AreaPhi[0] = 0.5 * m.DPhiHalf[0]
	m.AreaPhi[npm-2] = 0.5 * m.DPhiHalf[npm-2]
	return m, nil
}

func reciprocal(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 1 / v
	}
	return y
}

// SetPeriodic enforces HipFT's two-point phi overlap on an array of nr
// realizations with nj rows and nk phi columns (theta fastest, the
// field.Layout{NTheta: nj, NPhi: nk, NReal: nr}):
// a(j,0) = a(j,nk-2) and a(j,nk-1) = a(j,1).
func SetPeriodic(a []float64, nj, nk, nr int) {
	l := field.Layout{NTheta: nj, NPhi: nk, NReal: nr}
	for r := 0; r < nr; r++ {
		copy(l.Column(a, 0, r), l.Column(a, nk-2, r))
		copy(l.Column(a, nk-1, r), l.Column(a, 1, r))
	}
}

// FromMapLayout fills dst, one realization of a main-mesh field (len
// Size()), from src, a map as stored in a file (phi fastest: NPhiFile
// columns by NThetaMain rows, MapLayout(field.Center, 1)), as HipFT loads a
// map: the phi = 0 and phi = 2pi columns, the same physical points, both
// get their average, and the ghost column NPhiMain-1 repeats column 1. The
// pole rows are left as they are; PoleAverage averages them.
func (m *Mesh) FromMapLayout(dst, src []float64) {
	l, ml := m.Layout(field.Center, 1), m.MapLayout(field.Center, 1)
	dst, src = l.Realization(dst, 0), ml.Realization(src, 0)
	nPhi, npm := m.NPhiFile, m.NPhiMain
	for j := 0; j < m.NThetaMain; j++ {
		for k, v := range ml.Row(src, j, 0) {
			dst[l.Index(j, k, 0)] = v
		}
		a, b := l.Index(j, 0, 0), l.Index(j, nPhi-1, 0)
		dst[a] = 0.5 * (dst[a] + dst[b])
		dst[b] = dst[a]
		dst[l.Index(j, npm-1, 0)] = dst[l.Index(j, 1, 0)]
	}
}

// PoleAverage replaces the pole rows of field f (all nr realizations) by
// their dp-weighted phi average, as HipFT does after loading a map: the sums
// run over k = 1..NPhiMain-2 and are divided by the constant 2pi (not by the
// sum of dp).
func (m *Mesh) PoleAverage(f []float64, nr int) {
	ntm, npm := m.NThetaMain, m.NPhiMain
	l := m.Layout(field.Center, nr)
	for r := 0; r < nr; r++ {
		var fn, fs float64
		for k := 1; k < npm-1; k++ {
			col := l.Column(f, k, r)
			fn += col[0] * m.DPhi[k]
			fs += col[ntm-1] * m.DPhi[k]
		}
		fn *= InvTwoPi
		fs *= InvTwoPi
		for k := 0; k < npm; k++ {
			col := l.Column(f, k, r)
			col[0] = fn
			col[ntm-1] = fs
		}
	}
}
