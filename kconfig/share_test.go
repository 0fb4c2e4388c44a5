// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The parser hands out values and slices cut from shared chunks and keeps its texts in one
// string per file. These tests check what that must not change for a user of the results.

const shareSrc = `config A
	bool "a prompt"
	depends on B && C
	select D if E
	select F
	help
	  Help of A,
	  two lines.

config B
	tristate "b \"quoted\" prompt"
	depends on A
	select G
	imply H
	default "x\\y"

menu "M"
	visible if A

choice
	prompt "pick"
	optional

config C
	bool "c"

endchoice
endmenu
`

// render gives the parts of a file the tests compare.
func render(f *File) string {
	var b strings.Builder
	f.Walk(func(n *Node) bool {
		b.WriteString(n.Kind.String() + " " + n.Name + " " + n.Text)
		for _, p := range n.Prompts {
			b.WriteString(" prompt=" + p.Text)
		}
		for _, d := range n.Defaults {
			b.WriteString(" default=" + d.Value.String())
		}
		for _, d := range n.Depends {
			b.WriteString(" depends=" + d.Expr.String())
		}
		for _, s := range n.Selects {
			b.WriteString(" select=" + s.Symbol + ":" + s.If.String())
		}
		for _, s := range n.Implies {
			b.WriteString(" imply=" + s.Symbol)
		}
		for _, v := range n.Visible {
			b.WriteString(" visible=" + v.Expr.String())
		}
		for _, o := range n.Options {
			b.WriteString(" option=" + o.Name)
		}
		if n.Help != nil {
			b.WriteString(" help=" + n.Help.Text)
			for _, l := range n.Help.Lines {
				b.WriteString(" line=" + l.Text)
			}
		}
		b.WriteString(" children=" + strconv.Itoa(len(n.Children)) + "\n")
		return true
	})
	return b.String()
}

// TestParseResultsIndependent checks that appending to the slices of one node leaves its
// neighbours alone (the slices come from shared chunks), that the results do not alias the
// source bytes, and that parsing more files (reusing the parser) changes no earlier result.
func TestParseResultsIndependent(t *testing.T) {
	src := []byte(shareSrc)
	f, errs := ParseFile("Kconfig", src)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := `config A  prompt=a prompt depends=B && C select=D:E select=F:y help=Help of A,
two lines.
 line=Help of A, line=two lines. children=0
config B  prompt=b "quoted" prompt default="x\\y" depends=A select=G:y imply=H children=0
menu  M visible=A children=1
choice   prompt=pick option=optional children=1
config C  prompt=c children=0
`
	if diff := cmp.Diff(want, render(f)); diff != "" {
		t.Fatalf("parse (-want +got):\n%s", diff)
	}

	// Overwrite the source and parse other files with the same (pooled) parser.
	copy(src, bytes.Repeat([]byte("X"), len(src)))
	for range 20 {
		ParseFile("other", []byte("config Z\n\tselect Q\n\tdepends on R\n\thelp\n\t  z\nmenu \"N\"\nendmenu\n"))
	}
	// Append to every slice of every node.
	f.Walk(func(n *Node) bool {
		n.Prompts = append(n.Prompts, &Prompt{Text: "added"})
		n.Depends = append(n.Depends, &Cond{Expr: Sym("ADDED")})
		n.Selects = append(n.Selects, &Reverse{Symbol: "ADDED"})
		n.Implies = append(n.Implies, &Reverse{Symbol: "ADDED"})
		n.Visible = append(n.Visible, &Cond{Expr: Sym("ADDED")})
		n.Options = append(n.Options, &Option{Name: "added"})
		n.Defaults = append(n.Defaults, &Default{Value: Sym("ADDED")})
		if n.Help != nil {
			n.Help.Lines = append(n.Help.Lines, HelpLine{Text: "added"})
		}
		return true
	})
	f.Walk(func(n *Node) bool {
		for _, p := range n.Prompts[:len(n.Prompts)-1] {
			if p.Text == "added" {
				t.Errorf("%s %s: an append to a neighbour overwrote a prompt", n.Kind, n.Name)
			}
		}
		for _, d := range n.Depends[:len(n.Depends)-1] {
			if d.Expr.String() == "ADDED" {
				t.Errorf("%s %s: an append to a neighbour overwrote a dependency", n.Kind, n.Name)
			}
		}
		for _, s := range n.Selects[:len(n.Selects)-1] {
			if s.Symbol == "ADDED" {
				t.Errorf("%s %s: an append to a neighbour overwrote a select", n.Kind, n.Name)
			}
		}
		for _, s := range n.Implies[:len(n.Implies)-1] {
			if s.Symbol == "ADDED" {
				t.Errorf("%s %s: an append to a neighbour overwrote an imply", n.Kind, n.Name)
			}
		}
		if n.Help != nil {
			for _, l := range n.Help.Lines[:len(n.Help.Lines)-1] {
				if l.Text == "added" {
					t.Errorf("%s %s: an append to a neighbour overwrote a help line", n.Kind, n.Name)
				}
			}
		}
		// Drop what was appended: the rest must be the first parse, unchanged.
		n.Prompts = n.Prompts[:len(n.Prompts)-1]
		n.Depends = n.Depends[:len(n.Depends)-1]
		n.Selects = n.Selects[:len(n.Selects)-1]
		n.Implies = n.Implies[:len(n.Implies)-1]
		n.Visible = n.Visible[:len(n.Visible)-1]
		n.Options = n.Options[:len(n.Options)-1]
		n.Defaults = n.Defaults[:len(n.Defaults)-1]
		if n.Help != nil {
			n.Help.Lines = n.Help.Lines[:len(n.Help.Lines)-1]
		}
		return true
	})
	if diff := cmp.Diff(want, render(f)); diff != "" {
		t.Errorf("after appends, other parses and a changed source (-want +got):\n%s", diff)
	}
}
