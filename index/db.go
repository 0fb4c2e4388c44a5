// SPDX-License-Identifier: GPL-2.0-only

package index

// The persisted index: a compact binary file in the user's cache, loaded in a few ms instead of
// re-indexing the tree.
//
// Layout (little endian):
//
//	magic   [8]byte  "KRLSIDX\x00"
//	version uint32   FormatVersion
//	schema  uint64   FNV-64a of the Go type description of Index (dbSchema)
//	length  uint64   payload length
//	crc     uint32   CRC-32C of the payload
//	payload: the string table (its byte length, then each distinct string as its uvarint
//	         length and its bytes, the empty string first), then the Index value, each string
//	         as the uvarint offset of its entry in the table.
//
// Strings are referenced by offset, not by number, so that Load needs no table of its own: a
// string is read where it lies in the file buffer, and points into it (the 6.12 index has
// 133k distinct strings, whose table of string headers was 2 MB of fresh memory on every Load).
// The table lists the most used strings first, which keeps their offsets short.
//
// The value encoding is generic: codecs compiled once per Go type by reflection that read and
// write fields through their offsets, so they run at the speed of hand-written code (encoding/gob
// took ~10x longer to load the 6.12 index). A struct is its exported fields in order; ints are
// zigzag varints, uints varints, bools one byte; a slice or map is its length+1 (0 for nil, so
// nil and empty survive the round trip) then its elements, map entries in key order; a pointer
// is 0 (nil) or 1 then the value. Unexported fields are the lookup tables of Index, rebuilt by
// Finish; anywhere else they are an error, as are interfaces, funcs and channels.
//
// Versioning: adding, removing, renaming or retyping a field of Index or of any type it holds
// changes the schema hash, so older files are rejected as stale without anyone bumping a number.
// Bump FormatVersion when the encoding itself changes (the header, the string table, how a kind
// is written), or when the meaning of a field changes without its type changing.
//
// Memory: Load is mostly page faults of fresh memory (on a VM each new 4 KiB page costs more
// than decoding it), so it touches little: the file is read once into a buffer that the
// strings point into, each large slice is one exactly sized slab (Items: 16 MB for 6.12),
// small slices are carved from shared chunks, and the buffer and the large slabs are backed
// by transparent huge pages where the system allows (dbAdviseHuge). The file is read, not
// mapped: a mapping could never be unmapped (strings point into it), would pin a replaced
// file, and would SIGBUS if someone truncated the file in place.
//
// A file that is truncated, corrupt (checksum), of another format or schema, or that does not
// decode is reported as ErrStale: the caller rebuilds the index and saves it again. Save writes
// a temporary file in the same folder and renames it over the old one, so readers never see a
// partial file. It does not fsync: after a crash the file is at worst stale, which Load detects.

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// FormatVersion is the version of the file format; see the bump rule above.
const FormatVersion = 2

// ErrStale says a saved index cannot be used (missing, truncated, corrupt, foreign format or
// schema): rebuild it.
var ErrStale = errors.New("index database is stale or unreadable")

const dbMagic = "KRLSIDX\x00"

const dbHeaderSize = 8 + 4 + 8 + 8 + 4

var dbCRC = crc32.MakeTable(crc32.Castagnoli)

func crc32Checksum(b []byte) uint32 { return crc32.Checksum(b, dbCRC) }

// CachePath returns the database file for the tree at root built in build:
// <cache>/krls/<hash>.idx, where <cache> is $KRLS_CACHE_DIR if set, else os.UserCacheDir().
// The hash covers the absolute, cleaned root and build paths.
func CachePath(root, build string) (string, error) {
	dir := os.Getenv("KRLS_CACHE_DIR")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache folder: %w", err)
		}
		dir = filepath.Join(c, "krls")
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	if build == "" {
		build = root
	}
	absBuild, err := filepath.Abs(build)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(absRoot + "\x00" + absBuild))
	return filepath.Join(dir, hex.EncodeToString(sum[:8])+".idx"), nil
}

