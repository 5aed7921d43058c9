package psihdf

// A minimal HDF5 writer for exactly the PSI map layout.
//
// It implements the parts of the HDF5 File Format Specification (version 3.0,
// https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html) that libhdf5 itself
// uses for files created with its default ("earliest") format settings: a
// version 0 superblock, the root group as a symbol table (version 1 B-tree,
// local heap, symbol table node), version 1 object headers, contiguous
// little-endian float data and compact attributes. The dimension-scale
// attributes are those written by libhdf5's H5DSset_scale, H5DSattach_scale
// and H5DSset_label. Every structure below is one function whose comment
// names the specification section it implements; sizes of offsets and
// lengths are 8 bytes throughout.
//
// File layout (all addresses absolute, base address 0):
//
//	superblock | root object header | group B-tree node | local heap |
//	symbol table node | object headers of Data, dim1, dim2[, dim3] |
//	global heap collection | raw Data | raw dim1 | raw dim2 [| raw dim3]

import (
	"encoding/binary"
	"fmt"
	"math"
)

var le = binary.LittleEndian

const (
	sizeOffsets = 8 // bytes in a file address
	sizeLengths = 8 // bytes in a file length
	undefAddr   = ^uint64(0)

	groupLeafK     = 4  // a symbol table node holds up to 2*groupLeafK entries
	groupInternalK = 16 // a group B-tree node holds up to 2*groupInternalK children

	superblockSize      = 56 + symbolEntrySize
	symbolEntrySize     = 2*sizeOffsets + 24
	btreeNodeSize       = 8 + 2*sizeOffsets + (2*groupInternalK+1)*sizeLengths + 2*groupInternalK*sizeOffsets
	snodSize            = 8 + 2*groupLeafK*symbolEntrySize
	localHeapHeaderSize = 16 + sizeLengths + sizeOffsets
	globalHeapMinSize   = 4096 // libhdf5's H5HG_MINSIZE
	globalObjHeaderSize = 8 + sizeLengths
	heapFreeNull        = 1 // libhdf5's end-of-free-list marker in a local heap (H5HL_FREE_NULL)
	heapFreeBlockSize   = 2 * sizeLengths

	vlenElemSize = 4 + sizeOffsets + 4 // length, global heap collection address, object index
)

// Object header message types (spec IV.A.2).
const (
	msgDataspace   = 0x0001
	msgDatatype    = 0x0003
	msgFillValue   = 0x0005
	msgLayout      = 0x0008
	msgAttribute   = 0x000C
	msgSymbolTable = 0x0011

	msgFlagConstant = 0x01 // the message is constant (set by libhdf5 on datatype and fill value)
)

// message is one object header message: its type, flags and body.
type message struct {
	typ   uint16
	flags uint8
	body  []byte
}

// fileAddrs are the addresses of every structure in the file.
type fileAddrs struct {
	root, btree, heap, snod, gcol uint64
	obj                           []uint64 // object headers: obj[0] is Data, obj[k] is dim k
	raw                           []uint64 // raw data, indexed like obj
	eof                           uint64
}

// datasetNames returns the root member names in ASCII order.
func datasetNames(rank int) []string {
	names := []string{"Data"}
	for k := 1; k <= rank; k++ {
		names = append(names, fmt.Sprintf("dim%d", k))
	}
	return names
}

