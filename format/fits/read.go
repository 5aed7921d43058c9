package fits

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// This file reads FITS files with extensions: it walks the header-data
// units (HDUs), finds the first one that holds an image (a primary array, an
// IMAGE extension, or a tile-compressed image in a BINTABLE extension, FITS
// 4.0 section 10) and decodes its pixels to float64, applying BSCALE and
// BZERO and turning BLANK pixels of integer images into NaN, as astropy and
// CFITSIO do.

// maxAxes is the largest NAXIS (and ZNAXIS) the standard allows.
const maxAxes = 999

// hdu is one header-data unit located in a file, not yet decoded.
type hdu struct {
	index     int    // 0 for the primary HDU
	cards     Header // every card of the header, mandatory ones included, END excluded
	dataStart int    // byte offset of the data in the file
	dataLen   int    // bytes of data (main table or array, plus heap), without padding
	naxis     []int  // NAXISn
	bitpix    int
	xtension  string // "" for the primary HDU
}

// int returns the integer value of the first card named key.
func (h *hdu) int(key string) (int, bool, error) {
	v, ok := h.cards.Get(key)
	if !ok {
		return 0, false, nil
	}
	n, isInt := v.(int)
	if !isInt {
		return 0, true, formatErr("HDU %d: %s = %v is not an integer", h.index, key, v)
	}
	return n, true, nil
}

// float returns the numeric value of the first card named key, or def.
func (h *hdu) float(key string, def float64) (float64, error) {
	v, ok := h.cards.Get(key)
	if !ok {
		return def, nil
	}
	switch x := v.(type) {
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	}
	return 0, formatErr("HDU %d: %s = %v is not a number", h.index, key, v)
}

// readHeader parses the cards from offset off up to and including END.
// It returns the cards (without END) and the offset of the data, the next
// multiple of BlockSize after END.
func readHeader(b []byte, off, index int) (Header, int, error) {
	var cards Header
	for ; off+CardSize <= len(b); off += CardSize {
		rec := b[off : off+CardSize]
		if string(rec[:8]) == "END     " {
			if strings.TrimRight(string(rec[8:]), " ") != "" {
				return nil, 0, formatErr("END card at byte %d has text after the keyword", off)
			}
			end := off + CardSize
			dataStart := (end + BlockSize - 1) / BlockSize * BlockSize
			if dataStart > len(b) {
				return nil, 0, formatErr("header is not padded to a multiple of %d bytes (file has %d bytes)", BlockSize, len(b))
			}
			return joinContinue(cards), dataStart, nil
		}
		c, err := parseCard(rec)
		if err != nil {
			if index == 0 {
				return nil, 0, formatErr("card %d: %v", off/CardSize+1, err)
			}
			return nil, 0, formatErr("HDU %d, card at byte %d: %v", index, off, err)
		}
		cards = append(cards, c)
	}
	return nil, 0, formatErr("no END card in %d bytes", len(b)-off)
}

