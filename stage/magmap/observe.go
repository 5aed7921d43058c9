package magmap

import (
	"fmt"
	"math"
	"time"

	"github.com/goft-sft/goft/format/fits"
)

// Observer describes a synthetic full-disk observation for ObserveDisk,
// with HMI's defaults from DefaultObserver.
type Observer struct {
	// N is the image size in pixels (N x N).
	N int
	// CDELT is the pixel size in arcsec; CRPIX1, CRPIX2 the (1-based) pixel
	// of Sun centre; CROTA2 the image rotation in degrees (the angle from
	// image up to solar north, counter-clockwise).
	CDELT, CRPIX1, CRPIX2, CROTA2 float64
	// DsunObs and RsunRef: observer distance and solar radius, metres.
	DsunObs, RsunRef float64
	// CRLN, CRLT: the observer's Carrington longitude and latitude (B0),
	// degrees.
	CRLN, CRLT float64
	// Time is the observation time (UTC).
	Time time.Time
}

// DefaultObserver returns an HMI-like observer for an n x n image: the
// full 4096 pixel field of 0.504 arcsec scaled to n, Sun centre slightly
// off the image centre, CROTA2 = 180 degrees (HMI's image is upside down),
// at 1 au.
func DefaultObserver(n int, t time.Time, crln, crlt float64) Observer {
	scale := 4096.0 / float64(n)
	return Observer{N: n, CDELT: 0.504365 * scale, CRPIX1: float64(n)/2 + 0.5 + 1.7/scale, CRPIX2: float64(n)/2 + 0.5 - 2.3/scale,
		CROTA2: 180.02, DsunObs: 1.47e11, RsunRef: 6.96e8, CRLN: crln, CRLT: crlt, Time: t}
}

// ObserveDisk returns the magnetogram an observer would take of the
// radial field br(lon, lat) (Gauss; Carrington longitude and latitude in
// radians) on the sphere of radius RsunRef: for each pixel the ray from
// the observer in the pixel's direction (helioprojective angles linear in
// pixels, as MagMAP assumes) is intersected with the sphere, and the
// pixel holds Blos = Br mu there (mu the cosine of the angle between the
// vertical and the direction to the observer); NaN off the disk. The image
// carries the header keywords ReadDisk needs, including DATE_OBS (which
// MagMAP's reader needs). It is independent of the mapping code: its
// Carrington frame is built from the observer direction, not from
// MagMAP's rotation matrices.
func ObserveDisk(br func(lon, lat float64) float64, o Observer) (*fits.Image, error) {
	if o.N < 2 || o.N > 1<<15 || !(o.CDELT > 0) || !(o.DsunObs > o.RsunRef) || !(o.RsunRef > 0) {
		return nil, fmt.Errorf("observer %+v: want N in 2..32768, CDELT > 0 and DSUN_OBS > RSUN_REF > 0", o)
	}
	d := o.DsunObs / o.RsunRef // observer distance in solar radii
	l0, b0 := o.CRLN*math.Pi/180, o.CRLT*math.Pi/180
	ez := [3]float64{math.Cos(b0) * math.Cos(l0), math.Cos(b0) * math.Sin(l0), math.Sin(b0)} // to the observer
	ex := [3]float64{-math.Sin(l0), math.Cos(l0), 0}                                         // west
	ey := [3]float64{ez[1]*ex[2] - ez[2]*ex[1], ez[2]*ex[0] - ez[0]*ex[2], ez[0]*ex[1] - ez[1]*ex[0]}
	cr, sr := math.Cos(o.CROTA2*math.Pi/180), math.Sin(o.CROTA2*math.Pi/180)
	img := &fits.Image{Dims: []int{o.N, o.N}, Data: make([]float64, o.N*o.N)}
	for j := 0; j < o.N; j++ {
		for i := 0; i < o.N; i++ {
			u := (float64(i+1) - o.CRPIX1) * o.CDELT / arcsecPerRadian
			v := (float64(j+1) - o.CRPIX2) * o.CDELT / arcsecPerRadian
			// Direction from the observer in the image frame, then rotated
			// to solar north up.
			dxi, dyi, dz := math.Cos(v)*math.Sin(u), math.Sin(v), -math.Cos(v)*math.Cos(u)
			dx, dy := cr*dxi-sr*dyi, sr*dxi+cr*dyi
			// Observer at (0, 0, d): |O + t D| = 1, nearer root.
			od := d * dz
			disc := od*od - d*d + 1
			if disc < 0 {
				img.Data[i+o.N*j] = math.NaN()
				continue
			}
			t := -od - math.Sqrt(disc)
			px, py, pz := t*dx, t*dy, d+t*dz
			// Carrington coordinates.
			cx := px*ex[0] + py*ey[0] + pz*ez[0]
			cy := px*ex[1] + py*ey[1] + pz*ez[1]
			cz := px*ex[2] + py*ey[2] + pz*ez[2]
			lon := math.Atan2(cy, cx)
			if lon < 0 {
				lon += 2 * math.Pi
			}
			lat := math.Asin(max(-1, min(1, cz)))
			// mu: vertical (p) against the direction to the observer (-D).
			mu := -(px*dx + py*dy + pz*dz)
			img.Data[i+o.N*j] = br(lon, lat) * mu
		}
	}
	rsunArc := math.Asin(o.RsunRef/o.DsunObs) * 180 / math.Pi * 3600
	date := o.Time.UTC().Format("2006-01-02T15:04:05.00")
	img.Header = fits.Header{
		{Key: "TELESCOP", Value: "goft/synthetic"},
		{Key: "CONTENT", Value: "MAGNETOGRAM"},
		{Key: "BUNIT", Value: "Gauss"},
		{Key: "CTYPE1", Value: "HPLN-TAN"}, {Key: "CTYPE2", Value: "HPLT-TAN"},
		{Key: "CUNIT1", Value: "arcsec"}, {Key: "CUNIT2", Value: "arcsec"},
		{Key: "CRPIX1", Value: o.CRPIX1}, {Key: "CRPIX2", Value: o.CRPIX2},
		{Key: "CRVAL1", Value: 0.0}, {Key: "CRVAL2", Value: 0.0},
		{Key: "CDELT1", Value: o.CDELT}, {Key: "CDELT2", Value: o.CDELT},
		{Key: "CROTA2", Value: o.CROTA2},
		{Key: "RSUN_OBS", Value: rsunArc, Comment: "apparent solar radius, arcsec"},
		{Key: "RSUN_REF", Value: o.RsunRef, Comment: "solar radius, m"},
		{Key: "DSUN_OBS", Value: o.DsunObs, Comment: "observer distance from Sun centre, m"},
		{Key: "CRLN_OBS", Value: o.CRLN, Comment: "observer Carrington longitude, deg"},
		{Key: "CRLT_OBS", Value: o.CRLT, Comment: "observer Carrington latitude, deg"},
		{Key: "DATE-OBS", Value: date},
		{Key: "DATE_OBS", Value: date, Comment: "as MagMAP's downloader adds it"},
		{Key: "T_OBS", Value: o.Time.UTC().Add(37*time.Second).Format("2006.01.02_15:04:05.00") + "_TAI"},
	}
	return img, nil
}
