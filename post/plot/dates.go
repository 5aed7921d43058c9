package plot

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
)

// DateTicks marks a time axis in Unix seconds (UTC) with calendar dates at
// a step chosen for the range: days, weeks, months or years.
type DateTicks struct{}

// Ticks implements plot.Ticker.
func (DateTicks) Ticks(min, max float64) []plot.Tick {
	t0 := time.Unix(int64(min), 0).UTC()
	t1 := time.Unix(int64(max), 0).UTC()
	days := (max - min) / 86400
	type step struct {
		days, months, years int
		format              string
	}
	var s step
	switch {
	case days <= 8:
		s = step{days: 1, format: "2006-01-02"}
	case days <= 16:
		s = step{days: 2, format: "2006-01-02"}
	case days <= 40:
		s = step{days: 7, format: "2006-01-02"}
	case days <= 100:
		s = step{days: 14, format: "2006-01-02"}
	case days <= 250:
		s = step{months: 1, format: "2006-01"}
	case days <= 800:
		s = step{months: 3, format: "2006-01"}
	case days <= 2500:
		s = step{years: 1, format: "2006"}
	default:
		s = step{years: 5, format: "2006"}
	}
	// First tick: midnight at or after t0, aligned to the step.
	var t time.Time
	switch {
	case s.years > 0:
		t = time.Date(t0.Year()-t0.Year()%s.years, 1, 1, 0, 0, 0, 0, time.UTC)
	case s.months > 0:
		m := int(t0.Month()) - 1
		t = time.Date(t0.Year(), time.Month(m-m%s.months+1), 1, 0, 0, 0, 0, time.UTC)
	default:
		t = time.Date(t0.Year(), t0.Month(), t0.Day(), 0, 0, 0, 0, time.UTC)
	}
	var ts []plot.Tick
	for !t.After(t1) {
		if !t.Before(t0) {
			ts = append(ts, plot.Tick{Value: float64(t.Unix()), Label: t.Format(s.format)})
		}
		t = t.AddDate(s.years, s.months, s.days)
	}
	if len(ts) < 2 {
		// Too short a range for calendar steps: label both ends with times.
		return []plot.Tick{
			{Value: min, Label: t0.Format("2006-01-02 15:04")},
			{Value: max, Label: t1.Format("2006-01-02 15:04")},
		}
	}
	return ts
}

// NiceTicks marks a linear axis with about N (default 6) major ticks at a
// step of 1, 2 or 5 times a power of ten, with a minor tick between
// majors.
type NiceTicks struct{ N int }

// Ticks implements plot.Ticker.
func (t NiceTicks) Ticks(lo, hi float64) []plot.Tick {
	n := t.N
	if n <= 0 {
		n = 6
	}
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}}
	}
	step := NiceCeil((hi - lo) / float64(n))
	dec := int(-math.Floor(math.Log10(step) + 1e-9))
	format := func(v float64) string {
		if math.Abs(v) < step*1e-9 {
			return "0"
		}
		if step < 1e-3 || step >= 1e6 {
			return strconv.FormatFloat(v, 'g', 4, 64)
		}
		return strconv.FormatFloat(v, 'f', max(dec, 0), 64)
	}
	var ts []plot.Tick
	first := math.Ceil(lo/step-1e-9) * step
	for k := 0; ; k++ {
		v := first + float64(k)*step
		if v > hi+step*1e-9 {
			break
		}
		ts = append(ts, plot.Tick{Value: v, Label: format(v)})
		if h := v + step/2; h <= hi {
			ts = append(ts, plot.Tick{Value: h})
		}
	}
	if h := first - step/2; h >= lo {
		ts = append(ts, plot.Tick{Value: h})
	}
	return ts
}

// TimeLabel labels a map at simulation time hours: "t = 120 h"; with a
// start date (the UT date of time 0), also the date and the Carrington
// rotation: "2024-05-06 00:00 UT, CR 2283 (t = 120 h)".
func TimeLabel(hours float64, start time.Time) string {
	t := "t = " + strconv.FormatFloat(hours, 'f', -1, 64) + " h"
	if math.Abs(hours-math.Round(hours*100)/100) > 1e-9 {
		t = fmt.Sprintf("t = %.2f h", hours)
	}
	if start.IsZero() {
		return t
	}
	d := start.Add(time.Duration(hours * float64(time.Hour))).UTC()
	return fmt.Sprintf("%s UT, CR %d (%s)", d.Format("2006-01-02 15:04"), CarringtonRotation(d), t)
}

// CarringtonRotation returns the number of the Carrington rotation under
// way at t: the integer part of 1 + (JD - 2398167.329)/27.2753, with JD
// the Julian date of t, 2398167.329 that of Carrington rotation 1's start
// (1853 November 9) and 27.2753 days the mean synodic rotation period. The
// mean period makes it an estimate (as sunpy's first one): within a few
// hours of a rotation's start it can be one off.
func CarringtonRotation(t time.Time) int {
	jd := float64(t.Unix())/86400 + 2440587.5
	return int(math.Floor(1 + (jd-2398167.329)/27.2753))
}
