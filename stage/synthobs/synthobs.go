// Package synthobs makes synthetic observations for data assimilation: it
// turns a sequence of Br maps (a goft or HipFT run's output maps, or one
// map seen repeatedly) into an assimilation data set in HipFT's format, as
// an Earth-based magnetograph would see the maps.
//
// A data set is a folder holding
//
//	synthobs_map_list.csv       the map list (HipFT's fixed columns, see package assim)
//	maps/synthobs_NNNNNN.h5     one 3D PSI map per observation, dims (N_phi, N_theta, 3)
//
// and is used in hipft.in with
//
//	assimilate_data = .true.
//	assimilate_data_map_list_filename = 'DIR/synthobs_map_list.csv'
//	assimilate_data_map_root_dir = 'DIR'
//
// Geometry. The observer sits in the direction of heliographic latitude B0
// and sub-Earth Carrington longitude L0(t), which decreases by 360 degrees
// per synodic Carrington rotation (SynodicDays = 27.2753 days):
//
//	L0(t) = Lon0 - 360 * (t/24)/SynodicDays   (degrees, t in hours, mod 360)
//
// A point at colatitude theta and longitude phi has
//
//	mu = sin(theta) cos(B0) cos(phi - L0) + cos(theta) sin(B0),
//
// the cosine of its angle from disk centre: 1 at disk centre, 0 on the
// limb, negative on the far side.
//
// The three layers of each map are:
//
//  1. data: the map's Br (Gauss) where mu > 0, plus Gaussian noise of
//     standard deviation Noise (Gauss); 0 on the far side (mu <= 0). The
//     noise is drawn once per pole row (so the pole stays single-valued)
//     and the phi = 2pi column repeats the phi = 0 column;
//  2. weight: mu^MuPower where mu > MuLimit, else 0 (the default, mu^4
//     above mu = 0.1, is the one HipFT's documentation suggests);
//  3. mu.
//
// Times. Observation i of a source map at model time t_i is dated
// StartJD + (t_i - t_0)/24 (Julian days), t_0 being the first map's time,
// so that the assimilating run's time 0 is the first observation. The list
// stores dates to 1e-5 day (0.864 s) in F13.5, so cadences that are not
// multiples of 0.864 s come back slightly shifted (1 h becomes 1.00008 h).
package synthobs

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/field"
)

// SynodicDays is the synodic Carrington rotation period (days): the time
// for the sub-Earth Carrington longitude to fall by 360 degrees.
const SynodicDays = 27.2753

// CarringtonEpochJD is the Julian date at which Carrington rotation 1
// began (sub-Earth longitude 360 = 0 degrees), 1853 November 9.
const CarringtonEpochJD = 2398140.2270

// unixEpochJD is the Julian date of 1970-01-01T00:00:00 UTC.
const unixEpochJD = 2440587.5

// Names inside a data-set folder.
const (
	ListName  = "synthobs_map_list.csv"
	MapSubdir = "maps"
)

// MapName returns the file name of observation i (1-based).
func MapName(i int) string { return fmt.Sprintf("synthobs_%06d.h5", i) }

// JulianDate returns the Julian date (days) of t (UTC, leap seconds ignored).
func JulianDate(t time.Time) float64 {
	return unixEpochJD + float64(t.Unix())/86400 + float64(t.Nanosecond())/86400e9
}

// TimeOfJD returns the UTC time of Julian date jd, to the nearest
// millisecond.
func TimeOfJD(jd float64) time.Time {
	ms := math.Round((jd - unixEpochJD) * 86400e3)
	return time.UnixMilli(int64(ms)).UTC()
}

// CarringtonLongitude returns the approximate sub-Earth Carrington
// longitude (degrees, [0, 360)) at Julian date jd, from a uniform rotation
// with the synodic period since CarringtonEpochJD. It ignores the
// eccentricity of Earth's orbit and is good to a few degrees.
func CarringtonLongitude(jd float64) float64 {
	rot := (jd - CarringtonEpochJD) / SynodicDays
	return wrap360(360 * (1 - (rot - math.Floor(rot))))
}

