// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"bytes"
	"regexp"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/rust"
)

// CrateFile is the parse result of one .rs file of a crate, kept in the persisted index so an
// edit re-parses only that file. Everything in it is local to the file: paths are as written,
// cfgs are those of the file's own inline modules, impls and items; IndexCrates combines them
// with the module tree.
type CrateFile struct {
	Path   string `json:"path"`   // relative to the tree root, e.g. "rust/kernel/sync/lock/mutex.rs"
	Module string `json:"module"` // e.g. "kernel::sync::lock::mutex" (set by the last IndexCrates)
	Hash   string `json:"hash"`   // hex sha256 of the content
	// Doc is the file's inner documentation (//! and #![doc]).
	Doc      string     `json:"doc,omitempty"`
	Cfg      string     `json:"cfg,omitempty"` // #![cfg(...)] of the file
	Items    []FileItem `json:"items,omitempty"`
	Impls    []FileImpl `json:"impls,omitempty"`
	Uses     []FileUse  `json:"uses,omitempty"`
	Mods     []FileMod  `json:"mods,omitempty"`
	Problems []Problem  `json:"problems,omitempty"`
}

// FileItem is one item of a file, public or not.
type FileItem struct {
	Scope  string `json:"scope,omitempty"` // inline module path inside the file, "" at the top
	Name   string `json:"name"`
	Kind   Kind   `json:"kind"`
	Vis    string `json:"vis,omitempty"` // "pub", "pub(crate)", ... ("" = private)
	Sig    string `json:"sig"`
	Unsafe bool   `json:"unsafe,omitempty"`
	Doc    string `json:"doc,omitempty"`
	Cfg    string `json:"cfg,omitempty"` // combined with the file's inline modules and impl
	Hidden bool   `json:"hidden,omitempty"`
	// MacroExport marks #[macro_export] macro_rules; ProcMacro the proc macro fns of rust/macros.
	MacroExport bool `json:"macro_export,omitempty"`
	ProcMacro   bool `json:"proc_macro,omitempty"`
	// Impl is 1 + the index in Impls of the impl block holding a method or associated item.
	Impl int `json:"impl,omitempty"`
	// Parent is 1 + the index in Items of the enclosing trait, enum or struct.
	Parent  int       `json:"parent,omitempty"`
	HasSelf bool      `json:"has_self,omitempty"` // a method taking self
	HasBody bool      `json:"has_body,omitempty"` // a fn with a body (trait default methods)
	Generic []Generic `json:"generic,omitempty"`  // generic parameters of a fn
	// AliasOf is the aliased type path of a type alias ("super::Lock"), AliasArgs the last
	// segments of its type arguments ("T", "MutexBackend").
	AliasOf   string   `json:"alias_of,omitempty"`
	AliasArgs []string `json:"alias_args,omitempty"`
	Refs      Refs     `json:"refs,omitempty"`
	Start     Pos      `json:"start"`
	End       Pos      `json:"end"`
}

// Generic is a generic parameter with the last segments of its trait bounds.
type Generic struct {
	Name   string   `json:"name"`
	Bounds []string `json:"bounds,omitempty"`
}

// FileImpl is one impl block.
type FileImpl struct {
	Scope    string    `json:"scope,omitempty"`
	SelfType string    `json:"self_type"` // path of the self type as written, without arguments
	SelfArgs []string  `json:"self_args,omitempty"`
	Trait    string    `json:"trait,omitempty"` // path of the trait as written, without arguments
	Cfg      string    `json:"cfg,omitempty"`
	Hidden   bool      `json:"hidden,omitempty"`
	Generic  []Generic `json:"generic,omitempty"`
	Line     int       `json:"line"`
}

// FileUse is one leaf of a use declaration.
type FileUse struct {
	Scope string   `json:"scope,omitempty"`
	Vis   string   `json:"vis,omitempty"`
	Use   UseEntry `json:"use"`
	Cfg   string   `json:"cfg,omitempty"`
	Line  int      `json:"line"`
}

