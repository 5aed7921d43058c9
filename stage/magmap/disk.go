// Package magmap turns full-disk line-of-sight magnetograms into the
// Carrington Br maps with assimilation weights that HipFT's data
// assimilation reads: OFT's MagMAP stage (predsci/MagMAP,
// bin/magmap_disk2map.py), in Go.
//
// For each disk (a FITS magnetogram with its observer in the header) it
//
//  1. interpolates the disk bilinearly, in the image plane, to a
//     high-resolution Carrington grid uniform in longitude phi (NPInterp
//     points from 0 to 2 pi inclusive) and latitude (NTInterp points from
//     -pi/2 to pi/2 inclusive, the pole points moved a quarter step inward
//     to the centres of their half pixels), seen from the observer at
//     DSUN_OBS on a sphere of radius R0 (solar radii of RSUN_REF metres);
//     points on the far side (z <= RSUN_REF/DSUN_OBS) and NaN pixels get no
//     data;
//  2. converts Blos to Br = Blos/mu, mu the cosine of the angle between the
//     local vertical and the direction to the observer;
//  3. bins the grid down to the output grid (NPOut x NTOut, again uniform in
//     phi and latitude with half pixels at the edges), averaging with
//     weights of overlap in phi and sin(latitude) (MagMAP's
//     map_manip.downsamp_reg_grid), so that the flux of the visible disk is
//     kept; output pixels less than half covered by data get no data, the
//     pole rows are set to their mean and the two half pixels at phi = 0 and
//     2 pi to their width-weighted mean;
//  4. sets the assimilation weight mu^4, zero where mu <= 0.1 or there is
//     no data (MagMAP's hipft_prep.set_assim_wghts, method mu4_upton).
//
// The result is written as MagMAP writes it (psi_hdf.wrh5_hipft_map): a
// float32 PSI map with dims (N_phi, N_theta, 3), layers Br (no data:
// -65500), weight and mu, theta ascending from 0 to pi, and root attributes
// layers, assim_method, no_data_val and fits_header (the disk's header as
// sunpy's meta, in JSON).
package magmap

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/fits"
)

// NoDataValue marks pixels without data in the Br layer, as in MagMAP.
const NoDataValue = -65500.0

// Disk is a magnetogram and the geometry of its observation, from its FITS
// header.
type Disk struct {
	// Path is the file the disk was read from.
	Path string
	// NX, NY are the image size (NAXIS1, NAXIS2).
	NX, NY int
	// Blos holds the line-of-sight field in Gauss, rounded to float32 as
	// MagMAP holds it, NX fastest; NaN where there is no data.
	Blos []float32
	// CRPIX1, CRPIX2 are the reference pixel (1-based, FITS convention);
	// CRVAL1, CRVAL2 its helioprojective coordinates and CDELT1, CDELT2 the
	// pixel size, all in arcsec.
	CRPIX1, CRPIX2, CRVAL1, CRVAL2, CDELT1, CDELT2 float64
	// CROTA2 is the counter-clockwise angle (degrees) from the image's up
	// direction to solar north (0 when absent).
	CROTA2 float64
	// RsunArcsec is the apparent solar radius in arcsec (RSUN_ARC, else
	// RSUN_OBS); MagMAP scales the image axes by it and back.
	RsunArcsec float64
	// DsunObs is the observer's distance from Sun centre and RsunRef the
	// solar radius, both in metres (DSUN_OBS, RSUN_REF).
	DsunObs, RsunRef float64
	// CRLN, CRLT are the observer's Carrington longitude and latitude in
	// degrees (CRLN_OBS, CRLT_OBS).
	CRLN, CRLT float64
	// Time is the observation time (DATE_OBS, DATE-OBS or T_OBS), UTC.
	Time time.Time
	// Header is the image's whole header (fits.Image.ImageHeader).
	Header fits.Header
}

// ErrDisk is wrapped by the errors ReadDisk and NewDisk return for files
// that are not usable magnetograms.
var ErrDisk = errors.New("not a usable magnetogram")

