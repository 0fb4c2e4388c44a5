// SPDX-License-Identifier: GPL-2.0-only

// Package kbuild reads the kernel's Makefiles and Kbuild files the way Kbuild uses them
// (Documentation/kbuild/makefiles.rst): obj-y/obj-m/obj-$(CONFIG_X) lines, composite objects
// (foo-y, foo-objs, foo-$(CONFIG_Y)), subdir-, hostprogs, lines joined by `\`, and the
// ifdef/ifndef/ifeq/ifneq/else/endif blocks around them, kept as conditions. Nothing is run
// and make variables are not expanded; every name keeps its range (1-based line, 0-based byte
// column, kconfig.Pos).
//
// On top of that it links a source file to the object it builds, the module that object ends
// up in and the CONFIG symbols that gate it (ObjectFor), and an object back to its source
// (SourceFor); ConfigEntries takes the last step to the `config X` entries.
package kbuild

import (
	"bytes"
	"strings"
	"sync"
	"unsafe"

	"krls.dev/krls/kconfig"
)

// Pos and Range are the kconfig package's: 1-based lines, 0-based byte columns.
type (
	Pos   = kconfig.Pos
	Range = kconfig.Range
)

// Error is a problem in a Makefile.
type Error = kconfig.Error

// Makefile is a parsed Makefile or Kbuild file.
type Makefile struct {
	Path     string
	Assigns  []*Assign
	Conds    []*Cond
	Includes []*Include
}

// Assign is a variable assignment, e.g. `obj-$(CONFIG_X) += foo.o bar/`.
type Assign struct {
	Var      string // as written, e.g. "obj-$(CONFIG_X)"
	VarRange Range
	Op       string // "=", ":=", "::=", "+=", "?=", "!="
	Value    string // raw, continuation lines joined with a space
	Words    []Word
	Range    Range
	Conds    []CondRef // enclosing conditions, outermost first

	// Kbuild meaning of Var.
	Kind   VarKind
	Base   string // "obj", "subdir", "hostprogs", or a composite's name ("rnull_mod")
	Suffix string // "y", "m", "objs", "", or the $(CONFIG_X) reference as written
	Config string // the symbol of a -$(CONFIG_X) suffix, without CONFIG_ (e.g. "BLK_DEV_RUST_NULL")
	// ConfigRange is the range of the symbol's name inside Var (CONFIG_X).
	ConfigRange Range
}

// VarKind classifies a variable.
type VarKind uint8

// Variable kinds.
const (
	VarOther     VarKind = iota
	VarObj               // obj-y, obj-m, obj-$(CONFIG_X)
	VarLib               // lib-y
	VarSubdir            // subdir-y, subdir-$(CONFIG_X)
	VarHostprogs         // hostprogs, hostprogs-y, hostprogs-always-y, userprogs...
	VarComposite         // foo-y, foo-objs, foo-$(CONFIG_Y)
	VarFlags             // ccflags-y, CFLAGS_foo.o, RUSTFLAGS_foo.o, ...
)

var varKindNames = [...]string{"other", "obj", "lib", "subdir", "hostprogs", "composite", "flags"}

func (k VarKind) String() string { return varKindNames[k] }

// Word is one whitespace-separated word of a value.
type Word struct {
	Text  string
	Range Range
}

// Cond is one ifdef/ifndef/ifeq/ifneq (or `else ifeq ...`) branch header.
type Cond struct {
	Keyword string // ifdef, ifndef, ifeq, ifneq
	Arg     string // raw text after the keyword
	Range   Range  // the header line
	// Symbols are the CONFIG_ symbols the condition tests, without CONFIG_.
	Symbols []Symbol
	// Positive is set when the branch is taken only if the symbols are set (ifdef CONFIG_X,
	// ifeq ($(CONFIG_X),y), ifneq ($(CONFIG_X),)); Negative for ifndef, ifeq (...,) and the
	// like. Neither for other tests.
	Positive, Negative bool
	End                Range // the endif; zero when missing
}

// Symbol is a CONFIG_ name in a Makefile.
type Symbol struct {
	Name  string // without CONFIG_
	Range Range  // of CONFIG_NAME
}

// CondRef is an enclosing condition; Else is set in its else branch.
type CondRef struct {
	Cond *Cond
	Else bool
}

// Include is an include/-include/sinclude line.
type Include struct {
	Path  string
	Range Range
}

