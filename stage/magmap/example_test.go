package magmap_test

import (
	"fmt"
	"math"
	"time"

	"github.com/goft-sft/goft/stage/magmap"
)

// Observe a dipole-like field from the Earth, map the disk back and read
// Br near disk centre, where the weight is highest.
func Example() {
	field := func(lon, lat float64) float64 { return 10*math.Sin(lat) + 5*math.Cos(lat)*math.Cos(lon) }
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	img, err := magmap.ObserveDisk(field, magmap.DefaultObserver(256, when, 90, 0)) // CRLN_OBS 90, B0 0
	if err != nil {
		panic(err)
	}
	disk, err := magmap.NewDisk("synthetic.fits", img)
	if err != nil {
		panic(err)
	}
	m, err := magmap.Remap(disk, magmap.Options{NPOut: 73, NTOut: 37, NPInterp: 730, NTInterp: 370, R0: 1})
	if err != nil {
		panic(err)
	}
	// The pixel at longitude 60 and latitude 30 degrees (5-degree grid).
	i, k := 24, 12
	fmt.Printf("phi %.0f deg, lat %.0f deg: Br %.2f G (exact %.2f), weight %.3f\n",
		m.Phi[k]*180/math.Pi, m.Lat[i]*180/math.Pi, m.Br[i*m.NP+k], field(m.Phi[k], m.Lat[i]), m.Weight[i*m.NP+k])
	// Output:
	// phi 60 deg, lat 30 deg: Br 7.16 G (exact 7.17), weight 0.313
}
