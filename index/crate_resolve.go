// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"sort"
	"strings"
)

// rmod is one module of the module tree.
type rmod struct {
	path     string // "kernel::sync::lock"
	crate    string // "kernel" or "macros"
	parent   *rmod
	file     *CrateFile
	scope    string // inline module path inside file
	cfg      string
	pub      bool // declared pub (crate roots too)
	hidden   bool
	missing  bool // its file was not found
	doc      string
	decl     *FileMod
	declFile string
	children map[string]*rmod
	defs     map[string][]int // names defined here (not impl members) -> defs
	uses     []*FileUse
	paths    []string // public paths
	visits   int
}

// def is one item definition, public or not.
type def struct {
	it     *FileItem
	file   *CrateFile
	mod    *rmod
	path   string // canonical: module path + name, or type path + member
	cfg    string
	hidden bool
	parent int // def of the enclosing type or trait, or -1
	impl   *FileImpl
	self   int // for impl members: def of the self type, or -1
	trait  int // for trait impl members: def of the trait, or -1; for trait items: parent
	paths  []string
	// lent are paths lent by a type alias or an implementing type (kernel::sync::Mutex::lock
	// for Lock::lock): aliases of the item, never its best path.
	lent []string
	// members: methods, variants, fields and associated consts by name.
	members map[string][]int
	// impls: trait impls of this type (indices into resolver.impls), for default methods.
	impls []int
}

// rimpl is one impl block with its resolved self type and trait.
type rimpl struct {
	fi    *FileImpl
	mod   *rmod
	self  int
	trait int
	defs  []int
}

// target is what a path resolves to: a module, a definition or an outside crate path.
type target struct {
	mod *rmod
	def int
	ext string // "bindings::mutex_lock", "core::pin::Pin"
}

type lookKey struct {
	m       *rmod
	name    string
	pubOnly bool
}

type resolver struct {
	res    *CrateResult
	kernel *rmod
	macros *rmod
	mods   []*rmod
	defs   []def
	impls  []rimpl
	look   map[lookKey][]target
	busy   map[lookKey]bool
	// byName indexes defs of functions and methods by name, for approximate resolution.
	byName map[string][]int
	// aliasesOf maps a type def to the type alias defs naming it.
	aliasesOf map[int][]int
	// localMacros indexes the macro_rules without #[macro_export] by name.
	localMacros map[string][]int
	best        []string // bestPath cache
	scopes      map[*CrateFile]map[string]bool
}

func newResolver() *resolver {
	return &resolver{look: map[lookKey][]target{}, busy: map[lookKey]bool{}, byName: map[string][]int{}, aliasesOf: map[int][]int{}, localMacros: map[string][]int{}}
}

// externCrates are the crates the kernel crate names without `use`.
var externCrates = map[string]bool{"bindings": true, "uapi": true, "core": true, "alloc": true, "ffi": true,
	"build_error": true, "compiler_builtins": true, "std": true, "proc_macro": true, "pin_init": true}

