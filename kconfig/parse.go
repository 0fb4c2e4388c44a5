// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"fmt"
	"sync"
	"unsafe"
)

// File is one parsed Kconfig file: its statements in order, blocks holding their children.
type File struct {
	Path  string // as given to ParseFile (relative to the tree root when loaded by Load)
	Nodes []*Node
}

// Walk visits every node of f depth first, parents before children; fn returning false skips
// a node's children.
func (f *File) Walk(fn func(*Node) bool) {
	walkNodes(f.Nodes, fn)
}

func walkNodes(ns []*Node, fn func(*Node) bool) {
	for _, n := range ns {
		if fn(n) {
			walkNodes(n.Children, fn)
		}
	}
}

// NodeAt returns the innermost node whose range contains pos, or nil.
func (f *File) NodeAt(pos Pos) *Node {
	var found *Node
	f.Walk(func(n *Node) bool {
		if n.Range.Contains(pos) || n.Header.Contains(pos) {
			found = n
			return true
		}
		return false
	})
	return found
}

// ParseFile parses one Kconfig file. It never stops at an error: each is collected with its
// position and parsing resumes at the next line. A block left open at the end of the file is
// reported at its opening line. Macros ($(...)) are kept unexpanded; Load expands them.
func ParseFile(path string, src []byte) (*File, []Error) {
	p := parsers.Get().(*parser)
	p.reset(path, src)
	p.advance()
	f := p.files.new()
	f.Path = path
	f.Nodes = p.list(nil)
	for p.tok.kind != tEOF { // stray end keywords at top level were reported; keep going
		f.Nodes = append(f.Nodes, p.list(nil)...)
	}
	if p.l.dropped > 0 {
		p.errs = append(p.errs, Error{File: path, Range: Range{p.lastEnd, p.lastEnd}, Msg: fmt.Sprintf("%d more problems not shown", p.l.dropped)})
	}
	p.l.finishHelp()
	p.finishNames()
	errs := p.errs
	p.release()
	return f, errs
}

// parsers keeps parsers with their scratch buffers between files: a file's results are
// allocated afresh (in chunks), the scratch space is reused.
var parsers = sync.Pool{New: func() any { return new(parser) }}

type parser struct {
	l       *lexer
	lx      lexer
	tok     token
	lastEnd Pos // end of the last non-EOL token consumed
	errs    []Error
	file    string
	stack   []*Node // open blocks
	closeTo int     // when >= 0 during unwinding: index in stack of the block an end keyword closes

	// The results of one file come out of chunks, a few allocations per file instead of one
	// per value (the many small objects cost more than their parsing).
	files      chunk[File]
	nodes      chunk[Node]
	exprs      chunk[Expr]
	prompts    chunk[Prompt]
	defaults   chunk[Default]
	conds      chunk[Cond]
	reverses   chunk[Reverse]
	rangeProps chunk[RangeProp]
	opts       chunk[Option]
	helps      chunk[Help]
	nodePtrs   ptrs[Node]
	promptPtrs ptrs[Prompt]
	defPtrs    ptrs[Default]
	condPtrs   ptrs[Cond]
	revPtrs    ptrs[Reverse]
	rangePtrs  ptrs[RangeProp]
	optPtrs    ptrs[Option]

	// Scratch, reused across files: the statements of the open lists (a stack: a nested
	// list pushes above its parent's and pops its own), and the properties of the entry
	// whose options are being read.
	listStack []*Node
	prop      props

	// The texts the syntax tree keeps (names, prompts, paths, values) are copied from the
	// source one after the other into names and become one string at the end of the file:
	// fixes says which field takes which part. The source itself is not kept.
	names []byte
	fixes []fixup
}

// fixup is a string field waiting for finishNames: it takes names[a:b].
type fixup struct {
	dst  *string
	a, b int
}

// tokText returns the text of t as a new string, for the rare texts not kept in the tree
// (error messages, lines of macros).
func (p *parser) tokText(t token) string {
	if t.in == inKind {
		return t.kind.text()
	}
	return string(p.l.bytes(&t))
}

// keep sets *dst to the text of t once the file is finished.
func (p *parser) keep(dst *string, t token) {
	if t.in == inKind {
		*dst = t.kind.text()
		return
	}
	p.keepBytes(dst, p.l.bytes(&t))
}

