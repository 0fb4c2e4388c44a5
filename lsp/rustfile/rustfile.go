// SPDX-License-Identifier: GPL-2.0-only

// Package rustfile parses one Rust source file of a kernel module and derives the views the
// language features need: the module-declaring macro invocations (module!,
// module_phy_driver!, module_*_driver!) with their keys and values, every `bindings::` path the
// user wrote, the `use` declarations, the `unsafe` blocks and impls with the comment before
// them, and the items the file declares.
//
// Two layers do the work. A small Go lexer gives the token stream; every derived view comes
// from it, because macro invocations are token trees to the grammar: `bindings::X` written
// inside `pr_info!(…)` or the keys of `module!{…}` are tokens, not paths, and only the tokens
// the user wrote must count (what kernel macros expand to never appears in the file). The
// tree-sitter Rust grammar gives the syntax errors and the declared items. The tree is closed
// before Parse returns, so a File is immutable and safe to share across goroutines (a
// tree-sitter tree is not: its node cache is an unguarded map).
//
// All ranges are byte offsets into the parsed text.
package rustfile

import (
	"context"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/rust"

	"krls.dev/krls/index"
)

// Range is a half-open byte range [Start, End) of the text.
type Range struct{ Start, End int }

// Contains reports whether off is inside r, its end included (a cursor right after a word is
// still on it).
func (r Range) Contains(off int) bool { return r.Start <= off && off <= r.End }

// File is a parsed Rust file and its derived views. It is immutable.
type File struct {
	Text   []byte
	Tokens []Token // all tokens, comments included, in order
	// Macros are the module-declaring macro invocations, in order.
	Macros []*MacroCall
	// Bindings are the `bindings::` paths the user wrote, in order, those in `use`
	// declarations and inside macro invocations included.
	Bindings []*PathRef
	Uses     []*Use
	Unsafe   []*Unsafe
	// Decls are the items the file declares (struct, enum, fn… followed by their name), in
	// order, at any depth.
	Decls []Decl

	syntaxOnce sync.Once
	errors     []Range

	code  []int32 // indexes into Tokens of the non-comment tokens
	match []int32 // for each code token that opens or closes a group, the code index of its pair; -1 if none
	depth []int32 // brace/paren/bracket nesting depth before each code token
	// parent is, for each code token, the code index of the innermost group opener
	// enclosing it (-1 at top level); a closer's parent is that of its opener.
	parent    []int32
	macroDefs []Range
}

// MacroCall is one invocation of a module-declaring macro.
type MacroCall struct {
	Name      string // last path segment without '!': "module", "module_phy_driver"
	Path      string // as written, e.g. "kernel::module_phy_driver"
	NameRange Range  // the path, '!' excluded
	// Body is the delimited token tree, delimiters included. When the closing delimiter is
	// missing, Body runs to the end of the text and Closed is false.
	Body   Range
	Closed bool
	// TopLevel is true when the invocation is outside every brace, paren and bracket.
	TopLevel bool
	Keys     []*KeyValue
	// Problems are the syntax problems of the body (a key that is not an identifier, a
	// missing ':').
	Problems []Problem
}

// Inner returns the range between the delimiters of the body.
func (m *MacroCall) Inner() Range {
	end := m.Body.End
	if m.Closed {
		end--
	}
	return Range{m.Body.Start + 1, end}
}

