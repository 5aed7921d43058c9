// Package assim is HipFT's data assimilation (hipft-model.md section 10):
// the map list, the schedule of map times, and the blending (or adding) of
// observed 3-layer maps into the field of every realization.
//
// Units: times in hours (list dates are Julian days, converted with the
// factor 24), fields in Gauss, weights and mu dimensionless, latitude
// limits in degrees of colatitude from each pole.
//
// # The list file
//
// The list (assimilate_data_map_list_filename) is a text file whose first
// line is a header (skipped). Every further line is read in HipFT's fixed
// columns (Fortran format '(A19,1X,A19,1X,F13.5,1X,A)'):
//
//	columns  1-19  requested UT date, e.g. 2024-01-01T00:00:00 (not used)
//	column   20    separator (any character; MagMAP writes ',')
//	columns 21-39  actual UT date of the observation (not used)
//	column   40    separator
//	columns 41-53  actual Julian date, exactly 13 characters, e.g. 2460310.50000
//	column   54    separator
//	columns 55-    the map's path relative to assimilate_data_map_root_dir
//
// Map i is due at TM_i = 24*JD_i - 24*JD_1 hours of model time, so model
// time 0 is the date of the first map.
//
// HipFT quirks, and what goft does instead:
//
//   - HipFT counts every line after the header, so a blank line at the end
//     becomes a map with JD 0 and an empty path, which breaks the time
//     stepping. goft ignores blank lines at the end of the file; a blank
//     line before the last entry is an error.
//   - A JD field that is not exactly 13 characters shifts the columns, and
//     HipFT then misreads the date or the path silently. goft rejects a line
//     whose JD field is not a number with a decimal point, or whose
//     separator columns hold a digit or '.', with an error that names the
//     list file and the line. (A Fortran F13.5 field without a decimal
//     point would be read with 5 implied decimals; goft rejects it too.)
//   - Dates must not decrease down the list (HipFT does not check; a
//     decreasing date makes it take a negative step). Equal dates are
//     allowed and give zero-length steps, as in HipFT.
//   - Trailing blanks and a carriage return are removed from the path
//     (HipFT trims trailing blanks only); leading blanks are removed too.
package assim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// Entry is one map of an assimilation list.
type Entry struct {
	// Line is the 1-based line number in the list file (the header is
	// line 1).
	Line int
	// RequestedUT and ActualUT are the two 19-character date columns, as
	// written (HipFT uses neither for the model).
	RequestedUT, ActualUT string
	// JD is the actual Julian date of the observation (days).
	JD float64
	// Path is the map file's path relative to the root directory.
	Path string
}

// ListHeader is the header line goft writes (HipFT skips the first line,
// whatever it holds). It names the columns as PSI's MagMAP index files do.
const ListHeader = "target_datetime_utc,obs_datetime_utc,obs_jd,map_path"

// Column layout of a list line (0-based byte offsets).
const (
	colReq  = 0  // requested UT, 19 characters
	colSep1 = 19 // separator
	colAct  = 20 // actual UT, 19 characters
	colSep2 = 39
	colJD   = 40 // JD, 13 characters
	colSep3 = 53
	colPath = 54 // relative path to the end of the line
	utWidth = 19
	jdWidth = 13
)

// ReadList reads an assimilation list file (see the package
// documentation). Errors name the file and, for a bad line, its number.
func ReadList(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("assimilation map list %s does not exist (assimilate_data_map_list_filename)", path)
		}
		return nil, fmt.Errorf("assimilation map list: %w", err)
	}
	defer f.Close()
	return ParseList(f, path)
}

// ParseList reads an assimilation list from r; name is used in errors.
func ParseList(r io.Reader, name string) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var out []Entry
	blankAt := 0 // first blank line not yet followed by an entry
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			continue // header
		}
		if strings.TrimSpace(text) == "" {
			if blankAt == 0 {
				blankAt = line
			}
			continue
		}
		if blankAt != 0 {
			return nil, fmt.Errorf("%s:%d: blank line inside the map list (HipFT would read it as a map with Julian date 0); remove it", name, blankAt)
		}
		e, err := parseLine(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v; the line is %q", name, line, err, text)
		}
		e.Line = line
		if n := len(out); n > 0 && e.JD < out[n-1].JD {
			return nil, fmt.Errorf("%s:%d: Julian date %.5f is earlier than %.5f on line %d; the maps must be in time order", name, line, e.JD, out[n-1].JD, out[n-1].Line)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("%s is empty: an assimilation map list needs a header line and one line per map", name)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no maps (only a header line)", name)
	}
	return out, nil
}