// Save writes ix to path atomically, creating the folder.
func Save(ix *Index, path string) error {
	c, err := dbIndexCodec()
	if err != nil {
		return err
	}
	v := *ix
	v.Format = FormatVersion
	e := newDBEncoder(len(ix.Items))
	c.enc(e, unsafe.Pointer(&v))
	payload, err := e.payload()
	if err != nil {
		return err
	}

	var h [dbHeaderSize]byte
	copy(h[:], dbMagic)
	binary.LittleEndian.PutUint32(h[8:], FormatVersion)
	binary.LittleEndian.PutUint64(h[12:], dbSchemaHash)
	binary.LittleEndian.PutUint64(h[20:], uint64(len(payload)))
	binary.LittleEndian.PutUint32(h[28:], crc32Checksum(payload))

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(h[:])
	if err == nil {
		_, err = f.Write(payload)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("saving the index: %w", err)
	}
	return nil
}

// Load reads an index written by Save and finishes it. Any error wraps ErrStale (and the
// os error, for a missing file): the caller rebuilds.
func Load(path string) (*Index, error) {
	data, err := dbReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStale, err)
	}
	ix, err := decodeIndex(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrStale, path, err)
	}
	ix.Finish()
	return ix, nil
}

// dbMaxFile bounds the file size Load accepts (the 6.12 index is 7 MB): a larger file is
// stale rather than an allocation that could exhaust memory.
const dbMaxFile = 1 << 31

// dbReadFile reads the file at path into a buffer of its exact size (os.ReadFile allocates
// one byte more to see the end, a page more when that crosses one) laid out in huge pages
// (dbHugeBytes).
func dbReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > dbMaxFile || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", path, dbMaxFile)
	}
	data := dbHugeBytes(int(info.Size()))
	// Save replaces the file by a rename, never in place: the open file keeps its size.
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// dbHugePage is the size of a transparent huge page on amd64 and arm64 (4 KiB base pages).
const dbHugePage = 2 << 20

// dbHugeBytes returns n zero bytes. From a huge page up, they start on a huge page boundary
// and the kernel is asked to back them with huge pages (dbAdviseHuge): up to 4 MB more address
// space, never touched, and at most 2 MB more memory (the last huge page), for 512 times
// fewer page faults. The capacity is n.
func dbHugeBytes(n int) []byte {
	if !dbHugePages || n < dbHugePage {
		return make([]byte, n)
	}
	// Room to start on a boundary (up to a huge page in) and to end on one.
	raw := make([]byte, (n+dbHugePage-1)&^(dbHugePage-1)+dbHugePage)
	p := unsafe.Pointer(unsafe.SliceData(raw))
	dbAdviseHuge(p, uintptr(len(raw)))
	skip := int(-uintptr(p) % dbHugePage)
	return raw[skip : skip+n : skip+n]
}

// dbSlab returns a new zeroed slice of type t and length n. From two huge pages up, the kernel
// is asked to back it with huge pages: every huge page wholly inside it gets one. Unlike
// dbHugeBytes it is not padded to huge page boundaries: the garbage collector reads every
// word of an object holding pointers, padding included, so padding would be touched anyway.
func dbSlab(t reflect.Type, n int) reflect.Value {
	v := reflect.MakeSlice(t, n, n)
	if size := uintptr(n) * t.Elem().Size(); dbHugePages && size >= 2*dbHugePage {
		dbAdviseHuge(v.UnsafePointer(), size)
	}
	return v
}