// KDIR returns the value of the KDIR variable of an out-of-tree module's Makefile
// (e.g. "/lib/modules/$(shell uname -r)/build"), or "".
func (m *Makefile) KDIR() string {
	for _, a := range m.Assigns {
		if a.Var == "KDIR" || a.Var == "KERNEL_SRC" || a.Var == "KERNELDIR" {
			return a.Value
		}
	}
	return ""
}

// A parse allocates little, because lint parses every Makefile of the tree (~3,000 files,
// 2.7 MB) in each run and the old way cost ~465,000 small allocations (a string per word, an
// *Assign and growing slices per line): the file becomes one string (join), copied once, and
// every name, value and word is a substring of it; assignments come from slabs (newAssign);
// words, condition references, conditions and symbols are gathered in scratch slices reused
// between parses (parserPool), then copied into one exactly sized slice of each kind (finish;
// words every flushAt).
// The price: a word kept alive keeps its file's text alive, an *Assign its slab (<= 32 KiB).

// seg is where a physical line starts inside its logical line.
type seg struct {
	off, line int // offset in the logical line, 1-based line number
}

// logical is a logical line: physical lines joined at `\` + newline, the backslash replaced
// by a space.
type logical struct {
	text string
	segs []seg // at least one; segs[0].off == 0
}

func (l *logical) pos(off int) Pos {
	// the last segment starting at or before off
	s := l.segs[0]
	if len(l.segs) > 1 {
		lo, hi := 0, len(l.segs)
		for lo < hi {
			h := int(uint(lo+hi) >> 1)
			if l.segs[h].off > off {
				hi = h
			} else {
				lo = h + 1
			}
		}
		if lo > 0 {
			s = l.segs[lo-1]
		}
	}
	return Pos{Line: s.line, Col: off - s.off}
}

// span is a range of a scratch slice that belongs to one assignment or condition.
type span struct {
	lo, hi int
}

// condRef is a CondRef whose condition is an index in parser.conds.
type condRef struct {
	cond int
	els  bool
}

type parser struct {
	path   string
	errs   []Error
	levels []level
	inRule bool
	define int

	includes []*Include

	text      string   // the file, continued lines joined
	lineStart int      // where the logical line being read starts in text
	slab      []Assign // where new assignments go, handed out from len to cap

	// Scratch slices, reused between parses (parserPool).
	joined   []byte    // text, when lines were joined
	conts    []int     // where the continued lines start in text
	segs     []seg     // the logical line being read's
	assigns  []*Assign // Words and Conds are in wordSpan and condSpan until set
	flushed  int       // assigns[:flushed] have their Words
	wordSpan []span    // of assigns[flushed:], in words
	condSpan []span
	words    []Word
	refs     []condRef
	conds    []Cond // Symbols are in symSpan
	symSpan  []span
	syms     []Symbol
}

type level struct {
	cur  int   // the branch being read, an index in parser.conds; -1 in a plain else
	prev []int // earlier branches of an if/else chain: their Else applies
	open int   // the first branch, where a missing endif is reported
}

var parserPool = sync.Pool{New: func() any { return new(parser) }}

// maxPooled is the size of input past which the scratch slices are not kept for the next
// parse: one huge file must not pin its scratch memory.
const maxPooled = 1 << 20

// Parse reads a Makefile or Kbuild file. Problems (an unmatched else/endif, a missing endif
// reported at its if) are returned; parsing never stops.
func Parse(path string, src []byte) (*Makefile, []Error) {
	p := parserPool.Get().(*parser)
	p.path = path
	text := p.join(src)
	p.text = text
	line, ci := 1, 0
	for off := 0; off < len(text); {
		end := len(text)
		if k := strings.IndexByte(text[off:], '\n'); k >= 0 {
			end = off + k
		}
		segs := append(p.segs[:0], seg{off: 0, line: line})
		for ci < len(p.conts) && p.conts[ci] <= end {
			line++
			segs = append(segs, seg{off: p.conts[ci] - off, line: line})
			ci++
		}
		p.segs = segs
		l := text[off:end]
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		p.lineStart = off
		p.line(&logical{text: l, segs: segs})
		line++
		off = end + 1
	}
	for i := len(p.levels) - 1; i >= 0; i-- {
		open := &p.conds[p.levels[i].open]
		p.errorf(open.Range, "missing endif for this "+open.Keyword)
	}
	m, errs := p.finish(), p.errs
	p.reset()
	if len(src) <= maxPooled {
		parserPool.Put(p)
	}
	return m, errs
}

