// SPDX-License-Identifier: GPL-2.0-only

package kbuild

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"krls.dev/krls/kconfig"
)

// Object says how a source file is built.
type Object struct {
	Makefile string // the Makefile or Kbuild file read
	Name     string // the object, e.g. "rnull.o" (for a host program, its name)
	Source   string // the source file, e.g. "rnull.rs"
	// Lines is the chain of assignments that build it: the one naming the object, then those
	// naming the composite it is part of, up to the obj-/lib- line of its module.
	Lines []*Assign
	// Mentions is every assignment naming the object, including per-object flags
	// (RUSTFLAGS_foo.o := ...).
	Mentions []*Assign
	// Module is the module (or built-in object) it ends up in: "rnull_mod" for rnull.rs.
	Module   string
	Builtin  bool // only through obj-y or lib-y: never a loadable module
	Hostprog bool
	// Gates are the CONFIG symbols on the way: obj-$(CONFIG_X) suffixes and enclosing
	// ifdef/ifeq blocks.
	Gates []Gate
	// DirGates are the gates of the parent Makefiles' lines that descend into the folder,
	// innermost first (set by ObjectFor).
	DirGates []Gate
}

// Gate is a CONFIG symbol that decides whether an object is built.
type Gate struct {
	Symbol string // without CONFIG_
	Range  Range
	Assign *Assign // set when the gate is an -$(CONFIG_X) suffix
	Cond   *Cond   // set when it is an enclosing condition
	// Negated: the object is built when the symbol is NOT set (else branch, ifndef, or a
	// condition that is not a plain "is set" test).
	Negated bool
}

// Symbols returns the names of the non-negated gates, without duplicates, in order.
func (o *Object) Symbols() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range o.Gates {
		if !g.Negated && !seen[g.Symbol] {
			seen[g.Symbol] = true
			out = append(out, g.Symbol)
		}
	}
	return out
}

// ReadMakefile reads the Kbuild file of dir, or its Makefile when there is no Kbuild (the
// order Kbuild uses, scripts/Makefile.build).
func ReadMakefile(dir string) (*Makefile, []Error, error) {
	return (*Cache)(nil).ReadMakefile(dir)
}

// Cache keeps parsed Makefiles by path, each reused while its size and modification time
// stay those it was read with (as the index judges its files): a server re-runs its checks
// on every edit of a Rust file, and each run reads the folder's Makefile and those of its
// parents; a lint of a tree reads each folder's Makefile once per Rust file and Kconfig
// file of it. The Makefiles handed out are shared: callers must not modify them. A nil
// *Cache reads every file from disk. A Cache is safe for concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]*cachedMakefile
}

type cachedMakefile struct {
	size  int64
	mtime time.Time
	mk    *Makefile
	errs  []Error
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: map[string]*cachedMakefile{}} }

