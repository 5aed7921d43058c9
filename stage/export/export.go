package export

import (
	"fmt"
	"math"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
)

// Earth-like observer defaults written to every file, since a HipFT map
// has no observer: sunpy needs one to place a Carrington map (it warns and
// assumes Earth when none is given). They describe an observer at Earth's
// mean distance in the solar equatorial plane, at Stonyhurst longitude 0
// (Earth's by definition); Earth's real heliographic latitude (the B0
// angle) varies by +-7.25 degrees through the year. They affect only
// transformations to observer-based frames (helioprojective), not the
// Carrington coordinates of the pixels.
const (
	ObserverHGLNDeg = 0.0            // HGLN_OBS, Stonyhurst longitude, degrees
	ObserverHGLTDeg = 0.0            // HGLT_OBS, Stonyhurst latitude, degrees
	ObserverDSunM   = 1.495978707e11 // DSUN_OBS, 1 astronomical unit in metres
	// RSunRefM is the solar radius written as RSUN_REF, the IAU 2015
	// nominal value in metres (sunpy's default).
	RSunRefM = 6.957e8
)

// DateLayout is the layout of DATE-OBS (ISO 8601, UTC, milliseconds).
const DateLayout = "2006-01-02T15:04:05.000"

// Options says what to export from a map.
type Options struct {
	Grid Grid // target grid
	// Realization is the 1-based realization of a 3D map to export as a 2D
	// image; 0 exports every realization as a cube (NAXIS3 =
	// realizations). A 2D map has the one realization 1.
	Realization int
	// Float64 writes BITPIX = -64 (default -32, single precision).
	Float64 bool
	// Start is the date and time (UTC) of the run's time 0; zero when
	// unknown, and then DATE-OBS is left out.
	Start time.Time
	// TimeHours is the map's simulation time in hours after Start, when
	// HasTime; DATE-OBS is Start plus it (Start itself without it).
	TimeHours float64
	HasTime   bool
	// Source is the map's file name, recorded in a HISTORY card; Creator
	// names the program (CREATOR card); both may be empty.
	Source, Creator string
}

// Image remaps map m (a HipFT Br map: phi, theta scales in radians, Br in
// Gauss, 2D or 3D with realizations) onto opt.Grid and returns the FITS
// image with its Carrington WCS (see Header). It also returns the net
// flux of each realization exported on the source mesh (MeshFlux, G Rs^2),
// which the image conserves to round-off before its rounding to float32.
func Image(m *psihdf.Map, opt Options) (*fits.Image, []float64, error) {
	if len(m.Dims) != 2 && len(m.Dims) != 3 || len(m.Scales) < 2 {
		return nil, nil, fmt.Errorf("not a HipFT map: %d dimensions (want phi, theta and optionally realizations)", len(m.Dims))
	}
	nreal := 1
	if len(m.Dims) == 3 {
		nreal = m.Dims[2]
	}
	if opt.Realization < 0 || opt.Realization > nreal {
		return nil, nil, fmt.Errorf("realization %d does not exist: the map has %d", opt.Realization, nreal)
	}
	r, err := NewRemapper(m.Scales[0], m.Scales[1], opt.Grid)
	if err != nil {
		return nil, nil, err
	}
	first, last := 1, nreal
	if opt.Realization > 0 {
		first, last = opt.Realization, opt.Realization
	}
	g := opt.Grid
	n := m.Dims[0] * m.Dims[1]
	img := &fits.Image{Float64: opt.Float64}
	var fluxes []float64
	for k := first; k <= last; k++ {
		br := m.Data[n*(k-1) : n*k]
		fluxes = append(fluxes, r.MeshFlux(br))
		img.Data = append(img.Data, r.Remap(br)...)
	}
	img.Dims = []int{g.NLon, g.NLat}
	if opt.Realization == 0 && len(m.Dims) == 3 {
		img.Dims = append(img.Dims, nreal)
	}
	img.Header, err = Header(m, opt)
	if err != nil {
		return nil, nil, err
	}
	return img, fluxes, nil
}

