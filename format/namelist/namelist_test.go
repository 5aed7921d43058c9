package namelist

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func parse(t *testing.T, src string) (string, []Entry) {
	t.Helper()
	g, es, err := Parse(strings.NewReader(src), "test.in")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return g, es
}

func texts(e Entry) []string {
	var s []string
	for _, v := range e.Values {
		switch v.Kind {
		case Null:
			s = append(s, "<null>")
		case Quoted:
			s = append(s, "q:"+v.Text)
		default:
			s = append(s, v.Text)
		}
	}
	return s
}

func TestParseBasic(t *testing.T) {
	src := `! leading comment
some junk before the group
 &HIPFT_Input_Parameters   ! comment after the name
  Verbose = 2
  res_nt = 180, res_np=360 ! two on a line
  name = 'it''s here' ! quote doubled
  other = "say ""hi"" ! not a comment"
  flag = .true.  f2 = F , f3=.f.
  x = 1.0d-3 y=-2.5E+2 z=.5
  list = 1, 2 3
         4,
  rep = 3*1.5, 2*, 7
  srep = 2*'ab'
  nulls = 1,,3
  idx(3) = 9, 10
  empty =
  last = 1 /
  after = 'ignored'
`
	g, es := parse(t, src)
	if g != "hipft_input_parameters" {
		t.Errorf("group = %q", g)
	}
	want := []struct {
		name  string
		index int
		line  int
		vals  string
	}{
		{"verbose", 0, 4, "2"},
		{"res_nt", 0, 5, "180"},
		{"res_np", 0, 5, "360"},
		{"name", 0, 6, "q:it's here"},
		{"other", 0, 7, `q:say "hi" ! not a comment`},
		{"flag", 0, 8, ".true."},
		{"f2", 0, 8, "F"},
		{"f3", 0, 8, ".f."},
		{"x", 0, 9, "1.0d-3"},
		{"y", 0, 9, "-2.5E+2"},
		{"z", 0, 9, ".5"},
		{"list", 0, 10, "1|2|3|4"},
		{"rep", 0, 12, "1.5|1.5|1.5|<null>|<null>|7"},
		{"srep", 0, 13, "q:ab|q:ab"},
		{"nulls", 0, 14, "1|<null>|3"},
		{"idx", 3, 15, "9|10"},
		{"empty", 0, 16, ""},
		{"last", 0, 17, "1"},
	}
	if len(es) != len(want) {
		for _, e := range es {
			t.Logf("%s(%d) line %d: %v", e.Name, e.Index, e.Line, texts(e))
		}
		t.Fatalf("got %d entries, want %d", len(es), len(want))
	}
	for i, w := range want {
		e := es[i]
		got := strings.Join(texts(e), "|")
		if e.Name != w.name || e.Index != w.index || e.Line != w.line || got != w.vals {
			t.Errorf("entry %d = %s(%d) line %d %q; want %s(%d) line %d %q", i, e.Name, e.Index, e.Line, got, w.name, w.index, w.line, w.vals)
		}
	}
}

func TestParseGfortranDump(t *testing.T) {
	// gfortran (old) writes strings unquoted, padded, and no comma after them.
	src := " &HIPFT_INPUT_PARAMETERS\n VERBOSE =            2,\n" +
		" INITIAL_MAP_FILENAME =                                   \n" +
		" OUTPUT_MAP_DIRECTORY = output_maps                       \n" +
		" FLOW_ROOT_DIR = .                   \n" +
		" DT_MAX =   1.7976931348623157E+308,\n" +
		" FLOW_ATTENUATE_VALUES =   -1.000000000000000     ,\n" +
		"                           -1.000000000000000     ,\n" +
		" NEW= 2000*500.00000000000000       ,\n" +
		" S=\"x\",\n" +
		" SOURCE_RFE_SEED =        -9999\n /\n"
	_, es := parse(t, src)
	got := map[string]Entry{}
	for _, e := range es {
		got[e.Name] = e
	}
	if e := got["initial_map_filename"]; len(e.Values) != 0 {
		t.Errorf("initial_map_filename: %v", texts(e))
	}
	if v, _ := got["output_map_directory"].Values[0].Str(); v != "output_maps" {
		t.Errorf("output_map_directory = %q", v)
	}
	if v, _ := got["flow_root_dir"].Values[0].Str(); v != "." {
		t.Errorf("flow_root_dir = %q", v)
	}
	if v, err := got["dt_max"].Values[0].Float(); err != nil || v != math.MaxFloat64 {
		t.Errorf("dt_max = %v %v", v, err)
	}
	if n := len(got["flow_attenuate_values"].Values); n != 2 {
		t.Errorf("flow_attenuate_values has %d values", n)
	}
	if e := got["new"]; len(e.Values) != 2000 || e.Values[1999].Text != "500.00000000000000" {
		t.Errorf("repeat: %d values", len(e.Values))
	}
	if v, err := got["source_rfe_seed"].Values[0].Int(); err != nil || v != -9999 {
		t.Errorf("seed = %v %v", v, err)
	}
}