// buildMetadata returns all bytes of the file before the raw data of a map
// with Fortran-order dims and elem-byte floats. The raw data of Data, dim1,
// dim2[, dim3] follow it in that order, with no gaps.
func buildMetadata(dims []int, elem int, attrs []Attr) ([]byte, error) {
	rank := len(dims)
	names := datasetNames(rank)
	heapData, nameOff, freeOff := localHeapData(names)

	a := fileAddrs{obj: make([]uint64, rank+1), raw: make([]uint64, rank+1)}
	// Pass 1: object header and global heap sizes do not depend on addresses.
	headers, gcol := buildObjects(a, dims, elem, attrs)
	a.root = superblockSize
	rootSize := len(rootObjectHeader(a, len(dims), attrs))
	a.btree = a.root + uint64(rootSize)
	a.heap = a.btree + btreeNodeSize
	a.snod = a.heap + localHeapHeaderSize + uint64(len(heapData))
	next := a.snod + snodSize
	for i, h := range headers {
		a.obj[i] = next
		next += uint64(len(h))
	}
	a.gcol = next
	next = align8(next + uint64(len(gcol)))
	metaSize := next
	a.raw[0] = next
	next += uint64(product(dims) * elem)
	for k := 1; k <= rank; k++ {
		a.raw[k] = next
		next += uint64(dims[k-1] * elem)
	}
	a.eof = next

	// Pass 2: the same structures with the final addresses.
	headers2, gcol2 := buildObjects(a, dims, elem, attrs)
	b := make([]byte, 0, metaSize)
	b = append(b, superblockV0(a)...)
	root := rootObjectHeader(a, len(dims), attrs)
	if len(root) != rootSize {
		return nil, fmt.Errorf("internal error: root object header changed size")
	}
	b = append(b, root...)
	b = append(b, groupBTreeNode(a.snod, nameOff[len(nameOff)-1])...)
	b = append(b, localHeap(a.heap, heapData, freeOff)...)
	entries := make([]symbolEntry, len(names))
	for i := range names {
		entries[i] = symbolEntry{nameOff: nameOff[i], header: a.obj[i]}
	}
	b = append(b, symbolTableNode(entries)...)
	for i, h := range headers2 {
		if uint64(len(b)) != a.obj[i] || len(h) != len(headers[i]) {
			return nil, fmt.Errorf("internal error: object header %d misplaced", i)
		}
		b = append(b, h...)
	}
	if uint64(len(b)) != a.gcol || len(gcol2) != len(gcol) {
		return nil, fmt.Errorf("internal error: global heap misplaced")
	}
	b = append(b, gcol2...)
	b = pad8(b)
	if uint64(len(b)) != metaSize {
		return nil, fmt.Errorf("internal error: metadata is %d bytes, want %d", len(b), metaSize)
	}
	return b, nil
}

// buildObjects returns the object headers of Data and of each scale, and
// the global heap collection holding the variable-length attribute data.
//
// As HipFT does, dim(k) is attached to C dimension k-1 of Data:
// DIMENSION_LIST[k-1] = {ref dim(k)}, DIMENSION_LABELS[k-1] = "dim(k)", and
// dim(k)'s REFERENCE_LIST = {(ref Data, k-1)}. Global heap objects 1..rank
// hold the references, rank+1..2*rank the label strings, and the objects
// after them the root group's string attributes, in order.
func buildObjects(a fileAddrs, dims []int, elem int, attrs []Attr) (headers [][]byte, gcol []byte) {
	rank := len(dims)
	names := datasetNames(rank)
	cdims := make([]uint64, rank)
	for i := range rank {
		cdims[i] = uint64(dims[rank-1-i])
	}

	var objects [][]byte
	var list, labels []byte
	for k := 1; k <= rank; k++ {
		objects = append(objects, le.AppendUint64(nil, a.obj[k]))
		list = appendVlenElem(list, 1, a.gcol, uint32(k))
	}
	for k := 1; k <= rank; k++ {
		objects = append(objects, []byte(names[k]))
		labels = appendVlenElem(labels, uint32(len(names[k])), a.gcol, uint32(rank+k))
	}
	for _, at := range attrs {
		if s, ok := at.Value.(string); ok {
			objects = append(objects, []byte(s))
		}
	}
	gcol = globalHeapCollection(objects)

	attrSpace := dataspaceV1([]uint64{uint64(rank)})
	headers = append(headers, objectHeaderV1(append(datasetMessages(cdims, elem, a.raw[0]),
		message{msgAttribute, 0, attributeV1("DIMENSION_LIST", vlenType(false, objectRefType()), attrSpace, list)},
		message{msgAttribute, 0, attributeV1("DIMENSION_LABELS", vlenType(true, uint8Type()), attrSpace, labels)},
	)))

	for k := 1; k <= rank; k++ {
		refList := le.AppendUint64(nil, a.obj[0])
		refList = le.AppendUint32(refList, uint32(k-1))
		refList = le.AppendUint32(refList, 0) // padding to the compound size of 16
		headers = append(headers, objectHeaderV1(append(datasetMessages([]uint64{uint64(dims[k-1])}, elem, a.raw[k]),
			message{msgAttribute, 0, attributeV1("CLASS", fixedStringType(16), dataspaceV1(nil), cString("DIMENSION_SCALE"))},
			message{msgAttribute, 0, attributeV1("NAME", fixedStringType(len(names[k])+1), dataspaceV1(nil), cString(names[k]))},
			message{msgAttribute, 0, attributeV1("REFERENCE_LIST", referenceListType(), dataspaceV1([]uint64{1}), refList)},
		)))
	}
	return headers, gcol
}

