// SPDX-License-Identifier: GPL-2.0-only

package cachefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "x.cache")
	var e Encoder
	e.String("drivers/net/phy")
	e.Stamp(Stamp{Ino: 7, Size: -1, Mtime: 1234567890123})
	e.Bytes([]byte{0, 1, 2})
	e.Uvarint(300)
	if err := Write(p, "TESTMAGI", 3, e.Payload()); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("written file: %v, %v", st, err)
	}
	got, err := Read(p, "TESTMAGI", 3)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(got)
	if s := string(d.Bytes()); s != "drivers/net/phy" {
		t.Errorf("string %q", s)
	}
	if s := d.Stamp(); s != (Stamp{7, -1, 1234567890123}) {
		t.Errorf("stamp %+v", s)
	}
	if b := d.Bytes(); string(b) != "\x00\x01\x02" {
		t.Errorf("bytes %q", b)
	}
	if v := d.Uvarint(); v != 300 || d.More() || d.Err() != nil {
		t.Errorf("uvarint %d, more %v, err %v", v, d.More(), d.Err())
	}
	// Another magic or version, a flipped byte, a truncation: unreadable, never a panic.
	if _, err := Read(p, "OTHERMAG", 3); !errors.Is(err, ErrUnreadable) {
		t.Errorf("other magic: %v", err)
	}
	if _, err := Read(p, "TESTMAGI", 4); !errors.Is(err, ErrUnreadable) {
		t.Errorf("other version: %v", err)
	}
	data, _ := os.ReadFile(p)
	for _, bad := range [][]byte{data[:len(data)-1], data[:5], append(append([]byte{}, data[:20]...), data[20]^1)} {
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p, "TESTMAGI", 3); !errors.Is(err, ErrUnreadable) {
			t.Errorf("damaged file (%d bytes): %v", len(bad), err)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing"), "TESTMAGI", 3); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if err := Write(p, "SHORT", 1, nil); err == nil {
		t.Error("a 5-byte magic was accepted")
	}
	// A malformed payload stops the decoder with an error.
	d = NewDecoder([]byte{0x05, 'a'})
	if d.Bytes(); d.Err() == nil || d.More() {
		t.Error("a string longer than the payload was read")
	}
}

func TestStat(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, racy, err := Stat(p)
	if err != nil || st.Size != 3 || !racy {
		t.Fatalf("fresh file: %+v racy=%v err=%v, want size 3 and racy", st, racy, err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	st2, racy, err := Stat(p)
	if err != nil || racy || st2.Mtime != old.UnixNano() || st2.Ino != st.Ino {
		t.Errorf("an hour old: %+v racy=%v err=%v", st2, racy, err)
	}
	if _, _, err := Stat(p + ".missing"); err == nil {
		t.Error("no error for a missing file")
	}
}
