package mesh

import "fmt"

// Bilinear interpolates a 2D table onto the points (x[i], y[j]) with
// HipFT's interp2d rules: src is indexed src[ix + len(xs)*iy] (x fastest),
// the scales xs and ys must be strictly increasing, each target uses the
// first interval with xs[i] <= x <= xs[i+1], and a target outside a scale's
// range gets 0. The result is indexed dst[i + len(x)*j].
func Bilinear(xs, ys, src, x, y []float64) ([]float64, error) {
	if err := increasing(xs); err != nil {
		return nil, err
	}
	if err := increasing(ys); err != nil {
		return nil, err
	}
	if len(src) != len(xs)*len(ys) {
		return nil, fmt.Errorf("interpolation table has %d values, want %d x %d", len(src), len(xs), len(ys))
	}
	nxs := len(xs)
	dst := make([]float64, len(x)*len(y))
	for j, yv := range y {
		jj, ay, ok := bracket(ys, yv)
		if !ok {
			continue
		}
		for i, xv := range x {
			ii, ax, ok := bracket(xs, xv)
			if !ok {
				continue
			}
			jp := jj + 1
			ip := ii + 1
			if len(ys) == 1 {
				jp = jj
			}
			if len(xs) == 1 {
				ip = ii
			}
			dst[i+len(x)*j] = (1-ax)*((1-ay)*src[ii+nxs*jj]+ay*src[ii+nxs*jp]) +
				ax*((1-ay)*src[ip+nxs*jj]+ay*src[ip+nxs*jp])
		}
	}
	return dst, nil
}

func increasing(s []float64) error {
	if len(s) == 0 {
		return fmt.Errorf("empty interpolation scale")
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] > s[i-1]) {
			return fmt.Errorf("scale is not monotonically increasing at index %d (%g after %g)", i, s[i], s[i-1])
		}
	}
	return nil
}

// bracket finds the first i with s[i] <= v <= s[i+1] and the fraction a.
func bracket(s []float64, v float64) (i int, a float64, ok bool) {
	if v < s[0] || v > s[len(s)-1] {
		return 0, 0, false
	}
	if len(s) == 1 {
		return 0, 0, v == s[0]
	}
	for i = 0; i < len(s)-1; i++ {
		if v >= s[i] && v <= s[i+1] {
			return i, (v - s[i]) / (s[i+1] - s[i]), true
		}
	}
	return 0, 0, false
}
