// SPDX-License-Identifier: GPL-2.0-only

package index

// A hand-made scanner for the Rust that bindgen writes: bindings_generated.rs,
// bindings_helpers_generated.rs and uapi_generated.rs.
//
// Why not tree-sitter: the three files of a 6.12 build are 4.5 MB of machine-written Rust that
// tree-sitter needs 0.5-0.8 s to parse, while bindgen's output has a small, regular shape
// (attributes, `pub` items, `extern "C" { ... }` blocks, structs with fields, inherent impls for
// bitfield accessors). A byte-level lexer plus a recursive item parser that skips function
// bodies by brace matching reads the 2.4 MB bindings_generated.rs of 6.12 in a few ms.
//
// The scanner is token based rather than line based, so output that rustfmt did not format
// (bindgen falls back to unformatted output when rustfmt is missing) still parses; only the
// one-line signatures come out less tidy then. Strings are substrings of one conversion of the
// input, and paths are built in a chunked arena, so the allocations are the Item slice and a
// few chunks.
//
// What is indexed: extern fns and statics of `extern "C"` / `unsafe extern "C"` blocks, structs,
// unions and their pub fields, enums and their variants, `pub const`, `pub type`, `pub static`,
// `pub mod` (bindgen's moduled enums), and the pub fns and consts of inherent impls (bitfield
// accessors, newtype-enum constants). `pub use self::a as b` becomes an alias of a (dropped
// when the file does not define a; globs are ignored). Trait impls (Default, Debug, Clone of
// bindgen's helper types) are skipped: they add nothing a user looks up. Constified enums
// (`pub type foo = ffi::c_uint;` + `pub const foo_BAR: foo = 1;`, bindgen's default) stay
// consts, with Parent set to the enum's type alias.

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// maxBindgenProblems bounds the problems one file reports, so a garbage file cannot flood the
// index with them.
const maxBindgenProblems = 50

// ParseBindgen scans one bindgen output file. file goes into each Item's Loc.File; src is
// SourceBindings, SourceHelpers (path prefix "bindings::") or SourceUAPI ("uapi::"). Items
// come in file order, fields, variants and methods after their parent. Loc.Start is the
// item's first token after its attributes (its `pub`), Loc.End the position just past its
// last byte (the ; or }, or a field's type), as tree-sitter reports ranges. Sig is on one
// line. It never panics: what it cannot understand is reported as a Problem with its line
// and skipped. Concurrent calls are safe.
func ParseBindgen(data []byte, file string, src Source) ([]Item, []Problem) {
	return parseBindgenText(string(data), file, src)
}

// parseBindgenText is ParseBindgen over text the caller never modifies: the items' strings
// point into it, so Build passes the file's bytes without the copy ParseBindgen makes.
func parseBindgenText(text string, file string, src Source) ([]Item, []Problem) {
	items := make([]Item, 0, bindgenEstimate(text))
	adviseHugeItems(items)
	return parseBindgenInto(text, file, src, items)
}

// bindgenEstimate is the room parseBindgenInto needs for text. Every item but enum variants
// and tuple fields starts with "pub ": counting them (a fast vectorised search) sizes the
// slice, which is most of the memory; growing it would copy.
func bindgenEstimate(text string) int { return strings.Count(text, "pub ") + 16 }

// parseBindgenInto is parseBindgenText appending to items, which has room for
// bindgenEstimate(text) items (Build passes part of one slab for all the bindgen outputs).
func parseBindgenInto(text string, file string, src Source, items []Item) ([]Item, []Problem) {
	prefix := "bindings::"
	if src == SourceUAPI {
		prefix = "uapi::"
	}
	s := &bgScanner{
		src:    text,
		file:   file,
		source: src,
		line:   1,
	}
	s.items = items
	s.next()
	s.parseItems(prefix, false)
	s.resolveUses()
	return s.items, s.probs
}

type bgKind uint8

const (
	bgEOF      bgKind = iota
	bgIdent           // identifier or keyword
	bgNumber          // numeric literal
	bgString          // "..", b"..", r#".."#
	bgChar            // 'x', b'x'
	bgLifetime        // 'a
	bgPunct           // one byte of punctuation, in tok.c
	bgArrow           // ->
	bgFatArrow        // =>
	bgColons          // ::
)

type bgToken struct {
	kind       bgKind
	c          byte // for bgPunct
	start, end int  // byte offsets
	line, col  int  // of start
}

type bgUse struct {
	target, alias string
}

type bgScanner struct {
	src    string
	file   string
	source Source

	pos       int // lexer offset
	line      int // line at pos
	lineStart int // offset of the line at pos

	t    bgToken // current token
	prev bgToken // the token before t

	items []Item
	probs []Problem
	uses  []bgUse

	arena []byte // current chunk of the path arena

	// lastEnum caches the parent path of the last constified enum constant.
	lastEnumName, lastEnumPath string

	// loose are the offsets, ascending, of every , ; : or ) that follows a space on its line:
	// the mark of text rustfmt did not format (see sig). Rare in formatted output.
	loose []int
}

var bgIdentByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	return t
}()

