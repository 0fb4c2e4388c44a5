// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import "bytes"

// The lexer follows scripts/kconfig/lexer.l: one token stream per line, `\` + newline joins
// lines, `#` starts a comment, keywords are whole words of [A-Za-z0-9_-], a word that contains
// `$(...)` is a macro word (kept unexpanded here: expansion needs the variables of other files
// and happens when the tree is resolved), strings take ' or " with backslash escapes, and two
// states the parser switches on: the raw value of an assignment and help text (which ends on
// dedent).

type tokKind uint8

const (
	tEOF tokKind = iota
	tEOL
	tWord   // identifier, number or macro word
	tString // quoted string
	tOr
	tAnd
	tEqual
	tUnequal
	tLess
	tLessEqual
	tGreater
	tGreaterEqual
	tNot
	tOpen
	tClose
	tColonEqual
	tPlusEqual
	// keywords
	tBool
	tChoice
	tComment
	tConfig
	tDefBool
	tDefTristate
	tDefault
	tDepends
	tEndchoice
	tEndif
	tEndmenu
	tHelp
	tHex
	tIf
	tImply
	tInt
	tMainmenu
	tMenu
	tMenuconfig
	tModules
	tOn
	tPrompt
	tRange
	tSelect
	tSource
	tString_ // the `string` type keyword
	tTristate
	tVisible
	tOptional     // choice option, up to 6.10
	tTransitional // mainline, after 6.17
	tOption       // old `option NAME[=VALUE]`
	tRsource      // Kconfiglib extensions, accepted if present
	tOsource
	tOrsource
	tSkip // internal: ignored characters
)

var keywords = map[string]tokKind{
	"bool": tBool, "choice": tChoice, "comment": tComment, "config": tConfig,
	"def_bool": tDefBool, "def_tristate": tDefTristate, "default": tDefault,
	"depends": tDepends, "endchoice": tEndchoice, "endif": tEndif, "endmenu": tEndmenu,
	"help": tHelp, "---help---": tHelp, "hex": tHex, "if": tIf, "imply": tImply, "int": tInt,
	"mainmenu": tMainmenu, "menu": tMenu, "menuconfig": tMenuconfig, "modules": tModules,
	"on": tOn, "prompt": tPrompt, "range": tRange, "select": tSelect, "source": tSource,
	"string": tString_, "tristate": tTristate, "visible": tVisible, "optional": tOptional,
	"transitional": tTransitional, "option": tOption, "rsource": tRsource,
	"osource": tOsource, "orsource": tOrsource,
	// Very old trees spelled bool "boolean".
	"boolean": tBool,
}

// keyword is keywords[w] as a switch, which costs less than hashing every word: most words
// are symbol names, in capitals, and fail the first test.
func keyword(w []byte) (tokKind, bool) {
	if len(w) < 2 || len(w) > len("def_tristate") || (w[0] < 'a' || w[0] > 'z') && w[0] != '-' {
		return 0, false
	}
	switch string(w) { // no allocation: the compiler compares the bytes
	case "bool", "boolean":
		return tBool, true
	case "choice":
		return tChoice, true
	case "comment":
		return tComment, true
	case "config":
		return tConfig, true
	case "def_bool":
		return tDefBool, true
	case "def_tristate":
		return tDefTristate, true
	case "default":
		return tDefault, true
	case "depends":
		return tDepends, true
	case "endchoice":
		return tEndchoice, true
	case "endif":
		return tEndif, true
	case "endmenu":
		return tEndmenu, true
	case "help", "---help---":
		return tHelp, true
	case "hex":
		return tHex, true
	case "if":
		return tIf, true
	case "imply":
		return tImply, true
	case "int":
		return tInt, true
	case "mainmenu":
		return tMainmenu, true
	case "menu":
		return tMenu, true
	case "menuconfig":
		return tMenuconfig, true
	case "modules":
		return tModules, true
	case "on":
		return tOn, true
	case "prompt":
		return tPrompt, true
	case "range":
		return tRange, true
	case "select":
		return tSelect, true
	case "source":
		return tSource, true
	case "string":
		return tString_, true
	case "tristate":
		return tTristate, true
	case "visible":
		return tVisible, true
	case "optional":
		return tOptional, true
	case "transitional":
		return tTransitional, true
	case "option":
		return tOption, true
	case "rsource":
		return tRsource, true
	case "osource":
		return tOsource, true
	case "orsource":
		return tOrsource, true
	}
	return 0, false
}

