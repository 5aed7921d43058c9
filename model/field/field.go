// Package field describes how goft stores fields on HipFT's staggered
// theta-phi mesh: which points a field lives on (its Location) and how its
// values of every realization are laid out in one flat []float64 (its
// Layout). It is a description of shape only: the data stay plain slices, so
// kernels keep their flat loops and a Layout wraps existing data without
// copying (compare Oceananigans' Field{Center, Face, Center}(grid) and
// gonum's mat.Dense, which pair a flat slice with its shape and strides).
//
// Conventions (HipFT's, see mesh and hipft-model.md section 3), with 0-based
// indices:
//
//   - j indexes theta, the colatitude (0 at the north pole, pi at the south
//     pole); k indexes phi, the Carrington longitude; r indexes the
//     realization. Arguments always come in this order, as in HipFT's
//     Fortran arrays f(j,k,r) and mesh.Mesh.Index.
//   - In memory theta is fastest, then phi, then realization: point (j,k,r)
//     of a layout with NTheta rows and NPhi columns is at
//     j + NTheta*(k + NPhi*r). A "column" is the NTheta values of one phi
//     index k of one realization, contiguous; a "realization" is the
//     NTheta*NPhi values of one r, contiguous.
//   - Map files (psihdf) store phi fastest instead: MapLayout describes
//     them, k + NPhi*(j + NTheta*r).
//
// A layout carries no units: the values keep the field's own (Gauss for Br,
// Rs/hr for the velocities, G/hr for source rates, km^2/s or Rs^2/hr for
// the diffusion coefficient).
//
// The package does not depend on the mesh: mesh.Mesh.Layout gives the
// layout of each Location on a mesh, and mesh.Mesh.Coords its theta and phi
// points (radians).
package field

import (
	"errors"
	"fmt"
)

// ErrPoint is the value Index, Coords, Column, Columns, Row, Rows and
// Realization panic with when asked for a point, column, row or
// realization outside the layout (like gonum's mat.ErrRowAccess). A
// plain value, not a formatted message, keeps these methods cheap enough
// for the compiler to inline.
var ErrPoint = errors.New("field: point out of range of the layout")

// Location is where on the staggered mesh a field's points lie, relative to
// the main mesh (the cells' centres, where Br lives).
type Location int

const (
	// Center is the main mesh in both directions (theta main points, phi
	// main points): Br, the sources, the assimilation increments.
	// NThetaMain x NPhiMain points.
	Center Location = iota
	// ThetaFace is the theta half mesh (the faces between main rows, plus
	// one ghost beyond each pole) and the phi main mesh: vt, the theta flux.
	// NThetaHalf x NPhiMain points. Face j lies between main rows j-1 and
	// j (ThetaHalf[j] = (Theta[j-1]+Theta[j])/2); face 0 is the ghost north
	// of the north pole, face NThetaHalf-1 the ghost south of the south
	// pole.
	ThetaFace
	// PhiFace is the theta main mesh and the phi half mesh (the faces
	// between main columns): vp, the phi flux. NThetaMain x NPhiHalf
	// points. Face k lies between main columns k-1 and k (PhiHalf[k] =
	// (Phi[k-1]+Phi[k])/2); face 0 is the periodic image of face
	// NPhiFile-1.
	PhiFace
	// Corner is the half mesh in both directions (theta faces and phi
	// faces): the diffusion coefficient. NThetaHalf x NPhiHalf points.
	Corner
)

// String returns the location's name ("Center", "ThetaFace", "PhiFace",
// "Corner").
func (loc Location) String() string {
	switch loc {
	case Center:
		return "Center"
	case ThetaFace:
		return "ThetaFace"
	case PhiFace:
		return "PhiFace"
	case Corner:
		return "Corner"
	}
	return fmt.Sprintf("Location(%d)", int(loc))
}

// ThetaHalf reports whether the location lies on the theta half mesh
// (ThetaFace and Corner).
func (loc Location) ThetaHalf() bool { return loc == ThetaFace || loc == Corner }

// PhiHalf reports whether the location lies on the phi half mesh (PhiFace
// and Corner).
func (loc Location) PhiHalf() bool { return loc == PhiFace || loc == Corner }

