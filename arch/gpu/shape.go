package gpu

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/model/mesh"
)

// stsThreads is the block size of diff_sts_block (STS_THREADS).
const stsThreads = 256

// stsShape is the compile-time shape of the blocked STS stages
// (diff_sts_block, kernels/diffusion.cu): at most halo stages per launch,
// tiles of tileJ x tileK points (theta x phi) including halos of halo
// points, done by stsThreads threads.
type stsShape struct{ halo, tileJ, tileK int }

// defaultSTSShape mirrors the kernel source's default STS_* values (a test
// checks that they agree).
var defaultSTSShape = stsShape{halo: 4, tileJ: 64, tileK: 32}

// String is the shape as Options.STSShape writes it.
func (s stsShape) String() string { return fmt.Sprintf("%d,%dx%d", s.halo, s.tileJ, s.tileK) }

// defines are the NVRTC options that compile the kernels for s.
func (s stsShape) defines() []string {
	return []string{fmt.Sprintf("-DSTS_HALO=%d", s.halo), fmt.Sprintf("-DSTS_TILE_J=%d", s.tileJ), fmt.Sprintf("-DSTS_TILE_K=%d", s.tileK)}
}

// ownJ and ownK are a tile's own rows and columns (without its halos).
func (s stsShape) ownJ() int { return s.tileJ - 2*s.halo }
func (s stsShape) ownK() int { return s.tileK - 2*s.halo }

// fits reports whether diff_sts_block of shape s can run on mesh m: its
// polar caps of 2*halo rows must leave interior rows between them, and a
// tile must not meet the closing of the ring of interior columns twice.
func (s stsShape) fits(m *mesh.Mesh) bool {
	return m.NThetaMain >= 4*s.halo && m.NPhiMain-2 >= s.tileK
}

// parseSTSShape reads "H,JxK" (stages per launch and halo H, tile of J
// rows by K columns); "" is the default shape. The tile's rows must divide
// the block's threads (each thread owns points of one row), the tile must
// fit in 48 KiB of shared memory, and the halos must leave own points.
func parseSTSShape(v string) (stsShape, error) {
	if v == "" {
		return defaultSTSShape, nil
	}
	bad := func(why string) (stsShape, error) {
		return stsShape{}, fmt.Errorf("diffusion stage shape %q: %s (the form is H,JxK, e.g. %s)", v, why, defaultSTSShape)
	}
	h, tile, ok := strings.Cut(v, ",")
	if !ok {
		return bad("no comma")
	}
	js, ks, ok := strings.Cut(tile, "x")
	if !ok {
		return bad("the tile is not JxK")
	}
	var s stsShape
	var err error
	if s.halo, err = strconv.Atoi(strings.TrimSpace(h)); err != nil {
		return bad("H is not a number")
	}
	if s.tileJ, err = strconv.Atoi(strings.TrimSpace(js)); err != nil {
		return bad("J is not a number")
	}
	if s.tileK, err = strconv.Atoi(strings.TrimSpace(ks)); err != nil {
		return bad("K is not a number")
	}
	switch {
	case s.halo < 1:
		return bad("H must be at least 1")
	case s.tileJ < 1 || s.tileK < 1 || stsThreads%s.tileJ != 0 || s.tileJ*s.tileK%stsThreads != 0:
		return bad(fmt.Sprintf("J must divide %d and J*K be a multiple of it", stsThreads))
	case 8*(s.tileJ*s.tileK+2*s.tileJ+1) > 48<<10:
		return bad("the tile does not fit in 48 KiB of shared memory")
	case s.ownJ() < 1 || s.ownK() < 1:
		return bad("the halos (2H) leave no own points in the tile")
	}
	return s, nil
}