func decodeIndex(data []byte) (ix *Index, err error) {
	// The codec's Once also computes dbSchemaHash: it must run before the header is checked.
	c, err := dbIndexCodec()
	if err != nil {
		return nil, err
	}
	if len(data) < dbHeaderSize || string(data[:8]) != dbMagic {
		return nil, errors.New("not a krls index")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != FormatVersion {
		return nil, fmt.Errorf("format version %d, want %d", v, FormatVersion)
	}
	if binary.LittleEndian.Uint64(data[12:]) != dbSchemaHash {
		return nil, errors.New("written by a krls with other index types")
	}
	payload := data[dbHeaderSize:]
	if n := binary.LittleEndian.Uint64(data[20:]); n != uint64(len(payload)) {
		return nil, fmt.Errorf("payload is %d bytes, header says %d (truncated?)", len(payload), n)
	}
	if crc32Checksum(payload) != binary.LittleEndian.Uint32(data[28:]) {
		return nil, errors.New("checksum mismatch")
	}
	d := &dbDecoder{buf: payload}
	defer func() {
		// The checksum matched, so this is a writer bug; still never crash on a file.
		if r := recover(); r != nil {
			ix, err = nil, fmt.Errorf("decoding: %v", r)
		}
	}()
	d.readStrings()
	ix = new(Index)
	if d.err == nil {
		c.dec(d, unsafe.Pointer(ix))
	}
	if d.err == nil && d.pos != len(d.buf) {
		d.err = fmt.Errorf("%d bytes after the index", len(d.buf)-d.pos)
	}
	if d.err != nil {
		return nil, d.err
	}
	return ix, nil
}

// dbEncoder writes a value without its strings: str numbers each distinct string and
// remembers where its reference goes; payload then lays out the string table and writes the
// references as offsets.
type dbEncoder struct {
	buf  []byte
	strs map[string]uint32 // string -> number in list
	list []string          // list[0] is ""
	uses []uint32          // uses[i]: references to list[i]
	refs []dbRef           // in buf order
	err  error
	// recent remembers strings by address: the many copies of one string (a file name, a
	// kind, a parent path) share their bytes, and finding them here skips hashing.
	recent [512]dbRecent
}

// dbRef is a string reference to write at buf[pos]: the offset of list[str].
type dbRef struct {
	pos, str uint32
}

type dbRecent struct {
	p *byte
	n int
	i uint32
}

// newDBEncoder sizes the encoder for an index of items items: about three distinct strings
// per item (path, name, sig) and eleven references; sizing the map avoids rehashing the long
// signatures as it grows.
func newDBEncoder(items int) *dbEncoder {
	e := &dbEncoder{
		strs: make(map[string]uint32, 3*items+1024),
		list: make([]string, 1, 3*items+1024),
		uses: make([]uint32, 1, 3*items+1024),
		refs: make([]dbRef, 0, 12*items+1024),
		buf:  make([]byte, 0, 12*items+64<<10),
	}
	e.strs[""] = 0
	return e
}

func (e *dbEncoder) uvarint(v uint64) {
	if v < 0x80 {
		e.buf = append(e.buf, byte(v))
		return
	}
	e.buf = binary.AppendUvarint(e.buf, v)
}

func (e *dbEncoder) varint(v int64) { e.uvarint(uint64(v<<1) ^ uint64(v>>63)) }

func (e *dbEncoder) str(s string) {
	if s == "" {
		e.buf = append(e.buf, 0) // offset 0 is the empty string
		return
	}
	p := unsafe.StringData(s)
	r := &e.recent[(uintptr(unsafe.Pointer(p))>>3^uintptr(len(s)))%uintptr(len(e.recent))]
	if r.p != p || r.n != len(s) {
		i, ok := e.strs[s]
		if !ok {
			i = uint32(len(e.list))
			e.strs[s] = i
			e.list = append(e.list, s)
			e.uses = append(e.uses, 0)
		}
		*r = dbRecent{p, len(s), i}
	}
	e.uses[r.i]++
	if len(e.buf) > math.MaxUint32 {
		e.err = errors.New("index database: value too large")
		return
	}
	e.refs = append(e.refs, dbRef{uint32(len(e.buf)), r.i})
}

// payload returns the string table followed by the value with its string references.
func (e *dbEncoder) payload() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	// The most used strings first, then in order of first use (which is deterministic: maps
	// are written in key order).
	order := make([]uint32, len(e.list)-1)
	for i := range order {
		order[i] = uint32(i + 1)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		if c := cmp.Compare(e.uses[b], e.uses[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	off := make([]uint64, len(e.list))
	table := uint64(1) // the empty string: its length, 0
	for _, i := range order {
		off[i] = table
		n := uint64(len(e.list[i]))
		table += uint64(dbUvarintLen(n)) + n
	}
	value := len(e.buf)
	for _, r := range e.refs {
		value += dbUvarintLen(off[r.str])
	}
	payload := make([]byte, 0, dbUvarintLen(table)+int(table)+value)
	payload = binary.AppendUvarint(payload, table)
	payload = append(payload, 0)
	for _, i := range order {
		payload = binary.AppendUvarint(payload, uint64(len(e.list[i])))
		payload = append(payload, e.list[i]...)
	}
	prev := 0
	for _, r := range e.refs {
		payload = append(payload, e.buf[prev:r.pos]...)
		payload = binary.AppendUvarint(payload, off[r.str])
		prev = int(r.pos)
	}
	payload = append(payload, e.buf[prev:]...)
	return payload, nil
}

func dbUvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

type dbDecoder struct {
	buf    []byte
	pos    int
	strs   []byte // the string table
	err    error
	chunks map[*dbCodec]*dbChunk // see slab
}

func (d *dbDecoder) fail(msg string) {
	if d.err == nil {
		d.err = fmt.Errorf("offset %d: %s", d.pos, msg)
	}
	d.pos = len(d.buf) // stop reading
}

func (d *dbDecoder) uvarint() uint64 {
	// One to three bytes cover the lengths, ints and string offsets (a table under 2 MB).
	b, i := d.buf, d.pos
	if i < len(b) && b[i] < 0x80 {
		d.pos = i + 1
		return uint64(b[i])
	}
	if i+1 < len(b) && b[i+1] < 0x80 {
		d.pos = i + 2
		return uint64(b[i]&0x7f) | uint64(b[i+1])<<7
	}
	if i+2 < len(b) && b[i+2] < 0x80 {
		d.pos = i + 3
		return uint64(b[i]&0x7f) | uint64(b[i+1]&0x7f)<<7 | uint64(b[i+2])<<14
	}
	v, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.pos += n
	return v
}

func (d *dbDecoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// str reads a string reference. The string points into the file's buffer, which is never
// written again.
func (d *dbDecoder) str() string {
	off := d.uvarint()
	t := d.strs
	if off >= uint64(len(t)) {
		d.fail("bad string offset")
		return ""
	}
	n, at := uint64(t[off]), off+1
	if n >= 0x80 {
		v, k := binary.Uvarint(t[off:])
		if k <= 0 {
			d.fail("bad string length")
			return ""
		}
		n, at = v, off+uint64(k)
	}
	if n > uint64(len(t))-at {
		d.fail("string past the table")
		return ""
	}
	if n == 0 {
		return ""
	}
	return unsafe.String(&t[at], int(n))
}

// length reads a slice or map length+1; n < 0 is nil. Each element takes at least min bytes,
// which bounds the length by what is left (no huge allocation from a bad file).
func (d *dbDecoder) length(min int) int {
	v := d.uvarint()
	if v == 0 {
		return -1
	}
	n := v - 1
	if n > uint64((len(d.buf)-d.pos)/max(min, 1)) {
		d.fail("bad length")
		return -1
	}
	return int(n)
}

// readStrings reads the string table: it stays where it is in the buffer.
func (d *dbDecoder) readStrings() {
	n := d.uvarint()
	if n == 0 || n > uint64(len(d.buf)-d.pos) || d.buf[d.pos] != 0 {
		d.fail("bad string table")
		return
	}
	d.strs = d.buf[d.pos : d.pos+int(n) : d.pos+int(n)]
	d.pos += int(n)
}

// dbCodec encodes and decodes a value of one Go type at a pointer.
type dbCodec struct {
	enc func(e *dbEncoder, p unsafe.Pointer)
	dec func(d *dbDecoder, p unsafe.Pointer)
	min int // minimum encoded size, to bound lengths read from a file
	// kind lets a struct's loop code a string, int or bool itself rather than call enc/dec.
	kind dbKind
	// fields are a struct's leaves, nested structs flattened (once the struct is compiled).
	fields []dbField
	flat   bool
}

// dbKind is what a struct's loop does for a field: call the codec, or code a leaf inline.
type dbKind uint8

const (
	dbCall dbKind = iota
	dbString
	dbInt
	dbBool
)

// dbField is a leaf of a struct at its offset from the struct's start. Item holds 18 of them
// (its Loc and two Pos flattened): one loop over them is twice as fast as a call per field.
type dbField struct {
	off  uintptr
	kind dbKind
	c    *dbCodec
}

var (
	dbOnce       sync.Once
	dbCodecIndex *dbCodec
	dbCodecErr   error
	dbSchemaHash uint64
)

func dbIndexCodec() (*dbCodec, error) {
	dbOnce.Do(func() {
		t := reflect.TypeFor[Index]()
		dbCodecIndex, dbCodecErr = dbCompile(t, map[reflect.Type]*dbCodec{}, true)
		h := fnv.New64a()
		h.Write([]byte(dbSchema(t, map[reflect.Type]bool{})))
		dbSchemaHash = h.Sum64()
	})
	return dbCodecIndex, dbCodecErr
}

// dbSchema describes t: its kind, and for structs every field name and type, recursively.
func dbSchema(t reflect.Type, seen map[reflect.Type]bool) string {
	switch t.Kind() {
	case reflect.Struct:
		if seen[t] {
			return t.Name()
		}
		seen[t] = true
		var b strings.Builder
		b.WriteString(t.Name() + "{")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.IsExported() {
				b.WriteString(f.Name + " " + dbSchema(f.Type, seen) + ";")
			}
		}
		b.WriteString("}")
		return b.String()
	case reflect.Slice:
		return "[]" + dbSchema(t.Elem(), seen)
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), dbSchema(t.Elem(), seen))
	case reflect.Map:
		return "map[" + dbSchema(t.Key(), seen) + "]" + dbSchema(t.Elem(), seen)
	case reflect.Pointer:
		return "*" + dbSchema(t.Elem(), seen)
	}
	return t.Kind().String()
}

type dbSliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// dbCompile builds the codec of t. top allows the unexported fields of Index.
func dbCompile(t reflect.Type, seen map[reflect.Type]*dbCodec, top bool) (*dbCodec, error) {
	if c, ok := seen[t]; ok {
		return c, nil // recursive types: the codec is filled in below
	}
	c := &dbCodec{min: 1}
	seen[t] = c
	switch t.Kind() {
	case reflect.String:
		c.kind = dbString
		c.enc = func(e *dbEncoder, p unsafe.Pointer) { e.str(*(*string)(p)) }
		c.dec = func(d *dbDecoder, p unsafe.Pointer) { *(*string)(p) = d.str() }
	case reflect.Bool:
		c.kind = dbBool
		c.enc = func(e *dbEncoder, p unsafe.Pointer) {
			if *(*bool)(p) {
				e.buf = append(e.buf, 1)
			} else {
				e.buf = append(e.buf, 0)
			}
		}
		c.dec = func(d *dbDecoder, p unsafe.Pointer) { *(*bool)(p) = d.uvarint() != 0 }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.enc, c.dec = dbIntCodec(t.Kind())
		if t.Kind() == reflect.Int {
			c.kind = dbInt
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.enc, c.dec = dbUintCodec(t.Kind())
	case reflect.Float64:
		c.enc = func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(math.Float64bits(*(*float64)(p))) }
		c.dec = func(d *dbDecoder, p unsafe.Pointer) { *(*float64)(p) = math.Float64frombits(d.uvarint()) }
	case reflect.Float32:
		c.enc = func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(math.Float32bits(*(*float32)(p)))) }
		c.dec = func(d *dbDecoder, p unsafe.Pointer) { *(*float32)(p) = math.Float32frombits(uint32(d.uvarint())) }
	case reflect.Struct:
		return c, dbCompileStruct(c, t, seen, top)
	case reflect.Slice:
		return c, dbCompileSlice(c, t, seen)
	case reflect.Array:
		ec, err := dbCompile(t.Elem(), seen, false)
		if err != nil {
			return nil, err
		}
		n, size := t.Len(), t.Elem().Size()
		c.min = n * ec.min
		c.enc = func(e *dbEncoder, p unsafe.Pointer) {
			for i := 0; i < n; i++ {
				ec.enc(e, unsafe.Add(p, uintptr(i)*size))
			}
		}
		c.dec = func(d *dbDecoder, p unsafe.Pointer) {
			for i := 0; i < n; i++ {
				ec.dec(d, unsafe.Add(p, uintptr(i)*size))
			}
		}
	case reflect.Pointer:
		ec, err := dbCompile(t.Elem(), seen, false)
		if err != nil {
			return nil, err
		}
		et := t.Elem()
		c.enc = func(e *dbEncoder, p unsafe.Pointer) {
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				e.buf = append(e.buf, 0)
				return
			}
			e.buf = append(e.buf, 1)
			ec.enc(e, q)
		}
		st := reflect.SliceOf(et)
		c.dec = func(d *dbDecoder, p unsafe.Pointer) {
			if d.uvarint() == 0 {
				return
			}
			q := d.slab(c, st, 1) // carved like a slice of one: the 51 *CrateFile
			*(*unsafe.Pointer)(p) = q
			ec.dec(d, q)
		}
	case reflect.Map:
		return c, dbCompileMap(c, t, seen)
	default:
		return nil, fmt.Errorf("index database: cannot encode %s (kind %s)", t, t.Kind())
	}
	return c, nil
}