func TestTokenConversions(t *testing.T) {
	b := func(s string) Token { return Token{Kind: Bare, Text: s} }
	for _, s := range []string{".true.", "T", "t", ".t.", "TRUE", ".True", "true."} {
		if v, err := b(s).Bool(); err != nil || !v {
			t.Errorf("Bool(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{".false.", "F", "f", ".f.", "false"} {
		if v, err := b(s).Bool(); err != nil || v {
			t.Errorf("Bool(%q) = %v, %v", s, v, err)
		}
	}
	for _, tk := range []Token{b(".maybe."), b("1"), b("yes"), {Kind: Quoted, Text: "T"}, {Kind: Null}} {
		if _, err := tk.Bool(); err == nil || !strings.Contains(err.Error(), "logical") {
			t.Errorf("Bool(%v) error = %v", tk, err)
		}
	}
	reals := map[string]float64{"1": 1, "1.": 1, ".5": 0.5, "-2.5e3": -2500, "1.0d-3": 1e-3, "1.0D+2": 100, "+3": 3, "672": 672, "2.9999999999999999E-002": 0.03, "1q0": 1}
	for s, want := range reals {
		if v, err := b(s).Float(); err != nil || v != want {
			t.Errorf("Float(%q) = %v, %v; want %v", s, v, err, want)
		}
	}
	if v, err := b("-Inf").Float(); err != nil || !math.IsInf(v, -1) {
		t.Errorf("Float(-Inf) = %v %v", v, err)
	}
	for _, tk := range []Token{b("abc"), b("0x10"), b("1_0"), b("1.0.0"), b("1e"), b("1e400"), {Kind: Quoted, Text: "1.0"}, {Kind: Null}} {
		if _, err := tk.Float(); err == nil {
			t.Errorf("Float(%v) accepted", tk)
		}
	}
	if v, err := b("-42").Int(); err != nil || v != -42 {
		t.Errorf("Int(-42) = %v %v", v, err)
	}
	for _, tk := range []Token{b("1.0"), b("four"), b("1e3"), b("99999999999999999999"), {Kind: Quoted, Text: "1"}} {
		if _, err := tk.Int(); err == nil {
			t.Errorf("Int(%v) accepted", tk)
		}
	}
	if s, err := b("name.h5").Str(); err != nil || s != "name.h5" {
		t.Errorf("Str = %q %v", s, err)
	}
	if _, err := (Token{Kind: Null}).Str(); err == nil {
		t.Error("Str(null) accepted")
	}
}

func TestParseAlternativeTerminators(t *testing.T) {
	for _, src := range []string{"&g a=1 &end", "$g a=1 $end", "&g\n a=1\n/\n", "&g a=1/"} {
		g, es := parse(t, src)
		if g != "g" || len(es) != 1 || es[0].Values[0].Text != "1" {
			t.Errorf("%q: group %q entries %v", src, g, es)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"no group", "! only a comment\n", 0, "no namelist group"},
		{"unterminated group", "&g\n a = 1\n", 2, "not terminated"},
		{"unterminated string", "&g\n a = 'abc\n/\n", 2, "unterminated string"},
		{"missing equals", "&g\n a 1\n/\n", 2, "expected \"=\" after \"a\""},
		{"value without name", "&g\n 'x' = 1\n/\n", 2, "expected a variable name"},
		{"double equals", "&g\n a = = 1\n/\n", 2, "unexpected \"=\""},
		{"bad name", "&g\n 1a = 1\n/\n", 2, "invalid variable name"},
		{"bad subscript", "&g\n a(0) = 1\n/\n", 2, "subscript"},
		{"bad repeat", "&g\n a = 0*1\n/\n", 2, "repeat count"},
		{"huge repeat", "&g\n a = 99999999*1\n/\n", 2, "repeat count"},
		{"second group", "&g\n a = 1\n&h b = 2 /\n", 3, "unexpected \"&h\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse(strings.NewReader(tc.src), "x.in")
			var ne *Error
			if !errors.As(err, &ne) {
				t.Fatalf("error %v is not *Error", err)
			}
			if ne.File != "x.in" || ne.Line != tc.line || !strings.Contains(ne.Msg, tc.msg) {
				t.Errorf("got %v (line %d), want line %d containing %q", err, ne.Line, tc.line, tc.msg)
			}
			if !strings.HasPrefix(err.Error(), "x.in:") {
				t.Errorf("message %q does not start with the file name", err.Error())
			}
		})
	}
}

func TestCRLFAndBOM(t *testing.T) {
	_, es := parse(t, "\xef\xbb\xbf&g\r\n a = 1\r\n b = 'x'\r\n/\r\n")
	if len(es) != 2 || es[1].Line != 3 || es[1].Values[0].Text != "x" {
		t.Errorf("entries: %+v", es)
	}
}
