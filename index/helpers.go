// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/c"
)

// maxCFile bounds the C files the helper scan reads; the largest helpers file of 6.12 is 2 KB.
const maxCFile = 4 << 20

// ParseHelpers reads the C helpers of the tree at root: every rust_helper_X definition of
// rust/helpers.c (6.1-6.10) or rust/helpers/*.c (6.11 on, where helpers.c #includes the
// others), and the RUST_CONST_HELPER_X constants of rust/bindings/bindings_helper.h.
//
// Definitions are found by a small C lexer rather than by tree-sitter alone: the kernel puts
// attribute macros before the name (`void * __must_check __realloc_size(2)` in 6.12
// rust/helpers/slab.c, `__noreturn` in bug.c, `__rust_helper` in newer kernels) and tree-sitter,
// knowing none of them, turns those declarations into ERROR nodes. Bodies are plain C and go
// through the tree-sitter C grammar to find the call the helper wraps.
//
// layout is "helpers/", "helpers.c" or "" (no helpers: a tree older than 6.1 or not a kernel);
// files lists the paths read, relative to root.
func ParseHelpers(root string) (helpers []Helper, layout string, files []string, problems []Problem) {
	hp := &helperParser{root: root, seen: map[string]bool{}}
	defer hp.close()
	switch {
	case locIsDir(joinPath(root, "rust/helpers")):
		layout = "helpers/"
		if locIsFile(joinPath(root, "rust/helpers/helpers.c")) {
			hp.file("rust/helpers/helpers.c")
		}
		// Every .c of the folder, also the ones helpers.c forgot to include: a helper that
		// bindgen does not see is still worth showing, and the order stays stable.
		ents, err := os.ReadDir(joinPath(root, "rust/helpers"))
		if err != nil {
			hp.problem("rust/helpers", 0, err.Error())
		}
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".c") {
				hp.file("rust/helpers/" + e.Name())
			}
		}
	case locIsFile(joinPath(root, "rust/helpers.c")):
		layout = "helpers.c"
		hp.file("rust/helpers.c")
	}
	const bh = "rust/bindings/bindings_helper.h"
	if locIsFile(joinPath(root, bh)) {
		hp.consts(bh)
	}
	return hp.helpers, layout, hp.files, hp.problems
}

type helperParser struct {
	root     string
	seen     map[string]bool
	files    []string
	helpers  []Helper
	problems []Problem
	parser   *sitter.Parser
}

func (hp *helperParser) close() {
	if hp.parser != nil {
		hp.parser.Close()
	}
}

func (hp *helperParser) problem(file string, line int, msg string) {
	hp.problems = append(hp.problems, Problem{File: file, Line: line, Message: msg})
}

// read returns the content of rel, or nil after recording why it cannot be used.
func (hp *helperParser) read(rel string) []byte {
	if hp.seen[rel] {
		return nil
	}
	hp.seen[rel] = true
	abs := joinPath(hp.root, rel)
	st, err := os.Stat(abs)
	if err != nil {
		hp.problem(rel, 0, err.Error())
		return nil
	}
	if st.Size() > maxCFile {
		hp.problem(rel, 0, fmt.Sprintf("skipped: %d bytes is too large for a helpers file", st.Size()))
		return nil
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		hp.problem(rel, 0, err.Error())
		return nil
	}
	if bytes.IndexByte(src, 0) >= 0 {
		hp.problem(rel, 0, "skipped: binary file")
		return nil
	}
	hp.files = append(hp.files, rel)
	return src
}

// file scans one helpers file and, depth first, the "x.c" files it #includes.
func (hp *helperParser) file(rel string) {
	src := hp.read(rel)
	if src == nil {
		return
	}
	toks := cLex(src)
	for i := range toks {
		t := &toks[i]
		if t.kind == cTokPreproc {
			if inc := cIncludeQuoted(t.text); strings.HasSuffix(inc, ".c") {
				p := path.Clean(path.Join(path.Dir(rel), inc))
				if !strings.HasPrefix(p, "../") && !path.IsAbs(p) {
					hp.file(p)
				}
			}
			continue
		}
		if t.kind != cTokIdent || !strings.HasPrefix(t.text, "rust_helper_") {
			continue
		}
		if h, ok := hp.definition(src, toks, i, rel); ok {
			hp.helpers = append(hp.helpers, h)
		}
	}
}

