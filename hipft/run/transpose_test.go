package run

import "testing"

// TestTranspose checks the tiled transpose of writeMap against its
// definition dst[k+nPhi*j] = src[j+ntm*k], on sizes that are and are not
// multiples of the tile.
func TestTranspose(t *testing.T) {
	for _, sz := range [][2]int{{512, 1025}, {21, 42}, {7, 3}, {33, 65}, {64, 33}} {
		ntm, npm := sz[0], sz[1]
		nPhi := npm - 1
		src := make([]float64, ntm*npm)
		for i := range src {
			src[i] = float64(i)
		}
		dst := make([]float64, ntm*nPhi)
		transpose(dst, src, ntm, nPhi)
		for j := 0; j < ntm; j++ {
			for k := 0; k < nPhi; k++ {
				if dst[k+nPhi*j] != src[j+ntm*k] {
					t.Fatalf("%d x %d: point (j=%d, k=%d) is %v, want %v", ntm, npm, j, k, dst[k+nPhi*j], src[j+ntm*k])
				}
			}
		}
	}
}
