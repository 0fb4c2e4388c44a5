// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"io/fs"
	"sync"

	"krls.dev/krls/kconfig/internal/cachefile"
)

// Snapshot reads each folder once and gives the same listing to every later reader: one run
// of `krls lint` treats the tree as unchanging, and its walk, the Kconfig loader (which looks
// for every Kconfig* file of the tree) and the Makefile checks (which look for the sources of
// each object) would otherwise read the same thousands of folders three or four times.
//
// A Snapshot is for one run: it never notices a folder changing afterwards (the language
// server, whose tree changes under it, uses none). Folders are read on first use, by one
// goroutine while the others asking for the same folder wait. A nil *Snapshot reads the disk
// every time.
type Snapshot struct {
	mu   sync.Mutex
	dirs map[string]*listing

	// With LoadSnapshot (store.go): the file, the listings it held, and how many folders
	// were read from the disk this run.
	path  string
	saved map[string]stored
	fresh int
}

// listing is one folder as read: entries packed in one byte slice (the type byte, the name
// length as two bytes, the name), so a folder costs one allocation however many entries it has.
type listing struct {
	once sync.Once
	data []byte
	err  error
	// The folder's stamp when it was read (snapshots from LoadSnapshot only); racy: changed
	// too recently to be saved.
	stamp         cachefile.Stamp
	stamped, racy bool
}

// NewSnapshot returns an empty Snapshot.
func NewSnapshot() *Snapshot { return &Snapshot{dirs: map[string]*listing{}} }

// Read is the package's Read through the snapshot: the entries of dir as they were when it was
// first read, with the error of that read (the entries read before the error are kept).
func (s *Snapshot) Read(dir string, fn func(name []byte, typ fs.FileMode)) error {
	if s == nil {
		return Read(dir, fn)
	}
	s.mu.Lock()
	l := s.dirs[dir]
	if l == nil {
		l = &listing{}
		s.dirs[dir] = l
	}
	s.mu.Unlock()
	l.once.Do(func() {
		if s.path != "" {
			st, racy, err := cachefile.Stat(dir)
			if err == nil {
				l.stamp, l.stamped, l.racy = st, true, racy
				if old, ok := s.saved[dir]; ok && old.stamp == st && !racy {
					l.data = old.data
					return
				}
			}
			s.mu.Lock()
			s.fresh++
			s.mu.Unlock()
		}
		var data []byte
		l.err = Read(dir, func(name []byte, typ fs.FileMode) {
			if len(name) > 0xffff {
				return // no file system allows it; keep the length in two bytes
			}
			data = append(data, typeCode(typ), byte(len(name)), byte(len(name)>>8))
			data = append(data, name...)
		})
		l.data = data
	})
	for b := l.data; len(b) >= 3; {
		n := int(b[1]) | int(b[2])<<8
		fn(b[3:3+n:3+n], typeOf(b[0]))
		b = b[3+n:]
	}
	return l.err
}

// Len returns the number of folders read through the snapshot.
func (s *Snapshot) Len() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dirs)
}

// The types Read reports, one byte each in a listing.
var types = []fs.FileMode{0, fs.ModeDir, fs.ModeSymlink, fs.ModeNamedPipe, fs.ModeSocket,
	fs.ModeDevice | fs.ModeCharDevice, fs.ModeDevice}

func typeCode(t fs.FileMode) byte {
	for i, x := range types {
		if x == t {
			return byte(i)
		}
	}
	// Read reports no other type; anything else is kept as "irregular".
	return byte(len(types))
}

func typeOf(c byte) fs.FileMode {
	if int(c) < len(types) {
		return types[c]
	}
	return fs.ModeIrregular
}
