package fits

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Tile-compressed images (FITS 4.0 section 10; Pence, White & Seaman 2013,
// "Tiled Image Convention for Storing Compressed Images in FITS Binary
// Tables", and CFITSIO's imcompress.c, which fpack, astropy and JSOC use).
//
// The image is cut into tiles of ZTILE1 x ZTILE2 x ... pixels (edge tiles
// smaller), NAXIS1 fastest; the table has one row per tile, in that order,
// whose COMPRESSED_DATA column (a variable-length byte array in the heap)
// holds the tile's compressed pixels. Supported: ZCMPTYPE RICE_1 (BLOCKSIZE
// and BYTEPIX from ZNAMEi/ZVALi, defaults 32 and 4), GZIP_1, GZIP_2 and
// NOCOMPRESS; integer images with BSCALE/BZERO and BLANK/ZBLANK; and
// floating-point images quantized to integers with per-tile ZSCALE and ZZERO
// (ZQUANTIZ NO_DITHER, SUBTRACTIVE_DITHER_1 or SUBTRACTIVE_DITHER_2, seed
// ZDITHER0), including tiles stored unquantized in GZIP_COMPRESSED_DATA or
// UNCOMPRESSED_DATA. PLIO_1 and HCOMPRESS_1 are refused with an error.

// maxExpansion bounds how many pixels a tile-compressed image may claim per
// byte of its table: RICE_1 codes a block of 32 equal pixels in as little as
// 5 bits (51.2 pixels a byte, riceExpansion); GZIP can do better, but images
// that compress more than this are not magnetograms, and the bound keeps a
// small hostile file from asking for a huge allocation.
const (
	maxExpansion  = 256
	riceExpansion = 52
)

// column is one binary-table column.
type column struct {
	name   string
	code   byte // TFORM type letter: L X B I J K A E D C M P Q
	elem   byte // element type of a P or Q descriptor
	repeat int
	offset int // byte offset in the row
}

// columnWidth returns the bytes one column takes in a row.
func (c column) width() int {
	switch c.code {
	case 'X':
		return (c.repeat + 7) / 8
	case 'L', 'B', 'A':
		return c.repeat
	case 'I':
		return 2 * c.repeat
	case 'J', 'E':
		return 4 * c.repeat
	case 'K', 'D', 'C':
		return 8 * c.repeat
	case 'M':
		return 16 * c.repeat
	case 'P':
		return 8 * min(c.repeat, 1)
	case 'Q':
		return 16 * min(c.repeat, 1)
	}
	return 0
}

// parseTFORM parses a TFORMn value such as "1PB(583)", "1D" or "J".
func parseTFORM(s string) (column, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	c := column{repeat: 1}
	if i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > 1<<30 {
			return c, fmt.Errorf("repeat count %q is too large", s[:i])
		}
		c.repeat = n
	}
	if i >= len(s) {
		return c, fmt.Errorf("no type letter")
	}
	c.code = s[i]
	if !strings.ContainsRune("LXBIJKAEDCMPQ", rune(c.code)) {
		return c, fmt.Errorf("type %q is not a binary table type", c.code)
	}
	if c.code == 'P' || c.code == 'Q' {
		if c.repeat > 1 {
			return c, fmt.Errorf("descriptor repeat count %d (want 0 or 1)", c.repeat)
		}
		if i+1 >= len(s) || !strings.ContainsRune("LXBIJKAEDCM", rune(s[i+1])) {
			return c, fmt.Errorf("descriptor without an element type")
		}
		c.elem = s[i+1]
	}
	return c, nil
}

// elemSize returns the bytes of one element of type code.
func elemSize(code byte) int {
	switch code {
	case 'L', 'B', 'A', 'X':
		return 1
	case 'I':
		return 2
	case 'J', 'E':
		return 4
	case 'K', 'D', 'C':
		return 8
	case 'M':
		return 16
	}
	return 0
}

// table is a binary table located in a file.
type table struct {
	h        *hdu
	rowLen   int
	rows     int
	main     []byte // NAXIS1*NAXIS2 bytes of rows
	heap     []byte // from THEAP to the end of the data
	cols     map[string]column
	heapBase int
}

