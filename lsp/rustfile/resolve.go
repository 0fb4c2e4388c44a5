// SPDX-License-Identifier: GPL-2.0-only

package rustfile

import "strings"

// PathAt is the path under a cursor.
type PathAt struct {
	// Segments are the path segments from the first to the one under the cursor, e.g.
	// ["kernel", "sync", "Mutex"] for the cursor on Mutex in kernel::sync::Mutex::new.
	Segments []string
	// Range is the range of the segment under the cursor; Full the path from its first
	// segment to the segment under the cursor.
	Range, Full Range
	// Macro is true when the path is invoked as a macro (`pr_info!`).
	Macro bool
	// Global is true for a path written with a leading `::`.
	Global bool
	// InUse is true inside a use declaration; then Segments include the use prefix of an
	// enclosing use group (`use kernel::sync::{Arc, Mutex}` gives kernel::sync::Mutex).
	InUse bool
}

// Path returns the segments joined with "::".
func (p *PathAt) Path() string { return strings.Join(p.Segments, "::") }

// PathAt returns the path whose segment is under off, or nil when off is not on an
// identifier.
func (f *File) PathAt(off int) *PathAt {
	ci := f.CodeAt(off)
	if ci < 0 {
		return nil
	}
	if k, _ := f.ckind(ci); k != Ident {
		return nil
	}
	start := f.pathBack(ci)
	p := &PathAt{Range: Range{f.startOf(ci), f.endOf(ci)}, Full: Range{f.startOf(start), f.endOf(ci)}}
	for k := start; k <= ci; k++ {
		if kind, _ := f.ckind(k); kind == Ident {
			p.Segments = append(p.Segments, f.ctext(k))
		}
	}
	if f.cis(start, Punct, "::") {
		p.Global = true
	}
	if f.cis(ci+1, Punct, "!") {
		p.Macro = true
	}
	for _, u := range f.Uses {
		if u.Decl.Start <= off && off <= u.Decl.End {
			p.InUse = true
			p.Segments = append(f.usePrefix(start, u.Decl), p.Segments...)
			break
		}
	}
	return p
}

// usePrefix returns the path segments of the use groups enclosing code index ci inside the
// declaration decl: for `use a::{b::{c, d}}` and ci on d, [a b].
func (f *File) usePrefix(ci int, decl Range) []string {
	var groups [][]string
	for k := f.enclosingCode(ci); k >= 0 && f.startOf(k) >= decl.Start; k = f.enclosingCode(k) {
		if !f.cis(k, Punct, "{") || !f.cis(k-1, Punct, "::") {
			break
		}
		s := f.pathBack(k - 2)
		var segs []string
		for j := s; j <= k-2; j++ {
			if kind, _ := f.ckind(j); kind == Ident && f.ctext(j) != "use" {
				segs = append(segs, f.ctext(j))
			}
		}
		groups = append(groups, segs)
	}
	var out []string
	for i := len(groups) - 1; i >= 0; i-- {
		out = append(out, groups[i]...)
	}
	return out
}

// Resolve returns the candidate full paths of a path as written in this file, best first:
// the path itself when it starts at a crate (kernel, bindings, uapi, macros, core, …), then
// the path through the `use` that binds its first segment, then through each glob import
// (`use kernel::prelude::*` makes Mutex resolve to kernel::prelude::Mutex) unless the file
// declares that name itself. The caller tries each against its index.
func (f *File) Resolve(segs []string) []string {
	if len(segs) == 0 {
		return nil
	}
	rest := strings.Join(segs[1:], "::")
	join := func(base string) string {
		if rest == "" {
			return base
		}
		return base + "::" + rest
	}
	var out []string
	switch segs[0] {
	case "kernel", "bindings", "uapi", "macros", "core", "alloc", "ffi":
		out = append(out, strings.Join(segs, "::"))
	case "crate", "self", "super":
		return nil
	}
	for _, u := range f.Uses {
		if !u.Glob && u.Name == segs[0] && u.Name != "_" {
			out = append(out, join(u.Path))
		}
	}
	// A name the file declares itself shadows the glob imports.
	if f.Decl(segs[0]) != nil {
		return out
	}
	for _, u := range f.Uses {
		if u.Glob {
			out = append(out, u.Path+"::"+strings.Join(segs, "::"))
		}
	}
	return out
}

// PathBefore is the qualified path being typed before a cursor: `kernel::sy|` gives
// Segments ["kernel"] and Prefix "sy"; `phy::|` gives ["phy"] and "".
type PathBefore struct {
	Segments []string
	Prefix   string
	// PrefixRange is the range of Prefix (empty at the cursor when nothing is typed yet).
	PrefixRange Range
	InUse       bool // inside a use declaration (Segments include the enclosing use groups)
	Global      bool // the path starts with `::`
}

// PathBefore returns the qualified path ending at off, or nil when the cursor does not follow
// `segment::` (optionally with an identifier being typed).
func (f *File) PathBefore(off int) *PathBefore {
	// The last code token ending at or before off.
	lo, hi := 0, len(f.code)
	for lo < hi {
		m := (lo + hi) / 2
		if f.Tokens[f.code[m]].End <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	ci := lo - 1
	if ci < 0 {
		return nil
	}
	p := &PathBefore{PrefixRange: Range{off, off}}
	if k, _ := f.ckind(ci); k == Ident && f.endOf(ci) == off {
		p.Prefix = f.ctext(ci)
		p.PrefixRange = Range{f.startOf(ci), off}
		ci--
	}
	if !f.cis(ci, Punct, "::") || ci < 1 {
		return nil
	}
	if k, _ := f.ckind(ci - 1); k != Ident {
		return nil
	}
	start := f.pathBack(ci - 1)
	for k := start; k < ci; k++ {
		if kind, _ := f.ckind(k); kind == Ident {
			p.Segments = append(p.Segments, f.ctext(k))
		}
	}
	p.Global = f.cis(start, Punct, "::")
	for _, u := range f.Uses {
		if u.Decl.Start <= off && off <= u.Decl.End {
			p.InUse = true
			p.Segments = append(f.usePrefix(start, u.Decl), p.Segments...)
			break
		}
	}
	if len(p.Segments) > 0 && p.Segments[0] == "use" {
		p.Segments = p.Segments[1:]
	}
	return p
}
