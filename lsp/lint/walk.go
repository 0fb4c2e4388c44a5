// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	direntpkg "krls.dev/krls/kconfig/dirent"
)

// The languages of the files krls lint reads; they are the Context.Lang of the checks.
const (
	LangRust     = "rust"
	LangKconfig  = "kconfig"
	LangMakefile = "makefile"
)

// MaxFileSize is the largest file lint reads; larger files are reported and skipped. The
// biggest hand-written file of 6.12 (a Kconfig) is under 100 KiB; the generated bindings,
// the largest .rs files of a built tree, are a few MiB.
const MaxFileSize = 32 << 20

// Lang returns the language of a file from its base name: ".rs" files are Rust, "Kconfig"
// and "Kconfig.*" are Kconfig, "Makefile" and "Kbuild" are Kbuild makefiles, anything else
// is "" (not linted).
func Lang(name string) string {
	base := filepath.Base(name)
	switch {
	case strings.HasSuffix(base, ".rs"):
		return LangRust
	case base == "Kconfig" || strings.HasPrefix(base, "Kconfig."):
		return LangKconfig
	case base == "Makefile" || base == "Kbuild":
		return LangMakefile
	}
	return ""
}

// FileError is a path lint could not read. It is reported and counted, never fatal.
type FileError struct {
	Path    string `json:"path"` // as printed: relative to the working folder when inside it
	Message string `json:"message"`
}

// file is one file to lint.
type file struct {
	abs  string // absolute, cleaned, symlinks not resolved
	lang string
}

// walker collects the files under the paths given to lint. Folders are read by up to jobs
// goroutines at once; the results are sorted at the end, so the order does not depend on them.
type walker struct {
	relate func(abs string) string
	roots  []string // the real paths of the folders given

	mu     sync.Mutex
	files  []file
	errs   []FileError
	seen   map[string]bool // paths already listed or reported (absolute)
	links  []link          // symbolic links to folders, handled after the walk
	walked map[string]bool // real paths of the folders reached through symbolic links

	sem  chan struct{}
	wg   sync.WaitGroup
	snap *direntpkg.Snapshot // nil: folders are read from the disk
}

// link is a symbolic link to a folder met during the walk.
type link struct {
	path     string // the link
	real     string // the folder it resolves to
	realHere string // the real path of the folder holding the link
}

// collect walks paths (absolute) with up to jobs goroutines and returns the files to lint,
// sorted, and the problems met.
func collect(paths []string, relate func(string) string, jobs int, snap *direntpkg.Snapshot) ([]file, []FileError) {
	if jobs < 1 {
		jobs = 1
	}
	w := &walker{seen: map[string]bool{}, walked: map[string]bool{}, relate: relate,
		sem: make(chan struct{}, jobs-1), snap: snap}
	type root struct {
		p    string
		lang string
		st   fs.FileInfo
	}
	var todo []root
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			w.fail(p, describe(p, err))
			continue
		}
		todo = append(todo, root{p, Lang(p), st})
		if st.IsDir() {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				w.roots = append(w.roots, real)
			}
		}
	}
	for _, r := range todo {
		p, lang, st := r.p, r.lang, r.st
		if st.IsDir() && lang == "" {
			w.spawn(p)
			continue
		}
		if lang == "" {
			w.fail(p, "not a file krls lints (a .rs file, Kconfig, Kconfig.*, Makefile or Kbuild)")
			continue
		}
		w.add(p, lang, st)
	}
	w.wg.Wait()
	// Links to folders, in path order so that of two links to one folder the first is walked
	// whatever the timing; walking them may find more links.
	for len(w.links) > 0 {
		links := w.links
		w.links = nil
		sort.Slice(links, func(i, j int) bool { return links[i].path < links[j].path })
		for _, l := range links {
			switch {
			case l.realHere == l.real || strings.HasPrefix(l.realHere, l.real+string(filepath.Separator)):
				w.fail(l.path, "symbolic link loop: the folder contains itself")
			case w.inRoots(l.real) || w.walked[l.real]:
				// walked under its own path, or through another link
			default:
				w.walked[l.real] = true
				w.spawn(l.path)
			}
		}
		w.wg.Wait()
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].abs < w.files[j].abs })
	sort.Slice(w.errs, func(i, j int) bool { return w.errs[i].Path < w.errs[j].Path })
	return w.files, w.errs
}