func readTable(b []byte, h *hdu) (*table, error) {
	where := fmt.Sprintf("HDU %d (binary table)", h.index)
	if h.bitpix != 8 || len(h.naxis) != 2 {
		return nil, formatErr("%s: BITPIX = %d, NAXIS = %d (a binary table has BITPIX = 8 and NAXIS = 2)", where, h.bitpix, len(h.naxis))
	}
	t := &table{h: h, rowLen: h.naxis[0], rows: h.naxis[1], cols: map[string]column{}}
	mainLen := t.rowLen * t.rows // readHDU checked it fits the file
	data := b[h.dataStart : h.dataStart+h.dataLen]
	t.main = data[:mainLen]
	theap, ok, err := h.int("THEAP")
	if err != nil {
		return nil, err
	}
	if !ok {
		theap = mainLen
	}
	if theap < mainLen || theap > len(data) {
		return nil, formatErr("%s: THEAP = %d is outside the data (%d bytes of rows, %d in all)", where, theap, mainLen, len(data))
	}
	t.heap = data[theap:]
	nf, ok, err := h.int("TFIELDS")
	if err != nil {
		return nil, err
	}
	if !ok || nf < 0 || nf > 999 {
		return nil, formatErr("%s: TFIELDS missing or out of range 0 to 999", where)
	}
	off := 0
	for i := 1; i <= nf; i++ {
		f, _ := h.cards.Get(fmt.Sprintf("TFORM%d", i))
		fs, ok := f.(string)
		if !ok {
			return nil, formatErr("%s: TFORM%d is missing or not a string", where, i)
		}
		c, err := parseTFORM(fs)
		if err != nil {
			return nil, formatErr("%s: TFORM%d = %q: %v", where, i, fs, err)
		}
		c.offset = off
		off += c.width()
		if off > t.rowLen {
			return nil, formatErr("%s: columns 1 to %d take %d bytes, more than the row length NAXIS1 = %d", where, i, off, t.rowLen)
		}
		if name, ok := h.cards.Get(fmt.Sprintf("TTYPE%d", i)); ok {
			if s, ok := name.(string); ok {
				c.name = strings.ToUpper(strings.TrimSpace(s))
				t.cols[c.name] = c
			}
		}
	}
	return t, nil
}

// varArray returns the heap bytes of the variable-length array in column c
// of row r (0-based) and its element count.
func (t *table) varArray(c column, r int) ([]byte, int, error) {
	row := t.main[r*t.rowLen:]
	var n, off uint64
	if c.code == 'P' {
		n = uint64(binary.BigEndian.Uint32(row[c.offset:]))
		off = uint64(binary.BigEndian.Uint32(row[c.offset+4:]))
	} else {
		n = binary.BigEndian.Uint64(row[c.offset:])
		off = binary.BigEndian.Uint64(row[c.offset+8:])
	}
	es := uint64(elemSize(c.elem))
	if c.elem == 'X' {
		n = (n + 7) / 8
	}
	if n > uint64(len(t.heap)) || off > uint64(len(t.heap)) || n*es > uint64(len(t.heap))-off {
		return nil, 0, formatErr("HDU %d: row %d of column %s points outside the heap (%d elements at byte %d; heap has %d bytes)", t.h.index, r+1, c.name, n, off, len(t.heap))
	}
	return t.heap[off : off+n*es], int(n), nil
}

// scalar returns the numeric value of column c (a fixed-width column of
// type B, I, J, K, E or D, or a one-element descriptor) in row r.
func (t *table) scalar(c column, r int) (float64, error) {
	row := t.main[r*t.rowLen+c.offset:]
	if c.repeat < 1 {
		return 0, formatErr("HDU %d: column %s has repeat count 0", t.h.index, c.name)
	}
	switch c.code {
	case 'B':
		return float64(row[0]), nil
	case 'I':
		return float64(int16(binary.BigEndian.Uint16(row))), nil
	case 'J':
		return float64(int32(binary.BigEndian.Uint32(row))), nil
	case 'K':
		return float64(int64(binary.BigEndian.Uint64(row))), nil
	case 'E':
		return float64(math.Float32frombits(binary.BigEndian.Uint32(row))), nil
	case 'D':
		return math.Float64frombits(binary.BigEndian.Uint64(row)), nil
	}
	return 0, formatErr("HDU %d: column %s has type %c, not a number", t.h.index, c.name, c.code)
}

