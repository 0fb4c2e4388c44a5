// SPDX-License-Identifier: GPL-2.0-only

// Package hover answers "what is this?" for a position in a kernel Rust file: a `kernel::`
// item (through the file's `use` declarations and `use kernel::prelude::*`), a `bindings::`
// item with the C helper behind it and the safe APIs over it, or a key of a module macro.
// It knows no protocol: offsets are bytes into the text, the answer is markdown.
package hover

import (
	"fmt"
	"regexp"
	"strings"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/rustfile"
)

// Range is a half-open byte range of the text.
type Range struct{ Start, End int }

// Result is a hover: markdown, and the range of the text it is about.
type Result struct {
	Markdown string
	Range    Range
}

// Hoverer holds the hooks of other file kinds. The zero value works.
type Hoverer struct {
	// Config, when set, describes the Kconfig option name ("CONFIG_NET") under the cursor in
	// `#[cfg(CONFIG_NET)]`, `cfg!(CONFIG_NET)` and anywhere else a CONFIG_ name is written
	// outside bindings:: paths; "" when unknown. The Kconfig model fills it.
	Config func(name string) string
}

// Rust is (&Hoverer{}).Rust: hover without the Kconfig hook.
func Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) (*Result, error) {
	return (&Hoverer{}).Rust(ix, f, text, offset)
}

// Rust returns the hover at offset of the parsed file f, or nil, nil when there is nothing to
// say. ix may be nil (then only what the file itself tells is shown).
func (h *Hoverer) Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) (*Result, error) {
	if f == nil || offset < 0 || offset > len(text) {
		return nil, nil
	}
	if m := f.MacroAt(offset); m != nil {
		for _, k := range m.Keys {
			if k.NameRange.Contains(offset) {
				return keyHover(ix, m, k), nil
			}
			if k.Name == "license" && len(k.Strings) == 1 && k.Value.Start <= offset && offset <= k.Value.End {
				return licenseHover(k), nil
			}
		}
	}
	for _, b := range f.Bindings {
		if b.NameRange.Contains(offset) {
			return &Result{Markdown: Binding(ix, b.Name), Range: Range{b.NameRange.Start, b.NameRange.End}}, nil
		}
	}
	p := f.PathAt(offset)
	if p != nil && len(p.Segments) == 1 && strings.HasPrefix(p.Segments[0], "CONFIG_") {
		if h.Config == nil {
			return nil, nil
		}
		if md := h.Config(p.Segments[0]); md != "" {
			return &Result{Markdown: md, Range: Range{p.Range.Start, p.Range.End}}, nil
		}
		return nil, nil
	}
	if ix == nil || p == nil {
		return nil, nil
	}
	it := Resolve(ix, f, p)
	if it == nil {
		return nil, nil
	}
	return &Result{Markdown: Item(ix, it), Range: Range{p.Range.Start, p.Range.End}}, nil
}

// Resolve finds the index item a path of the file names: through the file's uses and glob
// imports, through re-exports (the index's aliases), and for a path whose prefix is a
// re-exported type (`Mutex::new` with Mutex from the prelude), through the canonical path of
// that prefix. Macros also resolve at the crate root (`#[macro_export]`).
func Resolve(ix *index.Index, f *rustfile.File, p *rustfile.PathAt) *index.Item {
	if ix == nil {
		return nil
	}
	segs := p.Segments
	var cands []string
	if p.InUse || p.Global {
		cands = []string{strings.Join(segs, "::")}
	} else {
		cands = f.Resolve(segs)
	}
	if p.Macro && len(segs) == 1 {
		cands = append(cands, "kernel::"+segs[0], "macros::"+segs[0])
	}
	for _, c := range cands {
		// `current!` is the macro, `current` a variable of the file: only a macro
		// invocation resolves to a macro_rules! macro, and only a macro invocation is one.
		// Proc macros of the macros crate are also used as attributes (#[vtable]).
		if it := lookup(ix, c); it != nil && (it.Kind == index.KindMacro && (p.Macro || it.Source == index.SourceMacros) || it.Kind != index.KindMacro && !p.Macro) {
			return it
		}
	}
	return nil
}

// lookup finds path, retrying with the longest prefix that resolves replaced by the
// canonical path of its item.
func lookup(ix *index.Index, path string) *index.Item {
	if it := ix.Lookup(path); it != nil {
		return it
	}
	segs := strings.Split(path, "::")
	for n := len(segs) - 1; n >= 2; n-- {
		it := ix.Lookup(strings.Join(segs[:n], "::"))
		if it == nil {
			continue
		}
		if it.Path == strings.Join(segs[:n], "::") {
			return nil
		}
		return ix.Lookup(it.Path + "::" + strings.Join(segs[n:], "::"))
	}
	return nil
}

