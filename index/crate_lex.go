// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"strings"
	"sync"
)

// This file holds the hand-written text processing of the crate indexer: a small Rust token
// scanner used on function and macro bodies (where tree-sitter would cost a cgo call per node,
// and where macro token trees are not parsed as expressions anyway), signature normalisation,
// doc comment stripping and use-tree parsing. Everything here works on bytes and never panics
// on malformed input (see FuzzScanRefs, FuzzParseUseTree, FuzzDocText, FuzzCfg).

type tokKind uint8

const (
	tIdent tokKind = iota
	tPunct
	tLit
	tLifetime
)

type token struct {
	kind tokKind
	text string
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// lexRust splits src into tokens, dropping whitespace and comments. String, char and number
// literals become one tLit token; "::", "->", "=>" are single punctuation tokens.
func lexRust(src string) []token { return lexRustInto(make([]token, 0, len(src)/4), src) }

// lexRustInto is lexRust appending to toks.
func lexRustInto(toks []token, src string) []token {
	i, n := 0, len(src)
	for i < n {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && src[i+1] == '*':
			i = skipBlockComment(src, i)
		case c == '"':
			i = skipString(src, i+1)
			toks = append(toks, token{tLit, `""`})
		case (c == 'b' || c == 'c') && i+1 < n && src[i+1] == '"':
			i = skipString(src, i+2)
			toks = append(toks, token{tLit, `""`})
		case (c == 'r' || (c == 'b' || c == 'c') && i+1 < n && src[i+1] == 'r') && rawStart(src, i):
			i = skipRawString(src, i)
			toks = append(toks, token{tLit, `""`})
		case c == 'b' && i+1 < n && src[i+1] == '\'':
			i = skipChar(src, i+1)
			toks = append(toks, token{tLit, "''"})
		case c == '\'':
			// A char literal ('a', '\n', '\u{1F600}') or a lifetime ('a, 'static).
			if i+2 < n && src[i+1] != '\\' && src[i+2] == '\'' {
				i += 3
				toks = append(toks, token{tLit, "''"})
			} else if i+1 < n && src[i+1] == '\\' {
				i = skipChar(src, i)
				toks = append(toks, token{tLit, "''"})
			} else if i+1 < n && isIdentStart(src[i+1]) {
				j := i + 1
				for j < n && isIdentChar(src[j]) {
					j++
				}
				if j < n && src[j] == '\'' { // multibyte char literal
					toks = append(toks, token{tLit, "''"})
					j++
				} else {
					toks = append(toks, token{tLifetime, src[i:j]})
				}
				i = j
			} else {
				i++
				toks = append(toks, token{tPunct, "'"})
			}
		case c >= '0' && c <= '9':
			j := i + 1
			for j < n && (isIdentChar(src[j]) || src[j] == '.' && j+1 < n && src[j+1] >= '0' && src[j+1] <= '9') {
				j++
			}
			toks = append(toks, token{tLit, src[i:j]})
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < n && isIdentChar(src[j]) {
				j++
			}
			if j-i == 1 && c == 'r' && j < n && src[j] == '#' && j+1 < n && isIdentStart(src[j+1]) {
				j++
				k := j
				for k < n && isIdentChar(src[k]) {
					k++
				}
				toks = append(toks, token{tIdent, src[j:k]})
				i = k
				continue
			}
			toks = append(toks, token{tIdent, src[i:j]})
			i = j
		default:
			if i+1 < n {
				two := src[i : i+2]
				if two == "::" || two == "->" || two == "=>" {
					toks = append(toks, token{tPunct, two})
					i += 2
					continue
				}
			}
			toks = append(toks, token{tPunct, src[i : i+1]})
			i++
		}
	}
	return toks
}