// compressed image keywords that astropy and CFITSIO drop when they present
// the table's header as an image header.
func tableKeyword(key string) bool {
	switch key {
	case "XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT", "TFIELDS", "THEAP", "ZIMAGE", "ZCMPTYPE", "ZBITPIX",
		"ZNAXIS", "ZQUANTIZ", "ZDITHER0", "ZSIMPLE", "ZEXTEND", "ZBLOCKED", "ZTENSION", "ZPCOUNT", "ZGCOUNT",
		"ZHECKSUM", "ZDATASUM", "ZBLANK", "CHECKSUM", "DATASUM":
		return true
	}
	for _, p := range []string{"NAXIS", "TTYPE", "TFORM", "TUNIT", "TNULL", "TSCAL", "TZERO", "TDISP", "TDIM", "ZNAXIS", "ZTILE", "ZNAME", "ZVAL"} {
		if rest, ok := strings.CutPrefix(key, p); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			return true
		}
	}
	return false
}

// imageHeader builds the header of the image that tile-compressed table h
// holds, as astropy's CompImageHDU.header presents it (checked against
// astropy 5.2 for files written by astropy and by CFITSIO's fpack):
//
//   - SIMPLE = ZSIMPLE when the table has ZSIMPLE (a compressed primary
//     array), else XTENSION = ZTENSION, else XTENSION = 'IMAGE', each with
//     the comment of the card it comes from (the table's XTENSION for
//     'IMAGE');
//   - BITPIX = ZBITPIX, NAXIS = ZNAXIS, NAXISn = ZNAXISn with their
//     comments; for an extension PCOUNT = 0 and GCOUNT = 1 with the comments
//     of ZPCOUNT and ZGCOUNT, or of the table's PCOUNT and GCOUNT;
//   - then the table's other cards in order, without the table and
//     compression keywords (ZBLANK and ZDITHER0 stay, as astropy keeps
//     them), without EXTNAME = 'COMPRESSED_IMAGE'; last CHECKSUM and
//     DATASUM: ZHECKSUM and ZDATASUM renamed when the table has them, else
//     the table's own.
func imageHeader(h *hdu, bitpix int, dims []int) Header {
	card := func(key string) (Card, bool) {
		for _, c := range h.cards {
			if c.Key == key {
				return c, true
			}
		}
		return Card{}, false
	}
	comment := func(key string) string {
		c, _ := card(key)
		return c.Comment
	}
	var out Header
	_, primary := card("ZSIMPLE")
	switch zt, ext := card("ZTENSION"); {
	case primary:
		c, _ := card("ZSIMPLE")
		out = append(out, Card{"SIMPLE", c.Value, c.Comment})
	case ext:
		v := zt.Value
		if s, ok := v.(string); ok {
			v = strings.TrimSpace(s)
		}
		out = append(out, Card{"XTENSION", v, zt.Comment})
	default:
		out = append(out, Card{"XTENSION", "IMAGE", comment("XTENSION")})
	}
	out = append(out, Card{"BITPIX", bitpix, comment("ZBITPIX")}, Card{"NAXIS", len(dims), comment("ZNAXIS")})
	for i, d := range dims {
		out = append(out, Card{fmt.Sprintf("NAXIS%d", i+1), d, comment(fmt.Sprintf("ZNAXIS%d", i+1))})
	}
	if !primary {
		pc, gc := comment("PCOUNT"), comment("GCOUNT")
		if c, ok := card("ZPCOUNT"); ok {
			pc = c.Comment
		}
		if c, ok := card("ZGCOUNT"); ok {
			gc = c.Comment
		}
		out = append(out, Card{"PCOUNT", 0, pc}, Card{"GCOUNT", 1, gc})
	}
	_, zsum := card("ZHECKSUM")
	_, zdata := card("ZDATASUM")
	var sums [2]*Card // CHECKSUM, DATASUM: astropy puts them last
	for _, c := range h.cards {
		switch {
		case c.Key == "ZHECKSUM" || c.Key == "CHECKSUM" && !zsum:
			c.Key = "CHECKSUM"
			sums[0] = &c
			continue
		case c.Key == "ZDATASUM" || c.Key == "DATASUM" && !zdata:
			c.Key = "DATASUM"
			sums[1] = &c
			continue
		case c.Key == "CHECKSUM" || c.Key == "DATASUM":
			continue
		case c.Key == "ZBLANK" || c.Key == "ZDITHER0":
		case tableKeyword(c.Key):
			continue
		case c.Key == "EXTNAME" && c.Value == "COMPRESSED_IMAGE":
			continue
		}
		out = append(out, c)
	}
	for _, c := range sums {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// decodeTiled decodes the tile-compressed image in binary table h.
func decodeTiled(b []byte, h *hdu) (*Image, error) {
	where := fmt.Sprintf("HDU %d (tile-compressed image)", h.index)
	t, err := readTable(b, h)
	if err != nil {
		return nil, err
	}
	cmp, _ := h.cards.Get("ZCMPTYPE")
	cmpType, ok := cmp.(string)
	if !ok {
		return nil, formatErr("%s: ZCMPTYPE is missing or not a string", where)
	}
	cmpType = strings.TrimSpace(cmpType)
	switch cmpType {
	case "RICE_1", "RICE_ONE", "GZIP_1", "GZIP_2", "NOCOMPRESS":
	default:
		return nil, formatErr("%s: compression %s is not supported (RICE_1, GZIP_1, GZIP_2 and NOCOMPRESS are; decompress the file with funpack)", where, cmpType)
	}
	zbitpix, ok, err := h.int("ZBITPIX")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, formatErr("%s: ZBITPIX is missing", where)
	}
	switch zbitpix {
	case 8, 16, 32, 64, -32, -64:
	default:
		return nil, formatErr("%s: ZBITPIX = %d is not a FITS pixel type", where, zbitpix)
	}
	znaxis, ok, err := h.int("ZNAXIS")
	if err != nil {
		return nil, err
	}
	if !ok || znaxis < 1 || znaxis > maxAxes {
		return nil, formatErr("%s: ZNAXIS = %d (want 1 to %d)", where, znaxis, maxAxes)
	}
	limit := maxExpansion*(len(t.main)+len(t.heap)) + 1<<16
	dims := make([]int, znaxis)
	tile := make([]int, znaxis)
	size, ntiles := 1, 1
	for i := range dims {
		d, ok, err := h.int(fmt.Sprintf("ZNAXIS%d", i+1))
		if err != nil {
			return nil, err
		}
		if !ok || d < 1 {
			return nil, formatErr("%s: ZNAXIS%d is missing or below 1", where, i+1)
		}
		if d > limit/size {
			return nil, formatErr("%s: an image of %d x ... pixels cannot come from a table of %d bytes", where, d, len(t.main)+len(t.heap))
		}
		dims[i] = d
		size *= d
		tl, ok, err := h.int(fmt.Sprintf("ZTILE%d", i+1))
		if err != nil {
			return nil, err
		}
		if !ok {
			tl = 1
			if i == 0 {
				tl = d
			}
		}
		if tl < 1 {
			return nil, formatErr("%s: ZTILE%d = %d (want at least 1)", where, i+1, tl)
		}
		tile[i] = min(tl, d)
		ntiles *= (d + tile[i] - 1) / tile[i]
	}
	if ntiles != t.rows {
		return nil, formatErr("%s: the table has %d rows but the image %v in tiles %v needs %d", where, t.rows, dims, tile, ntiles)
	}
	// Compression parameters.
	blockSize, bytePix := 32, 4
	switch zbitpix {
	case 8:
		bytePix = 1
	case 16:
		bytePix = 2
	}
	for i := 1; ; i++ {
		name, ok := h.cards.Get(fmt.Sprintf("ZNAME%d", i))
		if !ok {
			break
		}
		key := strings.TrimSpace(fmt.Sprint(name))
		if key != "BLOCKSIZE" && key != "BYTEPIX" {
			continue // e.g. NOISEBIT, a real
		}
		val, _, err := h.int(fmt.Sprintf("ZVAL%d", i))
		if err != nil {
			return nil, err
		}
		if key == "BLOCKSIZE" {
			blockSize = val
		} else {
			bytePix = val
		}
	}
	if blockSize < 1 || blockSize > 1<<16 {
		return nil, formatErr("%s: BLOCKSIZE = %d (want 1 to 65536)", where, blockSize)
	}
	if bytePix != 1 && bytePix != 2 && bytePix != 4 && bytePix != 8 {
		return nil, formatErr("%s: BYTEPIX = %d (want 1, 2, 4 or 8)", where, bytePix)
	}
	if cmpType == "RICE_1" || cmpType == "RICE_ONE" {
		if bytePix == 8 {
			return nil, formatErr("%s: RICE_1 with BYTEPIX = 8 is not supported", where)
		}
		// An all-equal block of BLOCKSIZE pixels takes 5 bits at least.
		if most := (riceExpansion*blockSize/32)*(len(t.main)+len(t.heap)) + 1<<16; size > most {
			return nil, formatErr("%s: an image of %v pixels cannot come from a RICE_1 table of %d bytes", where, dims, len(t.main)+len(t.heap))
		}
	}
	quantized := zbitpix < 0
	var dither int // 0 none, 1 SUBTRACTIVE_DITHER_1, 2 SUBTRACTIVE_DITHER_2
	seed := 1
	if q, ok := h.cards.Get("ZQUANTIZ"); ok {
		switch strings.TrimSpace(fmt.Sprint(q)) {
		case "NO_DITHER":
		case "SUBTRACTIVE_DITHER_1":
			dither = 1
		case "SUBTRACTIVE_DITHER_2":
			dither = 2
		case "NONE":
			quantized = false
		default:
			return nil, formatErr("%s: ZQUANTIZ = %v is not supported", where, q)
		}
	}
	if dither > 0 {
		s, ok, err := h.int("ZDITHER0")
		if err != nil {
			return nil, err
		}
		if ok {
			if s < 1 || s > randomCount {
				return nil, formatErr("%s: ZDITHER0 = %d (want 1 to %d)", where, s, randomCount)
			}
			seed = s
		}
	}
	var rnd []float32
	if dither > 0 {
		rnd = ditherRandoms()
	}
	cdata, ok := t.cols["COMPRESSED_DATA"]
	if !ok || (cdata.code != 'P' && cdata.code != 'Q') {
		return nil, formatErr("%s: no COMPRESSED_DATA variable-length column", where)
	}
	zscaleCol, hasZScaleCol := t.cols["ZSCALE"]
	zzeroCol, hasZZeroCol := t.cols["ZZERO"]
	zblankCol, hasZBlankCol := t.cols["ZBLANK"]
	gzipCol, hasGzipCol := t.cols["GZIP_COMPRESSED_DATA"]
	rawCol, hasRawCol := t.cols["UNCOMPRESSED_DATA"]
	if quantized && !hasZScaleCol {
		if _, ok := h.cards.Get("ZSCALE"); !ok {
			quantized = false // a float image stored losslessly (GZIP of IEEE values)
		}
	}
	scale, zero, blank, hasBlank, err := scaling(h, "BLANK")
	if err != nil {
		return nil, err
	}
	if zb, ok, err := h.int("ZBLANK"); err != nil {
		return nil, err
	} else if ok {
		blank, hasBlank = int64(zb), true
	}
	kzscale, err := h.float("ZSCALE", 1)
	if err != nil {
		return nil, err
	}
	kzzero, err := h.float("ZZERO", 0)
	if err != nil {
		return nil, err
	}

	img := &Image{Dims: dims, BITPIX: zbitpix, HDU: h.index, Compression: cmpType, Float64: zbitpix != -32}
	img.ImageHeader = imageHeader(h, zbitpix, dims)
	img.Header = contentCards(img.ImageHeader)
	img.Data = make([]float64, size)
	ints := make([]int64, 0)
	start := make([]int, znaxis) // first pixel of the current tile
	for r := 0; r < t.rows; r++ {
		// This tile's extent.
		tdims := make([]int, znaxis)
		npix := 1
		for i := range tdims {
			tdims[i] = min(tile[i], dims[i]-start[i])
			npix *= tdims[i]
		}
		comp, n, err := t.varArray(cdata, r)
		if err != nil {
			return nil, err
		}
		tileBlank, tileHasBlank := blank, hasBlank
		if hasZBlankCol {
			v, err := t.scalar(zblankCol, r)
			if err != nil {
				return nil, err
			}
			tileBlank, tileHasBlank = int64(v), true
		}
		var floats []float64 // the tile's physical values
		switch {
		case n == 0 && hasGzipCol:
			// Stored without quantization, gzipped IEEE values.
			raw, _, err := t.varArray(gzipCol, r)
			if err != nil {
				return nil, err
			}
			ub, err := gunzip(raw, npix*abs(zbitpix)/8)
			if err != nil {
				return nil, formatErr("%s: tile %d: %v", where, r+1, err)
			}
			floats = ieee(ub, zbitpix, npix)
			if floats == nil {
				return nil, formatErr("%s: tile %d: unquantized tile of an integer image", where, r+1)
			}
		case n == 0 && hasRawCol:
			raw, cnt, err := t.varArray(rawCol, r)
			if err != nil {
				return nil, err
			}
			if cnt != npix || (rawCol.elem != 'E' && rawCol.elem != 'D') {
				return nil, formatErr("%s: tile %d: UNCOMPRESSED_DATA has %d values of type %c (want %d floats)", where, r+1, cnt, rawCol.elem, npix)
			}
			floats = ieee(raw, map[byte]int{'E': -32, 'D': -64}[rawCol.elem], npix)
		default:
			ints, err = decompressTile(ints[:0], cmpType, comp, npix, blockSize, bytePix, zbitpix, quantized)
			if err != nil {
				return nil, formatErr("%s: tile %d: %v", where, r+1, err)
			}
			if !quantized && zbitpix < 0 {
				// Lossless float tile: the integers are the IEEE bit patterns.
				floats = make([]float64, npix)
				for i, v := range ints {
					if zbitpix == -32 {
						floats[i] = float64(math.Float32frombits(uint32(v)))
					} else {
						floats[i] = math.Float64frombits(uint64(v))
					}
				}
				break
			}
			floats = make([]float64, npix)
			if quantized {
				zs, zz := kzscale, kzzero
				if hasZScaleCol {
					if zs, err = t.scalar(zscaleCol, r); err != nil {
						return nil, err
					}
				}
				if hasZZeroCol {
					if zz, err = t.scalar(zzeroCol, r); err != nil {
						return nil, err
					}
				}
				unquantize(floats, ints, zs, zz, dither, rnd, r+seed, tileBlank, tileHasBlank, zbitpix == -32)
			} else {
				for i, v := range ints {
					floats[i] = intPixel(v, scale, zero, tileBlank, tileHasBlank)
				}
			}
		}
		// Place the tile.
		placeTile(img.Data, dims, start, tdims, floats)
		// Next tile start, first axis fastest.
		for i := range start {
			start[i] += tile[i]
			if start[i] < dims[i] {
				break
			}
			start[i] = 0
		}
	}
	return img, nil
}

// placeTile copies a tile of extent tdims whose first pixel is at start
// into the image data.
func placeTile(data []float64, dims, start, tdims []int, tile []float64) {
	n := len(dims)
	idx := make([]int, n) // position within the tile, axes 1..n-1
	for k := 0; k < len(tile); k += tdims[0] {
		off := 0
		stride := 1
		for i := 0; i < n; i++ {
			off += (start[i] + idx[i]) * stride
			stride *= dims[i]
		}
		copy(data[off:off+tdims[0]], tile[k:k+tdims[0]])
		for i := 1; i < n; i++ {
			idx[i]++
			if idx[i] < tdims[i] {
				break
			}
			idx[i] = 0
		}
	}
}

// ieee decodes n big-endian IEEE floats of BITPIX bitpix from b; nil when
// bitpix is not a float type or b is too short.
func ieee(b []byte, bitpix, n int) []float64 {
	out := make([]float64, n)
	switch {
	case bitpix == -32 && len(b) >= 4*n:
		for i := range out {
			out[i] = float64(math.Float32frombits(binary.BigEndian.Uint32(b[4*i:])))
		}
	case bitpix == -64 && len(b) >= 8*n:
		for i := range out {
			out[i] = math.Float64frombits(binary.BigEndian.Uint64(b[8*i:]))
		}
	default:
		return nil
	}
	return out
}

// gunzip decompresses b, which must hold exactly want bytes.
func gunzip(b []byte, want int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gzip stream: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(want)+1))
	if err != nil {
		return nil, fmt.Errorf("gzip stream: %v", err)
	}
	if len(out) != want {
		return nil, fmt.Errorf("gzip stream holds %d bytes, want %d", len(out), want)
	}
	return out, nil
}