// datasetMessages returns the messages every data set header starts with:
// dataspace, datatype, fill value and contiguous layout at rawAddr.
func datasetMessages(cdims []uint64, elem int, rawAddr uint64) []message {
	n := uint64(elem)
	for _, d := range cdims {
		n *= d
	}
	return []message{
		{msgDataspace, 0, dataspaceV1(cdims)},
		{msgDatatype, msgFlagConstant, floatType(elem)},
		{msgFillValue, msgFlagConstant, fillValueV2()},
		{msgLayout, 0, contiguousLayoutV3(rawAddr, n)},
	}
}

// superblockV0 encodes the version 0 superblock, whose root group symbol
// table entry caches the root B-tree and local heap addresses.
// Spec II.A "Disk Format: Level 0A - Format Signature and Superblock".
func superblockV0(a fileAddrs) []byte {
	b := []byte("\x89HDF\r\n\x1a\n")
	b = append(b, 0, 0, 0, 0)                     // superblock, free-space, root entry versions; reserved
	b = append(b, 0, sizeOffsets, sizeLengths, 0) // shared header version; sizes; reserved
	b = le.AppendUint16(b, groupLeafK)
	b = le.AppendUint16(b, groupInternalK)
	b = le.AppendUint32(b, 0)         // file consistency flags
	b = le.AppendUint64(b, 0)         // base address
	b = le.AppendUint64(b, undefAddr) // file free-space info address
	b = le.AppendUint64(b, a.eof)     // end of file address
	b = le.AppendUint64(b, undefAddr) // driver information block address
	return appendSymbolEntry(b, symbolEntry{nameOff: 0, header: a.root, cacheType: 1, btree: a.btree, heap: a.heap})
}

// symbolEntry is one symbol table entry.
type symbolEntry struct {
	nameOff, header uint64
	cacheType       uint32 // 1: scratch-pad caches a group's B-tree and heap
	btree, heap     uint64
}

// appendSymbolEntry appends a symbol table entry.
// Spec III.C "Disk Format: Level 1C - Symbol Table Entry".
func appendSymbolEntry(b []byte, e symbolEntry) []byte {
	b = le.AppendUint64(b, e.nameOff)
	b = le.AppendUint64(b, e.header)
	b = le.AppendUint32(b, e.cacheType)
	b = le.AppendUint32(b, 0) // reserved
	if e.cacheType == 1 {
		b = le.AppendUint64(b, e.btree)
		return le.AppendUint64(b, e.heap)
	}
	return append(b, make([]byte, 16)...) // unused scratch-pad
}

// rootObjectHeader encodes the root group's object header: a Symbol Table
// message, then one attribute message per root attribute (string
// attributes refer to global heap objects 2*rank+1, ... in order).
// Spec IV.A.2.r "The Symbol Table Message" and IV.A.2.m.
func rootObjectHeader(a fileAddrs, rank int, attrs []Attr) []byte {
	body := le.AppendUint64(nil, a.btree)
	body = le.AppendUint64(body, a.heap)
	msgs := []message{{msgSymbolTable, 0, body}}
	index := uint32(2 * rank)
	for _, at := range attrs {
		switch v := at.Value.(type) {
		case string:
			index++
			data := appendVlenElem(nil, uint32(len(v)), a.gcol, index)
			msgs = append(msgs, message{msgAttribute, 0, attributeV1(at.Name, vlenUTF8StringType(), dataspaceV1(nil), data)})
		case float64:
			data := le.AppendUint64(nil, math.Float64bits(v))
			msgs = append(msgs, message{msgAttribute, 0, attributeV1(at.Name, floatType(8), dataspaceV1(nil), data)})
		}
	}
	return objectHeaderV1(msgs)
}

