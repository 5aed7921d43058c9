// Package export converts HipFT Br maps to the formats of the solar
// physics Python ecosystem: it remaps them, conserving flux, onto uniform
// Carrington longitude-latitude grids (plate carrée, CAR, or cylindrical
// equal area, CEA, uniform in sin(latitude), as PFSS solvers need) and
// writes them as FITS images with a world coordinate system that sunpy
// reads as a Carrington heliographic map.
//
// # Source cells
//
// A HipFT map holds point values of Br (Gauss) on its main mesh: phi
// (Carrington longitude, radians) with the phi = 0 and 2pi columns the same
// physical points, theta (colatitude, radians) from pole to pole; both may
// be non-uniform. The map is loaded as HipFT loads an initial map (the 0
// and 2pi columns averaged, the pole rows replaced by their phi average;
// model/mesh FromMapLayout and PoleAverage) and each point is given the
// cell around it: in phi the half mesh [ph_k, ph_k+1] (the seam cell runs
// across phi = 0), in theta the half mesh [th_j, th_j+1] clamped to
// [0, pi] (the pole rows are caps of half a step). Within a cell the field
// is taken as uniform, with the value that makes the cell's flux equal to
// the point value times HipFT's integration weight (model/mesh AreaTheta
// times AreaPhi, reference section 3.11): the flux of every source cell,
// and so the total, is the flux goft's diagnostics (history files, goft
// info) report. On a uniform mesh the weight and the cell's spherical area
// differ by O(h^2) relatively, so the cell values are the point values to
// that order.
//
// # Remapping
//
// A target cell's value is the area-weighted average of the piecewise
// uniform source field over it: the exact integral over the overlaps of
// source and target cells, divided by the target cell's area. Both grids
// are products of a longitude and a cos(colatitude) = sin(latitude)
// partition, in which spherical area is the product of the lengths, so
// the overlaps factor into two one-dimensional overlap matrices. The flux
// of any region made of whole target cells is the integral of the source
// field over that region, to round-off, and the total flux is conserved to
// round-off.
//
// Against the exact cell averages of a smooth field, the remap is second
// order in the source step when the target cells are larger than the
// source cells, and first order when they are as fine (the source field
// is piecewise uniform): TestAnalyticConvergence measures both.
package export

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/mesh"
)

// Projection is the latitude spacing of a target grid.
type Projection int

const (
	// CAR (plate carrée) cells are uniform in latitude.
	CAR Projection = iota
	// CEA (cylindrical equal area) cells are uniform in sin(latitude), so
	// every cell has the same area.
	CEA
)

// String returns the FITS projection code, "CAR" or "CEA".
func (p Projection) String() string {
	switch p {
	case CAR:
		return "CAR"
	case CEA:
		return "CEA"
	}
	return fmt.Sprintf("Projection(%d)", int(p))
}

// ParseProjection returns the projection called s ("car" or "cea", any case).
func ParseProjection(s string) (Projection, error) {
	switch s {
	case "car", "CAR":
		return CAR, nil
	case "cea", "CEA":
		return CEA, nil
	}
	return 0, fmt.Errorf("unknown projection %q (want car or cea)", s)
}

// Grid is a full-Sun Carrington grid of NLon by NLat cells. Longitude
// cell i (0-based) spans 360*i/NLon to 360*(i+1)/NLon degrees; latitude
// row j (0-based, row 0 at the south pole) spans latitudes -90 + 180*j/NLat
// to -90 + 180*(j+1)/NLat degrees (CAR) or sin(latitude) -1 + 2*j/NLat to
// -1 + 2*(j+1)/NLat (CEA). Data on a grid are stored longitude fastest:
// index i + NLon*j.
type Grid struct {
	Proj       Projection
	NLon, NLat int
}

// Check reports whether g is usable: at least 1 cell in longitude, 2 in
// latitude, and a known projection.
func (g Grid) Check() error {
	if g.Proj != CAR && g.Proj != CEA {
		return fmt.Errorf("unknown projection %d", int(g.Proj))
	}
	if g.NLon < 1 || g.NLat < 2 {
		return fmt.Errorf("grid of %d x %d cells: want at least 1 in longitude and 2 in latitude", g.NLon, g.NLat)
	}
	if g.NLon > 1<<16 || g.NLat > 1<<16 {
		return fmt.Errorf("grid of %d x %d cells: at most %d in each direction", g.NLon, g.NLat, 1<<16)
	}
	return nil
}

// LonEdges returns the NLon+1 longitude cell edges in radians, 0 to 2pi.
func (g Grid) LonEdges() []float64 {
	e := make([]float64, g.NLon+1)
	for i := range e {
		e[i] = 2 * math.Pi * float64(i) / float64(g.NLon)
	}
	return e
}