// keywordText gives each keyword token its canonical text without allocating. "---help---"
// and "boolean" come out as "help" and "bool".
var keywordText = func() (a [tSkip]string) {
	for w, k := range keywords {
		if w != "---help---" && w != "boolean" {
			a[k] = w
		}
	}
	return a
}()

var tokNames = map[tokKind]string{
	tEOF: "end of file", tEOL: "end of line", tWord: "word", tString: "string",
	tOr: "'||'", tAnd: "'&&'", tEqual: "'='", tUnequal: "'!='", tLess: "'<'",
	tLessEqual: "'<='", tGreater: "'>'", tGreaterEqual: "'>='", tNot: "'!'",
	tOpen: "'('", tClose: "')'", tColonEqual: "':='", tPlusEqual: "'+='",
}

func (k tokKind) String() string {
	if s, ok := tokNames[k]; ok {
		return s
	}
	for w, kk := range keywords {
		if kk == k && w != "---help---" && w != "boolean" {
			return "'" + w + "'"
		}
	}
	return "token"
}

// token holds no pointer, so that making one costs no write barrier. The text of a keyword
// or operator is kind.text(); the text of a word or the value of a string is buf[s0:s1], in
// src or, for a string with escapes, in the lexer's esc: the parser copies what it keeps into
// one string per file (parser.keep).
type token struct {
	kind   tokKind
	in     tokBuf
	macro  bool // word or string contains $(
	s0, s1 int
	rng    Range
}

// tokBuf says where a token's text is.
type tokBuf uint8

const (
	inKind tokBuf = iota // kind.text()
	inSrc                // src[s0:s1]
	inEsc                // esc[s0:s1]
)

// text returns the fixed text of a keyword or operator token ("" for the others).
func (k tokKind) text() string {
	if int(k) < len(opTokText) && opTokText[k] != "" {
		return opTokText[k]
	}
	if int(k) < len(keywordText) {
		return keywordText[k]
	}
	return ""
}

// bytes returns the text of a word or string token.
func (l *lexer) bytes(t *token) []byte {
	switch t.in {
	case inSrc:
		return l.src[t.s0:t.s1]
	case inEsc:
		return l.esc[t.s0:t.s1]
	}
	return nil
}

type lexer struct {
	src       []byte // the caller's, read only during ParseFile: nothing keeps it
	off       int
	line      int
	lineStart int
	errs      *[]Error
	file      string
	dropped   int    // errors beyond maxErrors
	esc       []byte // the values of the file's strings with escapes, one after the other

	// The help texts of a file are built one after the other in helpText and become strings
	// in finishHelp, at the end of the file: one allocation for all of them. helpLens holds
	// the length of each help line's text until then. The slices are reused across files.
	helpText  []byte
	helpLens  []int
	helpPend  []pendingHelp
	lines     []HelpLine // help lines being built
	helpLines cuts[HelpLine]
}

// pendingHelp is a help text waiting for finishHelp: its bytes are helpText[start:end].
type pendingHelp struct {
	h          *Help
	start, end int
}

func newLexer(file string, src []byte, errs *[]Error) *lexer {
	l := &lexer{}
	l.reset(file, src, errs)
	return l
}

// reset prepares l for a new file, keeping its buffers.
func (l *lexer) reset(file string, src []byte, errs *[]Error) {
	l.src, l.off, l.line, l.lineStart = src, 0, 1, 0
	l.errs, l.file, l.dropped, l.esc = errs, file, 0, l.esc[:0]
	clear(l.helpPend)
	l.helpText, l.helpLens, l.helpPend = l.helpText[:0], l.helpLens[:0], l.helpPend[:0]
}