func skipBlockComment(src string, i int) int {
	depth := 0
	n := len(src)
	for i < n {
		if i+1 < n && src[i] == '/' && src[i+1] == '*' {
			depth++
			i += 2
		} else if i+1 < n && src[i] == '*' && src[i+1] == '/' {
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		} else {
			i++
		}
	}
	return n
}

// skipString returns the index after the closing quote of a string whose body starts at i.
func skipString(src string, i int) int {
	for i < len(src) {
		switch src[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return len(src)
}

func skipChar(src string, i int) int {
	// src[i] is the opening quote.
	i++
	for j := i; j < len(src) && j < i+12; j++ {
		if src[j] == '\\' {
			j++
			continue
		}
		if src[j] == '\'' {
			return j + 1
		}
	}
	return i
}

func rawStart(src string, i int) bool {
	j := i
	if src[j] == 'b' || src[j] == 'c' {
		j++
	}
	if j >= len(src) || src[j] != 'r' {
		return false
	}
	j++
	for j < len(src) && src[j] == '#' {
		j++
	}
	return j < len(src) && src[j] == '"'
}

func skipRawString(src string, i int) int {
	for src[i] != 'r' {
		i++
	}
	i++
	hashes := 0
	for i < len(src) && src[i] == '#' {
		hashes++
		i++
	}
	i++ // opening quote
	closing := "\"" + strings.Repeat("#", hashes)
	k := strings.Index(src[i:], closing)
	if k < 0 {
		return len(src)
	}
	return i + k + len(closing)
}

// Refs are the references a function, constant or macro body makes, as written.
type Refs struct {
	// Calls are paths followed by a call, "Self::new", "B::lock", "$crate::print::call_printk",
	// with generic arguments dropped.
	Calls []string `json:"calls,omitempty"`
	// Methods are method calls: "lock", or "self.lock" when the receiver is self.
	Methods []string `json:"methods,omitempty"`
	// Macros are macro invocations: "pr_warn", "$crate::print_macro".
	Macros []string `json:"macros,omitempty"`
	// Paths are other multi-segment paths (constants, statics): "ReallocFunc::KREALLOC".
	Paths []string `json:"paths,omitempty"`
	// TraitCalls are qualified calls <X as Trait>::f, written "Trait::f".
	TraitCalls []string `json:"trait_calls,omitempty"`
	// Bindings are the X of every bindings::X path.
	Bindings []string `json:"bindings,omitempty"`
}

func (r *Refs) empty() bool {
	return len(r.Calls)+len(r.Methods)+len(r.Macros)+len(r.Paths)+len(r.TraitCalls)+len(r.Bindings) == 0
}

var tokenBufs = sync.Pool{New: func() any { return new([]token) }}

// scanRefs collects the references of a body (Rust code or a macro_rules transcriber).
func scanRefs(src string) Refs {
	// The tokens are scratch: a pooled buffer spares 6 bytes of garbage per byte of body.
	buf := tokenBufs.Get().(*[]token)
	toks := lexRustInto((*buf)[:0], src)
	defer func() {
		clear(toks) // no strings of src kept alive by the pool
		*buf = toks[:0]
		tokenBufs.Put(buf)
	}()
	var r Refs
	type ref struct{ kind, s string } // a key without concatenating
	seen := map[ref]bool{}
	add := func(list *[]string, kind, s string) {
		if s == "" || seen[ref{kind, s}] {
			return
		}
		seen[ref{kind, s}] = true
		*list = append(*list, s)
	}
	n := len(toks)
	for i := 0; i < n; i++ {
		t := toks[i]
		switch {
		case t.kind == tPunct && t.text == "." && i+1 < n && toks[i+1].kind == tIdent:
			name := toks[i+1].text
			j := skipTurbofish(toks, i+2)
			if j < n && toks[j].text == "(" {
				if i > 0 && toks[i-1].kind == tIdent && toks[i-1].text == "self" && (i < 2 || toks[i-2].text != ".") {
					add(&r.Methods, "m", "self."+name)
				} else {
					add(&r.Methods, "m", name)
				}
			}
			i++
		case t.kind == tIdent && t.text == "as" && i > 0:
			// <X as Trait>::f
			segs, j := scanPath(toks, i+1)
			if j < n && toks[j].text == "<" {
				j = skipAngle(toks, j)
			}
			if len(segs) > 0 && j+2 < n && toks[j].text == ">" && toks[j+1].text == "::" && toks[j+2].kind == tIdent {
				name := toks[j+2].text
				k := skipTurbofish(toks, j+3)
				if k < n && toks[k].text == "(" {
					add(&r.TraitCalls, "t", strings.Join(segs, "::")+"::"+name)
				}
				i = j + 2
			}
		case t.kind == tIdent || t.kind == tPunct && (t.text == "$" || t.text == "::"):
			if i > 0 && (toks[i-1].text == "." || toks[i-1].text == "::" && t.text != "::") {
				continue
			}
			if t.text == "::" && i > 0 && (toks[i-1].text == ">" || toks[i-1].kind == tIdent) {
				continue // Type<T>::f or a path we already took: not a leading ::
			}
			if t.kind == tIdent && isKeyword(t.text) && t.text != "self" && t.text != "Self" && t.text != "crate" && t.text != "super" {
				continue
			}
			segs, j := scanPath(toks, i)
			if len(segs) == 0 {
				continue
			}
			i = j - 1
			if segs[0] == "$" { // a metavariable other than $crate
				continue
			}
			path := strings.Join(segs, "::")
			for k := 0; k+1 < len(segs); k++ {
				if segs[k] == "bindings" && segs[k+1] != "$" && (k == 0 || segs[k-1] == "crate" || segs[k-1] == "$crate" || segs[k-1] == "kernel") {
					add(&r.Bindings, "b", segs[k+1])
					break
				}
			}
			switch {
			case j < n && toks[j].text == "!" && (j+1 >= n || toks[j+1].text != "="):
				add(&r.Macros, "M", path)
			case j < n && toks[j].text == "(":
				add(&r.Calls, "c", path)
			case len(segs) > 1:
				add(&r.Paths, "p", path)
			}
		}
	}
	return r
}

// scanPath reads a path starting at toks[i]: [::] [$]seg (:: seg | ::<...>)*. It returns the
// segments (a leading "::" is dropped, "$crate" kept as one segment, other metavariables
// give "$") and the index after the path.
func scanPath(toks []token, i int) ([]string, int) {
	n := len(toks)
	var segs []string
	if i < n && toks[i].text == "::" {
		i++
	}
	for i < n {
		t := toks[i]
		switch {
		case t.kind == tPunct && t.text == "$" && i+1 < n && toks[i+1].kind == tIdent:
			if toks[i+1].text == "crate" {
				segs = append(segs, "$crate")
			} else {
				segs = append(segs, "$")
			}
			i += 2
		case t.kind == tIdent:
			segs = append(segs, t.text)
			i++
		default:
			return segs, i
		}
		// After a segment: "::" seg, "::<...>", or "<...>" followed by "::" (Type<T>::f).
		if i < n && toks[i].text == "::" {
			if i+1 < n && toks[i+1].text == "<" {
				i = skipAngle(toks, i+1)
				if i < n && toks[i].text == "::" {
					i++
					continue
				}
				return segs, i
			}
			i++
			continue
		}
		if i < n && toks[i].text == "<" && len(segs) > 0 && startsUpper(segs[len(segs)-1]) {
			j := skipAngle(toks, i)
			if j < n && toks[j].text == "::" && j+1 < n && toks[j+1].kind == tIdent {
				i = j + 1
				continue
			}
		}
		return segs, i
	}
	return segs, i
}

func startsUpper(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// skipAngle skips a balanced <...> group starting at toks[i] == "<".
func skipAngle(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks) && j < i+200; j++ {
		switch toks[j].text {
		case "<":
			depth++
		case ">":
			depth--
			if depth == 0 {
				return j + 1
			}
		case "->", "=>":
		case ";", "{", "}":
			return i
		}
	}
	return i
}

func skipTurbofish(toks []token, i int) int {
	if i+1 < len(toks) && toks[i].text == "::" && toks[i+1].text == "<" {
		return skipAngle(toks, i+1)
	}
	return i
}

var rustKeywords = map[string]bool{
	"as": true, "break": true, "const": true, "continue": true, "crate": true, "else": true,
	"enum": true, "extern": true, "false": true, "fn": true, "for": true, "if": true, "impl": true,
	"in": true, "let": true, "loop": true, "match": true, "mod": true, "move": true, "mut": true,
	"pub": true, "ref": true, "return": true, "self": true, "Self": true, "static": true,
	"struct": true, "super": true, "trait": true, "true": true, "type": true, "unsafe": true,
	"use": true, "where": true, "while": true, "async": true, "await": true, "dyn": true,
}

func isKeyword(s string) bool { return rustKeywords[s] }

// oneLine normalises a declaration to one line: comments dropped, whitespace runs collapsed,
// no space after an opening or before a closing bracket, no trailing comma before ")".
func oneLine(src string) string {
	s := collapse(src)
	s = strings.ReplaceAll(s, ",)", ")")
	s = strings.ReplaceAll(s, ",>", ">")
	s = strings.ReplaceAll(s, ",]", "]")
	s = strings.ReplaceAll(s, ",}", "}")
	return strings.TrimSuffix(s, ",")
}

// collapse is oneLine without the trailing-comma clean-up, for macro matchers where
// `$(,)?` means something.
func collapse(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	space := false
	n := len(src)
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
			space = true
		case c == '/' && i+1 < n && src[i+1] == '*':
			i = skipBlockComment(src, i)
			space = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = true
			i++
		case c == '"':
			j := skipString(src, i+1)
			writeSpace(&b, space, src[i])
			space = false
			b.WriteString(src[i:j])
			i = j
		default:
			writeSpace(&b, space, c)
			space = false
			b.WriteByte(c)
			i++
		}
	}
	return strings.TrimSpace(b.String())
}

