// Package demo holds goft's built-in example: a synthetic solar-like
// radial-field map and a HipFT input file that evolves it, so that a new
// user can run goft without downloading data.
package demo

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
)

// Input is the demo's hipft.in.
//
//go:embed hipft.in
var Input []byte

// MapName is the file name of the demo's initial map.
const MapName = "demo_br_initial.h5"

// Bipole is an active region: a pair of Gaussian spots of opposite
// polarity, tilted by Joy's law.
type Bipole struct {
	Lat, Lon   float64 // centre, degrees (latitude, Carrington longitude)
	Separation float64 // degrees between the spot centres
	Tilt       float64 // degrees, leading spot equatorward
	Peak       float64 // Gauss, sign of the leading (westward) spot
	Width      float64 // degrees, Gaussian e-folding radius
}

// Bipoles are the demo's active regions (Hale's law: opposite leading
// polarities in the two hemispheres).
var Bipoles = []Bipole{
	{Lat: 18, Lon: 60, Separation: 8, Tilt: 6, Peak: 300, Width: 2.5},
	{Lat: -14, Lon: 150, Separation: 7, Tilt: 5, Peak: -250, Width: 2.2},
	{Lat: 24, Lon: 250, Separation: 9, Tilt: 8, Peak: 350, Width: 3},
	{Lat: -20, Lon: 310, Separation: 6, Tilt: 6, Peak: -200, Width: 2},
}

// Map returns the demo's initial Br map (Gauss) on nPhi x nTheta points
// (both phi end points and both poles included): an axial dipole of 8 G at
// the poles, concentrated poleward as cos^7, plus the Bipoles.
func Map(nPhi, nTheta int) *psihdf.Map {
	phi := make([]float64, nPhi)
	theta := make([]float64, nTheta)
	for i := range phi {
		phi[i] = float64(i) * 2 * math.Pi / float64(nPhi-1)
	}
	for j := range theta {
		theta[j] = float64(j) * math.Pi / float64(nTheta-1)
	}
	l := field.MapLayout{NPhi: nPhi, NTheta: nTheta, NReal: 1}
	data := make([]float64, l.Len())
	const d2r = math.Pi / 180
	for j, t := range theta {
		c := math.Cos(t)
		row := l.Row(data, j, 0)
		for i, p := range phi {
			br := 8 * math.Pow(math.Abs(c), 7) * math.Copysign(1, c)
			for _, b := range Bipoles {
				for _, s := range []float64{1, -1} {
					// Leading spot (s=1) is west (larger longitude) and equatorward.
					lat := b.Lat - s*math.Copysign(0.5*b.Separation*math.Sin(b.Tilt*d2r), b.Lat)
					lon := b.Lon + s*0.5*b.Separation*math.Cos(b.Tilt*d2r)
					ct := (90 - lat) * d2r
					cp := lon * d2r
					// Great-circle angle between (t,p) and the spot centre.
					cosd := math.Cos(t)*math.Cos(ct) + math.Sin(t)*math.Sin(ct)*math.Cos(p-cp)
					d := math.Acos(math.Max(-1, math.Min(1, cosd))) / d2r
					br += s * b.Peak * math.Exp(-(d*d)/(b.Width*b.Width))
				}
			}
			row[i] = br
		}
	}
	return &psihdf.Map{Dims: []int{nPhi, nTheta}, Scales: [][]float64{phi, theta}, Data: data}
}

// Write creates dir (which must not exist yet, so that no earlier run is
// overwritten) with the demo's hipft.in and initial map at 180 x 90
// resolution (181 x 91 points).
func Write(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("demo folder %s already exists; remove it or choose another with -o", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "hipft.in"), Input, 0o644); err != nil {
		return err
	}
	return psihdf.Write(filepath.Join(dir, MapName), Map(181, 91), false)
}