// vlenUTF8StringType encodes a variable-length, null-terminated UTF-8
// string, the type h5py gives a Python str attribute.
// Spec IV.A.2.d, class 9 (variable-length), type 1 (string), character set 1.
func vlenUTF8StringType() []byte {
	b := le.AppendUint32([]byte{0x10 | 9, 1, 1, 0}, vlenElemSize)
	return append(b, uint8Type()...)
}

// groupBTreeNode encodes the root group's B-tree: one leaf node (type 0,
// level 0) with one child, the symbol table node at snod. Key 0 is the
// empty name (heap offset 0), key 1 the last name in the node. The node is
// padded to its full capacity, as readers load it whole.
// Spec III.A.1 "Disk Format: Level 1A1 - Version 1 B-trees".
func groupBTreeNode(snod, lastNameOff uint64) []byte {
	b := []byte("TREE")
	b = append(b, 0, 0)       // node type 0 (group nodes), level 0 (leaf)
	b = le.AppendUint16(b, 1) // entries used
	b = le.AppendUint64(b, undefAddr)
	b = le.AppendUint64(b, undefAddr)
	b = le.AppendUint64(b, 0) // key 0
	b = le.AppendUint64(b, snod)
	b = le.AppendUint64(b, lastNameOff) // key 1
	return append(b, make([]byte, btreeNodeSize-len(b))...)
}

// localHeapData returns the data segment of the root group's local heap:
// the empty string at offset 0, each name null-terminated and padded to 8
// bytes, then one free block (as libhdf5 leaves). It also returns each
// name's offset and the free block's offset.
func localHeapData(names []string) (data []byte, nameOff []uint64, freeOff uint64) {
	data = make([]byte, 8)
	for _, n := range names {
		nameOff = append(nameOff, uint64(len(data)))
		data = pad8(append(data, cString(n)...))
	}
	freeOff = uint64(len(data))
	data = le.AppendUint64(data, heapFreeNull)      // next free block: none
	data = le.AppendUint64(data, heapFreeBlockSize) // size of this free block
	return data, nameOff, freeOff
}

// localHeap encodes a local heap whose data segment follows its header.
// Spec III.D "Disk Format: Level 1D - Local Heaps".
func localHeap(addr uint64, data []byte, freeOff uint64) []byte {
	b := []byte("HEAP")
	b = append(b, 0, 0, 0, 0) // version 0, reserved
	b = le.AppendUint64(b, uint64(len(data)))
	b = le.AppendUint64(b, freeOff)
	b = le.AppendUint64(b, addr+localHeapHeaderSize)
	return append(b, data...)
}

// symbolTableNode encodes a group symbol table node with the given entries
// (in name order), padded to its full capacity of 2*groupLeafK entries.
// Spec III.B "Disk Format: Level 1B - Group Symbol Table Nodes".
func symbolTableNode(entries []symbolEntry) []byte {
	b := []byte("SNOD")
	b = append(b, 1, 0) // version 1, reserved
	b = le.AppendUint16(b, uint16(len(entries)))
	for _, e := range entries {
		b = appendSymbolEntry(b, e)
	}
	return append(b, make([]byte, snodSize-len(b))...)
}

