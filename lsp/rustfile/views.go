// SPDX-License-Identifier: GPL-2.0-only

package rustfile

import (
	"strings"

	"krls.dev/krls/index"
)

// IsModuleMacro reports whether name (without '!') is a module-declaring macro: module and
// the module_*_driver family (module_phy_driver in rust/kernel/net/phy.rs, and
// module_platform_driver, module_pci_driver… in later trees). module_driver itself is the
// internal helper those expand to and is not called by modules.
func IsModuleMacro(name string) bool {
	return name == "module" ||
		strings.HasPrefix(name, "module_") && strings.HasSuffix(name, "_driver") && name != "module_driver"
}

func (f *File) inMacroDef(off int) bool {
	for _, r := range f.macroDefs {
		if r.Start <= off && off < r.End {
			return true
		}
	}
	return false
}

// findMacroDefs records the bodies of macro_rules! definitions: a module macro invocation
// inside one uses metavariables and is not the module's own declaration.
func (f *File) findMacroDefs() {
	for ci := 0; ci+3 < len(f.code); ci++ {
		if f.cis(ci, Ident, "macro_rules") && f.cis(ci+1, Punct, "!") && f.isOpen(ci+3) {
			cl := f.closeOf(ci + 3)
			f.macroDefs = append(f.macroDefs, Range{f.startOf(ci + 3), f.endOf(cl)})
		}
	}
}

// pathBack returns the first code index of the path ending with the identifier at ci
// (`a::b::ci`, a leading `::` or `$crate::` included).
func (f *File) pathBack(ci int) int {
	start := ci
	for start >= 2 && f.cis(start-1, Punct, "::") {
		k, _ := f.ckind(start - 2)
		if k != Ident {
			break
		}
		start -= 2
	}
	if start >= 1 && f.cis(start-1, Punct, "::") {
		start--
	}
	if start >= 1 && f.cis(start, Ident, "crate") && f.cis(start-1, Punct, "$") {
		start--
	}
	return start
}

func (f *File) joined(from, to int) string {
	var b strings.Builder
	for k := from; k <= to; k++ {
		b.WriteString(f.ctext(k))
	}
	return b.String()
}

func (f *File) findModuleMacros() {
	for ci := 0; ci+2 < len(f.code); ci++ {
		if k, _ := f.ckind(ci); k != Ident || !f.cis(ci+1, Punct, "!") || !f.isOpen(ci+2) {
			continue
		}
		name := f.ctext(ci)
		if !IsModuleMacro(name) || f.inMacroDef(f.startOf(ci)) {
			continue
		}
		if ci > 0 && f.cis(ci-1, Ident, "macro_rules") {
			continue
		}
		start := f.pathBack(ci)
		open := ci + 2
		cl := f.closeOf(open)
		m := &MacroCall{
			Name:      name,
			Path:      f.joined(start, ci),
			NameRange: Range{f.startOf(start), f.endOf(ci)},
			Body:      Range{f.startOf(open), f.endOf(cl)},
			Closed:    cl < len(f.code),
			TopLevel:  f.depth[start] == 0,
		}
		if !m.Closed {
			m.Body.End = len(f.Text)
		}
		f.parseKeys(m, open+1, cl)
		f.Macros = append(f.Macros, m)
		ci = open // keys are not scanned again for nested invocations
	}
}

// nextComma returns the code index of the first ',' at the group level of from, or end.
func (f *File) nextComma(from, end int) int {
	k := from
	for k < end {
		if f.cis(k, Punct, ",") {
			return k
		}
		if f.isOpen(k) {
			k = f.closeOf(k) + 1
			continue
		}
		k++
	}
	return end
}

// valueEnd is nextComma for a key's entry, also stopping before a `key:` that starts a new
// line: while the user types `type: ` above `name: "x",`, the value is missing rather than
// `name: "x"`.
func (f *File) valueEnd(from, end int) int {
	k := from + 1
	for k < end {
		if f.cis(k, Punct, ",") {
			return k
		}
		if f.isOpen(k) {
			k = f.closeOf(k) + 1
			continue
		}
		if kind, _ := f.ckind(k); kind == Ident && f.cis(k+1, Punct, ":") && k > from+1 &&
			strings.IndexByte(string(f.Text[f.endOf(k-1):f.startOf(k)]), '\n') >= 0 {
			return k
		}
		k++
	}
	return end
}