// next advances to the next token, skipping whitespace and comments.
func (s *bgScanner) next() {
	s.prev = s.t
	src := s.src
	i := s.pos
	for i < len(src) {
		c := src[i]
		if c == '\n' {
			i++
			s.line++
			s.lineStart = i
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		if c == '/' && i+1 < len(src) {
			if src[i+1] == '/' {
				j := strings.IndexByte(src[i:], '\n')
				if j < 0 {
					i = len(src)
				} else {
					i += j
				}
				continue
			}
			if src[i+1] == '*' {
				i = s.skipBlockComment(i)
				continue
			}
		}
		break
	}
	s.pos = i
	t := bgToken{start: i, line: s.line, col: i - s.lineStart}
	if i >= len(src) {
		t.kind = bgEOF
		t.end = i
		s.t = t
		return
	}
	c := src[i]
	switch {
	case c == '"':
		t.kind = bgString
		i = s.skipString(i + 1)
	case c == '\'':
		t.kind, i = s.quote(i)
	case c >= '0' && c <= '9':
		t.kind = bgNumber
		i++
		for i < len(src) && (bgIdentByte[src[i]] || src[i] == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9') {
			i++
		}
	case bgIdentByte[c]:
		j := i + 1
		for j < len(src) && bgIdentByte[src[j]] {
			j++
		}
		t.kind = bgIdent
		word := src[i:j]
		i = j
		if j < len(src) {
			switch {
			case (word == "b" || word == "c") && src[j] == '"':
				t.kind = bgString
				i = s.skipString(j + 1)
			case word == "b" && src[j] == '\'':
				t.kind, i = s.quote(j)
				t.kind = bgChar
			case (word == "r" || word == "br" || word == "cr") && (src[j] == '"' || src[j] == '#'):
				if k, ok := s.skipRawString(j); ok {
					t.kind = bgString
					i = k
				} else if word == "r" && src[j] == '#' && j+1 < len(src) && bgIdentByte[src[j+1]] {
					// r#ident, a raw identifier.
					k := j + 1
					for k < len(src) && bgIdentByte[src[k]] {
						k++
					}
					i = k
				}
			}
		}
	default:
		t.kind = bgPunct
		t.c = c
		i++
		if i < len(src) {
			switch {
			case c == '-' && src[i] == '>':
				t.kind = bgArrow
				i++
			case c == '=' && src[i] == '>':
				t.kind = bgFatArrow
				i++
			case c == ':' && src[i] == ':':
				t.kind = bgColons
				i++
			}
		}
		// A space before , ; : ) on the same line as the previous token: unformatted text.
		if t.kind == bgPunct && (c == ',' || c == ';' || c == ':' || c == ')') && t.start > s.prev.end && s.lineStart <= s.prev.end {
			s.loose = append(s.loose, t.start)
		}
	}
	t.end = i
	s.pos = i
	s.t = t
}

// skipBlockComment skips a (nested) block comment starting at i, counting lines.
func (s *bgScanner) skipBlockComment(i int) int {
	src := s.src
	depth := 0
	for i < len(src) {
		switch {
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '*':
			depth++
			i += 2
		case src[i] == '*' && i+1 < len(src) && src[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		case src[i] == '\n':
			i++
			s.line++
			s.lineStart = i
		default:
			i++
		}
	}
	s.problem(s.line, "unterminated block comment")
	return i
}

// skipString skips a string body from i (after the opening quote), counting lines.
func (s *bgScanner) skipString(i int) int {
	src := s.src
	for i < len(src) {
		switch src[i] {
		case '\\':
			i += 2
			continue
		case '"':
			return i + 1
		case '\n':
			s.line++
			s.lineStart = i + 1
		}
		i++
	}
	s.problem(s.line, "unterminated string")
	return len(src)
}

// skipRawString skips r"..." or r#"..."# from i (at the first # or "); ok is false when this
// is not a raw string.
func (s *bgScanner) skipRawString(i int) (int, bool) {
	src := s.src
	hashes := 0
	for i < len(src) && src[i] == '#' {
		hashes++
		i++
	}
	if i >= len(src) || src[i] != '"' {
		return 0, false
	}
	i++
	for i < len(src) {
		if src[i] == '\n' {
			s.line++
			s.lineStart = i + 1
		}
		if src[i] == '"' && i+hashes < len(src) && strings.Count(src[i+1:i+1+hashes], "#") == hashes {
			return i + 1 + hashes, true
		}
		i++
	}
	s.problem(s.line, "unterminated raw string")
	return len(src), true
}

// quote lexes a char literal or a lifetime at i (the ').
func (s *bgScanner) quote(i int) (bgKind, int) {
	src := s.src
	if i+1 < len(src) && src[i+1] == '\\' {
		j := i + 2
		for j < len(src) && src[j] != '\'' && src[j] != '\n' {
			j++
		}
		if j < len(src) && src[j] == '\'' {
			j++
		}
		return bgChar, j
	}
	if i+1 < len(src) {
		_, n := utf8.DecodeRuneInString(src[i+1:])
		if i+1+n < len(src) && src[i+1+n] == '\'' {
			return bgChar, i + 2 + n
		}
	}
	j := i + 1
	for j < len(src) && bgIdentByte[src[j]] {
		j++
	}
	return bgLifetime, j
}

func (s *bgScanner) problem(line int, msg string) {
	switch {
	case len(s.probs) < maxBindgenProblems:
		s.probs = append(s.probs, Problem{File: s.file, Line: line, Message: msg})
	case len(s.probs) == maxBindgenProblems:
		s.probs = append(s.probs, Problem{File: s.file, Line: line, Message: "too many problems; the rest of the file is not reported"})
	}
}

func (s *bgScanner) text(t bgToken) string { return s.src[t.start:t.end] }

func (s *bgScanner) isIdent(word string) bool {
	return s.t.kind == bgIdent && s.src[s.t.start:s.t.end] == word
}

func (s *bgScanner) isPunct(c byte) bool { return s.t.kind == bgPunct && s.t.c == c }

// join returns a+b+c, allocated in the arena.
func (s *bgScanner) join(a, b, c string) string {
	n := len(a) + len(b) + len(c)
	if n > 4096 {
		return a + b + c
	}
	if cap(s.arena)-len(s.arena) < n {
		s.arena = make([]byte, 0, 64<<10)
	}
	start := len(s.arena)
	s.arena = append(s.arena, a...)
	s.arena = append(s.arena, b...)
	s.arena = append(s.arena, c...)
	if n == 0 {
		return ""
	}
	// The chunk is never written again below start+n, so the string stays immutable.
	return unsafe.String(&s.arena[start], n)
}

// bgAttrs holds what the scanner keeps of an item's attributes.
type bgAttrs struct {
	linkName string
	doc      string
}

// parseAttrs consumes outer and inner attributes.
func (s *bgScanner) parseAttrs() bgAttrs {
	var a bgAttrs
	for s.isPunct('#') {
		s.next()
		if s.isPunct('!') {
			s.next()
		}
		if !s.isPunct('[') {
			s.problem(s.t.line, "expected [ after #")
			return a
		}
		s.next()
		if s.t.kind == bgIdent {
			name := s.text(s.t)
			if name == "link_name" || name == "doc" {
				s.next()
				if s.isPunct('=') {
					s.next()
					if s.t.kind == bgString {
						v := bgUnquote(s.text(s.t))
						if name == "link_name" {
							a.linkName = v
						} else if a.doc == "" {
							a.doc = strings.TrimPrefix(v, " ")
						} else {
							a.doc += "\n" + strings.TrimPrefix(v, " ")
						}
					}
				}
			}
		}
		s.skipUntilClose(']')
	}
	return a
}

// bgUnquote returns the content of a string literal; escapes are decoded only when the literal
// has any (link names such as "\u{1}rsp" keep their escape as written: that is how the kernel
// spells them).
func bgUnquote(lit string) string {
	if len(lit) >= 2 && lit[0] == '"' && lit[len(lit)-1] == '"' {
		body := lit[1 : len(lit)-1]
		if strings.IndexByte(body, '\\') < 0 || strings.HasPrefix(body, `\u{1}`) {
			return body
		}
		if v, err := strconv.Unquote(lit); err == nil {
			return v
		}
		return body
	}
	return lit
}

// skipUntilClose consumes tokens up to and including the closer matching an already consumed
// opener, tracking (), [] and {}.
func (s *bgScanner) skipUntilClose(closer byte) {
	stack := [32]byte{closer}
	depth := 1
	var overflow int // nesting beyond the fixed stack, counted only
	for s.t.kind != bgEOF {
		if s.t.kind == bgPunct {
			switch c := s.t.c; c {
			case '(', '[', '{':
				if depth < len(stack) {
					stack[depth] = bgCloseOf(c)
					depth++
				} else {
					overflow++
				}
			case ')', ']', '}':
				if overflow > 0 {
					overflow--
					break
				}
				if c != stack[depth-1] {
					s.problem(s.t.line, "unbalanced "+string(c))
				}
				depth--
				if depth == 0 {
					s.next()
					return
				}
			}
		}
		s.next()
	}
	s.problem(s.t.line, "unexpected end of file")
}

func bgCloseOf(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}

// skipItem recovers after something not understood: it skips to the end of the item, a ; or a
// balanced {...} at depth 0, without passing an unmatched } (the end of the enclosing block).
func (s *bgScanner) skipItem() {
	for s.t.kind != bgEOF {
		if s.t.kind == bgPunct {
			switch s.t.c {
			case ';':
				s.next()
				return
			case '{':
				s.next()
				s.skipUntilClose('}')
				return
			case '(', '[':
				c := s.t.c
				s.next()
				s.skipUntilClose(bgCloseOf(c))
				continue
			case '}', ')', ']':
				return
			}
		}
		s.next()
	}
}

// skipGenerics consumes a <...> list if one starts here.
func (s *bgScanner) skipGenerics() {
	if !s.isPunct('<') {
		return
	}
	depth := 0
	for s.t.kind != bgEOF {
		if s.t.kind == bgPunct {
			switch s.t.c {
			case '<':
				depth++
			case '>':
				depth--
				if depth == 0 {
					s.next()
					return
				}
			case '{', '}', ';':
				return
			case '(', '[':
				c := s.t.c
				s.next()
				s.skipUntilClose(bgCloseOf(c))
				continue
			}
		}
		s.next()
	}
}

// skipType consumes a type (or an expression, for enum discriminants) up to a , ; } or ) at
// depth 0, and returns the end offset of its last token.
func (s *bgScanner) skipType() int {
	end := s.t.start
	angle := 0
	for s.t.kind != bgEOF {
		if s.t.kind == bgPunct {
			switch s.t.c {
			case ',', ';':
				if angle <= 0 {
					return end
				}
			case '}', ')', ']':
				return end
			case '{':
				if angle <= 0 {
					return end
				}
			case '<':
				angle++
			case '>':
				angle--
			case '(', '[':
				c := s.t.c
				s.next()
				s.skipUntilClose(bgCloseOf(c))
				end = s.prev.end
				continue
			}
		}
		end = s.t.end
		s.next()
	}
	return end
}

// skipToSemi consumes up to a ; at depth 0 (not past an unmatched closer) and returns the end
// of the last token before it; ok is true when the ; was found and consumed.
func (s *bgScanner) skipToSemi() (end int, ok bool) {
	end = s.prev.end
	for s.t.kind != bgEOF {
		if s.t.kind == bgPunct {
			switch s.t.c {
			case ';':
				s.next()
				return end, true
			case '(', '[', '{':
				c := s.t.c
				s.next()
				s.skipUntilClose(bgCloseOf(c))
				end = s.prev.end
				continue
			case '}', ')', ']':
				return end, false
			}
		}
		end = s.t.end
		s.next()
	}
	return end, false
}

// sig returns the declaration text from start to end on one line.
func (s *bgScanner) sig(start, end int) string {
	if end < start {
		end = start
	}
	t := s.src[start:end]
	if len(s.loose) > 0 {
		if i, _ := slices.BinarySearch(s.loose, start); i < len(s.loose) && s.loose[i] <= end {
			return bgTidy(t)
		}
	}
	return bgOneLine(t)
}

// bgTidy re-spaces a declaration from its tokens the way rustfmt writes bindgen's items,
// for text rustfmt did not format ("pub fn f (a : * mut T)" -> "pub fn f(a: *mut T)"): all
// of bindgen's output when rustfmt is missing, and even with it the items too long for its
// line width (40 lines of 6.12's bindings_generated.rs).
func bgTidy(t string) string {
	sc := &bgScanner{src: t, line: 1}
	var b strings.Builder
	b.Grow(len(t))
	var prev, prev2 bgToken
	first := true
	punct := func(k bgToken, cs string) bool { return k.kind == bgPunct && strings.IndexByte(cs, k.c) >= 0 }
	for sc.next(); sc.t.kind != bgEOF; sc.next() {
		cur := sc.t
		space := !first
		switch {
		case first:
		case punct(cur, ",;)]?>") || punct(cur, ":") && cur.kind != bgColons:
			space = false
		case punct(cur, ".") && !punct(prev, ","):
			space = false
		case punct(prev, "([&*#") || prev.kind == bgColons:
			space = false
		case punct(prev, "<") && prev2.kind != bgPunct, punct(prev, "!") && cur.kind != bgPunct:
			space = false // inside generics; !0
		case punct(cur, "<") && (prev.kind == bgIdent || prev.kind == bgColons || punct(prev, ">")):
			space = false
		case punct(cur, "(") && (prev.kind == bgIdent || punct(prev, ">")):
			space = false
		case cur.kind == bgColons && (prev.kind == bgIdent || punct(prev, ">")):
			space = false
		case punct(prev, "-") && (prev2.kind == bgArrow || punct(prev2, "=(,[")):
			space = false // unary minus
		}
		if space {
			b.WriteByte(' ')
		}
		b.WriteString(t[cur.start:cur.end])
		first = false
		prev2, prev = prev, cur
	}
	return b.String()
}

// bgOneLine joins a declaration rustfmt spread over several lines: a line break after an opener
// or before a closer disappears, with the trailing comma before the closer; any other line
// break becomes one space. Single-line text is returned as is, without allocating.
func bgOneLine(t string) string {
	if strings.IndexByte(t, '\n') < 0 {
		return t
	}
	b := make([]byte, 0, len(t))
	for i := 0; i < len(t); {
		c := t[i]
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			b = append(b, c)
			i++
			continue
		}
		j := i
		nl := false
		for j < len(t) && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r') {
			nl = nl || t[j] == '\n'
			j++
		}
		if !nl {
			b = append(b, t[i:j]...)
			i = j
			continue
		}
		closer := j < len(t) && (t[j] == ')' || t[j] == ']' || t[j] == '>' || t[j] == '}')
		if closer && len(b) > 0 && b[len(b)-1] == ',' {
			b = b[:len(b)-1]
		}
		opener := len(b) > 0 && (b[len(b)-1] == '(' || b[len(b)-1] == '[' || b[len(b)-1] == '<' || b[len(b)-1] == '{')
		if !closer && !opener && len(b) > 0 && j < len(t) {
			b = append(b, ' ')
		}
		i = j
	}
	return string(b)
}

