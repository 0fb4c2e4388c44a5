// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
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

// walker collects the files under the paths given to lint.
type walker struct {
	files  []file
	errs   []FileError
	seen   map[string]bool // files already listed (absolute)
	dirs   map[[2]uint64]bool
	relate func(abs string) string
}

// collect walks paths (absolute) and returns the files to lint, sorted, and the problems met.
func collect(paths []string, relate func(string) string) ([]file, []FileError) {
	w := &walker{seen: map[string]bool{}, dirs: map[[2]uint64]bool{}, relate: relate}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			w.fail(p, describe(p, err))
			continue
		}
		lang := Lang(p)
		if st.IsDir() && lang == "" {
			w.dir(p, st)
			continue
		}
		if lang == "" {
			w.fail(p, "not a file krls lints (a .rs file, Kconfig, Kconfig.*, Makefile or Kbuild)")
			continue
		}
		w.add(p, lang, st)
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].abs < w.files[j].abs })
	sort.Slice(w.errs, func(i, j int) bool { return w.errs[i].Path < w.errs[j].Path })
	return w.files, w.errs
}

func (w *walker) fail(p, msg string) {
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
	case !w.seen[p]:
		w.seen[p] = true
		w.files = append(w.files, file{abs: p, lang: lang})
	}
}

// dir walks one folder. A folder whose name is that of a file lint reads (Kconfig, x.rs) is
// reported, not walked: no kernel tree has one, and a file was expected there. Symbolic links are followed; a folder reached twice (a symlink loop,
// or two links to one folder) is walked once, and a loop is reported.
func (w *walker) dir(p string, st fs.FileInfo) {
	if id, ok := fileID(st); ok {
		if w.dirs[id] {
			if isLoop(p) {
				w.fail(p, "symbolic link loop: the folder contains itself")
			}
			return
		}
		w.dirs[id] = true
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		w.fail(p, describe(p, err))
		// ReadDir returns the entries it read before the error: walk them anyway.
	}
	for _, e := range ents {
		name := e.Name()
		child := filepath.Join(p, name)
		typ := e.Type()
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
				if !hidden(name) {
					w.dir(child, cst)
				}
				continue
			}
			if lang := Lang(name); lang != "" {
				w.add(child, lang, cst)
			}
			continue
		}
		if e.IsDir() && Lang(name) == "" {
			if hidden(name) {
				continue
			}
			cst, err := e.Info()
			if err != nil {
				w.fail(child, describe(child, err))
				continue
			}
			w.dir(child, cst)
			continue
		}
		lang := Lang(name)
		if lang == "" {
			continue
		}
		if typ.IsRegular() && !w.seen[child] {
			// The folder entry says it is a regular file: no stat here; the size is checked
			// when the file is read (one syscall less per file on a 2,000-file tree).
			w.seen[child] = true
			w.files = append(w.files, file{abs: child, lang: lang})
			continue
		}
		cst, err := e.Info()
		if err != nil {
			w.fail(child, describe(child, err))
			continue
		}
		w.add(child, lang, cst)
	}
}

// hidden reports a dot-folder (.git, .tmp_versions, ...), which lint never enters on its own.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// isLoop reports whether the folder p, reached for the second time, is inside itself through
// a symbolic link (rather than a second link to a folder seen elsewhere).
func isLoop(p string) bool {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return true // ELOOP
	}
	parent, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return false
	}
	return parent == real || strings.HasPrefix(parent, real+string(filepath.Separator))
}

// fileID returns the device and inode of a file.
func fileID(st fs.FileInfo) ([2]uint64, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return [2]uint64{}, false
	}
	return [2]uint64{uint64(s.Dev), uint64(s.Ino)}, true
}

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
func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, errors.New(describe(p, err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, errors.New(describe(p, err))
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file (" + st.Mode().Type().String() + ")")
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("too large (%d bytes, the limit is %d)", st.Size(), MaxFileSize)
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, errors.New(describe(p, err))
	}
	head := b
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, errors.New("binary file (NUL bytes), skipped")
	}
	return b, nil
}