// Layout is the in-memory shape of a field: NReal realizations of NPhi
// columns of NTheta values, theta fastest, at Location. Point (j,k,r) is at
// j + NTheta*(k + NPhi*r). The zero Layout holds no points.
//
// Layout is a small value meant to be copied; its methods do not allocate
// and are inlined. Index, Column, Realization and the others check their
// arguments and panic with ErrPoint when they are out of range, as slice
// indexing panics; in hot loops take a column (or a realization) once and
// loop over it.
type Layout struct {
	NTheta   int      // points per column (theta), fastest
	NPhi     int      // columns per realization (phi)
	NReal    int      // realizations, slowest
	Location Location // where the points lie; NTheta and NPhi are its sizes
}

// String describes the layout, e.g. "Center 181x362x4 (theta x phi x realizations)".
func (l Layout) String() string {
	return fmt.Sprintf("%v %dx%dx%d (theta x phi x realizations)", l.Location, l.NTheta, l.NPhi, l.NReal)
}

// Len returns the number of values of all realizations,
// NTheta*NPhi*NReal.
func (l Layout) Len() int { return l.NTheta * l.NPhi * l.NReal }

// RealizationLen returns the number of values of one realization,
// NTheta*NPhi: the stride of r.
func (l Layout) RealizationLen() int { return l.NTheta * l.NPhi }

// Strides returns how far apart in the flat slice consecutive j, k and r
// are: 1, NTheta and NTheta*NPhi.
func (l Layout) Strides() (j, k, r int) { return 1, l.NTheta, l.NTheta * l.NPhi }

// Index returns the flat index of point (j,k,r): theta row j
// (0..NTheta-1), phi column k (0..NPhi-1), realization r (0..NReal-1). It
// panics with ErrPoint if a coordinate is out of range.
func (l Layout) Index(j, k, r int) int {
	if uint(j) >= uint(l.NTheta) || uint(k) >= uint(l.NPhi) || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	return j + l.NTheta*(k+l.NPhi*r)
}

// Coords returns the point (j,k,r) at flat index i, the inverse of Index.
// It panics if i is not in [0, Len()).
func (l Layout) Coords(i int) (j, k, r int) {
	if uint(i) >= uint(l.Len()) {
		panic(ErrPoint)
	}
	return i % l.NTheta, i / l.NTheta % l.NPhi, i / (l.NTheta * l.NPhi)
}

// ColumnStart returns the flat index of the first value of column k of
// realization r, Index(0, k, r). It panics if k or r is out of range.
func (l Layout) ColumnStart(k, r int) int {
	if uint(k) >= uint(l.NPhi) || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	return l.NTheta * (k + l.NPhi*r)
}

// Column returns column k of realization r of data (its NTheta values,
// theta ascending), sharing data's storage; its capacity ends with the
// column. It panics if k or r is out of range, and, as slicing does, if the
// column lies beyond data's capacity.
func (l Layout) Column(data []float64, k, r int) []float64 {
	s := l.ColumnStart(k, r)
	return data[s : s+l.NTheta : s+l.NTheta]
}

// Columns returns columns k0..k1-1 of realization r of data, contiguous,
// sharing data's storage; its capacity ends with column k1-1. It panics
// unless 0 <= k0 <= k1 <= NPhi and r is in range.
func (l Layout) Columns(data []float64, k0, k1, r int) []float64 {
	if k0 < 0 || k1 < k0 || k1 > l.NPhi || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	base := l.NTheta * l.NPhi * r
	return data[base+l.NTheta*k0 : base+l.NTheta*k1 : base+l.NTheta*k1]
}

// Realization returns realization r of data (RealizationLen values, in
// this layout with NReal = 1), sharing data's storage; its capacity ends
// with the realization. It panics if r is out of range, and, as slicing
// does, if the realization lies beyond data's capacity.
func (l Layout) Realization(data []float64, r int) []float64 {
	if uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	n := l.NTheta * l.NPhi
	return data[n*r : n*(r+1) : n*(r+1)]
}

// One returns the layout of one realization of l (NReal = 1), the layout
// of the slices Realization returns.
func (l Layout) One() Layout {
	l.NReal = 1
	return l
}

// Check returns an error if data does not hold exactly Len() values; what
// names the field in the message ("WHAT has N values, want LEN (NREAL
// realizations of NTHETA x NPHI)").
func (l Layout) Check(data []float64, what string) error {
	if len(data) != l.Len() {
		return fmt.Errorf("%s has %d values, want %d (%d realizations of %d x %d)",
			what, len(data), l.Len(), l.NReal, l.NTheta, l.NPhi)
	}
	return nil
}