// decompressTile decodes one tile of npix pixels to integers (sign-extended
// from the stored width), appended to dst.
func decompressTile(dst []int64, cmpType string, comp []byte, npix, blockSize, bytePix, zbitpix int, quantized bool) ([]int64, error) {
	width := bytePix // bytes per stored integer
	switch cmpType {
	case "RICE_1", "RICE_ONE":
		return riceDecode(dst, comp, npix, blockSize, bytePix)
	case "GZIP_1", "GZIP_2", "NOCOMPRESS":
		if !quantized {
			width = abs(zbitpix) / 8
		} else {
			width = 4
		}
		raw := comp
		if cmpType != "NOCOMPRESS" {
			var err error
			if raw, err = gunzip(comp, npix*width); err != nil {
				return nil, err
			}
		} else if len(raw) != npix*width {
			return nil, fmt.Errorf("tile holds %d bytes, want %d", len(raw), npix*width)
		}
		if cmpType == "GZIP_2" {
			// Bytes were shuffled: all most significant bytes first.
			sh := make([]byte, len(raw))
			for i := 0; i < npix; i++ {
				for k := 0; k < width; k++ {
					sh[i*width+k] = raw[k*npix+i]
				}
			}
			raw = sh
		}
		for i := 0; i < npix; i++ {
			p := raw[i*width:]
			var v int64
			switch width {
			case 1:
				v = int64(p[0])
			case 2:
				v = int64(int16(binary.BigEndian.Uint16(p)))
			case 4:
				v = int64(int32(binary.BigEndian.Uint32(p)))
			case 8:
				v = int64(binary.BigEndian.Uint64(p))
			}
			if width == 4 && zbitpix == -32 && !quantized {
				v = int64(binary.BigEndian.Uint32(p))
			}
			dst = append(dst, v)
		}
		return dst, nil
	}
	return nil, fmt.Errorf("compression %s not supported", cmpType)
}

