package magmap

import (
	"fmt"
	"math"
	"sort"

	"github.com/goft-sft/goft/internal/parallel"
)

// Grid sizes of MagMAP's magmap_disk2map.py defaults.
const (
	DefaultNPOut    = 1024
	DefaultNTOut    = 512
	DefaultNPInterp = 10240
	DefaultNTInterp = 5120
)

// arcsecPerRadian is the factor MagMAP uses (coord_manip.py).
const arcsecPerRadian = 206264.806

// Options are the mapping parameters, under MagMAP's option names.
type Options struct {
	// NPOut, NTOut: output grid in longitude (phi, 0 to 2 pi inclusive) and
	// latitude (pole to pole inclusive): -npout, -ntout.
	NPOut, NTOut int
	// NPInterp, NTInterp: high-resolution interpolation grid, larger than
	// the output grid in both directions: -npinterp, -ntinterp.
	NPInterp, NTInterp int
	// R0 is the radius of the mapped sphere in solar radii: -r0.
	R0 float64
	// Pool runs the interpolation rows in parallel; nil runs them serially.
	Pool *parallel.Pool
}

// DefaultOptions returns MagMAP's defaults: 1024 x 512 maps from a
// 10240 x 5120 interpolation grid on the sphere R0 = 1.
func DefaultOptions() Options {
	return Options{NPOut: DefaultNPOut, NTOut: DefaultNTOut, NPInterp: DefaultNPInterp, NTInterp: DefaultNTInterp, R0: 1}
}

// Check returns an error naming the option at fault.
func (o Options) Check() error {
	switch {
	case o.NPOut < 2 || o.NTOut < 2:
		return fmt.Errorf("-npout %d and -ntout %d: the output grid needs at least 2 points in each direction", o.NPOut, o.NTOut)
	case o.NTInterp <= o.NTOut:
		return fmt.Errorf("-ntinterp %d must be larger than -ntout %d (the interpolation grid must be larger than the final grid)", o.NTInterp, o.NTOut)
	case o.NPInterp <= o.NPOut:
		return fmt.Errorf("-npinterp %d must be larger than -npout %d (the interpolation grid must be larger than the final grid)", o.NPInterp, o.NPOut)
	case o.NPInterp > 1<<17 || o.NTInterp > 1<<17:
		return fmt.Errorf("-npinterp %d / -ntinterp %d: at most %d", o.NPInterp, o.NTInterp, 1<<17)
	case !(o.R0 > 0) || o.R0 > 10:
		return fmt.Errorf("-r0 %v: the assumed radius must be positive (solar radii, MagMAP's default 1.0)", o.R0)
	}
	return nil
}

// Map is a disk mapped to the output grid, in MagMAP's layout before it
// is written: rows from the south pole (latitude -pi/2) to the north pole,
// NPOut values each (phi fastest), rounded to float32 as MagMAP holds them.
type Map struct {
	NP, NT int
	// Phi (radians) and Lat (radians, ascending) are the grid points.
	Phi, Lat []float64
	// Br in Gauss, NoDataValue where there is no data; Weight the
	// assimilation weight; Mu the cosine of the angle to the observer
	// (negative on the far side).
	Br, Weight, Mu []float64
}

// linspace returns numpy.linspace(start, stop, n): start + i*step, the
// last point exactly stop.
func linspace(start, stop float64, n int) []float64 {
	out := make([]float64, n)
	step := (stop - start) / float64(n-1)
	for i := range out {
		out[i] = float64(i)*step + start
	}
	out[n-1] = stop
	return out
}

// overlap is one old pixel's share of a new pixel.
type overlap struct {
	idx     int
	portion float64 // fraction of the old pixel inside the new one
	weight  float64 // normalised averaging weight (portion times old width)
}

