// SPDX-License-Identifier: GPL-2.0-only

// Package kworld is the workspace model of the Kconfig and Kbuild side of a kernel tree: the
// Kconfig symbol table of every Kconfig file (the x86 source chain preferred, other
// architectures kept off-chain), the Makefiles and Kbuild files that link each source file to
// its object, module and CONFIG symbols, and the build's .config. On it sit the editor
// features for Rust, Kconfig and Makefile files (hover, definition, references, completion,
// document links) as plain Go functions, and the checks it registers into lsp/check.
//
// A *World is immutable once loaded except for the reference index, built on first use under a
// sync.Once, and the cache of parsed Makefiles, so one World is shared by every request
// goroutine. Makefiles are read when asked and parsed again when their size or modification
// time changed (they change while the World lives).
//
// # The check hook
//
// check.Context.Kconfig holds a *kworld.World when the caller loaded one (the server after the
// index, `krls lint` once per run). Checks get it with
//
//	w, _ := ctx.Kconfig.(*kworld.World)
//
// and find nothing when it is nil, except kconfig-syntax, which needs only the text.
//
// # Limits
//
//   - The symbol table is read from disk: an unsaved Kconfig buffer gets its own syntax errors
//     and keyword completion, but dependencies, hover and references follow the files on disk
//     until the next load (the server loads a new World with each index, e.g. after
//     krls.reindex).
//   - References cover Kconfig expressions, Rust cfgs and Makefiles, not C files (#ifdef
//     CONFIG_X): the Rust author's view, and a walk that stays cheap on a full tree.
//   - Nothing is executed: $(shell,...) in Kconfig stays unknown (kconfig.Expr.Unknown), make
//     variables are not expanded (objects named through $(...) are skipped by the checks).
//
// Positions follow package kconfig: 1-based lines, 0-based byte columns; feature results use
// byte offsets into the text, as the other feature packages.
package kworld

import (
	"bytes"
	"errors"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/kconfig/kbuild"
)

// World is the Kconfig/Kbuild model of one kernel tree.
type World struct {
	Root  string // the kernel source tree
	Build string // the O= build tree, "" when in-tree
	Tree  *kconfig.Tree
	// Config is the build's .config (the build tree's, else the source tree's); nil when there
	// is none.
	Config     *kconfig.DotConfig
	ConfigPath string

	refsOnce sync.Once
	refs     map[string][]Ref // symbol (without CONFIG_) -> uses in .rs files and Makefiles

	// makefiles keeps the parsed Makefiles while they stay unchanged on disk (nil: read at
	// each call, for a World not made by Load).
	makefiles *kbuild.Cache

	// listings keeps the .rs files of folders (see rustFiles); nil for a World not made by
	// Load.
	listingsMu sync.Mutex
	listings   map[string]rustListing

	// parses keeps Load's parse of each Kconfig file by absolute path, with a hash of the
	// bytes parsed: the Kconfig checks of krls lint get the same bytes from disk and reuse it
	// instead of parsing every Kconfig file of the tree a second time.
	parsesMu sync.Mutex
	parses   map[string]kconfigParse
	seed     maphash.Seed

	// names holds the defined symbols of a NamesOnly World (Tree is nil then).
	names map[string]bool

	// snap, when set (LoadOptions.Listing), lists folders instead of the disk: the World
	// then lives for one run that treats the tree as unchanging (krls lint).
	snap *dirent.Snapshot
}

// snapshot returns the World's folder snapshot; nil (read the disk) for a nil World.
func (w *World) snapshot() *dirent.Snapshot {
	if w == nil {
		return nil
	}
	return w.snap
}

type rustListing struct {
	mtime time.Time
	rust  []string
}

type kconfigParse struct {
	sum  uint64
	size int
	file *kconfig.File
	errs []kconfig.Error
}

// parseKconfig returns kconfig.ParseFile(path, text), reusing Load's parse of the same bytes.
// The Errors' File and the File's path may then be relative to the root: the checks use
// neither.
func (w *World) parseKconfig(path string, text []byte) (*kconfig.File, []kconfig.Error) {
	if w != nil && w.parses != nil {
		w.parsesMu.Lock()
		p, ok := w.parses[path]
		w.parsesMu.Unlock()
		if ok && p.size == len(text) && p.sum == maphash.Bytes(w.seed, text) {
			return p.file, p.errs
		}
	}
	return kconfig.ParseFile(path, text)
}

