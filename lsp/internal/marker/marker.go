// SPDX-License-Identifier: GPL-2.0-only

// Package marker reads the marker tests of lsp/testdata/markers: txtar archives holding a
// kernel source file (or naming one of the real tree) and the answers the language features
// must give at marked places. The feature packages run them in-process; the server runs the
// same archives against the binary over stdio. The package only parses: each runner decides
// how to ask.
//
// # Format
//
// The archive comment holds directives, one per line ("#" starts a comment line):
//
//	tree: 6.12                           build the index of the real 6.12 tree (skip without it);
//	                                     "6.12/obj": a pristine tree and an O= build folder
//	real: samples/rust/rust_minimal.rs   the file under test is this file of the real tree
//	path: drivers/misc/foo.rs            the file's path relative to the tree (default: its section name)
//
// Sections:
//
//	-- drivers/misc/foo.rs --   the file under test: the first section not named below (absent with real:)
//	-- index.json --            a hand-made index (index.Index as JSON) for tests without tree:
//	-- markers --               the markers, one per line
//	-- <name> --                any other section: expected file contents, named by fix markers
//
// A marker line is an operation, a locator and arguments. Arguments are Go-quoted strings or
// bare words. The locator is a quoted search text holding the caret ⁁ once (a position) or
// twice (a range); it is matched against the file with the carets removed, at its first
// occurrence, or at the n-th with a following word @n:
//
//	hover "KV⁁ec::new" contains "kernel::alloc" contains "Vec"   markdown contains each text
//	hover "KV⁁ec" lacks "C helper"                               markdown does not contain the text
//	hover "let ⁁x" none                                         no hover
//	complete "lic⁁" labels "license" "alias"                     exactly these labels, in order
//	complete "lic⁁" has "license" "alias"                        these labels, in this relative order
//	complete "⁁" none                                            no proposal
//	complete "⁁" insert "module!" "license: \"${1|GPL"           the item's insert text contains the text
//	def "bindings::msl⁁eep" at "rust/bindings/bindings_generated.rs" "pub fn msleep("
//	                                                             one location per `at`, in order: file
//	                                                             (relative to the tree, or to the build folder for
//	                                                             generated files) and a text its line holds, or
//	                                                             its 1-based line number
//	def "x⁁" none
//	diag "⁁unsafe⁁ {" unsafe-block-safety "SAFETY"               a finding of that check whose range is the
//	                                                             locator's (one caret: starts there), message
//	                                                             containing the text; findings and diag markers
//	                                                             must match one to one (no diag: no finding)
//	fix "⁁unsafe" "Add a // SAFETY" want.rs                      apply the fix whose title contains the text,
//	                                                             among the actions at the locator; the file
//	                                                             must then equal section want.rs
//	fix "⁁bindings" "Open the docs" url "https://rust.docs.kernel.org/kernel/…"
//	                                                             the fix opens this URL
//
// The file under test is checked as Path relative to the tree (so rust/… files are kernel
// crate code); without tree: and index.json the features run without an index. Offsets are
// bytes; Position converts them to LSP line and UTF-16 character.
package marker

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/tools/txtar"
)

// Caret marks a position in a locator.
const Caret = "⁁"

// Test is one marker archive.
type Test struct {
	Name string // the archive's base name without .txtar
	Tree string // "6.12", "6.1" or "" (no real tree)
	Real string // path of the file under test in the real tree, or ""
	Path string // the file's path relative to the tree
	Text []byte // the inline file under test (nil when Real is set)
	// Index is the hand-made index.json section, nil when absent.
	Index   []byte
	Files   map[string][]byte // the other sections, by name
	Markers []*Marker
}

// Marker is one marker line.
type Marker struct {
	Line    int // line in the archive
	Op      string
	Locator string // with its carets
	Nth     int    // 1-based occurrence of the locator
	Args    []string
	// Pos and End are the byte offsets of the carets in the file (End == Pos for one caret);
	// set by Resolve.
	Pos, End int
}

func (m *Marker) String() string {
	return fmt.Sprintf("line %d: %s %q", m.Line, m.Op, m.Locator)
}

// ParseFile reads and parses one archive.
func ParseFile(path string) (*Test, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(strings.TrimSuffix(filepath.Base(path), ".txtar"), data)
}

