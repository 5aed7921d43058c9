#!/usr/bin/python3
"""Writes the tile-compression test fixtures of format/fits (run from this folder).

Each compressed file NAME.fits (or .fz) has a twin NAME.twin.fits holding the
same pixels uncompressed, written by an independent tool: CFITSIO's funpack
for files fpack compressed, astropy for files astropy compressed.  The Go
tests decode both and require identical pixels.  Needs python3-astropy,
python3-numpy and libcfitsio-bin (fpack, funpack).
"""
import subprocess
import numpy as np
from astropy.io import fits

rng = np.random.default_rng(20240101)


def disk(ny, nx):
    """A smooth magnetogram-like field with NaN outside a disk."""
    y, x = np.mgrid[0:ny, 0:nx]
    r = np.hypot((x - nx / 2 + 0.3) / (0.45 * nx), (y - ny / 2 - 0.2) / (0.45 * ny))
    f = 40 * np.sin(x / 7.0) * np.cos(y / 5.0) + 300 * np.exp(-((x - nx / 3) ** 2 + (y - ny / 2) ** 2) / 30.0)
    f = f + rng.normal(0, 3, f.shape)
    f[r > 1] = np.nan
    return f


def fpack(src, dst, *opts):
    with open(dst, "wb") as out:
        subprocess.run(["fpack", *opts, "-S", src], stdout=out, check=True)


def funpack(src, dst):
    with open(dst, "wb") as out:
        subprocess.run(["funpack", "-S", src], stdout=out, check=True)


hdr = fits.Header()
hdr["CRPIX1"] = 50.5
hdr["CDELT1"] = 2.0
hdr["CUNIT1"] = "arcsec"
hdr["CONTENT"] = "MAGNETOGRAM"
hdr["COMMENT"] = "goft format/fits test fixture"

# 1. JSOC-like int32 with BSCALE 0.1, BZERO 0 and BLANK, RICE_1 in row
#    tiles (as hmi.M_720s), compressed by fpack; twin by funpack.
b = disk(70, 100)
ints = np.where(np.isfinite(b), np.round(b / 0.1), -2147483648).astype(">i4")
h = hdr.copy()
h["BSCALE"] = 0.1
h["BZERO"] = 0.0
h["BLANK"] = -2147483648
fits.PrimaryHDU(data=ints, header=hdr).writeto("hmi_int32.raw.fits", overwrite=True)
# astropy drops BSCALE and BZERO given with integer data; add them in place.
with fits.open("hmi_int32.raw.fits", mode="update", do_not_scale_image_data=True) as hl:
    for k in ["BSCALE", "BZERO", "BLANK"]:
        hl[0].header[k] = h[k]
fpack("hmi_int32.raw.fits", "hmi_int32_rice.fits", "-r")
funpack("hmi_int32_rice.fits", "hmi_int32_rice.twin.fits")

# 1b. the same image in an IMAGE extension with checksums (fpack then
#     writes ZTENSION, ZPCOUNT, ZGCOUNT, ZHECKSUM and ZDATASUM).
with fits.open("hmi_int32.raw.fits", do_not_scale_image_data=True) as hl:
    ext = fits.ImageHDU(data=hl[0].data, header=hl[0].header, do_not_scale_image_data=True)
    fits.HDUList([fits.PrimaryHDU(), ext]).writeto("hmi_ext.raw.fits", overwrite=True, checksum=True)
fpack("hmi_ext.raw.fits", "hmi_ext_rice.fits", "-r")
funpack("hmi_ext_rice.fits", "hmi_ext_rice.twin.fits")

# 2. float32 quantized by fpack (-q 4, SUBTRACTIVE_DITHER_1), twin by funpack.
f = disk(64, 90).astype(">f4")
fits.PrimaryHDU(data=f, header=hdr).writeto("float32.raw.fits", overwrite=True)
fpack("float32.raw.fits", "float32_rice_q.fits", "-r", "-q", "4")
funpack("float32_rice_q.fits", "float32_rice_q.twin.fits")

# 3. astropy CompImageHDU cases; twin: astropy's own decompressed pixels.
cases = [
    ("int16_rice_tiles", (np.nan_to_num(disk(50, 45)) * 10).astype(np.int16), dict(compression_type="RICE_1", tile_shape=(16, 16))),
    ("uint8_rice", (np.nan_to_num(disk(33, 40)) % 256).astype(np.uint8), dict(compression_type="RICE_1")),
    ("int32_gzip2", (np.nan_to_num(disk(30, 41)) * 1000).astype(np.int32), dict(compression_type="GZIP_2", tile_shape=(7, 41))),
    ("float32_dither2", disk(40, 52).astype(np.float32), dict(compression_type="RICE_1", quantize_level=8.0,
                                                            quantize_method=2, dither_seed=4321, tile_shape=(10, 52))),
    ("float64_gzip1_q", disk(20, 25), dict(compression_type="GZIP_1", quantize_level=16.0, quantize_method=1, dither_seed=7)),
    ("float32_nodither", disk(20, 30).astype(np.float32), dict(compression_type="RICE_1", quantize_level=4.0, quantize_method=-1)),
]
for name, data, kw in cases:
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data=data, header=hdr, **kw)]).writeto(name + ".fits", overwrite=True)
    with fits.open(name + ".fits") as hl:
        out = hl[1].data
        if out.dtype.kind in "iu":
            out = out.astype(np.float64)
        fits.PrimaryHDU(data=out).writeto(name + ".twin.fits", overwrite=True)
for f in ["hmi_int32.raw.fits", "hmi_ext.raw.fits", "float32.raw.fits"]:
    import os
    os.remove(f)