// join returns src as text with its continued lines joined: an odd number of backslashes
// before the newline (and an optional \r) continues a line, the last backslash becoming a
// space and the \r and newline going. conts gets the offsets where the continued lines start.
// Other newlines stay, and so does the \r before them: Parse drops it from the line.
func (p *parser) join(src []byte) string {
	from := 0 // src[:from] is in joined
	for off := 0; off < len(src); {
		k := bytes.IndexByte(src[off:], '\\')
		if k < 0 {
			break
		}
		i, j := off+k, off+k+1 // the run of backslashes
		for j < len(src) && src[j] == '\\' {
			j++
		}
		nl := j
		if nl < len(src) && src[nl] == '\r' {
			nl++
		}
		if nl >= len(src) || src[nl] != '\n' || (j-i)%2 == 0 {
			off = j
			continue
		}
		p.joined = append(p.joined, src[from:j-1]...)
		p.joined = append(p.joined, ' ')
		p.conts = append(p.conts, len(p.joined))
		from, off = nl+1, nl+1
	}
	if len(p.conts) == 0 {
		return string(src)
	}
	p.joined = append(p.joined, src[from:]...)
	return string(p.joined)
}

// finish copies the scratch slices into the Makefile.
func (p *parser) finish() *Makefile {
	m := &Makefile{Path: p.path, Includes: p.includes}
	var condPtrs []*Cond
	if n := len(p.conds); n > 0 {
		conds := make([]Cond, n)
		copy(conds, p.conds)
		var syms []Symbol
		if len(p.syms) > 0 {
			syms = make([]Symbol, len(p.syms))
			copy(syms, p.syms)
		}
		condPtrs = make([]*Cond, n)
		for i := range conds {
			if s := p.symSpan[i]; s.lo < s.hi {
				conds[i].Symbols = syms[s.lo:s.hi:s.hi]
			}
			condPtrs[i] = &conds[i]
		}
		m.Conds = condPtrs
	}
	if n := len(p.assigns); n > 0 {
		p.flushWords()
		var refs []CondRef
		if len(p.refs) > 0 {
			refs = make([]CondRef, len(p.refs))
			for i, r := range p.refs {
				refs[i] = CondRef{Cond: condPtrs[r.cond], Else: r.els}
			}
		}
		m.Assigns = make([]*Assign, n)
		copy(m.Assigns, p.assigns)
		for i, a := range m.Assigns {
			if s := p.condSpan[i]; s.lo < s.hi {
				a.Conds = refs[s.lo:s.hi:s.hi]
			}
		}
	}
	return m
}

// flushAt is how many words gather in the scratch slice before they are copied out: the
// scratch stays small, and a huge file does not grow (and copy) one huge slice.
const flushAt = 1024

// flushWords copies the gathered words into a slice of their own and sets the Words of their
// assignments.
func (p *parser) flushWords() {
	if len(p.words) > 0 {
		words := make([]Word, len(p.words))
		copy(words, p.words)
		for k, a := range p.assigns[p.flushed:] {
			if s := p.wordSpan[k]; s.lo < s.hi {
				a.Words = words[s.lo:s.hi:s.hi]
			}
		}
		clear(p.words)
	}
	p.words, p.wordSpan, p.flushed = p.words[:0], p.wordSpan[:0], len(p.assigns)
}

// reset empties the parser for the next parse, dropping its references to this one's text.
func (p *parser) reset() {
	clear(p.assigns)
	clear(p.words)
	clear(p.conds)
	clear(p.syms)
	*p = parser{
		levels:   p.levels[:0],
		joined:   p.joined[:0],
		conts:    p.conts[:0],
		segs:     p.segs[:0],
		assigns:  p.assigns[:0],
		wordSpan: p.wordSpan[:0],
		condSpan: p.condSpan[:0],
		words:    p.words[:0],
		refs:     p.refs[:0],
		conds:    p.conds[:0],
		symSpan:  p.symSpan[:0],
		syms:     p.syms[:0],
	}
}

func (p *parser) errorf(r Range, msg string) {
	p.errs = append(p.errs, Error{File: p.path, Range: r, Msg: msg})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// Byte classes for the scans of statement and assign: one table load per byte instead of a
// chain of comparisons.
const (
	cOther uint8 = iota
	cSpace
	cOpen  // ( {
	cClose // ) }
	cEq    // =
	cColon // :
)

var charClass = [256]uint8{' ': cSpace, '\t': cSpace, '(': cOpen, '{': cOpen, ')': cClose, '}': cClose, '=': cEq, ':': cColon}

// stripComment cuts the text at the first # not escaped by a backslash.
func stripComment(b string) string {
	for i := 0; i < len(b); i++ {
		k := strings.IndexByte(b[i:], '#')
		if k < 0 {
			break
		}
		i += k
		bs := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return b[:i]
		}
	}
	return b
}