// overlaps returns, for each new pixel (edges newEdges), the old pixels
// (edges oldEdges, both ascending) it overlaps and their shares, as
// MagMAP's pixel_portion_overlap1D and the loops of downsamp_reg_grid
// compute them: portion is the fraction of the old pixel inside the new
// one, weight = portion * old width, normalised to sum 1.
func overlaps(newEdges, oldEdges []float64) [][]overlap {
	nOld := len(oldEdges) - 1
	out := make([][]overlap, len(newEdges)-1)
	for n := range out {
		e0, e1 := newEdges[n], newEdges[n+1]
		// Old pixels that can overlap: right edge > e0 and left edge < e1.
		lo := sort.SearchFloat64s(oldEdges[1:], e0) // first old pixel with right edge >= e0
		lo = max(lo-1, 0)
		hi := min(sort.SearchFloat64s(oldEdges, e1)+1, nOld)
		var list []overlap
		// A single old pixel that contains the new one.
		for k := lo; k < hi; k++ {
			l, r := oldEdges[k], oldEdges[k+1]
			if l < e0 && r > e1 {
				list = append(list, overlap{idx: k, portion: (e1 - e0) / (r - l)})
			}
		}
		if list == nil {
			for k := lo; k < hi; k++ {
				l, r := oldEdges[k], oldEdges[k+1]
				leftOut, rightOut := l < e0, r > e1
				var p float64
				switch {
				case leftOut && r > e0:
					p = (r - e0) / (r - l)
				case rightOut && l < e1:
					p = (e1 - l) / (r - l)
				case !leftOut && !rightOut:
					p = 1
				}
				if p > 0 {
					list = append(list, overlap{idx: k, portion: p})
				}
			}
		}
		sum := 0.0
		for i := range list {
			list[i].weight = list[i].portion * (oldEdges[list[i].idx+1] - oldEdges[list[i].idx])
			sum += list[i].weight
		}
		for i := range list {
			list[i].weight /= sum
		}
		out[n] = list
	}
	return out
}

// imageAxis returns the pixel centres of one image axis in arcsec as MagMAP
// computes them: ((i+1) - crpix)*cdelt/rsun held as float32 solar radii,
// times rsun in float32 (numpy's float32 array times a Python float).
func imageAxis(n int, crpix, cdelt, rsun float64) []float64 {
	ax := make([]float64, n)
	r32 := float32(rsun)
	for i := range ax {
		radii := float32((float64(i+1) - crpix) * cdelt / rsun)
		ax[i] = float64(radii * r32)
	}
	return ax
}

// geometry holds the per-disk constants of the map-to-image transform.
type geometry struct {
	rot        [3][3]float64 // Carrington to image frame (x right, y up, z to observer)
	r0, d      float64       // sphere radius and observer distance, solar radii
	minZ       float64       // points with z <= minZ are hidden
	offX, offY float64       // CRVAL in the image frame, arcsec
}

func newGeometry(disk *Disk, r0 float64) geometry {
	dphi := -disk.CRLN*math.Pi/180 - math.Pi/2
	rot1 := [3][3]float64{{math.Cos(dphi), -math.Sin(dphi), 0}, {math.Sin(dphi), math.Cos(dphi), 0}, {0, 0, 1}}
	dth := disk.CRLT*math.Pi/180 - math.Pi/2
	rot2 := [3][3]float64{{1, 0, 0}, {0, math.Cos(dth), -math.Sin(dth)}, {0, math.Sin(dth), math.Cos(dth)}}
	cr := math.Pi * disk.CROTA2 / 180
	snu := [3][3]float64{{math.Cos(cr), math.Sin(cr), 0}, {-math.Sin(cr), math.Cos(cr), 0}, {0, 0, 1}}
	g := geometry{rot: matmul(snu, matmul(rot2, rot1)), r0: r0, d: disk.DsunObs / disk.RsunRef, minZ: disk.RsunRef / disk.DsunObs}
	// CRVAL (helioprojective, north up) in the image frame.
	g.offX = math.Cos(cr)*disk.CRVAL1 + math.Sin(cr)*disk.CRVAL2
	g.offY = -math.Sin(cr)*disk.CRVAL1 + math.Cos(cr)*disk.CRVAL2
	return g
}

func matmul(a, b [3][3]float64) [3][3]float64 {
	var c [3][3]float64
	for i := range 3 {
		for j := range 3 {
			c[i][j] = a[i][0]*b[0][j] + a[i][1]*b[1][j] + a[i][2]*b[2][j]
		}
	}
	return c
}

