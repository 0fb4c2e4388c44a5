// SPDX-License-Identifier: GPL-2.0-only

// Package definition answers "where is this defined?" for a position in a kernel Rust file:
// `kernel::` items go to their source in rust/kernel/, `bindings::X` to its line in the
// bindgen output and, when it goes through a C helper, to the rust_helper_X function too;
// module macro keys go to the macro's definition. It knows no protocol.
package definition

import (
	"strings"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/rustfile"
)

// Location is a range in a file: absolute path, 1-based lines and 0-based byte columns (as
// index.Pos); the server converts the columns to UTF-16.
type Location struct {
	Path      string
	Line, Col int
	// EndLine and EndCol end the range; equal to Line, Col for a point.
	EndLine, EndCol int
}

func loc(ix *index.Index, l index.Loc, generated bool) Location {
	out := Location{Path: ix.Abs(l, generated), Line: l.Start.Line, Col: l.Start.Col, EndLine: l.End.Line, EndCol: l.End.Col}
	if out.EndLine == 0 {
		out.EndLine, out.EndCol = out.Line, out.Col
	}
	return out
}

// Definer holds the hooks of other file kinds. The zero value works.
type Definer struct {
	// Config, when set, returns where the Kconfig option name ("CONFIG_NET") is defined
	// (its `config NET` entries), for a CONFIG_ name written outside bindings:: paths
	// (`#[cfg(CONFIG_NET)]`, `cfg!(CONFIG_NET)`). The Kconfig model fills it.
	Config func(name string) []Location
}

// Rust is (&Definer{}).Rust: definitions without the Kconfig hook.
func Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) ([]Location, error) {
	return (&Definer{}).Rust(ix, f, text, offset)
}

// Rust returns the definitions of what is at offset of the parsed file f, nil, nil when
// nothing is known (no index, a local name, a method call on a value).
func (d *Definer) Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) ([]Location, error) {
	if f == nil || offset < 0 || offset > len(text) {
		return nil, nil
	}
	if p := f.PathAt(offset); p != nil && len(p.Segments) == 1 && strings.HasPrefix(p.Segments[0], "CONFIG_") && !inBindings(f, offset) {
		if d.Config == nil {
			return nil, nil
		}
		return d.Config(p.Segments[0]), nil
	}
	if ix == nil {
		return nil, nil
	}
	if m := f.MacroAt(offset); m != nil {
		for _, k := range m.Keys {
			if k.NameRange.Contains(offset) {
				if s := ix.Module(m.Name); s != nil && s.Loc.File != "" {
					return []Location{loc(ix, s.Loc, false)}, nil
				}
				return nil, nil
			}
		}
	}
	for _, b := range f.Bindings {
		if !b.NameRange.Contains(offset) {
			continue
		}
		var out []Location
		if it := ix.Binding(b.Name); it != nil && it.Loc.File != "" {
			out = append(out, loc(ix, it.Loc, it.Generated))
		}
		if h := ix.Helper(b.Name); h != nil && h.Loc.File != "" {
			out = append(out, loc(ix, h.Loc, false))
		}
		if len(out) == 0 {
			// 6.1: rust/bindings/lib.rs defines some constants from BINDINGS_name.
			if it := ix.Binding("BINDINGS_" + b.Name); it != nil && it.Loc.File != "" {
				out = append(out, loc(ix, it.Loc, it.Generated))
			}
		}
		return out, nil
	}
	p := f.PathAt(offset)
	if p == nil {
		return nil, nil
	}
	if it := hover.Resolve(ix, f, p); it != nil && it.Loc.File != "" {
		return []Location{loc(ix, it.Loc, it.Generated)}, nil
	}
	return nil, nil
}

func inBindings(f *rustfile.File, off int) bool {
	for _, b := range f.Bindings {
		if b.Range.Contains(off) {
			return true
		}
	}
	return false
}
