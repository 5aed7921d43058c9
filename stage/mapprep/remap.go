package mapprep

import (
	"fmt"
)

// Remapper is psi_remap_mm.py's remap (predsci/OFT bin/psi_remap_mm.py,
// with downsample_grid.py's downsamp_reg_grid) from one map's point grid
// onto another.
//
// Each grid's points are given cells whose edges are the midpoints between
// neighbouring points, except the first and last edges, which are the first
// and last points themselves ("set boundary edges to original center
// positions", the script's main-main mesh assumption): on a main-main mesh
// (phi 0 to 2pi, theta 0 to pi, ends included) the end cells are half
// cells, [0, dp/2] and [2pi-dp/2, 2pi] in phi, caps of half a step in
// theta. On the WSA inner-mesh grid the same rule leaves out the strips
// within half a cell of phi = 0 and of the poles: its first cell is
// [dp/2, dp], not [0, dp].
//
// A target value is the average of the source values weighted by the
// length of overlap of the cells, separately in phi and in theta: the
// weights are products of a phi and a theta weight, each the overlap
// length normalised over the target cell. Lengths are in phi and theta
// themselves, not in sin(theta) d(theta): the remap conserves the integral
// of Br dphi dtheta, not the magnetic flux (the integral of Br
// sin(theta) dtheta dphi), whose net value then changes by a small amount
// that the flux balance after it removes. downsamp_reg_grid's area
// argument da (sin(theta)) enters only its treatment of missing values
// (-99999), which for maps without them leaves every value unchanged.
type Remapper struct {
	src, dst Grid
	phiW     []weights1D // one per target phi cell: source phi cells
	thetaW   []weights1D // one per target theta cell: source theta cells
}

// weights1D lists the source cells a target cell overlaps and their
// normalised weights.
type weights1D struct {
	first int       // index of the first source cell
	w     []float64 // weights of source cells first, first+1, ...
}

// MissingValue is downsample_grid.py's no_data_val: a source value equal
// to it marks missing data there. goft refuses maps that hold it.
const MissingValue = -99999.0

// cellEdges returns psi_remap_mm.py's edges of the cells around points c:
// the midpoints between points (computed in float32 with single, as numpy
// does for float32 scales), and the first and last points themselves.
func cellEdges(c []float64, single bool) []float64 {
	n := len(c)
	e := make([]float64, n+1)
	for i := 1; i < n; i++ {
		if single {
			e[i] = float64((float32(c[i-1]) + float32(c[i])) * 0.5)
		} else {
			e[i] = (c[i-1] + c[i]) * 0.5
		}
	}
	e[0] = c[0]
	e[n] = c[n-1]
	return e
}

// overlapWeights returns, for each new cell, downsample_grid.py's weights
// of the old cells: the portion of the old cell that lies in the new cell
// (pixel_portion_overlap1D) times its width, normalised to sum 1.
func overlapWeights(newEdges, oldEdges []float64, name string) ([]weights1D, error) {
	nNew, nOld := len(newEdges)-1, len(oldEdges)-1
	out := make([]weights1D, nNew)
	for i := 0; i < nNew; i++ {
		a, b := newEdges[i], newEdges[i+1]
		first, last := -1, -1
		var w []float64
		var sum float64
		// An old cell that strictly contains the new one is the only
		// cell used (the script's consume_bin branch).
		consumed := -1
		for k := 0; k < nOld; k++ {
			if oldEdges[k] < a && oldEdges[k+1] > b {
				consumed = k
				break
			}
		}
		for k := 0; k < nOld; k++ {
			l, r := oldEdges[k], oldEdges[k+1]
			width := r - l
			var portion float64
			switch {
			case consumed >= 0:
				if k != consumed {
					continue
				}
				portion = (b - a) / width
			case l >= a && r <= b: // inside the new cell
				portion = 1
			case l < b && r > b: // overlaps the new cell's right edge
				portion = (b - l) / width
			case l < a && r > a: // overlaps its left edge
				portion = (r - a) / width
			}
			if !(portion > 0) {
				continue
			}
			if first < 0 {
				first, last = k, k-1
			}
			for last < k-1 { // cells between (zero overlap) keep weight 0
				w = append(w, 0)
				last++
			}
			v := portion * width
			w = append(w, v)
			last = k
			sum += v
		}
		if first < 0 || !(sum > 0) {
			return nil, fmt.Errorf("target %s cell %d [%g, %g] overlaps no cell of the source map (source %s %g to %g)", name, i+1, a, b, name, oldEdges[0], oldEdges[nOld])
		}
		for j := range w {
			w[j] /= sum
		}
		out[i] = weights1D{first: first, w: w}
	}
	return out, nil
}

// NewRemapper prepares the remap from a map on grid src (its dim1 = phi
// and dim2 = theta scales, radians) onto grid dst.
func NewRemapper(src, dst Grid) (*Remapper, error) {
	if err := src.Check(); err != nil {
		return nil, fmt.Errorf("source map: %w", err)
	}
	if err := dst.Check(); err != nil {
		return nil, fmt.Errorf("target grid: %w", err)
	}
	phiW, err := overlapWeights(cellEdges(dst.Phi, dst.Float32), cellEdges(src.Phi, src.Float32), "phi")
	if err != nil {
		return nil, err
	}
	thetaW, err := overlapWeights(cellEdges(dst.Theta, dst.Float32), cellEdges(src.Theta, src.Float32), "theta")
	if err != nil {
		return nil, err
	}
	return &Remapper{src: src, dst: dst, phiW: phiW, thetaW: thetaW}, nil
}

// Target returns the grid the remapper maps onto.
func (r *Remapper) Target() Grid { return r.dst }

// Remap remaps one map on the source grid (br in file layout: len(src.Phi)
// values per theta row, phi fastest; Gauss) and returns it on the target
// grid in the same layout. As the script does, it first averages over
// phi (each source theta row), then over theta.
func (r *Remapper) Remap(br []float64) ([]float64, error) {
	nps, nts := len(r.src.Phi), len(r.src.Theta)
	if len(br) != nps*nts {
		return nil, fmt.Errorf("remap: the map has %d values, the source grid %d x %d", len(br), nps, nts)
	}
	for i, v := range br {
		if v == MissingValue {
			return nil, fmt.Errorf("point (phi %d, theta %d) holds %g, which psi_remap_mm.py treats as missing data; goft's map processing needs a map without missing values", i%nps+1, i/nps+1, MissingValue)
		}
	}
	npd, ntd := len(r.dst.Phi), len(r.dst.Theta)
	// rows[j*npd+kn]: source theta row j averaged onto target phi cell kn.
	rows := make([]float64, nts*npd)
	for j := 0; j < nts; j++ {
		src := br[j*nps : (j+1)*nps]
		dst := rows[j*npd : (j+1)*npd]
		for kn, pw := range r.phiW {
			var s float64
			for q, w := range pw.w {
				s += w * src[pw.first+q]
			}
			dst[kn] = s
		}
	}
	out := make([]float64, ntd*npd)
	for jn, tw := range r.thetaW {
		dst := out[jn*npd : (jn+1)*npd]
		for q, w := range tw.w {
			row := rows[(tw.first+q)*npd : (tw.first+q+1)*npd]
			for kn := range dst {
				dst[kn] += w * row[kn]
			}
		}
	}
	return out, nil
}
