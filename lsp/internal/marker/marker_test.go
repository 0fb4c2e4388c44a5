// SPDX-License-Identifier: GPL-2.0-only

package marker

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	src := `Free text line.
tree: 6.12
path: drivers/x.rs
# a comment: with a colon
-- x.rs --
let a = "ö"; let b = 1; let b = 2;
-- markers --
# comment
hover "let ⁁b" @2 contains "x y" none
diag "⁁let⁁ a" some-check ` + "`raw \"q\"`" + `

-- want.rs --
fixed
`
	mt, err := Parse("t", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if mt.Tree != "6.12" || mt.Path != "drivers/x.rs" || string(mt.Text) != "let a = \"ö\"; let b = 1; let b = 2;\n" {
		t.Errorf("got tree %q path %q text %q", mt.Tree, mt.Path, mt.Text)
	}
	if diff := cmp.Diff(map[string][]byte{"want.rs": []byte("fixed\n")}, mt.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if err := mt.Resolve(mt.Text); err != nil {
		t.Fatal(err)
	}
	type m struct {
		Line     int
		Op       string
		Nth      int
		Args     []string
		Pos, End int
	}
	var got []m
	for _, x := range mt.Markers {
		got = append(got, m{x.Line, x.Op, x.Nth, x.Args, x.Pos, x.End})
	}
	second := strings.LastIndex(string(mt.Text), "let b") + len("let ")
	want := []m{
		{9, "hover", 2, []string{"contains", "x y", "none"}, second, second},
		{10, "diag", 1, []string{"some-check", `raw "q"`}, 0, 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markers (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"no file", "-- markers --\nhover \"⁁x\" none\n", "no file under test"},
		{"real without tree", "real: a.rs\n-- markers --\n", "needs a tree directive"},
		{"unknown op", "-- a.rs --\nx\n-- markers --\nfoo \"⁁x\"\n", `a:4: unknown marker "foo"`},
		{"no caret", "-- a.rs --\nx\n-- markers --\nhover \"x\"\n", "needs one or two"},
		{"unquoted locator", "-- a.rs --\nx\n-- markers --\nhover x\n", "want: op"},
		{"bad quote", "-- a.rs --\nx\n-- markers --\nhover \"⁁x\n", "bad quoted string"},
		{"bad occurrence", "-- a.rs --\nx\n-- markers --\nhover \"⁁x\" @0\n", "bad occurrence"},
	}
	for _, tt := range tests {
		_, err := Parse("a", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got error %v, want %q", tt.name, err, tt.want)
		}
	}
	mt, err := Parse("a", []byte("-- a.rs --\nx\n-- markers --\nhover \"⁁y\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := mt.Resolve(mt.Text); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Resolve of a missing locator: got %v", err)
	}
}

func TestPosition(t *testing.T) {
	text := []byte("ab\nJürgen 😀 x\n")
	tests := []struct {
		at         string
		line, char int
	}{
		{"ab", 0, 0},
		{"gen", 1, 3},  // ü is one UTF-16 unit, two bytes
		{"x\n", 1, 10}, // 😀 is two UTF-16 units, four bytes
	}
	for _, tt := range tests {
		off := strings.Index(string(text), tt.at)
		l, c := Position(text, off)
		if l != tt.line || c != tt.char {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", tt.at, l, c, tt.line, tt.char)
		}
	}
}