var cIncludeRE = regexp.MustCompile(`^#\s*include\s*"([^"]+)"`)

func cIncludeQuoted(directive string) string {
	if m := cIncludeRE.FindStringSubmatch(directive); m != nil {
		return m[1]
	}
	return ""
}

// definition returns the helper defined at toks[i] when that name starts a function definition
// (name, parameter list, body), not a declaration, a call or an EXPORT_SYMBOL argument.
func (hp *helperParser) definition(src []byte, toks []cToken, i int, rel string) (Helper, bool) {
	name := toks[i]
	if i+1 >= len(toks) || toks[i+1].text != "(" {
		return Helper{}, false
	}
	closeParen := cMatching(toks, i+1)
	if closeParen < 0 {
		hp.problem(rel, name.line, "unbalanced parameter list of "+name.text)
		return Helper{}, false
	}
	// Attributes may sit between ")" and "{" (`__attribute__((cold))`).
	j := closeParen + 1
	for j < len(toks) && toks[j].kind == cTokIdent && strings.HasPrefix(toks[j].text, "__") {
		j++
		if j < len(toks) && toks[j].text == "(" {
			if k := cMatching(toks, j); k > 0 {
				j = k + 1
			}
		}
	}
	if j >= len(toks) || toks[j].text != "{" {
		return Helper{}, false
	}
	// The prefix: back to the end of the previous declaration or directive.
	start := i
	for start > 0 {
		p := toks[start-1]
		if p.kind == cTokPreproc || p.text == ";" || p.text == "}" || p.text == "{" {
			break
		}
		start--
	}
	if start == i {
		// No return type: a call inside a body seen at the top level (unbalanced braces).
		return Helper{}, false
	}
	x := strings.TrimPrefix(name.text, "rust_helper_")
	if x == "" {
		return Helper{}, false
	}
	bodyEnd, srcEnd := cMatching(toks, j), len(src)
	if bodyEnd < 0 {
		hp.problem(rel, name.line, "unterminated body of "+name.text)
		bodyEnd = len(toks)
	} else {
		srcEnd = toks[bodyEnd].off + 1
	}
	h := Helper{
		Name:    x,
		CName:   name.text,
		Sig:     cOneLine(toks[start : closeParen+1]),
		Return:  cReturnType(toks[start:i]),
		Binding: "bindings::" + x,
		Loc: Loc{File: rel,
			Start: Pos{Line: name.line, Col: name.col},
			End:   Pos{Line: name.line, Col: name.col + len(name.text)}},
	}
	h.Wraps = pickWrapped(x, hp.calls(src[toks[j].off:srcEnd], toks[j+1:bodyEnd]))
	return h, true
}

// calls lists the functions and function-like macros a body calls, outermost first, in source
// order. The tree-sitter C grammar parses the body; the token list is the fallback when it
// cannot (a body made only of unknown macros).
func (hp *helperParser) calls(body []byte, toks []cToken) []string {
	if hp.parser == nil {
		hp.parser = sitter.NewParser()
		hp.parser.SetLanguage(c.GetLanguage())
	}
	const head = "void f(void)\n"
	src := append([]byte(head), body...)
	var out []string
	tree, err := hp.parser.ParseCtx(context.Background(), nil, src)
	if err == nil {
		var walk func(n *sitter.Node)
		walk = func(n *sitter.Node) {
			if n.Type() == "call_expression" {
				if f := n.ChildByFieldName("function"); f != nil && f.Type() == "identifier" {
					out = append(out, f.Content(src))
				}
			}
			for k := 0; k < int(n.NamedChildCount()); k++ {
				walk(n.NamedChild(k))
			}
		}
		walk(tree.RootNode())
		tree.Close()
	}
	if len(out) > 0 {
		return out
	}
	for k := 0; k+1 < len(toks); k++ {
		if toks[k].kind == cTokIdent && toks[k+1].text == "(" && !cKeywords[toks[k].text] {
			out = append(out, toks[k].text)
		}
	}
	if len(out) == 0 {
		// `return current;`: the macro is used as a value.
		for k := 0; k+1 < len(toks); k++ {
			if toks[k].text == "return" && toks[k+1].kind == cTokIdent {
				out = append(out, toks[k+1].text)
				break
			}
		}
	}
	return out
}

