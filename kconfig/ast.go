// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"fmt"
	"strings"
)

// Pos is a position in a file: Line is 1-based, Col is a 0-based byte offset in the line.
type Pos struct {
	Line, Col int
}

// Less reports whether p comes before q.
func (p Pos) Less(q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Col < q.Col
}

// Range is a half-open span [Start, End) of a file.
type Range struct {
	Start, End Pos
}

// Contains reports whether p lies inside r (End excluded).
func (r Range) Contains(p Pos) bool {
	return !p.Less(r.Start) && p.Less(r.End)
}

func (r Range) String() string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Col, r.End.Line, r.End.Col)
}

// Error is a problem found in a Kconfig file, with its position. File is relative to the tree
// root (or the path given to ParseFile). Warning marks what the kernel's own conf only warns
// about.
type Error struct {
	File    string
	Range   Range
	Msg     string
	Warning bool
}

func (e Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Range.Start.Line, e.Range.Start.Col+1, e.Msg)
}

// Kind says what statement a Node is.
type Kind uint8

// The statements of the Kconfig language.
const (
	KindConfig     Kind = iota // config NAME
	KindMenuconfig             // menuconfig NAME
	KindChoice                 // choice ... endchoice
	KindComment                // comment "text"
	KindMenu                   // menu "text" ... endmenu
	KindIf                     // if EXPR ... endif
	KindSource                 // source/rsource/osource/orsource "path"
	KindMainmenu               // mainmenu "text"
	KindAssign                 // NAME := value (also = and +=)
	KindMacro                  // a line of macros only, e.g. $(warning-if,...), expanding to nothing
)

