// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// seeds adds the golden inputs and a few hand-picked corners to a fuzz corpus.
func seeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/parse/*.txtar")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "\n", "config", "config A\n\thelp", "config A\n\thelp\n", "if A\n", "endif\n",
		"menu \"x\n", "$(", "$(a,$(b)", "\"$(\"", "A := $(", "config A\n\tdepends on ((((A\n",
		"choice\nchoice\nendchoice", "\\\n\\\n", "config A\\", "\x00\xff\xfe", "#\\\nconfig A",
		"config A\n\tdefault \"a\\", "config A\n\thelp\n\t\n  x\n\ty",
	} {
		f.Add([]byte(s))
	}
}

// checkPos reports a position outside the input.
func checkPos(t *testing.T, lines [][]byte, p Pos, what string) {
	t.Helper()
	if p.Line < 1 || p.Line > len(lines) {
		t.Fatalf("%s: line %d outside 1..%d", what, p.Line, len(lines))
	}
	if p.Col < 0 || p.Col > len(lines[p.Line-1]) {
		t.Fatalf("%s: column %d outside line %d of length %d", what, p.Col, p.Line, len(lines[p.Line-1]))
	}
}

func checkRange(t *testing.T, lines [][]byte, r Range, what string) {
	t.Helper()
	if r == (Range{}) {
		return
	}
	checkPos(t, lines, r.Start, what)
	checkPos(t, lines, r.End, what)
	if r.End.Less(r.Start) {
		t.Fatalf("%s: range %v ends before it starts", what, r)
	}
}

func FuzzLex(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Split(src, []byte("\n"))
		var errs []Error
		l := newLexer("f", src, &errs)
		prev := Pos{1, 0}
		for i := 0; ; i++ {
			if i > len(src)+2 {
				t.Fatal("lexer does not advance")
			}
			tok := l.next()
			checkRange(t, lines, tok.rng, "token")
			if tok.rng.Start.Less(prev) {
				t.Fatalf("token at %v before previous end %v", tok.rng.Start, prev)
			}
			prev = tok.rng.End
			if tok.kind == tEOF {
				break
			}
			if tok.kind == tHelp && i%2 == 0 { // exercise the help state too
				if t2 := l.next(); t2.kind == tEOL {
					h := Help{Keyword: tok.rng, Range: Range{Start: tok.rng.Start}}
					l.help(&h)
					checkRange(t, lines, h.Range, "help")
				}
			}
		}
		for _, e := range errs {
			checkRange(t, lines, e.Range, "error")
		}
	})
}

func FuzzParse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Split(src, []byte("\n"))
		file, errs := ParseFile("f", src)
		for _, e := range errs {
			checkRange(t, lines, e.Range, "error "+e.Msg)
		}
		file.Walk(func(n *Node) bool {
			checkRange(t, lines, n.Range, "node")
			checkRange(t, lines, n.Header, "header")
			checkRange(t, lines, n.NameRange, "name")
			checkRange(t, lines, n.TextRange, "text")
			if n.Help != nil {
				checkRange(t, lines, n.Help.Range, "help")
				for i := range n.Help.Text {
					checkPos(t, lines, n.Help.Pos(i), "help text")
				}
				if _, r, ok := ModuleName(n.Help); ok {
					checkRange(t, lines, r, "module name")
				}
			}
			for _, d := range n.Depends {
				checkRange(t, lines, d.Range, "depends")
				d.Expr.Walk(func(e *Expr) bool {
					checkRange(t, lines, e.Range, "expr")
					return true
				})
			}
			return true
		})
	})
}
