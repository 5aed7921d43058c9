// Package fits writes FITS files holding one floating-point image in the
// primary HDU, and reads images from FITS files, tile-compressed ones
// included.
//
// It is a small FITS writer of goft's own: no maintained pure-Go FITS
// library was available to the project, and goft needs only a fraction of
// the standard (FITS 4.0, Pence et al. 2010, A&A 524, A42): a primary HDU
// with a 2-D or 3-D image of IEEE floats (BITPIX = -32 or -64, big-endian),
// the mandatory keywords SIMPLE, BITPIX, NAXIS and NAXISn, and header cards
// in the fixed format (80-character cards, values right-justified to column
// 30, strings quoted with internal quotes doubled, logical T or F, reals
// with a decimal point as astropy and CFITSIO parse them). The header and
// the data are each padded to a multiple of 2880 bytes (the header with
// spaces, the data with zeros). No extensions, no CONTINUE long strings,
// no BSCALE/BZERO scaling.
//
// The reader (Decode, ReadFile; read.go and tile.go) reads the first image
// of a file: a primary array or IMAGE extension of any BITPIX (BSCALE,
// BZERO and BLANK applied), or a tile-compressed image in a binary table
// (RICE_1, GZIP_1, GZIP_2; quantized floats with dithering), as JSOC
// distributes HMI magnetograms and fpack writes. Cards may be fixed- or
// free-format. It returns errors, never panics, on malformed input, and
// refuses data sizes that the input cannot hold before allocating them.
//
// Axis order is FITS's: NAXIS1 varies fastest. For an image with
// Dims = [n1, n2, n3] the value at 0-based pixel (i1, i2, i3) is
// Data[i1 + n1*(i2 + n2*i3)]; in a sky map NAXIS1 is longitude (left to
// right) and NAXIS2 latitude (bottom to top).
package fits

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/internal/atomicfile"
)

// BlockSize is the size of a FITS logical record in bytes: the header and
// the data are each padded to a multiple of it.
const BlockSize = 2880

// CardSize is the size of a header card (keyword record) in bytes.
const CardSize = 80

// Card is one header card (keyword record).
//
// Value is the card's value: bool (written as T or F), int or int64
// (integer), float64 (real; NaN and infinities are not allowed in FITS
// headers), or string. A nil Value makes a card without a value indicator:
// the commentary keywords COMMENT and HISTORY, and the blank keyword, which
// hold text in Comment. For other cards Comment is the comment after the
// value's "/"; it is truncated, not refused, when the card has no room for
// all of it. The reader returns integers as int.
type Card struct {
	Key     string
	Value   any
	Comment string
}

// Header is a list of header cards in file order.
type Header []Card

// Get returns the value of the first card with keyword key (case
// insensitive) and whether there is one.
func (h Header) Get(key string) (any, bool) {
	key = strings.ToUpper(key)
	for _, c := range h {
		if c.Key == key {
			return c.Value, true
		}
	}
	return nil, false
}

// Image is a primary HDU holding a floating-point image.
type Image struct {
	// Dims are the axis lengths NAXIS1, NAXIS2, ... (NAXIS1 fastest); each
	// must be at least 1. Encode accepts 1 to 3 axes.
	Dims []int
	// Data holds the product of Dims values, index i1 + n1*(i2 + n2*i3).
	// NaN marks undefined pixels, as FITS prescribes for float images.
	Data []float64
	// Float64 selects BITPIX = -64 (IEEE double); otherwise values are
	// rounded to IEEE single (BITPIX = -32). The reader sets it from BITPIX.
	Float64 bool
	// Header holds the cards that follow the mandatory ones (SIMPLE, BITPIX,
	// NAXIS, NAXISn, EXTEND), which Encode writes itself and the reader
	// leaves out. END is implied. The reader also leaves out BSCALE, BZERO
	// and BLANK (already applied to Data) and, for a tile-compressed image,
	// the table and compression keywords.
	Header Header

	// The reader sets the fields below; Encode ignores them.

	// BITPIX is the stored pixel type (ZBITPIX for a tile-compressed image):
	// 8, 16, 32 or 64 for integers, -32 or -64 for IEEE floats.
	BITPIX int
	// HDU is the 0-based number of the header-data unit the image was read
	// from (0: the primary HDU).
	HDU int
	// Compression is the tile compression (ZCMPTYPE, e.g. "RICE_1"), or ""
	// for an uncompressed image.
	Compression string
	// ImageHeader is the whole header of the image, structural cards
	// included, in file order; for a tile-compressed image, the header of the
	// image the table holds, as astropy's CompImageHDU.header gives it
	// (XTENSION = 'IMAGE', BITPIX = ZBITPIX, NAXISn = ZNAXISn, ...).
	ImageHeader Header
}

