// SPDX-License-Identifier: GPL-2.0-only

// Package index builds and persists the symbol database of one kernel tree: the public items of
// the `kernel` and `macros` crates, the bindgen output (`bindings::` and `uapi::`), the C helpers
// behind `bindings::X` for static inline functions and macros, the map from each binding to the
// safe `kernel::` APIs that reach it, and the `module!` key schema of the tree.
//
// An Index is immutable once built: the server and `krls lint` share it across goroutines.
package index

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// Kind is the kind of an indexed item.
type Kind string

// The item kinds. Method covers functions in inherent and trait impls and trait method
// declarations; Field covers struct and union fields; Variant covers enum variants.
const (
	KindMod     Kind = "mod"
	KindFn      Kind = "fn"
	KindMethod  Kind = "method"
	KindStruct  Kind = "struct"
	KindEnum    Kind = "enum"
	KindVariant Kind = "variant"
	KindUnion   Kind = "union"
	KindTrait   Kind = "trait"
	KindConst   Kind = "const"
	KindStatic  Kind = "static"
	KindType    Kind = "type"
	KindMacro   Kind = "macro"
	KindField   Kind = "field"
)

// Source says which part of the tree an item comes from.
type Source string

// The sources of items.
const (
	SourceKernel   Source = "kernel"   // rust/kernel/**
	SourceMacros   Source = "macros"   // rust/macros (proc macros)
	SourceBindings Source = "bindings" // bindings_generated.rs
	SourceHelpers  Source = "helpers"  // bindings_helpers_generated.rs, or rust/helpers*.c alone
	SourceUAPI     Source = "uapi"     // uapi_generated.rs
)

// Pos is a position in a file: 1-based line, 0-based byte column.
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Loc is a source range. File is relative to the kernel tree root for source files, and
// relative to the build tree for generated files (see Item.Generated); callers resolve it
// with Index.Abs.
type Loc struct {
	File  string `json:"file"`
	Start Pos    `json:"start"`
	End   Pos    `json:"end"`
}

// Item is one indexed public item.
type Item struct {
	// Path is the canonical path, e.g. "kernel::sync::Mutex", "kernel::sync::Mutex::lock",
	// "bindings::mutex_lock", "uapi::ioctl_foo", "kernel::pr_info" (exported macros live at
	// the crate root, as #[macro_export] puts them).
	Path string `json:"path"`
	// Aliases are the other paths that reach the item through `pub use` re-exports,
	// e.g. "kernel::prelude::KBox" for "kernel::alloc::kbox::KBox".
	Aliases []string `json:"aliases,omitempty"`
	Name    string   `json:"name"`
	Kind    Kind     `json:"kind"`
	Source  Source   `json:"source"`
	// Sig is the declaration without its body, on one line, e.g.
	// "pub fn lock(&self) -> Guard<'_, T, B>" or "pub fn mutex_lock(lock: *mut mutex)".
	Sig    string `json:"sig"`
	Unsafe bool   `json:"unsafe,omitempty"`
	// Doc is the doc comment, markdown, with the comment markers stripped.
	Doc string `json:"doc,omitempty"`
	// Cfg is the cfg condition in force, as written, e.g. "CONFIG_NET" or
	// "all(CONFIG_NET, not(CONFIG_X))"; nested conditions are joined with all(...).
	Cfg string `json:"cfg,omitempty"`
	// Parent is the path of the enclosing type or trait for methods, fields and variants.
	Parent string `json:"parent,omitempty"`
	// Trait names the trait of a method defined in a trait impl ("kernel::sync::lock::Backend").
	Trait string `json:"trait,omitempty"`
	// LinkName is the #[link_name] of a bindgen item (rust_helper_X for helpers).
	LinkName string `json:"link_name,omitempty"`
	// Generated is true when File is relative to the build tree.
	Generated bool `json:"generated,omitempty"`
	Loc       Loc  `json:"loc"`
}

// Helper is one C helper function rust_helper_X from rust/helpers.c or rust/helpers/*.c.
type Helper struct {
	Name    string `json:"name"`    // X, as bindings::X
	CName   string `json:"c_name"`  // rust_helper_X
	Wraps   string `json:"wraps"`   // the C function or macro the body calls, e.g. "mutex_lock"
	Sig     string `json:"sig"`     // the C declaration, e.g. "void rust_helper_mutex_lock(struct mutex *lock)"
	Return  string `json:"return"`  // C return type
	Const   bool   `json:"const"`   // a RUST_CONST_HELPER_X constant rather than a function
	Loc     Loc    `json:"loc"`     // relative to the tree root
	Binding string `json:"binding"` // "bindings::X"
}

