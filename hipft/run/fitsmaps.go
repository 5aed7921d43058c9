package run

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/stage/export"
)

// writeFITSMap writes the output map just written to path (a .h5 file)
// as FITS beside it, with .fits in place of .h5: goft's namelist extension
// goft_output_map_fits. The map is read back from its file, so the FITS
// holds what goft export would make of the file: the field remapped,
// conserving flux, onto a CEA grid (uniform in longitude and
// sin(latitude), the grid PFSS codes take) of one cell per mesh interval,
// (phi points - 1) x (theta points - 1), with a Carrington WCS that sunpy
// reads; a 3D map (realizations) becomes a cube with the realization as
// axis 3. HipFT has no start date, so DATE-OBS is not written; the map's
// time is in the header (see stage/export), and goft export -start adds
// the date later.
func (r *Run) writeFITSMap(path string) error {
	m, err := psihdf.Read(path)
	if err != nil {
		return fmt.Errorf("goft_output_map_fits: %w", err)
	}
	opt := export.Options{
		Grid:      export.Grid{Proj: export.CEA, NLon: m.Dims[0] - 1, NLat: m.Dims[1] - 1},
		TimeHours: r.Time,
		HasTime:   true,
		Source:    filepath.Base(path),
		Creator:   "goft run (HipFT " + HipFTVersion + " compatible)",
	}
	img, _, err := export.Image(m, opt)
	if err != nil {
		return fmt.Errorf("goft_output_map_fits: %s: %w", path, err)
	}
	out := strings.TrimSuffix(path, filepath.Ext(path)) + ".fits"
	if err := fits.WriteFile(out, img); err != nil {
		return fmt.Errorf("goft_output_map_fits: %w", err)
	}
	return nil
}
