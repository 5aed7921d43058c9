package psihdf

import (
	"errors"
	"fmt"
	"os"
)

// precheck validates the few HDF5 fields whose corruption would make the
// scigolib reader allocate absurd amounts of memory (a fatal, unrecoverable
// out-of-memory error in Go, which recover cannot catch) and gives clear
// messages for the commonest damage, truncation:
//
//   - the HDF5 signature at offset 0 (scigolib reads no user-block files);
//   - the end-of-file address in the superblock against the file size;
//   - for version 0/1 superblocks, the root group's local heap, whose data
//     segment size scigolib allocates unchecked.
//
// Superblock layouts: spec II.A; object header: IV.A.1.a; Symbol Table
// message: IV.A.2.r; continuation: IV.A.2.q; local heap: III.D.
func precheck(f *os.File, fileSize int64) error {
	const sig = "\x89HDF\r\n\x1a\n"
	r := &sizedReader{f: f, size: uint64(fileSize)}
	head, err := r.bytes(0, min(uint64(fileSize), 128))
	if err != nil || len(head) < 16 || string(head[:8]) != sig {
		return errors.New("not an HDF5 file (no HDF5 signature at offset 0)")
	}
	version := head[8]
	var offSize, lenSize int
	var fixed int // bytes before the base address
	switch version {
	case 0, 1:
		offSize, lenSize, fixed = int(head[13]), int(head[14]), 24
		if version == 1 {
			fixed += 4 // indexed storage internal node K, reserved
		}
	case 2, 3:
		offSize, lenSize, fixed = int(head[9]), int(head[10]), 12
	default:
		return fmt.Errorf("unsupported HDF5 superblock version %d", version)
	}
	if offSize != 8 || lenSize != 8 {
		// Valid HDF5, but only 8-byte addresses are checked here; leave the rest to the reader.
		return nil
	}
	p := fixed
	need := p + 4*8 + 4 // addresses and checksum (versions 2, 3)
	if version <= 1 {
		need = p + 4*8 + symbolEntrySize // addresses and root symbol table entry
	}
	if len(head) < need {
		return fmt.Errorf("file is truncated: %d bytes, too short for an HDF5 superblock", fileSize)
	}
	base := le.Uint64(head[p:])
	// After the base address come the free-space (v0, v1) or superblock
	// extension (v2, v3) address, then the end-of-file address.
	eof := le.Uint64(head[p+16:])
	if base != 0 {
		return nil // user blocks are not checked here
	}
	if eof > uint64(fileSize) {
		return fmt.Errorf("file is truncated: the HDF5 superblock says it has %d bytes, but it has %d", eof, fileSize)
	}
	if version >= 2 {
		return nil
	}
	rootHeader := le.Uint64(head[p+32+8:]) // root symbol table entry: link name offset, object header address
	return checkGroupHeaderV1(r, rootHeader)
}

// sizedReader reads byte ranges of a file, failing instead of reading past
// its end.
type sizedReader struct {
	f    *os.File
	size uint64
}

// bytes returns n bytes at addr.
func (r *sizedReader) bytes(addr, n uint64) ([]byte, error) {
	if addr > r.size || n > r.size-addr {
		return nil, fmt.Errorf("structure at address %d (%d bytes) lies beyond the end of the %d-byte file; the file is truncated or corrupt", addr, n, r.size)
	}
	b := make([]byte, n)
	if n == 0 {
		return b, nil
	}
	if _, err := r.f.ReadAt(b, int64(addr)); err != nil {
		return nil, err
	}
	return b, nil
}

// checkGroupHeaderV1 walks a version 1 object header at addr (following up
// to a few continuation blocks) and checks the local heap named by each
// Symbol Table message. Headers of other versions are left to the reader.
func checkGroupHeaderV1(r *sizedReader, addr uint64) error {
	prefix, err := r.bytes(addr, 16)
	if err != nil {
		return err
	}
	if prefix[0] != 1 {
		return nil
	}
	type block struct{ addr, size uint64 }
	blocks := []block{{addr + 16, uint64(le.Uint32(prefix[8:]))}}
	for n := 0; n < len(blocks); n++ {
		if n > 16 {
			return errors.New("root group object header has too many continuation blocks; the file is corrupt")
		}
		data, err := r.bytes(blocks[n].addr, blocks[n].size)
		if err != nil {
			return fmt.Errorf("root group object header: %w", err)
		}
		for p := 0; p+8 <= len(data); {
			typ, size := le.Uint16(data[p:]), int(le.Uint16(data[p+2:]))
			body := data[p+8:]
			if size > len(body) {
				return errors.New("root group object header: a message runs past the header; the file is corrupt")
			}
			body = body[:size]
			switch {
			case typ == 0x0010 && size >= 16: // continuation: address, length
				blocks = append(blocks, block{le.Uint64(body), le.Uint64(body[8:])})
			case typ == msgSymbolTable && size >= 16: // B-tree address, local heap address
				if err := checkLocalHeap(r, le.Uint64(body[8:])); err != nil {
					return err
				}
			}
			p += 8 + size
		}
	}
	return nil
}

// checkLocalHeap checks that a local heap's data segment lies within the
// file. Spec III.D.
func checkLocalHeap(r *sizedReader, addr uint64) error {
	h, err := r.bytes(addr, localHeapHeaderSize)
	if err != nil {
		return fmt.Errorf("root group local heap: %w", err)
	}
	if string(h[:4]) != "HEAP" {
		return fmt.Errorf("root group local heap at address %d has a bad signature; the file is corrupt", addr)
	}
	size, data := le.Uint64(h[8:]), le.Uint64(h[24:])
	if data > r.size || size > r.size-data {
		return fmt.Errorf("root group local heap (%d bytes at address %d) lies beyond the end of the %d-byte file; the file is truncated or corrupt", size, data, r.size)
	}
	return nil
}
