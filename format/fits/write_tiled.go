package fits

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/goft-sft/goft/internal/atomicfile"
)

// blankInt32 is the BLANK value EncodeRice writes for NaN pixels.
const blankInt32 = math.MinInt32

// EncodeRice writes the 2-D image img to w as JSOC writes hmi.M_720s
// magnetograms: an empty primary HDU, then the image as 32-bit integers
// round(v/bscale) with BSCALE = bscale, BZERO = 0 and NaN pixels as
// BLANK = -2147483648, tile-compressed with RICE_1 (block size 32, one
// image row per tile) in a binary-table extension (FITS 4.0 section 10).
// img.Header goes into the extension's header; Float64 is ignored. Values
// whose integers would overflow int32 are an error.
func EncodeRice(w io.Writer, img *Image, bscale float64) error {
	if len(img.Dims) != 2 || img.Dims[0] < 1 || img.Dims[1] < 1 {
		return fmt.Errorf("fits: EncodeRice wants a 2-D image, got dims %v", img.Dims)
	}
	nx, ny := img.Dims[0], img.Dims[1]
	if len(img.Data) != nx*ny {
		return fmt.Errorf("fits: image has %d values for dimensions %v (want %d)", len(img.Data), img.Dims, nx*ny)
	}
	if !(bscale > 0) || math.IsInf(bscale, 0) {
		return fmt.Errorf("fits: BSCALE %v must be a positive number", bscale)
	}
	for _, c := range img.Header {
		if mandatory(c.Key) || tableKeyword(c.Key) || c.Key == "BLANK" || c.Key == "EXTNAME" {
			return fmt.Errorf("fits: keyword %s is written by the encoder and may not be given", c.Key)
		}
	}
	// Compress each row into the heap.
	var heap []byte
	rows := make([]byte, 0, 8*ny)
	ints := make([]int32, nx)
	maxLen := 0
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			v := img.Data[i+nx*j]
			if math.IsNaN(v) {
				ints[i] = blankInt32
				continue
			}
			q := math.Round(v / bscale)
			if q <= blankInt32 || q > math.MaxInt32 {
				return fmt.Errorf("fits: pixel (%d, %d) = %v does not fit a 32-bit integer with BSCALE %v", i, j, v, bscale)
			}
			ints[i] = int32(q)
		}
		comp := riceEncode(ints, 32)
		rows = binary.BigEndian.AppendUint32(rows, uint32(len(comp)))
		rows = binary.BigEndian.AppendUint32(rows, uint32(len(heap)))
		heap = append(heap, comp...)
		maxLen = max(maxLen, len(comp))
		if len(heap) > math.MaxInt32 {
			return fmt.Errorf("fits: compressed image is too large for 32-bit descriptors")
		}
	}
	primary := Header{{"SIMPLE", true, "conforms to the FITS standard"}, {"BITPIX", 8, ""}, {"NAXIS", 0, ""}, {"EXTEND", true, ""}}
	ext := Header{
		{"XTENSION", "BINTABLE", "binary table extension"},
		{"BITPIX", 8, "8-bit bytes"},
		{"NAXIS", 2, "2-dimensional binary table"},
		{"NAXIS1", 8, "width of table in bytes"},
		{"NAXIS2", ny, "number of rows in table"},
		{"PCOUNT", len(heap), "size of special data area"},
		{"GCOUNT", 1, "one data group (required keyword)"},
		{"TFIELDS", 1, "number of fields in each row"},
		{"TTYPE1", "COMPRESSED_DATA", "label for field 1"},
		{"TFORM1", fmt.Sprintf("1PB(%d)", maxLen), "data format of field: variable length array"},
		{"ZIMAGE", true, "extension contains compressed image"},
		{"ZTILE1", nx, "size of tiles to be compressed"},
		{"ZTILE2", 1, "size of tiles to be compressed"},
		{"ZCMPTYPE", "RICE_1", "compression algorithm"},
		{"ZNAME1", "BLOCKSIZE", "compression block size"},
		{"ZVAL1", 32, "pixels per block"},
		{"ZNAME2", "BYTEPIX", "bytes per pixel (1, 2, 4, or 8)"},
		{"ZVAL2", 4, "bytes per pixel (1, 2, 4, or 8)"},
		{"EXTNAME", "COMPRESSED_IMAGE", ""},
		{"ZBITPIX", 32, "data type of original image"},
		{"ZNAXIS", 2, "dimension of original image"},
		{"ZNAXIS1", nx, "length of original image axis"},
		{"ZNAXIS2", ny, "length of original image axis"},
	}
	ext = append(ext, img.Header...)
	ext = append(ext, Card{"BSCALE", bscale, ""}, Card{"BZERO", 0.0, ""}, Card{"BLANK", blankInt32, ""})
	bw := bufio.NewWriterSize(w, 1<<16)
	for _, h := range []Header{primary, ext} { // the primary HDU has no data
		b, err := headerBytes(h)
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.Write(rows)
	bw.Write(heap)
	if r := (len(rows) + len(heap)) % BlockSize; r != 0 {
		bw.Write(make([]byte, BlockSize-r))
	}
	return bw.Flush()
}

