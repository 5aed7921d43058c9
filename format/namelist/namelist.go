// Package namelist reads Fortran namelist input (one "&group ... /" group),
// as used by HipFT's hipft.in and by gfortran's namelist dumps.
//
// Supported syntax: '!' comments anywhere outside quoted strings;
// case-insensitive names; values separated by commas and/or blanks (line
// ends included); strings quoted with ' or " (a doubled quote inside stands
// for one quote); "n*value" repeat counts and "n*" null repeats; null values
// (",,"); "name(i) = v1, v2" assignment starting at element i; "&end" or
// "$end" as an alternative terminator. Text before the group and after its
// terminating '/' is ignored.
//
// Values are returned as untyped tokens; the caller converts them with
// Token.Int, Token.Float, Token.Bool or Token.Str according to what the
// variable is.
package namelist

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// MaxRepeat is the largest repeat count accepted in "n*value", and the most
// values one entry may hold after expansion (HipFT's longest arrays have
// 2000 elements); it keeps a hostile file from exhausting memory.
const MaxRepeat = 100000

// Error is a syntax error in a namelist file. It prints as "file:line: msg"
// (or "file: msg" when Line is 0).
type Error struct {
	File string // file name as given to Parse
	Line int    // 1-based line number, 0 if unknown
	Msg  string // what is wrong
}

// Error formats the error as "file:line: msg".
func (e *Error) Error() string {
	f := e.File
	if f == "" {
		f = "namelist"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", f, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", f, e.Msg)
}

// Kind tells how a value token was written.
type Kind uint8

const (
	// Null is an empty value (",," or "n*"): Fortran leaves the variable
	// (element) unchanged.
	Null Kind = iota
	// Bare is an unquoted value: a number, a logical, or a plain word
	// (gfortran writes strings unquoted in older namelist dumps).
	Bare
	// Quoted is a quoted string; Text holds it without the quotes.
	Quoted
)

// Token is one value of a namelist entry.
type Token struct {
	Kind Kind   // how the value was written (bare or quoted)
	Text string // the value text (for Quoted: unquoted, doubled quotes undone)
	Line int    // line where the value appears
}

// Entry is one "name = values" assignment.
type Entry struct {
	Name   string  // lowercase variable name, without any subscript
	Index  int     // 0 for "name = ...", i (1-based) for "name(i) = ..."
	Values []Token // values in order, repeat counts expanded
	Line   int     // line of the name
}

// Describe returns a short description of the token for error messages,
// such as `"abc"`, `'abc' (a quoted string)` or `an empty (null) value`.
func (t Token) Describe() string {
	switch t.Kind {
	case Null:
		return "an empty (null) value"
	case Quoted:
		return strconv.Quote(t.Text) + " (a quoted string)"
	}
	return strconv.Quote(t.Text)
}