func diskErr(path, format string, a ...any) error {
	return fmt.Errorf("%s: %w: %s", path, ErrDisk, fmt.Sprintf(format, a...))
}

// ReadDisk reads the magnetogram in the FITS file at path (plain or
// tile-compressed, e.g. JSOC's hmi.M_720s as-is files) and its observation
// geometry.
func ReadDisk(path string) (*Disk, error) {
	img, err := fits.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return NewDisk(path, img)
}

// NewDisk checks img as a magnetogram and returns its Disk; path names it
// in errors. It refuses images that are not 2-D, that say they are not
// magnetograms (CONTENT without MAGNETOGRAM, or BUNIT not Gauss), that lack
// a keyword the mapping needs, whose units are not arcsec, or that have no
// finite pixel on the solar disk.
func NewDisk(path string, img *fits.Image) (*Disk, error) {
	if len(img.Dims) != 2 {
		return nil, diskErr(path, "the image has %d axes, a full-disk magnetogram has 2", len(img.Dims))
	}
	h := img.ImageHeader
	if len(h) == 0 {
		h = img.Header
	}
	str := func(key string) (string, bool) {
		v, ok := h.Get(key)
		s, isStr := v.(string)
		return strings.TrimSpace(s), ok && isStr
	}
	if c, ok := str("CONTENT"); ok && !strings.Contains(strings.ToUpper(c), "MAGNETOGRAM") {
		return nil, diskErr(path, "CONTENT = '%s': not a magnetogram (want CONTENT containing MAGNETOGRAM, e.g. hmi.M_720s)", c)
	}
	if u, ok := str("BUNIT"); ok {
		switch strings.ToLower(u) {
		case "gauss", "g", "mx/cm^2", "mx cm^-2", "mx/cm2":
		default:
			return nil, diskErr(path, "BUNIT = '%s': not a magnetic field (want Gauss)", u)
		}
	}
	var missing []string
	num := func(key string) float64 {
		v, ok := h.Get(key)
		switch x := v.(type) {
		case int:
			return float64(x)
		case float64:
			return x
		}
		if !ok {
			missing = append(missing, key)
		} else {
			missing = append(missing, key+" (not a number)")
		}
		return math.NaN()
	}
	optional := func(key string, def float64) float64 {
		if _, ok := h.Get(key); !ok {
			return def
		}
		return num(key)
	}
	d := &Disk{Path: path, NX: img.Dims[0], NY: img.Dims[1], Header: h}
	d.CRPIX1, d.CRPIX2 = num("CRPIX1"), num("CRPIX2")
	d.CDELT1, d.CDELT2 = num("CDELT1"), num("CDELT2")
	d.CRVAL1, d.CRVAL2 = optional("CRVAL1", 0), optional("CRVAL2", 0)
	if _, ok := h.Get("CROTA2"); ok {
		d.CROTA2 = num("CROTA2")
	} else {
		d.CROTA2 = optional("CROTA", 0)
	}
	if _, ok := h.Get("RSUN_ARC"); ok {
		d.RsunArcsec = num("RSUN_ARC")
	} else {
		d.RsunArcsec = num("RSUN_OBS")
	}
	d.DsunObs, d.RsunRef = num("DSUN_OBS"), num("RSUN_REF")
	d.CRLN, d.CRLT = num("CRLN_OBS"), num("CRLT_OBS")
	var dateErr error
	d.Time, dateErr = obsTime(h)
	if dateErr != nil {
		missing = append(missing, dateErr.Error())
	}
	if len(missing) > 0 {
		return nil, diskErr(path, "header lacks %s, which the mapping needs", strings.Join(missing, ", "))
	}
	for _, k := range []string{"CUNIT1", "CUNIT2"} {
		if u, ok := str(k); ok && strings.ToLower(u) != "arcsec" {
			return nil, diskErr(path, "%s = '%s' (want arcsec, as HMI, MDI and GONG disks have)", k, u)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"CDELT1", d.CDELT1}, {"CDELT2", d.CDELT2}, {"RSUN_OBS", d.RsunArcsec}, {"RSUN_REF", d.RsunRef}} {
		if !(c.v > 0) || math.IsInf(c.v, 0) {
			return nil, diskErr(path, "%s = %v (want a positive number)", c.name, c.v)
		}
	}
	if !(d.DsunObs > d.RsunRef) || math.IsInf(d.DsunObs, 0) {
		return nil, diskErr(path, "DSUN_OBS = %v m is not beyond the solar radius RSUN_REF = %v m", d.DsunObs, d.RsunRef)
	}
	d.Blos = make([]float32, len(img.Data))
	onDisk, finite := 0, 0
	for j := 0; j < d.NY; j++ {
		for i := 0; i < d.NX; i++ {
			v := img.Data[i+d.NX*j]
			d.Blos[i+d.NX*j] = float32(v)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				d.Blos[i+d.NX*j] = float32(math.NaN())
				continue
			}
			finite++
			x := (float64(i+1)-d.CRPIX1)*d.CDELT1 + d.CRVAL1
			y := (float64(j+1)-d.CRPIX2)*d.CDELT2 + d.CRVAL2
			if x*x+y*y < d.RsunArcsec*d.RsunArcsec {
				onDisk++
			}
		}
	}
	if finite == 0 {
		return nil, diskErr(path, "every pixel is NaN")
	}
	if onDisk == 0 {
		return nil, diskErr(path, "no finite pixel lies on the solar disk (radius %.1f arcsec around the centre given by CRPIX1/2 and CRVAL1/2): the image is off-disk or its pointing keywords are wrong", d.RsunArcsec)
	}
	return d, nil
}