// keepBytes sets *dst to a copy of b once the file is finished.
func (p *parser) keepBytes(dst *string, b []byte) {
	switch len(b) {
	case 0:
		*dst = ""
		return
	case 1: // y, n, m: a string of one byte costs nothing
		*dst = string(b)
		return
	}
	a := len(p.names)
	p.names = append(p.names, b...)
	p.fixes = append(p.fixes, fixup{dst, a, len(p.names)})
}

// finishNames sets the fields keep was given.
func (p *parser) finishNames() {
	if len(p.fixes) == 0 {
		return
	}
	s := string(p.names)
	for _, f := range p.fixes {
		*f.dst = s[f.a:f.b]
	}
	clear(p.fixes)
	p.fixes, p.names = p.fixes[:0], p.names[:0]
}

// props are the properties of one entry while its option lines are read.
type props struct {
	prompts  []*Prompt
	defaults []*Default
	depends  []*Cond
	visible  []*Cond
	selects  []*Reverse
	implies  []*Reverse
	ranges   []*RangeProp
	options  []*Option
}

// reset prepares p for the file path.
func (p *parser) reset(path string, src []byte) {
	p.lx.reset(path, src, &p.errs)
	p.l = &p.lx
	p.tok = token{}
	p.lastEnd = Pos{}
	p.errs = nil
	p.file = path
	p.closeTo = -1
}

// release returns p to the pool without references to the file's results other than those
// its chunks hold (values already handed out, shared by the files parsed with p).
func (p *parser) release() {
	p.lx.src, p.lx.errs = nil, nil
	clear(p.fixes)
	p.fixes, p.names = p.fixes[:0], p.names[:0]
	clear(p.lx.helpPend)
	p.l = nil
	p.tok = token{}
	p.errs = nil
	clear(p.stack)
	p.stack = p.stack[:0]
	clear(p.listStack)
	p.listStack = p.listStack[:0]
	parsers.Put(p)
}

// chunkBytes is the size of the chunks the values of parsed files come from. The chunks of a
// parser serve the files it parses one after the other, so that a small file does not take a
// chunk of its own; what a chunk keeps alive beyond its live values is bounded by its size.
// Small chunks also fault fewer fresh pages: BenchmarkParseFiles took 5.5x more minor page
// faults with 16 KiB chunks than with the old one-object-per-value allocations, 2.5x with 4 KiB.
const chunkBytes = 4 << 10

// chunk hands out values from slices allocated a chunk at a time.
type chunk[T any] struct {
	buf []T
}

func (c *chunk[T]) new() *T {
	if len(c.buf) == cap(c.buf) {
		var z T
		c.buf = make([]T, 0, max(chunkBytes/int(unsafe.Sizeof(z)), 8))
	}
	c.buf = c.buf[:len(c.buf)+1]
	return &c.buf[len(c.buf)-1]
}

// cuts is a chunk from which slices of parsed values are cut, each with its capacity capped
// to its length so that an append by a user copies instead of overwriting its neighbour.
type cuts[T any] struct {
	buf []T
}

// ptrs is the chunk of the []*T of a node.
type ptrs[T any] = cuts[*T]

// copy returns a copy of s (nil when s is empty) and clears s.
func (c *cuts[T]) copy(s []T) []T {
	if len(s) == 0 {
		return nil
	}
	var z T
	n := max(chunkBytes/int(unsafe.Sizeof(z)), 8)
	var out []T
	if len(s) > n/4 { // a long list gets its own array
		out = append([]T(nil), s...)
	} else {
		if cap(c.buf)-len(c.buf) < len(s) {
			c.buf = make([]T, 0, n)
		}
		i := len(c.buf)
		c.buf = append(c.buf, s...)
		out = c.buf[i:len(c.buf):len(c.buf)]
	}
	clear(s)
	return out
}

func (p *parser) advance() {
	if p.tok.kind != tEOL && p.tok.kind != tEOF {
		p.lastEnd = p.tok.rng.End
	}
	p.l.scan(&p.tok)
}

