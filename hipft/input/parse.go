package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/goft-sft/goft/format/namelist"
)

// GroupName is the namelist group HipFT reads.
const GroupName = "hipft_input_parameters"

// Options changes how Process checks parameters.
type Options struct {
	// SkipFileChecks turns off the checks that the input files named by
	// the parameters (initial map, diffusion coefficient, source, flow
	// list, assimilation list) exist.
	SkipFileChecks bool
}

// ReadFile reads and processes the HipFT input file at path (see Parse).
// A missing or unreadable file gives an *Error saying so.
func ReadFile(path string) (*Params, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := "cannot open the input file: " + errText(err)
		if errors.Is(err, fs.ErrNotExist) {
			if wd, e := os.Getwd(); e == nil {
				msg += " (working directory: " + wd + ")"
			}
		}
		return nil, &Error{File: path, Msg: msg}
	}
	defer f.Close()
	return Parse(f, path)
}

// errText returns the reason of a file error without the repeated path.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse reads a hipft.in namelist from r, starting from Defaults, then
// applies Process with default Options. filename is used in messages and
// stored in Params.File.
//
// Syntax errors are returned as *namelist.Error; problems with parameter
// names, values and their consistency as an ErrorList (all of them, each
// naming the file, line and parameter). On error the Params is nil.
func Parse(r io.Reader, filename string) (*Params, error) {
	return ParseWith(r, filename, Options{})
}

// ParseWith is Parse with explicit Options.
func ParseWith(r io.Reader, filename string, opt Options) (*Params, error) {
	p, err := parseRaw(r, filename)
	if err != nil {
		return nil, err
	}
	if err := p.Process(opt); err != nil {
		return nil, err
	}
	return p, nil
}

// parseRaw reads the namelist into Defaults without processing: the
// per-realization arrays keep MaxRealizations elements, as HipFT's do
// right after its namelist read.
func parseRaw(r io.Reader, filename string) (*Params, error) {
	group, entries, err := namelist.Parse(r, filename)
	if err != nil {
		return nil, err
	}
	p := Defaults()
	p.File = filename
	p.lines = map[string]int{}
	p.counts = map[string]int{}
	p.maxIndex = map[string]int{}
	var errs ErrorList
	if group != GroupName {
		errs = append(errs, &Error{File: filename, Msg: fmt.Sprintf("the namelist group is &%s, but HipFT reads &%s: rename the group", group, GroupName)})
	}
	seen := map[string]int{} // name(index) -> line, for duplicate warnings
	for _, e := range entries {
		errs = append(errs, p.assign(e, seen)...)
	}
	if len(errs) > 0 {
		return nil, sortedErrors(errs)
	}
	return &p, nil
}

// typeName describes what a parameter takes, for messages.
func typeName(ptr any) string {
	switch ptr.(type) {
	case *int, *int64:
		return "an integer"
	case *float64:
		return "a real number"
	case *bool:
		return "a logical (.true. or .false.)"
	case *string:
		return "a quoted string"
	case *[]float64:
		return "one real number per realization"
	}
	return "a value"
}

// assign applies one namelist entry.
func (p *Params) assign(e namelist.Entry, seen map[string]int) []*Error {
	fail := func(line int, format string, a ...any) []*Error {
		return []*Error{{File: p.File, Line: line, Param: e.Name, Msg: fmt.Sprintf(format, a...)}}
	}
	par, ok := p.lookup(e.Name)
	if !ok {
		if why, ok := removed[e.Name]; ok {
			return fail(e.Line, "parameter %q %s", e.Name, why)
		}
		msg := fmt.Sprintf("unknown parameter %q", e.Name)
		if s := suggest(e.Name); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (not a HipFT 1.19.3 input parameter)"
		}
		return fail(e.Line, "%s", msg)
	}
	key := e.Name
	if e.Index > 0 {
		key = fmt.Sprintf("%s(%d)", e.Name, e.Index)
	}
	if prev, dup := seen[key]; dup {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s:%d: %s is set twice (lines %d and %d); the last value is used", p.File, e.Line, key, prev, e.Line))
	}
	seen[key] = e.Line

	if par.arr == nil {
		if e.Index > 0 {
			return fail(e.Line, "%s takes a single value, it is not an array: write %s = value", e.Name, e.Name)
		}
		if len(e.Values) > 1 {
			msg := fmt.Sprintf("%s takes a single value (%s), but %d values were given", e.Name, typeName(par.ptr), len(e.Values))
			for _, v := range e.Values[1:] {
				if _, known := p.lookup(strings.ToLower(v.Text)); known && v.Kind == namelist.Bare {
					msg += fmt.Sprintf(" (is \"=\" missing after %q?)", v.Text)
					break
				}
			}
			if _, isStr := par.ptr.(*string); isStr {
				msg += " (put the value in quotes if it contains blanks or commas)"
			}
			return fail(e.Line, "%s", msg)
		}
		if len(e.Values) == 0 || e.Values[0].Kind == namelist.Null {
			return nil // a null value leaves the variable unchanged, as in Fortran
		}
		tok := e.Values[0]
		bad := func(err error) []*Error { return fail(tok.Line, "%s: %v", e.Name, err) }
		switch ptr := par.ptr.(type) {
		case *int:
			v, err := tok.Int()
			if err != nil {
				return bad(err)
			}
			if v < math.MinInt32 || v > math.MaxInt32 {
				return fail(tok.Line, "%s = %d is out of range (HipFT stores it in a 32-bit integer)", e.Name, v)
			}
			*ptr = int(v)
		case *int64:
			v, err := tok.Int()
			if err != nil {
				return bad(err)
			}
			*ptr = v
		case *float64:
			v, err := tok.Float()
			if err != nil {
				return bad(err)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fail(tok.Line, "%s = %s is not a finite number", e.Name, tok.Text)
			}
			*ptr = v
		case *bool:
			v, err := tok.Bool()
			if err != nil {
				return bad(err)
			}
			*ptr = v
		case *string:
			v, err := tok.Str()
			if err != nil {
				return bad(err)
			}
			v = strings.TrimRight(v, " ") // Fortran ignores trailing blanks
			if len(v) > MaxStringLen {
				return fail(tok.Line, "%s is %d characters long; HipFT allows at most %d", e.Name, len(v), MaxStringLen)
			}
			*ptr = v
		}
	} else {
		start := max(e.Index, 1)
		end := start - 1 + len(e.Values)
		if end > MaxRealizations {
			return fail(e.Line, "%s: %d values starting at element %d go past the last element, %d (MaxRealizations)", e.Name, len(e.Values), start, MaxRealizations)
		}
		arr := *par.ptr.(*[]float64)
		for len(arr) < end {
			arr = append(arr, par.arr.marker)
		}
		var errs []*Error
		for i, tok := range e.Values {
			if tok.Kind == namelist.Null {
				continue
			}
			v, err := tok.Float()
			if err != nil {
				errs = append(errs, fail(tok.Line, "%s: element %d: %v", e.Name, start+i, err)...)
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				errs = append(errs, fail(tok.Line, "%s: element %d, %s, is not a finite number", e.Name, start+i, tok.Text)...)
				continue
			}
			arr[start-1+i] = v
		}
		*par.ptr.(*[]float64) = arr
		if len(errs) > 0 {
			return errs
		}
		if e.Index == 0 {
			p.counts[e.Name] = len(e.Values)
		}
		if len(e.Values) > 0 {
			p.maxIndex[e.Name] = max(p.maxIndex[e.Name], end)
		}
	}
	if len(e.Values) > 0 {
		p.Set[e.Name] = true
		p.lines[e.Name] = e.Line
	}
	return nil
}
