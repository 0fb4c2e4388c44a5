// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"krls.dev/krls/kconfig/internal/cachefile"
)

// A Snapshot can be saved and loaded again by the next run (krls lint keeps one beside the
// index database): a folder whose stamp (inode, size, modification time) is unchanged since
// it was read has the same entries (creating, removing or renaming an entry changes the
// folder's time), so one stat replaces the open, reads and close of listing it: on a full
// kernel tree, 5,760 stats instead of some 23,000 system calls. It is the check of git's
// untracked cache. A folder changed too recently to vouch for (package cachefile) is read
// again next time.
//
// Payload (package cachefile): the number of folders, then per folder its path, stamp and
// listing (Snapshot's packed form).

const (
	storeMagic   = "KRLSDIR\x00"
	storeVersion = 2
)

// stored is a folder listing loaded from a saved snapshot.
type stored struct {
	stamp cachefile.Stamp
	data  []byte
}

// LoadSnapshot returns a Snapshot that trusts the listings saved at path (by Save) for the
// folders whose stamp is unchanged. A missing, truncated or corrupt file gives an empty
// Snapshot and the reason; the Snapshot is usable either way.
func LoadSnapshot(path string) (*Snapshot, error) {
	s := NewSnapshot()
	s.path = path
	payload, err := cachefile.Read(path, storeMagic, storeVersion)
	if err != nil {
		return s, err
	}
	d := cachefile.NewDecoder(payload)
	m := make(map[string]stored, min(d.Uvarint(), uint64(len(payload))))
	for d.More() {
		p := string(d.Bytes())
		st := d.Stamp()
		m[p] = stored{st, d.Bytes()} // the listing stays a view of the payload
	}
	if err := d.Err(); err != nil {
		return s, err
	}
	s.saved = m
	return s, nil
}

// Stats returns the number of folders listed through the snapshot and how many of them were
// read from the disk (the others came from the saved snapshot).
func (s *Snapshot) Stats() (folders, read int) {
	if s == nil {
		return 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dirs), s.fresh
}

// Changed reports whether Save would write something new: a folder was read from the disk
// this run (the saved listing was missing, changed or too recent).
func (s *Snapshot) Changed() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fresh > 0
}

// Save writes the listings worth keeping to the snapshot's file (the path given to
// LoadSnapshot), atomically: those read or confirmed this run whose folder was not too
// recent, and the saved ones of folders this run did not ask for.
func (s *Snapshot) Save() error {
	if s == nil || s.path == "" {
		return cachefile.ErrUnreadable
	}
	s.mu.Lock()
	keep := make(map[string]stored, len(s.saved)+len(s.dirs))
	for p, st := range s.saved {
		keep[p] = st
	}
	for p, l := range s.dirs {
		delete(keep, p)
		if l.err == nil && l.stamped && !l.racy {
			keep[p] = stored{l.stamp, l.data}
		}
	}
	s.mu.Unlock()
	var e cachefile.Encoder
	e.Uvarint(uint64(len(keep)))
	for p, st := range keep {
		e.String(p)
		e.Stamp(st.stamp)
		e.Bytes(st.data)
	}
	return cachefile.Write(s.path, storeMagic, storeVersion, e.Payload())
}