func dbIntCodec(k reflect.Kind) (func(*dbEncoder, unsafe.Pointer), func(*dbDecoder, unsafe.Pointer)) {
	switch k {
	case reflect.Int8:
		return func(e *dbEncoder, p unsafe.Pointer) { e.varint(int64(*(*int8)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*int8)(p) = int8(d.varint()) }
	case reflect.Int16:
		return func(e *dbEncoder, p unsafe.Pointer) { e.varint(int64(*(*int16)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*int16)(p) = int16(d.varint()) }
	case reflect.Int32:
		return func(e *dbEncoder, p unsafe.Pointer) { e.varint(int64(*(*int32)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*int32)(p) = int32(d.varint()) }
	case reflect.Int64:
		return func(e *dbEncoder, p unsafe.Pointer) { e.varint(*(*int64)(p)) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*int64)(p) = d.varint() }
	}
	return func(e *dbEncoder, p unsafe.Pointer) { e.varint(int64(*(*int)(p))) },
		func(d *dbDecoder, p unsafe.Pointer) { *(*int)(p) = int(d.varint()) }
}

func dbUintCodec(k reflect.Kind) (func(*dbEncoder, unsafe.Pointer), func(*dbDecoder, unsafe.Pointer)) {
	switch k {
	case reflect.Uint8:
		return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint8)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*uint8)(p) = uint8(d.uvarint()) }
	case reflect.Uint16:
		return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint16)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*uint16)(p) = uint16(d.uvarint()) }
	case reflect.Uint32:
		return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint32)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*uint32)(p) = uint32(d.uvarint()) }
	case reflect.Uint64:
		return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(*(*uint64)(p)) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*uint64)(p) = d.uvarint() }
	case reflect.Uintptr:
		return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uintptr)(p))) },
			func(d *dbDecoder, p unsafe.Pointer) { *(*uintptr)(p) = uintptr(d.uvarint()) }
	}
	return func(e *dbEncoder, p unsafe.Pointer) { e.uvarint(uint64(*(*uint)(p))) },
		func(d *dbDecoder, p unsafe.Pointer) { *(*uint)(p) = uint(d.uvarint()) }
}