const layoutHint = "each line must hold the requested date in columns 1-19, the actual date in columns 21-39, the Julian date in columns 41-53 (13 characters, e.g. 2460310.50000) and the map path from column 55, separated by single characters"

func parseLine(s string) (Entry, error) {
	if len(s) <= colPath {
		return Entry{}, fmt.Errorf("line has %d characters, too short for a map path in column 55: %s", len(s), layoutHint)
	}
	for _, c := range []int{colSep1, colSep2, colSep3} {
		if b := s[c]; (b >= '0' && b <= '9') || b == '.' {
			return Entry{}, fmt.Errorf("column %d holds %q where a separator belongs: %s", c+1, b, layoutHint)
		}
	}
	field := s[colJD : colJD+jdWidth]
	jd, err := parseF135(field)
	if err != nil {
		return Entry{}, fmt.Errorf("Julian date field (columns 41-53) %q: %v: %s", field, err, layoutHint)
	}
	path := strings.TrimSpace(s[colPath:])
	if path == "" {
		return Entry{}, fmt.Errorf("no map path from column 55: %s", layoutHint)
	}
	return Entry{
		RequestedUT: s[colReq : colReq+utWidth],
		ActualUT:    s[colAct : colAct+utWidth],
		JD:          jd,
		Path:        path,
	}, nil
}

// parseF135 reads a Fortran F13.5 field that carries an explicit decimal
// point (Fortran 'D' exponents are accepted).
func parseF135(field string) (float64, error) {
	t := strings.TrimSpace(field)
	if t == "" {
		return 0, fmt.Errorf("is blank")
	}
	if strings.ContainsAny(t, " ,;") {
		return 0, fmt.Errorf("is not one number")
	}
	if !strings.Contains(t, ".") {
		return 0, fmt.Errorf("has no decimal point (Fortran F13.5 would read it with 5 implied decimals)")
	}
	t = strings.NewReplacer("d", "e", "D", "e").Replace(t)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, fmt.Errorf("is not a number")
	}
	if v != v || v > 1e300 || v < -1e300 {
		return 0, fmt.Errorf("is not a finite number")
	}
	return v, nil
}

// FormatEntry returns e as a list line in HipFT's fixed columns, with ','
// separators. The dates must be exactly 19 characters and the JD must fit
// F13.5 (0 <= JD < 1e7); the path must not be empty or hold a line break.
func FormatEntry(e Entry) (string, error) {
	if len(e.RequestedUT) != utWidth || len(e.ActualUT) != utWidth {
		return "", fmt.Errorf("assim: list dates must be 19 characters (YYYY-MM-DDTHH:MM:SS), got %q and %q", e.RequestedUT, e.ActualUT)
	}
	if !(e.JD >= 0 && e.JD < 1e7) {
		return "", fmt.Errorf("assim: Julian date %g does not fit the 13-character F13.5 column", e.JD)
	}
	if strings.TrimSpace(e.Path) == "" || strings.ContainsAny(e.Path, "\r\n") {
		return "", fmt.Errorf("assim: bad map path %q", e.Path)
	}
	jd := fmt.Sprintf("%13.5f", e.JD)
	return e.RequestedUT + "," + e.ActualUT + "," + jd + "," + e.Path, nil
}

// MapTimes returns the model time of each entry in hours,
// TM_i = 24*JD_i - 24*JD_1, evaluated exactly as HipFT does.
func MapTimes(es []Entry) []float64 {
	t := make([]float64, len(es))
	if len(es) == 0 {
		return t
	}
	t0 := 24 * es[0].JD
	for i, e := range es {
		t[i] = 24*e.JD - t0
	}
	return t
}