// endPos returns the position just after the previous token: the end of the item just parsed.
func (s *bgScanner) endPos() Pos {
	p := s.prev
	// Tokens never span lines except strings and block comments; count the lines a string spans.
	line, col := p.line, p.col+p.end-p.start
	if p.kind == bgString {
		if k := strings.LastIndexByte(s.src[p.start:p.end], '\n'); k >= 0 {
			line += strings.Count(s.src[p.start:p.end], "\n")
			col = p.end - (p.start + k + 1)
		}
	}
	return Pos{Line: line, Col: col}
}

// posOf returns the position of offset off, which lies in the current item, a few lines back
// at most. It is used for fields and variants, whose end is the last token of their type.
func (s *bgScanner) posOf(off int) Pos {
	if off == s.prev.end {
		return s.endPos()
	}
	// Walk back from the current line start; the offset is at most a few lines back.
	line, ls := s.line, s.lineStart
	for off < ls && ls > 0 {
		k := strings.LastIndexByte(s.src[:ls-1], '\n')
		ls = k + 1
		line--
	}
	return Pos{Line: line, Col: off - ls}
}

func (s *bgScanner) add(it Item) *Item {
	it.Source = s.source
	it.Generated = true
	it.Loc.File = s.file
	s.items = append(s.items, it)
	return &s.items[len(s.items)-1]
}