// mandatory reports whether key is written by Encode itself and may not
// appear in Image.Header.
func mandatory(key string) bool {
	switch key {
	case "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "END", "BSCALE", "BZERO", "XTENSION", "GCOUNT", "PCOUNT":
		return true
	}
	if rest, ok := strings.CutPrefix(key, "NAXIS"); ok {
		_, err := strconv.Atoi(rest)
		return err == nil
	}
	return false
}

// commentary reports whether key is a commentary keyword (no value).
func commentary(key string) bool {
	return key == "COMMENT" || key == "HISTORY" || key == ""
}

// ValidKeyword checks that key is a FITS keyword: 1 to 8 characters of
// upper-case letters, digits, hyphen and underscore (or empty, the blank
// commentary keyword).
func ValidKeyword(key string) error {
	if len(key) > 8 {
		return fmt.Errorf("fits: keyword %q is longer than 8 characters", key)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("fits: keyword %q has character %q (allowed: A-Z, 0-9, - and _)", key, c)
		}
	}
	return nil
}

// checkText checks that s holds only the printable ASCII characters FITS
// headers allow (0x20 to 0x7E).
func checkText(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return fmt.Errorf("fits: %s %q has a character outside printable ASCII (byte %#x)", what, s, s[i])
		}
	}
	return nil
}

// FormatReal formats v as a FITS real: the shortest decimal that reads back
// as v, always with a decimal point (so that readers do not take it for an
// integer) and an upper-case E exponent when one is needed.
func FormatReal(v float64) (string, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "", fmt.Errorf("fits: %v is not a valid FITS header value", v)
	}
	s := strconv.FormatFloat(v, 'G', -1, 64)
	mant, exp, hasExp := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if hasExp {
		return mant + "E" + exp, nil
	}
	return mant, nil
}

// formatValue returns the value field of a card (from column 11), right-
// justified to column 30 for numbers and logicals, as the fixed format asks.
func formatValue(key string, v any) (string, error) {
	switch x := v.(type) {
	case bool:
		if x {
			return fmt.Sprintf("%20s", "T"), nil
		}
		return fmt.Sprintf("%20s", "F"), nil
	case int:
		return fmt.Sprintf("%20d", x), nil
	case int64:
		return fmt.Sprintf("%20d", x), nil
	case float64:
		s, err := FormatReal(x)
		if err != nil {
			return "", fmt.Errorf("%w (keyword %s)", err, key)
		}
		return fmt.Sprintf("%20s", s), nil
	case string:
		if err := checkText("string value of "+key, x); err != nil {
			return "", err
		}
		q := strings.ReplaceAll(x, "'", "''")
		if len(q) < 8 {
			q += strings.Repeat(" ", 8-len(q))
		}
		s := "'" + q + "'"
		if len(s) > CardSize-10 {
			return "", fmt.Errorf("fits: string value of %s is too long for one card (%d characters quoted, at most %d)", key, len(s), CardSize-10)
		}
		// The fixed format pads a short string so that any comment starts
		// after column 30, as for the other types.
		if len(s) < 20 {
			s += strings.Repeat(" ", 20-len(s))
		}
		return s, nil
	}
	return "", fmt.Errorf("fits: keyword %s has a value of unsupported type %T (want bool, int, int64, float64 or string)", key, v)
}