func (p *parser) line(l *logical) {
	raw := l.text
	recipe := len(raw) > 0 && raw[0] == '\t' && p.inRule
	if recipe {
		return
	}
	text := stripComment(raw)
	start := 0
	for start < len(text) && isSpace(text[start]) {
		start++
	}
	end := len(text)
	for end > start && isSpace(text[end-1]) {
		end--
	}
	if start == end {
		return
	}
	word, rest := firstWord(text[start:end])
	rng := Range{Start: l.pos(start), End: l.pos(end)}
	if p.define > 0 {
		switch word {
		case "endef":
			p.define--
		case "define":
			p.define++
		}
		return
	}
	switch word {
	case "define":
		p.define++
		return
	case "ifdef", "ifndef", "ifeq", "ifneq":
		c := p.cond(word, l, start+len(word), end, rng)
		var prev []int
		if n := len(p.levels); n < cap(p.levels) {
			prev = p.levels[:n+1][n].prev[:0] // reuse the slot's earlier allocation
		}
		p.levels = append(p.levels, level{cur: c, open: c, prev: prev})
		return
	case "else":
		if len(p.levels) == 0 {
			p.errorf(rng, "else without if")
			return
		}
		lv := &p.levels[len(p.levels)-1]
		if lv.cur >= 0 {
			lv.prev = append(lv.prev, lv.cur)
		}
		lv.cur = -1
		for len(rest) > 0 && isSpace(rest[0]) {
			rest = rest[1:]
		}
		w2, _ := firstWord(rest)
		switch w2 {
		case "ifdef", "ifndef", "ifeq", "ifneq":
			o := start + len(word)
			for o < end && isSpace(text[o]) {
				o++
			}
			lv.cur = p.cond(w2, l, o+len(w2), end, rng)
		}
		return
	case "endif":
		if len(p.levels) == 0 {
			p.errorf(rng, "endif without if")
			return
		}
		lv := &p.levels[len(p.levels)-1]
		p.conds[lv.open].End = rng
		for _, c := range lv.prev {
			p.conds[c].End = rng
		}
		if lv.cur >= 0 {
			p.conds[lv.cur].End = rng
		}
		p.levels = p.levels[:len(p.levels)-1]
		return
	case "include", "-include", "sinclude":
		p.includes = append(p.includes, &Include{Path: strings.TrimSpace(rest), Range: rng})
		return
	case "export", "override", "unexport", "private":
		o := start + len(word)
		for o < end && isSpace(text[o]) {
			o++
		}
		if o < end {
			p.statement(l, text, o, end, rng)
		}
		return
	}
	p.statement(l, text, start, end, rng)
}

func firstWord(b string) (string, string) {
	i := 0
	for i < len(b) && !isSpace(b[i]) && b[i] != '(' {
		i++
	}
	return b[:i], b[i:]
}

