package oft

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// DateLayout is OFTSWA's date format (UTC).
const DateLayout = "2006-01-02T15:04:05"

// ParseDate reads a UTC date in DateLayout.
func ParseDate(s string) (*time.Time, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%q is not a date of the form YYYY-MM-DDTHH:MM:SS (UTC)", s)
	}
	return &t, nil
}

// Hours returns b - a in hours.
func Hours(a, b time.Time) float64 { return b.Sub(a).Hours() }

// leapSeconds lists the UTC dates from which TAI - UTC took each value
// (IERS Bulletin C; the last, 37 s, from 2017-01-01, still in force).
var leapSeconds = []struct {
	from   time.Time
	offset int // TAI - UTC, seconds
}{
	{time.Date(1972, 1, 1, 0, 0, 0, 0, time.UTC), 10},
	{time.Date(1972, 7, 1, 0, 0, 0, 0, time.UTC), 11},
	{time.Date(1973, 1, 1, 0, 0, 0, 0, time.UTC), 12},
	{time.Date(1974, 1, 1, 0, 0, 0, 0, time.UTC), 13},
	{time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC), 14},
	{time.Date(1976, 1, 1, 0, 0, 0, 0, time.UTC), 15},
	{time.Date(1977, 1, 1, 0, 0, 0, 0, time.UTC), 16},
	{time.Date(1978, 1, 1, 0, 0, 0, 0, time.UTC), 17},
	{time.Date(1979, 1, 1, 0, 0, 0, 0, time.UTC), 18},
	{time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 19},
	{time.Date(1981, 7, 1, 0, 0, 0, 0, time.UTC), 20},
	{time.Date(1982, 7, 1, 0, 0, 0, 0, time.UTC), 21},
	{time.Date(1983, 7, 1, 0, 0, 0, 0, time.UTC), 22},
	{time.Date(1985, 7, 1, 0, 0, 0, 0, time.UTC), 23},
	{time.Date(1988, 1, 1, 0, 0, 0, 0, time.UTC), 24},
	{time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 25},
	{time.Date(1991, 1, 1, 0, 0, 0, 0, time.UTC), 26},
	{time.Date(1992, 7, 1, 0, 0, 0, 0, time.UTC), 27},
	{time.Date(1993, 7, 1, 0, 0, 0, 0, time.UTC), 28},
	{time.Date(1994, 7, 1, 0, 0, 0, 0, time.UTC), 29},
	{time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC), 30},
	{time.Date(1997, 7, 1, 0, 0, 0, 0, time.UTC), 31},
	{time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), 32},
	{time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC), 33},
	{time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC), 34},
	{time.Date(2012, 7, 1, 0, 0, 0, 0, time.UTC), 35},
	{time.Date(2015, 7, 1, 0, 0, 0, 0, time.UTC), 36},
	{time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), 37},
}

// taiMinusUTC returns TAI - UTC in seconds at UTC time t (from 1972).
func taiMinusUTC(t time.Time) int {
	off := 10
	for _, l := range leapSeconds {
		if !t.Before(l.from) {
			off = l.offset
		}
	}
	return off
}

// DatedTime is a model time as HipFT's hipft_add_dates_to_map_output_list.py
// writes it: elapsed SI seconds added to the start date in UTC and in TAI.
type DatedTime struct {
	UnixUTC float64 // seconds since 1970 in UTC, leap seconds not counted (astropy's unix)
	UTC     string  // YYYY-MM-DDTHH:MM:SS.sss
	UnixTAI float64 // seconds since 1970-01-01T00:00:00 TAI (astropy's unix_tai)
	TAI     string
}

// DateOf returns the date elapsed hours after start (UTC). The elapsed time
// is SI seconds, as astropy adds a TimeDelta: across a leap second the UTC
// date is one second earlier than a calendar sum. (Within the UTC day of a
// leap second astropy's strings and unix times follow its own day-fraction
// convention, e.g. 23:59:60; goft's differ there by up to a second.)
func DateOf(start time.Time, hours float64) DatedTime {
	offset := func(t time.Time) time.Duration { return time.Duration(taiMinusUTC(t)) * time.Second }
	elapsed := time.Duration(math.Round(hours * 3600e9))
	tai := start.Add(offset(start) + elapsed)
	// The UTC date whose TAI is tai: tai less the offset in force at that
	// date (found from the calendar sum start + elapsed, which is at most a
	// few leap seconds off).
	utc := tai.Add(-offset(start.Add(elapsed)))
	return DatedTime{
		UnixUTC: float64(utc.UnixNano()) / 1e9,
		UTC:     utc.Format("2006-01-02T15:04:05.000"),
		// astropy's unix_tai: the UTC unix time plus TAI - UTC, which is the
		// TAI wall clock read as a unix time.
		UnixTAI: float64(tai.UnixNano()) / 1e9,
		TAI:     tai.Format("2006-01-02T15:04:05.000"),
	}
}

// WriteDatedMapLists reads HipFT's hipft_output_map_list.out from r and
// writes its UTC and TAI versions (hipft_output_map_list_utc.out and
// _tai.out) as hipft_add_dates_to_map_output_list.py does: each line with
// the date of its time, counted from the first map's time, which is dated
// start.
func WriteDatedMapLists(r io.Reader, start time.Time, utc, tai io.Writer) error {
	sc := bufio.NewScanner(r)
	first := true
	var t0 float64
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if first {
			fmt.Fprintf(utc, "%s UTC(sec) UTC\n", s)
			fmt.Fprintf(tai, "%s TAI(sec) TAI\n", s)
			first = false
			continue
		}
		f := strings.Fields(s)
		if len(f) < 2 {
			return fmt.Errorf("line %d: %q has no time column", line, s)
		}
		t, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return fmt.Errorf("line %d: time %q: %v", line, f[1], err)
		}
		if line == 2 {
			t0 = t
		}
		d := DateOf(start, t-t0)
		fmt.Fprintf(utc, "%s %.3f %s\n", s, d.UnixUTC, d.UTC)
		fmt.Fprintf(tai, "%s %.3f %s\n", s, d.UnixTAI, d.TAI)
	}
	return sc.Err()
}
