package synthobs

import (
	"github.com/goft-sft/goft/format/fortranfmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

func TestGeometry(t *testing.T) {
	rot := SynodicDays * 24 // hours
	for _, o := range []Observer{{Lon0: 0}, {Lon0: 123.4, B0: 7.25}, {Lon0: 359, B0: -5}} {
		for _, tt := range []float64{0, 5, 100, 1000} {
			l0 := o.SubEarthLongitude(tt) * math.Pi / 180
			b0 := o.B0 * math.Pi / 180
			cases := []struct {
				name       string
				theta, phi float64
				want       float64
			}{
				{"disk centre", math.Pi/2 - b0, l0, 1},
				{"far side", math.Pi/2 + b0, l0 + math.Pi, -1},
				{"limb east", math.Pi / 2, l0 + math.Pi/2, 0},
				{"limb west", math.Pi / 2, l0 - math.Pi/2, 0},
				{"limb north", math.Pi - b0, l0, 0},
			}
			for _, c := range cases {
				if got := o.Mu(c.theta, c.phi, tt); math.Abs(got-c.want) > 1e-12 {
					t.Errorf("%+v t=%g %s: mu = %v, want %v", o, tt, c.name, got, c.want)
				}
			}
		}
		// One synodic rotation brings L0 back; half a rotation moves it by 180.
		for _, tt := range []float64{0, 10, 333} {
			a, b := o.SubEarthLongitude(tt), o.SubEarthLongitude(tt+rot)
			if d := math.Abs(math.Remainder(a-b, 360)); d > 1e-9 {
				t.Errorf("L0 after one rotation moved by %g deg", d)
			}
			c := o.SubEarthLongitude(tt + rot/2)
			if d := math.Abs(math.Remainder(a-c, 360)); math.Abs(d-180) > 1e-9 {
				t.Errorf("L0 after half a rotation moved by %g deg, want 180", d)
			}
			// Decreasing with time: one day later it is 360/27.2753 deg smaller.
			d := o.SubEarthLongitude(tt + 24)
			if diff := math.Remainder(a-d, 360); math.Abs(diff-360/SynodicDays) > 1e-9 {
				t.Errorf("L0 fell by %g deg in a day, want %g", diff, 360/SynodicDays)
			}
		}
	}
}

func TestDates(t *testing.T) {
	j2000 := time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)
	if jd := JulianDate(j2000); jd != 2451545.0 {
		t.Errorf("JD of J2000 = %.6f, want 2451545", jd)
	}
	if got := TimeOfJD(2451545.25); !got.Equal(j2000.Add(6 * time.Hour)) {
		t.Errorf("TimeOfJD = %v", got)
	}
	if l := CarringtonLongitude(CarringtonEpochJD); l != 0 {
		t.Errorf("longitude at the Carrington epoch = %v, want 0", l)
	}
	if l := CarringtonLongitude(CarringtonEpochJD + SynodicDays/4); math.Abs(l-270) > 1e-6 {
		t.Errorf("longitude a quarter rotation later = %v, want 270", l)
	}
}

// testMap is a smooth 2D Br map (Gauss) on an n-point grid.
func testMap(nPhi, nTheta int) *psihdf.Map {
	m, _ := mesh.Uniform(nTheta, nPhi)
	phi, theta := m.Phi[:nPhi], m.Theta
	l := m.MapLayout(field.Center, 1)
	data := make([]float64, l.Len())
	for j, tt := range theta {
		for k, p := range phi {
			data[l.Index(j, k, 0)] = truth0(tt, p)
		}
	}
	return &psihdf.Map{Dims: []int{nPhi, nTheta}, Scales: [][]float64{append([]float64(nil), phi...), append([]float64(nil), theta...)}, Data: data}
}

func truth0(t, p float64) float64 {
	st, ct := math.Sin(t), math.Cos(t)
	return 10*ct + 8*st*st*ct*math.Cos(2*(p-1)) + 6*st*st*st*math.Cos(3*p) + 1
}

func TestObserveLayers(t *testing.T) {
	mp := testMap(41, 21)
	fr, err := FrameOf(mp, 1, 0, "m")
	if err != nil {
		t.Fatal(err)
	}
	for _, noise := range []float64{0, 2} {
		o := Options{Observer: Observer{Lon0: 90, B0: 5}, MuPower: 3, MuLimit: 0.2, Noise: noise}
		rng := rand.New(rand.NewPCG(1, 2))
		obs, err := Observe(fr, 48, &o, rng)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs.Dims) != 3 || obs.Dims[0] != 41 || obs.Dims[1] != 21 || obs.Dims[2] != 3 {
			t.Fatalf("dims %v", obs.Dims)
		}
		nl := 41 * 21
		var sum2 float64
		var nVis int
		for j := 0; j < 21; j++ {
			for k := 0; k < 41; k++ {
				q := k + 41*j
				mu := o.Mu(mp.Scales[1][j], mp.Scales[0][k], 48)
				if obs.Data[2*nl+q] != mu {
					t.Fatalf("mu layer at (%d,%d) = %v, want %v", j, k, obs.Data[2*nl+q], mu)
				}
				w := 0.0
				if mu > 0.2 {
					w = math.Pow(mu, 3)
				}
				if obs.Data[nl+q] != w {
					t.Fatalf("weight at (%d,%d) = %v, want %v", j, k, obs.Data[nl+q], w)
				}
				d := obs.Data[q]
				switch {
				case mu <= 0 && d != 0:
					t.Fatalf("far-side data %v, want 0", d)
				case mu > 0 && noise == 0 && d != mp.Data[q]:
					t.Fatalf("visible data %v, want %v", d, mp.Data[q])
				case mu > 0 && noise > 0 && j > 0 && j < 20 && k < 40:
					sum2 += (d - mp.Data[q]) * (d - mp.Data[q])
					nVis++
				}
			}
			if math.Abs(obs.Data[40+41*j]-obs.Data[41*j]) > 1e-12 && obs.Data[2*nl+41*j] > 0 {
				t.Errorf("row %d: the phi = 2pi column differs from phi = 0", j)
			}
		}
		for _, j := range []int{0, 20} {
			for k := 1; k < 41; k++ {
				if obs.Data[k+41*j] != obs.Data[41*j] {
					t.Fatalf("pole row %d varies with phi", j)
				}
			}
		}
		if noise > 0 {
			if sd := math.Sqrt(sum2 / float64(nVis)); math.Abs(sd-noise) > 0.15*noise {
				t.Errorf("noise standard deviation %v over %d points, want %v", sd, nVis, noise)
			}
		}
	}
}