// headerBytes returns the cards of h, END and the padding to a block.
func headerBytes(h Header) ([]byte, error) {
	var b bytes.Buffer
	for _, c := range h {
		recs, err := formatCard(c)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			b.WriteString(r)
		}
	}
	b.WriteString(pad("END"))
	if r := b.Len() % BlockSize; r != 0 {
		b.WriteString(strings.Repeat(" ", BlockSize-r))
	}
	return b.Bytes(), nil
}

// WriteFileRice writes img to path with EncodeRice, atomically (a
// temporary file in the same folder, renamed over path).
func WriteFileRice(path string, img *Image, bscale float64) (err error) {
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeRice(w, img, bscale) })
}

// bitWriter writes bits most significant first.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) write(v uint64, n uint) {
	for n > 0 {
		k := min(n, 32)
		n -= k
		w.acc = w.acc<<k | (v>>n)&(1<<k-1)
		w.nbits += k
		for w.nbits >= 8 {
			w.nbits -= 8
			w.out = append(w.out, byte(w.acc>>w.nbits))
		}
		w.acc &= 1<<w.nbits - 1
	}
}

func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc<<(8-w.nbits)))
		w.acc, w.nbits = 0, 0
	}
	return w.out
}

// riceEncode compresses 32-bit integers with RICE_1 as CFITSIO's
// fits_rcomp does: the first value verbatim, then per block of blockSize
// the zig-zag mapped differences, with the split fs chosen from the
// block's mean (all-zero blocks as a bare code 0, high-entropy blocks
// verbatim).
func riceEncode(a []int32, blockSize int) []byte {
	const fsBits, fsMax, bBits = 5, 25, 32
	w := &bitWriter{}
	w.write(uint64(uint32(a[0])), 32)
	last := a[0]
	diff := make([]uint32, blockSize)
	for i := 0; i < len(a); i += blockSize {
		n := min(blockSize, len(a)-i)
		sum := 0.0
		for j := 0; j < n; j++ {
			p := a[i+j] - last // wraps as in C
			if p < 0 {
				diff[j] = ^(uint32(p) << 1)
			} else {
				diff[j] = uint32(p) << 1
			}
			sum += float64(diff[j])
			last = a[i+j]
		}
		dpsum := (sum - float64(n/2) - 1) / float64(n)
		if dpsum < 0 {
			dpsum = 0
		}
		psum := uint32(dpsum) >> 1
		fs := 0
		for ; psum > 0; fs++ {
			psum >>= 1
		}
		switch {
		case fs >= fsMax:
			w.write(fsMax+1, fsBits)
			for j := 0; j < n; j++ {
				w.write(uint64(diff[j]), bBits)
			}
		case fs == 0 && sum == 0:
			w.write(0, fsBits)
		default:
			w.write(uint64(fs+1), fsBits)
			for j := 0; j < n; j++ {
				v := diff[j]
				top := v >> uint(fs)
				// top zeros, a one, then the fs low bits.
				for top >= 32 {
					w.write(0, 32)
					top -= 32
				}
				w.write(1, uint(top)+1)
				if fs > 0 {
					w.write(uint64(v)&(1<<uint(fs)-1), uint(fs))
				}
			}
		}
	}
	return w.flush()
}