// parseItems parses items until EOF or, when nested, the closing } (consumed).
func (s *bgScanner) parseItems(prefix string, nested bool) {
	for {
		switch {
		case s.t.kind == bgEOF:
			if nested {
				s.problem(s.t.line, "unexpected end of file")
			}
			return
		case s.isPunct('}'):
			if nested {
				s.next()
				return
			}
			s.problem(s.t.line, "unmatched }")
			s.next()
			continue
		case s.isPunct(';'):
			s.next()
			continue
		}
		s.parseItem(prefix)
	}
}

// visibility consumes pub, pub(crate)...; public is true only for plain pub.
func (s *bgScanner) visibility() (public bool) {
	if !s.isIdent("pub") {
		return false
	}
	s.next()
	if s.isPunct('(') {
		s.next()
		s.skipUntilClose(')')
		return false
	}
	return true
}

func (s *bgScanner) parseItem(prefix string) {
	at := s.parseAttrs()
	start := s.t
	public := s.visibility()
	if s.t.kind != bgIdent {
		if s.t.kind != bgEOF && !s.isPunct('}') {
			s.problem(s.t.line, "unexpected "+strconv.Quote(s.text(s.t)))
			s.next()
			s.skipItem()
		}
		return
	}
	switch kw := s.text(s.t); kw {
	case "extern", "unsafe":
		s.next()
		if kw == "unsafe" {
			if !s.isIdent("extern") {
				// unsafe fn, unsafe impl ...
				s.parseQualified(prefix, start, public, at, true)
				return
			}
			s.next()
		}
		if s.isIdent("crate") {
			s.skipItem()
			return
		}
		if s.t.kind == bgString {
			s.next()
		}
		if s.isPunct('{') {
			s.next()
			s.parseExtern(prefix)
			return
		}
		s.parseQualified(prefix, start, public, at, kw == "unsafe")
	case "struct", "union":
		s.parseStruct(prefix, start, public, at, kw)
	case "enum":
		s.parseEnum(prefix, start, public, at)
	case "const", "static":
		s.next()
		if kw == "const" && (s.isIdent("fn") || s.isIdent("unsafe") || s.isIdent("extern")) {
			s.parseQualified(prefix, start, public, at, false)
			return
		}
		s.parseValue(prefix, "", start, public, at, kw, false)
	case "type":
		s.parseTypeAlias(prefix, start, public, at)
	case "use":
		s.parseUse(public)
	case "mod":
		s.parseMod(prefix, start, public, at)
	case "impl":
		s.parseImpl(prefix)
	case "fn", "async", "safe":
		s.parseQualified(prefix, start, public, at, false)
	case "macro_rules", "trait":
		s.skipItem()
	default:
		s.problem(s.t.line, "unexpected "+strconv.Quote(kw))
		s.next()
		s.skipItem()
	}
}

