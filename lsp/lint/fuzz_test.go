// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"testing"
	"unicode/utf8"

	"krls.dev/krls/lsp/check"
)

// FuzzDirectives: the krls:allow parser and the position mapper take any text without
// panicking, and what they return stays inside it.
func FuzzDirectives(f *testing.F) {
	f.Add([]byte("// krls:allow(a, b): reason\nx\n"), true)
	f.Add([]byte("# krls:allow(a)\n# krls:allow\nobj-y += a.o # krls:allow(b): r\n"), false)
	f.Add([]byte("krls:allow(\n//krls:allow()):\r\n\xff\xfe// krls:allow(x):"), true)
	f.Fuzz(func(t *testing.T, text []byte, rust bool) {
		lang := LangKconfig
		if rust {
			lang = LangRust
		}
		ls := newLines(text)
		for _, d := range parseDirectives(text, lang, ls) {
			if d.start < 0 || d.end > len(text) || d.start > d.end {
				t.Fatalf("directive range %d..%d outside the text (%d bytes)", d.start, d.end, len(text))
			}
			if d.line < 1 || d.target < d.line || d.target > ls.count()+1 {
				t.Fatalf("directive line %d target %d, %d lines", d.line, d.target, ls.count())
			}
		}
		for _, off := range []int{-1, 0, len(text) / 2, len(text), len(text) + 5} {
			line, col := ls.pos(off)
			if line < 1 || line > ls.count() || col < 1 || col > utf8.RuneCount(text)+1 {
				t.Fatalf("pos(%d) = %d:%d", off, line, col)
			}
		}
		runSuppressionCheck(&check.Context{Path: "/f", Lang: lang, Text: text})
	})
}