// LoadOptions tunes LoadWith.
type LoadOptions struct {
	// Listing, when set, is the folder snapshot of a run that treats the tree as unchanging
	// (krls lint, which has walked the tree already): the Kconfig loader and the checks list
	// folders through it instead of reading them again. A server leaves it nil.
	Listing *dirent.Snapshot
	// NamesOnly reads only which symbols the Kconfig files define (kconfig.LoadNames), not
	// the symbol table nor the .config: Tree and Config stay nil, and only the checks
	// NeedsTree calls tree-free find anything. For `krls lint --enable config-unknown`, where
	// building the table of a whole tree cost more than the rest of the run.
	NamesOnly bool
	// NamesCache, with NamesOnly, holds the names of the Kconfig files read by an earlier
	// run: files unchanged since are not read again (nil: every file is read).
	NamesCache *kconfig.NamesCache
}

// treeFree are the checks that work on a NamesOnly World: they use Known, the parse of the
// file they check and folder listings, never Tree. TestNamesOnlyWorld holds them to it.
var treeFree = map[string]bool{"config-unknown": true, "kconfig-syntax": true, "object-no-source": true}

// NeedsTree reports whether one of this package's enabled checks needs the symbol table
// (a World loaded without NamesOnly).
func NeedsTree(enabled func(id string) bool) bool {
	for _, c := range checks {
		if enabled(c.ID) && !treeFree[c.ID] {
			return true
		}
	}
	return false
}

// Load is LoadWith without options.
func Load(root, buildDir string) (*World, error) { return LoadWith(root, buildDir, LoadOptions{}) }

// LoadWith reads the Kconfig files of root (kconfig.Load with AllFiles, so symbols of every
// architecture are known; only their names with NamesOnly) and the .config of buildDir (or of
// root when buildDir is "" or has none). Makefiles are read on demand. The files' bytes are
// not kept: they are read into recycled buffers, and a caller checking them reads them again.
func LoadWith(root, buildDir string, o LoadOptions) (*World, error) {
	root = filepath.Clean(root)
	w := &World{Root: root, Build: buildDir, makefiles: kbuild.NewCache(),
		parses: map[string]kconfigParse{}, seed: maphash.MakeSeed(), listings: map[string]rustListing{},
		snap: o.Listing}
	keep := func(rel string, src []byte, f *kconfig.File, errs []kconfig.Error) {
		p := kconfigParse{sum: maphash.Bytes(w.seed, src), size: len(src), file: f, errs: errs}
		abs := w.Abs(rel)
		w.parsesMu.Lock()
		w.parses[abs] = p
		w.parsesMu.Unlock()
	}
	if o.NamesOnly {
		names, err := kconfig.LoadNames(root, o.Listing, o.NamesCache)
		if err != nil {
			return nil, err
		}
		w.names = names
	} else {
		t, err := kconfig.Load(root, kconfig.Options{AllFiles: true, Parsed: keep, Listing: o.Listing,
			ReuseBuffers: true})
		if err != nil {
			return nil, err
		}
		w.Tree = t
	}
	for _, dir := range []string{buildDir, root} {
		if dir == "" || o.NamesOnly {
			continue // the tree-free checks never look at the .config
		}
		p := filepath.Join(dir, ".config")
		if c, err := kconfig.ReadDotConfig(p); err == nil {
			w.Config, w.ConfigPath = c, p
			break
		}
	}
	return w, nil
}

// Rel returns path relative to the root, slash-separated, or "" when it lies outside.
func (w *World) Rel(path string) string {
	if !filepath.IsAbs(path) {
		return filepath.ToSlash(path)
	}
	r, err := filepath.Rel(w.Root, path)
	if err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return ""
	}
	return filepath.ToSlash(r)
}

// Abs returns the absolute path of a root-relative path.
func (w *World) Abs(rel string) string { return filepath.Join(w.Root, filepath.FromSlash(rel)) }

// Known reports whether a symbol (without CONFIG_) is defined by some Kconfig file of the tree,
// of any architecture.
func (w *World) Known(name string) bool {
	if w.Tree == nil {
		return w.names[strings.TrimPrefix(name, "CONFIG_")]
	}
	s := w.Tree.Lookup(name)
	return s != nil && len(s.Defs) > 0
}

// Makefile returns the parsed Kbuild file or Makefile of dir (absolute) and its path, nil when
// it has none. It is parsed again whenever its size or modification time changed (the user
// edits Makefiles while the World lives), else shared: callers must not modify it.
func (w *World) Makefile(dir string) (*kbuild.Makefile, string) {
	mk, _, err := w.makefiles.ReadMakefile(dir)
	if err != nil || mk == nil {
		return nil, ""
	}
	p := mk.Path
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, filepath.Base(p))
	}
	return mk, p
}