// Header returns the header cards (after the mandatory ones) of the
// export of map m with opt: a Carrington heliographic WCS for the grid,
// full Sun, longitude 0 to 360 degrees left to right and latitude -90 to 90
// bottom to top, that sunpy reads as a Carrington map and sunkit-magex's
// PFSS accepts as input when the grid is CEA:
//
//   - CTYPE1/2 = 'CRLN-CAR'/'CRLT-CAR' or 'CRLN-CEA'/'CRLT-CEA' (with
//     PV2_1 = 1, the CEA parameter lambda), CUNIT1/2 = 'deg';
//   - CRPIX1 = NLon/2 + 0.5, CRVAL1 = 180, CDELT1 = 360/NLon;
//     CRPIX2 = NLat/2 + 0.5, CRVAL2 = 0, CDELT2 = 180/NLat (CAR) or
//     180/pi * 2/NLat (CEA, whose second intermediate coordinate is
//     180/pi * sin(latitude));
//   - DATE-OBS and MJD-OBS (when opt.Start is set), the Earth-like observer
//     HGLN_OBS, HGLT_OBS, DSUN_OBS and RSUN_REF, BUNIT = 'Gauss',
//     WCSNAME;
//   - for a cube, axis 3 is the realization: CTYPE3 = 'REALIZATION',
//     CRPIX3 = 1, CRVAL3 = the first realization's number (m's dim3 scale),
//     CDELT3 = 1; a single realization of a 3D map is named by REALIZ.
func Header(m *psihdf.Map, opt Options) (fits.Header, error) {
	g := opt.Grid
	if err := g.Check(); err != nil {
		return nil, err
	}
	proj := g.Proj.String()
	cdelt2, lat := 180/float64(g.NLat), "latitude"
	if g.Proj == CEA {
		cdelt2, lat = 180/math.Pi*(2/float64(g.NLat)), "180/pi sin(latitude)" // as sunkit-magex computes it
	}
	h := fits.Header{
		{Key: "WCSNAME", Value: "Carrington Heliographic", Comment: "world coordinate system"},
		{Key: "CTYPE1", Value: "CRLN-" + proj, Comment: "Carrington longitude"},
		{Key: "CTYPE2", Value: "CRLT-" + proj, Comment: "Carrington latitude"},
		{Key: "CUNIT1", Value: "deg"},
		{Key: "CUNIT2", Value: "deg"},
		{Key: "CRPIX1", Value: float64(g.NLon)/2 + 0.5, Comment: "reference pixel: the middle of the map"},
		{Key: "CRPIX2", Value: float64(g.NLat)/2 + 0.5, Comment: "reference pixel: the middle of the map"},
		{Key: "CRVAL1", Value: 180.0, Comment: "longitude at the reference pixel (deg)"},
		{Key: "CRVAL2", Value: 0.0, Comment: "latitude at the reference pixel (deg)"},
		{Key: "CDELT1", Value: 360 / float64(g.NLon), Comment: "longitude step (deg)"},
		{Key: "CDELT2", Value: cdelt2, Comment: "step in " + lat + " (deg)"},
	}
	if g.Proj == CEA {
		h = append(h, fits.Card{Key: "PV2_1", Value: 1.0, Comment: "CEA lambda"})
	}
	if len(m.Dims) == 3 {
		if opt.Realization == 0 {
			crval3 := 1.0
			if len(m.Scales) > 2 && len(m.Scales[2]) > 0 {
				crval3 = m.Scales[2][0]
			}
			h = append(h,
				fits.Card{Key: "CTYPE3", Value: "REALIZATION", Comment: "axis 3: ensemble realization"},
				fits.Card{Key: "CRPIX3", Value: 1.0},
				fits.Card{Key: "CRVAL3", Value: crval3, Comment: "number of the first realization"},
				fits.Card{Key: "CDELT3", Value: 1.0},
				fits.Card{Key: "NREAL", Value: m.Dims[2], Comment: "number of realizations in this file"})
		} else {
			h = append(h, fits.Card{Key: "REALIZ", Value: opt.Realization, Comment: "realization of the source map (1-based)"})
		}
	}
	if !opt.Start.IsZero() {
		t := opt.Start.UTC()
		if opt.HasTime {
			t = t.Add(time.Duration(math.Round(opt.TimeHours * float64(time.Hour))))
		}
		mjd := float64(t.UnixMilli())/86400e3 + 40587
		h = append(h,
			fits.Card{Key: "DATE-OBS", Value: t.Format(DateLayout), Comment: "start date plus the map's time (UTC)"},
			fits.Card{Key: "MJD-OBS", Value: mjd, Comment: "DATE-OBS as a modified Julian date"})
	}
	if opt.HasTime {
		h = append(h, fits.Card{Key: "SIMTIME", Value: opt.TimeHours, Comment: "simulation time of the map (hours)"})
	}
	h = append(h,
		fits.Card{Key: "TIMESYS", Value: "UTC"},
		fits.Card{Key: "HGLN_OBS", Value: ObserverHGLNDeg, Comment: "Earth-like default observer (deg)"},
		fits.Card{Key: "HGLT_OBS", Value: ObserverHGLTDeg, Comment: "default observer, B0 = 0 (deg)"},
		fits.Card{Key: "DSUN_OBS", Value: ObserverDSunM, Comment: "default observer at 1 AU (m)"},
		fits.Card{Key: "RSUN_REF", Value: RSunRefM, Comment: "solar radius (m)"},
		fits.Card{Key: "BUNIT", Value: "Gauss", Comment: "radial magnetic field"},
		fits.Card{Key: "BTYPE", Value: "Br"},
	)
	if opt.Creator != "" {
		h = append(h, fits.Card{Key: "CREATOR", Value: opt.Creator})
	}
	h = append(h, fits.Card{Key: "COMMENT", Comment: fmt.Sprintf("Conservative remap of a HipFT map to a %dx%d %s grid: each", g.NLon, g.NLat, proj)},
		fits.Card{Key: "COMMENT", Comment: "value is the flux in its cell over the cell's area; the total flux"},
		fits.Card{Key: "COMMENT", Comment: "is the source map's, with HipFT's integration weights."})
	if opt.Source != "" {
		h = append(h, fits.Card{Key: "HISTORY", Comment: "goft export of " + opt.Source})
	}
	return h, nil
}