// Item renders a kernel item: signature, path, flags, doc, definition place.
func Item(ix *index.Index, it *index.Item) string {
	var b strings.Builder
	if it.Sig != "" {
		fmt.Fprintf(&b, "```rust\n%s\n```\n\n", it.Sig)
	}
	fmt.Fprintf(&b, "**%s**", it.Path)
	if it.Kind != "" {
		fmt.Fprintf(&b, " · %s", it.Kind)
	}
	if it.Unsafe {
		b.WriteString(" · `unsafe`")
	}
	if it.Cfg != "" {
		fmt.Fprintf(&b, " · only with `cfg(%s)`", it.Cfg)
	}
	if it.Trait != "" {
		fmt.Fprintf(&b, " · impl of `%s`", it.Trait)
	}
	b.WriteString("\n")
	if doc := Doc(it.Doc); doc != "" {
		b.WriteString("\n" + doc + "\n")
	}
	if it.Loc.File != "" {
		fmt.Fprintf(&b, "\nDefined in `%s:%d`", it.Loc.File, it.Loc.Start.Line)
		if it.Generated {
			b.WriteString(" (generated)")
		}
		b.WriteString("\n")
	}
	if u := check.DocURL(ix, it.Path); u != "" {
		fmt.Fprintf(&b, "\n[Documentation](%s)\n", u)
	}
	return b.String()
}

// Binding renders bindings::name: its C declaration (the helper's when it goes through one,
// else the Rust extern signature), the helper and what it wraps, and the safe APIs over it.
func Binding(ix *index.Index, name string) string {
	var b strings.Builder
	if ix == nil {
		return fmt.Sprintf("**bindings::%s** · C binding (no kernel index loaded)\n", name)
	}
	it := ix.Binding(name)
	h := ix.Helper(name)
	via := ""
	if it == nil && h == nil {
		// 6.1: rust/bindings/lib.rs defines some constants by hand from BINDINGS_name.
		if it = ix.Binding("BINDINGS_" + name); it != nil {
			via = "BINDINGS_" + name
		}
	}
	switch {
	case h != nil && h.Sig != "":
		fmt.Fprintf(&b, "```c\n%s\n```\n\n", h.Sig)
	case it != nil && it.Sig != "":
		fmt.Fprintf(&b, "```rust\n%s\n```\n\n", it.Sig)
	}
	fmt.Fprintf(&b, "**bindings::%s**", name)
	if it != nil && it.Kind != "" {
		fmt.Fprintf(&b, " · %s", it.Kind)
	}
	b.WriteString(" · C binding\n")
	if via != "" {
		fmt.Fprintf(&b, "\nDefined in rust/bindings/lib.rs from the generated `bindings::%s`.\n", via)
	}
	if it == nil && h == nil {
		fmt.Fprintf(&b, "\nNot in this tree's bindings nor its C helpers: a `static inline` function or a macro needs a `rust_helper_%s` in rust/helpers/.\n", name)
		return b.String()
	}
	if h != nil {
		fmt.Fprintf(&b, "\nGoes through the C helper `%s` (`%s:%d`)", h.CName, h.Loc.File, h.Loc.Start.Line)
		if h.Wraps != "" {
			fmt.Fprintf(&b, ", which wraps `%s`", h.Wraps)
		}
		b.WriteString(": the C function is `static inline` or a macro, with no symbol of its own.\n")
	}
	if ws := ix.WrappersOf(name); len(ws) > 0 {
		b.WriteString("\nSafe API:\n")
		for i, w := range ws {
			if i == 5 {
				fmt.Fprintf(&b, "- … and %d more\n", len(ws)-5)
				break
			}
			fmt.Fprintf(&b, "- `%s`", w.API)
			if w.Depth > 1 && len(w.Via) > 1 {
				fmt.Fprintf(&b, " (via `%s`)", strings.Join(w.Via[1:], "` → `"))
			}
			b.WriteString("\n")
		}
	} else {
		b.WriteString("\nNo safe abstraction in the kernel crate yet.\n")
	}
	if it != nil && it.Loc.File != "" {
		fmt.Fprintf(&b, "\nGenerated in `%s:%d`\n", it.Loc.File, it.Loc.Start.Line)
	}
	return b.String()
}

