// SPDX-License-Identifier: GPL-2.0-only

// Package source holds the server's view of files: the document store, the language of a file
// and the one position mapper every LSP position goes through.
//
// LSP positions count UTF-16 code units (the protocol's default position encoding); the index,
// tree-sitter and the feature packages count bytes. Mapper is the only place that converts
// between the two, so a column is never sent in the wrong unit (the pitfall of STYLE.md).
package source

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// ErrOutOfRange is wrapped by the errors for positions past the end of the text.
var ErrOutOfRange = errors.New("position out of range")

// Mapper converts between byte offsets, protocol positions (0-based line, UTF-16 column) and
// the index's positions (1-based line, byte column) of one immutable text.
//
// Lines end at "\n", "\r\n" or "\r", as LSP 3.17 says. Invalid UTF-8 bytes count as one UTF-16
// unit each (the U+FFFD an editor shows for them); runes above U+FFFF count as two (a surrogate
// pair).
type Mapper struct {
	text  string
	lines []int // byte offset of the start of each line; lines[0] == 0
}

// NewMapper returns the mapper of text.
func NewMapper(text string) *Mapper {
	m := &Mapper{text: text, lines: make([]int, 1, 1+len(text)/32)}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			m.lines = append(m.lines, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			m.lines = append(m.lines, i+1)
		}
	}
	return m
}

// Text returns the mapped text.
func (m *Mapper) Text() string { return m.text }

// Lines returns the number of lines; a text ending in a newline has an empty last line.
func (m *Mapper) Lines() int { return len(m.lines) }

// lineEnd returns the offset of the end of line i, before its line terminator.
func (m *Mapper) lineEnd(i int) int {
	if i+1 >= len(m.lines) {
		return len(m.text)
	}
	end := m.lines[i+1] - 1
	if m.text[end] == '\n' && end > m.lines[i] && m.text[end-1] == '\r' {
		end--
	}
	return end
}

// line returns the line holding offset (0 <= offset <= len(text)).
func (m *Mapper) line(offset int) int {
	lo, hi := 0, len(m.lines)-1
	for lo < hi { // last line start <= offset
		mid := (lo + hi + 1) / 2
		if m.lines[mid] <= offset {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Position returns the protocol position of a byte offset. An offset inside a multi-byte rune
// maps to the start of the rune; an offset inside a line terminator maps to the end of the line.
func (m *Mapper) Position(offset int) (protocol.Position, error) {
	if offset < 0 || offset > len(m.text) {
		return protocol.Position{}, fmt.Errorf("offset %d not in [0, %d]: %w", offset, len(m.text), ErrOutOfRange)
	}
	l := m.line(offset)
	start, end := m.lines[l], m.lineEnd(l)
	if offset > end {
		offset = end
	}
	return protocol.Position{Line: uint32(l), Character: uint32(unitsBefore(m.text[start:end], offset-start))}, nil
}

// Offset returns the byte offset of a protocol position. A line past the last one is an error;
// a character past the end of its line means the end of the line, as the LSP specification
// says; a character inside a surrogate pair maps to the start of the rune.
func (m *Mapper) Offset(p protocol.Position) (int, error) {
	if int64(p.Line) >= int64(len(m.lines)) {
		return 0, fmt.Errorf("line %d past the last line %d: %w", p.Line, len(m.lines)-1, ErrOutOfRange)
	}
	l := int(p.Line)
	start, end := m.lines[l], m.lineEnd(l)
	want := int64(p.Character)
	var units int64
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(m.text[i:end])
		n := int64(1)
		if r >= 0x10000 {
			n = 2
		}
		if units+n > want {
			return i, nil
		}
		units += n
		i += size
	}
	return end, nil
}

// Range returns the protocol range of the byte range [start, end).
func (m *Mapper) Range(start, end int) (protocol.Range, error) {
	s, err := m.Position(start)
	if err != nil {
		return protocol.Range{}, err
	}
	e, err := m.Position(end)
	if err != nil {
		return protocol.Range{}, err
	}
	return protocol.Range{Start: s, End: e}, nil
}

// Offsets returns the byte range of a protocol range; an end before the start is an error.
func (m *Mapper) Offsets(r protocol.Range) (start, end int, err error) {
	if start, err = m.Offset(r.Start); err != nil {
		return 0, 0, err
	}
	if end, err = m.Offset(r.End); err != nil {
		return 0, 0, err
	}
	if end < start {
		return 0, 0, fmt.Errorf("range end %d:%d before start %d:%d: %w",
			r.End.Line, r.End.Character, r.Start.Line, r.Start.Character, ErrOutOfRange)
	}
	return start, end, nil
}

// LineColOffset returns the byte offset of the index's position: 1-based line, 0-based byte
// column. A column past the end of the line means the end of the line.
func (m *Mapper) LineColOffset(line, col int) (int, error) {
	if line < 1 || line > len(m.lines) || col < 0 {
		return 0, fmt.Errorf("line %d column %d not in the text of %d lines: %w", line, col, len(m.lines), ErrOutOfRange)
	}
	start, end := m.lines[line-1], m.lineEnd(line-1)
	if start+col > end {
		return end, nil
	}
	return start + col, nil
}

// LineColPosition returns the protocol position of the index's position (1-based line, byte
// column).
func (m *Mapper) LineColPosition(line, col int) (protocol.Position, error) {
	off, err := m.LineColOffset(line, col)
	if err != nil {
		return protocol.Position{}, err
	}
	return m.Position(off)
}

// LineCol returns the index's position (1-based line, byte column) of a protocol position.
func (m *Mapper) LineCol(p protocol.Position) (line, col int, err error) {
	off, err := m.Offset(p)
	if err != nil {
		return 0, 0, err
	}
	return int(p.Line) + 1, off - m.lines[p.Line], nil
}

// unitsBefore returns the number of UTF-16 units of the runes of line that end at or before
// byte offset; invalid bytes count one each, runes above U+FFFF two. Decoding runs from the line
// start exactly as in Offset, so both agree on where the runes are.
func unitsBefore(line string, offset int) int {
	n := 0
	for i := 0; i < offset; {
		r, size := utf8.DecodeRuneInString(line[i:])
		if i+size > offset {
			break
		}
		i += size
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
