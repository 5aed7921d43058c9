package magmap

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/stage/synthobs"
)

// DiskOptions control the FITS disks WriteDisks writes.
type DiskOptions struct {
	// N is the image size (N x N pixels; HMI: 4096). The pixel size is
	// HMI's 0.504365 arcsec scaled by 4096/N.
	N int
	// DsunAU is the observer's distance from the Sun in au.
	DsunAU float64
	// Roll is CROTA2, degrees (HMI: about 180).
	Roll float64
	// Rice writes the images as JSOC serves hmi.M_720s: 32-bit integers
	// with BSCALE = RiceBScale Gauss and BLANK off the disk, RICE_1
	// tile-compressed in HDU 1; otherwise uncompressed float32.
	Rice bool
}

// RiceBScale is the quantum (Gauss) of the compressed disks WriteDisks
// writes.
const RiceBScale = 0.01

// metresPerAU is the IAU astronomical unit.
const metresPerAU = 1.495978707e11

// frameField returns Br(lon, lat) of fr by bilinear interpolation in
// (phi, theta), periodic in phi.
func frameField(fr *synthobs.Frame) func(lon, lat float64) float64 {
	np, nt := len(fr.Phi), len(fr.Theta)
	return func(lon, lat float64) float64 {
		theta := math.Pi/2 - lat
		p := math.Mod(lon-fr.Phi[0], 2*math.Pi)
		if p < 0 {
			p += 2 * math.Pi
		}
		p += fr.Phi[0]
		k := sort.SearchFloat64s(fr.Phi, p) - 1
		k = max(0, min(k, np-2))
		j := sort.SearchFloat64s(fr.Theta, theta) - 1
		j = max(0, min(j, nt-2))
		fp := (p - fr.Phi[k]) / (fr.Phi[k+1] - fr.Phi[k])
		ft := (theta - fr.Theta[j]) / (fr.Theta[j+1] - fr.Theta[j])
		fp, ft = max(0, min(1, fp)), max(0, min(1, ft))
		b := fr.Br
		return (1-ft)*((1-fp)*b[k+np*j]+fp*b[k+1+np*j]) + ft*((1-fp)*b[k+np*(j+1)]+fp*b[k+1+np*(j+1)])
	}
}

// WriteDisks writes n synthetic full-disk magnetograms of the frames of
// get into dir, as magmap_get_data.py lays out HMI disks
// (dir/YYYY/MM/DD/hmi_m_720s_YYYYMMDDTHHMMSS.fits and
// dir/index_files/magmap_disks_all.csv), for goft magmap: frame i is seen
// at its date (o.StartJD plus its time after the first frame, rounded to
// the second) from Carrington longitude o.SubEarthLongitude and latitude
// o.B0, with Gaussian noise of o.Noise Gauss on the disk. The images are
// float32, uncompressed, or with d.Rice RICE_1 compressed integers.
func WriteDisks(dir string, n int, get synthobs.FrameFunc, o synthobs.Options, d DiskOptions) ([]Entry, error) {
	if n < 1 {
		return nil, fmt.Errorf("no maps to observe")
	}
	if d.N < 16 || d.N > 8192 || !(d.DsunAU > 0.005) || math.IsInf(d.DsunAU, 0) || math.IsNaN(d.Roll) {
		return nil, fmt.Errorf("disk size %d (want 16 to 8192), distance %g au (want more than 0.005) or roll %g is out of range", d.N, d.DsunAU, d.Roll)
	}
	idx := filepath.Join(dir, IndexDir, DefaultDiskIndex)
	if _, err := os.Stat(idx); err == nil {
		return nil, fmt.Errorf("%s already holds a disk data set (%s); choose another output folder", dir, idx)
	}
	var rng *rand.Rand
	if o.Noise > 0 {
		rng = rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	}
	var entries []Entry
	var t0 float64
	for i := 0; i < n; i++ {
		fr, err := get(i)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			t0 = fr.Time
		}
		t := fr.Time - t0
		when := synthobs.TimeOfJD(o.StartJD + t/24).Round(time.Second)
		obs := DefaultObserver(d.N, when, o.SubEarthLongitude(t), o.B0)
		obs.DsunObs = d.DsunAU * metresPerAU
		obs.CROTA2 = d.Roll
		img, err := ObserveDisk(frameField(fr), obs)
		if err != nil {
			return nil, err
		}
		if rng != nil {
			for k, v := range img.Data {
				if !math.IsNaN(v) {
					img.Data[k] = v + o.Noise*rng.NormFloat64()
				}
			}
		}
		rel := when.Format("2006/01/02") + "/hmi_m_720s_" + when.Format("20060102T150405") + ".fits"
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if d.Rice {
			err = fits.WriteFileRice(path, img, RiceBScale)
		} else {
			err = fits.WriteFile(path, img)
		}
		if err != nil {
			return nil, err
		}
		entries = append(entries, Entry{Date: when, RelPath: rel})
	}
	if err := os.MkdirAll(filepath.Dir(idx), 0o755); err != nil {
		return nil, err
	}
	return entries, WriteDiskIndex(idx, entries)
}