func dbCompileStruct(c *dbCodec, t reflect.Type, seen map[reflect.Type]*dbCodec, top bool) error {
	var fields []dbField
	c.min = 0
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			if top {
				continue // Index's lookup tables, rebuilt by Finish
			}
			return fmt.Errorf("index database: %s.%s is unexported and would be lost", t, f.Name)
		}
		fc, err := dbCompile(f.Type, seen, false)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		c.min += fc.min
		if !fc.flat { // a leaf, or a struct still being compiled (a recursive type)
			fields = append(fields, dbField{f.Offset, fc.kind, fc})
			continue
		}
		for _, sub := range fc.fields {
			sub.off += f.Offset
			fields = append(fields, sub)
		}
	}
	c.fields, c.flat = fields, true
	c.enc = func(e *dbEncoder, p unsafe.Pointer) { dbEncodeFields(e, fields, p) }
	c.dec = func(d *dbDecoder, p unsafe.Pointer) { dbDecodeFields(d, fields, p) }
	return nil
}

func dbEncodeFields(e *dbEncoder, fields []dbField, p unsafe.Pointer) {
	for i := range fields {
		f := &fields[i]
		q := unsafe.Add(p, f.off)
		switch f.kind {
		case dbString:
			e.str(*(*string)(q))
		case dbInt:
			e.varint(int64(*(*int)(q)))
		case dbBool:
			if *(*bool)(q) {
				e.buf = append(e.buf, 1)
			} else {
				e.buf = append(e.buf, 0)
			}
		default:
			f.c.enc(e, q)
		}
	}
}