// Key returns the first key named name, or nil.
func (m *MacroCall) Key(name string) *KeyValue {
	for _, k := range m.Keys {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// KeyValue is one `key: value,` entry of a module macro.
type KeyValue struct {
	Name      string
	NameRange Range
	// Value is the range of the value tokens; empty (Start == End, right after the ':')
	// when the value is missing.
	Value     Range
	ValueText string
	// Kind is the literal kind of the value: index.ValueString, ValueByteString, ValueIdent,
	// ValueStringArray, ValueIdentArray, ValueExprArray, ValueParams (a {…} block),
	// ValueExpr (anything else), "" when missing.
	Kind index.ValueKind
	// Strings are the decoded strings of a string, byte string or string array value.
	Strings []string
	// Elems are the ranges of the elements of an array value (brackets excluded).
	Elems []Range
	Order int // 0-based position among the keys of the invocation
	// Entry runs from the key to the end of the value, the comma included when there is one.
	Entry Range
	Comma bool
}

// Problem is a syntax problem found while reading a macro body.
type Problem struct {
	Range   Range
	Message string
}

// PathRef is one path starting with `bindings::` (possibly `kernel::bindings::`,
// `crate::bindings::` or `::bindings::`) that the user wrote.
type PathRef struct {
	Written   string // the path as written, whitespace removed: "kernel::bindings::mutex_lock"
	Name      string // the first segment after bindings::, e.g. "mutex_lock"
	Range     Range  // the whole path
	NameRange Range  // the Name segment
	InUse     bool   // inside a use declaration
	InMacro   bool   // inside the token tree of a macro invocation
	// Call is set when the path is immediately called: `bindings::X(args)`.
	Call *Call
}

// Call is the argument list of a call.
type Call struct {
	Parens Range   // from '(' to ')' included
	Args   []Range // each argument, trimmed; empty for ()
}

// Use is one name a `use` declaration brings into scope.
type Use struct {
	// Path is the full path: "kernel::sync::Mutex"; for a glob, the path before "::*".
	Path string
	// Name is the name bound in the file: the last segment, or the alias of `as`; "" for a glob.
	Name  string
	Glob  bool
	Range Range // the last segment (or '*') as written
	Decl  Range // the whole declaration, from `use` (or `pub`) to ';' included
}

// UnsafeKind says what an `unsafe` keyword introduces.
type UnsafeKind string

// The kinds of unsafe code the file views record.
const (
	UnsafeBlock UnsafeKind = "block" // unsafe { … }
	UnsafeImpl  UnsafeKind = "impl"  // unsafe impl Trait for T {}
)

// Unsafe is one `unsafe` block or impl.
type Unsafe struct {
	Kind    UnsafeKind
	Keyword Range // the `unsafe` keyword
	Range   Range // keyword to closing brace (or to the end of the impl header when bodiless)
	// Comments are the comments between the previous statement or item boundary and the
	// keyword (what a reader sees "just before" the unsafe code).
	Comments []Range
	// Safety is the comment that documents the unsafe code ("// SAFETY: …"), or empty.
	Safety Range
	// LineStart is the offset of the start of the keyword's line, Indent its indentation.
	LineStart int
	Indent    string
}

// HasSafety reports whether a SAFETY comment precedes the unsafe code.
func (u *Unsafe) HasSafety() bool { return u.Safety.End > u.Safety.Start }

// Decl is an item declared in the file.
type Decl struct {
	Kind      string // "struct", "enum", "union", "type", "fn", "trait", "const", "static", "mod", "macro"
	Name      string
	NameRange Range
	TopLevel  bool
}

var parsers = sync.Pool{New: func() any {
	p := sitter.NewParser()
	p.SetLanguage(rust.GetLanguage())
	return p
}}

// Parse parses text. It never fails: a file tree-sitter cannot parse still has its token
// views, and its syntax errors in Errors.
func Parse(text []byte) *File {
	f := &File{Text: text, Tokens: lex(text)}
	f.index()
	f.findMacroDefs()
	f.findUses()
	f.findModuleMacros()
	f.findBindings()
	f.findUnsafe()
	f.findDecls()
	return f
}

// SyntaxErrors returns the ranges tree-sitter could not parse (ERROR and MISSING nodes), at
// most 20. The tree-sitter parse runs on the first call only: it costs several times the
// token views (BenchmarkParse2000Lines, BenchmarkSyntax), and hover, completion and the
// checks do not need it.
func (f *File) SyntaxErrors() []Range {
	f.syntaxOnce.Do(func() {
		p := parsers.Get().(*sitter.Parser)
		defer parsers.Put(p)
		tree, err := p.ParseCtx(context.Background(), nil, f.Text)
		if err != nil || tree == nil {
			return
		}
		defer tree.Close()
		if root := tree.RootNode(); root.HasError() {
			f.collectErrors(root)
		}
	})
	return f.errors
}

var declKeywords = map[string]bool{
	"struct": true, "enum": true, "union": true, "type": true, "fn": true, "trait": true,
	"const": true, "static": true, "mod": true, "macro_rules": true,
}

// findDecls records `struct Name`, `fn name`… (macro_rules! name too).
func (f *File) findDecls() {
	for ci := 0; ci+1 < len(f.code); ci++ {
		t := f.Tokens[f.code[ci]]
		if t.Kind != Ident {
			continue
		}
		kw := string(f.Text[t.Start:t.End])
		if !declKeywords[kw] {
			continue
		}
		n := ci + 1
		if kw == "macro_rules" {
			if !f.cis(n, Punct, "!") {
				continue
			}
			n++
			kw = "macro"
		}
		if kind, _ := f.ckind(n); kind != Ident || ci > 0 && f.cis(ci-1, Punct, "::") {
			continue
		}
		if (kw == "const" || kw == "static") && (f.cis(n, Ident, "fn") || f.cis(n, Ident, "mut") || f.cis(n, Ident, "unsafe")) {
			if kw == "static" && f.cis(n, Ident, "mut") {
				n++
			} else {
				continue // const fn: the fn keyword follows
			}
		}
		name := f.ctext(n)
		if name == "_" || kw == "type" && f.cis(n+1, Punct, ":") {
			continue
		}
		f.Decls = append(f.Decls, Decl{Kind: kw, Name: name, NameRange: Range{f.startOf(n), f.endOf(n)},
			TopLevel: f.depth[ci] == 0})
	}
}

func (f *File) collectErrors(n *sitter.Node) {
	if len(f.errors) >= 20 {
		return
	}
	if n.IsError() || n.IsMissing() {
		f.errors = append(f.errors, Range{int(n.StartByte()), int(n.EndByte())})
		return
	}
	if !n.HasError() {
		return
	}
	cnt := int(n.ChildCount())
	for i := 0; i < cnt; i++ {
		f.collectErrors(n.Child(i))
	}
}

// index computes the code token list, delimiter pairs and depths.
func (f *File) index() {
	f.code = make([]int32, 0, len(f.Tokens))
	for i, t := range f.Tokens {
		if t.Kind != Comment {
			f.code = append(f.code, int32(i))
		}
	}
	f.match = make([]int32, len(f.code))
	f.depth = make([]int32, len(f.code))
	f.parent = make([]int32, len(f.code))
	var stack []int32
	for ci := range f.code {
		f.match[ci] = -1
		f.depth[ci] = int32(len(stack))
		f.parent[ci] = -1
		if len(stack) > 0 {
			f.parent[ci] = stack[len(stack)-1]
		}
		t := f.Tokens[f.code[ci]]
		if t.Kind != Punct || t.End-t.Start != 1 {
			continue
		}
		switch c := f.Text[t.Start]; c {
		case '(', '[', '{':
			stack = append(stack, int32(ci))
		case ')', ']', '}':
			open := byte('(')
			if c == ']' {
				open = '['
			} else if c == '}' {
				open = '{'
			}
			// Pop to the matching opener; a stray closer is ignored.
			for k := len(stack) - 1; k >= 0; k-- {
				if f.Text[f.Tokens[f.code[stack[k]]].Start] == open {
					f.match[stack[k]] = int32(ci)
					f.match[ci] = stack[k]
					f.parent[ci] = f.parent[stack[k]]
					f.depth[ci] = int32(k)
					stack = stack[:k]
					break
				}
			}
		}
	}
}

// NumCode returns the number of code (non-comment) tokens.
func (f *File) NumCode() int { return len(f.code) }

// Code returns the code token number ci.
func (f *File) Code(ci int) Token { return f.Tokens[f.code[ci]] }

// ctext returns the text of code token ci, "" when out of range.
func (f *File) ctext(ci int) string {
	if ci < 0 || ci >= len(f.code) {
		return ""
	}
	t := f.Tokens[f.code[ci]]
	return string(f.Text[t.Start:t.End])
}

func (f *File) cis(ci int, kind TokenKind, s string) bool {
	if ci < 0 || ci >= len(f.code) {
		return false
	}
	t := f.Tokens[f.code[ci]]
	return t.Kind == kind && string(f.Text[t.Start:t.End]) == s
}

func (f *File) ckind(ci int) (TokenKind, bool) {
	if ci < 0 || ci >= len(f.code) {
		return 0, false
	}
	return f.Tokens[f.code[ci]].Kind, true
}

func (f *File) isOpen(ci int) bool {
	if ci < 0 || ci >= len(f.code) {
		return false
	}
	t := f.Tokens[f.code[ci]]
	return t.Kind == Punct && t.End-t.Start == 1 && strings.IndexByte("([{", f.Text[t.Start]) >= 0
}

// closeOf returns the code index of the token closing the group opened at ci, or
// NumCode() when unterminated.
func (f *File) closeOf(ci int) int {
	if m := f.match[ci]; m >= 0 {
		return int(m)
	}
	return len(f.code)
}

// startOf returns the start offset of code token ci, len(Text) past the end.
func (f *File) startOf(ci int) int {
	if ci >= len(f.code) {
		return len(f.Text)
	}
	return f.Tokens[f.code[ci]].Start
}

func (f *File) endOf(ci int) int {
	if ci >= len(f.code) {
		return len(f.Text)
	}
	return f.Tokens[f.code[ci]].End
}

// CodeAt returns the code token index whose range contains off, preferring an identifier
// that ends at off (the cursor right after a word); -1 when off is in whitespace or a comment.
func (f *File) CodeAt(off int) int {
	lo, hi := 0, len(f.code)
	for lo < hi {
		m := (lo + hi) / 2
		if f.Tokens[f.code[m]].End < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	// lo is the first code token with End >= off.
	if lo < len(f.code) {
		t := f.Tokens[f.code[lo]]
		if t.End == off && t.Kind != Ident && lo+1 < len(f.code) && f.Tokens[f.code[lo+1]].Start == off {
			return lo + 1
		}
		if t.Start <= off && off <= t.End {
			if t.End == off && t.Kind == Punct && lo+1 < len(f.code) && f.Tokens[f.code[lo+1]].Start == off {
				return lo + 1
			}
			return lo
		}
	}
	return -1
}

// InComment reports whether off is inside a comment (the end of a line comment included).
func (f *File) InComment(off int) bool {
	t := f.tokenAt(off)
	// The end of a line comment (which stops before the newline) is still inside it; the
	// end of a block comment is after "*/".
	return t != nil && t.Kind == Comment && t.Start < off && (off < t.End || f.Text[t.Start+1] == '/')
}

// tokenAt returns the token (comments included) whose range contains off, preferring the
// one ending at off; nil in whitespace.
func (f *File) tokenAt(off int) *Token {
	lo, hi := 0, len(f.Tokens)
	for lo < hi {
		m := (lo + hi) / 2
		if f.Tokens[m].End < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(f.Tokens) && f.Tokens[lo].Start <= off {
		return &f.Tokens[lo]
	}
	return nil
}

// Token returns the token containing off (ending at off counts), or nil.
func (f *File) Token(off int) *Token { return f.tokenAt(off) }

// Enclosing returns the code index of the innermost open delimiter around off, -1 at top level.
func (f *File) Enclosing(off int) int {
	// Find the last code token starting before off, then walk outward.
	lo, hi := 0, len(f.code)
	for lo < hi {
		m := (lo + hi) / 2
		if f.Tokens[f.code[m]].Start < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	ci := lo - 1
	if ci < 0 {
		return -1
	}
	// ci is the last code token before off: an opener there is open at off, and every
	// group enclosing ci closes after off.
	if f.isOpen(ci) {
		return ci
	}
	return int(f.parent[ci])
}

// Depth returns the nesting depth at off: 0 at top level.
func (f *File) Depth(off int) int {
	ci := f.Enclosing(off)
	if ci < 0 {
		return 0
	}
	return int(f.depth[ci]) + 1
}

// Decl returns the declared item named name, or nil.
func (f *File) Decl(name string) *Decl {
	for i := range f.Decls {
		if f.Decls[i].Name == name {
			return &f.Decls[i]
		}
	}
	return nil
}

// MacroAt returns the module macro whose body contains off, or nil.
func (f *File) MacroAt(off int) *MacroCall {
	for _, m := range f.Macros {
		if m.Body.Start < off && (off < m.Body.End || !m.Closed && off <= m.Body.End) {
			return m
		}
	}
	return nil
}

// LineStart returns the offset of the start of the line holding off.
func (f *File) LineStart(off int) int {
	if off > len(f.Text) {
		off = len(f.Text)
	}
	for off > 0 && f.Text[off-1] != '\n' {
		off--
	}
	return off
}

// Indent returns the leading whitespace of the line holding off.
func (f *File) Indent(off int) string {
	s := f.LineStart(off)
	e := s
	for e < len(f.Text) && (f.Text[e] == ' ' || f.Text[e] == '\t') {
		e++
	}
	return string(f.Text[s:e])
}
