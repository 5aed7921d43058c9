package gpu

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/mesh"
)

// flowFilesCase reads time-dependent flows from files (a new pair every 12
// hours) and attenuates them, so the model velocity changes during the run
// and the backend must upload it again (the path prepareBackend does not
// take).
const flowFilesCase = `res_nt = 21
 res_np = 41
 n_realizations = 2
 validation_run = 1
 time_end = 36.0
 dt_max = 4.0
 advance_flow = .true.
 use_flow_from_files = .true.
 flow_list_filename = 'flows.csv'
 flow_attenuate = .true.
 flow_attenuate_values = 0.5, 2.0
 advance_diffusion = .true.
 diffusion_coef_constants = 100.0, 300.0`

// writeFlowFiles writes flowFilesCase's flow list and four flow pairs (m/s,
// on the 21 x 41 mesh), each with its own rotation and meridional flow.
func writeFlowFiles(dir string) error {
	m, err := mesh.Uniform(21, 41)
	if err != nil {
		return err
	}
	list := "time,vt_file,vp_file\n"
	for q := range 4 {
		vt, vp := fmt.Sprintf("vt%d.h5", q), fmt.Sprintf("vp%d.h5", q)
		amp := 15 + 5*float64(q)
		err := writeMapFunc(filepath.Join(dir, vt), m.Phi[:m.NPhiFile], m.ThetaHalf, func(p, th float64) float64 {
			return amp * math.Sin(2*th) * (1 + 0.2*math.Cos(p+float64(q)))
		})
		if err != nil {
			return err
		}
		err = writeMapFunc(filepath.Join(dir, vp), m.PhiHalf, m.Theta, func(p, th float64) float64 {
			return (40 + 3*float64(q)) * math.Sin(th) * (1 - 0.1*math.Sin(p))
		})
		if err != nil {
			return err
		}
		list += fmt.Sprintf("%11.5f,%-11s,%-11s\n", 0.5*float64(q), vt, vp)
	}
	return os.WriteFile(filepath.Join(dir, "flows.csv"), []byte(list), 0o644)
}

// writeMapFunc writes a 2D map on the (phi, theta) points with value
// v(phi, theta).
func writeMapFunc(path string, phi, theta []float64, v func(p, th float64) float64) error {
	data := make([]float64, len(phi)*len(theta))
	for j, th := range theta {
		for k, p := range phi {
			data[k+len(phi)*j] = v(p, th)
		}
	}
	return psihdf.Write(path, &psihdf.Map{Dims: []int{len(phi), len(theta)}, Scales: [][]float64{phi, theta}, Data: data}, false)
}