// resolve builds the definitions, resolves impls and computes the public paths.
func (r *resolver) resolve() {
	// Definitions, module by module.
	fileDefs := map[*CrateFile][]int{}
	for _, m := range r.mods {
		if m.file == nil {
			continue
		}
		f := m.file
		if fileDefs[f] == nil {
			fileDefs[f] = make([]int, len(f.Items))
			for i := range fileDefs[f] {
				fileDefs[f][i] = -1
			}
		}
		for i := range f.Uses {
			if f.Uses[i].Scope == m.scope {
				m.uses = append(m.uses, &f.Uses[i])
			}
		}
		for i := range f.Items {
			it := &f.Items[i]
			if it.Scope != m.scope {
				continue
			}
			if m.crate == "macros" && !it.ProcMacro {
				continue
			}
			d := def{it: it, file: f, mod: m, cfg: cfgAll(m.cfg, it.Cfg), hidden: m.hidden || it.Hidden, parent: -1, self: -1, trait: -1}
			r.defs = append(r.defs, d)
			di := len(r.defs) - 1
			fileDefs[f][i] = di
			switch {
			case it.Impl > 0 || it.Parent > 0:
				// members are attached below
			case it.Kind == KindMacro && it.MacroExport:
				r.defs[di].path = m.crate + "::" + it.Name
				r.kernel.defs[it.Name] = append(r.kernel.defs[it.Name], di)
			case it.Kind == KindMacro && m.crate == "kernel":
				// A macro_rules without #[macro_export] is textually scoped: not public.
				r.defs[di].path = m.path + "::" + it.Name
			default:
				r.defs[di].path = m.path + "::" + it.Name
				m.defs[it.Name] = append(m.defs[it.Name], di)
			}
		}
	}
	// Parents (trait methods, variants, fields).
	for di := range r.defs {
		d := &r.defs[di]
		if d.it.Parent > 0 {
			p := fileDefs[d.file][d.it.Parent-1]
			if p < 0 {
				continue
			}
			d.parent = p
			if r.defs[p].it.Kind == KindTrait {
				d.trait = p
			}
			d.path = r.defs[p].path + "::" + d.it.Name
			r.addMember(p, d.it.Name, di)
		}
	}
	// Impls: resolve self types and traits.
	implOf := map[*FileImpl]int{}
	for _, m := range r.mods {
		if m.file == nil {
			continue
		}
		for i := range m.file.Impls {
			fi := &m.file.Impls[i]
			if fi.Scope != m.scope {
				continue
			}
			if cfgEval(cfgAll(m.cfg, fi.Cfg)) == cfgFalse {
				continue
			}
			ri := rimpl{fi: fi, mod: m, self: r.typeDef(m, fi.SelfType), trait: -1}
			if fi.Trait != "" {
				ri.trait = r.typeDef(m, fi.Trait)
			}
			r.impls = append(r.impls, ri)
			implOf[fi] = len(r.impls) - 1
		}
	}
	for di := range r.defs {
		d := &r.defs[di]
		if d.it.Impl == 0 {
			continue
		}
		fi := &d.file.Impls[d.it.Impl-1]
		ii, ok := implOf[fi]
		if !ok {
			continue
		}
		im := &r.impls[ii]
		im.defs = append(im.defs, di)
		d.impl = fi
		d.self = im.self
		d.trait = im.trait
		d.cfg = cfgAll(d.mod.cfg, d.it.Cfg)
		d.hidden = d.hidden || fi.Hidden
		if im.self >= 0 {
			d.path = r.defs[im.self].path + "::" + d.it.Name
			r.addMember(im.self, d.it.Name, di)
		} else {
			d.path = d.mod.path + "::" + lastSeg(fi.SelfType) + "::" + d.it.Name
		}
	}
	for ii := range r.impls {
		if s := r.impls[ii].self; s >= 0 && r.impls[ii].trait >= 0 {
			r.defs[s].impls = append(r.defs[s].impls, ii)
		}
	}
	for di := range r.defs {
		d := &r.defs[di]
		if d.it.Kind == KindFn || d.it.Kind == KindMethod {
			r.byName[d.it.Name] = append(r.byName[d.it.Name], di)
		}
		if d.it.Kind == KindMacro && !d.it.MacroExport {
			r.localMacros[d.it.Name] = append(r.localMacros[d.it.Name], di)
		}
		if d.it.Kind == KindType && d.it.AliasOf != "" {
			if t := r.typeDef(d.mod, d.it.AliasOf); t >= 0 {
				r.aliasesOf[t] = append(r.aliasesOf[t], di)
			}
		}
	}
	r.publicPaths()
}

func (r *resolver) addMember(p int, name string, di int) {
	if r.defs[p].members == nil {
		r.defs[p].members = map[string][]int{}
	}
	r.defs[p].members[name] = append(r.defs[p].members[name], di)
}

// typeDef resolves a type or trait path written in m to a definition, or -1.
func (r *resolver) typeDef(m *rmod, p string) int {
	for _, t := range r.resolvePath(m, p, 0) {
		if t.def >= 0 && t.mod == nil {
			switch r.defs[t.def].it.Kind {
			case KindStruct, KindEnum, KindUnion, KindTrait, KindType:
				return t.def
			}
		}
	}
	return -1
}