func (l *lexer) pos() Pos { return Pos{l.line, l.off - l.lineStart} }

// maxErrors bounds the problems kept per file, so that a binary or generated file cannot
// make millions of them; the rest are counted in one last error.
const maxErrors = 200

func addError(errs *[]Error, dropped *int, e Error) {
	if len(*errs) >= maxErrors {
		*dropped++
		return
	}
	*errs = append(*errs, e)
}

func (l *lexer) warn(r Range, msg string) {
	addError(l.errs, &l.dropped, Error{File: l.file, Range: r, Msg: msg, Warning: true})
}

func (l *lexer) errorf(r Range, msg string) {
	addError(l.errs, &l.dropped, Error{File: l.file, Range: r, Msg: msg})
}

func isWordByte(c byte) bool { return wordBytes[c] }

// wordBytes is the set of bytes of words, [A-Za-z0-9_-], as a table: one load per byte.
var wordBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	return t
}()

// skipParens moves past a `(`...`)` group with nesting, starting at the `(`, stopping at the
// end of the line when unterminated. It reports whether the group was closed.
func (l *lexer) skipParens() bool {
	depth := 0
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch c {
		case '\n':
			return false
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				l.off++
				return true
			}
		}
		l.off++
	}
	return false
}

// next returns the next token in the normal state.
func (l *lexer) next() token {
	var t token
	l.scan(&t)
	return t
}

// scan sets *t to the next token in the normal state (without copying tokens around).
func (l *lexer) scan(t *token) {
	for {
		if l.next1(t); t.kind != tSkip {
			return
		}
	}
}

func (l *lexer) next1(t *token) {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.off++
			continue
		case c == '\\' && l.off+1 < len(l.src) && l.src[l.off+1] == '\n':
			l.off += 2
			l.line++
			l.lineStart = l.off
			continue
		case c == '\\' && l.off+2 < len(l.src) && l.src[l.off+1] == '\r' && l.src[l.off+2] == '\n':
			l.off += 3
			l.line++
			l.lineStart = l.off
			continue
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.off++
			}
			continue
		}
		break
	}
	start := l.pos()
	if l.off >= len(l.src) {
		*t = token{kind: tEOF, rng: Range{start, start}}
		return
	}
	c := l.src[l.off]
	var c2 byte
	if l.off+1 < len(l.src) {
		c2 = l.src[l.off+1]
	}
	switch {
	case c == '\n':
		*t = token{kind: tEOL, rng: Range{start, start}} // empty: the newline is no column
		l.off++
		l.line++
		l.lineStart = l.off
		return
	case c == '|' && c2 == '|':
		l.op(tOr, 2, start, t)
		return
	case c == '&' && c2 == '&':
		l.op(tAnd, 2, start, t)
		return
	case c == '=':
		l.op(tEqual, 1, start, t)
		return
	case c == '!' && c2 == '=':
		l.op(tUnequal, 2, start, t)
		return
	case c == '!':
		l.op(tNot, 1, start, t)
		return
	case c == '<' && c2 == '=':
		l.op(tLessEqual, 2, start, t)
		return
	case c == '<':
		l.op(tLess, 1, start, t)
		return
	case c == '>' && c2 == '=':
		l.op(tGreaterEqual, 2, start, t)
		return
	case c == '>':
		l.op(tGreater, 1, start, t)
		return
	case c == '(':
		l.op(tOpen, 1, start, t)
		return
	case c == ')':
		l.op(tClose, 1, start, t)
		return
	case c == ':' && c2 == '=':
		l.op(tColonEqual, 2, start, t)
		return
	case c == '+' && c2 == '=':
		l.op(tPlusEqual, 2, start, t)
		return
	case c == '"' || c == '\'':
		l.str(c, start, t)
		return
	case isWordByte(c) || c == '$':
		s0 := l.off
		macro := false
		for l.off < len(l.src) {
			c := l.src[l.off]
			if isWordByte(c) {
				l.off++
				continue
			}
			if c == '$' {
				if l.off+1 < len(l.src) && l.src[l.off+1] == '(' {
					macro = true
					l.off++
					if !l.skipParens() {
						l.errorf(Range{start, l.pos()}, "unterminated reference: missing ')'")
					}
					continue
				}
				l.off++
				continue
			}
			break
		}
		r := Range{start, l.pos()}
		if !macro {
			if k, ok := keyword(l.src[s0:l.off]); ok {
				*t = token{kind: k, rng: r}
				return
			}
		}
		*t = token{kind: tWord, in: inSrc, s0: s0, s1: l.off, macro: macro, rng: r}
		return
	}
	// Like the kernel, ignore the character with a warning; a run of them (UTF-8 text, binary
	// junk) gets one warning.
	l.off++ // at least this one: it may be a lone '|', '&', ':', '+' or '\\'
	for l.off < len(l.src) && !startsToken(l.src[l.off]) {
		l.off++
	}
	l.warn(Range{start, l.pos()}, "ignoring unsupported character")
	*t = token{kind: tSkip}
}