// Wrapper is one safe API that reaches a binding.
type Wrapper struct {
	API string `json:"api"` // e.g. "kernel::sync::Mutex::lock"
	// Depth is the number of calls between the API and the binding: 1 when the API calls
	// bindings::X itself.
	Depth int `json:"depth"`
	// Via is the chain of paths from API to the binding, API first, binding excluded.
	Via []string `json:"via,omitempty"`
	// Unsafe is true when the API itself is an unsafe fn (ranked after every safe one).
	Unsafe bool `json:"unsafe,omitempty"`
}

// ValueKind is what a module macro key takes.
type ValueKind string

// The value kinds of module macro keys.
const (
	ValueIdent       ValueKind = "ident"        // type: MyModule
	ValueString      ValueKind = "string"       // "text"
	ValueByteString  ValueKind = "byte-string"  // b"text" (6.1)
	ValueStringArray ValueKind = "string-array" // ["a", "b"]
	ValueIdentArray  ValueKind = "ident-array"  // drivers: [A, B] (module_phy_driver!)
	ValueExprArray   ValueKind = "expr-array"   // device_table: [DeviceId::new_with_driver::<A>()]
	ValueParams      ValueKind = "params"       // params: { name: i32 { ... } }
	ValueExpr        ValueKind = "expr"         // anything else
)

// ModuleKey is one key of a module-declaring macro.
type ModuleKey struct {
	Name     string    `json:"name"`
	Required bool      `json:"required"`
	Value    ValueKind `json:"value"`
	// ASCII is true when the macro rejects text that is not ASCII (6.12's module.rs reads
	// name and license with expect_string_ascii and asserts is_ascii on array entries).
	ASCII bool   `json:"ascii,omitempty"`
	Doc   string `json:"doc,omitempty"`
}

// ModuleMacro is the schema of one module-declaring macro of the tree: module!,
// module_phy_driver!, module_platform_driver!, ...
type ModuleMacro struct {
	Name string `json:"name"` // "module", "module_phy_driver"
	// Keys in the order the macro demands (for module!, EXPECTED_KEYS of rust/macros/module.rs).
	Keys []ModuleKey `json:"keys"`
	// Ordered is true when the macro rejects keys out of order.
	Ordered bool `json:"ordered"`
	Loc     Loc  `json:"loc"`
}

// Key returns the key named name, or nil.
func (m *ModuleMacro) Key(name string) *ModuleKey {
	for i := range m.Keys {
		if m.Keys[i].Name == name {
			return &m.Keys[i]
		}
	}
	return nil
}

// FileInfo records one file the index read, for refreshing only what changed.
type FileInfo struct {
	Path      string `json:"path"` // relative to Root, or to Build when Generated
	Generated bool   `json:"generated,omitempty"`
	Size      int64  `json:"size"`
	ModTime   int64  `json:"mtime"` // unix nanoseconds; a cheap first test before hashing
	Hash      string `json:"hash"`  // hex sha256 of the content
}

// Problem is something the indexer could not read or understand; never fatal.
type Problem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// Index is the immutable database of one kernel tree.
type Index struct {
	Format  int    `json:"format"`  // FormatVersion when written
	Root    string `json:"root"`    // absolute source tree
	Build   string `json:"build"`   // absolute build tree (== Root for in-tree builds)
	Version string `json:"version"` // "6.12.117" from the top Makefile ("" if unknown)
	// HelpersLayout is "helpers.c" (up to 6.10), "helpers/" (6.11 on) or "" when absent.
	HelpersLayout string `json:"helpers_layout"`
	// Missing lists the parts of the tree that were not found, e.g.
	// "rust/bindings/bindings_generated.rs (no build yet: run make LLVM=1 prepare)".
	Missing  []string             `json:"missing,omitempty"`
	Problems []Problem            `json:"problems,omitempty"`
	Items    []Item               `json:"items"`
	Helpers  []Helper             `json:"helpers"`
	Wrappers map[string][]Wrapper `json:"wrappers"` // binding path -> safe APIs, best first
	Modules  []ModuleMacro        `json:"modules"`
	Files    []FileInfo           `json:"files"`
	// CrateFiles are the per-file parse results of the kernel and macros crates, kept so that
	// a refresh re-parses only the files that changed.
	CrateFiles []*CrateFile `json:"crate_files,omitempty"`
	// The lookup tables, built by Finish. Items are sorted by Path, so Lookup is a binary
	// search; byName is built on the first ByName call, which keeps Load fast.
	aliases  []aliasRef     // every alias, sorted by path then item
	byName   *nameTable     // last path segment -> items, built lazily
	helperBy map[string]int // binding name X -> index in Helpers
}

