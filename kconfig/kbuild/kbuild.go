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
	"fmt"
	"sort"
	"strings"

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

// logical is a logical line: physical lines joined at `\` + newline.
type logical struct {
	text []byte
	segs []seg
}

type seg struct {
	off, line, col int
}

func (l *logical) pos(off int) Pos {
	// the last segment starting at or before off
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].off > off }) - 1
	if i < 0 {
		i = 0
	}
	s := l.segs[i]
	return Pos{Line: s.line, Col: s.col + off - s.off}
}

type parser struct {
	m      *Makefile
	errs   []Error
	levels []*level
	inRule bool
	define int
}

type level struct {
	cur  *Cond
	prev []*Cond // earlier branches of an if/else chain: their Else applies
	open *Cond   // the first branch, where a missing endif is reported
}

// Parse reads a Makefile or Kbuild file. Problems (an unmatched else/endif, a missing endif
// reported at its if) are returned; parsing never stops.
func Parse(path string, src []byte) (*Makefile, []Error) {
	p := &parser{m: &Makefile{Path: path}}
	line, off := 1, 0
	for off < len(src) {
		l := &logical{}
		for {
			e := off
			for e < len(src) && src[e] != '\n' {
				e++
			}
			phys := src[off:e]
			if len(phys) > 0 && phys[len(phys)-1] == '\r' {
				phys = phys[:len(phys)-1]
			}
			l.segs = append(l.segs, seg{off: len(l.text), line: line, col: 0})
			bs := 0
			for i := len(phys) - 1; i >= 0 && phys[i] == '\\'; i-- {
				bs++
			}
			cont := bs%2 == 1 && e < len(src)
			if cont {
				l.text = append(l.text, phys[:len(phys)-1]...)
				l.text = append(l.text, ' ')
			} else {
				l.text = append(l.text, phys...)
			}
			if e < len(src) {
				e++
			}
			off = e
			line++
			if !cont {
				break
			}
		}
		p.line(l)
	}
	for i := len(p.levels) - 1; i >= 0; i-- {
		p.errorf(p.levels[i].open.Range, "missing endif for this %s", p.levels[i].open.Keyword)
	}
	return p.m, p.errs
}