// SinLatEdges returns the NLat+1 latitude cell edges as sin(latitude),
// from -1 (south pole) to +1 (north pole) exactly.
func (g Grid) SinLatEdges() []float64 {
	e := make([]float64, g.NLat+1)
	for j := range e {
		if g.Proj == CEA {
			e[j] = -1 + 2*float64(j)/float64(g.NLat)
		} else {
			e[j] = math.Sin((-90 + 180*float64(j)/float64(g.NLat)) * math.Pi / 180)
		}
	}
	e[0], e[g.NLat] = -1, 1
	return e
}

// CellCenter returns the longitude and latitude, in degrees, of the centre
// of cell (i, j) in the grid's own coordinates (the middle of the cell in
// longitude and in latitude for CAR, in sin(latitude) for CEA): where the
// FITS WCS puts pixel (i, j).
func (g Grid) CellCenter(i, j int) (lonDeg, latDeg float64) {
	lonDeg = 360 * (float64(i) + 0.5) / float64(g.NLon)
	if g.Proj == CEA {
		latDeg = math.Asin(-1+2*(float64(j)+0.5)/float64(g.NLat)) * 180 / math.Pi
	} else {
		latDeg = -90 + 180*(float64(j)+0.5)/float64(g.NLat)
	}
	return lonDeg, latDeg
}

// CellAreas returns the area of each latitude row's cells on the unit
// sphere (steradians), NLat values: every cell of row j has area
// CellAreas()[j].
func (g Grid) CellAreas() []float64 {
	e := g.SinLatEdges()
	a := make([]float64, g.NLat)
	dlon := 2 * math.Pi / float64(g.NLon)
	for j := range a {
		a[j] = dlon * (e[j+1] - e[j])
	}
	return a
}

// overlap is one entry of a sparse one-dimensional overlap matrix: the
// length that source interval src shares with target interval dst.
type overlap struct {
	src, dst int
	len      float64
}

// overlaps returns the overlaps of the source intervals [s[i], s[i+1]]
// with the target intervals [t[k], t[k+1]]; both edge lists ascend. With
// period > 0 the axis is periodic: each source interval is also tried
// shifted by +period and -period. The lengths are differences of the
// edges themselves, so the overlaps of a source interval that the targets
// cover sum to its length to round-off.
func overlaps(s, t []float64, period float64) []overlap {
	var out []overlap
	shifts := []float64{0}
	if period > 0 {
		shifts = []float64{0, period, -period}
	}
	for i := 0; i+1 < len(s); i++ {
		for _, sh := range shifts {
			lo, hi := s[i]+sh, s[i+1]+sh
			// The first target interval that can overlap: binary search.
			k0, k1 := 0, len(t)-1
			for k0 < k1 {
				m := (k0 + k1) / 2
				if t[m+1] <= lo {
					k0 = m + 1
				} else {
					k1 = m
				}
			}
			for k := k0; k+1 < len(t) && t[k] < hi; k++ {
				a, b := math.Max(lo, t[k]), math.Min(hi, t[k+1])
				if b > a {
					out = append(out, overlap{i, k, b - a})
				}
			}
		}
	}
	return out
}

// Remapper remaps the maps of one HipFT mesh onto one target grid.
type Remapper struct {
	Mesh *mesh.Mesh // the source mesh
	Grid Grid       // the target grid

	weight   []float64 // HipFT's flux weight of source cell (j, k), k < NPhiFile-1, index j + ntm*k
	cellArea []float64 // spherical area of source cell (j, k), same index
	phiOv    []overlap // source phi cells (0..NPhiFile-2) against target longitudes
	muOv     []overlap // source theta rows against target latitude rows (in mu = sin latitude)
	area     []float64 // target row areas
	field    []float64 // scratch: one realization on the main mesh
}

// NewRemapper prepares the remap from the mesh of a HipFT map with scales
// phi (radians, 0 to 2pi, both ends included) and theta (colatitude in
// radians, 0 to pi, poles included) onto grid g.
func NewRemapper(phi, theta []float64, g Grid) (*Remapper, error) {
	if err := g.Check(); err != nil {
		return nil, err
	}
	msh, err := mesh.New(phi, theta)
	if err != nil {
		return nil, err
	}
	r := &Remapper{Mesh: msh, Grid: g, area: g.CellAreas(), field: make([]float64, msh.Size())}
	ntm, nc := msh.NThetaMain, msh.NPhiFile-1 // nc unique phi cells
	// Phi: cell k spans [PhiHalf[k], PhiHalf[k+1]], k = 0..nc-1; the seam
	// cell 0 starts below 0.
	phiEdges := msh.PhiHalf[:nc+1]
	// Theta, as mu = cos(theta) = sin(latitude), ascending (south first):
	// source row j spans mu from cos(th_j+1) to cos(th_j), clamped to the poles.
	muEdges := make([]float64, ntm+1)
	for j := 0; j <= ntm; j++ {
		th := msh.ThetaHalf[j]
		mu := math.Cos(th)
		if j == 0 {
			mu = 1
		} else if j == ntm {
			mu = -1
		}
		muEdges[ntm-j] = mu
	}
	for j := 1; j <= ntm; j++ {
		if !(muEdges[j] > muEdges[j-1]) {
			return nil, fmt.Errorf("export: theta scale is too fine to remap (cells %d and %d coincide in cos(theta))", j-1, j)
		}
	}
	r.phiOv = overlaps(phiEdges, g.LonEdges(), 2*math.Pi)
	// Source rows in mu order are ntm-1-j; map them back to theta rows.
	r.muOv = overlaps(muEdges, g.SinLatEdges(), 0)
	for i := range r.muOv {
		r.muOv[i].src = ntm - 1 - r.muOv[i].src
	}
	r.weight = make([]float64, ntm*nc)
	r.cellArea = make([]float64, ntm*nc)
	for k := 0; k < nc; k++ {
		wp := msh.AreaPhi[k]
		if k == 0 {
			wp += msh.AreaPhi[msh.NPhiFile-1] // the 2pi column is the same cell
		}
		dphi := phiEdges[k+1] - phiEdges[k]
		for j := 0; j < ntm; j++ {
			r.weight[j+ntm*k] = msh.AreaTheta[j] * wp
			dmu := muEdges[ntm-j] - muEdges[ntm-1-j]
			r.cellArea[j+ntm*k] = dmu * dphi
		}
	}
	return r, nil
}