func writeSpace(b *strings.Builder, space bool, next byte) {
	if !space || b.Len() == 0 {
		return
	}
	s := b.String()
	last := s[len(s)-1]
	if last == '(' || last == '[' || next == ')' || next == ']' || next == ',' || next == ';' {
		return
	}
	if (last == '<' || next == '>') && b.Len() > 0 {
		// "Foo< T >" stays readable as "Foo<T>"; "a < b" in a const generic is rare in sigs.
		return
	}
	b.WriteByte(' ')
}

// docText strips the markers of one doc comment: "/// x" -> "x", "/** x */" -> "x".
func docText(comment string) string {
	switch {
	case strings.HasPrefix(comment, "///"), strings.HasPrefix(comment, "//!"):
		s := strings.TrimRight(comment[3:], "\r\n")
		return strings.TrimPrefix(s, " ")
	case strings.HasPrefix(comment, "/**"), strings.HasPrefix(comment, "/*!"):
		s := strings.TrimSuffix(comment[3:], "*/")
		lines := strings.Split(s, "\n")
		out := lines[:0]
		for _, l := range lines {
			t := strings.TrimLeft(l, " \t")
			if strings.HasPrefix(t, "* ") || t == "*" {
				l = strings.TrimPrefix(strings.TrimPrefix(t, "*"), " ")
			}
			out = append(out, strings.TrimRight(l, " \t\r"))
		}
		for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
			out = out[1:]
		}
		for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
			out = out[:len(out)-1]
		}
		return strings.Join(out, "\n")
	}
	return comment
}

