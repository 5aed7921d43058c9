package export

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
)

// testMap returns a 3D map of nreal realizations on a non-uniform mesh,
// with realization numbers 1..nreal in dim3.
func testMap(nreal int) *psihdf.Map {
	rng := rand.New(rand.NewPCG(7, 8))
	phi, theta := testMesh(65, 33, 0.5, rng)
	m := &psihdf.Map{Dims: []int{len(phi), len(theta), nreal}, Scales: [][]float64{phi, theta, nil}}
	for r := 0; r < nreal; r++ {
		m.Scales[2] = append(m.Scales[2], float64(r+1))
		m.Data = append(m.Data, sample(phi, theta, func(t, p float64) float64 { return float64(r+1)*smooth(t, p) + rng.NormFloat64() })...)
	}
	return m
}

func card(t *testing.T, h fits.Header, key string) any {
	t.Helper()
	v, ok := h.Get(key)
	if !ok {
		t.Fatalf("no %s card", key)
	}
	return v
}

// pixelToWorld applies the header's WCS (CAR or CEA with lambda = 1,
// CRVAL2 = 0) to 0-based pixel (i, j), as FITS paper II defines it.
func pixelToWorld(t *testing.T, h fits.Header, i, j int) (lon, lat float64) {
	x := card(t, h, "CDELT1").(float64) * (float64(i+1) - card(t, h, "CRPIX1").(float64))
	y := card(t, h, "CDELT2").(float64) * (float64(j+1) - card(t, h, "CRPIX2").(float64))
	lon = card(t, h, "CRVAL1").(float64) + x
	switch proj := card(t, h, "CTYPE2").(string)[5:]; proj {
	case "CAR":
		lat = y
	case "CEA":
		lat = math.Asin(y*math.Pi/180) * 180 / math.Pi
	default:
		t.Fatalf("projection %s", proj)
	}
	return lon, lat
}