// spawn walks folder p on another goroutine when one is free, else on this one.
func (w *walker) spawn(p string) {
	select {
	case w.sem <- struct{}{}:
		w.wg.Add(1)
		go func() {
			defer func() { <-w.sem; w.wg.Done() }()
			w.dir(p)
		}()
	default:
		w.dir(p)
	}
}

func (w *walker) fail(p, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen["\x00"+p] {
		return // one path named twice, or walked and named
	}
	w.seen["\x00"+p] = true
	w.errs = append(w.errs, FileError{Path: w.relate(p), Message: msg})
}

// add lists a file whose name says it is to be linted, after checking it is a regular file.
func (w *walker) add(p, lang string, st fs.FileInfo) {
	switch {
	case st.IsDir():
		w.fail(p, "is a folder, where a file was expected")
	case !st.Mode().IsRegular():
		w.fail(p, "not a regular file ("+st.Mode().Type().String()+")")
	case st.Size() > MaxFileSize:
		w.fail(p, fmt.Sprintf("too large (%d bytes, the limit is %d)", st.Size(), MaxFileSize))
	default:
		w.addFiles([]file{{abs: p, lang: lang}})
	}
}

func (w *walker) addFiles(fs []file) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range fs {
		if !w.seen[f.abs] {
			w.seen[f.abs] = true
			w.files = append(w.files, f)
		}
	}
}

// dir walks one folder. A folder whose name is that of a file lint reads (Kconfig, x.rs) is
// reported, not walked: no kernel tree has one, and a file was expected there.
//
// Symbolic links are followed. Only they can make a folder appear twice or inside itself
// (folders have no hard links), so only they are resolved: a link to a folder that contains
// it is a loop and reported; a link into a folder lint walks anyway is skipped (its files are
// linted under their own path); any other linked folder is walked once.
func (w *walker) dir(p string) {
	ents, err := readDir(w.snap, p)
	if err != nil {
		w.fail(p, describe(p, err))
		// The entries read before the error are walked anyway.
	}
	realHere := ""
	var found []file
	for _, e := range ents {
		name := e.name
		child := p + string(filepath.Separator) + name
		typ := e.typ
		if typ&fs.ModeSymlink != 0 {
			cst, err := os.Stat(child)
			if err != nil {
				// A dangling link only matters when its name says it is a file we lint.
				if Lang(name) != "" {
					w.fail(child, describe(child, err))
				} else if errors.Is(err, syscall.ELOOP) {
					w.fail(child, "symbolic link loop")
				}
				continue
			}
			if cst.IsDir() && Lang(name) == "" {
				if hidden(name) {
					continue
				}
				real, err := filepath.EvalSymlinks(child)
				if err != nil {
					w.fail(child, describe(child, err))
					continue
				}
				if realHere == "" {
					if realHere, err = filepath.EvalSymlinks(p); err != nil {
						realHere = p
					}
				}
				w.mu.Lock()
				w.links = append(w.links, link{path: child, real: real, realHere: realHere})
				w.mu.Unlock()
				continue
			}
			if lang := Lang(name); lang != "" {
				w.add(child, lang, cst)
			}
			continue
		}
		if typ.IsDir() && Lang(name) == "" {
			if !hidden(name) {
				w.spawn(child)
			}
			continue
		}
		lang := Lang(name)
		if lang == "" {
			continue
		}
		if typ.IsRegular() {
			// The folder entry says it is a regular file: no stat here; the size is checked
			// when the file is read (one syscall less per file on a 2,000-file tree).
			found = append(found, file{abs: child, lang: lang})
			continue
		}
		cst, err := os.Lstat(child)
		if err != nil {
			w.fail(child, describe(child, err))
			continue
		}
		w.add(child, lang, cst)
	}
	if len(found) > 0 {
		w.addFiles(found)
	}
}