// read returns the parse of the file p, from the cache when it has not changed.
func (c *Cache) read(p string) (*Makefile, []Error, error) {
	if c == nil {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		m, errs := Parse(p, src)
		return m, errs, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	e := c.m[p]
	c.mu.Unlock()
	if e != nil && e.size == st.Size() && e.mtime.Equal(st.ModTime()) && st.Mode().IsRegular() {
		return e.mk, e.errs, nil
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, err
	}
	m, errs := Parse(p, src)
	if st.Mode().IsRegular() && int64(len(src)) == st.Size() && !Racy(st.ModTime()) {
		c.mu.Lock()
		c.m[p] = &cachedMakefile{size: st.Size(), mtime: st.ModTime(), mk: m, errs: errs}
		c.mu.Unlock()
	}
	return m, errs, nil
}

// Racy reports whether a modification time is too recent to vouch for a file's content: the
// kernel stamps files with a coarse clock, so a second write within the same tick as the read
// leaves size and time unchanged (git's "racily clean" entries). Such files are not cached.
func Racy(mtime time.Time) bool { return time.Since(mtime) < 2*time.Second }

// ReadMakefile is the package's ReadMakefile through the cache.
func (c *Cache) ReadMakefile(dir string) (*Makefile, []Error, error) {
	var lastErr error
	for _, name := range []string{"Kbuild", "Makefile"} {
		m, errs, err := c.read(filepath.Join(dir, name))
		if err != nil {
			lastErr = err
			continue
		}
		return m, errs, nil
	}
	return nil, nil, lastErr
}

// ObjectFor finds how file (a .rs, .c or .S file of dir, e.g. "rnull.rs") is built by dir's
// Kbuild file or Makefile, or else by a parent folder's naming "sub/file.o" (up to three
// levels). DirGates are then filled from the parents' lines that descend into the folder
// (obj-$(CONFIG_PHYLIB) += phy/). It returns nil, nil when no line builds the file.
func ObjectFor(dir, file string) (*Object, error) {
	return (*Cache)(nil).ObjectFor(dir, file)
}

// ObjectFor is the package's ObjectFor through the cache.
func (c *Cache) ObjectFor(dir, file string) (*Object, error) {
	m, _, err := c.ReadMakefile(dir)
	var o *Object
	if err == nil {
		o = m.Object(file)
	}
	sub, d := path.Base(filepath.ToSlash(file)), dir
	for i := 0; (o == nil || len(o.Lines) == 0) && i < 3; i++ {
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		sub, d = filepath.Base(d)+"/"+sub, parent
		pm, _, perr := c.ReadMakefile(d)
		if perr != nil {
			break
		}
		if po := pm.Object(sub); po != nil && len(po.Lines) > 0 {
			o = po
		}
	}
	if o == nil {
		if err != nil {
			return nil, err
		}
		return nil, nil
	}
	o.DirGates = c.dirGates(filepath.Dir(o.Makefile))
	return o, nil
}

// dirGates follows the parents of dir while each names the child folder in an obj-/subdir-
// line, collecting those lines' gates.
func (c *Cache) dirGates(dir string) []Gate {
	var out []Gate
	d := dir
	for i := 0; i < 8; i++ {
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		pm, _, err := c.ReadMakefile(parent)
		if err != nil {
			break
		}
		want := filepath.Base(d) + "/"
		var best *Assign
		for _, a := range pm.Assigns {
			if a.Kind != VarObj && a.Kind != VarSubdir && a.Kind != VarLib {
				continue
			}
			for _, w := range a.Words {
				if w.Text == want && (best == nil || best.Config == "" && a.Config != "") {
					best = a
				}
			}
		}
		if best == nil {
			break
		}
		var tmp Object
		tmp.gates(best)
		out = append(out, tmp.Gates...)
		d = parent
	}
	return out
}

// SourceFor returns the source file an object of dir is built from ("foo.rs", "foo.c" or
// "foo.S"), or "" when there is none (a composite object, or a missing file).
func SourceFor(dir, obj string) string {
	stem := strings.TrimSuffix(obj, ".o")
	for _, ext := range []string{".rs", ".c", ".S"} {
		if st, err := os.Stat(filepath.Join(dir, stem+ext)); err == nil && st.Mode().IsRegular() {
			return stem + ext
		}
	}
	return ""
}

func stem(file string) string {
	if i := strings.LastIndexByte(file, '.'); i > 0 {
		return file[:i]
	}
	return file
}

// Object finds how file (base name, e.g. "rnull.rs") is built by m; nil when it is not.
func (m *Makefile) Object(file string) *Object {
	file = path.Clean(filepath.ToSlash(file))
	st := stem(file)
	obj := st + ".o"
	base := path.Base(st)
	o := &Object{Makefile: m.Path, Name: obj, Source: file}
	flagRe := regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(obj) + `($|[^A-Za-z0-9_])`)
	var first *Assign
	for _, a := range m.Assigns {
		named := false
		for _, w := range a.Words {
			if w.Text == obj {
				named = true
			}
		}
		if named || flagRe.MatchString(a.Var) || strings.HasSuffix(a.Var, "_"+obj) {
			o.Mentions = append(o.Mentions, a)
		}
		if named && a.Kind != VarFlags && (first == nil || rank(a) < rank(first)) {
			first = a
		}
	}
	if first == nil {
		// A host program names no .o: hostprogs-always-y := single (samples/rust/hostprogs).
		for _, a := range m.Assigns {
			if a.Kind != VarHostprogs {
				continue
			}
			for _, w := range a.Words {
				if w.Text == st {
					o.Name, o.Module, o.Hostprog = st, base, true
					o.Lines = []*Assign{a}
					o.Mentions = append(o.Mentions, a)
					o.gates(a)
					return o
				}
			}
		}
		if len(o.Mentions) == 0 {
			return nil
		}
		return o
	}
	o.Module = base
	m.chain(o, first, base, 0)
	return o
}