func (p *parser) errorf(r Range, format string, args ...any) {
	p.errs = append(p.errs, Error{File: p.m.Path, Range: r, Msg: fmt.Sprintf(format, args...)})
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// stripComment cuts the text at the first # not escaped by a backslash.
func stripComment(b []byte) []byte {
	for i := 0; i < len(b); i++ {
		if b[i] == '#' {
			bs := 0
			for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
				bs++
			}
			if bs%2 == 0 {
				return b[:i]
			}
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
		p.levels = append(p.levels, &level{cur: c, open: c})
		return
	case "else":
		if len(p.levels) == 0 {
			p.errorf(rng, "else without if")
			return
		}
		lv := p.levels[len(p.levels)-1]
		if lv.cur != nil {
			lv.prev = append(lv.prev, lv.cur)
		}
		lv.cur = nil
		w2, _ := firstWord(bytes.TrimLeft(rest, " \t"))
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
		lv := p.levels[len(p.levels)-1]
		lv.open.End = rng
		for _, c := range lv.prev {
			c.End = rng
		}
		if lv.cur != nil {
			lv.cur.End = rng
		}
		p.levels = p.levels[:len(p.levels)-1]
		return
	case "include", "-include", "sinclude":
		p.m.Includes = append(p.m.Includes, &Include{Path: strings.TrimSpace(string(rest)), Range: rng})
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

func firstWord(b []byte) (string, []byte) {
	i := 0
	for i < len(b) && !isSpace(b[i]) && b[i] != '(' {
		i++
	}
	return string(b[:i]), b[i:]
}

// statement handles an assignment or a rule.
func (p *parser) statement(l *logical, text []byte, start, end int, rng Range) {
	depth := 0
	for i := start; i < end; i++ {
		c := text[i]
		switch c {
		case '(', '{':
			depth++
			continue
		case ')', '}':
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		if c == '=' {
			opStart := i
			for opStart > start && (text[opStart-1] == ':' || text[opStart-1] == '+' || text[opStart-1] == '?' || text[opStart-1] == '!') && i-opStart < 3 {
				opStart--
			}
			p.assign(l, text, start, opStart, i+1, end, rng)
			p.inRule = false
			return
		}
		if c == ':' {
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

func (p *parser) assign(l *logical, text []byte, start, opStart, valStart, end int, rng Range) {
	ve := opStart
	for ve > start && isSpace(text[ve-1]) {
		ve--
	}
	a := &Assign{
		Var:      string(text[start:ve]),
		VarRange: Range{Start: l.pos(start), End: l.pos(ve)},
		Op:       string(text[opStart:valStart]),
		Range:    rng,
	}
	vs := valStart
	for vs < end && isSpace(text[vs]) {
		vs++
	}
	a.Value = string(text[vs:end])
	for i := vs; i < end; {
		for i < end && isSpace(text[i]) {
			i++
		}
		if i >= end {
			break
		}
		s, depth := i, 0
		for i < end && (depth > 0 || !isSpace(text[i])) {
			switch text[i] {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			}
			i++
		}
		a.Words = append(a.Words, Word{Text: string(text[s:i]), Range: Range{Start: l.pos(s), End: l.pos(i)}})
	}
	for _, lv := range p.levels {
		for _, c := range lv.prev {
			a.Conds = append(a.Conds, CondRef{Cond: c, Else: true})
		}
		if lv.cur != nil {
			a.Conds = append(a.Conds, CondRef{Cond: lv.cur})
		}
	}
	classify(a)
	p.m.Assigns = append(p.m.Assigns, a)
}

// cond parses the argument of ifdef/ifndef/ifeq/ifneq.
func (p *parser) cond(kw string, l *logical, argStart, end int, rng Range) *Cond {
	text := l.text
	for argStart < end && isSpace(text[argStart]) {
		argStart++
	}
	c := &Cond{Keyword: kw, Arg: string(text[argStart:end]), Range: rng}
	c.Symbols = configNames(l, argStart, end)
	p.m.Conds = append(p.m.Conds, c)
	switch kw {
	case "ifdef":
		c.Positive = len(c.Symbols) > 0
	case "ifndef":
		c.Negative = len(c.Symbols) > 0
	case "ifeq", "ifneq":
		a, b, ok := splitCompare(c.Arg)
		if !ok || len(c.Symbols) != 1 {
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
	return c
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

// configNames finds CONFIG_ names in text[start:end] of a logical line.
func configNames(l *logical, start, end int) []Symbol {
	var out []Symbol
	text := l.text[:end]
	for i := start; i+7 <= len(text); i++ {
		if string(text[i:i+7]) != "CONFIG_" || i > 0 && isIdent(text[i-1]) {
			continue
		}
		j := i + 7
		for j < len(text) && isIdent(text[j]) {
			j++
		}
		if j > i+7 {
			out = append(out, Symbol{Name: string(text[i+7 : j]), Range: Range{Start: l.pos(i), End: l.pos(j)}})
		}
		i = j - 1
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
		if i := strings.LastIndex(v, "-$("); i >= 0 {
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
	case strings.Contains(strings.ToLower(base), "flags"): // not the suffix: obj-$(CONFIG_DEBUG_IRQFLAGS)
		a.Kind = VarFlags
	case base == "obj":
		a.Kind = VarObj
	case base == "lib":
		a.Kind = VarLib
	case base == "subdir":
		a.Kind = VarSubdir
	case base == "hostprogs" || base == "hostprogs-always" || base == "userprogs" || base == "userprogs-always":
		a.Kind = VarHostprogs
	case suffix != "" && base != "" && !knownVar[base]:
		a.Kind = VarComposite
	}
}

var knownVar = map[string]bool{
	"always": true, "extra": true, "targets": true, "clean-files": true, "clean-dirs": true,
	"no-clean-files": true, "header-test": true, "real-obj": true, "multi-obj": true,
	"head": true, "core": true, "drivers": true, "libs": true, "init": true, "net": true,
	"KBUILD_CFLAGS": true, "asm-generic": true, "generic": true, "mandatory": true,
	"generated": true, "subdir-asflags": true, "subdir-ccflags": true, "export": true,
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