// lookupName resolves one name in module m: its child modules, its definitions, its use
// declarations and its glob imports. pubOnly keeps what other modules see.
func (r *resolver) lookupName(m *rmod, name string, pubOnly bool, depth int) []target {
	if depth > 24 {
		return nil
	}
	k := lookKey{m, name, pubOnly}
	if t, ok := r.look[k]; ok {
		return t
	}
	if r.busy[k] {
		return nil
	}
	r.busy[k] = true
	defer delete(r.busy, k)
	var out []target
	if c := m.children[name]; c != nil && (!pubOnly || c.pub) {
		out = append(out, target{mod: c, def: -1})
	}
	for _, di := range m.defs[name] {
		if !pubOnly || r.defs[di].it.Vis == "pub" {
			out = append(out, target{def: di})
		}
	}
	for _, u := range m.uses {
		if pubOnly && u.Vis != "pub" || u.Use.Glob || u.Use.Name() != name {
			continue
		}
		out = append(out, r.resolvePath(m, u.Use.Path, depth+1)...)
	}
	if len(out) == 0 {
		for _, u := range m.uses {
			if !u.Use.Glob || pubOnly && u.Vis != "pub" {
				continue
			}
			for _, t := range r.resolvePath(m, u.Use.Path, depth+1) {
				switch {
				case t.mod != nil:
					out = append(out, r.lookupName(t.mod, name, true, depth+1)...)
				case t.def >= 0:
					for _, v := range r.defs[t.def].members[name] {
						if r.defs[v].it.Kind == KindVariant {
							out = append(out, target{def: v})
						}
					}
				case t.ext != "":
					if name != "" && !pubOnly {
						// A glob of an outside crate (use bindings::*) may bind anything.
						out = append(out, target{def: -1, ext: t.ext + "::" + name})
					}
				}
			}
		}
	}
	r.look[k] = out
	return out
}

// resolvePath resolves a path written in module m.
func (r *resolver) resolvePath(m *rmod, p string, depth int) []target {
	if depth > 24 || p == "" {
		return nil
	}
	segs := strings.Split(p, "::")
	if segs[0] == "" {
		segs = segs[1:]
		if len(segs) == 0 {
			return nil
		}
		if segs[0] != "kernel" && segs[0] != "macros" {
			return []target{{def: -1, ext: strings.Join(segs, "::")}}
		}
	}
	var cur []target
	first := segs[0]
	switch {
	case first == "crate" || first == "$crate":
		if m.crate == "macros" {
			cur = []target{{mod: r.macros, def: -1}}
		} else {
			cur = []target{{mod: r.kernel, def: -1}}
		}
	case first == "kernel" && r.kernel != nil:
		cur = []target{{mod: r.kernel, def: -1}}
	case first == "macros" && r.macros != nil && m.children["macros"] == nil:
		cur = []target{{mod: r.macros, def: -1}}
	case first == "self":
		cur = []target{{mod: m, def: -1}}
	case first == "super":
		if m.parent == nil {
			return nil
		}
		cur = []target{{mod: m.parent, def: -1}}
	case first == "Self":
		return nil
	default:
		cur = r.lookupName(m, first, false, depth+1)
		if len(cur) == 0 && m != r.kernel && m.crate == "kernel" {
			// #[macro_export] macros and `pub use` at the crate root are in scope by path.
			if ds := r.kernel.defs[first]; len(ds) > 0 && r.defs[ds[0]].it.MacroExport {
				for _, d := range ds {
					cur = append(cur, target{def: d})
				}
			}
		}
		if len(cur) == 0 && externCrates[first] {
			cur = []target{{def: -1, ext: first}}
		}
	}
	for _, seg := range segs[1:] {
		var next []target
		for _, t := range cur {
			switch {
			case t.mod != nil:
				if seg == "super" {
					if t.mod.parent != nil {
						next = append(next, target{mod: t.mod.parent, def: -1})
					}
					continue
				}
				if seg == "self" {
					next = append(next, t)
					continue
				}
				found := r.lookupName(t.mod, seg, t.mod != m, depth+1)
				if len(found) == 0 && t.mod.parent == nil && externCrates[seg] {
					// crate::bindings without `pub use bindings;` at the root.
					found = []target{{def: -1, ext: seg}}
				}
				next = append(next, found...)
			case t.def >= 0:
				d := &r.defs[t.def]
				for _, mi := range d.members[seg] {
					next = append(next, target{def: mi})
				}
				if len(d.members[seg]) == 0 && d.it.Kind == KindType && d.it.AliasOf != "" {
					if a := r.typeDef(d.mod, d.it.AliasOf); a >= 0 && a != t.def {
						for _, mi := range r.defs[a].members[seg] {
							next = append(next, target{def: mi})
						}
					}
				}
			case t.ext != "":
				if seg != "self" {
					next = append(next, target{def: -1, ext: t.ext + "::" + seg})
				} else {
					next = append(next, t)
				}
			}
		}
		cur = next
		if len(cur) == 0 {
			return nil
		}
	}
	return cur
}