func keyHover(ix *index.Index, m *rustfile.MacroCall, k *rustfile.KeyValue) *Result {
	var s *index.ModuleMacro
	if ix != nil {
		s = ix.Module(m.Name)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** · key of `%s!`", k.Name, m.Name)
	var sk *index.ModuleKey
	if s != nil {
		sk = s.Key(k.Name)
	}
	if s != nil && sk == nil {
		fmt.Fprintf(&b, "\n\nNot a key of `%s!` in this tree. Its keys, in order: %s.\n", m.Name, keyList(s))
		return &Result{Markdown: b.String(), Range: Range{k.NameRange.Start, k.NameRange.End}}
	}
	if sk != nil {
		if sk.Required {
			b.WriteString(" · required")
		} else {
			b.WriteString(" · optional")
		}
		if sk.Value != "" {
			fmt.Fprintf(&b, " · %s", sk.Value)
		}
	}
	b.WriteString("\n")
	doc := check.KeyDocs[k.Name]
	if sk != nil && sk.Doc != "" {
		doc = sk.Doc
	}
	if doc != "" {
		b.WriteString("\n" + doc + "\n")
	}
	if k.Name == "license" {
		b.WriteString("\nAccepted: ")
		for i, l := range check.Licenses {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%q`", l)
		}
		b.WriteString(" (include/linux/license.h).\n")
	}
	if s != nil {
		fmt.Fprintf(&b, "\nKeys of `%s!`, in order: %s.\n", m.Name, keyList(s))
	}
	return &Result{Markdown: b.String(), Range: Range{k.NameRange.Start, k.NameRange.End}}
}

// licenseHover says whether a license string is one the kernel accepts.
func licenseHover(k *rustfile.KeyValue) *Result {
	lic := k.Strings[0]
	ok := false
	for _, l := range check.Licenses {
		ok = ok || l == lic
	}
	var b strings.Builder
	if ok {
		fmt.Fprintf(&b, "License %q: GPL-compatible for the kernel (include/linux/license.h); the module can use the GPL-only Rust symbols.\n", lic)
	} else {
		fmt.Fprintf(&b, "License %q: **not** accepted as GPL-compatible; the module cannot use the GPL-only Rust symbols and taints the kernel.\n", lic)
	}
	b.WriteString("\nAccepted: ")
	for i, l := range check.Licenses {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "`%q`", l)
	}
	b.WriteString(".\n")
	return &Result{Markdown: b.String(), Range: Range{k.Value.Start, k.Value.End}}
}

func keyList(s *index.ModuleMacro) string {
	var names []string
	for _, k := range s.Keys {
		n := "`" + k.Name + "`"
		if k.Required {
			n += " (required)"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

var (
	// [`Foo`](crate::x::Foo), [text](super::x), [`x.h`](srctree/include/x.h): a link to a path
	// rather than a URL.
	pathLink = regexp.MustCompile(`\[([^\]]+)\]\(([A-Za-z_][A-Za-z0-9_:<>!@#./-]*)\)`)
	// [`Foo`] or [`Foo`][ref] as intra-doc links.
	refLink = regexp.MustCompile("\\[(`[^`\\]]+`)\\](?:\\[[^\\]]*\\])?")
	// [`Foo`]: target reference definitions.
	refDef = regexp.MustCompile(`(?m)^\s*\[([^\]]+)\]:\s*(\S+)\s*$\n?`)
)

// Doc makes a rustdoc comment readable as plain markdown: intra-doc links lose their
// targets ([`Foo`](crate::x::Foo) and [`Foo`] become `Foo`), reference definitions to paths
// go while those to URLs stay (so [`pr_info`] with a URL definition stays a link), and the
// hidden lines ("# use …") of code examples are dropped, blank runs squeezed.
func Doc(doc string) string {
	if doc == "" {
		return ""
	}
	urls := map[string]bool{}
	for _, m := range refDef.FindAllStringSubmatch(doc, -1) {
		if strings.Contains(m[2], "://") {
			urls[m[1]] = true
		}
	}
	lines := strings.Split(doc, "\n")
	var out []string
	inCode := false
	blank := func() bool { return len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" }
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") {
			if inCode {
				for blank() {
					out = out[:len(out)-1]
				}
			}
			inCode = !inCode
			if inCode && (t == "```" || strings.HasPrefix(t, "```rust") || strings.HasPrefix(t, "```ignore") || strings.HasPrefix(t, "```no_run") || strings.HasPrefix(t, "```compile_fail")) {
				l = strings.Replace(l, t, "```rust", 1)
			}
			out = append(out, l)
			continue
		}
		if inCode {
			if t == "#" || strings.HasPrefix(t, "# ") {
				continue
			}
			if t == "" && (blank() || strings.HasPrefix(strings.TrimSpace(out[len(out)-1]), "```")) {
				continue
			}
		}
		out = append(out, l)
	}
	s := strings.Join(out, "\n")
	s = refDef.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "://") {
			return m
		}
		return ""
	})
	s = pathLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := pathLink.FindStringSubmatch(m)
		if strings.Contains(sub[2], "://") {
			return m
		}
		return sub[1]
	})
	s = refLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := refLink.FindStringSubmatch(m)
		if urls[sub[1]] && !strings.Contains(m, "][") {
			return m
		}
		return sub[1]
	})
	return strings.TrimSpace(s)
}