func TestImageHeaderAndData(t *testing.T) {
	m := testMap(3)
	start := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	for _, g := range []Grid{{CEA, 360, 180}, {CAR, 90, 45}} {
		for _, real := range []int{0, 2} {
			opt := Options{Grid: g, Realization: real, Start: start, TimeHours: 30.5, HasTime: true, Source: "m.h5", Creator: "test"}
			img, fluxes, err := Image(m, opt)
			if err != nil {
				t.Fatal(err)
			}
			// Through the file format and back.
			var buf bytes.Buffer
			if err := fits.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			img, err = fits.Decode(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			h := img.Header
			proj := g.Proj.String()
			want := map[string]any{
				"CTYPE1": "CRLN-" + proj, "CTYPE2": "CRLT-" + proj, "CUNIT1": "deg", "CUNIT2": "deg",
				"CRPIX1": float64(g.NLon)/2 + 0.5, "CRPIX2": float64(g.NLat)/2 + 0.5, "CRVAL1": 180.0, "CRVAL2": 0.0,
				"CDELT1": 360 / float64(g.NLon), "BUNIT": "Gauss", "WCSNAME": "Carrington Heliographic",
				"DATE-OBS": "2024-05-02T12:30:00.000", "MJD-OBS": 60432.520833333336, "SIMTIME": 30.5,
				"HGLN_OBS": 0.0, "HGLT_OBS": 0.0, "DSUN_OBS": 1.495978707e11, "RSUN_REF": 6.957e8, "CREATOR": "test",
			}
			if g.Proj == CEA {
				want["CDELT2"] = 180 / math.Pi * (2 / float64(g.NLat))
				want["PV2_1"] = 1.0
			} else {
				want["CDELT2"] = 180 / float64(g.NLat)
			}
			if real == 0 {
				want["CTYPE3"], want["CRPIX3"], want["CRVAL3"], want["CDELT3"], want["NREAL"] = "REALIZATION", 1.0, 1.0, 1.0, 3
			} else {
				want["REALIZ"] = real
			}
			for k, v := range want {
				if got := card(t, h, k); got != v {
					if f, ok := v.(float64); ok && math.Abs(got.(float64)-f) < 1e-9*math.Abs(f) {
						continue
					}
					t.Errorf("%v r=%d: %s = %v (%T), want %v", proj, real, k, got, got, v)
				}
			}
			if _, ok := h.Get("PV2_1"); ok != (g.Proj == CEA) {
				t.Errorf("%v: PV2_1 present %v", proj, ok)
			}
			// The WCS puts every pixel at the centre of its grid cell.
			for _, ij := range [][2]int{{0, 0}, {g.NLon - 1, g.NLat - 1}, {g.NLon / 3, g.NLat / 2}, {7, g.NLat - 3}} {
				lon, lat := pixelToWorld(t, h, ij[0], ij[1])
				wlon, wlat := g.CellCenter(ij[0], ij[1])
				if math.Abs(lon-wlon) > 1e-9 || math.Abs(lat-wlat) > 1e-9 {
					t.Errorf("%v pixel %v: WCS gives (%v, %v), grid centre (%v, %v)", proj, ij, lon, lat, wlon, wlat)
				}
			}
			// The data are the remap of each realization, rounded to float32.
			reals := []int{1, 2, 3}
			wantDims := []int{g.NLon, g.NLat, 3}
			if real > 0 {
				reals, wantDims = []int{real}, wantDims[:2]
			}
			if len(img.Dims) != len(wantDims) || img.Dims[0] != wantDims[0] || img.Dims[1] != wantDims[1] {
				t.Fatalf("%v r=%d: dims %v, want %v", proj, real, img.Dims, wantDims)
			}
			r, _ := NewRemapper(m.Scales[0], m.Scales[1], g)
			n := m.Dims[0] * m.Dims[1]
			size := g.NLon * g.NLat
			for i, k := range reals {
				br := m.Data[n*(k-1) : n*k]
				want := r.Remap(br)
				for p, v := range want {
					if got := img.Data[size*i+p]; got != float64(float32(v)) {
						t.Fatalf("%v realization %d pixel %d: %v, want %v", proj, k, p, got, float32(v))
					}
				}
				if fluxes[i] != r.MeshFlux(br) {
					t.Errorf("flux %d = %v, want %v", i, fluxes[i], r.MeshFlux(br))
				}
				// float32 values keep the flux to about 1e-7 of the unsigned flux.
				got := GridFlux(g, img.Data[size*i:size*(i+1)])
				if d := math.Abs(got - fluxes[i]); d > 1e-6*unsignedMeshFlux(r, br) {
					t.Errorf("%v realization %d: file's flux %v, map's %v", proj, k, got, fluxes[i])
				}
			}
		}
	}
}

func TestImageOptions(t *testing.T) {
	m := testMap(2)
	g := Grid{CAR, 36, 18}
	// No start date: no DATE-OBS; no time: no SIMTIME.
	img, _, err := Image(m, Options{Grid: g, Realization: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"DATE-OBS", "MJD-OBS", "SIMTIME", "CREATOR", "HISTORY"} {
		if _, ok := img.Header.Get(k); ok {
			t.Errorf("%s written without its option", k)
		}
	}
	// A start date without a map time is DATE-OBS itself.
	img, _, err = Image(m, Options{Grid: g, Realization: 1, Start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := img.Header.Get("DATE-OBS"); v != "2020-01-01T00:00:00.000" {
		t.Errorf("DATE-OBS = %v", v)
	}
	if img.Float64 {
		t.Errorf("single precision by default")
	}
	img, _, err = Image(m, Options{Grid: g, Realization: 2, Float64: true})
	if err != nil || !img.Float64 {
		t.Errorf("Float64: %v %v", img.Float64, err)
	}
	// A 2D map gives a 2D image without realization cards.
	m2 := &psihdf.Map{Dims: m.Dims[:2], Scales: m.Scales[:2], Data: m.Data[:m.Dims[0]*m.Dims[1]]}
	img, _, err = Image(m2, Options{Grid: g})
	if err != nil || len(img.Dims) != 2 {
		t.Fatalf("2D map: %v %v", img, err)
	}
	for _, k := range []string{"CTYPE3", "REALIZ", "NREAL"} {
		if _, ok := img.Header.Get(k); ok {
			t.Errorf("2D map: %s written", k)
		}
	}
	for _, tc := range []struct {
		m    *psihdf.Map
		opt  Options
		want string
	}{
		{m, Options{Grid: g, Realization: 3}, "realization 3 does not exist"},
		{m, Options{Grid: g, Realization: -1}, "realization -1"},
		{m, Options{Grid: Grid{CEA, 0, 5}}, "grid of 0 x 5"},
		{&psihdf.Map{Dims: []int{4}}, Options{Grid: g}, "not a HipFT map"},
	} {
		if _, _, err := Image(tc.m, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Image(%+v): error %v, want %q", tc.opt, err, tc.want)
		}
	}
}

// TestPFSSInputHeader checks a CEA export's header against what
// sunkit-magex's PFSS input requires of a map (pfss.Input: is_cea_map and
// is_full_sun_synoptic_map in sunkit_magex/pfss/utils.py) and against the
// header its carr_cea_wcs_header builds for the same shape: CTYPE
// projections CEA, NLON*CDELT1 = 360 and NLAT*CDELT2*pi/2 = 180 degrees
// (to 0.1 degree), CDELT2 = 180/pi * 2/NLAT, reference pixel in the middle
// (FITS CRPIX = N/2 + 0.5), latitude 0 there, units in degrees.
func TestPFSSInputHeader(t *testing.T) {
	m := testMap(1)
	for _, sh := range [][2]int{{360, 180}, {1024, 512}, {91, 47}} {
		nlon, nlat := sh[0], sh[1]
		h, err := Header(m, Options{Grid: Grid{CEA, nlon, nlat}, Realization: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"CTYPE1", "CTYPE2"} {
			if v := card(t, h, k).(string); len(v) < 8 || v[5:8] != "CEA" {
				t.Errorf("%dx%d: %s = %q, want a CEA projection", nlon, nlat, k, v)
			}
		}
		cdelt1, cdelt2 := card(t, h, "CDELT1").(float64), card(t, h, "CDELT2").(float64)
		if math.Abs(float64(nlon)*cdelt1-360) > 0.1 {
			t.Errorf("%dx%d: NLON*CDELT1 = %v, want 360", nlon, nlat, float64(nlon)*cdelt1)
		}
		if math.Abs(float64(nlat)*cdelt2*math.Pi/2-180) > 0.1 {
			t.Errorf("%dx%d: NLAT*CDELT2*pi/2 = %v, want 180", nlon, nlat, float64(nlat)*cdelt2*math.Pi/2)
		}
		if want := 180 / math.Pi * (2 / float64(nlat)); cdelt2 != want {
			t.Errorf("%dx%d: CDELT2 = %v, carr_cea_wcs_header's %v", nlon, nlat, cdelt2, want)
		}
		if cdelt1 != 360/float64(nlon) {
			t.Errorf("%dx%d: CDELT1 = %v, want %v", nlon, nlat, cdelt1, 360/float64(nlon))
		}
		for k, want := range map[string]any{"CRPIX1": float64(nlon)/2 + 0.5, "CRPIX2": float64(nlat)/2 + 0.5, "CRVAL2": 0.0, "CUNIT1": "deg", "CUNIT2": "deg"} {
			if v := card(t, h, k); v != want {
				t.Errorf("%dx%d: %s = %v, want %v", nlon, nlat, k, v, want)
			}
		}
	}
}