func (p *parser) errorf(r Range, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		p.l.dropped++
		return
	}
	p.errs = append(p.errs, Error{File: p.file, Range: r, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) warnf(r Range, format string, args ...any) {
	if len(p.errs) >= maxErrors {
		p.l.dropped++
		return
	}
	p.errs = append(p.errs, Error{File: p.file, Range: r, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// skipLine moves past the current line (after an error).
func (p *parser) skipLine() {
	for p.tok.kind != tEOL && p.tok.kind != tEOF {
		p.advance()
	}
	if p.tok.kind == tEOL {
		p.advance()
	}
}

// endLine expects the end of the statement's line; anything else is reported and skipped.
func (p *parser) endLine() bool {
	switch p.tok.kind {
	case tEOL:
		p.advance()
		return true
	case tEOF:
		return true
	}
	p.errorf(p.tok.rng, "unexpected %s at end of statement", p.describe(p.tok))
	p.skipLine()
	return false
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tWord:
		return fmt.Sprintf("%q", p.tokText(t))
	case tString:
		return "string"
	}
	return t.kind.String()
}

var endOf = map[tokKind]Kind{tEndif: KindIf, tEndmenu: KindMenu, tEndchoice: KindChoice}
var endName = map[Kind]string{KindIf: "endif", KindMenu: "endmenu", KindChoice: "endchoice"}

// list parses statements until the end keyword of block (nil: the file) or the end of file.
func (p *parser) list(block *Node) []*Node {
	base := len(p.listStack)
	inChoice := block != nil && block.Kind == KindChoice
	for {
		t := p.tok
		switch t.kind {
		case tEOL:
			p.advance()
			continue
		case tEOF:
			if block != nil {
				p.errorf(block.Header, "missing %s for this %s", endName[block.Kind], block.Kind)
				block.Range.End = p.lastEnd
			}
			return p.popList(base)
		case tEndif, tEndmenu, tEndchoice:
			want := endOf[t.kind]
			if block != nil && block.Kind == want {
				block.End = t.rng
				p.advance()
				block.Range.End = p.lastEnd
				p.endLine()
				return p.popList(base)
			}
			// Does an enclosing block match? Then the inner ones are missing their end.
			match := -1
			for i := len(p.stack) - 1; i >= 0; i-- {
				if p.stack[i].Kind == want {
					match = i
					break
				}
			}
			if match < 0 || block == nil {
				p.errorf(t.rng, "%s without matching %s", t.kind.text(), want)
				p.skipLine()
				continue
			}
			p.errorf(block.Header, "missing %s for this %s", endName[block.Kind], block.Kind)
			block.Range.End = p.lastEnd
			p.closeTo = match
			return p.popList(base)
		case tConfig, tMenuconfig:
			p.listStack = append(p.listStack, p.config())
		case tChoice:
			if inChoice {
				p.errorf(t.rng, "choice is not allowed inside a choice")
			}
			p.listStack = append(p.listStack, p.choice())
		case tComment:
			p.listStack = append(p.listStack, p.comment())
		case tMenu:
			if inChoice {
				p.errorf(t.rng, "menu is not allowed inside a choice")
			}
			p.listStack = append(p.listStack, p.menu())
		case tIf:
			p.listStack = append(p.listStack, p.ifBlock())
		case tSource, tRsource, tOsource, tOrsource:
			if inChoice {
				p.errorf(t.rng, "%s is not allowed inside a choice", t.kind.text())
			}
			if n := p.source(); n != nil {
				p.listStack = append(p.listStack, n)
			}
		case tMainmenu:
			if n := p.mainmenu(); n != nil {
				p.listStack = append(p.listStack, n)
			}
		case tWord:
			if op, ok := p.l.assignOp(); ok {
				p.listStack = append(p.listStack, p.assign(op))
				continue
			}
			if t.macro {
				// A line of macros such as $(warning-if,...) expands to nothing in the kernel
				// (lexer.l drops an empty expansion); keep it for Load to expand.
				n := p.nodes.new()
				*n = Node{Kind: KindMacro, Text: p.tokText(t), TextRange: t.rng, Header: t.rng, Range: t.rng}
				p.advance()
				for p.tok.kind == tWord && p.tok.macro {
					n.Text += " " + p.tokText(p.tok)
					p.advance()
				}
				n.Range.End, n.Header.End = p.lastEnd, p.lastEnd
				p.endLine()
				p.listStack = append(p.listStack, n)
				continue
			}
			p.errorf(t.rng, "unknown statement %q", p.tokText(t))
			p.skipLine()
		default:
			if isOption(t.kind) {
				p.errorf(t.rng, "%s is not inside a config, choice, menu or comment entry", t.kind)
			} else {
				p.errorf(t.rng, "invalid statement: unexpected %s", p.describe(t))
			}
			p.skipLine()
		}
		// After a child block closed an outer one, unwind to it.
		if p.closeTo >= 0 {
			if block != nil && len(p.stack) > 0 && p.stack[p.closeTo] == block {
				p.closeTo = -1
				t := p.tok // the end keyword that closes block
				block.End = t.rng
				p.advance()
				block.Range.End = p.lastEnd
				p.endLine()
				return p.popList(base)
			}
			if block != nil {
				p.errorf(block.Header, "missing %s for this %s", endName[block.Kind], block.Kind)
				block.Range.End = p.lastEnd
				return p.popList(base)
			}
			p.closeTo = -1
		}
	}
}

// popList returns the statements a list pushed from base on.
func (p *parser) popList(base int) []*Node {
	out := p.nodePtrs.copy(p.listStack[base:])
	p.listStack = p.listStack[:base]
	return out
}

func isOption(k tokKind) bool {
	switch k {
	case tBool, tTristate, tString_, tHex, tInt, tPrompt, tDefault, tDefBool, tDefTristate,
		tDepends, tSelect, tImply, tRange, tHelp, tModules, tVisible, tOptional, tTransitional,
		tOption, tOn:
		return true
	}
	return false
}

// block parses the children of n up to its end keyword.
func (p *parser) block(n *Node) {
	p.stack = append(p.stack, n)
	n.Children = p.list(n)
	p.stack = p.stack[:len(p.stack)-1]
}

func (p *parser) header(kind Kind) *Node {
	n := p.nodes.new()
	n.Kind = kind
	n.Header.Start = p.tok.rng.Start
	n.Range.Start = p.tok.rng.Start
	p.advance()
	return n
}

func (p *parser) finishHeader(n *Node) bool {
	n.Header.End = p.lastEnd
	n.Range.End = p.lastEnd
	return p.endLine()
}

func (p *parser) config() *Node {
	kind := KindConfig
	if p.tok.kind == tMenuconfig {
		kind = KindMenuconfig
	}
	n := p.header(kind)
	if p.tok.kind == tWord && !p.tok.macro {
		p.keep(&n.Name, p.tok)
		n.NameRange = p.tok.rng
		p.advance()
		p.finishHeader(n)
	} else {
		p.errorf(p.tok.rng, "expected a symbol name after %s, found %s", kind, p.describe(p.tok))
		n.Header.End = p.lastEnd
		n.Range.End = p.lastEnd
		p.skipLine()
	}
	p.options(n)
	return n
}

func (p *parser) choice() *Node {
	n := p.header(KindChoice)
	if p.tok.kind == tWord && !p.tok.macro { // named choices, removed in 6.11
		p.keep(&n.Name, p.tok)
		n.NameRange = p.tok.rng
		p.advance()
	}
	p.finishHeader(n)
	p.options(n)
	p.block(n)
	return n
}

func (p *parser) comment() *Node {
	n := p.header(KindComment)
	p.text(n)
	p.options(n)
	return n
}

func (p *parser) menu() *Node {
	n := p.header(KindMenu)
	p.text(n)
	p.options(n)
	p.block(n)
	return n
}

func (p *parser) mainmenu() *Node {
	n := p.header(KindMainmenu)
	p.text(n)
	return n
}

// text reads the quoted text after menu/comment/mainmenu/source, then the end of line.
func (p *parser) text(n *Node) {
	if p.tok.kind != tString {
		p.errorf(p.tok.rng, "expected a quoted string after %s, found %s", n.Kind, p.describe(p.tok))
		n.Header.End = p.lastEnd
		n.Range.End = p.lastEnd
		p.skipLine()
		return
	}
	p.keep(&n.Text, p.tok)
	n.TextRange = p.tok.rng
	p.advance()
	p.finishHeader(n)
}

func (p *parser) source() *Node {
	kw := p.tok.kind.text()
	n := p.header(KindSource)
	n.Keyword = kw
	if p.tok.kind != tString {
		p.errorf(p.tok.rng, "expected a quoted path after %s, found %s", kw, p.describe(p.tok))
		p.skipLine()
		return nil
	}
	p.keep(&n.Text, p.tok)
	n.TextRange = p.tok.rng
	p.advance()
	p.finishHeader(n)
	return n
}

func (p *parser) ifBlock() *Node {
	n := p.header(KindIf)
	e, ok := p.expr()
	if ok {
		n.Cond = e
		p.finishHeader(n)
	} else { // the expression parser reported the error and skipped the line
		n.Header.End = p.lastEnd
		n.Range.End = p.lastEnd
	}
	p.block(n)
	return n
}

func (p *parser) assign(op string) *Node {
	n := p.nodes.new()
	*n = Node{Kind: KindAssign, NameRange: p.tok.rng, Keyword: op}
	p.keep(&n.Name, p.tok)
	n.Range.Start = p.tok.rng.Start
	n.Header.Start = p.tok.rng.Start
	p.advance() // the operator token; the lexer is now just after it
	s0, s1, r := p.l.assignValue()
	p.keepBytes(&n.Text, p.l.src[s0:s1])
	n.TextRange = r
	n.Header.End, n.Range.End = n.TextRange.End, n.TextRange.End
	if n.TextRange.Start == n.TextRange.End {
		n.Header.End, n.Range.End = p.lastEnd, p.lastEnd
	}
	p.l.scan(&p.tok)
	p.endLine()
	return n
}

// options parses the property lines of an entry.
func (p *parser) options(n *Node) {
	for {
		for p.tok.kind == tEOL {
			p.advance()
		}
		t := p.tok
		if t.kind == tWord && !t.macro {
			if _, isAssign := p.l.assignOp(); !isAssign {
				// Not a statement either: report it as an unknown option and keep the entry
				// going, so the following options stay attached to it.
				p.errorf(t.rng, "unknown option or statement %q", p.tokText(t))
				p.skipLine()
				continue
			}
		}
		if !isOption(t.kind) {
			p.flushProps(n)
			return
		}
		allowed := optionAllowed(n.Kind, t.kind)
		if !allowed {
			p.errorf(t.rng, "%s is not valid for %s", t.kind, n.Kind)
			p.skipLine()
			continue
		}
		p.option(n, t)
		if n.Range.End.Less(p.lastEnd) {
			n.Range.End = p.lastEnd
		}
		if n.Help != nil && n.Range.End.Less(n.Help.Range.End) {
			n.Range.End = n.Help.Range.End
		}
	}
}

// flushProps moves the properties read for n into its slices.
func (p *parser) flushProps(n *Node) {
	pr := &p.prop
	n.Prompts = p.promptPtrs.copy(pr.prompts)
	n.Defaults = p.defPtrs.copy(pr.defaults)
	n.Depends = p.condPtrs.copy(pr.depends)
	n.Visible = p.condPtrs.copy(pr.visible)
	n.Selects = p.revPtrs.copy(pr.selects)
	n.Implies = p.revPtrs.copy(pr.implies)
	n.Ranges = p.rangePtrs.copy(pr.ranges)
	n.Options = p.optPtrs.copy(pr.options)
	*pr = props{pr.prompts[:0], pr.defaults[:0], pr.depends[:0], pr.visible[:0], pr.selects[:0], pr.implies[:0], pr.ranges[:0], pr.options[:0]}
}

func optionAllowed(k Kind, o tokKind) bool {
	switch k {
	case KindConfig, KindMenuconfig:
		return o != tVisible && o != tOptional && o != tOn
	case KindChoice:
		switch o {
		case tPrompt, tBool, tTristate, tDefault, tDepends, tHelp, tOptional, tOption:
			return true
		}
	case KindComment:
		return o == tDepends
	case KindMenu:
		return o == tDepends || o == tVisible
	}
	return false
}

// option parses one property line; false after a reported error.
func (p *parser) option(n *Node, t token) bool {
	start := t.rng.Start
	p.advance()
	switch t.kind {
	case tBool, tTristate, tString_, tHex, tInt:
		typ := TypeBool
		switch t.kind {
		case tTristate:
			typ = TypeTristate
		case tString_:
			typ = TypeString
		case tHex:
			typ = TypeHex
		case tInt:
			typ = TypeInt
		}
		p.setType(n, typ, t.rng)
		if p.tok.kind == tString {
			pr := p.prompts.new()
			*pr = Prompt{TextRange: p.tok.rng}
			p.keep(&pr.Text, p.tok)
			p.advance()
			c, ok := p.ifExpr()
			if !ok {
				return false
			}
			pr.If = c
			pr.Range = Range{start, p.lastEnd}
			p.addPrompt(n, pr)
		}
		return p.endLine()
	case tPrompt:
		if p.tok.kind != tString {
			p.errorf(p.tok.rng, "expected a quoted prompt, found %s", p.describe(p.tok))
			p.skipLine()
			return false
		}
		pr := p.prompts.new()
		*pr = Prompt{TextRange: p.tok.rng}
		p.keep(&pr.Text, p.tok)
		p.advance()
		c, ok := p.ifExpr()
		if !ok {
			return false
		}
		pr.If = c
		pr.Range = Range{start, p.lastEnd}
		p.addPrompt(n, pr)
		return p.endLine()
	case tDefault, tDefBool, tDefTristate:
		switch t.kind {
		case tDefBool:
			p.setType(n, TypeBool, t.rng)
		case tDefTristate:
			p.setType(n, TypeTristate, t.rng)
		}
		v, ok := p.expr()
		if !ok {
			return false
		}
		c, ok := p.ifExpr()
		if !ok {
			return false
		}
		d := p.defaults.new()
		*d = Default{Keyword: t.kind.text(), Value: v, If: c, Range: Range{start, p.lastEnd}}
		p.prop.defaults = append(p.prop.defaults, d)
		return p.endLine()
	case tDepends:
		if p.tok.kind != tOn {
			p.errorf(p.tok.rng, "expected 'on' after depends, found %s", p.describe(p.tok))
			p.skipLine()
			return false
		}
		p.advance()
		e, ok := p.expr()
		if !ok {
			return false
		}
		d := p.conds.new()
		*d = Cond{Expr: e, Range: Range{start, p.lastEnd}}
		p.prop.depends = append(p.prop.depends, d)
		return p.endLine()
	case tVisible:
		c, ok := p.ifExpr()
		if !ok {
			return false
		}
		v := p.conds.new()
		*v = Cond{Expr: c, Range: Range{start, p.lastEnd}}
		p.prop.visible = append(p.prop.visible, v)
		return p.endLine()
	case tSelect, tImply:
		if p.tok.kind != tWord {
			p.errorf(p.tok.rng, "expected a symbol after %s, found %s", t.kind.text(), p.describe(p.tok))
			p.skipLine()
			return false
		}
		r := p.reverses.new()
		*r = Reverse{SymbolRange: p.tok.rng}
		p.keep(&r.Symbol, p.tok)
		p.advance()
		c, ok := p.ifExpr()
		if !ok {
			return false
		}
		r.If = c
		r.Range = Range{start, p.lastEnd}
		if t.kind == tSelect {
			p.prop.selects = append(p.prop.selects, r)
		} else {
			p.prop.implies = append(p.prop.implies, r)
		}
		return p.endLine()
	case tRange:
		lo, ok1 := p.symbol()
		if !ok1 {
			return false
		}
		hi, ok2 := p.symbol()
		if !ok2 {
			return false
		}
		c, ok := p.ifExpr()
		if !ok {
			return false
		}
		r := p.rangeProps.new()
		*r = RangeProp{Low: lo, High: hi, If: c, Range: Range{start, p.lastEnd}}
		p.prop.ranges = append(p.prop.ranges, r)
		return p.endLine()
	case tModules, tOptional, tTransitional:
		o := p.opts.new()
		*o = Option{Name: t.kind.text(), Range: t.rng}
		p.prop.options = append(p.prop.options, o)
		return p.endLine()
	case tOption: // option env="X", option defconfig_list, option modules, option allnoconfig_y
		if p.tok.kind != tWord && p.tok.kind != tModules {
			p.errorf(p.tok.rng, "expected an option name, found %s", p.describe(p.tok))
			p.skipLine()
			return false
		}
		o := p.opts.new()
		p.keep(&o.Name, p.tok)
		p.advance()
		if p.tok.kind == tEqual {
			p.advance()
			if p.tok.kind == tString || p.tok.kind == tWord {
				p.keep(&o.Value, p.tok)
				p.advance()
			}
		}
		o.Range = Range{start, p.lastEnd}
		p.prop.options = append(p.prop.options, o)
		return p.endLine()
	case tHelp:
		h := p.helps.new()
		*h = Help{Keyword: t.rng, Range: Range{Start: start}}
		if p.tok.kind != tEOL && p.tok.kind != tEOF {
			p.errorf(p.tok.rng, "unexpected %s after help", p.describe(p.tok))
			for p.tok.kind != tEOL && p.tok.kind != tEOF {
				p.advance()
			}
		}
		if p.tok.kind == tEOL {
			p.l.help(h)
		} else {
			h.Range.End = t.rng.End
		}
		if n.Help != nil {
			p.warnf(t.rng, "more than one help text; only the last one is used")
		}
		if len(h.Lines) == 0 {
			p.warnf(t.rng, "blank help text")
		}
		n.Help = h
		p.l.scan(&p.tok)
		return true
	}
	p.skipLine()
	return false
}

func (p *parser) setType(n *Node, t Type, r Range) {
	if n.Kind == KindChoice && t != TypeBool && t != TypeTristate {
		p.errorf(r, "a choice must be bool or tristate")
		return
	}
	if n.Type != TypeUnknown {
		if n.Type != t {
			p.warnf(r, "ignoring type redefinition from %s to %s", n.Type, t)
		}
		return
	}
	n.Type, n.TypeRange = t, r
}

func (p *parser) addPrompt(n *Node, pr *Prompt) {
	if len(p.prop.prompts) > 0 {
		p.warnf(pr.Range, "prompt redefined")
	}
	p.prop.prompts = append(p.prop.prompts, pr)
}

// ifExpr parses an optional `if EXPR`.
func (p *parser) ifExpr() (*Expr, bool) {
	if p.tok.kind != tIf {
		return nil, true
	}
	p.advance()
	return p.expr()
}

func (p *parser) expr() (*Expr, bool) {
	x, ok := p.and()
	for ok && p.tok.kind == tOr {
		p.advance()
		var y *Expr
		y, ok = p.and()
		if ok {
			x = p.expr2(OpOr, x, y)
		}
	}
	return x, ok
}

func (p *parser) and() (*Expr, bool) {
	x, ok := p.unary()
	for ok && p.tok.kind == tAnd {
		p.advance()
		var y *Expr
		y, ok = p.unary()
		if ok {
			x = p.expr2(OpAnd, x, y)
		}
	}
	return x, ok
}

// expr2 returns the binary expression x op y.
func (p *parser) expr2(op Op, x, y *Expr) *Expr {
	e := p.exprs.new()
	*e = Expr{Op: op, X: x, Y: y, Range: Range{x.Range.Start, y.Range.End}, File: p.file}
	return e
}

func cmpOp(k tokKind) (Op, bool) {
	switch k {
	case tEqual:
		return OpEqual, true
	case tUnequal:
		return OpUnequal, true
	case tLess:
		return OpLess, true
	case tLessEqual:
		return OpLessEqual, true
	case tGreater:
		return OpGreater, true
	case tGreaterEqual:
		return OpGreaterEqual, true
	}
	return 0, false
}

func (p *parser) unary() (*Expr, bool) {
	start := p.tok.rng.Start
	switch p.tok.kind {
	case tNot:
		p.advance()
		x, ok := p.unary()
		if !ok {
			return nil, false
		}
		e := p.exprs.new()
		*e = Expr{Op: OpNot, X: x, Range: Range{start, x.Range.End}, File: p.file}
		return e, true
	case tOpen:
		p.advance()
		x, ok := p.expr()
		if !ok {
			return nil, false
		}
		if p.tok.kind != tClose {
			p.errorf(p.tok.rng, "expected ')', found %s", p.describe(p.tok))
			p.skipLine()
			return nil, false
		}
		p.advance()
		// Keep the parentheses in the range so that positions cover what was written.
		x.Range = Range{start, p.lastEnd}
		return x, true
	}
	x, ok := p.symbol()
	if !ok {
		return nil, false
	}
	if op, isCmp := cmpOp(p.tok.kind); isCmp {
		p.advance()
		y, ok := p.symbol()
		if !ok {
			return nil, false
		}
		return p.expr2(op, x, y), true
	}
	return x, true
}

func (p *parser) symbol() (*Expr, bool) {
	t := p.tok
	switch t.kind {
	case tWord, tString:
		p.advance()
		e := p.exprs.new()
		*e = Expr{Op: OpSymbol, Quoted: t.kind == tString, Macro: t.macro, Range: t.rng, File: p.file}
		p.keep(&e.Name, t)
		return e, true
	}
	p.errorf(t.rng, "expected a symbol, found %s", p.describe(t))
	p.skipLine()
	return nil, false
}
