package plot

import (
	"image"
	"math"
	"sort"
)

// Field is a scalar on a grid of columns (x: longitude in degrees or time)
// and rows (latitude in degrees), drawn as a colour raster.
type Field struct {
	// X is the plot coordinate of every column, ascending.
	X []float64
	// Lat is the latitude of every row (degrees), ascending or descending.
	Lat []float64
	// V[i + len(X)*j] is the value at X[i], Lat[j] (Gauss).
	V []float64
}

// ThetaToLat converts colatitudes (radians) to latitudes (degrees).
func ThetaToLat(theta []float64) []float64 {
	lat := make([]float64, len(theta))
	for i, t := range theta {
		lat[i] = 90 - t*180/math.Pi
	}
	return lat
}

// weights returns, for every row, the area weight cos(latitude).
func (f *Field) weights() []float64 {
	w := make([]float64, len(f.V))
	for j, lat := range f.Lat {
		c := math.Max(0, math.Cos(lat*math.Pi/180))
		for i := range f.X {
			w[i+len(f.X)*j] = c
		}
	}
	return w
}

// bracket returns, for coordinate v, the index i and weight t such that v
// is (1-t) s[i] + t s[i+1]; s is ascending with at least one point; v
// outside the range clamps to the end points.
func bracket(s []float64, v float64) (int, float64) {
	n := len(s)
	if n == 1 || v <= s[0] {
		return 0, 0
	}
	if v >= s[n-1] {
		return n - 2, 1
	}
	i := sort.SearchFloat64s(s, v) - 1
	if i < 0 {
		i = 0
	}
	return i, (v - s[i]) / (s[i+1] - s[i])
}

// Raster draws f into a w x h image covering x from x0 to x1 (left to
// right) and latitude from +90 (top) to -90 (bottom), or sin(latitude) from
// 1 to -1 when sinLat is set, interpolating bilinearly, with colours
// Diverging(sc.U(value)).
func Raster(f *Field, w, h int, x0, x1 float64, sinLat bool, sc ColourScale) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	nx := len(f.X)
	// Rows in ascending latitude, with their original index.
	lat := append([]float64(nil), f.Lat...)
	rowOf := make([]int, len(lat))
	for j := range rowOf {
		rowOf[j] = j
	}
	if len(lat) > 1 && lat[0] > lat[len(lat)-1] {
		for a, b := 0, len(lat)-1; a < b; a, b = a+1, b-1 {
			lat[a], lat[b] = lat[b], lat[a]
			rowOf[a], rowOf[b] = rowOf[b], rowOf[a]
		}
	}
	ci := make([]int, w)
	ct := make([]float64, w)
	for px := 0; px < w; px++ {
		x := x0 + (float64(px)+0.5)/float64(w)*(x1-x0)
		ci[px], ct[px] = bracket(f.X, x)
	}
	for py := 0; py < h; py++ {
		y := 1 - 2*(float64(py)+0.5)/float64(h) // 1 at the top, -1 at the bottom
		var la float64
		if sinLat {
			la = math.Asin(y) * 180 / math.Pi
		} else {
			la = 90 * y
		}
		j, tj := bracket(lat, la)
		j0 := rowOf[j]
		j1 := j0
		if len(lat) > 1 {
			j1 = rowOf[j+1]
		}
		for px := 0; px < w; px++ {
			i, ti := ci[px], ct[px]
			i1 := i
			if nx > 1 {
				i1 = i + 1
			}
			v0 := (1-ti)*f.V[i+nx*j0] + ti*f.V[i1+nx*j0]
			v1 := (1-ti)*f.V[i+nx*j1] + ti*f.V[i1+nx*j1]
			v := (1-tj)*v0 + tj*v1
			img.SetRGBA(px, py, Diverging(sc.U(v)))
		}
	}
	return img
}
