package mapprep_test

import (
	"fmt"
	"log"
	"math"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/stage/mapprep"
)

// Process a map as psi_map_prep.py does by default (remap to 1 degree,
// smoothing factor 0.5, flux balance) and then make the WSA model's grid
// from the result, as oftswa.py's make_wsa_dataset does.
func ExampleProcess() {
	m, err := psihdf.Read("testdata/input_121x61.h5")
	if err != nil {
		log.Fatal(err)
	}
	res, err := mapprep.Process(m, mapprep.DefaultOptions(), nil)
	if err != nil {
		log.Fatal(err)
	}
	p := res.Map
	fmt.Printf("processed: %d x %d points, single precision %v\n", p.Dims[0], p.Dims[1], p.Float32)
	fmt.Printf("net flux %.3g Mx, balanced to below 1e-6 of it: %v\n", res.FluxBefore[0]*mesh.RsunCm2, math.Abs(res.FluxAfter[0]) < 1e-6*math.Abs(res.FluxBefore[0]))
	wopt, err := mapprep.WSAOptions(p.Dims[0], p.Dims[1])
	if err != nil {
		log.Fatal(err)
	}
	w, err := mapprep.Process(p, wopt, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("WSA: %d x %d cells, first at %.1f, %.1f degrees\n", w.Map.Dims[0], w.Map.Dims[1], w.Map.Scales[0][0]*180/math.Pi, w.Map.Scales[1][0]*180/math.Pi)
	// Write them with psihdf.Write(path, p, p.Float32).

	// Output:
	// processed: 361 x 181 points, single precision true
	// net flux -9.74e+21 Mx, balanced to below 1e-6 of it: true
	// WSA: 360 x 180 cells, first at 0.5, 0.5 degrees
}