// globalHeapCollection encodes a global heap collection holding objects
// with indices 1, 2, ... (reference count 0, as libhdf5 writes for
// variable-length data), followed by the free-space object (index 0) that
// fills the collection to at least globalHeapMinSize bytes.
// Spec III.E "Disk Format: Level 1E - Global Heap".
func globalHeapCollection(objects [][]byte) []byte {
	used := uint64(16)
	for _, o := range objects {
		used += globalObjHeaderSize + align8(uint64(len(o)))
	}
	size := max(uint64(globalHeapMinSize), used+globalObjHeaderSize)
	b := []byte("GCOL")
	b = append(b, 1, 0, 0, 0) // version 1, reserved
	b = le.AppendUint64(b, size)
	for i, o := range objects {
		b = le.AppendUint16(b, uint16(i+1)) // heap object index
		b = le.AppendUint16(b, 0)           // reference count
		b = le.AppendUint32(b, 0)           // reserved
		b = le.AppendUint64(b, uint64(len(o)))
		b = pad8(append(b, o...))
	}
	b = le.AppendUint16(b, 0) // free space object
	b = le.AppendUint16(b, 0)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint64(b, size-used) // free space, including this object's header
	return append(b, make([]byte, size-uint64(len(b)))...)
}

// appendVlenElem appends one variable-length element as stored in a data
// set or attribute: its length, and the global heap ID (collection address,
// object index) of its data. Spec IV.A.2.d "The Datatype Message",
// variable-length class, and III.E (global heap IDs).
func appendVlenElem(b []byte, n uint32, gcol uint64, index uint32) []byte {
	b = le.AppendUint32(b, n)
	b = le.AppendUint64(b, gcol)
	return le.AppendUint32(b, index)
}

// objectHeaderV1 encodes a version 1 object header holding msgs in a single
// chunk; each message body is padded to a multiple of 8 bytes.
// Spec IV.A.1.a "Version 1 Data Object Header Prefix" and IV.A.2.
func objectHeaderV1(msgs []message) []byte {
	size := 0
	for _, m := range msgs {
		size += 8 + int(align8(uint64(len(m.body))))
	}
	b := []byte{1, 0} // version 1, reserved
	b = le.AppendUint16(b, uint16(len(msgs)))
	b = le.AppendUint32(b, 1) // object reference count
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint32(b, 0) // padding: messages start 8-byte aligned
	for _, m := range msgs {
		b = le.AppendUint16(b, m.typ)
		b = le.AppendUint16(b, uint16(align8(uint64(len(m.body)))))
		b = append(b, m.flags, 0, 0, 0)
		b = pad8(append(b, m.body...))
	}
	return b
}

// dataspaceV1 encodes a version 1 simple dataspace with maximum dims equal
// to dims, or a scalar dataspace when dims is empty.
// Spec IV.A.2.b "The Dataspace Message".
func dataspaceV1(dims []uint64) []byte {
	flags := byte(0)
	if len(dims) > 0 {
		flags = 1 // maximum dimensions present
	}
	b := []byte{1, byte(len(dims)), flags, 0, 0, 0, 0, 0}
	for _, d := range dims {
		b = le.AppendUint64(b, d)
	}
	for _, d := range dims {
		b = le.AppendUint64(b, d)
	}
	return b
}

// floatType encodes a little-endian IEEE float of 4 or 8 bytes
// (H5T_IEEE_F32LE or H5T_IEEE_F64LE).
// Spec IV.A.2.d "The Datatype Message", class 1 (floating-point).
func floatType(size int) []byte {
	bits := size * 8
	expSize, mantSize, bias := 8, 23, 127
	if size == 8 {
		expSize, mantSize, bias = 11, 52, 1023
	}
	// Class bit field: little-endian, mantissa normalization 2 (implied
	// leading 1), sign bit at position bits-1.
	b := []byte{0x10 | 1, 0x20, byte(bits - 1), 0}
	b = le.AppendUint32(b, uint32(size))
	b = le.AppendUint16(b, 0) // bit offset
	b = le.AppendUint16(b, uint16(bits))
	b = append(b, byte(mantSize), byte(expSize), 0, byte(mantSize)) // exponent location and size; mantissa location and size
	return le.AppendUint32(b, uint32(bias))
}

// fixedStringType encodes a null-terminated ASCII string of size bytes.
// Spec IV.A.2.d, class 3 (string).
func fixedStringType(size int) []byte {
	return le.AppendUint32([]byte{0x10 | 3, 0, 0, 0}, uint32(size))
}

// uint8Type encodes an unsigned little-endian 8-bit integer, the base type
// of a variable-length string. Spec IV.A.2.d, class 0 (fixed-point).
func uint8Type() []byte {
	b := le.AppendUint32([]byte{0x10 | 0, 0, 0, 0}, 1)
	b = le.AppendUint16(b, 0) // bit offset
	return le.AppendUint16(b, 8)
}