var kindNames = [...]string{"config", "menuconfig", "choice", "comment", "menu", "if", "source", "mainmenu", "assignment", "macro"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Type is a symbol type.
type Type uint8

// Symbol types. TypeUnknown is a symbol without a type (yet).
const (
	TypeUnknown Type = iota
	TypeBool
	TypeTristate
	TypeString
	TypeHex
	TypeInt
)

var typeNames = [...]string{"unknown", "bool", "tristate", "string", "hex", "int"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// Node is one statement of a Kconfig file, with its options and, for blocks (menu, choice, if),
// its children. Which fields are used depends on Kind.
type Node struct {
	Kind   Kind
	Range  Range // the whole statement: first keyword to its last option, help text or end keyword
	Header Range // the first line, e.g. `config FOO` or `if A && B`

	// Name is the symbol of config/menuconfig, the optional name of a (pre-6.11) choice, or the
	// variable of an assignment.
	Name      string
	NameRange Range

	// Text is the prompt of menu, comment and mainmenu, the path of source (unexpanded, macros
	// such as $(SRCARCH) kept), or the raw value of an assignment.
	Text      string
	TextRange Range
	// Keyword is the statement's keyword as written: "source", "rsource", "osource",
	// "orsource" for sources; "=", ":=", "+=" for assignments.
	Keyword string

	Cond *Expr // condition of `if`

	Type      Type
	TypeRange Range
	Prompts   []*Prompt
	Defaults  []*Default
	Depends   []*Cond
	Visible   []*Cond // `visible if` of menus
	Selects   []*Reverse
	Implies   []*Reverse
	Ranges    []*RangeProp
	Help      *Help
	Options   []*Option // modules, optional, transitional, and old `option X[=V]`

	Children []*Node
	End      Range // the endif/endmenu/endchoice keyword; zero when missing
}

// Option is a flag-like property: `modules`, `optional` (choice, up to 6.10), `transitional`,
// or an old-style `option NAME[="value"]`.
type Option struct {
	Name  string
	Value string
	Range Range
}

// HasOption reports whether the node has the option name (e.g. "modules").
func (n *Node) HasOption(name string) bool {
	for _, o := range n.Options {
		if o.Name == name {
			return true
		}
	}
	return false
}

// Prompt is a prompt with its optional condition; a type with an inline prompt
// (`bool "text" if X`) yields one too.
type Prompt struct {
	Text      string
	TextRange Range
	If        *Expr
	Range     Range
}

// Default is `default EXPR [if COND]`, or def_bool/def_tristate (Keyword says which).
type Default struct {
	Keyword string
	Value   *Expr
	If      *Expr
	Range   Range
}

// Cond is a `depends on EXPR` or `visible if EXPR` line.
type Cond struct {
	Expr  *Expr
	Range Range
}

// Reverse is `select SYM [if COND]` or `imply SYM [if COND]`.
type Reverse struct {
	Symbol      string
	SymbolRange Range
	If          *Expr
	Range       Range
}

// RangeProp is `range LOW HIGH [if COND]`.
type RangeProp struct {
	Low, High *Expr
	If        *Expr
	Range     Range
}

// Help is a help text. Text is what the kernel shows: the common indentation removed, lines
// joined with "\n". Lines keep where each line's text starts, so positions inside Text can be
// mapped back to the file (Pos).
type Help struct {
	Text    string
	Range   Range // from the help keyword to the end of the last text line
	Keyword Range
	Lines   []HelpLine
}

// HelpLine is one non-blank line of a help text: its text without leading blanks, where that
// text starts in the file, and its offset in Help.Text.
type HelpLine struct {
	Text   string
	Start  Pos
	Offset int
}

// Pos maps a byte offset of h.Text to its position in the file. Offsets inside a line's extra
// indentation map to the line's first character.
func (h *Help) Pos(off int) Pos {
	var best *HelpLine
	for i := range h.Lines {
		if h.Lines[i].Offset-off > 0 {
			break
		}
		best = &h.Lines[i]
	}
	if best == nil {
		if len(h.Lines) == 0 {
			return h.Range.Start
		}
		return h.Lines[0].Start
	}
	d := off - best.Offset
	if d > len(best.Text) {
		d = len(best.Text)
	}
	return Pos{best.Start.Line, best.Start.Col + d}
}

// Op is the operator of an expression node.
type Op uint8

// Expression operators.
const (
	OpSymbol Op = iota // a symbol or constant (Name)
	OpNot
	OpAnd
	OpOr
	OpEqual
	OpUnequal
	OpLess
	OpLessEqual
	OpGreater
	OpGreaterEqual
)

var opText = [...]string{"", "!", "&&", "||", "=", "!=", "<", "<=", ">", ">="}

func (o Op) String() string { return opText[o] }

// Expr is a Kconfig expression. A nil *Expr means "no condition" (always y).
type Expr struct {
	Op Op
	// For OpSymbol: the symbol name or constant text as written (quotes removed, escapes
	// resolved, macros unexpanded).
	Name   string
	Quoted bool
	// Macro is set when Name holds $(...) references that need expansion.
	Macro bool
	// Unknown is set (to the reason) on a symbol whose value cannot be known without running
	// something, e.g. the expansion of $(shell,...) or $(success,...). Eval gives Unknown.
	Unknown string
	X, Y    *Expr
	// Range is where the expression is written, in File (the path given to ParseFile). An
	// effective dependency combines expressions of several files: each part keeps its own
	// File, and the parts And and Or add have none.
	Range Range
	File  string
}

// Sym returns a symbol expression.
func Sym(name string) *Expr { return &Expr{Op: OpSymbol, Name: name} }

// And returns x && y, where a nil operand is dropped.
func And(x, y *Expr) *Expr {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	e := &Expr{Op: OpAnd, X: x, Y: y}
	if x.File == y.File {
		e.File, e.Range = x.File, Range{x.Range.Start, y.Range.End}
	}
	return e
}

// Or returns x || y; nil (always y) absorbs.
func Or(x, y *Expr) *Expr {
	if x == nil || y == nil {
		return nil
	}
	return &Expr{Op: OpOr, X: x, Y: y}
}

// String formats e the way the kernel's menuconfig shows expressions (nil is "y").
func (e *Expr) String() string {
	var b strings.Builder
	e.format(&b, OpOr)
	return b.String()
}

func prec(o Op) int {
	switch o {
	case OpOr:
		return 1
	case OpAnd:
		return 2
	case OpNot:
		return 4
	case OpSymbol:
		return 5
	}
	return 3
}

func (e *Expr) format(b *strings.Builder, parent Op) {
	if e == nil {
		b.WriteString("y")
		return
	}
	paren := prec(e.Op) < prec(parent) && e.Op != OpSymbol
	if paren {
		b.WriteByte('(')
	}
	switch e.Op {
	case OpSymbol:
		if e.Quoted {
			fmt.Fprintf(b, "%q", e.Name)
		} else {
			b.WriteString(e.Name)
		}
	case OpNot:
		b.WriteByte('!')
		e.X.format(b, OpNot)
	case OpAnd, OpOr:
		e.X.format(b, e.Op)
		b.WriteString(" " + e.Op.String() + " ")
		e.Y.format(b, e.Op)
	default:
		e.X.format(b, OpNot)
		b.WriteString(e.Op.String())
		e.Y.format(b, OpNot)
	}
	if paren {
		b.WriteByte(')')
	}
}

// Walk calls f for e and each sub-expression, depth first; f returning false skips the
// children.
func (e *Expr) Walk(f func(*Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	e.X.Walk(f)
	e.Y.Walk(f)
}

// Symbols returns the names of the non-constant symbols e refers to, in order, with
// duplicates.
func (e *Expr) Symbols() []string {
	var out []string
	e.Walk(func(x *Expr) bool {
		if x.Op == OpSymbol && !x.Quoted && !isConstName(x.Name) && x.Unknown == "" && !x.Macro {
			out = append(out, x.Name)
		}
		return true
	})
	return out
}

// isConstName reports names that are constants even unquoted: y, m, n and numbers (the kernel
// treats an unquoted number as an undefined symbol whose value is its name).
func isConstName(s string) bool {
	if s == "y" || s == "m" || s == "n" || s == "" {
		return true
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		s = s[2:]
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			c := s[i] | 0x20
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
		return true
	}
	if s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
