// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"sort"
	"strings"
)

// The wrapper map: which public kernel:: APIs reach bindings::X.
//
// Every function, method, constant, static and macro_rules of the kernel crate, public or
// not, is a node of a call graph. A node's body is scanned for what it names: calls of paths
// (`B::lock(..)`, `$crate::print::call_printk(..)`), method calls (`.lock()`), macro
// invocations (`pr_warn!`, `$crate::print_macro!`), qualified calls (`<T as Trait>::f()`),
// other paths (`ReallocFunc::KREALLOC`, a constant holding a function pointer) and every
// `bindings::X` path (written as `bindings::X`, `crate::bindings::X`, or a name imported by
// `use crate::bindings::{...}`), including inside closures and macro arguments. Names resolve
// with the crate's module tree and use declarations; where the code does not say which
// function it means, the resolution is approximate but generous:
//
//   - `Self::f` and `self.f()` are the methods of the impl's self type (and the default methods
//     of the traits it implements); in a trait's default method they dispatch to the trait.
//   - `G::f` on a generic parameter dispatches to every impl of `f` in the traits bounding G
//     (`Lock::lock` calls `B::lock` with `B: Backend`, which reaches `MutexBackend::lock`
//     and `SpinLockBackend::lock`); a trait's own default method counts as an impl.
//   - `Type::f` resolves Type (through type aliases) and takes its associated items.
//   - `x.f()` on any other receiver may be any method named f that takes self, of a type or
//     trait (or a type alias of it) that the caller's file defines or imports: `p.read()` in
//     alloc/kvec.rs is core's pointer read, not kernel::uaccess::UserSliceReader::read.
//   - a call through a type alias (`$crate::sync::SpinLock::new(..)` in new_spinlock!) only
//     continues into trait impls of the implementors the alias names: Lock::new reaches both
//     MutexBackend::init and SpinLockBackend::init, new_spinlock! only the latter.
//   - a path that is not called only counts when it names a constant or static, so passing a
//     callback to C (`Some(Self::open_callback)`) is not taken for a call.
//
// From each bindings::X the graph is walked backwards (breadth first, at most maxWrapperDepth
// calls) to the public APIs that reach it: public functions and methods (including trait impl
// methods such as Drop::drop on a public type, shown as "kernel::firmware::Firmware::drop"),
// trait default methods, public constants and statics (kernel::alloc::flags::GFP_KERNEL for
// bindings::GFP_KERNEL, kernel::error::code::EINVAL for bindings::EINVAL) and
// #[macro_export] macros. Depth is the number of calls from the API to the binding (1 when
// it names bindings::X itself) and Via the chain that achieves it, each step under the name
// a user writes.
//
// An API is shown under the name a user writes: its shortest public path (kernel::sync::Arc,
// not the private kernel::sync::arc::Arc); a method of a type reached through one of the
// implementors named in a public type alias is shown on the alias (Lock::lock reaching
// mutex_lock through MutexBackend::lock is "kernel::sync::Mutex::lock", as
// `pub type Mutex<T> = Lock<T, MutexBackend>` says); a trait default method reached
// through one implementor is shown on that type (Allocator::alloc calling Self::realloc of
// Kmalloc is "kernel::alloc::allocator::Kmalloc::alloc").
//
// The APIs of one binding are ranked: safe before unsafe, documented before #[doc(hidden)]
// (the print helpers the pr_* macros call are hidden), fewer calls first, then the API whose
// type and method names share more words with the binding (rb_insert_color prefers
// RBTree::insert to VacantEntry::insert), then the shorter path. At most maxWrappers are kept.
// A binding no public API reaches has no entry; one reached only by unsafe APIs has them,
// flagged Unsafe (6.12's kmap_local_page: only the unsafe Page::read_raw and friends).
//
// Limits: only the kernel crate is walked, so an API of another crate that reaches the
// kernel crate (6.1's alloc::boxed::Box through the #[global_allocator]) is not seen;
// trait objects (`dyn Trait` calls) and function pointers stored in vtables are not
// followed; a method called on a receiver whose type the file never names is missed.

