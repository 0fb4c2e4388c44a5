// SPDX-License-Identifier: GPL-2.0-only

package index

// The crate indexer. tree-sitter parses each file, and the whole tree is copied out of C in
// one call (crate_tree.go); the Go side walks only declaration lists (source files, inline
// modules, impl and trait bodies) and never descends into function bodies: a body's
// references are read by the small scanner of crate_lex.go from its text instead (which also
// sees inside macro token trees, where tree-sitter has no expressions). So tree-sitter is
// given the file with the bodies and the macro_rules! arms blanked (crate_blank.go): same
// offsets, a third less to parse. No tree-sitter queries are used: the item walk needs the
// order of comments, attributes and items, which a preorder walk gives for free.
//
// A CrateFile keeps what one file says, independent of where the file sits in the module
// tree; the resolver (crate_resolve.go) builds the module tree, resolves use declarations and
// re-exports to the public paths of every item, and wrappers.go builds the wrapper map.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
)

// CrateResult is what IndexCrates found in the kernel and macros crates.
type CrateResult struct {
	Items    []Item
	Files    []*CrateFile
	Problems []Problem
	// Wrappers maps "bindings::X" to the public kernel APIs reaching it, best first.
	Wrappers map[string][]Wrapper
}

// maxCrateFile bounds the size of a file the indexer parses; the largest file of the kernel
// crate (6.12: init/macros.rs) is 63 KB.
const maxCrateFile = 4 << 20

// IndexCrates indexes rust/kernel (from rust/kernel/lib.rs) and rust/macros (from
// rust/macros/lib.rs) of the tree at root. prev holds CrateFiles of an earlier run keyed by
// Path; one whose Hash equals the file's current sha256 is reused without parsing.
//
// Files are found as rustc finds them: from lib.rs through `mod` declarations (`#[path]`,
// inline modules, `foo.rs` or `foo/mod.rs`), skipping modules whose cfg is false whatever the
// configuration (`test`, `testlib`, `doc`). They are parsed level by level, in parallel, with
// one tree-sitter parser per goroutine.
func IndexCrates(root string, prev map[string]*CrateFile) *CrateResult {
	d := &discovery{root: root, prev: prev, res: &CrateResult{}}
	d.workers = runtime.GOMAXPROCS(0)
	if d.workers > 4 {
		d.workers = 4
	}
	r := newResolver()
	kroot := d.start("rust/kernel/lib.rs", "kernel", r)
	mroot := d.start("rust/macros/lib.rs", "macros", r)
	r.kernel, r.macros = kroot, mroot
	d.run(r)
	r.res = d.res
	r.resolve()
	r.buildItems()
	d.res.Wrappers = r.wrappers()
	sort.Slice(d.res.Files, func(i, j int) bool { return d.res.Files[i].Path < d.res.Files[j].Path })
	return d.res
}

type discovery struct {
	root    string
	prev    map[string]*CrateFile
	res     *CrateResult
	workers int
	pending []fileJob
	seen    map[string]bool
}

// fileJob is a file to parse and the module it becomes.
type fileJob struct {
	rel  string
	mod  *rmod
	from string // the declaring file, for problems
	line int
	file *CrateFile
	err  error
	// level is the job's depth in the module tree; done is closed when it is loaded; dup
	// marks a file that is a module already.
	level int
	done  chan struct{}
	dup   bool
}

func (d *discovery) start(rel, crate string, r *resolver) *rmod {
	m := &rmod{path: crate, crate: crate, pub: true, children: map[string]*rmod{}, defs: map[string][]int{}}
	r.mods = append(r.mods, m)
	d.pending = append(d.pending, fileJob{rel: rel, mod: m})
	return m
}

// run loads the pending files and those they declare. Files are loaded in parallel as soon as
// their declaring file is processed, with no barrier between the levels of the module tree;
// results are processed one at a time in the order of a level-by-level walk, so the modules,
// files and problems come out in the same order whatever the timing.
func (d *discovery) run(r *resolver) {
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	sem := make(chan struct{}, d.workers)
	var queue []*fileJob
	submit := func(jobs []fileJob, level int) {
		for i := range jobs {
			j := &jobs[i]
			j.level = level
			queue = append(queue, j)
			if d.seen[j.rel] {
				j.dup, j.err = true, errSkip
				continue
			}
			d.seen[j.rel] = true
			j.done = make(chan struct{})
			go func() {
				sem <- struct{}{}
				d.load(j)
				<-sem
				close(j.done)
			}()
		}
	}
	submit(d.pending, 0)
	d.pending = nil
	level := -1
	for qi := 0; qi < len(queue); qi++ {
		j := queue[qi]
		if j.level != level {
			// Every job of this level is queued by now (their parents were the level
			// before): its duplicates are reported first, as a level-by-level walk does.
			level = j.level
			for _, k := range queue[qi:] {
				if k.level != level {
					break
				}
				if k.dup {
					d.res.Problems = append(d.res.Problems, Problem{File: k.from, Line: k.line, Message: fmt.Sprintf("module %s: file %s is already a module", k.mod.path, k.rel)})
				}
			}
		}
		if j.err == errSkip {
			continue
		}
		<-j.done
		if j.err != nil {
			d.res.Problems = append(d.res.Problems, Problem{File: j.from, Line: j.line, Message: fmt.Sprintf("module %s: %v", j.mod.path, j.err)})
			j.mod.missing = true
			continue
		}
		j.file.Module = j.mod.path
		d.res.Files = append(d.res.Files, j.file)
		d.res.Problems = append(d.res.Problems, j.file.Problems...)
		j.mod.file = j.file
		j.mod.scope = ""
		j.mod.cfg = cfgAll(j.mod.cfg, j.file.Cfg)
		if j.mod.doc == "" {
			j.mod.doc = j.file.Doc
		} else if j.file.Doc != "" {
			j.mod.doc += "\n" + j.file.Doc
		}
		if j.mod.crate == "macros" {
			continue // only the proc macros of rust/macros/lib.rs are indexed
		}
		d.children(j.mod, "", r)
		if len(d.pending) > 0 {
			submit(d.pending, j.level+1)
			d.pending = nil
		}
	}
}