func dbDecodeFields(d *dbDecoder, fields []dbField, p unsafe.Pointer) {
	for i := range fields {
		f := &fields[i]
		q := unsafe.Add(p, f.off)
		switch f.kind {
		case dbString:
			*(*string)(q) = d.str()
		case dbInt:
			*(*int)(q) = int(d.varint())
		case dbBool:
			*(*bool)(q) = d.uvarint() != 0
		default:
			f.c.dec(d, q)
		}
	}
}

func dbCompileSlice(c *dbCodec, t reflect.Type, seen map[reflect.Type]*dbCodec) error {
	if t.Elem().Kind() == reflect.Uint8 {
		c.enc = func(e *dbEncoder, p unsafe.Pointer) {
			b := *(*[]byte)(p)
			if b == nil {
				e.uvarint(0)
				return
			}
			e.uvarint(uint64(len(b)) + 1)
			e.buf = append(e.buf, b...)
		}
		c.dec = func(d *dbDecoder, p unsafe.Pointer) {
			n := d.length(1)
			if n < 0 {
				return
			}
			b := make([]byte, n)
			copy(b, d.buf[d.pos:])
			d.pos += n
			reflect.NewAt(t, p).Elem().SetBytes(b)
		}
		return nil
	}
	ec, err := dbCompile(t.Elem(), seen, false)
	if err != nil {
		return err
	}
	size := t.Elem().Size()
	c.enc = func(e *dbEncoder, p unsafe.Pointer) {
		h := (*dbSliceHeader)(p)
		if h.data == nil {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(h.len) + 1)
		for i := 0; i < h.len; i++ {
			ec.enc(e, unsafe.Add(h.data, uintptr(i)*size))
		}
	}
	c.dec = func(d *dbDecoder, p unsafe.Pointer) {
		n := d.length(ec.min)
		if n < 0 {
			return
		}
		data := d.slab(c, t, n)
		*(*dbSliceHeader)(p) = dbSliceHeader{data, n, n}
		if ec.flat {
			for i := 0; i < n && d.err == nil; i++ {
				dbDecodeFields(d, ec.fields, unsafe.Add(data, uintptr(i)*size))
			}
			return
		}
		for i := 0; i < n && d.err == nil; i++ {
			ec.dec(d, unsafe.Add(data, uintptr(i)*size))
		}
	}
	return nil
}