// parseKeys reads `key: value,` entries from code tokens [from, end).
func (f *File) parseKeys(m *MacroCall, from, end int) {
	k := from
	for k < end {
		kk, _ := f.ckind(k)
		comma := f.valueEnd(k, end)
		if kk != Ident {
			m.Problems = append(m.Problems, Problem{Range{f.startOf(k), f.endOf(k)}, "expected a key name"})
			k = comma
			if f.cis(comma, Punct, ",") {
				k++
			}
			continue
		}
		kv := &KeyValue{Name: f.ctext(k), NameRange: Range{f.startOf(k), f.endOf(k)}, Order: len(m.Keys)}
		vs := k + 1
		if f.cis(k+1, Punct, ":") {
			vs = k + 2
		} else {
			m.Problems = append(m.Problems, Problem{kv.NameRange, "expected ':' after " + kv.Name})
		}
		kv.Value = Range{f.endOf(vs - 1), f.endOf(vs - 1)}
		if vs < comma {
			kv.Value = Range{f.startOf(vs), f.endOf(comma - 1)}
		}
		kv.ValueText = string(f.Text[kv.Value.Start:kv.Value.End])
		f.classify(kv, vs, comma)
		kv.Entry = Range{kv.NameRange.Start, kv.Value.End}
		if comma < end && f.cis(comma, Punct, ",") {
			kv.Comma = true
			kv.Entry.End = f.endOf(comma)
		}
		m.Keys = append(m.Keys, kv)
		k = comma
		if kv.Comma {
			k++
		}
	}
}

// classify sets Kind, Strings and Elems of a value made of code tokens [vs, ve).
func (f *File) classify(kv *KeyValue, vs, ve int) {
	if vs >= ve {
		return
	}
	t := f.Code(vs)
	if vs+1 == ve {
		switch t.Kind {
		case String, ByteString:
			kv.Kind = index.ValueString
			if t.Kind == ByteString {
				kv.Kind = index.ValueByteString
			}
			if s, ok := Unquote(string(f.Text[t.Start:t.End])); ok {
				kv.Strings = []string{s}
			}
			return
		case Ident:
			kv.Kind = index.ValueIdent
			return
		}
	}
	if f.isOpen(vs) && f.closeOf(vs) == ve-1 {
		switch f.Text[t.Start] {
		case '{':
			kv.Kind = index.ValueParams
			return
		case '[':
			kv.Kind = f.classifyArray(kv, vs+1, ve-1)
			return
		}
	}
	// A plain path (foo::Bar) is an identifier value too.
	path := true
	for k := vs; k < ve; k++ {
		kind, _ := f.ckind(k)
		if (k-vs)%2 == 0 && kind != Ident || (k-vs)%2 == 1 && !f.cis(k, Punct, "::") {
			path = false
			break
		}
	}
	if path && (ve-vs)%2 == 1 {
		kv.Kind = index.ValueIdent
		return
	}
	kv.Kind = index.ValueExpr
}

func (f *File) classifyArray(kv *KeyValue, from, end int) index.ValueKind {
	allStr, allIdent := true, true
	for k := from; k < end; {
		c := f.nextComma(k, end)
		if c > k {
			kv.Elems = append(kv.Elems, Range{f.startOf(k), f.endOf(c - 1)})
			single := c == k+1
			kind, _ := f.ckind(k)
			if single && (kind == String || kind == ByteString) {
				t := f.Code(k)
				if s, ok := Unquote(string(f.Text[t.Start:t.End])); ok {
					kv.Strings = append(kv.Strings, s)
				}
			} else {
				allStr = false
			}
			if !single || kind != Ident {
				allIdent = false
			}
		}
		k = c + 1
	}
	switch {
	case len(kv.Elems) == 0 || allStr:
		return index.ValueStringArray
	case allIdent:
		return index.ValueIdentArray
	}
	return index.ValueExprArray
}

