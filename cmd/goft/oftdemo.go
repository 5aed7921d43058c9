package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/demo"
)

// oftDemoYAML is the OFT example's configuration: every stage on a 64x32
// grid for two days, with the paths of the demo folder (%[1]s).
const oftDemoYAML = `# goft demo -oft: the whole OFT pipeline on a small grid (OFTSWA's YAML).
run:
  run_name: 'example'
  date_start: '2024-03-01T00:00:00'
  date_end:   '2024-03-03T00:00:00'
  map_resolution:
    np: 64
    nt: 32
conflow:
  run: True
  random_seed: 2024        # a goft extension: repeatable flows
magmap:
  run: True
  raw_data_dir: '%[1]s/disks'
hipft:
  run: True
  output_map_cadence_hr: 6
  initial_map_filename: '%[1]s/br0.h5'
  realization_combination_mode: 'sweep1d'
  realization_parameters:
    diffusion_coefs: [200.0, 600.0]
output_map_processing:
  run: True
  map_resolution_delta_deg: 10.0
  make_wsa_dataset: True
`

// demoOFT writes the OFT example into dir (a 64x32 synthetic map, five
// full-disk magnetograms of it over the two days, the YAML) and runs it
// with goft oft into dir/runs.
func demoOFT(dir string, stdout, stderr io.Writer) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("%s exists: give a new folder with -o", dir)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	if err := psihdf.Write(filepath.Join(abs, "br0.h5"), demo.Map(64, 32), false); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo -oft: magnetograms of the map every 12 hours in %s\n", filepath.Join(dir, "disks"))
	if err := cmdSynthObs([]string{"-fits", "-rice", "-npix", "128", "-map", filepath.Join(abs, "br0.h5"), "-n", "5", "-cadence", "12",
		"-start", "2024-03-01T00:00:00", "-o", filepath.Join(abs, "disks")}, io.Discard, stderr); err != nil {
		return err
	}
	yml := filepath.Join(abs, "oft.yaml")
	if err := os.WriteFile(yml, []byte(fmt.Sprintf(oftDemoYAML, abs)), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo -oft: goft oft -o %s %s\n", filepath.Join(dir, "runs"), filepath.Join(dir, "oft.yaml"))
	if err := cmdOFT([]string{"-o", filepath.Join(abs, "runs"), yml}, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "goft demo -oft: done; open %s in a browser\n", filepath.Join(dir, "runs", "example", "post_processing_raw", "hipft_report.html"))
	return nil
}