func rank(a *Assign) int {
	switch a.Kind {
	case VarObj, VarLib:
		return 0
	case VarComposite:
		return 1
	}
	return 2
}

// chain follows a, an assignment whose words build name (the object's base name, or a
// composite's), upward to the obj-/lib- line. A composite is named as "<base>.o" in another
// line (rnull_mod-y then obj-... += rnull_mod.o: the module is rnull_mod); a helper variable is
// expanded into another line instead (libphy-y += $(mdio-bus-y), obj-y += $(sfp-obj-y)), and
// then its words stand for themselves there.
func (m *Makefile) chain(o *Object, a *Assign, name string, depth int) {
	o.Lines = append(o.Lines, a)
	o.gates(a)
	o.Module = name
	switch a.Kind {
	case VarObj, VarLib:
		o.Builtin = a.Kind == VarLib || a.Suffix == "y" && a.Config == ""
		return
	case VarComposite:
	default:
		return
	}
	if depth > 8 {
		return
	}
	find := func(refs ...string) *Assign {
		var next *Assign
		for _, b := range m.Assigns {
			if b == a || b.Kind == VarFlags {
				continue
			}
			for _, w := range b.Words {
				for _, r := range refs {
					if w.Text == r && (next == nil || rank(b) < rank(next)) {
						next = b
					}
				}
			}
		}
		return next
	}
	if next := find(a.Base + ".o"); next != nil {
		m.chain(o, next, a.Base, depth+1)
		return
	}
	if next := find("$("+a.Var+")", "$("+a.Base+"-y)", "$("+a.Base+"-m)", "$("+a.Base+"-objs)"); next != nil {
		m.chain(o, next, name, depth+1)
		return
	}
	// A composite nothing names: its objects end up in the module of its name.
	o.Module = a.Base
}

func (o *Object) gates(a *Assign) {
	for _, c := range a.Conds {
		for _, s := range c.Cond.Symbols {
			neg := c.Else || !c.Cond.Positive
			if c.Else && c.Cond.Negative {
				neg = false
			}
			o.Gates = append(o.Gates, Gate{Symbol: s.Name, Range: s.Range, Cond: c.Cond, Negated: neg})
		}
	}
	if a.Config != "" {
		o.Gates = append(o.Gates, Gate{Symbol: a.Config, Range: a.ConfigRange, Assign: a})
	}
}

// AssignsOf returns the assignments gated by symbol (without CONFIG_) through an -$(CONFIG_X)
// suffix or an enclosing condition.
func (m *Makefile) AssignsOf(symbol string) []*Assign {
	symbol = strings.TrimPrefix(symbol, "CONFIG_")
	var out []*Assign
	for _, a := range m.Assigns {
		hit := a.Config == symbol
		for _, c := range a.Conds {
			for _, s := range c.Cond.Symbols {
				hit = hit || s.Name == symbol
			}
		}
		if hit {
			out = append(out, a)
		}
	}
	return out
}

// ConfigEntries returns the `config X` definitions of the symbols that gate o (not the
// negated ones), those in dir's own Kconfig files first. dir is relative to the tree root.
func ConfigEntries(t *kconfig.Tree, dir string, o *Object) []*kconfig.Def {
	if o == nil {
		return nil
	}
	dir = path.Clean(filepath.ToSlash(dir))
	var out []*kconfig.Def
	for _, s := range o.Symbols() {
		out = append(out, t.Defs(s)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return path.Dir(out[i].File) == dir && path.Dir(out[j].File) != dir
	})
	return out
}
