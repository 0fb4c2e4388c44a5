// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/kconfig"
)

// loadSrc loads a one-file tree.
func loadSrc(t *testing.T, src string) *kconfig.Tree {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Kconfig"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := kconfig.Load(dir, kconfig.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range tr.Errors {
		t.Fatalf("unexpected error: %v", e)
	}
	return tr
}

const evalKconfig = `
config MODULES
	bool "modules"
	modules
config T
	tristate "t"
config TM
	tristate "tm"
config B
	bool "b"
config N
	bool "n"
config I
	int "i"
config H
	hex "h"
config S
	string "s"
config X
	tristate "x"
	depends on $(shell,true)
config DEP
	tristate "dep"
	depends on B && (T || N) && !N && I > 5 && N
`

func TestEval(t *testing.T) {
	tr := loadSrc(t, evalKconfig)
	cfg := kconfig.ParseDotConfig([]byte(`
CONFIG_MODULES=y
CONFIG_T=y
CONFIG_TM=m
CONFIG_B=y
# CONFIG_N is not set
CONFIG_I=10
CONFIG_H=0x1f
CONFIG_S="hello world"
`))
	noMod := kconfig.ParseDotConfig([]byte("CONFIG_T=y\n"))
	tests := []struct {
		expr string
		cfg  *kconfig.DotConfig
		want kconfig.Tristate
	}{
		{"T", cfg, kconfig.Yes},
		{"TM", cfg, kconfig.Mod},
		{"N", cfg, kconfig.No},
		{"UNDEFINED", cfg, kconfig.No},
		{"!TM", cfg, kconfig.Mod},
		{"T && TM", cfg, kconfig.Mod},
		{"N || TM", cfg, kconfig.Mod},
		{"m", cfg, kconfig.Mod},
		{"m", noMod, kconfig.No}, // m is n without modules (menu.c rewrite_m)
		{"y", cfg, kconfig.Yes},
		{`"y"`, cfg, kconfig.Yes},
		{"I", cfg, kconfig.No}, // a non-tristate symbol is n as a condition
		{"I = 10", cfg, kconfig.Yes},
		{"I > 9", cfg, kconfig.Yes},
		{"I < 9", cfg, kconfig.No},
		{"I >= 0x0a", cfg, kconfig.Yes}, // the constant parses with base 0
		{"H = 31", cfg, kconfig.Yes},    // hex 0x1f, the constant 31 (base 0), compared unsigned
		{"H = 1f", cfg, kconfig.No},     // "1f" is no number in base 0: string compare with "0x1f"
		{"H > 0x10", cfg, kconfig.Yes},
		{`S = "hello world"`, cfg, kconfig.Yes},
		{`S != "hello world"`, cfg, kconfig.No},
		{"T = y", cfg, kconfig.Yes},
		{"TM = y", cfg, kconfig.No},
		{"TM != n", cfg, kconfig.Yes},
		{"TM < T", cfg, kconfig.Yes}, // n < m < y
		{`"abc" < "abd"`, cfg, kconfig.Yes},
		{"UNDEF = UNDEF", cfg, kconfig.Yes},
		{"X", cfg, kconfig.Unknown},
		{"X && N", cfg, kconfig.No},
		{"X || T", cfg, kconfig.Yes},
		{"!X", cfg, kconfig.Unknown},
	}
	for _, tt := range tests {
		f, errs := kconfig.ParseFile("t", []byte("if "+tt.expr+"\nendif\n"))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", tt.expr, errs)
		}
		e := f.Nodes[0].Cond
		if tt.expr == "X" || tt.expr == "X && N" || tt.expr == "X || T" || tt.expr == "!X" {
			e = substX(e, tr.Deps("X"))
		}
		if got := tr.Eval(e, tt.cfg); got != tt.want {
			t.Errorf("Eval(%s) = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

// substX replaces the symbol X of e by d (the unknown dependency of X).
func substX(e, d *kconfig.Expr) *kconfig.Expr {
	if e == nil {
		return nil
	}
	if e.Op == kconfig.OpSymbol && e.Name == "X" {
		return d
	}
	c := *e
	c.X, c.Y = substX(e.X, d), substX(e.Y, d)
	return &c
}

func TestUnmet(t *testing.T) {
	tr := loadSrc(t, evalKconfig)
	cfg := kconfig.ParseDotConfig([]byte("CONFIG_B=y\nCONFIG_T=y\nCONFIG_I=3\n"))
	var got []string
	for _, e := range tr.Unmet("DEP", cfg) {
		got = append(got, e.String())
	}
	// B and (T || N) and !N hold; I > 5 and N fail.
	if diff := cmp.Diff([]string{"I>5", "N"}, got); diff != "" {
		t.Errorf("Unmet(DEP) (-want +got):\n%s", diff)
	}
	if u := tr.Unmet("T", cfg); u != nil {
		t.Errorf("Unmet(T) = %v, want none", u)
	}
}

func TestDotConfig(t *testing.T) {
	c := kconfig.ParseDotConfig([]byte(`#
# Automatically generated file; DO NOT EDIT.
#
CONFIG_CC_VERSION_TEXT="Debian clang version 14.0.6"
CONFIG_A=y
CONFIG_HZ=250
# CONFIG_B is not set
CONFIG_ESC="a \"quoted\" word"
garbage line
`))
	want := map[string]string{"CC_VERSION_TEXT": "Debian clang version 14.0.6", "A": "y", "HZ": "250", "B": "n", "ESC": `a "quoted" word`}
	if diff := cmp.Diff(want, c.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if c.Line["B"] != 7 || !c.Quoted["ESC"] || c.Quoted["A"] {
		t.Errorf("lines/quoted wrong: %v %v", c.Line, c.Quoted)
	}
	if got := kconfig.Eval(kconfig.Sym("A"), c); got != kconfig.Yes {
		t.Errorf("Eval(A) without a tree = %v", got)
	}
}

func TestDependsOn(t *testing.T) {
	tr := loadSrc(t, `
config RUST
	bool "rust"
menuconfig SAMPLES_RUST
	bool "samples"
	depends on RUST
if SAMPLES_RUST
config SAMPLE
	tristate "sample"
endif
config NOT_RUST
	bool "not"
	depends on !RUST
config EITHER
	bool "either"
	depends on RUST || SAMPLE
config CMP
	bool "cmp"
	depends on SAMPLES_RUST != n
`)
	tests := []struct {
		sym  string
		want []string
	}{
		{"SAMPLE", []string{"SAMPLE", "SAMPLES_RUST", "RUST"}},
		{"CONFIG_SAMPLES_RUST", []string{"SAMPLES_RUST", "RUST"}},
		{"NOT_RUST", nil},
		{"EITHER", nil},
		{"CMP", []string{"CMP", "SAMPLES_RUST", "RUST"}},
		{"RUST", nil},
	}
	for _, tt := range tests {
		got, ok := tr.DependsOn(tt.sym, "RUST")
		if diff := cmp.Diff(tt.want, got); diff != "" || ok != (tt.want != nil) {
			t.Errorf("DependsOn(%s) (-want +got):\n%s", tt.sym, diff)
		}
	}
}

func TestExprString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A || B && C", "A || B && C"},
		{"(A || B) && C", "(A || B) && C"},
		{"!(A && B)", "!(A && B)"},
		{"!A = B", "!(A=B)"},
		{`A != "x y"`, `A!="x y"`},
	}
	for _, tt := range tests {
		f, errs := kconfig.ParseFile("t", []byte("if "+tt.in+"\nendif\n"))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := f.Nodes[0].Cond.String(); got != tt.want {
			t.Errorf("String(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseNoFinalNewline(t *testing.T) {
	f, errs := kconfig.ParseFile("t", []byte("config X\n\tbool \"x\"\n\thelp\n\t  text"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	n := f.Nodes[0]
	if n.Help == nil || n.Help.Text != "text\n" || n.Range.End != (kconfig.Pos{Line: 4, Col: 7}) {
		t.Errorf("help %+v range %v", n.Help, n.Range)
	}
}

func TestNodeAt(t *testing.T) {
	f, _ := kconfig.ParseFile("t", []byte("menu \"m\"\nconfig A\n\tbool \"a\"\nendmenu\n"))
	if n := f.NodeAt(kconfig.Pos{Line: 3, Col: 2}); n == nil || n.Name != "A" {
		t.Errorf("NodeAt(3:2) = %+v", n)
	}
	if n := f.NodeAt(kconfig.Pos{Line: 4, Col: 2}); n == nil || n.Kind != kconfig.KindMenu {
		t.Errorf("NodeAt(4:2) = %+v", n)
	}
}

func TestSymbolAtAndExpand(t *testing.T) {
	tr := loadSrc(t, `greet = hello $(1)
config A
	bool "a"
	depends on B && !C
	select D
config B
	bool "b"
`)
	tests := []struct {
		pos  kconfig.Pos
		want string
	}{
		{kconfig.Pos{Line: 2, Col: 7}, "A"},
		{kconfig.Pos{Line: 4, Col: 12}, "B"},
		{kconfig.Pos{Line: 4, Col: 18}, "C"},
		{kconfig.Pos{Line: 4, Col: 19}, ""}, // just past C
		{kconfig.Pos{Line: 5, Col: 8}, "D"},
		{kconfig.Pos{Line: 6, Col: 7}, "B"},
		{kconfig.Pos{Line: 6, Col: 8}, ""},
		{kconfig.Pos{Line: 3, Col: 2}, ""},
	}
	for _, tt := range tests {
		s, _ := tr.SymbolAt("Kconfig", tt.pos)
		got := ""
		if s != nil {
			got = s.Name
		}
		if got != tt.want {
			t.Errorf("SymbolAt(%v) = %q, want %q", tt.pos, got, tt.want)
		}
	}
	if v, u := tr.Expand("$(greet,world) $(SRCARCH)"); v != "hello world x86" || u != "" {
		t.Errorf("Expand = %q, %q", v, u)
	}
	if _, u := tr.Expand("$(shell,uname -r)"); u == "" {
		t.Errorf("Expand($(shell,...)) has no unknown reason")
	}
}

// A binary file gives a bounded list of problems, the last one counting the rest.
func TestParseBinary(t *testing.T) {
	src := make([]byte, 1<<20)
	for i := range src {
		src[i] = byte(i*7919>>3) ^ byte(i)
	}
	_, errs := kconfig.ParseFile("junk", src)
	if len(errs) == 0 || len(errs) > 201 {
		t.Fatalf("%d errors", len(errs))
	}
	if last := errs[len(errs)-1].Msg; !strings.HasSuffix(last, "more problems not shown") {
		t.Errorf("last error %q", last)
	}
}

// An overlay (an editor's unsaved buffer) replaces a file's content, and each part of an
// effective dependency keeps the file it is written in.
func TestOverlayAndExprFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{
		"Kconfig":     "if OUTER\nsource \"sub/Kconfig\"\nendif\n",
		"sub/Kconfig": "config INNER\n\tbool \"on disk\"\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := kconfig.Load(dir, kconfig.Options{Overlay: map[string][]byte{
		"sub/Kconfig": []byte("config INNER\n\tbool \"in the buffer\"\n\tdepends on LOCAL\n"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	d := tr.Defs("INNER")
	if len(d) != 1 || d[0].Node.Prompts[0].Text != "in the buffer" {
		t.Fatalf("defs %v", d)
	}
	var got []string
	for _, e := range tr.Unmet("INNER", kconfig.ParseDotConfig(nil)) {
		got = append(got, fmt.Sprintf("%s %s:%v", e, e.File, e.Range))
	}
	want := []string{"OUTER Kconfig:1:3-1:8", "LOCAL sub/Kconfig:3:12-3:17"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unmet (-want +got):\n%s", diff)
	}
}

func TestCheck(t *testing.T) {
	tr := loadSrc(t, `config NOTYPE
	default y
menuconfig NOPROMPT
	bool
config STR
	string "s"
	select B
	range 1 2
config B
	bool "b"
	select STR
	imply GHOST
	depends on ALSO_GHOST
choice
	bool
config MEMBER
	bool "m"
	default y
endchoice
`)
	var got []string
	for _, e := range tr.Check() {
		got = append(got, fmt.Sprintf("%d:%d %s", e.Range.Start.Line, e.Range.Start.Col, e.Msg))
	}
	want := []string{
		"11:8 STR has wrong type: select only accepts bool and tristate symbols",
		"12:7 imply of undefined symbol GHOST",
		"18:1 defaults for choice values not supported",
		"3:0 menuconfig statement without prompt",
		"1:7 config symbol NOTYPE defined without type",
		"8:1 range is only allowed for int or hex symbols",
		"7:1 config symbol STR uses select, but is not bool or tristate",
		"13:12 ALSO_GHOST is not defined anywhere in the tree",
		"14:0 choice must have a prompt",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}