// publicNames lists what module m exports: pub child modules, pub definitions and the names
// of pub use declarations, globs expanded.
func (r *resolver) publicNames(m *rmod, busy map[*rmod]bool) map[string][]target {
	out := map[string][]target{}
	if busy[m] {
		return out
	}
	busy[m] = true
	defer delete(busy, m)
	for name, c := range m.children {
		if c.pub {
			out[name] = append(out[name], target{mod: c, def: -1})
		}
	}
	for name, ds := range m.defs {
		for _, di := range ds {
			if r.defs[di].it.Vis == "pub" {
				out[name] = append(out[name], target{def: di})
			}
		}
	}
	for _, u := range m.uses {
		if u.Vis != "pub" {
			continue
		}
		if u.Use.Glob {
			for _, t := range r.resolvePath(m, u.Use.Path, 0) {
				if t.mod != nil && t.mod != m {
					for name, ts := range r.publicNames(t.mod, busy) {
						if len(out[name]) == 0 {
							out[name] = ts
						}
					}
				}
			}
			continue
		}
		if name := u.Use.Name(); name != "" {
			out[name] = append(out[name], r.resolvePath(m, u.Use.Path, 0)...)
		}
	}
	return out
}

// publicPaths walks the public module graph from the crate roots and records every public
// path of every module and definition.
func (r *resolver) publicPaths() {
	type entry struct {
		m      *rmod
		prefix string
	}
	var queue []entry
	for _, root := range []*rmod{r.kernel, r.macros} {
		if root != nil {
			root.paths = []string{root.path}
			queue = append(queue, entry{root, root.path})
		}
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		names := r.publicNames(e.m, map[*rmod]bool{})
		keys := make([]string, 0, len(names))
		for k := range names {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, name := range keys {
			p := e.prefix + "::" + name
			for _, t := range names[name] {
				switch {
				case t.mod != nil:
					if t.mod.visits >= 3 || strings.Count(p, "::") > 8 || hasPath(t.mod.paths, p) {
						continue
					}
					t.mod.visits++
					t.mod.paths = append(t.mod.paths, p)
					queue = append(queue, entry{t.mod, p})
				case t.def >= 0:
					d := &r.defs[t.def]
					if d.it.MacroExport && e.m == r.kernel {
						p = "kernel::" + name
					}
					if !hasPath(d.paths, p) {
						d.paths = append(d.paths, p)
					}
				}
			}
		}
	}
	// Members: methods, variants and fields follow their type or trait.
	for di := range r.defs {
		r.memberPaths(di)
	}
	// Type aliases lend their paths to the methods of the aliased type
	// (kernel::sync::Mutex::lock for kernel::sync::lock::Lock::lock).
	for t, aliases := range r.aliasesOf {
		for _, a := range aliases {
			for _, ap := range r.defs[a].paths {
				for name, ms := range r.defs[t].members {
					for _, mi := range ms {
						if r.memberPublic(mi) && len(r.defs[mi].paths) > 0 && !hasPath(r.defs[mi].lent, ap+"::"+name) {
							r.defs[mi].lent = append(r.defs[mi].lent, ap+"::"+name)
						}
					}
				}
			}
		}
	}
	// Trait default methods are reachable through each implementing type.
	for _, im := range r.impls {
		if im.self < 0 || im.trait < 0 || len(r.defs[im.self].paths) == 0 {
			continue
		}
		for name, ms := range r.defs[im.trait].members {
			if len(r.defs[im.self].members[name]) > 0 {
				continue
			}
			for _, mi := range ms {
				if r.defs[mi].it.Kind != KindMethod || !r.defs[mi].it.HasBody || len(r.defs[mi].paths) == 0 {
					continue
				}
				for _, sp := range r.defs[im.self].paths {
					if !hasPath(r.defs[mi].lent, sp+"::"+name) {
						r.defs[mi].lent = append(r.defs[mi].lent, sp+"::"+name)
					}
				}
			}
		}
	}
}

// memberPaths gives a member the paths of its type, once its type has its own.
func (r *resolver) memberPaths(di int) {
	d := &r.defs[di]
	owner := d.parent
	if d.impl != nil {
		owner = d.self
	}
	if owner < 0 || len(d.paths) > 0 || !r.memberPublic(di) {
		return
	}
	r.memberPaths(owner)
	for _, p := range r.defs[owner].paths {
		d.paths = append(d.paths, p+"::"+d.it.Name)
	}
}

// memberPublic says whether a member is visible where its type is: trait items and variants
// always, trait impl members always, inherent impl members and fields when pub.
func (r *resolver) memberPublic(di int) bool {
	d := &r.defs[di]
	switch {
	case d.impl != nil && d.impl.Trait != "":
		return true
	case d.impl != nil:
		return d.it.Vis == "pub"
	case d.it.Kind == KindVariant:
		return true
	case d.parent >= 0 && r.defs[d.parent].it.Kind == KindTrait:
		return true
	}
	return d.it.Vis == "pub"
}

func hasPath(ps []string, p string) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// bestPath is the path to show for a definition: the shortest public path, where a prelude
// path counts one segment longer than it is, the canonical path winning ties.
func (r *resolver) bestPath(di int) string {
	if r.best == nil {
		r.best = make([]string, len(r.defs))
	}
	if p := r.best[di]; p != "" {
		return p
	}
	d := &r.defs[di]
	best := d.path
	if len(d.paths) > 0 {
		best = ""
		score := func(p string) int {
			s := strings.Count(p, "::") * 4
			if strings.Contains(p, "::prelude::") {
				s += 5 // kernel::error::code::EINVAL over kernel::prelude::EINVAL
			}
			if p != d.path {
				s++
			}
			return s
		}
		for _, p := range d.paths {
			if best == "" || score(p) < score(best) || score(p) == score(best) && p < best {
				best = p
			}
		}
	}
	r.best[di] = best
	return best
}

// buildItems turns the public definitions and modules into Items.
func (r *resolver) buildItems() {
	var items []Item
	for _, m := range r.mods {
		if len(m.paths) == 0 || m.missing {
			continue
		}
		it := Item{Path: m.path, Name: lastSeg(m.path), Kind: KindMod, Source: SourceKernel, Doc: m.doc, Cfg: m.cfg}
		if m.crate == "macros" {
			continue
		}
		if m.decl != nil {
			it.Sig = m.decl.Sig
			if m.decl.Inline {
				it.Loc = Loc{File: m.declFile, Start: m.decl.Start, End: m.decl.End}
			} else if m.file != nil {
				it.Loc = Loc{File: m.file.Path, Start: Pos{Line: 1}, End: Pos{Line: 1}}
			}
		} else if m.file != nil {
			it.Sig = "crate " + m.crate
			it.Loc = Loc{File: m.file.Path, Start: Pos{Line: 1}, End: Pos{Line: 1}}
		}
		it.Aliases = aliases(m.paths, m.path)
		items = append(items, it)
	}
	seen := map[string]bool{}
	for di := range r.defs {
		d := &r.defs[di]
		if len(d.paths) == 0 || !r.indexable(di) {
			continue
		}
		if seen[d.path] {
			continue // a second cfg alternative of the same item (two print_macro!s)
		}
		seen[d.path] = true
		it := Item{Path: d.path, Name: d.it.Name, Kind: d.it.Kind, Source: SourceKernel, Sig: d.it.Sig,
			Unsafe: d.it.Unsafe, Doc: d.it.Doc, Cfg: d.cfg,
			Loc: Loc{File: d.file.Path, Start: d.it.Start, End: d.it.End}}
		if d.mod.crate == "macros" {
			it.Source = SourceMacros
			it.Kind = KindMacro
		}
		it.Aliases = aliases(append(append([]string(nil), d.paths...), d.lent...), d.path)
		owner := d.parent
		if d.impl != nil {
			owner = d.self
		}
		if owner >= 0 {
			it.Parent = r.defs[owner].path
		}
		if d.trait >= 0 && d.impl != nil {
			it.Trait = r.defs[d.trait].path
		} else if d.impl != nil && d.impl.Trait != "" {
			it.Trait = d.impl.Trait
		}
		items = append(items, it)
	}
	r.res.Items = items
}

// indexable: the kinds the index keeps (not fields of private structs etc.).
func (r *resolver) indexable(di int) bool {
	d := &r.defs[di]
	if d.mod.crate == "macros" {
		return d.it.ProcMacro
	}
	return true
}

func aliases(paths []string, canonical string) []string {
	var out []string
	for _, p := range paths {
		if p != canonical {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