// formatCard returns the 80-byte records of card c: one for a valued card,
// one or more for a commentary card whose text runs over 72 characters.
func formatCard(c Card) ([]string, error) {
	if err := ValidKeyword(c.Key); err != nil {
		return nil, err
	}
	if err := checkText("comment of "+c.Key, c.Comment); err != nil {
		return nil, err
	}
	if c.Value == nil {
		if !commentary(c.Key) {
			return nil, fmt.Errorf("fits: keyword %s has no value (only COMMENT, HISTORY and the blank keyword may have none)", c.Key)
		}
		var out []string
		text := c.Comment
		for {
			n := min(len(text), CardSize-8)
			out = append(out, pad(fmt.Sprintf("%-8s%s", c.Key, text[:n])))
			text = text[n:]
			if text == "" {
				return out, nil
			}
		}
	}
	if commentary(c.Key) {
		return nil, fmt.Errorf("fits: commentary keyword %q cannot have a value", c.Key)
	}
	v, err := formatValue(c.Key, c.Value)
	if err != nil {
		return nil, err
	}
	s := fmt.Sprintf("%-8s= %s", c.Key, v)
	if c.Comment != "" && len(s)+3 < CardSize {
		s += " / " + c.Comment
	}
	if len(s) > CardSize {
		s = s[:CardSize] // only the comment can run over
	}
	return []string{pad(s)}, nil
}

func pad(s string) string { return s + strings.Repeat(" ", CardSize-len(s)) }