func wrap360(d float64) float64 {
	d = math.Mod(d, 360)
	if d < 0 {
		d += 360
	}
	if d >= 360 {
		d = 0
	}
	return d
}

// Observer is the position of an Earth-based magnetograph.
type Observer struct {
	// Lon0 is the sub-Earth Carrington longitude (degrees) at model time 0.
	Lon0 float64
	// B0 is the heliographic latitude of disk centre (degrees; positive
	// shows more of the north pole), held constant.
	B0 float64
}

// SubEarthLongitude returns L0 (degrees, [0, 360)) at model time t (hours).
func (o Observer) SubEarthLongitude(t float64) float64 {
	return wrap360(o.Lon0 - 360*(t/24)/SynodicDays)
}

// Mu returns the cosine of the angle from disk centre of the point at
// colatitude theta and Carrington longitude phi (radians) at model time t
// (hours).
func (o Observer) Mu(theta, phi, t float64) float64 {
	l0 := o.SubEarthLongitude(t) * math.Pi / 180
	b0 := o.B0 * math.Pi / 180
	return math.Sin(theta)*math.Cos(b0)*math.Cos(phi-l0) + math.Cos(theta)*math.Sin(b0)
}

// Options control the synthetic observations.
type Options struct {
	Observer
	// StartJD is the Julian date of the first observation.
	StartJD float64
	// MuPower and MuLimit set the weights mu^MuPower where mu > MuLimit.
	MuPower, MuLimit float64
	// Noise is the standard deviation (Gauss) of the noise added to the
	// visible data; 0 for none.
	Noise float64
	// Seed seeds the noise generator (math/rand/v2 PCG).
	Seed uint64
	// Single writes float32 maps (as HipFT's output_single_precision).
	Single bool
}

// DefaultOptions returns the defaults of goft synth-obs: start
// 2024-01-01T00:00:00 UTC with its Carrington longitude, B0 = 0, weights
// mu^4 above mu = 0.1, no noise, seed 1, float64 maps.
func DefaultOptions() Options {
	jd := JulianDate(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	return Options{Observer: Observer{Lon0: CarringtonLongitude(jd)}, StartJD: jd, MuPower: 4, MuLimit: 0.1, Seed: 1}
}

func (o *Options) check() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"start Julian date", o.StartJD}, {"longitude", o.Lon0}, {"B0", o.B0}, {"mu power", o.MuPower}, {"mu limit", o.MuLimit}, {"noise", o.Noise}} {
		if math.IsNaN(v.x) || math.IsInf(v.x, 0) {
			return fmt.Errorf("synthobs: %s is %v", v.name, v.x)
		}
	}
	if o.B0 < -90 || o.B0 > 90 {
		return fmt.Errorf("synthobs: B0 = %g degrees is outside -90..90", o.B0)
	}
	if o.Noise < 0 {
		return fmt.Errorf("synthobs: noise = %g G must be >= 0", o.Noise)
	}
	if !(o.StartJD >= 0 && o.StartJD < 9e6) {
		return fmt.Errorf("synthobs: start Julian date %g does not fit HipFT's list column (0..9e6)", o.StartJD)
	}
	return nil
}

// Frame is one source map: Br (Gauss) in map layout, Br[k + len(Phi)*j]
// for longitude Phi[k] and colatitude Theta[j] (radians, both phi end
// points and both poles included), at model time Time (hours).
type Frame struct {
	Time       float64
	Phi, Theta []float64
	Br         []float64
}