// riceDecode decodes a RICE_1 stream of npix integers of bytePix bytes
// (1, 2 or 4) in blocks of blockSize, as CFITSIO's fits_rdecomp,
// fits_rdecomp_short and fits_rdecomp_byte do, and appends them to dst:
// the first value stored verbatim, then per block a code (fs) of fsBits
// bits followed by the block's differences, zig-zag mapped, either all zero
// (fs = 0), stored verbatim (fs = fsMax + 1) or Rice coded with fs-1 low
// bits. Integers of 1 byte are unsigned, others signed.
func riceDecode(dst []int64, c []byte, npix, blockSize, bytePix int) ([]int64, error) {
	var fsBits, fsMax, bBits uint
	switch bytePix {
	case 1:
		fsBits, fsMax = 3, 6
	case 2:
		fsBits, fsMax = 4, 14
	case 4:
		fsBits, fsMax = 5, 25
	default:
		return nil, fmt.Errorf("RICE_1 with BYTEPIX = %d", bytePix)
	}
	bBits = 8 * uint(bytePix)
	mask := uint64(1)<<bBits - 1
	if len(c) < bytePix+1 {
		return nil, fmt.Errorf("RICE_1 stream of %d bytes is too short", len(c))
	}
	var lastpix uint64
	for k := 0; k < bytePix; k++ {
		lastpix = lastpix<<8 | uint64(c[k])
	}
	pos := bytePix
	// Bit buffer: b holds nbits valid bits (the low ones).
	var b uint64
	nbits := 8
	b = uint64(c[pos])
	pos++
	short := false
	next := func() uint64 {
		if pos >= len(c) {
			short = true
			return 0
		}
		v := uint64(c[pos])
		pos++
		return v
	}
	out := func(v uint64) {
		v &= mask
		switch bytePix {
		case 1:
			dst = append(dst, int64(v))
		case 2:
			dst = append(dst, int64(int16(v)))
		default:
			dst = append(dst, int64(int32(v)))
		}
	}
	undo := func(diff uint64) uint64 {
		if diff&1 == 0 {
			return diff >> 1
		}
		return ^(diff >> 1)
	}
	for i := 0; i < npix; {
		nbits -= int(fsBits)
		for nbits < 0 {
			b = b<<8 | next()
			nbits += 8
		}
		fs := int(b>>uint(nbits)) - 1
		b &= uint64(1)<<uint(nbits) - 1
		imax := min(i+blockSize, npix)
		switch {
		case fs < 0:
			for ; i < imax; i++ {
				out(lastpix)
			}
		case fs == int(fsMax):
			for ; i < imax; i++ {
				k := int(bBits) - nbits
				diff := b << uint(k)
				for k -= 8; k >= 0; k -= 8 {
					b = next()
					diff |= b << uint(k)
				}
				if nbits > 0 {
					b = next()
					diff |= b >> uint(-k)
					b &= uint64(1)<<uint(nbits) - 1
				} else {
					b = 0
				}
				diff &= mask
				lastpix = (undo(diff) + lastpix) & mask
				out(lastpix)
			}
		case fs > int(fsMax):
			return nil, fmt.Errorf("corrupt RICE_1 stream: block code %d above %d", fs, fsMax)
		default:
			for ; i < imax; i++ {
				for b == 0 {
					if short {
						return nil, fmt.Errorf("corrupt RICE_1 stream: it ends inside pixel %d of %d", i+1, npix)
					}
					nbits += 8
					b = next()
				}
				nzero := nbits - bitLen(b)
				nbits -= nzero + 1
				b ^= uint64(1) << uint(nbits)
				nbits -= fs
				for nbits < 0 {
					b = b<<8 | next()
					nbits += 8
				}
				diff := uint64(nzero)<<uint(fs) | b>>uint(nbits)
				b &= uint64(1)<<uint(nbits) - 1
				lastpix = (undo(diff&mask) + lastpix) & mask
				out(lastpix)
			}
		}
		if short {
			return nil, fmt.Errorf("corrupt RICE_1 stream: it ends inside the block of pixel %d of %d", i, npix)
		}
	}
	return dst, nil
}