// project maps the Carrington point (sin theta cos phi, sin theta sin phi,
// cos theta) * r0 to the image: arcsec coordinates (tx, ty) in the image
// frame, mu, and whether the point is visible (MagMAP's
// map_grid_to_helioprojective, with z clipped to [-r0, r0]).
func (g *geometry) project(st, ct, cp, sp float64) (tx, ty, mu float64, visible bool) {
	x3, y3, z3 := g.r0*st*cp, g.r0*st*sp, g.r0*ct
	x := g.rot[0][0]*x3 + g.rot[0][1]*y3 + g.rot[0][2]*z3
	y := g.rot[1][0]*x3 + g.rot[1][1]*y3 + g.rot[1][2]*z3
	z := g.rot[2][0]*x3 + g.rot[2][1]*y3 + g.rot[2][2]*z3
	z = max(min(z, g.r0), -g.r0)
	dmz := g.d - z
	xy := x*x + y*y
	dist := math.Sqrt(xy + dmz*dmz)
	// mu = cos(image_theta + alpha), image_theta = acos(z/r0),
	// alpha = atan2(rho, D - z), expanded without the inverse functions.
	c := z / g.r0
	s := math.Sqrt(max(0, 1-c*c))
	mu = c*(dmz/dist) - s*(math.Sqrt(xy)/dist)
	if !(z > g.minZ) {
		return 0, 0, mu, false
	}
	tx = math.Atan2(x, dmz)*arcsecPerRadian - g.offX
	ty = math.Asin(y/dist)*arcsecPerRadian - g.offY
	return tx, ty, mu, true
}

// axisIndex finds the cell of x in the ascending axis ax as scipy's
// RegularGridInterpolator does (i = searchsorted(ax, x) - 1, clipped to
// [0, n-2]) and returns i and the normalised distance from ax[i]; ok is
// false outside [ax[0], ax[n-1]], where MagMAP fails and goft has no data.
func axisIndex(ax []float64, x, x0, dx float64) (int, float64, bool) {
	n := len(ax)
	if !(x >= ax[0] && x <= ax[n-1]) {
		return 0, 0, false
	}
	i := int((x - x0) / dx)
	i = max(min(i, n-2), 0)
	for i > 0 && ax[i] >= x {
		i--
	}
	for i < n-2 && ax[i+1] < x {
		i++
	}
	return i, (x - ax[i]) / float64(float32(ax[i+1])-float32(ax[i])), true
}

// Remap maps disk to the output grid (see the package documentation).
func Remap(disk *Disk, opt Options) (*Map, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	if disk.CDELT1 <= 0 || disk.CDELT2 <= 0 {
		return nil, diskErr(disk.Path, "CDELT1 = %v, CDELT2 = %v (want positive: images with reversed axes are not supported)", disk.CDELT1, disk.CDELT2)
	}
	geo := newGeometry(disk, opt.R0)
	ax := imageAxis(disk.NX, disk.CRPIX1, disk.CDELT1, disk.RsunArcsec)
	ay := imageAxis(disk.NY, disk.CRPIX2, disk.CDELT2, disk.RsunArcsec)
	ax0, adx := ax[0], (ax[len(ax)-1]-ax[0])/float64(len(ax)-1)
	ay0, ady := ay[0], (ay[len(ay)-1]-ay[0])/float64(len(ay)-1)
	nx := disk.NX
	sample := func(st, ct, cp, sp float64) (br, mu float64, has bool) {
		tx, ty, muf, vis := geo.project(st, ct, cp, sp)
		mu32 := float32(muf)
		if !vis {
			return 0, float64(mu32), false
		}
		i, fx, okx := axisIndex(ax, tx, ax0, adx)
		jj, fy, oky := axisIndex(ay, ty, ay0, ady)
		if !okx || !oky {
			return 0, float64(mu32), false
		}
		v00 := float64(disk.Blos[i+nx*jj])
		v01 := float64(disk.Blos[i+1+nx*jj])
		v10 := float64(disk.Blos[i+nx*(jj+1)])
		v11 := float64(disk.Blos[i+1+nx*(jj+1)])
		// scipy's RegularGridInterpolator sums the corners in this order.
		v := 0.0
		v += v00 * ((1 - fy) * (1 - fx))
		v += v01 * ((1 - fy) * fx)
		v += v10 * (fy * (1 - fx))
		v += v11 * (fy * fx)
		if math.IsNaN(v) {
			return 0, float64(mu32), false
		}
		b := float32(v)
		if b > NoDataValue {
			b /= mu32
		}
		return float64(b), float64(mu32), b != NoDataValue
	}
	return remap(opt, sample, false), nil
}