// Object returns how the source file path (absolute) is built, nil when no Makefile builds it.
func (w *World) Object(path string) *kbuild.Object {
	o, err := w.makefiles.ObjectFor(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return nil
	}
	return o
}

// Entries returns the Kconfig entries (config X) that gate the object of a source file.
func (w *World) Entries(path string) []*kconfig.Def {
	o := w.Object(path)
	if o == nil {
		return nil
	}
	return kbuild.ConfigEntries(w.Tree, w.Rel(filepath.Dir(path)), o)
}

// Ref is a use of a CONFIG symbol in a Rust cfg or a Makefile.
type Ref struct {
	Path  string // absolute
	Line  int    // 1-based
	Col   int    // 0-based byte column of CONFIG_
	End   int    // byte column after the name
	Start int    // byte offset in the file
}

// Refs returns the uses of name (without CONFIG_) in the .rs files and Makefiles of the tree.
// The index is built on first use by one walk of the tree.
func (w *World) Refs(name string) []Ref {
	w.refsOnce.Do(w.buildRefs)
	return w.refs[name]
}

// buildRefs walks the tree once for .rs files and Makefiles holding CONFIG_.
func (w *World) buildRefs() {
	type job struct {
		path string
		rust bool
	}
	var jobs []job
	_ = filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable folders are skipped
		}
		name := d.Name()
		if d.IsDir() {
			if p != w.Root && (strings.HasPrefix(name, ".") || name == "Documentation" || userspace(w.Rel(p))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".rs"):
			if strings.HasSuffix(name, "_generated.rs") {
				return nil
			}
			jobs = append(jobs, job{p, true})
		case isMakefileName(name):
			jobs = append(jobs, job{p, false})
		}
		return nil
	})
	out := make([][]struct {
		name string
		ref  Ref
	}, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			b, err := readSmall(j.path)
			if err != nil || !bytes.Contains(b, []byte("CONFIG_")) {
				return
			}
			var uses []Use
			if j.rust {
				uses = RustUses(b)
			} else {
				uses = MakefileUses(b)
			}
			ls := lineStarts(b)
			for _, u := range uses {
				line, col := posOf(ls, u.Start)
				_, end := posOf(ls, u.End)
				out[i] = append(out[i], struct {
					name string
					ref  Ref
				}{u.Name, Ref{Path: j.path, Line: line, Col: col, End: end, Start: u.Start}})
			}
		}()
	}
	wg.Wait()
	w.refs = map[string][]Ref{}
	for _, rs := range out {
		for _, r := range rs {
			w.refs[r.name] = append(w.refs[r.name], r.ref)
		}
	}
	for _, rs := range w.refs {
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].Path != rs[j].Path {
				return rs[i].Path < rs[j].Path
			}
			return rs[i].Start < rs[j].Start
		})
	}
}

// maxFile bounds what is read of one file: bigger ones are not sources anyone edits.
const maxFile = 8 << 20

func readSmall(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxFile {
		return nil, errors.New("not a regular file of reasonable size")
	}
	return os.ReadFile(p)
}

func isMakefileName(name string) bool {
	return name == "Makefile" || name == "Kbuild" || strings.HasPrefix(name, "Makefile.") || strings.HasPrefix(name, "Kbuild.")
}

// Use is a CONFIG_X written in a file: the name without CONFIG_ and the byte range of
// CONFIG_X.
type Use struct {
	Name       string
	Start, End int
}

// configWords returns the matches of `\bCONFIG_([A-Za-z0-9_]+)` in b as the regexp's
// FindAllSubmatchIndex would, each as start, end, name start, name end: a hand scan, since it
// runs over every Makefile line and cfg predicate of a tree and on every edit of a Rust file
// (the regexp cost more than the rest of config-unknown). fuzz_test.go compares both.
func configWords(b []byte) [][4]int {
	var out [][4]int
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], configPrefix)
		if j < 0 {
			break
		}
		s := i + j
		e := s + len(configPrefix)
		for e < len(b) && isWordByte(b[e]) {
			e++
		}
		if (s > 0 && isWordByte(b[s-1])) || e == s+len(configPrefix) {
			i = s + 1
			continue
		}
		out = append(out, [4]int{s, e, s + len(configPrefix), e})
		i = e
	}
	return out
}