// dbChunkBytes is the size of the chunks that small slices are carved from.
const dbChunkBytes = 16 << 10

// dbChunk is the chunk small slices of one type are carved from.
type dbChunk struct {
	base      unsafe.Pointer
	used, cap int
}

// dbZeroBase is where empty slices point (as the runtime's own zerobase): not nil, no memory.
var dbZeroBase uintptr

// slab returns room for n zeroed elements of the slice type t, whose codec is c. Small slices
// (the Aliases of an item, the Via of a wrapper: thousands of them) are carved from shared
// chunks rather than allocated one by one; the caller gives them capacity n, so an append by
// a user copies them out rather than writing over a neighbour.
func (d *dbDecoder) slab(c *dbCodec, t reflect.Type, n int) unsafe.Pointer {
	size := t.Elem().Size()
	if n == 0 || size == 0 {
		return unsafe.Pointer(&dbZeroBase)
	}
	if uintptr(n)*size > dbChunkBytes/4 {
		return dbSlab(t, n).UnsafePointer()
	}
	ch := d.chunks[c]
	if ch == nil || ch.cap-ch.used < n {
		// Chunks double from 512 bytes, so a type used once wastes little.
		m := max(512, 4*uintptr(n)*size)
		if ch != nil {
			m = max(m, 2*uintptr(ch.cap)*size)
		}
		m = min(m, dbChunkBytes) / size
		if d.chunks == nil {
			d.chunks = map[*dbCodec]*dbChunk{}
		}
		ch = &dbChunk{base: reflect.MakeSlice(t, int(m), int(m)).UnsafePointer(), cap: int(m)}
		d.chunks[c] = ch
	}
	p := unsafe.Add(ch.base, uintptr(ch.used)*size)
	ch.used += n
	return p
}