// int32Type encodes a signed little-endian 32-bit integer (H5T_STD_I32LE).
// Spec IV.A.2.d, class 0 (fixed-point).
func int32Type() []byte {
	b := le.AppendUint32([]byte{0x10 | 0, 0x08, 0, 0}, 4) // bit 3: signed
	b = le.AppendUint16(b, 0)
	return le.AppendUint16(b, 32)
}

// objectRefType encodes an object reference (H5T_STD_REF_OBJ), stored as
// the referenced object header's address. Spec IV.A.2.d, class 7.
func objectRefType() []byte {
	return le.AppendUint32([]byte{0x10 | 7, 0, 0, 0}, sizeOffsets)
}

// vlenType encodes a variable-length sequence of base, or a variable-length
// null-terminated ASCII string (whose base is uint8) when str is set.
// Spec IV.A.2.d, class 9 (variable-length).
func vlenType(str bool, base []byte) []byte {
	kind := byte(0) // sequence
	if str {
		kind = 1 // string, null-terminated padding, ASCII
	}
	b := le.AppendUint32([]byte{0x10 | 9, kind, 0, 0}, vlenElemSize)
	return append(b, base...)
}

// referenceListType encodes the compound {dataset: object reference at 0,
// dimension: int32 at 8} of size 16 that H5DSattach_scale uses for
// REFERENCE_LIST. Spec IV.A.2.d, class 6 (compound), version 1 members.
func referenceListType() []byte {
	b := le.AppendUint32([]byte{0x10 | 6, 2, 0, 0}, 16) // 2 members, size 16
	b = appendCompoundMemberV1(b, "dataset", 0, objectRefType())
	return appendCompoundMemberV1(b, "dimension", 8, int32Type())
}

// appendCompoundMemberV1 appends one version 1 compound member: its name
// padded to 8 bytes, byte offset, a zero (unused) array description and its
// type.
func appendCompoundMemberV1(b []byte, name string, offset uint32, typ []byte) []byte {
	b = append(b, pad8(cString(name))...)
	b = le.AppendUint32(b, offset)
	b = append(b, make([]byte, 1+3+4+4+16)...) // dimensionality, reserved, permutation, reserved, sizes
	return append(b, typ...)
}

// fillValueV2 encodes libhdf5's default fill value message: allocation
// time late, fill time "if set", fill value defined with size 0 (default).
// Spec IV.A.2.f "The Fill Value Message".
func fillValueV2() []byte {
	return []byte{2, 2, 2, 1, 0, 0, 0, 0}
}

// contiguousLayoutV3 encodes contiguous storage of size bytes at addr.
// Spec IV.A.2.i "The Data Layout Message", version 3.
func contiguousLayoutV3(addr, size uint64) []byte {
	b := le.AppendUint64([]byte{3, 1}, addr)
	return le.AppendUint64(b, size)
}

// attributeV1 encodes a version 1 attribute message: name, datatype and
// dataspace each padded to 8 bytes, then the raw data.
// Spec IV.A.2.m "The Attribute Message".
func attributeV1(name string, dtype, space, data []byte) []byte {
	b := []byte{1, 0} // version 1, reserved
	b = le.AppendUint16(b, uint16(len(name)+1))
	b = le.AppendUint16(b, uint16(len(dtype)))
	b = le.AppendUint16(b, uint16(len(space)))
	b = pad8(append(b, cString(name)...))
	b = pad8(append(b, dtype...))
	b = pad8(append(b, space...))
	return append(b, data...)
}

// cString returns s followed by a NUL byte.
func cString(s string) []byte { return append([]byte(s), 0) }

// pad8 appends zero bytes to b up to a multiple of 8 bytes.
func pad8(b []byte) []byte {
	return append(b, make([]byte, int(align8(uint64(len(b))))-len(b))...)
}

// align8 rounds n up to a multiple of 8.
func align8(n uint64) uint64 { return (n + 7) &^ 7 }