var opTokText = [...]string{tOr: "||", tAnd: "&&", tEqual: "=", tUnequal: "!=", tLess: "<",
	tLessEqual: "<=", tGreater: ">", tGreaterEqual: ">=", tNot: "!", tOpen: "(", tClose: ")",
	tColonEqual: ":=", tPlusEqual: "+="}

// op returns the operator token of n bytes at the current offset.
func (l *lexer) op(k tokKind, n int, start Pos, t *token) {
	l.off += n
	*t = token{kind: k, rng: Range{start, Pos{start.Line, start.Col + n}}}
}

// startsToken reports whether c can begin a token or a separator in the normal state.
func startsToken(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\f', '\v', '\n', '\\', '#', '|', '&', '=', '!', '<', '>', '(', ')', ':', '+', '"', '\'', '$':
		return true
	}
	return isWordByte(c)
}

// str reads a quoted string. Backslash escapes the next character; a newline ends the string
// with a warning, as in the kernel.
func (l *lexer) str(q byte, start Pos, t *token) {
	l.off++
	s0 := l.off
	// Without escapes the value is the text between the quotes, src[s0:...]; the first
	// backslash switches to copying into b, the end of esc.
	b := l.esc
	e0 := len(b)
	copying := false
	macro := false
	for {
		if l.off >= len(l.src) {
			l.errorf(Range{start, l.pos()}, "unterminated string")
			break
		}
		c := l.src[l.off]
		if c == '\n' {
			l.errorf(Range{start, l.pos()}, "unterminated string (multi-line strings are not supported)")
			break
		}
		if c == q {
			break
		}
		if c == '\\' {
			if !copying {
				copying = true
				b = append(b, l.src[s0:l.off]...)
			}
			l.off++
			if l.off < len(l.src) && l.src[l.off] != '\n' {
				b = append(b, l.src[l.off])
				l.off++
			}
			continue
		}
		if c == '$' && l.off+1 < len(l.src) && l.src[l.off+1] == '(' {
			macro = true
			s := l.off
			l.off++
			if !l.skipParens() {
				l.errorf(Range{start, l.pos()}, "unterminated reference: missing ')'")
			}
			if copying {
				b = append(b, l.src[s:l.off]...)
			}
			continue
		}
		if copying {
			b = append(b, c)
		}
		l.off++
	}
	*t = token{kind: tString, in: inSrc, s0: s0, s1: l.off, macro: macro}
	if copying {
		t.in, t.s0, t.s1 = inEsc, e0, len(b)
		l.esc = b
	}
	if l.off < len(l.src) && l.src[l.off] == q {
		l.off++
	}
	t.rng = Range{start, l.pos()}
}

// assignOp checks, right after a word at the start of a statement, for `=`, `:=` or `+=`.
func (l *lexer) assignOp() (string, bool) {
	i := l.off
	for i < len(l.src) && (l.src[i] == ' ' || l.src[i] == '\t') {
		i++
	}
	if i < len(l.src) && l.src[i] == '=' {
		return "=", true
	}
	if i+1 < len(l.src) && l.src[i+1] == '=' {
		switch l.src[i] {
		case ':':
			return ":=", true
		case '+':
			return "+=", true
		}
	}
	return "", false
}