// pickWrapped chooses, among the calls of helper x's body, the one the helper exists for: the
// first whose name, ignoring case and leading/trailing underscores, equals x's, contains it or
// is contained in it (__raw_spin_lock_init for __spin_lock_init), else the first call.
func pickWrapped(x string, calls []string) string {
	if len(calls) == 0 {
		return ""
	}
	norm := func(s string) string { return strings.ToLower(strings.Trim(s, "_")) }
	nx := norm(x)
	for _, c := range calls {
		if n := norm(c); n != "" && nx != "" && (strings.Contains(n, nx) || strings.Contains(nx, n)) {
			return c
		}
	}
	return calls[0]
}

// cConstHelperRE matches `const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;`
// (rust/bindings/bindings_helper.h, 6.7 on).
var cConstHelperRE = regexp.MustCompile(`(?m)^[ \t]*(const[ \t]+[^=;{}]*?)\bRUST_CONST_HELPER_(\w+)[ \t]*=[ \t]*([^;]+?)[ \t]*;`)

func (hp *helperParser) consts(rel string) {
	src := hp.read(rel)
	if src == nil {
		return
	}
	clean := cBlankComments(src)
	for _, m := range cConstHelperRE.FindAllSubmatchIndex(clean, -1) {
		typ := strings.TrimSpace(strings.TrimPrefix(string(clean[m[2]:m[3]]), "const"))
		name := string(clean[m[4]:m[5]])
		nameOff := m[4] - len("RUST_CONST_HELPER_")
		line := 1 + bytes.Count(clean[:nameOff], []byte("\n"))
		col := nameOff - (bytes.LastIndexByte(clean[:nameOff], '\n') + 1)
		hp.helpers = append(hp.helpers, Helper{
			Name:    name,
			CName:   "RUST_CONST_HELPER_" + name,
			Wraps:   strings.Join(strings.Fields(string(clean[m[6]:m[7]])), " "),
			Sig:     strings.Join(strings.Fields(string(clean[m[0]:m[1]-1])), " "),
			Return:  strings.Join(strings.Fields(typ), " "),
			Const:   true,
			Binding: "bindings::" + name,
			Loc: Loc{File: rel,
				Start: Pos{Line: line, Col: col},
				End:   Pos{Line: line, Col: col + len("RUST_CONST_HELPER_") + len(name)}},
		})
	}
}

// cAttrWords are the kernel's attribute and storage macros that can precede a helper's name;
// they are not part of its return type. Function-like ones (`__realloc_size(2)`,
// `__attribute__((...))`) are dropped by cReturnType as any `__x(...)`.
var cAttrWords = map[string]bool{
	"static": true, "inline": true, "extern": true, "__inline__": true, "__always_inline": true,
	"noinline": true, "notrace": true, "__noreturn": true, "__must_check": true, "__force": true,
	"__cold": true, "__pure": true, "__malloc": true, "__init": true, "__weak": true,
	"__visible": true, "asmlinkage": true, "__rust_helper": true, "__maybe_unused": true,
	"__used": true, "__flatten": true,
}