// TestWriteDataSet writes a data set of one map seen every 6 hours and
// reads it back with the assimilation list reader and the map reader.
func TestWriteDataSet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "obs")
	mp := testMap(41, 21)
	times := []float64{0, 6, 12, 18}
	get, err := StaticFrames(mp, 1, times, "m")
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.StartJD = JulianDate(time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC))
	o.Noise, o.Seed = 1.5, 42
	entries, err := Write(dir, len(times), get, &o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := assim.ReadList(filepath.Join(dir, ListName))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(entries) {
		t.Fatalf("read %d entries, wrote %d", len(got), len(entries))
	}
	for i := range got {
		if got[i] != entries[i] {
			t.Errorf("entry %d read %+v, wrote %+v", i, got[i], entries[i])
		}
	}
	if got[1].ActualUT != "2024-05-10T06:00:00" || got[1].Path != "maps/synthobs_000002.h5" {
		t.Errorf("entry 2 = %+v", got[1])
	}
	tm := assim.MapTimes(got)
	for i := range tm {
		if tm[i] != times[i] {
			t.Errorf("map time %d = %.17g, want %g", i, tm[i], times[i])
		}
	}
	m, err := mesh.New(mp.Scales[0], mp.Scales[1])
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, 0xda3e39cb94b95bdb))
	for i, e := range got {
		back, err := psihdf.Read(filepath.Join(dir, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		if err := assim.CheckMap(m, back, e.Path); err != nil {
			t.Fatal(err)
		}
		fr, _ := get(i)
		want, err := Observe(fr, times[i], &o, rng)
		if err != nil {
			t.Fatal(err)
		}
		for q := range want.Data {
			if back.Data[q] != want.Data[q] {
				t.Fatalf("map %d value %d = %v, want %v", i+1, q, back.Data[q], want.Data[q])
			}
		}
	}
	// The folder now holds a data set: writing again is refused.
	if _, err := Write(dir, 1, get, &o); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("second write: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	mp := testMap(11, 6)
	get, _ := StaticFrames(mp, 1, []float64{5, 3}, "m")
	o := DefaultOptions()
	if _, err := Write(t.TempDir(), 2, get, &o); err == nil || !strings.Contains(err.Error(), "time order") {
		t.Errorf("decreasing times: %v", err)
	}
	if _, err := StaticFrames(mp, 2, nil, "m.h5"); err == nil || !strings.Contains(err.Error(), "realization 2") {
		t.Errorf("realization 2 of a 2D map: %v", err)
	}
	for _, bad := range []Options{{Observer: Observer{B0: 95}}, {Noise: -1}, {StartJD: math.NaN()}, {StartJD: 1e7}} {
		if _, err := Write(t.TempDir(), 1, get, &bad); err == nil {
			t.Errorf("options %+v accepted", bad)
		}
	}
}

func TestReadRunMaps(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadRunMaps(dir); err == nil || !strings.Contains(err.Error(), RunMapList) {
		t.Errorf("missing list: %v", err)
	}
	params := "&hipft_input_parameters\n OUTPUT_MAP_DIRECTORY=\"brmaps\",\n TIME_END=  1.0 ,\n/\n"
	list := "       IDX                      TIME FILENAME\n" +
		"         1       0.000000000000000E+00    hipft_brmap_idx000001.h5\n" +
		"         2       2.400000000000000E+01    hipft_brmap_idx000002.h5\n"
	if err := os.WriteFile(filepath.Join(dir, RunParameters), []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, RunMapList), []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	maps, err := ReadRunMaps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 2 || maps[1].Index != 2 || maps[1].Time != 24 || maps[1].Path != filepath.Join(dir, "brmaps", "hipft_brmap_idx000002.h5") {
		t.Errorf("maps %+v", maps)
	}
	if err := os.WriteFile(filepath.Join(dir, RunMapList), []byte(list+"  3 x y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRunMaps(dir); err == nil || !strings.Contains(err.Error(), ":4:") {
		t.Errorf("bad line: %v", err)
	}
	if v, err := fortranfmt.ParseReal("1.5-100"); err != nil || v != 1.5e-100 {
		t.Errorf("ParseReal(1.5-100) = %v, %v", v, err)
	}
}
