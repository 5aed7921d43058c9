"""Checks FITS files written by goft export with sunpy and astropy.

Usage: python3 sunpy_check.py SPEC.json

SPEC.json (written by TestSunpyReadsExport) lists files, each with:
  path, proj ("CAR" or "CEA"), nlon, nlat, date (DATE-OBS as goft wrote it),
  pixels: [[i, j, lon_deg, lat_deg], ...] (0-based pixel, goft's cell centre),
  flux: goft's net flux of each realization (Gauss * unit-sphere area),
  unsigned: goft's unsigned flux of each realization (same unit).

For every file and realization it checks: sunpy.map.Map reads it as a
Carrington heliographic map without warnings; pixel_to_world of the listed
pixels matches goft's grid to 1e-6 degree; astropy verifies the file
against the FITS standard; the date and the unit (Gauss);
the net flux summed with pixel areas from sunpy's world coordinates of the
pixel edges matches goft's to 1e-6 of the unsigned flux; astropy.wcs.WCS
loads the header without warnings; a CEA map passes the checks that
sunkit-magex's pfss.Input makes of its input (CEA projection, full Sun:
NLON * CDELT1 = 360 and NLAT * CDELT2 * pi/2 = 180 degrees). A cube is read
as sunkit-magex reads ADAPT cubes: one map per realization from the slice
and the file's header. Prints one line per file; exits 1 on the first
failure with a message, 77 when sunpy or astropy cannot be imported.
"""

import json
import sys
import warnings

try:
    import numpy as np
    import astropy.units as u
    from astropy.io import fits
    from astropy.wcs import WCS
    import sunpy.map
except ImportError as e:
    # Exit status 77 tells the Go test to skip (or try another Python).
    print("cannot import sunpy.map and astropy: %s" % e)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def no_warnings(what, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    if caught:
        fail("%s warned: %s" % (what, "; ".join("%s: %s" % (w.category.__name__, w.message) for w in caught)))
    return out


def check_map(m, spec, r, name):
    nlon, nlat = spec["nlon"], spec["nlat"]
    if m.data.shape != (nlat, nlon):
        fail("%s: data shape %s, want %s" % (name, m.data.shape, (nlat, nlon)))
    if m.coordinate_frame.name != "heliographic_carrington":
        fail("%s: frame %s, want heliographic_carrington" % (name, m.coordinate_frame.name))
    if m.date.isot != spec["date"]:
        fail("%s: date %s, want %s" % (name, m.date.isot, spec["date"]))
    if m.unit != u.G:
        fail("%s: unit %s, want Gauss" % (name, m.unit))
    for i, j, lon, lat in spec["pixels"]:
        c = m.pixel_to_world(i * u.pix, j * u.pix)
        dlon = (c.lon.to_value(u.deg) - lon + 180) % 360 - 180
        dlat = c.lat.to_value(u.deg) - lat
        if abs(dlon) > 1e-6 or abs(dlat) > 1e-6:
            fail("%s: pixel (%d, %d) at (%.9f, %.9f) deg, goft's cell centre (%.9f, %.9f)"
                 % (name, i, j, c.lon.deg, c.lat.deg, lon, lat))
    # Pixel areas from sunpy's world coordinates of the pixel edges (the
    # grids are separable: longitude edges along a row, latitude edges
    # along a column).
    xe = np.arange(nlon + 1) - 0.5
    ye = np.arange(nlat + 1) - 0.5
    lon_e = m.pixel_to_world(xe * u.pix, np.zeros(nlon + 1) * u.pix).lon.to_value(u.rad)
    lat_e = m.pixel_to_world(np.zeros(nlat + 1) * u.pix, ye * u.pix).lat.to_value(u.rad)
    lon_e = np.unwrap(lon_e)
    dlon = np.diff(lon_e)
    dmu = np.diff(np.sin(lat_e))
    area = np.outer(dmu, dlon)
    if abs(area.sum() - 4 * np.pi) > 1e-9:
        fail("%s: pixel areas sum to %.15g sr, want 4 pi" % (name, area.sum()))
    flux = float(np.sum(m.data.astype(np.float64) * area))
    want, unsigned = spec["flux"][r], spec["unsigned"][r]
    if abs(flux - want) > 1e-6 * unsigned:
        fail("%s: net flux %.12g with sunpy's pixel areas, goft's %.12g (difference %.3g of the unsigned flux)"
             % (name, flux, want, abs(flux - want) / unsigned))
    if spec["proj"] == "CEA":
        # sunkit-magex pfss.Input: is_cea_map and is_full_sun_synoptic_map.
        for k in ("ctype1", "ctype2"):
            if m.meta[k][5:8] != "CEA":
                fail("%s: %s = %s is not CEA" % (name, k, m.meta[k]))
        phi = m.data.shape[1] * u.pix * m.scale.axis1
        if not np.allclose(np.abs(phi), 360 * u.deg, atol=0.1 * u.deg):
            fail("%s: NLON * CDELT1 = %s, want 360 deg" % (name, phi))
        theta = m.data.shape[0] * u.pix * m.scale.axis2 * np.pi / 2
        if not np.allclose(theta, 180 * u.deg, atol=0.1 * u.deg):
            fail("%s: NLAT * CDELT2 * pi/2 = %s, want 180 deg" % (name, theta))
    return flux


def main():
    with open(sys.argv[1]) as f:
        specs = json.load(f)
    for spec in specs:
        path = spec["path"]
        with fits.open(path) as hdul:
            # astropy's check of the FITS standard (card formats, padding).
            no_warnings("astropy verify(%s)" % path, lambda: hdul.verify("exception"))
            header = hdul[0].header
            data = hdul[0].data
        no_warnings("astropy.wcs.WCS(%s)" % path, lambda: WCS(header))
        if data.ndim == 2:
            m = no_warnings("sunpy.map.Map(%s)" % path, lambda: sunpy.map.Map(path))
            fluxes = [check_map(m, spec, 0, path)]
        else:
            fluxes = []
            for r in range(data.shape[0]):
                m = no_warnings("sunpy.map.Map(%s, realization %d)" % (path, r + 1),
                                lambda: sunpy.map.Map(data[r], header))
                fluxes.append(check_map(m, spec, r, "%s realization %d" % (path, r + 1)))
        print("ok %s: %s %dx%d, %d map(s), net flux %s" % (path, spec["proj"], spec["nlon"], spec["nlat"],
                                                          len(fluxes), ", ".join("%.9g" % x for x in fluxes)))


if __name__ == "__main__":
    main()