// FileMod is a module declaration, `mod x;` or inline `mod x { ... }`.
type FileMod struct {
	Scope    string `json:"scope,omitempty"` // where it is declared
	Name     string `json:"name"`
	Vis      string `json:"vis,omitempty"`
	Cfg      string `json:"cfg,omitempty"`
	PathAttr string `json:"path_attr,omitempty"`
	Inline   bool   `json:"inline,omitempty"`
	Doc      string `json:"doc,omitempty"` // outer docs, plus inner docs of an inline module
	Hidden   bool   `json:"hidden,omitempty"`
	Sig      string `json:"sig"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

var (
	rustLangOnce sync.Once
	rustLang     *sitter.Language
	rustSymNames []string
)

// rustLanguage returns the grammar and loads its symbol names, which tnode.Type reads.
func rustLanguage() *sitter.Language {
	rustLangOnce.Do(func() {
		rustLang = rust.GetLanguage()
		n := rustLang.SymbolCount()
		rustSymNames = make([]string, n)
		for i := uint32(0); i < n; i++ {
			rustSymNames[i] = rustLang.SymbolName(sitter.Symbol(i))
		}
	})
	return rustLang
}

// eachChild calls f for each child of n in order.
func eachChild(n tnode, f func(c tnode)) {
	for c := n.FirstChild(); !c.null(); c = c.NextSibling() {
		f(c)
	}
}

// newRustParser returns a go-tree-sitter parser of the same grammar, for tests that compare
// with crateParser.
func newRustParser() *sitter.Parser {
	p := sitter.NewParser()
	p.SetLanguage(rustLanguage())
	return p
}

// parseCrateFile parses one file. rel is the path stored in the result.
func parseCrateFile(p *crateParser, rel string, src []byte, hash string) *CrateFile {
	f := &CrateFile{Path: rel, Hash: hash}
	tree := p.parse(blankFnBodies(blankConstDefaults(src)))
	if tree == nil {
		f.Problems = append(f.Problems, Problem{File: rel, Message: "cannot parse: no tree"})
		return f
	}
	x := &extractor{f: f, src: src}
	root := tree.root()
	x.declList(root, "", "", false)
	x.expandDeclarations()
	x.finishDocs()
	if root.HasError() {
		x.reportErrors(root, 0)
	}
	return f
}

// blankConstDefaults returns src with the defaults of const generic parameters,
// `<T, const ID: u64 = 0>`, replaced by spaces: this tree-sitter-rust does not parse them
// (6.12's list.rs and workqueue.rs use them). The tree then parses, and every byte offset
// still points into the original text, from which signatures are cut (so they keep the
// default). A hand scan: a regexp over every file cost more than the rest of the walk.
func blankConstDefaults(src []byte) []byte {
	var out []byte
	for i := 0; i < len(src); {
		k := bytes.Index(src[i:], []byte("const "))
		if k < 0 {
			break
		}
		at := i + k
		i = at + 6
		// Preceded by '<' or ',' (spaces between).
		p := at - 1
		for p >= 0 && (src[p] == ' ' || src[p] == '\t' || src[p] == '\n') {
			p--
		}
		if p < 0 || src[p] != '<' && src[p] != ',' {
			continue
		}
		// const NAME: TYPE
		j := skipSpace(src, i)
		j = skipWord(src, j)
		j = skipSpace(src, j)
		if j >= len(src) || src[j] != ':' {
			continue
		}
		j = skipSpace(src, j+1)
		t := j
		for j < len(src) && (isIdentChar(src[j]) || src[j] == ':') {
			j++
		}
		if j == t {
			continue
		}
		eq := skipSpace(src, j)
		if eq >= len(src) || src[eq] != '=' || eq+1 < len(src) && src[eq+1] == '=' {
			continue
		}
		// = DEFAULT, up to the next ',' or '>' (or a balanced {...} block).
		e := skipSpace(src, eq+1)
		if e < len(src) && src[e] == '{' {
			depth := 0
			for e < len(src) {
				if src[e] == '{' {
					depth++
				} else if src[e] == '}' {
					depth--
					if depth == 0 {
						e++
						break
					}
				}
				e++
			}
		} else {
			for e < len(src) && (isIdentChar(src[e]) || src[e] == ':') {
				e++
			}
		}
		end := skipSpace(src, e)
		if end >= len(src) || src[end] != ',' && src[end] != '>' {
			continue
		}
		if out == nil {
			out = append([]byte(nil), src...)
		}
		for x := j; x < e; x++ {
			if out[x] != '\n' {
				out[x] = ' '
			}
		}
		i = e
	}
	if out == nil {
		return src
	}
	return out
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipWord(b []byte, i int) int {
	for i < len(b) && isIdentChar(b[i]) {
		i++
	}
	return i
}

type extractor struct {
	f       *CrateFile
	src     []byte
	nErrors int
	inner   map[string][]string // inner doc lines by scope
	// rules holds the transcribers of the file's macro_rules, invocations its item-level
	// macro calls, for expandDeclarations.
	rules       map[string]string
	invocations []invocation
}

type invocation struct {
	n      tnode
	scope  string
	cfg    string
	hidden bool
	doc    string
}

var declTemplate = regexp.MustCompile(`pub\s+(const|static|fn|struct)\s+\$(\w+)\s*(:\s*[^=;{]*)?`)

// expandDeclarations indexes the items that a file's own macro_rules declares when invoked
// at item level, the way error.rs declares its error codes:
//
//	macro_rules! declare_err { ($err:tt $(,)? $($doc:expr),+) => { $( #[doc = $doc] )*
//	    pub const $err: super::Error = ...; }; }
//	declare_err!(EPERM, "Operation not permitted.");
//
// The first token of the call names the item, the string literals of the call are its doc
// when the template has #[doc = $...]. Other macro calls are not expanded.
func (x *extractor) expandDeclarations() {
	for _, inv := range x.invocations {
		mn := inv.n.Field(fieldIDs.macro)
		if mn.null() {
			continue
		}
		body, ok := x.rules[x.text(mn)]
		if !ok {
			continue
		}
		m := declTemplate.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		var args tnode
		eachChild(inv.n, func(c tnode) {
			if c.Type() == "token_tree" {
				args = c
			}
		})
		if args.null() {
			continue
		}
		toks := lexRust(x.text(args))
		if len(toks) < 2 || toks[1].kind != tIdent {
			continue
		}
		name := toks[1].text
		it := FileItem{Scope: inv.scope, Name: name, Vis: "pub", Cfg: inv.cfg, Hidden: inv.hidden, Doc: inv.doc}
		switch m[1] {
		case "const":
			it.Kind = KindConst
		case "static":
			it.Kind = KindStatic
		case "fn":
			it.Kind = KindFn
		default:
			it.Kind = KindStruct
		}
		it.Sig = "pub " + m[1] + " " + name
		if m[3] != "" {
			it.Sig += oneLine(strings.TrimRight(m[3], " \t\n"))
		}
		if strings.Contains(body, "bindings::$"+m[2]) {
			it.Refs.Bindings = []string{name} // crate::bindings::$err
		}
		if strings.Contains(body, "#[doc = $") {
			var docs []string
			for _, s := range stringLits(x.text(args)) {
				docs = append(docs, unquote(s))
			}
			if d := strings.Join(docs, "\n"); d != "" {
				it.Doc = d
			}
		}
		x.add(it, inv.n)
	}
}

// stringLits returns the plain string literals of src, as written.
func stringLits(src string) []string {
	var out []string
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case src[i] == '"':
			j := skipString(src, i+1)
			out = append(out, src[i:j])
			i = j - 1
		}
	}
	return out
}

func (x *extractor) text(n tnode) string { return string(x.src[n.StartByte():n.EndByte()]) }

// reportErrors records the first few syntax errors of the file.
func (x *extractor) reportErrors(n tnode, depth int) {
	if x.nErrors >= 5 || depth > 200 {
		return
	}
	if n.IsError() || n.IsMissing() {
		x.nErrors++
		// tree-sitter-rust of this go-tree-sitter lags rustc: 6.12's `const ID: u64 = 0`
		// generic defaults (list.rs, workqueue.rs) land here too. Items around the error
		// are still indexed.
		msg := "syntax error (or syntax the tree-sitter grammar does not know)"
		if n.IsMissing() {
			msg = "syntax error: missing " + n.Type()
		}
		x.f.Problems = append(x.f.Problems, Problem{File: x.f.Path, Line: n.StartLine(), Message: msg})
		return
	}
	if !n.HasError() {
		return
	}
	for c := n.FirstChild(); !c.null(); c = c.NextSibling() {
		x.reportErrors(c, depth+1)
	}
}

// attrs collects the outer attributes and doc comments before an item.
type attrs struct {
	doc         []string
	cfg         []string
	path        string
	hidden      bool
	macroExport bool
	procMacro   bool
	derive      string
}

func (a *attrs) reset() { *a = attrs{} }

// attribute reads one attribute's content (without #[ ]) into a.
func (a *attrs) attribute(content string) {
	content = strings.TrimSpace(content)
	name := content
	if i := strings.IndexAny(content, "(= "); i >= 0 {
		name = content[:i]
	}
	rest := strings.TrimSpace(content[len(name):])
	switch name {
	case "cfg":
		if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
			a.cfg = append(a.cfg, rest[1:len(rest)-1])
		}
	case "doc":
		if strings.HasPrefix(rest, "=") {
			a.doc = append(a.doc, unquote(strings.TrimSpace(rest[1:])))
		} else if strings.Contains(rest, "hidden") {
			a.hidden = true
		}
	case "path":
		if strings.HasPrefix(rest, "=") {
			a.path = unquote(strings.TrimSpace(rest[1:]))
		}
	case "macro_export":
		a.macroExport = true
	case "proc_macro", "proc_macro_attribute":
		a.procMacro = true
	case "proc_macro_derive":
		// #[proc_macro_derive(Zeroable)] names the derive macro, not the fn.
		a.procMacro = true
		if strings.HasPrefix(rest, "(") {
			name, _, _ := strings.Cut(strings.TrimPrefix(rest, "("), ",")
			a.derive = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), ")"))
		}
	}
}

func (a *attrs) docString() string { return strings.Join(a.doc, "\n") }

// declList walks the items of a source file, inline module, ERROR node or declaration list.
func (x *extractor) declList(n tnode, scope, cfg string, hidden bool) {
	var a attrs
	eachChild(n, func(c tnode) {
		switch c.Type() {
		case "line_comment", "block_comment":
			t := x.text(c)
			if isOuterDoc(t) {
				a.doc = append(a.doc, docText(t))
			} else if isInnerDoc(t) {
				x.innerDoc(scope, docText(t))
			}
		case "attribute_item":
			if at := c.NamedChild(0); !at.null() {
				a.attribute(x.text(at))
			}
		case "inner_attribute_item":
			var in attrs
			if at := c.NamedChild(0); !at.null() {
				in.attribute(x.text(at))
			}
			for _, d := range in.doc {
				x.innerDoc(scope, d)
			}
			if scope == "" && len(in.cfg) > 0 {
				x.f.Cfg = cfgAll(append([]string{x.f.Cfg}, in.cfg...)...)
			}
		case "ERROR":
			x.declList(c, scope, cfg, hidden)
			a.reset()
		default:
			if c.IsNamed() {
				x.item(c, scope, cfg, hidden, &a)
			}
			a.reset()
		}
	})
}

func (x *extractor) innerDoc(scope, d string) {
	if x.inner == nil {
		x.inner = map[string][]string{}
	}
	x.inner[scope] = append(x.inner[scope], d)
}

// finishDocs stores the collected inner docs in the file and its inline modules.
func (x *extractor) finishDocs() {
	for scope, lines := range x.inner {
		d := strings.Join(lines, "\n")
		if scope == "" {
			x.f.Doc = d
			continue
		}
		for i := range x.f.Mods {
			m := &x.f.Mods[i]
			if m.Inline && joinScope(m.Scope, m.Name) == scope {
				if m.Doc != "" {
					m.Doc += "\n"
				}
				m.Doc += d
				break
			}
		}
	}
}

func joinScope(scope, name string) string {
	if scope == "" {
		return name
	}
	return scope + "::" + name
}

func visOf(n tnode, x *extractor) string {
	c := n.FirstChild()
	for i := 0; !c.null() && i < 3; i, c = i+1, c.NextSibling() {
		if c.Type() == "visibility_modifier" {
			return strings.Join(strings.Fields(x.text(c)), "")
		}
	}
	return ""
}

// sigBefore returns the one-line text of n up to the start of its child b (or all of n when b
// is no node).
func (x *extractor) sigBefore(n, b tnode) string {
	end := n.EndByte()
	if !b.null() {
		end = b.StartByte()
	}
	s := oneLine(string(x.src[n.StartByte():end]))
	s = strings.TrimSuffix(strings.TrimSpace(s), "=")
	s = strings.TrimSuffix(strings.TrimSpace(s), ";")
	return strings.TrimSpace(s)
}

func (x *extractor) add(it FileItem, n tnode) int {
	it.Start = n.StartPos()
	it.End = n.EndPos()
	x.f.Items = append(x.f.Items, it)
	return len(x.f.Items)
}

func (x *extractor) item(n tnode, scope, cfg string, hidden bool, a *attrs) {
	icfg := cfgAll(append([]string{cfg}, a.cfg...)...)
	if cfgEval(icfg) == cfgFalse {
		return
	}
	ihidden := hidden || a.hidden
	name := ""
	if nm := n.Field(fieldIDs.name); !nm.null() {
		name = x.text(nm)
	}
	base := FileItem{Scope: scope, Name: name, Vis: visOf(n, x), Doc: a.docString(), Cfg: icfg, Hidden: ihidden}
	switch n.Type() {
	case "mod_item":
		m := FileMod{Scope: scope, Name: name, Vis: base.Vis, Cfg: icfg, PathAttr: a.path, Doc: base.Doc,
			Hidden: ihidden, Start: n.StartPos(), End: n.EndPos()}
		body := n.Field(fieldIDs.body)
		m.Inline = !body.null()
		m.Sig = x.sigBefore(n, body)
		x.f.Mods = append(x.f.Mods, m)
		if !body.null() {
			x.declList(body, joinScope(scope, name), icfg, ihidden)
		}
	case "function_item", "function_signature_item":
		x.fn(n, base, a, -1, nil)
	case "struct_item", "union_item":
		base.Kind = KindStruct
		if n.Type() == "union_item" {
			base.Kind = KindUnion
		}
		b := n.Field(fieldIDs.body)
		base.Sig = x.sigBefore(n, b)
		if !b.null() && b.Type() == "ordered_field_declaration_list" {
			base.Sig = x.sigBefore(n, tnode{})
		}
		parent := x.add(base, n)
		if !b.null() && b.Type() == "field_declaration_list" {
			x.fields(b, scope, icfg, ihidden, parent)
		}
	case "enum_item":
		base.Kind = KindEnum
		b := n.Field(fieldIDs.body)
		base.Sig = x.sigBefore(n, b)
		parent := x.add(base, n)
		if !b.null() {
			x.variants(b, scope, icfg, ihidden, parent)
		}
	case "trait_item":
		base.Kind = KindTrait
		b := n.Field(fieldIDs.body)
		base.Sig = x.sigBefore(n, b)
		base.Unsafe = strings.HasPrefix(strings.TrimPrefix(base.Sig, base.Vis+" "), "unsafe ")
		parent := x.add(base, n)
		if !b.null() {
			x.assocList(b, scope, icfg, ihidden, 0, parent, x.generics(n, nil))
		}
	case "impl_item":
		x.impl(n, scope, icfg, ihidden)
	case "const_item", "static_item":
		x.constItem(n, base, 0, 0)
	case "type_item":
		base.Kind = KindType
		base.Sig = x.sigBefore(n, tnode{})
		if t := n.Field(fieldIDs.typ); !t.null() {
			base.AliasOf, base.AliasArgs = x.typePath(t)
		}
		x.add(base, n)
	case "macro_definition":
		base.Kind = KindMacro
		base.Sig = "macro_rules! " + name
		base.MacroExport = a.macroExport
		if base.MacroExport {
			base.Vis = "pub"
		}
		// The transcribers, not the matchers, hold the calls; the matchers make the
		// signature: "macro_rules! pr_info { ($($arg:tt)*) => ... }".
		var refs strings.Builder
		var arms []string
		eachChild(n, func(r tnode) {
			if r.Type() != "macro_rule" {
				return
			}
			if lhs := r.Field(fieldIDs.left); !lhs.null() {
				arms = append(arms, collapse(x.text(lhs))+" => ...")
			}
			if rhs := r.Field(fieldIDs.right); !rhs.null() {
				refs.WriteString(x.text(rhs))
				refs.WriteByte('\n')
			}
		})
		if len(arms) > 0 {
			base.Sig += " { " + strings.Join(arms, "; ") + " }"
		}
		base.Refs = scanRefs(refs.String())
		if x.rules == nil {
			x.rules = map[string]string{}
		}
		x.rules[name] = refs.String()
		x.add(base, n)
	case "use_declaration":
		if arg := n.Field(fieldIDs.argument); !arg.null() {
			for _, u := range parseUseTree(x.text(arg)) {
				x.f.Uses = append(x.f.Uses, FileUse{Scope: scope, Vis: base.Vis, Use: u, Cfg: icfg, Line: n.StartLine()})
			}
		}
	case "macro_invocation":
		x.invocations = append(x.invocations, invocation{n: n, scope: scope, cfg: icfg, hidden: ihidden, doc: base.Doc})
	case "extern_crate_declaration":
		// `extern crate self as kernel;` makes kernel:: name the crate itself; the resolver
		// treats "kernel" as the crate root anyway.
	}
}

func (x *extractor) fn(n tnode, base FileItem, a *attrs, impl int, implGen []Generic) int {
	base.Kind = KindFn
	if impl >= 0 {
		base.Kind = KindMethod
		base.Impl = impl + 1
	}
	base.ProcMacro = a != nil && a.procMacro
	if a != nil && a.derive != "" {
		base.Name = a.derive
	}
	body := n.Field(fieldIDs.body)
	base.Sig = x.sigBefore(n, body)
	base.HasBody = !body.null()
	// function_modifiers sits after the visibility.
	c := n.FirstChild()
	for i := 0; !c.null() && i < 3; i, c = i+1, c.NextSibling() {
		if c.Type() == "function_modifiers" && strings.Contains(x.text(c), "unsafe") {
			base.Unsafe = true
		}
	}
	if ps := n.Field(fieldIDs.parameters); !ps.null() && ps.NamedChildCount() > 0 {
		if c := ps.NamedChild(0); !c.null() && c.Type() == "self_parameter" {
			base.HasSelf = true
		}
		if c := ps.NamedChild(0); !c.null() && c.Type() == "attribute_item" && ps.NamedChildCount() > 1 && ps.NamedChild(1).Type() == "self_parameter" {
			base.HasSelf = true
		}
	}
	base.Generic = x.generics(n, implGen)
	if !body.null() {
		base.Refs = scanRefs(x.text(body))
	}
	return x.add(base, n)
}

// generics reads the generic parameters and where clause of an item, after those of its impl.
func (x *extractor) generics(n tnode, outer []Generic) []Generic {
	out := append([]Generic(nil), outer...)
	addBound := func(name string, bounds []string) {
		for i := range out {
			if out[i].Name == name {
				out[i].Bounds = append(out[i].Bounds, bounds...)
				return
			}
		}
		out = append(out, Generic{Name: name, Bounds: bounds})
	}
	if tp := n.Field(fieldIDs.typeParameters); !tp.null() {
		count := int(tp.NamedChildCount())
		for i := 0; i < count; i++ {
			c := tp.NamedChild(i)
			switch c.Type() {
			case "type_identifier":
				addBound(x.text(c), nil)
			case "constrained_type_parameter":
				if l := c.Field(fieldIDs.left); !l.null() {
					addBound(x.text(l), x.bounds(c.Field(fieldIDs.bounds)))
				}
			case "optional_type_parameter":
				if nm := c.Field(fieldIDs.name); !nm.null() {
					addBound(x.text(nm), nil)
				}
			}
		}
	}
	count := int(n.NamedChildCount())
	for i := 0; i < count; i++ {
		c := n.NamedChild(i)
		if c.Type() != "where_clause" {
			continue
		}
		pc := int(c.NamedChildCount())
		for j := 0; j < pc; j++ {
			wp := c.NamedChild(j)
			if l := wp.Field(fieldIDs.left); !l.null() && l.Type() == "type_identifier" {
				addBound(x.text(l), x.bounds(wp.Field(fieldIDs.bounds)))
			}
		}
	}
	return out
}

func (x *extractor) bounds(b tnode) []string {
	if b.null() {
		return nil
	}
	var out []string
	for _, part := range strings.Split(x.text(b), "+") {
		p, _ := splitTypePath(strings.TrimSpace(part))
		if p != "" {
			out = append(out, lastSeg(p))
		}
	}
	return out
}

// splitTypePath splits "crate::sync::Lock<T, B>" into "crate::sync::Lock" and its argument text.
func splitTypePath(t string) (string, string) {
	t = strings.TrimSpace(t)
	t = strings.TrimPrefix(t, "?")
	for _, p := range []string{"&'static mut ", "&'static ", "&mut ", "&", "dyn ", "impl "} {
		t = strings.TrimPrefix(t, p)
	}
	i := strings.IndexByte(t, '<')
	if i < 0 {
		return strings.TrimSpace(t), ""
	}
	args := t[i+1:]
	if j := strings.LastIndexByte(args, '>'); j >= 0 {
		args = args[:j]
	}
	return strings.TrimSpace(t[:i]), args
}

func lastSeg(p string) string {
	if i := strings.LastIndex(p, "::"); i >= 0 {
		return p[i+2:]
	}
	return p
}

// typePath returns the path of a type node and the last segments of its type arguments.
func (x *extractor) typePath(t tnode) (string, []string) {
	p, args := splitTypePath(oneLine(x.text(t)))
	var out []string
	for _, a := range splitTop(args) {
		ap, _ := splitTypePath(a)
		out = append(out, lastSeg(ap))
	}
	return p, out
}

func (x *extractor) impl(n tnode, scope, cfg string, hidden bool) {
	im := FileImpl{Scope: scope, Cfg: cfg, Hidden: hidden, Line: n.StartLine()}
	if t := n.Field(fieldIDs.typ); !t.null() {
		im.SelfType, im.SelfArgs = x.typePath(t)
	}
	if t := n.Field(fieldIDs.trait); !t.null() {
		im.Trait, _ = x.typePath(t)
	}
	im.Generic = x.generics(n, nil)
	x.f.Impls = append(x.f.Impls, im)
	idx := len(x.f.Impls) - 1
	if b := n.Field(fieldIDs.body); !b.null() {
		x.assocList(b, scope, cfg, hidden, idx+1, 0, im.Generic)
	}
}

// assocList walks the body of an impl (impl = 1+index) or a trait (parent = 1+item index).
func (x *extractor) assocList(n tnode, scope, cfg string, hidden bool, impl, parent int, gen []Generic) {
	var a attrs
	eachChild(n, func(c tnode) {
		switch c.Type() {
		case "line_comment", "block_comment":
			if t := x.text(c); isOuterDoc(t) {
				a.doc = append(a.doc, docText(t))
			}
			return
		case "attribute_item":
			if at := c.NamedChild(0); !at.null() {
				a.attribute(x.text(at))
			}
			return
		}
		icfg := cfgAll(append([]string{cfg}, a.cfg...)...)
		if cfgEval(icfg) == cfgFalse || !c.IsNamed() {
			a.reset()
			return
		}
		name := ""
		if nm := c.Field(fieldIDs.name); !nm.null() {
			name = x.text(nm)
		}
		base := FileItem{Scope: scope, Name: name, Vis: visOf(c, x), Doc: a.docString(), Cfg: icfg, Hidden: hidden || a.hidden, Parent: parent}
		switch c.Type() {
		case "function_item", "function_signature_item":
			if impl > 0 {
				x.fn(c, base, &a, impl-1, gen)
			} else {
				base.Vis = "pub"
				x.fn(c, base, &a, -1, gen)
				it := &x.f.Items[len(x.f.Items)-1]
				it.Kind = KindMethod
			}
		case "const_item", "static_item":
			if impl == 0 {
				base.Vis = "pub"
			}
			x.constItem(c, base, impl, parent)
		case "type_item", "associated_type":
			// Associated types are not indexed.
		}
		a.reset()
	})
}

func (x *extractor) constItem(n tnode, base FileItem, impl, parent int) {
	base.Kind = KindConst
	if n.Type() == "static_item" {
		base.Kind = KindStatic
	}
	base.Impl = impl
	base.Parent = parent
	v := n.Field(fieldIDs.value)
	base.Sig = x.sigBefore(n, v)
	if !v.null() {
		base.Refs = scanRefs(x.text(v))
	}
	x.add(base, n)
}

func (x *extractor) fields(b tnode, scope, cfg string, hidden bool, parent int) {
	var a attrs
	eachChild(b, func(c tnode) {
		switch c.Type() {
		case "line_comment", "block_comment":
			if t := x.text(c); isOuterDoc(t) {
				a.doc = append(a.doc, docText(t))
			}
		case "attribute_item":
			if at := c.NamedChild(0); !at.null() {
				a.attribute(x.text(at))
			}
		case "field_declaration":
			icfg := cfgAll(append([]string{cfg}, a.cfg...)...)
			nm := c.Field(fieldIDs.name)
			if !nm.null() && cfgEval(icfg) != cfgFalse {
				x.add(FileItem{Scope: scope, Name: x.text(nm), Kind: KindField, Vis: visOf(c, x), Sig: oneLine(x.text(c)),
					Doc: a.docString(), Cfg: icfg, Hidden: hidden || a.hidden, Parent: parent}, c)
			}
			a.reset()
		default:
			a.reset()
		}
	})
}

func (x *extractor) variants(b tnode, scope, cfg string, hidden bool, parent int) {
	var a attrs
	eachChild(b, func(c tnode) {
		switch c.Type() {
		case "line_comment", "block_comment":
			if t := x.text(c); isOuterDoc(t) {
				a.doc = append(a.doc, docText(t))
			}
		case "attribute_item":
			if at := c.NamedChild(0); !at.null() {
				a.attribute(x.text(at))
			}
		case "enum_variant":
			icfg := cfgAll(append([]string{cfg}, a.cfg...)...)
			nm := c.Field(fieldIDs.name)
			if !nm.null() && cfgEval(icfg) != cfgFalse {
				x.add(FileItem{Scope: scope, Name: x.text(nm), Kind: KindVariant, Vis: "pub", Sig: oneLine(x.text(c)),
					Doc: a.docString(), Cfg: icfg, Hidden: hidden || a.hidden, Parent: parent}, c)
			}
			a.reset()
		default:
			if c.IsNamed() {
				a.reset()
			}
		}
	})
}