// statement handles an assignment or a rule.
func (p *parser) statement(l *logical, text string, start, end int, rng Range) {
	depth := 0
	for i := start; i < end; i++ {
		switch charClass[text[i]] {
		case cOther, cSpace:
			continue
		case cOpen:
			depth++
			continue
		case cClose:
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		if text[i] == '=' {
			opStart := i
			for opStart > start && (text[opStart-1] == ':' || text[opStart-1] == '+' || text[opStart-1] == '?' || text[opStart-1] == '!') && i-opStart < 3 {
				opStart--
			}
			p.assign(l, text, start, opStart, i+1, end, rng)
			p.inRule = false
			return
		}
		if text[i] == ':' {
			// "::=" and ":::=" are assignments; anything else makes a rule.
			j := i
			for j < end && text[j] == ':' {
				j++
			}
			if j < end && text[j] == '=' {
				p.assign(l, text, start, i, j+1, end, rng)
				p.inRule = false
				return
			}
			p.inRule = true
			return
		}
	}
	// A bare word line: $(eval ...), $(call ...), or junk; nothing for Kbuild.
}

func (p *parser) assign(l *logical, text string, start, opStart, valStart, end int, rng Range) {
	ve := opStart
	for ve > start && isSpace(text[ve-1]) {
		ve--
	}
	a := p.newAssign()
	a.Var = text[start:ve]
	a.VarRange = Range{Start: l.pos(start), End: l.pos(ve)}
	a.Op = text[opStart:valStart]
	a.Range = rng
	vs := valStart
	for vs < end && isSpace(text[vs]) {
		vs++
	}
	a.Value = text[vs:end]
	w0 := len(p.words)
	for i := vs; i < end; {
		for i < end && isSpace(text[i]) {
			i++
		}
		if i >= end {
			break
		}
		s, depth := i, 0
	word:
		for ; i < end; i++ {
			switch charClass[text[i]] {
			case cSpace:
				if depth <= 0 {
					break word
				}
			case cOpen:
				depth++
			case cClose:
				depth--
			}
		}
		p.words = append(p.words, Word{Text: text[s:i], Range: Range{Start: l.pos(s), End: l.pos(i)}})
	}
	p.wordSpan = append(p.wordSpan, span{w0, len(p.words)})
	if len(p.words) >= flushAt {
		p.flushWords()
	}
	c0 := len(p.refs)
	for _, lv := range p.levels {
		for _, c := range lv.prev {
			p.refs = append(p.refs, condRef{cond: c, els: true})
		}
		if lv.cur >= 0 {
			p.refs = append(p.refs, condRef{cond: lv.cur})
		}
	}
	p.condSpan = append(p.condSpan, span{c0, len(p.refs)})
	classify(a)
}

// maxSlab bounds the assignments allocated at once, keeping a slab under the 32 KiB past
// which the runtime allocates (and frees, and returns to the OS) pages of its own.
const maxSlab = 32 << 10 / int(unsafe.Sizeof(Assign{}))

// newAssign returns a zero Assign of the Makefile being read, taken from a slab sized for the
// assignments to come: each is on a line of its own holding a `=`, so the slab gets one
// Assign for each such line from here on, up to maxSlab (the kernel's Makefiles have ~2%
// more of those lines than assignments). Counting stops there: no quadratic rescans.
func (p *parser) newAssign() *Assign {
	if len(p.slab) == cap(p.slab) {
		n, rest := 0, p.text[p.lineStart:]
		for n < maxSlab {
			i := strings.IndexByte(rest, '=')
			if i < 0 {
				break
			}
			n++
			j := strings.IndexByte(rest[i:], '\n')
			if j < 0 {
				break
			}
			rest = rest[i+j+1:]
		}
		p.slab = make([]Assign, 0, max(n, 1))
	}
	p.slab = p.slab[:len(p.slab)+1]
	a := &p.slab[len(p.slab)-1]
	p.assigns = append(p.assigns, a)
	return a
}

// cond parses the argument of ifdef/ifndef/ifeq/ifneq and returns the index of the new
// condition.
func (p *parser) cond(kw string, l *logical, argStart, end int, rng Range) int {
	text := l.text
	for argStart < end && isSpace(text[argStart]) {
		argStart++
	}
	p.conds = append(p.conds, Cond{Keyword: kw, Arg: text[argStart:end], Range: rng})
	ci := len(p.conds) - 1
	c := &p.conds[ci]
	s0 := len(p.syms)
	p.syms = configNames(p.syms, l, argStart, end)
	p.symSpan = append(p.symSpan, span{s0, len(p.syms)})
	nsyms := len(p.syms) - s0
	switch kw {
	case "ifdef":
		c.Positive = nsyms > 0
	case "ifndef":
		c.Negative = nsyms > 0
	case "ifeq", "ifneq":
		a, b, ok := splitCompare(c.Arg)
		if !ok || nsyms != 1 {
			break
		}
		if !strings.Contains(a, "CONFIG_") {
			a, b = b, a
		}
		// Positive when the branch needs the symbol set.
		switch {
		case kw == "ifeq" && (b == "y" || b == "m"):
			c.Positive = true
		case kw == "ifneq" && b == "":
			c.Positive = true
		case kw == "ifeq" && b == "":
			c.Negative = true
		case kw == "ifneq" && (b == "y" || b == "m"):
			c.Negative = true
		}
	}
	return ci
}

// splitCompare splits "(A,B)" or "'A' 'B'" / "\"A\" \"B\"" into trimmed A and B.
func splitCompare(s string) (string, string, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		in := s[1 : len(s)-1]
		depth := 0
		for i := 0; i < len(in); i++ {
			switch in[i] {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			case ',':
				if depth == 0 {
					return strings.TrimSpace(in[:i]), strings.TrimSpace(in[i+1:]), true
				}
			}
		}
		return "", "", false
	}
	f := strings.Fields(s)
	if len(f) == 2 {
		return strings.Trim(f[0], `"'`), strings.Trim(f[1], `"'`), true
	}
	return "", "", false
}