// Parse parses an archive.
func Parse(name string, data []byte) (*Test, error) {
	ar := txtar.Parse(data)
	t := &Test{Name: name, Files: map[string][]byte{}}
	commentLines := bytes.Count(ar.Comment, []byte("\n"))
	for _, l := range strings.Split(string(ar.Comment), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue // free text
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "tree":
			t.Tree = v
		case "real":
			t.Real = v
		case "path":
			t.Path = v
		}
	}
	line := commentLines
	var markers []byte
	markersLine := 0
	for _, f := range ar.Files {
		line++ // the section header
		switch {
		case f.Name == "markers":
			markers, markersLine = f.Data, line
		case f.Name == "index.json":
			t.Index = f.Data
		case t.Text == nil && t.Real == "" && !strings.HasPrefix(f.Name, "want"):
			t.Text = f.Data
			if t.Path == "" {
				t.Path = f.Name
			}
		default:
			t.Files[f.Name] = f.Data
		}
		line += bytes.Count(f.Data, []byte("\n"))
	}
	if t.Real != "" && t.Path == "" {
		t.Path = t.Real
	}
	if t.Text == nil && t.Real == "" {
		return nil, fmt.Errorf("%s: no file under test (a source section or real:)", name)
	}
	if t.Real != "" && t.Tree == "" {
		return nil, fmt.Errorf("%s: a real file needs a tree directive", name)
	}
	for i, l := range strings.Split(string(markers), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		m, err := parseLine(l)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, markersLine+1+i, err)
		}
		m.Line = markersLine + 1 + i
		t.Markers = append(t.Markers, m)
	}
	return t, nil
}

func parseLine(l string) (*Marker, error) {
	fields, err := split(l)
	if err != nil {
		return nil, err
	}
	if len(fields) < 2 || !fields[1].quoted {
		return nil, fmt.Errorf("want: op \"locator\" args")
	}
	m := &Marker{Op: fields[0].s, Locator: fields[1].s, Nth: 1}
	switch m.Op {
	case "hover", "complete", "def", "diag", "fix":
	default:
		return nil, fmt.Errorf("unknown marker %q", m.Op)
	}
	if n := strings.Count(m.Locator, Caret); n != 1 && n != 2 {
		return nil, fmt.Errorf("locator %q needs one or two %s", m.Locator, Caret)
	}
	rest := fields[2:]
	if len(rest) > 0 && !rest[0].quoted && strings.HasPrefix(rest[0].s, "@") {
		n, err := strconv.Atoi(rest[0].s[1:])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad occurrence %q", rest[0].s)
		}
		m.Nth = n
		rest = rest[1:]
	}
	for _, f := range rest {
		m.Args = append(m.Args, f.s)
	}
	return m, nil
}

type field struct {
	s      string
	quoted bool
}

func split(l string) ([]field, error) {
	var out []field
	for {
		l = strings.TrimLeft(l, " \t")
		if l == "" {
			return out, nil
		}
		if l[0] == '"' || l[0] == '`' {
			q, err := strconv.QuotedPrefix(l)
			if err != nil {
				return nil, fmt.Errorf("bad quoted string at %q", l)
			}
			s, _ := strconv.Unquote(q)
			out = append(out, field{s, true})
			l = l[len(q):]
			continue
		}
		i := strings.IndexAny(l, " \t")
		if i < 0 {
			i = len(l)
		}
		out = append(out, field{l[:i], false})
		l = l[i:]
	}
}

// Resolve sets Pos and End of every marker against the text of the file under test.
func (t *Test) Resolve(text []byte) error {
	for _, m := range t.Markers {
		plain := strings.ReplaceAll(m.Locator, Caret, "")
		off := -1
		from := 0
		for n := 0; n < m.Nth; n++ {
			i := bytes.Index(text[from:], []byte(plain))
			if i < 0 {
				return fmt.Errorf("%s: %v: locator not found (occurrence %d)", t.Name, m, n+1)
			}
			off = from + i
			from = off + 1
		}
		first := strings.Index(m.Locator, Caret)
		m.Pos = off + first
		m.End = m.Pos
		if last := strings.LastIndex(m.Locator, Caret); last != first {
			m.End = off + last - len(Caret)
		}
	}
	return nil
}

// Position converts a byte offset of text to an LSP position: 0-based line and UTF-16
// character.
func Position(text []byte, off int) (line, char int) {
	if off > len(text) {
		off = len(text)
	}
	ls := bytes.LastIndexByte(text[:off], '\n') + 1
	line = bytes.Count(text[:ls], []byte("\n"))
	for _, r := range string(text[ls:off]) {
		if r == utf8.RuneError {
			char++
			continue
		}
		char += len(utf16.Encode([]rune{r}))
	}
	return line, char
}