// inRoots reports whether the real path p is inside one of the folders given to lint.
func (w *walker) inRoots(p string) bool {
	for _, r := range w.roots {
		if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// dirent is one folder entry: its name and type (fs.ModeDir, fs.ModeSymlink, ..., 0 for a
// regular file).
type dirent struct {
	name string
	typ  fs.FileMode
}

// readDir lists a folder sorted by name, so which of two links to one folder is walked does not
// depend on the order of the entries on disk.
func readDir(snap *direntpkg.Snapshot, p string) ([]dirent, error) {
	ents, err := listDir(snap, p)
	sort.Slice(ents, func(i, j int) bool { return ents[i].name < ents[j].name })
	return ents, err
}

// listDir returns the entries of folder p (unsorted) with their types, read through snap (nil:
// from the disk); regular files lint does not read are dropped before they cost an allocation:
// most of the 90,000 entries of a kernel tree.
func listDir(snap *direntpkg.Snapshot, p string) ([]dirent, error) {
	var out []dirent
	err := snap.Read(p, func(name []byte, typ fs.FileMode) {
		if typ == 0 && !lintName(name) {
			return
		}
		out = append(out, dirent{name: string(name), typ: typ})
	})
	return out, err
}

// errSkipped says readRegular stopped at the head of a generated file.
var errSkipped = errors.New("generated file")

// generatedPeek is the size above which readRegular looks at a file's head before reading it
// whole: the bindgen outputs are megabytes, hand-written .rs files rarely over 100 KiB.
const generatedPeek = 64 << 10

// notRegular and tooLarge are the reasons readRegular refuses a file.
type notRegular struct{ mode fs.FileMode }
type tooLarge struct{ size int64 }

func (e *notRegular) Error() string { return "not a regular file (" + e.mode.String() + ")" }
func (e *tooLarge) Error() string {
	return fmt.Sprintf("too large (%d bytes, the limit is %d)", e.size, MaxFileSize)
}

// hidden reports a dot-folder (.git, .tmp_versions, ...), which lint never enters on its own.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// describe turns a file system error into a short message without the path (the path is
// printed beside it).
func describe(p string, err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(p); lerr == nil {
			return "cannot read: dangling symbolic link"
		}
		return "cannot read: no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "cannot read: permission denied"
	case errors.Is(err, syscall.ELOOP):
		return "cannot read: symbolic link loop"
	case errors.Is(err, syscall.EISDIR):
		return "is a folder, where a file was expected"
	}
	return "cannot read: " + err.Error()
}

// readFile reads a file to lint. A file with a NUL byte in its first 8 KiB is binary and
// skipped, as git and grep decide.
//
// The bytes go into buf when it is large enough (the result then aliases it).
//
// A large file whose head is a generated one's (isGenerated) is not read further: the error is
// errSkipped.
func readFile(p string, buf []byte) ([]byte, error) {
	b, err := readRegular(p, MaxFileSize, buf, isGenerated)
	if err == errSkipped {
		return nil, err
	}
	if err != nil {
		var nr *notRegular
		var tl *tooLarge
		if errors.As(err, &nr) || errors.As(err, &tl) {
			return nil, err
		}
		return nil, errors.New(describe(p, err))
	}
	if err := checkText(b); err != nil {
		return nil, err
	}
	return b, nil
}

// checkText refuses binary files (a NUL byte in the first 8 KiB).
func checkText(b []byte) error {
	head := b
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return errors.New("binary file (NUL bytes), skipped")
	}
	return nil
}