// isOuterDoc reports whether a comment is an outer doc comment (/// or /**, not //// or /***).
func isOuterDoc(c string) bool {
	return strings.HasPrefix(c, "///") && !strings.HasPrefix(c, "////") ||
		strings.HasPrefix(c, "/**") && !strings.HasPrefix(c, "/***") && c != "/**/"
}

func isInnerDoc(c string) bool { return strings.HasPrefix(c, "//!") || strings.HasPrefix(c, "/*!") }

// unquote decodes a Rust string literal as written in #[doc = "..."]; raw strings are taken
// verbatim; unknown escapes are kept.
func unquote(lit string) string {
	lit = strings.TrimSpace(lit)
	if strings.HasPrefix(lit, "r") {
		s := strings.TrimLeft(lit[1:], "#")
		s = strings.TrimRight(s, "#")
		return strings.TrimSuffix(strings.TrimPrefix(s, `"`), `"`)
	}
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return lit
	}
	s := lit[1 : len(lit)-1]
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '\\', '"', '\'':
			b.WriteByte(s[i])
		case '\n':
			for i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\t' || s[i+1] == '\n') {
				i++
			}
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// UseEntry is one leaf of a use tree: `use a::{b, c as d, e::*}` gives a::b, a::c as d, a::e::*.
type UseEntry struct {
	Path  string `json:"path"`            // "a::c"; for `self` in a group, the group's prefix
	Alias string `json:"alias,omitempty"` // "d"; "_" for `as _`
	Glob  bool   `json:"glob,omitempty"`  // a::e::*
}