var (
	intRe  = regexp.MustCompile(`^[+-]?[0-9]+$`)
	realRe = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eEdDqQ][+-]?[0-9]+)?$`)
	specRe = regexp.MustCompile(`(?i)^[+-]?(inf|infinity|nan)$`)
)

// Int converts a Bare token holding a Fortran integer constant.
func (t Token) Int() (int64, error) {
	if t.Kind != Bare || !intRe.MatchString(t.Text) {
		return 0, fmt.Errorf("expected an integer, got %s", t.Describe())
	}
	v, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("integer %s is out of range", t.Text)
	}
	return v, nil
}

// Float converts a Bare token holding a Fortran real constant: an integer
// or decimal number with an optional exponent introduced by e, E, d, D, q
// or Q (1.0d-3), or Inf/Infinity/NaN.
func (t Token) Float() (float64, error) {
	if t.Kind == Bare {
		if realRe.MatchString(t.Text) {
			s := strings.Map(func(r rune) rune {
				switch r {
				case 'd', 'D', 'q', 'Q':
					return 'e'
				}
				return r
			}, t.Text)
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, fmt.Errorf("real value %s is out of range", t.Text)
			}
			return v, nil
		}
		if specRe.MatchString(t.Text) {
			v, _ := strconv.ParseFloat(t.Text, 64)
			return v, nil
		}
	}
	return 0, fmt.Errorf("expected a real number (such as 1.5, 2 or 1.0d-3), got %s", t.Describe())
}

// Bool converts a Bare token holding a Fortran logical: .true., .false.,
// T, F, .t., .f., true or false (any case).
func (t Token) Bool() (bool, error) {
	if t.Kind == Bare {
		s := strings.ToLower(t.Text)
		s = strings.TrimPrefix(s, ".")
		s = strings.TrimSuffix(s, ".")
		switch s {
		case "t", "true":
			return true, nil
		case "f", "false":
			return false, nil
		}
	}
	return false, fmt.Errorf("expected a logical (.true. or .false.), got %s", t.Describe())
}

// Str returns the text of a Quoted or Bare token as a string value.
func (t Token) Str() (string, error) {
	if t.Kind == Null {
		return "", fmt.Errorf("expected a string, got %s", t.Describe())
	}
	return t.Text, nil
}

// lexeme kinds
type lexKind uint8

const (
	lxWord lexKind = iota
	lxQuoted
	lxComma
	lxEquals
	lxSlash
	lxEOF
)

type lexeme struct {
	kind     lexKind
	text     string
	line     int
	adjacent bool // no blank between this lexeme and the previous one
}

type lexer struct {
	src  []byte
	pos  int
	line int
	file string
}

func isWordByte(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', '\v', ',', '=', '/', '!', '\'', '"':
		return false
	}
	return true
}

// next returns the next lexeme, skipping blanks and comments.
func (lx *lexer) next() (lexeme, error) {
	adjacent := true
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case c == '\n':
			lx.line++
			lx.pos++
			adjacent = false
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			lx.pos++
			adjacent = false
		case c == '!':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
			adjacent = false
		case c == ',':
			lx.pos++
			return lexeme{kind: lxComma, text: ",", line: lx.line, adjacent: adjacent}, nil
		case c == '=':
			lx.pos++
			return lexeme{kind: lxEquals, text: "=", line: lx.line, adjacent: adjacent}, nil
		case c == '/':
			lx.pos++
			return lexeme{kind: lxSlash, text: "/", line: lx.line, adjacent: adjacent}, nil
		case c == '\'' || c == '"':
			start := lx.line
			lx.pos++
			var b strings.Builder
			for {
				if lx.pos >= len(lx.src) || lx.src[lx.pos] == '\n' {
					return lexeme{}, &Error{lx.file, start, fmt.Sprintf("unterminated string: missing closing %c", c)}
				}
				d := lx.src[lx.pos]
				lx.pos++
				if d == c {
					if lx.pos < len(lx.src) && lx.src[lx.pos] == c {
						b.WriteByte(c)
						lx.pos++
						continue
					}
					break
				}
				b.WriteByte(d)
			}
			return lexeme{kind: lxQuoted, text: b.String(), line: start, adjacent: adjacent}, nil
		default:
			start := lx.pos
			for lx.pos < len(lx.src) && isWordByte(lx.src[lx.pos]) {
				lx.pos++
			}
			return lexeme{kind: lxWord, text: string(lx.src[start:lx.pos]), line: lx.line, adjacent: adjacent}, nil
		}
	}
	return lexeme{kind: lxEOF, line: lx.line, adjacent: adjacent}, nil
}

var nameRe = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*)(\(\s*([+-]?[0-9]+)\s*\))?$`)

