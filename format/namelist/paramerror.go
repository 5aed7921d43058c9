package namelist

import (
	"fmt"
	"strings"
)

// ParamError is a problem with one parameter of a namelist input file (a
// hipft.in, a conflow.dat). It prints as "file:line: msg", or "file: msg"
// when the parameter was not set in the file (a default, or an
// inconsistency between parameters).
type ParamError struct {
	File  string // input file path ("input" when empty)
	Line  int    // line of the offending assignment, 0 if none
	Param string // lowercase parameter name, "" if not about one
	Msg   string // the message, naming the parameter and the fix
}

// Error formats the error as "file:line: msg" (or "file: msg").
func (e *ParamError) Error() string {
	f := e.File
	if f == "" {
		f = "input"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", f, e.Msg)
}

// ParamErrors is every problem found in an input file. It prints one error
// per line.
type ParamErrors []*ParamError

// Error joins the messages, one per line.
func (l ParamErrors) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// Unwrap gives access to the individual errors (for errors.As).
func (l ParamErrors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