const (
	maxWrapperDepth = 8
	maxWrappers     = 24
)

// graph is the call graph over defs.
type graph struct {
	calls    [][]int          // def -> callees
	bindings [][]string       // def -> bindings::X it names
	callers  [][]int          // reverse of calls
	users    map[string][]int // binding -> defs naming it
	traits   map[string][]int // trait name -> trait defs
	// viaAlias marks calls made through a type alias (`$crate::sync::SpinLock::new(..)`):
	// caller, callee -> the alias def, so the walk does not take SpinLock::new for a caller
	// of MutexBackend::init (Lock::new serves both).
	viaAlias map[[2]int]int
}

func (r *resolver) graph() *graph {
	g := &graph{calls: make([][]int, len(r.defs)), bindings: make([][]string, len(r.defs)),
		callers: make([][]int, len(r.defs)), users: map[string][]int{}, traits: map[string][]int{},
		viaAlias: map[[2]int]int{}}
	for di := range r.defs {
		if r.defs[di].it.Kind == KindTrait {
			g.traits[r.defs[di].it.Name] = append(g.traits[r.defs[di].it.Name], di)
		}
	}
	for di := range r.defs {
		d := &r.defs[di]
		switch d.it.Kind {
		case KindFn, KindMethod, KindConst, KindStatic, KindMacro:
		default:
			continue
		}
		if d.mod.crate != "kernel" || d.it.Refs.empty() {
			continue
		}
		e := edgeSet{seen: map[int]bool{}, bseen: map[string]bool{}}
		for _, b := range d.it.Refs.Bindings {
			e.binding(b)
		}
		for _, c := range d.it.Refs.Calls {
			r.resolveCall(g, di, c, false, &e)
		}
		for _, p := range d.it.Refs.Paths {
			r.resolveCall(g, di, p, true, &e)
		}
		for _, m := range d.it.Refs.Methods {
			r.resolveMethod(g, di, m, &e)
		}
		for _, t := range d.it.Refs.TraitCalls {
			i := strings.LastIndex(t, "::")
			if i < 0 {
				continue
			}
			if tr := r.typeDef(d.mod, t[:i]); tr >= 0 && r.defs[tr].it.Kind == KindTrait {
				for _, c := range r.dispatch(tr, t[i+2:]) {
					e.add(c)
				}
			}
		}
		for _, m := range d.it.Refs.Macros {
			r.resolveMacro(di, m, &e)
		}
		delete(e.seen, di)
		for c := range e.seen {
			g.calls[di] = append(g.calls[di], c)
		}
		sort.Ints(g.calls[di])
		g.bindings[di] = e.bs
	}
	for di, cs := range g.calls {
		for _, c := range cs {
			g.callers[c] = append(g.callers[c], di)
		}
		for _, b := range g.bindings[di] {
			g.users[b] = append(g.users[b], di)
		}
	}
	return g
}

type edgeSet struct {
	seen  map[int]bool
	bseen map[string]bool
	bs    []string
}

func (e *edgeSet) add(di int) { e.seen[di] = true }

func (e *edgeSet) binding(x string) {
	if x != "" && !e.bseen[x] {
		e.bseen[x] = true
		e.bs = append(e.bs, x)
	}
}

func (e *edgeSet) ext(p string) {
	if rest, ok := strings.CutPrefix(p, "bindings::"); ok && rest != "" && isIdentStart(rest[0]) && !strings.Contains(rest, "::") {
		e.binding(rest)
	}
}

func callable(k Kind) bool { return k == KindFn || k == KindMethod || k == KindMacro }