// Field is a flat slice of values with its Layout, like gonum's mat.Dense:
// Data[Index(j,k,r)] is the value at point (j,k,r). A Field is a view: it
// shares Data with whoever made it.
type Field struct {
	Layout
	Data []float64
}

// New returns a Field with layout l over data. With data nil it allocates
// Len() zeros; otherwise data must hold exactly Len() values (it is used,
// not copied), and New panics if it does not.
func New(l Layout, data []float64) Field {
	if data == nil {
		data = make([]float64, l.Len())
	}
	if len(data) != l.Len() {
		panic(fmt.Sprintf("field: New: %d values for %v, want %d", len(data), l, l.Len()))
	}
	return Field{Layout: l, Data: data}
}

// At returns the value at point (j,k,r). It panics if the point is out of
// range.
func (f Field) At(j, k, r int) float64 { return f.Data[f.Index(j, k, r)] }

// Set sets the value at point (j,k,r) to v. It panics if the point is out
// of range.
func (f Field) Set(j, k, r int, v float64) { f.Data[f.Index(j, k, r)] = v }

// Column returns column k of realization r (see Layout.Column).
func (f Field) Column(k, r int) []float64 { return f.Layout.Column(f.Data, k, r) }

// Realization returns realization r as a Field of one realization sharing
// f's storage (see Layout.Realization).
func (f Field) Realization(r int) Field {
	return Field{Layout: f.One(), Data: f.Layout.Realization(f.Data, r)}
}

// MapLayout is the shape of a map as stored in a psihdf file (and
// psihdf.Map.Data): phi fastest, then theta, then realization, the
// Fortran order of dims (NPhi, NTheta, NReal). Point (j,k,r) is at
// k + NPhi*(j + NTheta*r). A "row" is the NPhi values of one theta index j
// of one realization, contiguous. Main-mesh maps in files have NPhi =
// NPhiFile (no ghost column), flow maps the sizes mesh.Mesh.MapLayout
// gives.
type MapLayout struct {
	NPhi   int // points per row (phi), fastest
	NTheta int // rows per realization (theta)
	NReal  int // realizations, slowest
}

// Len returns the number of values of all realizations,
// NPhi*NTheta*NReal.
func (l MapLayout) Len() int { return l.NPhi * l.NTheta * l.NReal }

// RealizationLen returns the number of values of one realization,
// NPhi*NTheta: the stride of r.
func (l MapLayout) RealizationLen() int { return l.NPhi * l.NTheta }

// Index returns the flat index of point (j,k,r): theta row j, phi point
// k, realization r. It panics with ErrPoint if a coordinate is out of
// range.
func (l MapLayout) Index(j, k, r int) int {
	if uint(j) >= uint(l.NTheta) || uint(k) >= uint(l.NPhi) || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	return k + l.NPhi*(j+l.NTheta*r)
}

// Row returns row j of realization r of data (its NPhi values, phi
// ascending), sharing data's storage; its capacity ends with the row. It
// panics if j or r is out of range, and, as slicing does, if the row lies
// beyond data's capacity.
func (l MapLayout) Row(data []float64, j, r int) []float64 {
	if uint(j) >= uint(l.NTheta) || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	s := l.NPhi * (j + l.NTheta*r)
	return data[s : s+l.NPhi : s+l.NPhi]
}

// Rows returns rows j0..j1-1 of realization r of data, contiguous, sharing
// data's storage; its capacity ends with row j1-1. It panics unless
// 0 <= j0 <= j1 <= NTheta and r is in range.
func (l MapLayout) Rows(data []float64, j0, j1, r int) []float64 {
	if j0 < 0 || j1 < j0 || j1 > l.NTheta || uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	base := l.NPhi * l.NTheta * r
	return data[base+l.NPhi*j0 : base+l.NPhi*j1 : base+l.NPhi*j1]
}

// Realization returns realization r of data (RealizationLen values),
// sharing data's storage; its capacity ends with the realization. It
// panics if r is out of range, and, as slicing does, if the realization
// lies beyond data's capacity. Maps whose third dimension is not the
// realization (the layers of an assimilation map) take their layers with
// it too.
func (l MapLayout) Realization(data []float64, r int) []float64 {
	if uint(r) >= uint(l.NReal) {
		panic(ErrPoint)
	}
	n := l.NPhi * l.NTheta
	return data[n*r : n*(r+1) : n*(r+1)]
}
