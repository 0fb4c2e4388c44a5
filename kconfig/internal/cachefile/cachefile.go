// SPDX-License-Identifier: GPL-2.0-only

// Package cachefile holds what krls's small caches of file system state share: a file format
// with a checksum, written atomically, and the stamp (inode, size, modification time) that
// says whether a file or folder is unchanged since it was read.
//
// A stamp vouches for content only when the time is not too recent: the kernel stamps files
// with a coarse clock, so a second change within the same tick as the read leaves the stamp
// unchanged (git's "racily clean" entries). Stat reports such stamps as racy, and callers
// do not save them.
package cachefile

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"
)

// ErrUnreadable says a cache file is missing, truncated, corrupt or of another format: the
// caller starts afresh.
var ErrUnreadable = errors.New("cache file unreadable")

var table = crc32.MakeTable(crc32.Castagnoli)

// header: magic (8 bytes), version (uint32), CRC-32C of the payload (uint32).
const headerSize = 16

// Write writes payload to path under an 8-byte magic and a version, with a checksum,
// through a temporary file renamed over the old one, so readers never see a partial file.
func Write(path, magic string, version uint32, payload []byte) error {
	if len(magic) != 8 {
		return errors.New("cachefile: the magic must have 8 bytes")
	}
	out := make([]byte, headerSize, headerSize+len(payload))
	copy(out, magic)
	binary.LittleEndian.PutUint32(out[8:], version)
	binary.LittleEndian.PutUint32(out[12:], crc32.Checksum(payload, table))
	out = append(out, payload...)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, err = f.Write(out)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Read returns the payload of a file Write wrote with the same magic and version, or an
// error wrapping ErrUnreadable (or the file system's error when it cannot be read).
func Read(path, magic string, version uint32) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < headerSize || string(data[:8]) != magic || binary.LittleEndian.Uint32(data[8:]) != version ||
		crc32.Checksum(data[headerSize:], table) != binary.LittleEndian.Uint32(data[12:]) {
		return nil, ErrUnreadable
	}
	return data[headerSize:], nil
}

// Stamp identifies the state of a file or folder.
type Stamp struct {
	Ino   uint64
	Size  int64
	Mtime int64 // ns since the epoch
}

// racyWindow is how recent a modification time must be to be racy.
const racyWindow = 2 * time.Second

func racy(mtime int64) bool { return time.Since(time.Unix(0, mtime)) < racyWindow }

// Decoder reads the varints and byte strings of a payload; the first problem sticks and
// Err reports it.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder reads b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// More reports whether bytes remain and no error occurred.
func (d *Decoder) More() bool { return d.err == nil && len(d.b) > 0 }

// Err returns ErrUnreadable after a malformed read.
func (d *Decoder) Err() error { return d.err }

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.err = ErrUnreadable
		return 0
	}
	d.b = d.b[k:]
	return v
}

// Varint reads a signed varint.
func (d *Decoder) Varint() int64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.err = ErrUnreadable
		return 0
	}
	d.b = d.b[k:]
	return v
}

// Bytes reads a length-prefixed byte string; the result is a view of the payload.
func (d *Decoder) Bytes() []byte {
	n := d.Uvarint()
	if d.err != nil {
		return nil
	}
	if uint64(len(d.b)) < n {
		d.err = ErrUnreadable
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

// Stamp reads a stamp.
func (d *Decoder) Stamp() Stamp {
	return Stamp{Ino: d.Uvarint(), Size: d.Varint(), Mtime: d.Varint()}
}

// Encoder writes what Decoder reads.
type Encoder struct{ buf []byte }

// Uvarint appends an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

// Varint appends a signed varint.
func (e *Encoder) Varint(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

// Bytes appends a length-prefixed byte string.
func (e *Encoder) Bytes(b []byte) { e.Uvarint(uint64(len(b))); e.buf = append(e.buf, b...) }

// String appends a length-prefixed string.
func (e *Encoder) String(s string) { e.Uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }

// Stamp appends a stamp.
func (e *Encoder) Stamp(s Stamp) { e.Uvarint(s.Ino); e.Varint(s.Size); e.Varint(s.Mtime) }

// Payload returns what was written.
func (e *Encoder) Payload() []byte { return e.buf }