// sampler returns Br, mu and whether there is data at the point of the
// sphere (sin theta, cos theta, cos phi, sin phi).
type sampler func(st, ct, cp, sp float64) (br, mu float64, has bool)

// remap interpolates with sample on the interpolation grid of opt and bins
// the result to the output grid. With exact set, no value is rounded to
// float32 (MagMAP's precision): the tests check conservation with it.
func remap(opt Options, sample sampler, exact bool) *Map {
	round := func(v float64) float64 {
		if exact {
			return v
		}
		return float64(float32(v))
	}
	// The interpolation grid (magmap_disk2map.py): x uniform in phi, y
	// uniform in latitude; pole points moved dy/4 inward for interpolation.
	np, nt := opt.NPInterp, opt.NTInterp
	xAxis := linspace(0, 2*math.Pi, np)
	yAxis := linspace(-math.Pi/2, math.Pi/2, nt)
	dy := yAxis[1] - yAxis[0]
	yInterp := append([]float64{}, yAxis...)
	yInterp[0] += dy / 4
	yInterp[nt-1] -= dy / 4
	sinLat := make([]float64, nt)
	for j := range sinLat {
		sinLat[j] = math.Sin(yAxis[j])
	}
	// MagMAP stores the map's phi axis as float32.
	// (exact: float64, held in the same slice as float32-rounded values
	// would be)
	x32 := make([]float64, np)
	for k := range x32 {
		x32[k] = round(xAxis[k])
	}

	// Output grid.
	newX := linspace(0, 2*math.Pi, opt.NPOut)
	newLat := linspace(-math.Pi/2, math.Pi/2, opt.NTOut)
	newSin := make([]float64, opt.NTOut)
	for i := range newSin {
		newSin[i] = math.Sin(newLat[i])
	}

	// Old (interpolation grid) pixel edges and areas, as downsamp_reg_grid.
	oldXEdges := make([]float64, np+1)
	oldXEdges[0], oldXEdges[np] = x32[0], x32[np-1]
	dphi := make([]float64, np)
	for k := 0; k < np-1; k++ {
		oldXEdges[k+1] = round(round(x32[k]+x32[k+1]) / 2)
	}
	for k := 0; k < np; k++ {
		lower, upper := x32[0], x32[np-1]
		if k > 0 {
			lower = round(round(round(x32[k]-x32[k-1])/2) + x32[k-1])
		}
		if k < np-1 {
			upper = round(round(round(x32[k+1]-x32[k])/2) + x32[k])
		}
		dphi[k] = round(upper - lower)
	}
	oldYEdges := make([]float64, nt+1)
	oldYEdges[0], oldYEdges[nt] = -1, 1
	sinHalf := make([]float64, nt-1)
	for j := 0; j < nt-1; j++ {
		sinHalf[j] = (sinLat[j+1]-sinLat[j])/2 + sinLat[j]
		oldYEdges[j+1] = sinHalf[j]
	}
	// Row area factor sin(theta) dtheta of each old row.
	rowArea := make([]float64, nt)
	for j := 0; j < nt; j++ {
		lower, upper := math.Pi, 0.0
		if j > 0 {
			lower = -math.Asin(sinHalf[j-1]) + math.Pi/2
		}
		if j < nt-1 {
			upper = -math.Asin(sinHalf[j]) + math.Pi/2
		}
		theta := -math.Asin(sinLat[j]) + math.Pi/2
		rowArea[j] = math.Sin(theta) * math.Abs(upper-lower)
	}
	newYEdges := make([]float64, opt.NTOut+1)
	newYEdges[0], newYEdges[opt.NTOut] = newSin[0], newSin[opt.NTOut-1]
	for i := 0; i < opt.NTOut-1; i++ {
		newYEdges[i+1] = (newSin[i] + newSin[i+1]) / 2
	}
	newXEdges := make([]float64, opt.NPOut+1)
	newXEdges[0], newXEdges[opt.NPOut] = newX[0], newX[opt.NPOut-1]
	for i := 0; i < opt.NPOut-1; i++ {
		newXEdges[i+1] = (newX[i] + newX[i+1]) / 2
	}
	rows := overlaps(newYEdges, oldYEdges)
	colsByNew := overlaps(newXEdges, oldXEdges)
	// Transpose the column weights: for each old column its new columns.
	cols := make([][]overlap, np)
	for n, list := range colsByNew {
		for _, o := range list {
			cols[o.idx] = append(cols[o.idx], overlap{idx: n, portion: o.portion, weight: o.weight})
		}
	}

	// Pass 1, parallel over interpolation rows: interpolate, convert to Br
	// and reduce each row over columns.
	npo := opt.NPOut
	cData := make([]float64, nt*npo) // sum_k data_jk C_kn (no data: 0)
	cHave := make([]float64, nt*npo) // sum_k [data] dphi_k Cda_kn
	cMu := make([]float64, nt*npo)   // sum_k mu_jk C_kn
	cp := make([]float64, np)
	sp := make([]float64, np)
	for k := range cp {
		cp[k], sp[k] = math.Cos(xAxis[k]), math.Sin(xAxis[k])
	}
	body := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			theta := math.Pi/2 - math.Asin(math.Sin(yInterp[j]))
			st, ct := math.Sin(theta), math.Cos(theta)
			rd, rh, rm := cData[j*npo:(j+1)*npo], cHave[j*npo:(j+1)*npo], cMu[j*npo:(j+1)*npo]
			for k := 0; k < np; k++ {
				br, mu, has := sample(st, ct, cp[k], sp[k])
				for _, o := range cols[k] {
					if has {
						rd[o.idx] += br * o.weight
						rh[o.idx] += dphi[k] * o.portion
					}
					rm[o.idx] += mu * o.weight
				}
			}
		}
	}
	if opt.Pool != nil {
		opt.Pool.For(nt, body)
	} else {
		body(0, nt)
	}

	// Pass 2: reduce over rows, fill the area ratio.
	colDA := make([]float64, npo) // sum_k dphi_k Cda_kn
	for k := 0; k < np; k++ {
		for _, o := range cols[k] {
			colDA[o.idx] += dphi[k] * o.portion
		}
	}
	m := &Map{NP: npo, NT: opt.NTOut, Phi: newX, Lat: newLat}
	m.Br = make([]float64, npo*opt.NTOut)
	m.Mu = make([]float64, npo*opt.NTOut)
	m.Weight = make([]float64, npo*opt.NTOut)
	for i, list := range rows {
		rowDA := 0.0
		for _, o := range list {
			rowDA += o.portion * rowArea[o.idx]
		}
		for n := 0; n < npo; n++ {
			var d, have, mu float64
			for _, o := range list {
				d += o.weight * cData[o.idx*npo+n]
				have += o.portion * rowArea[o.idx] * cHave[o.idx*npo+n]
				mu += o.weight * cMu[o.idx*npo+n]
			}
			ratio := have / (rowDA * colDA[n])
			if ratio < 0.5 {
				d = NoDataValue
			} else {
				d = round(d) / ratio
			}
			m.Br[i*npo+n] = round(d)
			m.Mu[i*npo+n] = round(mu)
		}
	}
	// Uniform poles: the first and last rows become their mean.
	for _, i := range []int{0, opt.NTOut - 1} {
		for _, layer := range [][]float64{m.Br, m.Mu} {
			row := layer[i*npo : (i+1)*npo]
			sum, n := 0.0, 0
			for _, v := range row {
				if v != NoDataValue {
					sum += v
					n++
				}
			}
			if n > 0 {
				mean := round(sum / float64(n))
				for k := range row {
					row[k] = mean
				}
			}
		}
	}
	// Periodic phi: the half pixels at 0 and 2 pi become their
	// width-weighted mean.
	wl, wr := newXEdges[1]-newXEdges[0], newXEdges[npo]-newXEdges[npo-1]
	for i := 0; i < opt.NTOut; i++ {
		for _, layer := range [][]float64{m.Br, m.Mu} {
			l, r := &layer[i*npo], &layer[i*npo+npo-1]
			switch {
			case *l != NoDataValue && *r != NoDataValue:
				avg := round((wl**l + wr**r) / (wl + wr))
				*l, *r = avg, avg
			case *l == NoDataValue && *r != NoDataValue:
				*l = *r
			case *l != NoDataValue && *r == NoDataValue:
				*r = *l
			}
		}
	}
	// Weights: mu^4, zero where mu <= 0.1 or there is no data.
	for i, mu := range m.Mu {
		w := round(math.Pow(mu, 4))
		if mu <= 0.1 || m.Br[i] == NoDataValue {
			w = 0
		}
		m.Weight[i] = w
	}
	return m
}