// Parse reads the first namelist group from r. It returns the group name
// (lowercase, without '&') and the entries in the order they appear.
// filename is only used in error messages, which are *Error values.
func Parse(r io.Reader, filename string) (group string, entries []Entry, err error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return "", nil, &Error{filename, 0, "cannot read: " + err.Error()}
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	lx := &lexer{src: src, line: 1, file: filename}
	errf := func(line int, format string, a ...any) error {
		return &Error{filename, line, fmt.Sprintf(format, a...)}
	}

	// Find "&group" (or "$group"): skip everything before it.
	var groupLine int
	for {
		l, err := lx.next()
		if err != nil {
			// A quote in text before the group: skip the rest of the line.
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.pos++
			}
			continue
		}
		if l.kind == lxEOF {
			return "", nil, errf(0, "no namelist group found (expected \"&group_name\", then assignments, then \"/\")")
		}
		if l.kind == lxWord && len(l.text) > 1 && (l.text[0] == '&' || l.text[0] == '$') {
			group = strings.ToLower(l.text[1:])
			groupLine = l.line
			break
		}
	}

	// Read all lexemes up to the terminator.
	var lexs []lexeme
	for {
		l, err := lx.next()
		if err != nil {
			return group, nil, err
		}
		if l.kind == lxEOF {
			last := groupLine
			if len(lexs) > 0 {
				last = lexs[len(lexs)-1].line
			}
			return group, nil, errf(last, "namelist group &%s (line %d) is not terminated: add a line with \"/\" after the last assignment", group, groupLine)
		}
		if l.kind == lxSlash {
			break
		}
		if l.kind == lxWord && (l.text[0] == '&' || l.text[0] == '$') {
			if t := strings.ToLower(l.text[1:]); t == "end" || t == "" {
				break
			}
			return group, nil, errf(l.line, "unexpected %q inside namelist group &%s (missing \"/\" to end the group?)", l.text, group)
		}
		lexs = append(lexs, l)
	}

	isName := func(i int) bool {
		return i+1 < len(lexs) && lexs[i].kind == lxWord && lexs[i+1].kind == lxEquals
	}
	i := 0
	for i < len(lexs) {
		l := lexs[i]
		if l.kind == lxComma {
			i++
			continue
		}
		if l.kind != lxWord {
			return group, nil, errf(l.line, "expected a variable name, found %s", describeLex(l))
		}
		if !isName(i) {
			return group, nil, errf(l.line, "expected \"=\" after %q", l.text)
		}
		m := nameRe.FindStringSubmatch(l.text)
		if m == nil {
			return group, nil, errf(l.line, "invalid variable name %q", l.text)
		}
		e := Entry{Name: strings.ToLower(m[1]), Line: l.line}
		if m[2] != "" {
			idx, err := strconv.Atoi(m[3])
			if err != nil || idx < 1 {
				return group, nil, errf(l.line, "invalid subscript in %q: subscripts start at 1", l.text)
			}
			e.Index = idx
		}
		i += 2
		// Values up to the next "name =" or the end.
		expectValue := true // after '=' or ',': a comma here gives a null
		for i < len(lexs) && !isName(i) {
			v := lexs[i]
			switch v.kind {
			case lxComma:
				if expectValue {
					e.Values = append(e.Values, Token{Kind: Null, Line: v.line})
				}
				expectValue = true
				i++
				continue
			case lxEquals:
				return group, nil, errf(v.line, "unexpected \"=\" in the values of %s", e.Name)
			}
			// A value (word or quoted), possibly with a repeat count.
			tok := Token{Kind: Bare, Text: v.text, Line: v.line}
			if v.kind == lxQuoted {
				tok.Kind = Quoted
			}
			count := 1
			if v.kind == lxWord {
				if star := strings.IndexByte(v.text, '*'); star > 0 && intRe.MatchString(v.text[:star]) && v.text[0] != '+' && v.text[0] != '-' {
					n, err := strconv.Atoi(v.text[:star])
					if err != nil || n < 1 || n > MaxRepeat {
						return group, nil, errf(v.line, "invalid repeat count in %q (must be 1 to %d)", v.text, MaxRepeat)
					}
					count = n
					rest := v.text[star+1:]
					switch {
					case rest != "":
						tok.Text = rest
					case i+1 < len(lexs) && lexs[i+1].kind == lxQuoted && lexs[i+1].adjacent:
						i++
						tok = Token{Kind: Quoted, Text: lexs[i].text, Line: lexs[i].line}
					default:
						tok = Token{Kind: Null, Line: v.line}
					}
				}
			}
			if len(e.Values)+count > MaxRepeat {
				return group, nil, errf(v.line, "%s has more than %d values", e.Name, MaxRepeat)
			}
			for range count {
				e.Values = append(e.Values, tok)
			}
			expectValue = false
			i++
		}
		entries = append(entries, e)
	}
	return group, entries, nil
}

func describeLex(l lexeme) string {
	switch l.kind {
	case lxQuoted:
		return "the string " + strconv.Quote(l.text)
	case lxEquals:
		return "\"=\""
	}
	return strconv.Quote(l.text)
}
