// SPDX-License-Identifier: GPL-2.0-only

package source

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
)

// Language is the kind of a file the server knows.
type Language string

// The languages of the server; LangOther files are stored but get no features.
const (
	LangRust     Language = "rust"
	LangKconfig  Language = "kconfig"
	LangMakefile Language = "makefile"
	LangOther    Language = ""
)

// DetectLanguage returns the language of a file from the client's languageId and the file
// name. The name wins for Kconfig and Makefiles because editors rarely know those ids (Neovim
// says "make" or nothing, VS Code "makefile" or "plaintext" for Kconfig).
func DetectLanguage(languageID, name string) Language {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case base == "Kconfig" || strings.HasPrefix(base, "Kconfig."):
		return LangKconfig
	case base == "Makefile" || base == "Kbuild" || base == "GNUmakefile" ||
		strings.HasPrefix(base, "Makefile.") || strings.HasSuffix(base, ".mk"):
		return LangMakefile
	case strings.HasSuffix(base, ".rs"):
		return LangRust
	}
	switch strings.ToLower(languageID) {
	case "rust":
		return LangRust
	case "kconfig":
		return LangKconfig
	case "makefile", "make", "kbuild":
		return LangMakefile
	}
	return LangOther
}

// Filename returns the local path of a file: URI, and false for any other URI (untitled:,
// vscode-notebook-cell:, malformed ones). Unlike uri.URI.Filename it never panics.
func Filename(u protocol.DocumentURI) (string, bool) {
	p, err := url.Parse(string(u))
	if err != nil || p.Scheme != "file" || p.Path == "" {
		return "", false
	}
	if p.Host != "" && p.Host != "localhost" {
		return "", false // a UNC path; not a local kernel tree
	}
	return filepath.FromSlash(p.Path), true
}

// URI returns the file: URI of a local absolute path.
func URI(filename string) protocol.DocumentURI {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filename)}
	return protocol.DocumentURI(u.String())
}

// Name returns the path of a document for language detection and messages: the file name for
// file: URIs, else the URI's path part, else the URI itself.
func Name(u protocol.DocumentURI) string {
	if f, ok := Filename(u); ok {
		return f
	}
	if p, err := url.Parse(string(u)); err == nil && p.Opaque != "" {
		return p.Opaque
	} else if err == nil && p.Path != "" {
		return p.Path
	}
	return string(u)
}

// Document is one immutable version of an open document. Edits make a new Document.
type Document struct {
	URI        protocol.DocumentURI
	Version    int32
	LanguageID string
	Lang       Language
	// Filename is the local path, "" for URIs that are not file: URIs.
	Filename string
	*Mapper

	cacheMu sync.Mutex
	cache   map[any]*cacheEntry
}

// NewDocument returns a document.
func NewDocument(u protocol.DocumentURI, version int32, languageID, text string) *Document {
	f, _ := Filename(u)
	return &Document{
		URI:        u,
		Version:    version,
		LanguageID: languageID,
		Lang:       DetectLanguage(languageID, Name(u)),
		Filename:   f,
		Mapper:     NewMapper(text),
	}
}

// Cached returns the value of key for this version of the document, computing it once with
// compute (a parse tree, a check result). The value must be safe to share between goroutines.
// compute may itself call Cached with other keys.
func (d *Document) Cached(key any, compute func() any) any {
	d.cacheMu.Lock()
	if d.cache == nil {
		d.cache = map[any]*cacheEntry{}
	}
	e := d.cache[key]
	if e == nil {
		e = &cacheEntry{}
		d.cache[key] = e
	}
	d.cacheMu.Unlock()
	e.once.Do(func() { e.val = compute() })
	return e.val
}

type cacheEntry struct {
	once sync.Once
	val  any
}

// Change is one content change of didChange. Range is nil for a whole-text change: the
// protocol's TextDocumentContentChangeEvent has a value Range and cannot tell "no range" from
// an empty range at 0:0, so the server decodes changes into this type.
type Change struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

// Apply returns the document after the changes, at version.
func (d *Document) Apply(version int32, changes []Change) (*Document, error) {
	text := d.Text()
	m := d.Mapper
	for i, c := range changes {
		if c.Range == nil {
			text = c.Text
		} else {
			start, end, err := m.Offsets(*c.Range)
			if err != nil {
				return nil, fmt.Errorf("change %d: %w", i, err)
			}
			text = text[:start] + c.Text + text[end:]
		}
		if i+1 < len(changes) {
			m = NewMapper(text)
		}
	}
	nd := &Document{
		URI: d.URI, Version: version, LanguageID: d.LanguageID, Lang: d.Lang, Filename: d.Filename,
		Mapper: NewMapper(text),
	}
	return nd, nil
}

// Store holds the open documents by URI. It is safe for concurrent use.
type Store struct {
	mu   sync.RWMutex
	docs map[protocol.DocumentURI]*Document
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{docs: map[protocol.DocumentURI]*Document{}} }

// Get returns the current version of a document, or nil when it is not open.
func (s *Store) Get(u protocol.DocumentURI) *Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.docs[u]
}

// Open stores a newly opened document, replacing any earlier one.
func (s *Store) Open(d *Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[d.URI] = d
}

// Change applies changes to an open document. Versions must increase; a change to a document
// that is not open, or with a version not above the current one, is an error and changes
// nothing.
func (s *Store) Change(u protocol.DocumentURI, version int32, changes []Change) (*Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.docs[u]
	if d == nil {
		return nil, fmt.Errorf("didChange for %s, which is not open", u)
	}
	if version <= d.Version {
		return nil, fmt.Errorf("didChange for %s at version %d, not after %d", u, version, d.Version)
	}
	nd, err := d.Apply(version, changes)
	if err != nil {
		return nil, err
	}
	s.docs[u] = nd
	return nd, nil
}

// Close forgets a document; it returns false when it was not open.
func (s *Store) Close(u protocol.DocumentURI) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[u]
	delete(s.docs, u)
	return ok
}

// All returns the open documents.
func (s *Store) All() []*Document {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	return out
}