// MeshFlux returns the net flux of one realization of a map on the
// remapper's mesh (file layout: NPhiFile values per theta row, phi
// fastest), in Gauss times the unit sphere's area (multiply by
// mesh.RsunCm2 for Mx), loaded and integrated as goft's diagnostics do:
// the sum of Br times HipFT's integration weights. Like Remap, it panics
// if br does not hold NPhiFile*NThetaMain values.
func (r *Remapper) MeshFlux(br []float64) float64 {
	r.checkLen(br)
	f := r.load(br)
	ntm := r.Mesh.NThetaMain
	var sum float64
	for k := 0; k < r.Mesh.NPhiFile-1; k++ {
		for j := 0; j < ntm; j++ {
			sum += f[j+ntm*k] * r.weight[j+ntm*k]
		}
	}
	return sum
}

// checkLen panics unless br holds one realization of a map on the mesh.
func (r *Remapper) checkLen(br []float64) {
	if m := r.Mesh; len(br) != m.NPhiFile*m.NThetaMain {
		panic(fmt.Sprintf("export: %d values for a map on a %d x %d mesh", len(br), m.NPhiFile, m.NThetaMain))
	}
}

// load loads one realization (file layout) onto the main mesh as HipFT
// loads an initial map and returns the scratch field.
func (r *Remapper) load(br []float64) []float64 {
	m := r.Mesh
	m.FromMapLayout(r.field, br)
	m.PoleAverage(r.field, 1)
	return r.field
}

// Remap remaps one realization of a map on the remapper's mesh (br in
// file layout: NPhiFile values per theta row, phi fastest, theta rows from
// the north pole; Gauss) onto the target grid. It returns NLon*NLat values
// in Gauss, longitude fastest, row 0 at the south pole. It panics if br
// does not hold NPhiFile*NThetaMain values.
func (r *Remapper) Remap(br []float64) []float64 {
	m, g := r.Mesh, r.Grid
	ntm, nc := m.NThetaMain, m.NPhiFile-1
	r.checkLen(br)
	f := r.load(br)
	// Flux density of each source cell: its HipFT flux over its area.
	dens := make([]float64, ntm*nc)
	for k := 0; k < nc; k++ {
		for j := 0; j < ntm; j++ {
			i := j + ntm*k
			dens[i] = f[i] * r.weight[i] / r.cellArea[i]
		}
	}
	// Phi first: tmp[j][K] = sum_k dens[j,k] * phiOverlap(k, K).
	tmp := make([]float64, ntm*g.NLon)
	for _, o := range r.phiOv {
		row := tmp[o.dst*ntm : (o.dst+1)*ntm]
		col := dens[o.src*ntm : (o.src+1)*ntm]
		for j := range row {
			row[j] += col[j] * o.len
		}
	}
	// Then theta: out[K + NLon*J] = sum_j tmp[j][K] * muOverlap(j, J) / area(J).
	out := make([]float64, g.NLon*g.NLat)
	for _, o := range r.muOv {
		dst := out[o.dst*g.NLon : (o.dst+1)*g.NLon]
		for K := range dst {
			dst[K] += tmp[o.src+ntm*K] * o.len
		}
	}
	for J := 0; J < g.NLat; J++ {
		row := out[J*g.NLon : (J+1)*g.NLon]
		for K := range row {
			row[K] /= r.area[J]
		}
	}
	return out
}

// GridFlux returns the net flux of data on grid g (NLon*NLat values,
// longitude fastest, Gauss), the sum of values times cell areas on the
// unit sphere.
func GridFlux(g Grid, data []float64) float64 {
	a := g.CellAreas()
	var sum float64
	for J := 0; J < g.NLat; J++ {
		for K := 0; K < g.NLon; K++ {
			sum += data[K+g.NLon*J] * a[J]
		}
	}
	return sum
}