// obsTime returns the observation time from DATE_OBS (which MagMAP's
// downloader adds), DATE-OBS or T_OBS (JSOC's "2024.01.01_00:00:00.00_TAI"
// form, TAI converted to UTC with the 37 s offset valid since 2017).
func obsTime(h fits.Header) (time.Time, error) {
	for _, key := range []string{"DATE_OBS", "DATE-OBS"} {
		v, ok := h.Get(key)
		s, isStr := v.(string)
		if !ok || !isStr {
			continue
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "Z"))
		for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%s = '%s' (not a date YYYY-MM-DDTHH:MM:SS)", key, s)
	}
	if v, ok := h.Get("T_OBS"); ok {
		if s, isStr := v.(string); isStr {
			s = strings.TrimSpace(s)
			tai := strings.HasSuffix(s, "_TAI")
			s = strings.TrimSuffix(strings.TrimSuffix(s, "_TAI"), "_UTC")
			if t, err := time.Parse("2006.01.02_15:04:05.999999999", s); err == nil {
				if tai {
					t = t.Add(-37 * time.Second)
				}
				return t, nil
			}
			return time.Time{}, fmt.Errorf("T_OBS = '%s' (not a date YYYY.MM.DD_HH:MM:SS)", s)
		}
	}
	return time.Time{}, errors.New("DATE_OBS, DATE-OBS or T_OBS")
}

// PixelToHelioprojective returns the helioprojective longitude and latitude
// (Tx, Ty, arcsec) of the 0-based pixel (i, j) as the mapping uses them:
// CRVAL plus the CDELT-scaled offset from CRPIX rotated by CROTA2, linear in
// pixels (MagMAP ignores the TAN projection's terms, below 0.01 arcsec on
// the disk).
func (d *Disk) PixelToHelioprojective(i, j float64) (tx, ty float64) {
	u := (i + 1 - d.CRPIX1) * d.CDELT1
	v := (j + 1 - d.CRPIX2) * d.CDELT2
	c, s := math.Cos(d.CROTA2*math.Pi/180), math.Sin(d.CROTA2*math.Pi/180)
	return d.CRVAL1 + c*u - s*v, d.CRVAL2 + s*u + c*v
}