func dbCompileMap(c *dbCodec, t reflect.Type, seen map[reflect.Type]*dbCodec) error {
	kc, err := dbCompile(t.Key(), seen, false)
	if err != nil {
		return err
	}
	vc, err := dbCompile(t.Elem(), seen, false)
	if err != nil {
		return err
	}
	kt, vt := t.Key(), t.Elem()
	c.enc = func(e *dbEncoder, p unsafe.Pointer) {
		m := reflect.NewAt(t, p).Elem()
		if m.IsNil() {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(m.Len()) + 1)
		keys := m.MapKeys()
		// Key order makes the file deterministic.
		slices.SortFunc(keys, func(a, b reflect.Value) int { return dbCompareKeys(a, b) })
		k := reflect.New(kt).Elem()
		v := reflect.New(vt).Elem()
		for _, key := range keys {
			k.Set(key)
			v.Set(m.MapIndex(key))
			kc.enc(e, k.Addr().UnsafePointer())
			vc.enc(e, v.Addr().UnsafePointer())
		}
	}
	c.dec = func(d *dbDecoder, p unsafe.Pointer) {
		n := d.length(kc.min + vc.min)
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(t, n)
		// SetMapIndex copies the key and value: one of each serves every entry.
		k, v := reflect.New(kt).Elem(), reflect.New(vt).Elem()
		for i := 0; i < n && d.err == nil; i++ {
			k.SetZero()
			v.SetZero()
			kc.dec(d, k.Addr().UnsafePointer())
			vc.dec(d, v.Addr().UnsafePointer())
			m.SetMapIndex(k, v)
		}
		reflect.NewAt(t, p).Elem().Set(m)
	}
	return nil
}

// dbCompareKeys orders map keys of the basic kinds; other kinds keep an arbitrary order.
func dbCompareKeys(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.Bool:
		return cmp.Compare(dbBtoi(a.Bool()), dbBtoi(b.Bool()))
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	}
	return 0
}

func dbBtoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
