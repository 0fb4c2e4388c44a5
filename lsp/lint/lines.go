// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"sort"
	"unicode/utf8"
)

// lines maps byte offsets of one text to 1-based lines and 1-based columns counted in Unicode
// code points ("characters"): the unit of every column krls lint prints, in all three formats
// (SARIF says so with columnKind "unicodeCodePoints"). rustc counts columns the same way, and
// kernel sources are nearly all ASCII, where characters and bytes agree.
//
// Lines end at "\n"; a "\r" before it belongs to the line ending and is never counted.
type lines struct {
	text  []byte
	start []int // byte offset of the first byte of each line
}

func newLines(text []byte) *lines {
	l := &lines{text: text, start: []int{0}}
	for i, b := range text {
		if b == '\n' {
			l.start = append(l.start, i+1)
		}
	}
	return l
}

// pos returns the 1-based line and column of byte offset off, clamped to the text.
func (l *lines) pos(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(l.text) {
		off = len(l.text)
	}
	i := sort.Search(len(l.start), func(i int) bool { return l.start[i] > off }) - 1
	return i + 1, utf8.RuneCount(l.text[l.start[i]:off]) + 1
}

// line returns the text of 1-based line n without its line ending ("" past the end).
func (l *lines) line(n int) string {
	if n < 1 || n > len(l.start) {
		return ""
	}
	end := len(l.text)
	if n < len(l.start) {
		end = l.start[n] - 1
	}
	s := l.text[l.start[n-1]:end]
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return string(s)
}

// count returns the number of lines.
func (l *lines) count() int { return len(l.start) }