// findUses reads every use declaration (at any depth: fn bodies and inline modules too).
func (f *File) findUses() {
	for ci := 0; ci < len(f.code); ci++ {
		if !f.cis(ci, Ident, "use") {
			continue
		}
		start := ci
		if ci >= 1 && f.cis(ci-1, Ident, "pub") {
			start = ci - 1
		} else if ci >= 1 && f.cis(ci-1, Punct, ")") {
			if o := int(f.match[ci-1]); o >= 1 && f.cis(o-1, Ident, "pub") {
				start = o - 1
			}
		}
		end := ci + 1
		for end < len(f.code) && !f.cis(end, Punct, ";") {
			if f.isOpen(end) && f.Text[f.startOf(end)] != '{' {
				break
			}
			if f.isOpen(end) {
				end = f.closeOf(end)
			}
			end++
		}
		decl := Range{f.startOf(start), f.endOf(end)}
		if end >= len(f.code) {
			decl.End = len(f.Text)
		}
		n := len(f.Uses)
		f.useTree(ci+1, end, nil)
		for _, u := range f.Uses[n:] {
			u.Decl = decl
		}
		ci = end
	}
}

// useTree reads one use tree starting at code index ci, stopping at end; it returns the
// index after the tree.
func (f *File) useTree(ci, end int, prefix []string) int {
	segs := append([]string(nil), prefix...)
	if ci < end && f.cis(ci, Punct, "::") {
		ci++
	}
	for ci < end {
		t := f.Code(ci)
		switch {
		case t.Kind == Ident:
			name := f.ctext(ci)
			ci++
			if ci < end && f.cis(ci, Punct, "::") {
				segs = append(segs, name)
				ci++
				continue
			}
			u := &Use{Range: Range{t.Start, t.End}}
			if name == "self" && len(segs) > 0 {
				u.Path, u.Name = strings.Join(segs, "::"), segs[len(segs)-1]
			} else {
				u.Path, u.Name = strings.Join(append(segs, name), "::"), name
			}
			if ci+1 < end && f.cis(ci, Ident, "as") {
				u.Name = f.ctext(ci + 1)
				ci += 2
			}
			f.Uses = append(f.Uses, u)
			return ci
		case f.cis(ci, Punct, "*"):
			f.Uses = append(f.Uses, &Use{Path: strings.Join(segs, "::"), Glob: true, Range: Range{t.Start, t.End}})
			return ci + 1
		case f.cis(ci, Punct, "{"):
			cl := f.closeOf(ci)
			k := ci + 1
			for k < cl && k < end {
				next := f.useTree(k, cl, segs)
				if next <= k {
					next = k + 1
				}
				k = f.nextComma(next, cl) + 1
			}
			return cl + 1
		default:
			return ci + 1
		}
	}
	return ci
}

// findBindings records every path starting with bindings:: (optionally behind kernel::,
// crate::, $crate:: or a leading ::).
func (f *File) findBindings() {
	for ci := 0; ci+2 < len(f.code); ci++ {
		if !f.cis(ci, Ident, "bindings") || !f.cis(ci+1, Punct, "::") {
			continue
		}
		start := ci
		if ci >= 1 && f.cis(ci-1, Punct, "::") {
			switch {
			case ci >= 2 && (f.cis(ci-2, Ident, "kernel") || f.cis(ci-2, Ident, "crate")):
				start = f.pathBack(ci - 2)
			case ci >= 2 && f.cis(ci-2, Ident, "super"):
				continue
			default:
				if k, _ := f.ckind(ci - 2); ci >= 2 && k == Ident {
					continue // foo::bindings:: is some other module
				}
				start = ci - 1
			}
		} else if ci >= 1 && f.cis(ci-1, Punct, ".") {
			continue
		}
		switch {
		case f.cis(ci+2, Punct, "{"):
			cl := f.closeOf(ci + 2)
			for k := ci + 3; k < cl; k = f.nextComma(k, cl) + 1 {
				if kind, _ := f.ckind(k); kind == Ident && !f.cis(k, Ident, "self") {
					f.addBinding(start, ci, k)
				}
			}
			ci = cl
		default:
			if kind, _ := f.ckind(ci + 2); kind == Ident {
				f.addBinding(start, ci, ci+2)
				ci += 2
			}
		}
	}
}