// parseQualified handles the rest of an item after qualifiers: fn items outside extern blocks
// (indexed when public) and unsafe impls or traits (skipped).
func (s *bgScanner) parseQualified(prefix string, start bgToken, public bool, at bgAttrs, unsafeFn bool) {
	for s.t.kind == bgIdent {
		switch w := s.text(s.t); w {
		case "fn":
			s.parseFn(prefix, "", start, public, at, unsafeFn)
			return
		case "unsafe":
			unsafeFn = true
		case "impl":
			s.parseImpl(prefix)
			return
		case "const", "async", "extern", "safe":
		default:
			s.problem(s.t.line, "unexpected "+strconv.Quote(w))
			s.skipItem()
			return
		}
		s.next()
		if s.t.kind == bgString {
			s.next() // the ABI of extern "C" fn
		}
	}
	s.problem(s.t.line, "expected fn")
	s.skipItem()
}

// parseFn parses `fn name<...>(...) -> T` then a body or ;, at fn.
func (s *bgScanner) parseFn(prefix, parent string, start bgToken, public bool, at bgAttrs, unsafeFn bool) {
	s.next() // fn
	if s.t.kind != bgIdent {
		s.problem(s.t.line, "expected function name")
		s.skipItem()
		return
	}
	name := s.text(s.t)
	s.next()
	s.skipGenerics()
	if !s.isPunct('(') {
		s.problem(s.t.line, "expected ( after fn "+name)
		s.skipItem()
		return
	}
	s.next()
	s.skipUntilClose(')')
	end := s.prev.end
	// -> T and where clauses, up to the body or ;. A pub cannot be part of them: it starts the
	// next item of a fn that lost its ;.
	for s.t.kind != bgEOF && !s.isPunct('{') && !s.isPunct(';') && !s.isPunct('}') && !s.isIdent("pub") {
		if s.isIdent("where") {
			for s.t.kind != bgEOF && !s.isPunct('{') && !s.isPunct(';') && !s.isPunct('}') {
				s.next()
			}
			break
		}
		if s.isPunct('(') || s.isPunct('[') {
			c := s.t.c
			s.next()
			s.skipUntilClose(bgCloseOf(c))
		} else {
			s.next()
		}
		end = s.prev.end
	}
	switch {
	case s.isPunct(';'):
		s.next()
	case s.isPunct('{'):
		s.next()
		s.skipUntilClose('}')
	case s.t.kind == bgEOF:
		s.problem(s.t.line, "unexpected end of fn "+name)
		return
	default:
		// Keep the declaration: everything up to here was understood.
		s.problem(s.t.line, "expected ; or { after fn "+name)
	}
	if !public {
		return
	}
	it := Item{
		Name:     name,
		Kind:     KindFn,
		Sig:      s.sig(start.start, end),
		Unsafe:   unsafeFn,
		Doc:      at.doc,
		LinkName: at.linkName,
		Loc:      Loc{Start: Pos{Line: start.line, Col: start.col}, End: s.endPos()},
	}
	if parent != "" {
		it.Kind = KindMethod
		it.Parent = parent
		it.Path = s.join(parent, "::", name)
	} else {
		it.Path = s.join(prefix, name, "")
	}
	s.add(it)
}

