// SPDX-License-Identifier: GPL-2.0-only

package source

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"
)

func pos(l, c uint32) protocol.Position { return protocol.Position{Line: l, Character: c} }

// The text carries an author named Björn, CJK and an emoji outside the BMP (a surrogate pair in
// UTF-16), on lines ending in \n, \r\n and \r.
const sample = "// Björn Roy\r\nauthor: \"李雷\",\n😀x\rend"

func TestMapperPositions(t *testing.T) {
	m := NewMapper(sample)
	tests := []struct {
		name   string
		needle string // offset of its first byte
		want   protocol.Position
	}{
		{"start", "//", pos(0, 0)},
		{"after ö", "rn Roy", pos(0, 6)},   // "// Bjö" is 6 UTF-16 units, 7 bytes
		{"line 2", "author", pos(1, 0)},    // after \r\n
		{"after CJK", "\",\n", pos(1, 11)}, // `author: "` is 9, 李雷 2
		{"emoji", "😀", pos(2, 0)},
		{"after emoji", "x\r", pos(2, 2)}, // a surrogate pair is 2 units
		{"after lone \\r", "end", pos(3, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := strings.Index(sample, tt.needle)
			got, err := m.Position(off)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Position(%d) (-want +got):\n%s", off, diff)
			}
			back, err := m.Offset(got)
			if err != nil {
				t.Fatal(err)
			}
			if back != off {
				t.Errorf("Offset(%v) = %d, want %d", got, back, off)
			}
		})
	}
}

func TestMapperClampAndErrors(t *testing.T) {
	m := NewMapper(sample)
	// A character past the end of the line is the end of the line (LSP spec).
	off, err := m.Offset(pos(0, 500))
	if err != nil || off != strings.Index(sample, "\r\n") {
		t.Errorf("Offset(0:500) = %d, %v; want end of line 0", off, err)
	}
	// Inside the surrogate pair of 😀: the start of the rune.
	off, err = m.Offset(pos(2, 1))
	if err != nil || off != strings.Index(sample, "😀") {
		t.Errorf("Offset(2:1) = %d, %v; want start of emoji", off, err)
	}
	if _, err := m.Offset(pos(4, 0)); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Offset(4:0) err = %v, want ErrOutOfRange", err)
	}
	if _, err := m.Position(len(sample) + 1); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Position(len+1) err = %v, want ErrOutOfRange", err)
	}
	if _, _, err := m.Offsets(protocol.Range{Start: pos(1, 0), End: pos(0, 0)}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("reversed range err = %v, want ErrOutOfRange", err)
	}
	// Inside a multi-byte rune (the second byte of ö): the start of the rune.
	p, err := m.Position(strings.Index(sample, "ö") + 1)
	if err != nil || p != pos(0, 5) {
		t.Errorf("Position(inside ö) = %v, %v; want 0:5", p, err)
	}
}

func TestMapperLineCol(t *testing.T) {
	m := NewMapper(sample)
	// Index positions: 1-based line, byte column. 李 starts at byte 9 of line 2.
	p, err := m.LineColPosition(2, 9)
	if err != nil || p != pos(1, 9) {
		t.Errorf("LineColPosition(2, 9) = %v, %v", p, err)
	}
	p, err = m.LineColPosition(2, 12) // 雷 (each CJK rune is 3 bytes, 1 unit)
	if err != nil || p != pos(1, 10) {
		t.Errorf("LineColPosition(2, 12) = %v, %v", p, err)
	}
	l, c, err := m.LineCol(pos(2, 2))
	if err != nil || l != 3 || c != 4 {
		t.Errorf("LineCol(2:2) = %d, %d, %v; want 3, 4", l, c, err)
	}
	if _, err := m.LineColPosition(9, 0); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("LineColPosition(9, 0) err = %v", err)
	}
}

// units is the reference: the UTF-16 length of a valid string, each invalid byte one unit.
func units(s string) int {
	n := 0
	for _, r := range s { // range yields U+FFFD (1 unit) for each invalid byte
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

func checkRoundTrip(t *testing.T, text string) {
	m := NewMapper(text)
	if m.Lines() != strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n")+strings.Count(strings.ReplaceAll(text, "\r\n", ""), "\r")+1 {
		t.Fatalf("Lines() = %d for %q", m.Lines(), text)
	}
	for off := 0; off <= len(text); off++ {
		p, err := m.Position(off)
		if err != nil {
			t.Fatalf("Position(%d) of %q: %v", off, text, err)
		}
		back, err := m.Offset(p)
		if err != nil {
			t.Fatalf("Offset(%v) of %q: %v", p, text, err)
		}
		if back > off {
			t.Fatalf("%q: offset %d -> %v -> %d, beyond the offset", text, off, p, back)
		}
		// Only a rune start or a line end round-trips exactly; others go back to the start of
		// their rune or to the end of the line (inside \r\n).
		lineStart := m.lines[p.Line]
		if back != off {
			inside := text[back:off]
			isTerminator := inside == "\r" && off < len(text) && text[off] == '\n'
			_, size := utf8.DecodeRuneInString(text[back:])
			if !isTerminator && back+size <= off {
				t.Fatalf("%q: offset %d -> %v -> %d, not the start of its rune", text, off, p, back)
			}
		}
		if got, want := int(p.Character), units(text[lineStart:back]); got != want {
			t.Fatalf("%q: offset %d: character %d, want %d UTF-16 units", text, off, got, want)
		}
	}
}

func TestMapperRoundTrip(t *testing.T) {
	for _, s := range []string{"", "\n", "\r\n", "\r", "a\r\r\nb", sample, "\xff\xfe\x80", "é\xe2\x82", "😀😀\n\n", "x\xf0\x9f"} {
		checkRoundTrip(t, s)
	}
}

// FuzzMapper checks offset -> position -> offset on arbitrary, also invalid, UTF-8.
func FuzzMapper(f *testing.F) {
	for _, s := range []string{"", sample, "\xff\r\n\xf0\x9f\x98", "Björn\n李雷\r😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 {
			return
		}
		checkRoundTrip(t, text)
		m := NewMapper(text)
		// Every position of every line maps into the text, past-the-end columns clamp.
		for l := 0; l < m.Lines(); l++ {
			for c := uint32(0); c < 8; c++ {
				off, err := m.Offset(pos(uint32(l), c))
				if err != nil || off < m.lines[l] || off > len(text) {
					t.Fatalf("Offset(%d:%d) = %d, %v", l, c, off, err)
				}
			}
		}
		if _, err := m.Offset(pos(uint32(m.Lines()), 0)); err == nil {
			t.Fatal("no error past the last line")
		}
	})
}