// cReturnType renders the return type from the tokens before the name, attributes dropped:
// "void *", "struct page *", "const char *".
func cReturnType(toks []cToken) string {
	var b strings.Builder
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if t.kind == cTokIdent && strings.HasPrefix(t.text, "__") && k+1 < len(toks) && toks[k+1].text == "(" {
			if e := cMatching(toks, k+1); e > 0 {
				k = e
				continue
			}
		}
		if t.kind == cTokIdent && cAttrWords[t.text] {
			continue
		}
		switch {
		case t.text == "*":
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "*") {
				b.WriteByte(' ')
			}
		case b.Len() > 0:
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// cOneLine renders tokens as one line of C: one space between words, none inside parentheses
// nor between a `*` and the name it declares.
func cOneLine(toks []cToken) string {
	var b strings.Builder
	for k, t := range toks {
		if k > 0 {
			prev := toks[k-1]
			glue := t.text == ")" || t.text == "," || prev.text == "(" ||
				t.text == "(" && prev.kind == cTokIdent ||
				prev.text == "*" && (t.text == "*" || t.kind == cTokIdent && !cAttrWords[t.text] && !strings.HasPrefix(t.text, "__"))
			if !glue {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// --- a C lexer just good enough to find definitions -----------------------------------------

type cTokKind uint8

const (
	cTokIdent cTokKind = iota
	cTokPunct
	cTokOther   // numbers, strings, character constants
	cTokPreproc // a whole preprocessor directive, continuation lines included
)

type cToken struct {
	kind cTokKind
	text string
	off  int // byte offset
	line int // 1-based
	col  int // 0-based byte column
}

var cKeywords = map[string]bool{
	"if": true, "while": true, "for": true, "switch": true, "return": true, "sizeof": true,
	"typeof": true, "__typeof__": true, "_Alignof": true, "__alignof__": true, "do": true,
	"else": true, "case": true, "goto": true, "defined": true, "_Static_assert": true,
}

// cLex splits C source into tokens, skipping comments; never fails.
func cLex(src []byte) []cToken {
	var toks []cToken
	line, lineStart := 1, 0
	bol := true // only blanks since the start of the line
	for i := 0; i < len(src); {
		ch := src[i]
		switch {
		case ch == '\n':
			line++
			i++
			lineStart = i
			bol = true
			continue
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v':
			i++
			continue
		case ch == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case ch == '/' && i+1 < len(src) && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			stop := len(src)
			if end >= 0 {
				stop = i + 2 + end + 2
			}
			for ; i < stop; i++ {
				if src[i] == '\n' {
					line++
					lineStart = i + 1
				}
			}
			continue
		}
		t := cToken{off: i, line: line, col: i - lineStart}
		switch {
		case ch == '#' && bol:
			j := i
			for j < len(src) && src[j] != '\n' {
				if src[j] == '\\' && j+1 < len(src) && src[j+1] == '\n' {
					line++
					j += 2
					lineStart = j
					continue
				}
				j++
			}
			t.kind, t.text = cTokPreproc, string(src[i:j])
			i = j
		case cIdentStart(ch):
			j := i + 1
			for j < len(src) && cIdentChar(src[j]) {
				j++
			}
			t.kind, t.text = cTokIdent, string(src[i:j])
			i = j
		case ch >= '0' && ch <= '9':
			j := i + 1
			for j < len(src) && (cIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			t.kind, t.text = cTokOther, string(src[i:j])
			i = j
		case ch == '"' || ch == '\'':
			j := i + 1
			for j < len(src) && src[j] != ch && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(src) && src[j] == ch {
				j++
			}
			if j > len(src) {
				j = len(src)
			}
			t.kind, t.text = cTokOther, string(src[i:j])
			i = j
		default:
			t.kind, t.text = cTokPunct, string(ch)
			i++
		}
		bol = false
		toks = append(toks, t)
	}
	return toks
}

func cIdentStart(ch byte) bool {
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

func cIdentChar(ch byte) bool { return cIdentStart(ch) || ch >= '0' && ch <= '9' }

// cMatching returns the index of the bracket closing toks[open], or -1.
func cMatching(toks []cToken, open int) int {
	var closer string
	switch toks[open].text {
	case "(":
		closer = ")"
	case "{":
		closer = "}"
	case "[":
		closer = "]"
	default:
		return -1
	}
	depth := 0
	for k := open; k < len(toks); k++ {
		switch toks[k].text {
		case toks[open].text:
			depth++
		case closer:
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// cBlankComments replaces C comments by spaces, keeping newlines and offsets.
func cBlankComments(src []byte) []byte {
	out := bytes.Clone(src)
	for i := 0; i+1 < len(out); i++ {
		switch {
		case out[i] == '/' && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case out[i] == '/' && out[i+1] == '*':
			j := i
			for ; j < len(out); j++ {
				if j >= i+2 && out[j-1] == '*' && out[j] == '/' {
					break
				}
			}
			for k := i; k <= j && k < len(out); k++ {
				if out[k] != '\n' {
					out[k] = ' '
				}
			}
			i = j
		}
	}
	return out
}