// addBinding records the path from code index start, with `bindings` at b and the name at n.
func (f *File) addBinding(start, b, n int) {
	last := n
	for f.cis(last+1, Punct, "::") {
		if kind, _ := f.ckind(last + 2); kind != Ident {
			break
		}
		last += 2
	}
	r := &PathRef{
		Name:      f.ctext(n),
		Range:     Range{f.startOf(start), f.endOf(last)},
		NameRange: Range{f.startOf(n), f.endOf(n)},
	}
	if n == b+2 {
		r.Written = f.joined(start, last)
	} else {
		r.Written = f.joined(start, b+1) + f.joined(n, last)
		r.Range = r.NameRange
	}
	for _, u := range f.Uses {
		if u.Decl.Start <= r.Range.Start && r.Range.End <= u.Decl.End {
			r.InUse = true
			break
		}
	}
	r.InMacro = f.inMacroCall(start)
	if !r.InUse && f.cis(last+1, Punct, "(") {
		open := last + 1
		cl := f.closeOf(open)
		c := &Call{Parens: Range{f.startOf(open), f.endOf(cl)}}
		if cl >= len(f.code) {
			c.Parens.End = len(f.Text)
		}
		for k := open + 1; k < cl; {
			e := f.nextComma(k, cl)
			if e > k {
				c.Args = append(c.Args, Range{f.startOf(k), f.endOf(e - 1)})
			}
			k = e + 1
		}
		r.Call = c
	}
	f.Bindings = append(f.Bindings, r)
}

// inMacroCall reports whether code token ci is inside the token tree of a macro invocation
// (`name!(…)`) or of a macro_rules! definition.
func (f *File) inMacroCall(ci int) bool {
	for k := f.enclosingCode(ci); k >= 0; k = f.enclosingCode(k) {
		if k >= 2 && f.cis(k-1, Punct, "!") {
			if kind, _ := f.ckind(k - 2); kind == Ident {
				return true
			}
		}
		if k >= 3 && f.cis(k-2, Punct, "!") && f.cis(k-3, Ident, "macro_rules") {
			return true
		}
	}
	return false
}

// enclosingCode returns the code index of the innermost opener around code token ci, -1 at
// top level.
func (f *File) enclosingCode(ci int) int {
	if ci < 0 || ci >= len(f.parent) {
		return -1
	}
	return int(f.parent[ci])
}

// findUnsafe records unsafe blocks and impls with the comments before them.
func (f *File) findUnsafe() {
	for ci := 0; ci+1 < len(f.code); ci++ {
		if !f.cis(ci, Ident, "unsafe") {
			continue
		}
		kw := f.Code(ci)
		u := &Unsafe{Keyword: Range{kw.Start, kw.End}}
		switch {
		case f.cis(ci+1, Punct, "{"):
			u.Kind = UnsafeBlock
			u.Range = Range{kw.Start, f.endOf(f.closeOf(ci + 1))}
		case f.cis(ci+1, Ident, "impl"):
			u.Kind = UnsafeImpl
			k := ci + 2
			for k < len(f.code) && !f.cis(k, Punct, "{") && !f.cis(k, Punct, ";") {
				k++
			}
			if k < len(f.code) && f.cis(k, Punct, "{") {
				k = f.closeOf(k)
			}
			u.Range = Range{kw.Start, f.endOf(k)}
		default:
			continue
		}
		if u.Range.End > len(f.Text) {
			u.Range.End = len(f.Text)
		}
		f.commentsBefore(u, ci)
		// Comments were collected backwards.
		for i, j := 0, len(u.Comments)-1; i < j; i, j = i+1, j-1 {
			u.Comments[i], u.Comments[j] = u.Comments[j], u.Comments[i]
		}
		u.LineStart = f.LineStart(kw.Start)
		u.Indent = f.Indent(kw.Start)
		f.Unsafe = append(f.Unsafe, u)
	}
}