// aliasRef is one re-exported path of Items[item].
type aliasRef struct {
	path string
	item int
}

// nameTable indexes the items by name: first[name] is the first item, next[i] the next
// item after i with the same name (-1 at the end), both in Items order.
type nameTable struct {
	once  sync.Once
	first map[string]int32
	next  []int32
}

// Finish builds the lookup tables; Build and Load call it, tests that assemble an Index by
// hand must too. It sorts Items by Path, keeping the order of items with the same path.
func (ix *Index) Finish() {
	ix.sortItems()
	ix.aliases = ix.aliases[:0]
	for i := range ix.Items {
		for _, a := range ix.Items[i].Aliases {
			ix.aliases = append(ix.aliases, aliasRef{a, i})
		}
	}
	slices.SortFunc(ix.aliases, func(a, b aliasRef) int {
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return cmp.Compare(a.item, b.item)
	})
	ix.byName = &nameTable{}
	ix.helperBy = make(map[string]int, len(ix.Helpers))
	for i, h := range ix.Helpers {
		ix.helperBy[h.Name] = i
	}
}

// sortItems sorts Items by Path, stably. A loaded index is sorted already: checking costs
// one pass.
func (ix *Index) sortItems() {
	items := ix.Items
	sorted := true
	for i := 1; i < len(items); i++ {
		if items[i].Path < items[i-1].Path {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	// Sort a permutation rather than the 250-byte Items, then place each item once.
	perm := make([]int32, len(items))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		if c := strings.Compare(items[a].Path, items[b].Path); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	out := make([]Item, len(items))
	for i, p := range perm {
		out[i] = items[p]
	}
	ix.Items = out
}

// Lookup returns the item at path (canonical or re-exported), or nil. Canonical paths win
// over aliases; among equals, the first item in Items order.
func (ix *Index) Lookup(path string) *Item {
	items := ix.Items
	i, j := 0, len(items)
	for i < j {
		h := int(uint(i+j) >> 1)
		if items[h].Path < path {
			i = h + 1
		} else {
			j = h
		}
	}
	if i < len(items) && items[i].Path == path {
		return &items[i]
	}
	a, ok := slices.BinarySearchFunc(ix.aliases, path, func(r aliasRef, p string) int { return strings.Compare(r.path, p) })
	if ok {
		return &items[ix.aliases[a].item]
	}
	return nil
}

// ByName returns the items whose last path segment is name.
func (ix *Index) ByName(name string) []*Item {
	t := ix.byName
	if t == nil {
		return nil // not finished
	}
	t.once.Do(func() {
		t.first = make(map[string]int32, len(ix.Items))
		t.next = make([]int32, len(ix.Items))
		for i := len(ix.Items) - 1; i >= 0; i-- {
			n, ok := t.first[ix.Items[i].Name]
			if !ok {
				n = -1
			}
			t.next[i] = n
			t.first[ix.Items[i].Name] = int32(i)
		}
	})
	i, ok := t.first[name]
	if !ok {
		return nil
	}
	var out []*Item
	for ; i >= 0; i = t.next[i] {
		out = append(out, &ix.Items[i])
	}
	return out
}

// Binding returns bindings::name, or nil.
func (ix *Index) Binding(name string) *Item { return ix.Lookup("bindings::" + name) }

// Helper returns the C helper behind bindings::name, or nil.
func (ix *Index) Helper(name string) *Helper {
	if i, ok := ix.helperBy[name]; ok {
		return &ix.Helpers[i]
	}
	return nil
}

// WrappersOf returns the safe APIs reaching bindings::name, best first; nil when none does.
func (ix *Index) WrappersOf(name string) []Wrapper {
	return ix.Wrappers["bindings::"+strings.TrimPrefix(name, "bindings::")]
}

// Module returns the schema of the module-declaring macro name ("module",
// "module_phy_driver"), or nil when the tree has no such macro.
func (ix *Index) Module(name string) *ModuleMacro {
	for i := range ix.Modules {
		if ix.Modules[i].Name == name {
			return &ix.Modules[i]
		}
	}
	return nil
}

// Abs returns the absolute path of a location's file.
func (ix *Index) Abs(l Loc, generated bool) string {
	base := ix.Root
	if generated && ix.Build != "" {
		base = ix.Build
	}
	return joinPath(base, l.File)
}

// Counts returns the number of items per "source/kind".
func (ix *Index) Counts() map[string]int {
	m := map[string]int{}
	for i := range ix.Items {
		m[string(ix.Items[i].Source)+"/"+string(ix.Items[i].Kind)]++
	}
	return m
}