// readHDU reads the HDU whose header starts at off and checks its
// structural keywords: SIMPLE or XTENSION, BITPIX, NAXIS, NAXISn in order,
// and PCOUNT and GCOUNT for extensions. The data must be present in full.
func readHDU(b []byte, off, index int) (*hdu, error) {
	cards, dataStart, err := readHeader(b, off, index)
	if err != nil {
		return nil, err
	}
	h := &hdu{index: index, cards: cards, dataStart: dataStart}
	where := "primary HDU"
	if index > 0 {
		where = fmt.Sprintf("HDU %d", index)
	}
	next := 0
	want := func(key string) (int, error) {
		if next >= len(cards) || cards[next].Key != key {
			return 0, formatErr("%s: card %d must be %s", where, next+1, key)
		}
		v, ok := cards[next].Value.(int)
		next++
		if !ok {
			return 0, formatErr("%s: %s is not an integer", where, key)
		}
		return v, nil
	}
	if index == 0 {
		if len(cards) == 0 || cards[0].Key != "SIMPLE" || cards[0].Value != true {
			return nil, formatErr("not a FITS file: the first card is not SIMPLE = T")
		}
	} else {
		if len(cards) == 0 || cards[0].Key != "XTENSION" {
			return nil, formatErr("%s does not start with XTENSION", where)
		}
		x, ok := cards[0].Value.(string)
		if !ok {
			return nil, formatErr("%s: XTENSION is not a string", where)
		}
		h.xtension = strings.TrimSpace(x)
	}
	next = 1
	if h.bitpix, err = want("BITPIX"); err != nil {
		return nil, err
	}
	switch h.bitpix {
	case 8, 16, 32, 64, -32, -64:
	default:
		return nil, formatErr("%s: BITPIX = %d is not a FITS pixel type (8, 16, 32, 64, -32 or -64)", where, h.bitpix)
	}
	naxis, err := want("NAXIS")
	if err != nil {
		return nil, err
	}
	if naxis < 0 || naxis > maxAxes {
		return nil, formatErr("%s: NAXIS = %d (want 0 to %d)", where, naxis, maxAxes)
	}
	elem := abs(h.bitpix) / 8
	avail := len(b) - dataStart
	size := 1
	h.naxis = make([]int, naxis)
	for i := range h.naxis {
		d, err := want(fmt.Sprintf("NAXIS%d", i+1))
		if err != nil {
			return nil, err
		}
		if d < 0 {
			return nil, formatErr("%s: NAXIS%d = %d (want at least 0)", where, i+1, d)
		}
		if d > 0 && size > 0 && d > avail/elem/size {
			return nil, formatErr("%s: NAXIS%d = %d: the array needs more data than the %d bytes after the header", where, i+1, d, avail)
		}
		h.naxis[i] = d
		size *= d
	}
	if naxis == 0 {
		size = 0
	}
	pcount, gcount := 0, 1
	if index > 0 {
		if pcount, err = want("PCOUNT"); err != nil {
			return nil, err
		}
		if gcount, err = want("GCOUNT"); err != nil {
			return nil, err
		}
		if pcount < 0 || gcount < 0 {
			return nil, formatErr("%s: PCOUNT = %d, GCOUNT = %d (want at least 0)", where, pcount, gcount)
		}
	}
	// Data bytes: |BITPIX|/8 * GCOUNT * (PCOUNT + NAXIS1*...*NAXISn).
	if pcount > avail || size > avail/elem || (gcount > 1 && size+pcount > 0 && gcount > avail/elem/(size+pcount)) {
		return nil, formatErr("%s: data of %d x %d x (%d + %d) bytes but only %d bytes follow the header", where, elem, gcount, pcount, size, avail)
	}
	h.dataLen = elem * gcount * (pcount + size)
	if padded := (h.dataLen + BlockSize - 1) / BlockSize * BlockSize; padded > avail {
		return nil, formatErr("%s: data of %d bytes (padded to %d) but only %d bytes follow the header", where, h.dataLen, padded, avail)
	}
	return h, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// nextHDUOffset returns the offset of the header after h.
func (h *hdu) nextOffset() int {
	return h.dataStart + (h.dataLen+BlockSize-1)/BlockSize*BlockSize
}

// Decode reads the first image in the FITS file held in b: the primary
// array when it has data (NAXIS > 0), otherwise the first IMAGE extension
// or tile-compressed image (a BINTABLE with ZIMAGE = T, as JSOC's hmi.M_720s
// files and fpack write). Pixels of any BITPIX are returned as float64 with
// BSCALE and BZERO applied; BLANK (or ZBLANK) pixels of integer images are
// NaN. Image.Header holds the cards after the structural ones (and without
// BSCALE, BZERO), Image.ImageHeader all of them (see its doc).
//
// Decode never panics and refuses, before allocating, sizes the file cannot
// hold; every error wraps ErrFormat.
func Decode(b []byte) (*Image, error) {
	off := 0
	var primary *hdu
	for index := 0; ; index++ {
		if index > 0 && strings.Trim(string(b[off:]), "\x00 ") == "" {
			// The end of the file, or padding after the last HDU.
			if len(primary.naxis) == 0 {
				return nil, formatErr("the file holds no image: the primary HDU has NAXIS = 0 and no image extension follows")
			}
			return nil, formatErr("the file holds no image (its primary HDU has no data and no extension holds an image)")
		}
		h, err := readHDU(b, off, index)
		if err != nil {
			return nil, err
		}
		if index == 0 {
			primary = h
		}
		switch {
		case index == 0 && h.dataLen > 0, h.xtension == "IMAGE" && h.dataLen > 0:
			return decodeArray(b, h)
		case h.xtension == "BINTABLE":
			if v, _ := h.cards.Get("ZIMAGE"); v == true {
				return decodeTiled(b, h)
			}
		}
		off = h.nextOffset()
	}
}

// structural reports whether key describes an HDU's data layout or
// encoding rather than its content; Image.Header leaves these out.
func structural(key string) bool {
	switch {
	case mandatory(key), key == "BLANK", key == "ZBLANK", key == "ZDITHER0", key == "CHECKSUM", key == "DATASUM":
		return true
	}
	return false
}

// contentCards returns the cards of an image header without the structural
// ones.
func contentCards(all Header) Header {
	var out Header
	for _, c := range all {
		if !structural(c.Key) {
			out = append(out, c)
		}
	}
	return out
}

// decodeArray decodes the image of a primary HDU or IMAGE extension.
func decodeArray(b []byte, h *hdu) (*Image, error) {
	img := &Image{Dims: h.naxis, BITPIX: h.bitpix, HDU: h.index, ImageHeader: h.cards}
	img.Header = contentCards(h.cards)
	img.Float64 = h.bitpix != -32
	scale, zero, blank, hasBlank, err := scaling(h, "BLANK")
	if err != nil {
		return nil, err
	}
	size := 1
	for _, d := range h.naxis {
		size *= d
	}
	img.Data = make([]float64, size)
	data := b[h.dataStart:]
	for i := range img.Data {
		var v float64
		switch h.bitpix {
		case 8:
			v = intPixel(int64(data[i]), scale, zero, blank, hasBlank)
		case 16:
			v = intPixel(int64(int16(binary.BigEndian.Uint16(data[2*i:]))), scale, zero, blank, hasBlank)
		case 32:
			v = intPixel(int64(int32(binary.BigEndian.Uint32(data[4*i:]))), scale, zero, blank, hasBlank)
		case 64:
			v = intPixel(int64(binary.BigEndian.Uint64(data[8*i:])), scale, zero, blank, hasBlank)
		case -32:
			v = float64(math.Float32frombits(binary.BigEndian.Uint32(data[4*i:])))*scale + zero
		case -64:
			v = math.Float64frombits(binary.BigEndian.Uint64(data[8*i:]))*scale + zero
		}
		img.Data[i] = v
	}
	return img, nil
}

// scaling returns BSCALE (default 1), BZERO (default 0) and the blank value
// of an integer image (keyword blankKey) of h.
func scaling(h *hdu, blankKey string) (scale, zero float64, blank int64, hasBlank bool, err error) {
	if scale, err = h.float("BSCALE", 1); err != nil {
		return
	}
	if zero, err = h.float("BZERO", 0); err != nil {
		return
	}
	if math.IsNaN(scale) || math.IsNaN(zero) {
		err = formatErr("HDU %d: BSCALE or BZERO is not a number", h.index)
		return
	}
	n, ok, err := h.int(blankKey)
	if err != nil {
		return
	}
	return scale, zero, int64(n), ok, nil
}

// intPixel returns the physical value of the stored integer raw.
func intPixel(raw int64, scale, zero float64, blank int64, hasBlank bool) float64 {
	if hasBlank && raw == blank {
		return math.NaN()
	}
	return float64(raw)*scale + zero
}

// joinContinue applies the long-string convention (FITS 4.0 section
// 4.2.1.2) as astropy does: a string value ending in '&' continues in the
// following CONTINUE cards, whose quoted strings are appended (each '&'
// dropped, the last one's too) and whose comments are joined with a space.
// CONTINUE cards that follow no such value are kept as they are.
func joinContinue(cards Header) Header {
	var out Header
	for i := 0; i < len(cards); i++ {
		c := cards[i]
		s, ok := c.Value.(string)
		if !ok || !strings.HasSuffix(s, "&") || i+1 >= len(cards) || cards[i+1].Key != "CONTINUE" {
			out = append(out, c)
			continue
		}
		val, comments := s, []string{}
		if c.Comment != "" {
			comments = append(comments, c.Comment)
		}
		for i+1 < len(cards) && cards[i+1].Key == "CONTINUE" && strings.HasSuffix(val, "&") {
			part, comment, ok := continueString(cards[i+1].Comment)
			if !ok {
				break
			}
			val = strings.TrimSuffix(val, "&") + part
			if comment != "" {
				comments = append(comments, comment)
			}
			i++
		}
		c.Value = strings.TrimSuffix(val, "&")
		c.Comment = strings.Join(comments, " ")
		out = append(out, c)
	}
	return out
}

// continueString parses the text of a CONTINUE card (after the keyword):
// a quoted string, then optionally "/ comment".
func continueString(text string) (val, comment string, ok bool) {
	t := strings.TrimLeft(text, " ")
	if !strings.HasPrefix(t, "'") {
		return "", "", false
	}
	var sb strings.Builder
	i := 1
	for {
		if i >= len(t) {
			return "", "", false
		}
		if t[i] == '\'' {
			if i+1 < len(t) && t[i+1] == '\'' {
				sb.WriteByte('\'')
				i += 2
				continue
			}
			break
		}
		sb.WriteByte(t[i])
		i++
	}
	rest := strings.TrimSpace(t[i+1:])
	if rest != "" && rest[0] != '/' {
		return "", "", false
	}
	return strings.TrimRight(sb.String(), " "), strings.TrimSpace(strings.TrimPrefix(rest, "/")), true
}