// assignValue reads the raw value of an assignment: after the operator, from the first
// non-blank to the end of the line (no comments, no continuation, as in lexer.l's ASSIGN_VAL).
func (l *lexer) assignValue() (s0, s1 int, r Range) {
	for l.off < len(l.src) && (l.src[l.off] == ' ' || l.src[l.off] == '\t') {
		l.off++
	}
	start := l.pos()
	s := l.off
	for l.off < len(l.src) && l.src[l.off] != '\n' {
		l.off++
	}
	e := l.off
	if e > s && l.src[e-1] == '\r' {
		e--
	}
	return s, e, Range{start, l.pos()}
}

// indent measures a line's leading blanks as the kernel does (tabs to the next multiple of 8)
// and returns the width and byte count.
func indent[T string | []byte](line T) (width, n int) {
	for n < len(line) {
		switch line[n] {
		case ' ':
			width++
		case '\t':
			width = (width &^ 7) + 8
		default:
			return
		}
		n++
	}
	return
}

// help reads a help text starting at the beginning of the line after `help`. The text ends
// at the first non-blank line indented less than the first one (lexer.l's HELP state), or at
// a non-blank line in column 0. The lexer is left at the start of that line. h.Lines is set,
// but h.Text and the lines' Text only by finishHelp.
func (l *lexer) help(h *Help) {
	start := len(l.helpText)
	text := l.helpText
	lines := l.lines[:0]
	first := -1
	lastEnd := h.Keyword.End
	pendingBlank := 0
	for l.off < len(l.src) {
		e := bytes.IndexByte(l.src[l.off:], '\n')
		if e < 0 {
			e = len(l.src)
		} else {
			e += l.off
		}
		line := l.src[l.off:e]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		w, n := indent(line)
		blank := true
		for i := n; i < len(line); i++ {
			if c := line[i]; c != ' ' && c != '\t' && c != '\f' && c != '\v' {
				blank = false
				break
			}
		}
		if !blank {
			if w == 0 || first >= 0 && w < first {
				break
			}
			if first < 0 {
				first = w
			}
			for ; pendingBlank > 0; pendingBlank-- {
				text = append(text, '\n')
			}
			for i := first; i < w; i++ {
				text = append(text, ' ')
			}
			body := line[n:]
			for len(body) > 0 && (body[len(body)-1] == ' ' || body[len(body)-1] == '\t') {
				body = body[:len(body)-1]
			}
			lines = append(lines, HelpLine{Start: Pos{l.line, n}, Offset: len(text) - start})
			l.helpLens = append(l.helpLens, len(body))
			text = append(text, body...)
			text = append(text, '\n')
			lastEnd = Pos{l.line, n + len(body)}
		} else if first >= 0 {
			pendingBlank++
		}
		if e < len(l.src) {
			e++
			l.line++
		}
		l.off = e
		l.lineStart = e
	}
	l.helpText = text
	h.Lines = l.helpLines.copy(lines)
	l.lines = lines[:0]
	l.helpPend = append(l.helpPend, pendingHelp{h, start, len(text)})
	h.Range.End = lastEnd
}

// finishHelp sets the texts of the help texts read since the last call.
func (l *lexer) finishHelp() {
	if len(l.helpPend) == 0 {
		return
	}
	s := string(l.helpText)
	k := 0
	for _, ph := range l.helpPend {
		h := ph.h
		h.Text = s[ph.start:ph.end]
		for i := range h.Lines {
			ln := &h.Lines[i]
			ln.Text = h.Text[ln.Offset : ln.Offset+l.helpLens[k]]
			k++
		}
	}
	clear(l.helpPend)
	l.helpText, l.helpLens, l.helpPend = l.helpText[:0], l.helpLens[:0], l.helpPend[:0]
}