// bitLen returns the number of significant bits in b (b < 256 here).
func bitLen(b uint64) int {
	n := 0
	for b != 0 {
		n++
		b >>= 1
	}
	return n
}

// randomCount is the length of CFITSIO's dither sequence (N_RANDOM).
const randomCount = 10000

// ditherRandoms returns CFITSIO's fits_rand_value sequence: a Park-Miller
// minimal standard generator (a = 16807, m = 2^31-1, seed 1), each value
// seed/m rounded to float32 (fits_init_randoms in imcompress.c).
func ditherRandoms() []float32 {
	r := make([]float32, randomCount)
	const a, m = 16807.0, 2147483647.0
	seed := 1.0
	for i := range r {
		temp := a * seed
		seed = temp - m*float64(int64(temp/m))
		r[i] = float32(seed / m)
	}
	return r
}

// nullValue and zeroValue are CFITSIO's reserved quantized values.
const zeroValue = -2147483646 // SUBTRACTIVE_DITHER_2: an exact zero

// unquantize converts a tile's quantized integers to floats as CFITSIO's
// unquantize_i4r4 / unquantize_i4r8 do: (I - R + 0.5)*scale + zero with
// dither R from the sequence starting at row (tile number + ZDITHER0 - 1),
// or I*scale + zero without dither; blank integers become NaN.
func unquantize(out []float64, ints []int64, scale, zero float64, dither int, rnd []float32, row int, blank int64, hasBlank, single bool) {
	iseed, next := 0, 0
	if dither > 0 {
		iseed = (row - 1) % randomCount
		next = int(rnd[iseed] * 500)
	}
	for i, v := range ints {
		var x float64
		switch {
		case hasBlank && v == blank:
			x = math.NaN()
		case dither == 2 && v == zeroValue:
			x = 0
		case dither > 0:
			x = (float64(v)-float64(rnd[next])+0.5)*scale + zero
		default:
			x = float64(v)*scale + zero
		}
		if single {
			x = float64(float32(x))
		}
		out[i] = x
		if dither > 0 {
			next++
			if next == randomCount {
				iseed++
				if iseed == randomCount {
					iseed = 0
				}
				next = int(rnd[iseed] * 500)
			}
		}
	}
}