// resolveCall resolves a called path (or, with valueOnly, a named constant).
func (r *resolver) resolveCall(g *graph, di int, p string, valueOnly bool, e *edgeSet) {
	d := &r.defs[di]
	segs := strings.Split(p, "::")
	keep := func(c int) {
		k := r.defs[c].it.Kind
		if valueOnly && (k == KindConst || k == KindStatic) || !valueOnly && (callable(k) || k == KindConst || k == KindStatic) {
			e.add(c)
		}
	}
	if len(segs) == 2 && (segs[0] == "Self" || r.isGeneric(d, segs[0])) {
		name := segs[1]
		var found []int
		if segs[0] == "Self" {
			found = r.selfMembers(di, name, false)
		} else {
			found = r.genericMembers(g, d, segs[0], name)
		}
		for _, c := range found {
			keep(c)
		}
		return
	}
	ts := r.resolvePath(d.mod, p, 0)
	alias := -1
	if len(segs) >= 2 && !valueOnly {
		if a := r.typeDef(d.mod, strings.Join(segs[:len(segs)-1], "::")); a >= 0 && r.defs[a].it.Kind == KindType && len(r.defs[a].it.AliasArgs) > 0 {
			alias = a
		}
	}
	n := 0
	for _, t := range ts {
		switch {
		case t.ext != "":
			e.ext(t.ext)
		case t.def >= 0:
			keep(t.def)
			if alias >= 0 {
				g.viaAlias[[2]int{di, t.def}] = alias
			}
			n++
		}
	}
	if n > 0 || len(segs) < 2 || valueOnly {
		return
	}
	// Type::f where Type did not resolve to members: a trait path dispatches; otherwise match
	// by the type's name.
	prefix := strings.Join(segs[:len(segs)-1], "::")
	name := segs[len(segs)-1]
	if t := r.typeDef(d.mod, prefix); t >= 0 {
		if r.defs[t].it.Kind == KindTrait {
			for _, c := range r.dispatch(t, name) {
				keep(c)
			}
			return
		}
		for _, c := range r.typeMembers(t, name, false) {
			keep(c)
		}
		return
	}
	tname := segs[len(segs)-2]
	if !startsUpper(tname) {
		return
	}
	for _, c := range r.byName[name] {
		cd := &r.defs[c]
		if cd.impl != nil && lastSeg(cd.impl.SelfType) == tname {
			keep(c)
		}
	}
}

func (r *resolver) isGeneric(d *def, name string) bool {
	for _, gp := range d.it.Generic {
		if gp.Name == name {
			return true
		}
	}
	return false
}

