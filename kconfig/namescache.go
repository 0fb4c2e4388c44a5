// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"sync"

	"krls.dev/krls/kconfig/internal/cachefile"
)

// NamesCache remembers the names each Kconfig file defines (DefinedNames), by path and
// stamp (inode, size, modification time), from one run of LoadNames to the next: a file
// whose stamp is unchanged is not read again. krls lint keeps one beside the index database.
//
// Payload (package cachefile): the number of files, then per file its absolute path, stamp,
// the number of names and the names.
type NamesCache struct {
	path  string
	mu    sync.Mutex
	saved map[string]namesEntry
	used  map[string]namesEntry // looked up or scanned this run, not racy
	fresh int                   // files read this run
	asked int                   // files looked up this run
}

type namesEntry struct {
	stamp cachefile.Stamp
	names []string
}

const (
	namesMagic   = "KRLSKCN\x00"
	namesVersion = 2
)

// LoadNamesCache returns the cache saved at path. A missing, truncated or corrupt file gives
// an empty cache and the reason; the cache is usable either way.
func LoadNamesCache(path string) (*NamesCache, error) {
	c := &NamesCache{path: path, saved: map[string]namesEntry{}, used: map[string]namesEntry{}}
	payload, err := cachefile.Read(path, namesMagic, namesVersion)
	if err != nil {
		return c, err
	}
	d := cachefile.NewDecoder(payload)
	m := make(map[string]namesEntry, min(d.Uvarint(), uint64(len(payload))))
	for d.More() {
		p := string(d.Bytes())
		st := d.Stamp()
		n := d.Uvarint()
		if n > uint64(len(payload)) {
			return c, cachefile.ErrUnreadable
		}
		names := make([]string, 0, n)
		for range n {
			names = append(names, string(d.Bytes()))
		}
		m[p] = namesEntry{st, names}
	}
	if err := d.Err(); err != nil {
		return c, err
	}
	c.saved = m
	c.used = make(map[string]namesEntry, len(m))
	return c, nil
}

// lookup returns the names of the file at path (absolute) when its saved stamp is still its
// own; ok false means the file must be read. The stamp is remembered for record.
func (c *NamesCache) lookup(path string) (names []string, st cachefile.Stamp, racy, ok bool) {
	st, racy, err := cachefile.Stat(path)
	if err != nil {
		c.mu.Lock()
		c.asked++
		c.mu.Unlock()
		return nil, st, true, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked++
	e, found := c.saved[path]
	if found && e.stamp == st && !racy {
		c.used[path] = e
		return e.names, st, false, true
	}
	return nil, st, racy, false
}

// record keeps the names found in the file at path, read with stamp st.
func (c *NamesCache) record(path string, st cachefile.Stamp, racy bool, names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fresh++
	if !racy {
		c.used[path] = namesEntry{st, names}
	}
}

// Stats returns the number of files LoadNames asked for and how many of them were read (the
// others came from the cache).
func (c *NamesCache) Stats() (files, read int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.asked, c.fresh
}

// Changed reports whether Save would write something new: a file was read this run.
func (c *NamesCache) Changed() bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fresh > 0
}

// Save writes the cache atomically: the files looked up this run, with their names.
func (c *NamesCache) Save() error {
	if c == nil {
		return cachefile.ErrUnreadable
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var e cachefile.Encoder
	e.Uvarint(uint64(len(c.used)))
	put := func(p string, x namesEntry) {
		e.String(p)
		e.Stamp(x.stamp)
		e.Uvarint(uint64(len(x.names)))
		for _, n := range x.names {
			e.String(n)
		}
	}
	// LoadNames looks up every Kconfig file of the tree: a saved file it did not look up was
	// removed, and is dropped.
	for p, x := range c.used {
		put(p, x)
	}
	return cachefile.Write(c.path, namesMagic, namesVersion, e.Payload())
}

// definedNames returns DefinedNames of src as strings.
func definedNames(src []byte) []string {
	var out []string
	DefinedNames(src, func(name []byte) { out = append(out, string(name)) })
	return out
}