var configPrefix = []byte("CONFIG_")

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// cfgOpenings finds the openings of cfg predicates, #[cfg(, #![cfg(, #[cfg_attr(, cfg!(, as
// the matches of `#!?\[\s*cfg(?:_attr)?\s*\(|\bcfg!\s*\(` (start, end after the parenthesis):
// a hand scan for the reason of configWords.
func cfgOpenings(b []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], cfgWord)
		if j < 0 {
			break
		}
		c := i + j // the "cfg"
		i = c + 1
		e := c + len(cfgWord)
		// #!?[\s*cfg(_attr)?\s*(
		start := c
		for start > 0 && isSpaceByte(b[start-1]) {
			start--
		}
		if start > 0 && b[start-1] == '[' {
			start--
			if start > 0 && b[start-1] == '!' {
				start--
			}
			if start > 0 && b[start-1] == '#' {
				start--
				k := e
				if bytes.HasPrefix(b[k:], []byte("_attr")) {
					k += len("_attr")
				}
				for k < len(b) && isSpaceByte(b[k]) {
					k++
				}
				if k < len(b) && b[k] == '(' {
					out = append(out, [2]int{start, k + 1})
					i = k + 1
					continue
				}
				// "#[cfg_attr" without its parenthesis: "#[cfg" alone then.
				k = e
				for k < len(b) && isSpaceByte(b[k]) {
					k++
				}
				if k < len(b) && b[k] == '(' {
					out = append(out, [2]int{start, k + 1})
					i = k + 1
					continue
				}
			}
		}
		// \bcfg!\s*(
		if (c == 0 || !isWordByte(b[c-1])) && e < len(b) && b[e] == '!' {
			k := e + 1
			for k < len(b) && isSpaceByte(b[k]) {
				k++
			}
			if k < len(b) && b[k] == '(' {
				out = append(out, [2]int{c, k + 1})
				i = k + 1
			}
		}
	}
	return out
}

var cfgWord = []byte("cfg")

// RustUses returns the CONFIG_ names inside the cfg predicates of a Rust text (#[cfg(...)],
// #[cfg_attr(...)], cfg!(...)), outside comments and strings.
func RustUses(text []byte) []Use {
	var out []Use
	for _, m := range cfgOpenings(text) {
		if inLineComment(text, m[0]) {
			continue
		}
		end := closeParen(text, m[1])
		for _, c := range configWords(text[m[1]:end]) {
			s, e := m[1]+c[0], m[1]+c[1]
			if inQuotes(text[m[1]:s]) {
				continue // cfg(feature = "CONFIG_X") is not an option
			}
			out = append(out, Use{Name: string(text[m[1]+c[2] : m[1]+c[3]]), Start: s, End: e})
		}
	}
	return out
}

// inQuotes reports whether the end of s lies inside a string literal.
func inQuotes(s []byte) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '"' {
			n++
		}
	}
	return n%2 == 1
}

// inLineComment reports whether off is preceded by // on its line.
func inLineComment(text []byte, off int) bool {
	ls := bytes.LastIndexByte(text[:off], '\n') + 1
	return bytes.Contains(text[ls:off], []byte("//"))
}

// closeParen returns the offset of the parenthesis closing the one before from, or the end of
// the text (bounded to 4 KiB: a cfg predicate is short).
func closeParen(text []byte, from int) int {
	depth := 1
	limit := min(len(text), from+4096)
	for i := from; i < limit; i++ {
		switch text[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return limit
}

// MakefileUses returns the CONFIG_ names of a Makefile text outside comments. Variables the
// top Makefile sets that look like options (CONFIG_SHELL) are left out.
func MakefileUses(text []byte) []Use {
	var out []Use
	for ls := 0; ls < len(text); {
		le := bytes.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		line := text[ls:le]
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, c := range configWords(line) {
			name := string(line[c[2]:c[3]])
			if makeVars[name] {
				continue
			}
			out = append(out, Use{Name: name, Start: ls + c[0], End: ls + c[1]})
		}
		ls = le + 1
	}
	return out
}

// makeVars are CONFIG_-named variables the top Makefile sets, not Kconfig options.
var makeVars = map[string]bool{"SHELL": true}

func lineStarts(b []byte) []int {
	ls := []int{0}
	for i, c := range b {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// posOf maps a byte offset to a 1-based line and byte column.
func posOf(ls []int, off int) (int, int) {
	i := sort.Search(len(ls), func(i int) bool { return ls[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - ls[i]
}

// offsetOf maps a kconfig position to a byte offset of text, clamped to the text.
func offsetOf(ls []int, p kconfig.Pos, n int) int {
	if p.Line < 1 {
		return 0
	}
	if p.Line > len(ls) {
		return n
	}
	return min(ls[p.Line-1]+p.Col, n)
}