// commentsBefore collects the comments between the start of the statement or item holding
// the unsafe keyword at code index kw and the keyword, backwards. The walk stops at ';', at
// the '{' of the enclosing block and at a '}' ending its line (a previous block statement or
// item); a group closed on the same line as what follows it (`let S { a, b } = …`,
// `f(x) = …`) is part of the statement and is skipped whole.
func (f *File) commentsBefore(u *Unsafe, kw int) {
	collect := func(fromTok, toTok int) { // comment tokens in (fromTok, toTok), backwards
		for ti := toTok - 1; ti > fromTok; ti-- {
			t := f.Tokens[ti]
			if t.Kind != Comment {
				continue
			}
			u.Comments = append(u.Comments, Range{t.Start, t.End})
			if !u.HasSafety() && strings.Contains(string(f.Text[t.Start:t.End]), "SAFETY:") {
				u.Safety = Range{t.Start, t.End}
			}
		}
	}
	ci := kw - 1
	// The bound keeps a file of one huge expression holding many unsafe blocks linear.
	for steps := 0; ci >= 0 && steps < 4000; ci, steps = ci-1, steps+1 {
		collect(int(f.code[ci]), int(f.code[ci+1]))
		t := f.Tokens[f.code[ci]]
		if t.Kind != Punct || t.End-t.Start != 1 {
			continue
		}
		switch f.Text[t.Start] {
		case ';', '{', '[', '(':
			if f.Text[t.Start] == ';' || f.Text[t.Start] == '{' {
				return
			}
		case ')', ']', '}':
			m := int(f.match[ci])
			if m < 0 || m > ci {
				return
			}
			if f.Text[t.Start] == '}' {
				next := f.startOf(ci + 1)
				if strings.IndexByte(string(f.Text[t.End:next]), '\n') >= 0 {
					return // a block ending its line: the previous statement
				}
			}
			ci = m // skip the group; the loop steps before its opener
		}
	}
	if ci < 0 {
		collect(-1, int(f.code[0]))
	}
}

// Allowed returns the ranges where an `#[allow(…)]` or `#[expect(…)]` attribute naming lint
// (e.g. "undocumented_unsafe_blocks") is in force: for an outer attribute, the item,
// statement or block it precedes; for an inner one (`#![allow(…)]`), the enclosing block,
// or the whole file at the top level. cfg_attr(…, allow(…)) counts as always on.
func (f *File) Allowed(lint string) []Range {
	var out []Range
	for ci := 0; ci+1 < len(f.code); ci++ {
		if !f.cis(ci, Punct, "#") {
			continue
		}
		open, inner := ci+1, false
		if f.cis(open, Punct, "!") {
			open, inner = open+1, true
		}
		if !f.cis(open, Punct, "[") {
			continue
		}
		cl := f.closeOf(open)
		body := string(f.Text[f.startOf(open):f.endOf(min(cl, len(f.code)-1))])
		if !strings.Contains(body, lint) || !strings.Contains(body, "allow") && !strings.Contains(body, "expect") {
			ci = cl
			continue
		}
		if inner {
			if e := f.enclosingCode(ci); e >= 0 {
				out = append(out, Range{f.startOf(e), f.endOf(f.closeOf(e))})
			} else {
				out = append(out, Range{0, len(f.Text)})
			}
			ci = cl
			continue
		}
		// The next `{…}` or `;` at this depth ends what the attribute applies to.
		k := cl + 1
		for k < len(f.code) && !f.cis(k, Punct, "{") && !f.cis(k, Punct, ";") {
			if f.isOpen(k) {
				k = f.closeOf(k)
			} else if f.match[k] >= 0 && int(f.match[k]) < k {
				break // the enclosing group closes: an attribute on the last expression
			}
			k++
		}
		end := f.endOf(min(k, len(f.code)-1))
		if f.cis(k, Punct, "{") {
			end = f.endOf(min(f.closeOf(k), len(f.code)-1))
		}
		out = append(out, Range{f.startOf(ci), end})
		ci = cl
	}
	return out
}