// Observe returns the 3-layer assimilation map (dims (N_phi, N_theta, 3),
// dim3 = 1, 2, 3) of frame fr seen at data-set time t (hours since the
// first observation). rng supplies the noise and may be nil when
// o.Noise = 0.
func Observe(fr *Frame, t float64, o *Options, rng *rand.Rand) (*psihdf.Map, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	nPhi, ntm := len(fr.Phi), len(fr.Theta)
	one := field.MapLayout{NPhi: nPhi, NTheta: ntm, NReal: 1}
	if nPhi < 2 || ntm < 2 || len(fr.Br) != one.Len() {
		return nil, fmt.Errorf("synthobs: frame has %d values on %d x %d points", len(fr.Br), nPhi, ntm)
	}
	if o.Noise > 0 && rng == nil {
		return nil, fmt.Errorf("synthobs: noise needs a random generator")
	}
	layers := field.MapLayout{NPhi: nPhi, NTheta: ntm, NReal: assim.NumLayers} // the third dimension holds the layers
	out := make([]float64, layers.Len())
	data, w, mu := layers.Realization(out, assim.LayerData), layers.Realization(out, assim.LayerWeight), layers.Realization(out, assim.LayerMu)
	noise := make([]float64, nPhi)
	for j, th := range fr.Theta {
		if o.Noise > 0 {
			if j == 0 || j == ntm-1 {
				v := o.Noise * rng.NormFloat64() // one value: the pole is one point
				for k := range noise {
					noise[k] = v
				}
			} else {
				for k := 0; k < nPhi-1; k++ {
					noise[k] = o.Noise * rng.NormFloat64()
				}
				noise[nPhi-1] = noise[0] // phi = 2pi is the phi = 0 point
			}
		}
		for k, ph := range fr.Phi {
			q := one.Index(j, k, 0)
			u := o.Mu(th, ph, t)
			mu[q] = u
			if u > o.MuLimit {
				w[q] = math.Pow(u, o.MuPower)
			}
			if u > 0 {
				data[q] = fr.Br[q] + noise[k]
			}
		}
	}
	return &psihdf.Map{
		Dims:   []int{nPhi, ntm, 3},
		Scales: [][]float64{append([]float64(nil), fr.Phi...), append([]float64(nil), fr.Theta...), {1, 2, 3}},
		Data:   out,
	}, nil
}

// FrameFunc returns source frame i (0-based) of a sequence.
type FrameFunc func(i int) (*Frame, error)

// Write writes the data set of frames 0..n-1 into dir (created if needed;
// an existing list there is an error, so that no data set is overwritten)
// and returns the list's entries. Frame times must not decrease.
func Write(dir string, n int, get FrameFunc, o *Options) ([]assim.Entry, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("synthobs: no maps to observe")
	}
	list := filepath.Join(dir, ListName)
	if _, err := os.Stat(list); err == nil {
		return nil, fmt.Errorf("synthobs: %s already holds a data set (%s); choose another output folder", dir, ListName)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("synthobs: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, MapSubdir), 0o755); err != nil {
		return nil, fmt.Errorf("synthobs: %w", err)
	}
	var rng *rand.Rand
	if o.Noise > 0 {
		rng = rand.New(rand.NewPCG(o.Seed, 0xda3e39cb94b95bdb))
	}
	var entries []assim.Entry
	lines := []string{assim.ListHeader}
	var t0, prev float64
	for i := 0; i < n; i++ {
		fr, err := get(i)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			t0, prev = fr.Time, fr.Time
		}
		if fr.Time < prev {
			return nil, fmt.Errorf("synthobs: map %d is at %g h, before the previous map (%g h); maps must be in time order", i+1, fr.Time, prev)
		}
		prev = fr.Time
		t := fr.Time - t0
		mp, err := Observe(fr, t, o, rng)
		if err != nil {
			return nil, fmt.Errorf("map %d: %w", i+1, err)
		}
		rel := MapSubdir + "/" + MapName(i+1)
		if err := psihdf.Write(filepath.Join(dir, filepath.FromSlash(rel)), mp, o.Single); err != nil {
			return nil, err
		}
		jd := o.StartJD + t/24
		ut := TimeOfJD(jd).Round(time.Second).Format("2006-01-02T15:04:05")
		e := assim.Entry{Line: i + 2, RequestedUT: ut, ActualUT: ut, JD: jd, Path: rel}
		line, err := assim.FormatEntry(e)
		if err != nil {
			return nil, err
		}
		lines = append(lines, line)
		e.JD = math.Round(jd*1e5) / 1e5 // as read back
		entries = append(entries, e)
	}
	tmp := list + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("synthobs: %w", err)
	}
	if err := os.Rename(tmp, list); err != nil {
		return nil, fmt.Errorf("synthobs: %w", err)
	}
	return entries, nil
}