// Encode writes img to w as a FITS file with a single (primary) HDU.
func Encode(w io.Writer, img *Image) error {
	if n := len(img.Dims); n < 1 || n > 3 {
		return fmt.Errorf("fits: image has %d axes (want 1 to 3)", n)
	}
	size := 1
	for i, d := range img.Dims {
		if d < 1 {
			return fmt.Errorf("fits: NAXIS%d = %d (want at least 1)", i+1, d)
		}
		if size > math.MaxInt/8/d {
			return fmt.Errorf("fits: image of %v pixels is too large", img.Dims)
		}
		size *= d
	}
	if len(img.Data) != size {
		return fmt.Errorf("fits: image has %d values for dimensions %v (want %d)", len(img.Data), img.Dims, size)
	}
	bitpix := -32
	if img.Float64 {
		bitpix = -64
	}
	cards := Header{
		{"SIMPLE", true, "conforms to the FITS standard"},
		{"BITPIX", bitpix, "IEEE floating point"},
		{"NAXIS", len(img.Dims), "number of data axes"},
	}
	for i, d := range img.Dims {
		cards = append(cards, Card{fmt.Sprintf("NAXIS%d", i+1), d, fmt.Sprintf("length of data axis %d", i+1)})
	}
	seen := map[string]bool{}
	for _, c := range img.Header {
		if mandatory(c.Key) {
			return fmt.Errorf("fits: keyword %s is written by the encoder and may not be given", c.Key)
		}
		if !commentary(c.Key) {
			if seen[c.Key] {
				return fmt.Errorf("fits: keyword %s is given twice", c.Key)
			}
			seen[c.Key] = true
		}
	}
	cards = append(cards, img.Header...)
	var hdr bytes.Buffer
	for _, c := range cards {
		recs, err := formatCard(c)
		if err != nil {
			return err
		}
		for _, r := range recs {
			hdr.WriteString(r)
		}
	}
	hdr.WriteString(pad("END"))
	if r := hdr.Len() % BlockSize; r != 0 {
		hdr.WriteString(strings.Repeat(" ", BlockSize-r))
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.Write(hdr.Bytes()); err != nil {
		return err
	}
	var buf [8]byte
	for _, v := range img.Data {
		if img.Float64 {
			binary.BigEndian.PutUint64(buf[:], math.Float64bits(v))
			_, _ = bw.Write(buf[:8])
		} else {
			binary.BigEndian.PutUint32(buf[:], math.Float32bits(float32(v)))
			_, _ = bw.Write(buf[:4])
		}
	}
	if r := size * (-bitpix / 8) % BlockSize; r != 0 {
		_, _ = bw.Write(make([]byte, BlockSize-r))
	}
	return bw.Flush()
}

// WriteFile writes img to the FITS file path atomically: into a temporary
// file in the same folder, synced and then renamed over path, so that path
// is either the complete new file or untouched.
func WriteFile(path string, img *Image) (err error) {
	return atomicfile.Write(path, func(w io.Writer) error { return Encode(w, img) })
}

// ReadFile reads the first image of the FITS file at path (see Decode).
func ReadFile(path string) (*Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	img, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// ErrFormat is wrapped by every error Decode returns for input that is not
// a FITS file it can read.
var ErrFormat = errors.New("fits: malformed or unsupported file")

func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// parseCard parses one 80-byte card.
func parseCard(rec []byte) (Card, error) {
	for i, ch := range rec {
		if ch < 0x20 || ch > 0x7e {
			return Card{}, fmt.Errorf("byte %d is not printable ASCII (%#x)", i+1, ch)
		}
	}
	s := string(rec)
	key := strings.TrimRight(s[:8], " ")
	if strings.Contains(key, " ") {
		return Card{}, fmt.Errorf("keyword %q has an embedded space", key)
	}
	if err := ValidKeyword(key); err != nil {
		return Card{}, err
	}
	if commentary(key) || s[8:10] != "= " {
		// Commentary text: COMMENT, HISTORY, the blank keyword, or any
		// keyword without the value indicator, as FITS allows.
		return Card{Key: key, Comment: strings.TrimRight(s[8:], " ")}, nil
	}
	field := s[10:]
	trimmed := strings.TrimLeft(field, " ")
	if trimmed == "" || trimmed[0] == '/' {
		// An undefined value.
		return Card{Key: key, Comment: comment(trimmed)}, nil
	}
	if trimmed[0] == '\'' {
		var sb strings.Builder
		i := 1
		for {
			if i >= len(trimmed) {
				return Card{}, fmt.Errorf("keyword %s: string value has no closing quote", key)
			}
			if trimmed[i] == '\'' {
				if i+1 < len(trimmed) && trimmed[i+1] == '\'' {
					sb.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			sb.WriteByte(trimmed[i])
			i++
		}
		rest := strings.TrimLeft(trimmed[i+1:], " ")
		if rest != "" && rest[0] != '/' {
			return Card{}, fmt.Errorf("keyword %s: text %q after the string value", key, rest)
		}
		// Trailing spaces in a string value are not significant.
		return Card{Key: key, Value: strings.TrimRight(sb.String(), " "), Comment: comment(rest)}, nil
	}
	val, rest, _ := strings.Cut(trimmed, "/")
	val = strings.TrimSpace(val)
	c := Card{Key: key}
	if strings.Contains(trimmed, "/") {
		c.Comment = strings.TrimSpace(rest)
	}
	switch {
	case val == "T":
		c.Value = true
	case val == "F":
		c.Value = false
	default:
		if n, err := strconv.Atoi(val); err == nil {
			c.Value = n
			break
		}
		if strings.ContainsAny(val, "xXpP_nN") || strings.ContainsAny(val, "iI") {
			return Card{}, fmt.Errorf("keyword %s: value %q is not a FITS number", key, val)
		}
		f, err := strconv.ParseFloat(strings.NewReplacer("D", "E", "d", "E").Replace(val), 64)
		if err != nil || math.IsInf(f, 0) {
			return Card{}, fmt.Errorf("keyword %s: value %q is not a logical, integer, real or string", key, val)
		}
		c.Value = f
	}
	return c, nil
}

// comment returns the comment in s, the part of a value field after the
// value: the text after "/", trimmed.
func comment(s string) string {
	_, after, ok := strings.Cut(s, "/")
	if !ok {
		return ""
	}
	return strings.TrimSpace(after)
}
