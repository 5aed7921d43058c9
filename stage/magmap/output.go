package magmap

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/fits"
	"github.com/goft-sft/goft/format/psihdf"
)

// layersJSON is MagMAP's layers attribute: the pandas DataFrame of layers
// after hipft_prep.set_assim_wghts appended two rows (hence the index
// 0, 0, 1), as DataFrame.to_json(orient="split") writes it.
const layersJSON = `{"columns":["layer_num","layer_name","py_field_name"],"index":[0,0,1],"data":[[0,"magneto","data"],[1,"assim_weight","assim_weight"],[2,"mu","mu"]]}`

// AssimMethod is the weighting method MagMAP's disk2map uses.
const AssimMethod = "mu4_upton"

// PSIMap returns m as MagMAP writes it (psi_hdf.wrh5_hipft_map): dims
// (NP, NT, 3), layers Br, weight, mu; theta = pi/2 - latitude ascending
// (rows flipped), scales rounded to float32 as MagMAP rounds them
// dim3 = 0, 1, 2; root attributes
// layers, assim_method, no_data_val and fits_header (the disk header as
// sunpy's meta in JSON; see SunpyMetaJSON). Write it with
// psihdf.Write(path, map, true).
func (m *Map) PSIMap(header fits.Header) *psihdf.Map {
	np, nt := m.NP, m.NT
	out := &psihdf.Map{Dims: []int{np, nt, 3}, Scales: [][]float64{make([]float64, np), make([]float64, nt), {0, 1, 2}}}
	for k, p := range m.Phi {
		out.Scales[0][k] = float64(float32(p))
	}
	for i := 0; i < nt; i++ {
		out.Scales[1][i] = float64(float32(math.Pi/2 - m.Lat[nt-1-i]))
	}
	out.Data = make([]float64, np*nt*3)
	for l, layer := range [][]float64{m.Br, m.Weight, m.Mu} {
		for i := 0; i < nt; i++ {
			copy(out.Data[l*np*nt+i*np:l*np*nt+(i+1)*np], layer[(nt-1-i)*np:(nt-i)*np])
		}
	}
	out.Attrs = []psihdf.Attr{
		{Name: "layers", Value: layersJSON},
		{Name: "assim_method", Value: AssimMethod},
		{Name: "no_data_val", Value: NoDataValue},
		{Name: "fits_header", Value: SunpyMetaJSON(header)},
	}
	return out
}

// SunpyMetaJSON returns header as MagMAP stores it in its maps'
// fits_header attribute: json.dumps of the sunpy map's meta, that is,
// the cards in order with lower-case keywords (a repeated keyword keeps its
// first place and last value), COMMENT and HISTORY each joined into one
// string (without separators, stripped; empty when absent), and
// "keycomments", a dictionary from each upper-case keyword to its comment,
// for the cards that have one (sunpy.io._fits.format_comments_and_history).
// Numbers are written as Python writes them.
func SunpyMetaJSON(header fits.Header) string {
	type entry struct {
		key string
		val any
	}
	var entries []entry
	pos := map[string]int{}
	set := func(key string, v any) {
		if i, ok := pos[key]; ok {
			entries[i].val = v
			return
		}
		pos[key] = len(entries)
		entries = append(entries, entry{key, v})
	}
	var comment, history strings.Builder
	var keyComments []entry
	kcPos := map[string]int{}
	for _, c := range header {
		switch c.Key {
		case "COMMENT":
			comment.WriteString(c.Comment)
			set("comment", "")
			continue
		case "HISTORY":
			history.WriteString(c.Comment)
			set("history", "")
			continue
		case "":
			continue
		}
		set(strings.ToLower(c.Key), c.Value)
		if c.Comment != "" && c.Value != nil {
			if i, ok := kcPos[c.Key]; ok {
				keyComments[i].val = c.Comment
			} else {
				kcPos[c.Key] = len(keyComments)
				keyComments = append(keyComments, entry{c.Key, c.Comment})
			}
		}
	}
	set("comment", strings.TrimSpace(comment.String()))
	set("history", strings.TrimSpace(history.String()))
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		writePyJSON(&b, e.key)
		b.WriteString(": ")
		writePyJSON(&b, e.val)
	}
	if len(entries) > 0 {
		b.WriteString(", ")
	}
	b.WriteString(`"keycomments": {`)
	for i, e := range keyComments {
		if i > 0 {
			b.WriteString(", ")
		}
		writePyJSON(&b, e.key)
		b.WriteString(": ")
		writePyJSON(&b, e.val)
	}
	b.WriteString("}}")
	return b.String()
}

// writePyJSON writes v as Python's json.dumps does (ensure_ascii).
func writePyJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(PyFloatRepr(x))
	case string:
		var sb strings.Builder
		sb.WriteByte('"')
		for _, r := range x {
			switch {
			case r == '"':
				sb.WriteString(`\"`)
			case r == '\\':
				sb.WriteString(`\\`)
			case r == '\n':
				sb.WriteString(`\n`)
			case r == '\r':
				sb.WriteString(`\r`)
			case r == '\t':
				sb.WriteString(`\t`)
			case r < 0x20 || r > 0x7e:
				if r > 0xffff {
					r -= 0x10000
					sb.WriteString(`\u` + hex4(0xd800+(r>>10)) + `\u` + hex4(0xdc00+(r&0x3ff)))
				} else {
					sb.WriteString(`\u` + hex4(r))
				}
			default:
				sb.WriteRune(r)
			}
		}
		sb.WriteByte('"')
		b.WriteString(sb.String())
	default:
		j, _ := json.Marshal(x)
		b.Write(j)
	}
}

func hex4(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

// PyFloatRepr formats v as Python's repr(float) (and json.dumps): the
// shortest round-tripping digits, in positional notation with ".0" for
// whole numbers when the decimal exponent is in [-4, 16), otherwise as
// d.ddde+XX; NaN and infinities as json.dumps writes them.
func PyFloatRepr(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp >= -4 && exp < 16 {
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if !strings.ContainsAny(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if exp < 0 {
		sign = "-"
		exp = -exp
	}
	es := strconv.Itoa(exp)
	if len(es) < 2 {
		es = "0" + es
	}
	return mant + "e" + sign + es
}