// genericMembers dispatches G::name through the traits bounding G.
func (r *resolver) genericMembers(g *graph, d *def, gname, name string) []int {
	var out []int
	for _, gp := range d.it.Generic {
		if gp.Name != gname {
			continue
		}
		for _, b := range gp.Bounds {
			for _, tr := range g.traits[b] {
				out = append(out, r.dispatch(tr, name)...)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	// Unknown bounds (a bound through a supertrait): every trait with such a member.
	for _, trs := range g.traits {
		for _, tr := range trs {
			if len(r.defs[tr].members[name]) > 0 {
				out = append(out, r.dispatch(tr, name)...)
			}
		}
	}
	return out
}

// dispatch returns the trait's own default method name and every impl of it.
func (r *resolver) dispatch(tr int, name string) []int {
	var out []int
	for _, m := range r.defs[tr].members[name] {
		if r.defs[m].it.HasBody || r.defs[m].it.Kind == KindConst {
			out = append(out, m)
		}
	}
	for ii := range r.impls {
		if r.impls[ii].trait != tr {
			continue
		}
		for _, m := range r.impls[ii].defs {
			if r.defs[m].it.Name == name {
				out = append(out, m)
			}
		}
	}
	return out
}

// typeMembers returns the associated items name of type t: its impls' items (through type
// aliases) and the default methods of the traits it implements.
func (r *resolver) typeMembers(t int, name string, needSelf bool) []int {
	var out []int
	for hop := 0; hop < 4 && t >= 0; hop++ {
		for _, m := range r.defs[t].members[name] {
			if !needSelf || r.defs[m].it.HasSelf {
				out = append(out, m)
			}
		}
		for _, ii := range r.defs[t].impls {
			tr := r.impls[ii].trait
			if tr < 0 {
				continue
			}
			for _, m := range r.defs[tr].members[name] {
				if r.defs[m].it.HasBody && (!needSelf || r.defs[m].it.HasSelf) {
					out = append(out, m)
				}
			}
		}
		if len(out) > 0 || r.defs[t].it.Kind != KindType || r.defs[t].it.AliasOf == "" {
			break
		}
		t = r.typeDef(r.defs[t].mod, r.defs[t].it.AliasOf)
	}
	return out
}

// selfMembers resolves Self::name or self.name() inside def di.
func (r *resolver) selfMembers(di int, name string, needSelf bool) []int {
	d := &r.defs[di]
	if d.self >= 0 {
		if out := r.typeMembers(d.self, name, needSelf); len(out) > 0 {
			return out
		}
	}
	tr := d.trait
	if d.impl == nil && d.parent >= 0 && r.defs[d.parent].it.Kind == KindTrait {
		tr = d.parent
	}
	if tr >= 0 {
		var out []int
		for _, m := range r.dispatch(tr, name) {
			if !needSelf || r.defs[m].it.HasSelf {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func (r *resolver) resolveMethod(g *graph, di int, m string, e *edgeSet) {
	if name, ok := strings.CutPrefix(m, "self."); ok {
		if found := r.selfMembers(di, name, true); len(found) > 0 {
			for _, c := range found {
				e.add(c)
			}
			return
		}
		m = name
	}
	// x.m() on an unknown receiver: a method m of a type (or trait) the caller's file can
	// name, so `ptr.read()` in kvec.rs is not taken for UserSliceReader::read.
	inScope := r.fileScope(r.defs[di].file)
	for _, c := range r.byName[m] {
		cd := &r.defs[c]
		if !cd.it.HasSelf || cd.mod.crate != "kernel" {
			continue
		}
		if cd.file == r.defs[di].file || r.ownerInScope(c, inScope) {
			e.add(c)
		}
	}
}

// ownerInScope says whether the type or trait owning method c, or a type alias of it, is
// named in scope.
func (r *resolver) ownerInScope(c int, scope map[string]bool) bool {
	cd := &r.defs[c]
	owners := []int{cd.parent, cd.self, cd.trait}
	for _, o := range owners {
		if o < 0 {
			continue
		}
		if scope[r.defs[o].it.Name] {
			return true
		}
		for _, a := range r.aliasesOf[o] {
			if scope[r.defs[a].it.Name] {
				return true
			}
		}
	}
	if cd.impl != nil && cd.self < 0 && scope[lastSeg(cd.impl.SelfType)] {
		return true
	}
	return false
}

// fileScope returns the names a file defines or imports (globs expanded).
func (r *resolver) fileScope(f *CrateFile) map[string]bool {
	if s, ok := r.scopes[f]; ok {
		return s
	}
	s := map[string]bool{}
	for i := range f.Items {
		s[f.Items[i].Name] = true
	}
	for _, m := range r.mods {
		if m.file != f {
			continue
		}
		for _, u := range m.uses {
			if !u.Use.Glob {
				s[u.Use.Name()] = true
				s[lastSeg(u.Use.Path)] = true
				continue
			}
			for _, t := range r.resolvePath(m, u.Use.Path, 0) {
				if t.mod != nil {
					for name := range r.publicNames(t.mod, map[*rmod]bool{}) {
						s[name] = true
					}
				}
			}
		}
	}
	if r.scopes == nil {
		r.scopes = map[*CrateFile]map[string]bool{}
	}
	r.scopes[f] = s
	return s
}

func (r *resolver) resolveMacro(di int, m string, e *edgeSet) {
	name := lastSeg(m)
	for _, c := range r.kernel.defs[name] {
		if r.defs[c].it.Kind == KindMacro {
			e.add(c)
		}
	}
	// A macro_rules without #[macro_export] is visible in its own file (textual scope).
	for _, c := range r.localMacros[name] {
		if r.defs[c].file == r.defs[di].file {
			e.add(c)
		}
	}
}

// wrappers computes the wrapper map.
func (r *resolver) wrappers() map[string][]Wrapper {
	g := r.graph()
	out := map[string][]Wrapper{}
	n := len(r.defs)
	dist := make([]int, n)
	next := make([]int, n)
	gen := make([]int, n)
	stamp := 0
	var queue []int
	bnames := make([]string, 0, len(g.users))
	for b := range g.users {
		bnames = append(bnames, b)
	}
	sort.Strings(bnames)
	for _, b := range bnames {
		stamp++
		queue = queue[:0]
		for _, u := range g.users[b] {
			if gen[u] != stamp {
				gen[u] = stamp
				dist[u] = 1
				next[u] = -1
				queue = append(queue, u)
			}
		}
		for qi := 0; qi < len(queue); qi++ {
			u := queue[qi]
			if dist[u] >= maxWrapperDepth {
				continue
			}
			for _, c := range g.callers[u] {
				if a, ok := g.viaAlias[[2]int{c, u}]; ok && gen[c] != stamp && !r.aliasAgrees(a, u, next) {
					continue
				}
				if gen[c] != stamp {
					gen[c] = stamp
					dist[c] = dist[u] + 1
					next[c] = u
					queue = append(queue, c)
				}
			}
		}
		var ws []rankedWrapper
		var chain []int
		for _, u := range queue {
			if !r.isAPI(u) {
				continue
			}
			chain = chain[:0]
			for c := u; c >= 0 && len(chain) <= maxWrapperDepth; c = next[c] {
				chain = append(chain, c)
			}
			ws = append(ws, r.wrapper(b, chain, dist[u]))
		}
		if len(ws) == 0 {
			continue
		}
		sort.SliceStable(ws, func(i, j int) bool { return ws[i].less(&ws[j]) })
		var list []Wrapper
		seen := map[string]bool{}
		for _, w := range ws {
			if seen[w.API] {
				continue
			}
			seen[w.API] = true
			list = append(list, w.Wrapper)
			if len(list) == maxWrappers {
				break
			}
		}
		out["bindings::"+b] = list
	}
	return out
}

// aliasAgrees says whether the chain from u (following next) fits type alias a: it must not
// go through a trait impl of a type the alias does not name when the alias names another
// implementor of that trait (SpinLock = Lock<T, SpinLockBackend> does not reach
// MutexBackend::init).
func (r *resolver) aliasAgrees(a, u int, next []int) bool {
	args := map[string]bool{}
	for _, x := range r.defs[a].it.AliasArgs {
		args[x] = true
	}
	for c, hops := u, 0; c >= 0 && hops <= maxWrapperDepth; c, hops = next[c], hops+1 {
		cd := &r.defs[c]
		if cd.impl == nil || cd.trait < 0 || args[lastSeg(cd.impl.SelfType)] {
			continue
		}
		for ii := range r.impls {
			if r.impls[ii].trait == cd.trait && args[lastSeg(r.impls[ii].fi.SelfType)] {
				return false
			}
		}
	}
	return true
}

// isAPI: a public fn, method, trait default method, constant, static or exported macro of the
// kernel crate.
func (r *resolver) isAPI(di int) bool {
	d := &r.defs[di]
	if len(d.paths) == 0 || d.mod.crate != "kernel" {
		return false
	}
	switch d.it.Kind {
	case KindFn, KindMethod:
		return d.it.HasBody
	case KindMacro:
		return d.it.MacroExport
	case KindConst, KindStatic:
		// `pub const GFP_KERNEL: Flags = Flags(bindings::GFP_KERNEL)`: the typed constant
		// is what a module should use.
		return true
	}
	return false
}

type rankedWrapper struct {
	Wrapper
	hidden   bool
	affinity int
}

func (a *rankedWrapper) less(b *rankedWrapper) bool {
	if a.Unsafe != b.Unsafe {
		return !a.Unsafe
	}
	if a.hidden != b.hidden {
		return !a.hidden
	}
	if a.Depth != b.Depth {
		return a.Depth < b.Depth
	}
	if a.affinity != b.affinity {
		return a.affinity > b.affinity
	}
	if len(a.API) != len(b.API) {
		return len(a.API) < len(b.API)
	}
	return a.API < b.API
}

func (r *resolver) wrapper(binding string, chain []int, depth int) rankedWrapper {
	u := chain[0]
	d := &r.defs[u]
	api := r.present(chain)
	w := rankedWrapper{Wrapper: Wrapper{API: api, Depth: depth, Unsafe: d.it.Unsafe}}
	w.Via = make([]string, 0, len(chain))
	w.Via = append(w.Via, api)
	for i := 1; i < len(chain); i++ {
		w.Via = append(w.Via, r.present(chain[i:]))
	}
	w.hidden = d.hidden || strings.Contains(api, "::__") || strings.HasPrefix(d.it.Name, "__")
	w.affinity = affinity(binding, api)
	return w
}

// present names the API at the head of chain as a user would write it.
func (r *resolver) present(chain []int) string {
	u := chain[0]
	d := &r.defs[u]
	name := d.it.Name
	// A trait default method reached through one implementor: show it on that type.
	if d.impl == nil && d.parent >= 0 && r.defs[d.parent].it.Kind == KindTrait && len(chain) > 1 {
		c := &r.defs[chain[1]]
		if c.impl != nil && c.trait == d.parent && c.self >= 0 && len(r.defs[c.self].paths) > 0 {
			return r.bestPath(c.self) + "::" + name
		}
	}
	// A method of a type that a public alias names with one of the chain's implementors.
	if d.self >= 0 {
		impls := map[string]bool{}
		for _, c := range chain[1:] {
			if cd := &r.defs[c]; cd.impl != nil {
				impls[lastSeg(cd.impl.SelfType)] = true
			}
		}
		var best string
		for _, a := range r.aliasesOf[d.self] {
			ad := &r.defs[a]
			if len(ad.paths) == 0 {
				continue
			}
			for _, arg := range ad.it.AliasArgs {
				if impls[arg] && !r.isGenericName(ad, arg) {
					p := r.bestPath(a) + "::" + name
					if best == "" || len(p) < len(best) || len(p) == len(best) && p < best {
						best = p
					}
				}
			}
		}
		if best != "" {
			return best
		}
	}
	return r.bestPath(u)
}

func (r *resolver) isGenericName(d *def, name string) bool {
	head := d.it.Sig
	if i := strings.Index(head, "="); i >= 0 {
		head = head[:i]
	}
	i := strings.Index(head, "<")
	if i < 0 {
		return false
	}
	for _, p := range splitTop(strings.Trim(strings.TrimSpace(head[i:]), "<>")) {
		p, _, _ = strings.Cut(p, ":")
		if strings.TrimSpace(p) == name {
			return true
		}
	}
	return false
}

// affinity counts the words of binding that the API's type and method names share.
func affinity(binding, api string) int {
	segs := strings.Split(api, "::")
	if len(segs) > 2 {
		segs = segs[len(segs)-2:]
	}
	var words []string
	for _, s := range segs {
		for _, w := range strings.Split(strings.ToLower(s), "_") {
			if w != "" {
				words = append(words, w)
			}
		}
	}
	n := 0
	for _, b := range strings.Split(strings.ToLower(binding), "_") {
		if len(b) < 2 {
			continue
		}
		for _, w := range words {
			if w == b || len(b) >= 2 && strings.HasPrefix(w, b) || len(w) >= 3 && strings.HasPrefix(b, w) {
				n++
				break
			}
		}
	}
	return n
}