// Name returns the name the entry binds in its module ("" for globs and `as _`).
func (u UseEntry) Name() string {
	if u.Glob || u.Alias == "_" {
		return ""
	}
	if u.Alias != "" {
		return u.Alias
	}
	if i := strings.LastIndex(u.Path, "::"); i >= 0 {
		return u.Path[i+2:]
	}
	return u.Path
}

// parseUseTree parses the argument of a use declaration (without `use` and `;`).
func parseUseTree(src string) []UseEntry {
	toks := lexRust(src)
	var out []UseEntry
	p := 0
	var tree func(prefix string, depth int)
	tree = func(prefix string, depth int) {
		if depth > 32 {
			p = len(toks)
			return
		}
		path := prefix
		join := func(seg string) {
			if path == "" {
				path = seg
			} else {
				path += "::" + seg
			}
		}
		if p < len(toks) && toks[p].text == "::" {
			p++
		}
		for p < len(toks) {
			t := toks[p]
			switch {
			case t.kind == tIdent:
				join(t.text)
				p++
				if p < len(toks) && toks[p].text == "::" {
					p++
					continue
				}
				if p < len(toks) && toks[p].kind == tIdent && toks[p].text == "as" {
					p++
					alias := ""
					if p < len(toks) {
						alias = toks[p].text
						p++
					}
					e := UseEntry{Path: path, Alias: alias}
					if strings.HasSuffix(path, "::self") {
						e.Path = strings.TrimSuffix(path, "::self")
					}
					out = append(out, e)
					return
				}
				e := UseEntry{Path: path}
				if strings.HasSuffix(path, "::self") {
					e.Path = strings.TrimSuffix(path, "::self")
				}
				out = append(out, e)
				return
			case t.text == "$" && p+1 < len(toks) && toks[p+1].text == "crate":
				join("$crate")
				p += 2
				if p < len(toks) && toks[p].text == "::" {
					p++
				}
			case t.text == "*":
				p++
				out = append(out, UseEntry{Path: path, Glob: true})
				return
			case t.text == "{":
				p++
				for p < len(toks) && toks[p].text != "}" {
					before := p
					tree(path, depth+1)
					if p < len(toks) && toks[p].text == "," {
						p++
					}
					if p == before {
						p++
					}
				}
				p++ // "}"
				return
			default:
				return
			}
		}
	}
	for p < len(toks) {
		before := p
		tree("", 0)
		if p == before {
			p++
		}
	}
	return out
}