// parseExtern parses the items of an extern block, after its {.
func (s *bgScanner) parseExtern(prefix string) {
	for {
		switch {
		case s.t.kind == bgEOF:
			s.problem(s.t.line, "unexpected end of file in extern block")
			return
		case s.isPunct('}'):
			s.next()
			return
		case s.isPunct(';'):
			s.next()
			continue
		}
		at := s.parseAttrs()
		start := s.t
		public := s.visibility()
		unsafeFn := true
		for s.isIdent("safe") || s.isIdent("unsafe") {
			unsafeFn = s.isIdent("unsafe")
			s.next()
		}
		switch {
		case s.isIdent("fn"):
			s.parseFn(prefix, "", start, public, at, unsafeFn)
		case s.isIdent("static"):
			s.next()
			s.parseValue(prefix, "", start, public, at, "static", unsafeFn)
		case s.isIdent("type"):
			s.parseTypeAlias(prefix, start, public, at)
		default:
			if s.t.kind == bgEOF || s.isPunct('}') {
				continue
			}
			s.problem(s.t.line, "unexpected "+strconv.Quote(s.text(s.t))+" in extern block")
			s.next()
			s.skipItem()
		}
	}
}

// parseValue parses `NAME: T = v;` or `mut NAME: T;` after const or static.
func (s *bgScanner) parseValue(prefix, parent string, start bgToken, public bool, at bgAttrs, kw string, unsafeStatic bool) {
	if kw == "static" && s.isIdent("mut") {
		s.next()
		unsafeStatic = true
	}
	if s.t.kind != bgIdent && !s.isPunct('_') {
		s.problem(s.t.line, "expected a name after "+kw)
		s.skipItem()
		return
	}
	name := s.text(s.t)
	s.next()
	// typ is the type when it is one plain identifier, for the constified enum test below.
	var typ string
	if s.isPunct(':') {
		s.next()
		if s.t.kind == bgIdent {
			t := s.text(s.t)
			s.next()
			if s.isPunct('=') {
				typ = t
			}
		}
	}
	end, ok := s.skipToSemi()
	if !ok {
		s.problem(s.t.line, "expected ; after "+kw+" "+name)
		return
	}
	if !public || name == "_" {
		return
	}
	it := Item{
		Name:     name,
		Kind:     KindConst,
		Sig:      s.sig(start.start, end),
		Doc:      at.doc,
		LinkName: at.linkName,
		Loc:      Loc{Start: Pos{Line: start.line, Col: start.col}, End: s.endPos()},
	}
	if kw == "static" {
		it.Kind = KindStatic
		it.Unsafe = unsafeStatic
	}
	switch {
	case parent != "":
		it.Parent = parent
		it.Path = s.join(parent, "::", name)
	default:
		it.Path = s.join(prefix, name, "")
		// Constified enum: `pub const foo_BAR: foo = 1;` belongs to `pub type foo`.
		if kw == "const" && typ != "" && len(name) > len(typ)+1 && name[len(typ)] == '_' && name[:len(typ)] == typ {
			if s.lastEnumName != typ {
				s.lastEnumName, s.lastEnumPath = typ, s.join(prefix, typ, "")
			}
			it.Parent = s.lastEnumPath
		}
	}
	s.add(it)
}

// parseTypeAlias parses `type Name<...> = T;`, at type.
func (s *bgScanner) parseTypeAlias(prefix string, start bgToken, public bool, at bgAttrs) {
	s.next()
	if s.t.kind != bgIdent {
		s.problem(s.t.line, "expected a name after type")
		s.skipItem()
		return
	}
	name := s.text(s.t)
	end, ok := s.skipToSemi()
	if !ok {
		s.problem(s.t.line, "expected ; after type "+name)
		return
	}
	if !public {
		return
	}
	s.add(Item{
		Path: s.join(prefix, name, ""),
		Name: name,
		Kind: KindType,
		Sig:  s.sig(start.start, end),
		Doc:  at.doc,
		Loc:  Loc{Start: Pos{Line: start.line, Col: start.col}, End: s.endPos()},
	})
}

// parseUse records `use self::a as b;` as an alias; other uses are skipped.
func (s *bgScanner) parseUse(public bool) {
	s.next()
	var segs [8]string
	n := 0
	alias := ""
	for s.t.kind != bgEOF && !s.isPunct(';') && !s.isPunct('}') {
		switch {
		case s.isIdent("as"):
			s.next()
			if s.t.kind == bgIdent {
				alias = s.text(s.t)
			}
		case s.t.kind == bgIdent && n < len(segs):
			segs[n] = s.text(s.t)
			n++
		case s.isPunct('{') || s.isPunct('*'):
			n = len(segs) + 1 // a group or a glob: not an alias
		}
		if s.isPunct('{') {
			s.next()
			s.skipUntilClose('}')
			continue
		}
		s.next()
	}
	if s.isPunct(';') {
		s.next()
	}
	if !public || alias == "" || n == 0 || n > len(segs) {
		return
	}
	target := strings.Join(segs[:n], "::")
	target = strings.TrimPrefix(target, "self::")
	if strings.HasPrefix(target, "super") || strings.HasPrefix(target, "crate") {
		return
	}
	s.uses = append(s.uses, bgUse{target: target, alias: alias})
}

// resolveUses turns `pub use self::a as b` into an alias of bindings::a (the alias may come
// before or after a).
func (s *bgScanner) resolveUses() {
	if len(s.uses) == 0 {
		return
	}
	prefix := "bindings::"
	if s.source == SourceUAPI {
		prefix = "uapi::"
	}
	want := make(map[string][]string, len(s.uses))
	for _, u := range s.uses {
		want[prefix+u.target] = append(want[prefix+u.target], prefix+u.alias)
	}
	for i := range s.items {
		if a, ok := want[s.items[i].Path]; ok && s.items[i].Kind != KindField && s.items[i].Kind != KindMethod {
			s.items[i].Aliases = append(s.items[i].Aliases, a...)
			delete(want, s.items[i].Path)
		}
	}
}