// configNames appends the CONFIG_ names in text[start:end] of a logical line to out.
func configNames(out []Symbol, l *logical, start, end int) []Symbol {
	text := l.text[:end]
	for i := start; i+7 <= len(text); {
		k := strings.Index(text[i:], "CONFIG_")
		if k < 0 {
			break
		}
		i += k
		if i > 0 && isIdent(text[i-1]) {
			i++
			continue
		}
		j := i + 7
		for j < len(text) && isIdent(text[j]) {
			j++
		}
		if j > i+7 {
			out = append(out, Symbol{Name: text[i+7 : j], Range: Range{Start: l.pos(i), End: l.pos(j)}})
		}
		i = j
	}
	return out
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// classify fills Kind, Base, Suffix and Config from Var.
func classify(a *Assign) {
	v := a.Var
	base, suffix := v, ""
	if strings.HasSuffix(v, ")") {
		if i := lastRef(v); i >= 0 {
			base, suffix = v[:i], v[i+1:]
			ref := suffix[2 : len(suffix)-1]
			s := a.VarRange.Start
			if name, ok := strings.CutPrefix(ref, "CONFIG_"); ok && isIdentString(name) {
				a.Config = name
				off := i + 3
				a.ConfigRange = Range{Start: Pos{Line: s.Line, Col: s.Col + off}, End: Pos{Line: s.Line, Col: s.Col + off + len(ref)}}
			} else if j := strings.Index(ref, "CONFIG_"); j >= 0 && strings.Count(ref, "CONFIG_") == 1 {
				// obj-$(subst m,y,$(CONFIG_X)) and the like: still gated by X.
				k := j + 7
				for k < len(ref) && isIdent(ref[k]) {
					k++
				}
				if k > j+7 {
					a.Config = ref[j+7 : k]
					off := i + 3 + j
					a.ConfigRange = Range{Start: Pos{Line: s.Line, Col: s.Col + off}, End: Pos{Line: s.Line, Col: s.Col + off + k - j}}
				}
			}
		}
	} else if i := strings.LastIndexByte(v, '-'); i > 0 {
		switch v[i+1:] {
		case "y", "m", "objs", "":
			base, suffix = v[:i], v[i+1:]
		}
	}
	a.Base, a.Suffix = base, suffix
	switch {
	case containsFlags(base): // not the suffix: obj-$(CONFIG_DEBUG_IRQFLAGS)
		a.Kind = VarFlags
	case base == "obj":
		a.Kind = VarObj
	case base == "lib":
		a.Kind = VarLib
	case base == "subdir":
		a.Kind = VarSubdir
	case base == "hostprogs" || base == "hostprogs-always" || base == "userprogs" || base == "userprogs-always":
		a.Kind = VarHostprogs
	case suffix != "" && base != "" && !knownVar(base):
		a.Kind = VarComposite
	}
}

// lastRef returns the index of the last "-$(" in v, or -1.
func lastRef(v string) int {
	for i := len(v) - 3; i >= 0; i-- {
		if v[i] == '-' && v[i+1] == '$' && v[i+2] == '(' {
			return i
		}
	}
	return -1
}

// knownVar reports whether base is a Kbuild variable that takes a -y/-m/-$(CONFIG_X) suffix
// without being a composite object.
func knownVar(base string) bool {
	switch base {
	case "always", "extra", "targets", "clean-files", "clean-dirs",
		"no-clean-files", "header-test", "real-obj", "multi-obj",
		"head", "core", "drivers", "libs", "init", "net",
		"KBUILD_CFLAGS", "asm-generic", "generic", "mandatory",
		"generated", "subdir-asflags", "subdir-ccflags", "export":
		return true
	}
	return false
}

func isIdentString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) {
			return false
		}
	}
	return true
}

// containsFlags reports whether s contains "flags" in any case. ASCII folding is enough: no
// other letter lowercases to one of f, l, a, g, s (only U+0130 and U+212A lowercase to ASCII,
// to i and k).
func containsFlags(s string) bool {
	for i := 0; i+5 <= len(s); i++ {
		if s[i]|0x20 == 'f' && s[i+1]|0x20 == 'l' && s[i+2]|0x20 == 'a' && s[i+3]|0x20 == 'g' && s[i+4]|0x20 == 's' {
			return true
		}
	}
	return false
}