var errSkip = fmt.Errorf("skipped")

// crateParsers keeps the parsers of earlier runs, with their grown tree buffers, for the next
// (the server re-indexes as files change); at most 4, the most workers a run has.
var crateParsers = make(chan *crateParser, 4)

func (d *discovery) load(j *fileJob) {
	abs := joinPath(d.root, j.rel)
	st, err := os.Stat(abs)
	if err != nil {
		j.err = fmt.Errorf("file not found: %s", j.rel)
		return
	}
	if !st.Mode().IsRegular() {
		j.err = fmt.Errorf("%s is not a regular file", j.rel)
		return
	}
	if st.Size() > maxCrateFile {
		j.err = fmt.Errorf("%s is too large (%d bytes)", j.rel, st.Size())
		return
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		j.err = err
		return
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if p := d.prev[j.rel]; p != nil && p.Hash == hash {
		// A shallow copy: Module is rewritten below, and prev may belong to an Index that
		// other goroutines read. Nothing else in a CrateFile is ever modified.
		cp := *p
		j.file = &cp
		return
	}
	if isBinary(data) {
		j.err = fmt.Errorf("%s is not a text file", j.rel)
		return
	}
	var p *crateParser
	select {
	case p = <-crateParsers:
	default:
		p = newCrateParser()
	}
	j.file = parseCrateFile(p, j.rel, data, hash)
	select {
	case crateParsers <- p:
	default:
		p.close()
	}
}

func isBinary(data []byte) bool {
	n := len(data)
	if n > 8000 {
		n = 8000
	}
	for _, c := range data[:n] {
		if c == 0 {
			return true
		}
	}
	return false
}

// children creates the modules declared in scope of m's file, queueing the file modules.
func (d *discovery) children(m *rmod, scope string, r *resolver) {
	f := m.file
	for i := range f.Mods {
		fm := &f.Mods[i]
		if fm.Scope != scope {
			continue
		}
		cfg := cfgAll(m.cfg, fm.Cfg)
		if cfgEval(cfg) == cfgFalse {
			continue
		}
		c := &rmod{path: m.path + "::" + fm.Name, crate: m.crate, parent: m, pub: fm.Vis == "pub",
			hidden: m.hidden || fm.Hidden, doc: fm.Doc, decl: fm, declFile: f.Path,
			cfg:      cfgAll(m.cfg, fm.Cfg), // cfgAll drops the terms fm.Cfg repeats from its scope
			children: map[string]*rmod{}, defs: map[string][]int{}}
		if _, dup := m.children[fm.Name]; dup {
			d.res.Problems = append(d.res.Problems, Problem{File: f.Path, Line: fm.Start.Line, Message: "module " + c.path + " declared twice"})
			continue
		}
		m.children[fm.Name] = c
		r.mods = append(r.mods, c)
		if fm.Inline {
			c.file = f
			c.scope = joinScope(scope, fm.Name)
			d.children(c, c.scope, r)
			continue
		}
		rel, tried := d.modFile(f.Path, scope, fm)
		if rel == "" {
			d.res.Problems = append(d.res.Problems, Problem{File: f.Path, Line: fm.Start.Line,
				Message: fmt.Sprintf("module %s: file not found (tried %s)", c.path, strings.Join(tried, ", "))})
			c.missing = true
			continue
		}
		d.pending = append(d.pending, fileJob{rel: rel, mod: c, from: f.Path, line: fm.Start.Line})
	}
}

// modFile finds the file of `mod name;` declared in scope of the file at rel.
func (d *discovery) modFile(rel, scope string, fm *FileMod) (string, []string) {
	dir := path.Dir(rel)
	base := path.Base(rel)
	var inline []string
	if scope != "" {
		inline = strings.Split(scope, "::")
	}
	if fm.PathAttr != "" {
		// #[path] outside inline modules is relative to the declaring file's folder; inside
		// them, to the folder the inline modules name (with the file stem for non-mod.rs files).
		p := dir
		if len(inline) > 0 {
			if base != "lib.rs" && base != "mod.rs" && base != "main.rs" {
				p = path.Join(p, strings.TrimSuffix(base, ".rs"))
			}
			p = path.Join(append([]string{p}, inline...)...)
		}
		cand := path.Clean(path.Join(p, fm.PathAttr))
		if strings.HasPrefix(cand, "../") || path.IsAbs(fm.PathAttr) {
			return "", []string{cand + ", outside the tree"}
		}
		if d.exists(cand) {
			return cand, nil
		}
		return "", []string{cand}
	}
	p := dir
	if base != "lib.rs" && base != "mod.rs" && base != "main.rs" {
		p = path.Join(p, strings.TrimSuffix(base, ".rs"))
	}
	p = path.Join(append([]string{p}, inline...)...)
	cands := []string{path.Join(p, fm.Name+".rs"), path.Join(p, fm.Name, "mod.rs")}
	for _, c := range cands {
		if d.exists(c) {
			return c, nil
		}
	}
	return "", cands
}

func (d *discovery) exists(rel string) bool {
	st, err := os.Stat(joinPath(d.root, rel))
	return err == nil && !st.IsDir()
}