// itemName reads the name after the keyword kw of an item, at kw, and moves past it; a
// missing name is a problem and the item is skipped.
func (s *bgScanner) itemName(kw string) (string, bool) {
	s.next()
	if s.t.kind != bgIdent {
		s.problem(s.t.line, "expected a name after "+kw)
		s.skipItem()
		return "", false
	}
	name := s.text(s.t)
	s.next()
	return name, true
}

// parseMod parses `mod name { items }` or `mod name;`, at mod.
func (s *bgScanner) parseMod(prefix string, start bgToken, public bool, at bgAttrs) {
	name, ok := s.itemName("mod")
	if !ok {
		return
	}
	path := s.join(prefix, name, "")
	idx := -1
	if public {
		s.add(Item{Path: path, Name: name, Kind: KindMod, Sig: s.sig(start.start, s.prev.end), Doc: at.doc,
			Loc: Loc{Start: Pos{Line: start.line, Col: start.col}}})
		idx = len(s.items) - 1
	}
	switch {
	case s.isPunct(';'):
		s.next()
	case s.isPunct('{'):
		s.next()
		s.parseItems(s.join(path, "::", ""), true)
	default:
		s.problem(s.t.line, "expected { after mod "+name)
		s.skipItem()
	}
	if idx >= 0 {
		s.items[idx].Loc.End = s.endPos()
	}
}

// parseStruct parses a struct or union with its fields, at the keyword.
func (s *bgScanner) parseStruct(prefix string, start bgToken, public bool, at bgAttrs, kw string) {
	name, ok := s.itemName(kw)
	if !ok {
		return
	}
	s.skipGenerics()
	sigEnd := s.prev.end
	kind := KindStruct
	if kw == "union" {
		kind = KindUnion
	}
	path := s.join(prefix, name, "")
	idx := -1
	if public {
		s.add(Item{Path: path, Name: name, Kind: kind, Doc: at.doc,
			Loc: Loc{Start: Pos{Line: start.line, Col: start.col}}})
		idx = len(s.items) - 1
	}
	if s.isIdent("where") {
		for s.t.kind != bgEOF && !s.isPunct('{') && !s.isPunct(';') && !s.isPunct('(') {
			s.next()
		}
	}
	switch {
	case s.isPunct('{'):
		s.next()
		s.parseFields(path, public)
	case s.isPunct('('):
		s.next()
		s.parseTupleFields(path, public)
		sigEnd = s.prev.end
		if s.isIdent("where") {
			for s.t.kind != bgEOF && !s.isPunct(';') && !s.isPunct('}') {
				s.next()
			}
		}
		if s.isPunct(';') {
			s.next()
		} else {
			s.problem(s.t.line, "expected ; after "+kw+" "+name)
		}
	case s.isPunct(';'):
		s.next()
	default:
		s.problem(s.t.line, "expected { after "+kw+" "+name)
		s.skipItem()
	}
	if idx >= 0 {
		s.items[idx].Sig = s.sig(start.start, sigEnd)
		s.items[idx].Loc.End = s.endPos()
	}
}

// parseFields parses named fields up to and including the closing }.
func (s *bgScanner) parseFields(parent string, public bool) {
	for {
		switch {
		case s.t.kind == bgEOF:
			s.problem(s.t.line, "unexpected end of file in fields of "+parent)
			return
		case s.isPunct('}'):
			s.next()
			return
		case s.isPunct(','):
			s.next()
			continue
		}
		at := s.parseAttrs()
		start := s.t
		pub := s.visibility()
		if s.t.kind != bgIdent {
			if s.t.kind == bgEOF || s.isPunct('}') {
				continue
			}
			s.problem(s.t.line, "expected a field name in "+parent)
			s.skipField()
			continue
		}
		name := s.text(s.t)
		s.next()
		if !s.isPunct(':') {
			s.problem(s.t.line, "expected : after field "+name)
			s.skipField()
			continue
		}
		s.next()
		end := s.skipType()
		if pub && public && end > start.start {
			s.add(Item{
				Path:   s.join(parent, "::", name),
				Name:   name,
				Kind:   KindField,
				Sig:    s.sig(start.start, end),
				Doc:    at.doc,
				Parent: parent,
				Loc:    Loc{Start: Pos{Line: start.line, Col: start.col}, End: s.posOf(end)},
			})
		}
		if !s.isPunct(',') && !s.isPunct('}') {
			s.problem(s.t.line, "expected , or } after field "+name)
			s.skipField()
		}
	}
}

// skipField skips to the next , or the closing } of a field list (not consumed).
func (s *bgScanner) skipField() {
	for s.t.kind != bgEOF && !s.isPunct(',') && !s.isPunct('}') {
		if s.isPunct('(') || s.isPunct('[') || s.isPunct('{') {
			c := s.t.c
			s.next()
			s.skipUntilClose(bgCloseOf(c))
			continue
		}
		s.next()
	}
}

// parseTupleFields parses `(pub T, U)` up to and including the ); pub ones become fields 0, 1...
func (s *bgScanner) parseTupleFields(parent string, public bool) {
	n := 0
	for {
		switch {
		case s.t.kind == bgEOF:
			s.problem(s.t.line, "unexpected end of file in "+parent)
			return
		case s.isPunct(')'):
			s.next()
			return
		case s.isPunct(','):
			s.next()
			continue
		}
		at := s.parseAttrs()
		start := s.t
		pub := s.visibility()
		end := s.skipType()
		if end <= start.start && !s.isPunct(',') && !s.isPunct(')') {
			s.problem(s.t.line, "unexpected "+strconv.Quote(s.text(s.t))+" in "+parent)
			s.skipField()
			if s.isPunct('}') {
				return
			}
			continue
		}
		name := strconv.Itoa(n)
		n++
		if pub && public {
			s.add(Item{
				Path:   s.join(parent, "::", name),
				Name:   name,
				Kind:   KindField,
				Sig:    s.sig(start.start, end),
				Doc:    at.doc,
				Parent: parent,
				Loc:    Loc{Start: Pos{Line: start.line, Col: start.col}, End: s.posOf(end)},
			})
		}
	}
}

// parseEnum parses a Rust enum (bindgen's rustified enums), at enum.
func (s *bgScanner) parseEnum(prefix string, start bgToken, public bool, at bgAttrs) {
	name, ok := s.itemName("enum")
	if !ok {
		return
	}
	s.skipGenerics()
	path := s.join(prefix, name, "")
	idx := -1
	if public {
		s.add(Item{Path: path, Name: name, Kind: KindEnum, Sig: s.sig(start.start, s.prev.end), Doc: at.doc,
			Loc: Loc{Start: Pos{Line: start.line, Col: start.col}}})
		idx = len(s.items) - 1
	}
	if !s.isPunct('{') {
		s.problem(s.t.line, "expected { after enum "+name)
		s.skipItem()
		if idx >= 0 {
			s.items[idx].Loc.End = s.endPos()
		}
		return
	}
	s.next()
	for {
		if s.t.kind == bgEOF {
			s.problem(s.t.line, "unexpected end of file in enum "+name)
			break
		}
		if s.isPunct('}') {
			s.next()
			break
		}
		if s.isPunct(',') {
			s.next()
			continue
		}
		vat := s.parseAttrs()
		vstart := s.t
		if s.t.kind != bgIdent {
			if s.t.kind == bgEOF || s.isPunct('}') {
				continue
			}
			s.problem(s.t.line, "expected a variant of enum "+name)
			s.skipField()
			continue
		}
		vname := s.text(s.t)
		s.next()
		end := s.prev.end
		if s.isPunct('(') || s.isPunct('{') {
			c := s.t.c
			s.next()
			s.skipUntilClose(bgCloseOf(c))
			end = s.prev.end
		}
		if s.isPunct('=') {
			s.next()
			end = s.skipType()
		}
		if public {
			s.add(Item{
				Path:   s.join(path, "::", vname),
				Name:   vname,
				Kind:   KindVariant,
				Sig:    s.sig(vstart.start, end),
				Doc:    vat.doc,
				Parent: path,
				Loc:    Loc{Start: Pos{Line: vstart.line, Col: vstart.col}, End: s.posOf(end)},
			})
		}
		if !s.isPunct(',') && !s.isPunct('}') {
			s.problem(s.t.line, "expected , or } after variant "+vname)
			s.skipField()
		}
	}
	if idx >= 0 {
		s.items[idx].Loc.End = s.endPos()
	}
}

// parseImpl parses an impl block, at impl. Inherent impls give their pub fns (methods) and
// consts; trait impls are skipped.
func (s *bgScanner) parseImpl(prefix string) {
	s.next()
	s.skipGenerics()
	if s.isPunct('!') {
		s.next()
	}
	// The self type (or the trait): a path, its last segment is the name.
	self := ""
	trait := false
	angle := 0
	for s.t.kind != bgEOF && !s.isPunct('{') && !s.isPunct(';') && !s.isPunct('}') {
		switch {
		case s.isPunct('<'):
			angle++
		case s.isPunct('>'):
			angle--
		case s.isPunct('(') || s.isPunct('['):
			c := s.t.c
			s.next()
			s.skipUntilClose(bgCloseOf(c))
			continue
		case angle == 0 && s.isIdent("for"):
			trait = true
		case angle == 0 && s.isIdent("where"):
			for s.t.kind != bgEOF && !s.isPunct('{') && !s.isPunct(';') && !s.isPunct('}') {
				s.next()
			}
			continue
		case angle == 0 && s.t.kind == bgIdent:
			if w := s.text(s.t); w != "dyn" && w != "mut" && w != "const" {
				self = w
			}
		}
		s.next()
	}
	if !s.isPunct('{') {
		s.problem(s.t.line, "expected { after impl")
		s.skipItem()
		return
	}
	s.next()
	if trait || self == "" {
		s.skipUntilClose('}')
		return
	}
	parent := s.join(prefix, self, "")
	for {
		switch {
		case s.t.kind == bgEOF:
			s.problem(s.t.line, "unexpected end of file in impl "+self)
			return
		case s.isPunct('}'):
			s.next()
			return
		case s.isPunct(';'):
			s.next()
			continue
		}
		at := s.parseAttrs()
		start := s.t
		public := s.visibility()
		unsafeFn := false
		kw := ""
	quals:
		for s.t.kind == bgIdent {
			switch w := s.text(s.t); w {
			case "const":
				kw = w
				s.next()
				if s.isIdent("fn") || s.isIdent("unsafe") || s.isIdent("extern") || s.isIdent("async") {
					kw = ""
					continue
				}
				break quals
			case "unsafe":
				unsafeFn = true
			case "async", "extern", "default":
			default:
				kw = w
				break quals
			}
			s.next()
			if s.t.kind == bgString {
				s.next()
			}
		}
		switch kw {
		case "fn":
			s.parseFn(prefix, parent, start, public, at, unsafeFn)
		case "const":
			s.parseValue(prefix, parent, start, public, at, "const", false)
		default:
			if s.t.kind == bgEOF || s.isPunct('}') {
				continue
			}
			if kw != "type" {
				s.problem(s.t.line, "unexpected "+strconv.Quote(s.text(s.t))+" in impl "+self)
			}
			s.next()
			s.skipItem()
		}
	}
}
