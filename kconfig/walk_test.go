// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// The walker builds the symbol table out of slabs and cuts each symbol's slices from shared
// arrays. These tests check what that must not change for a user of the results.

// walker.and is And with its node from a slab: the same expression for every case.
func TestWalkerAnd(t *testing.T) {
	a := &Expr{Op: OpSymbol, Name: "A", File: "f", Range: Range{Pos{1, 2}, Pos{1, 3}}}
	b := &Expr{Op: OpSymbol, Name: "B", File: "f", Range: Range{Pos{2, 4}, Pos{2, 9}}}
	c := &Expr{Op: OpSymbol, Name: "C", File: "g", Range: Range{Pos{7, 0}, Pos{7, 1}}}
	d := &Expr{Op: OpNot, X: a, Range: Range{Pos{1, 1}, Pos{1, 3}}} // no file, as And's own nodes
	var w walker
	for _, tc := range []struct{ x, y *Expr }{
		{nil, nil}, {a, nil}, {nil, b}, {a, b}, {b, a}, {a, c}, {c, a}, {d, a}, {d, d}, {And(a, b), c}, {And(a, b), b},
	} {
		got, want := w.and(tc.x, tc.y), And(tc.x, tc.y)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("and(%v, %v) (-And +and):\n%s", tc.x, tc.y, diff)
		}
	}
}

const walkSrc = `config A
	bool "a"
	select C
	select D if B
	imply E

config B
	bool
	depends on A
	select C
	imply E if A

if A
config C
	bool
	select D

menu "m"
	depends on B
config A
	bool
	select D
endmenu
endif

choice
	prompt "c"
config E
	bool "e"
config F
	bool "f"
	select D
endchoice

source "sub/Kconfig"
`

const walkSub = `config G
	bool
	select D
	select C if E
config A
	bool
`

// render lists a symbol's slices as the names and lines of their definitions.
func renderSym(s *Symbol) string {
	out := s.Name + ":"
	for _, d := range s.Defs {
		out += fmt.Sprintf(" def@%s:%d", d.File, d.Node.Header.Start.Line)
	}
	for _, e := range s.SelectedBy {
		out += fmt.Sprintf(" sel<%s@%s:%d[%s]", e.From.Symbol.Name, e.From.File, e.Prop.Range.Start.Line, e.Cond)
	}
	for _, e := range s.ImpliedBy {
		out += fmt.Sprintf(" imp<%s@%s:%d[%s]", e.From.Symbol.Name, e.From.File, e.Prop.Range.Start.Line, e.Cond)
	}
	return out
}

// The slices of the symbol table are in the order of the walk, and an append to one of them
// leaves every other symbol as it was.
func TestSymbolSlices(t *testing.T) {
	tr, err := Load(t.TempDir(), Options{Overlay: map[string][]byte{"Kconfig": []byte(walkSrc), "sub/Kconfig": []byte(walkSub)}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "A: def@Kconfig:1 def@Kconfig:20 def@sub/Kconfig:5",
		"B": "B: def@Kconfig:7",
		"C": "C: def@Kconfig:14 sel<A@Kconfig:3[y] sel<B@Kconfig:10[A] sel<G@sub/Kconfig:4[E]",
		"D": "D: sel<A@Kconfig:4[B] sel<C@Kconfig:16[A] sel<A@Kconfig:22[A && B] sel<F@Kconfig:32[y] sel<G@sub/Kconfig:3[y]",
		"E": "E: def@Kconfig:28 imp<A@Kconfig:5[y] imp<B@Kconfig:11[A && A]",
		"F": "F: def@Kconfig:30",
		"G": "G: def@sub/Kconfig:1",
	}
	got := map[string]string{}
	for name, s := range tr.Symbols {
		got[name] = renderSym(s)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("symbols (-want +got):\n%s", diff)
	}
	extra := &Def{Symbol: tr.Symbols["B"], File: "x"}
	edge := &Edge{From: extra, Prop: &Reverse{Symbol: "B"}}
	for _, s := range tr.Symbols {
		s.Defs = append(s.Defs, extra)
		s.SelectedBy = append(s.SelectedBy, edge)
		s.ImpliedBy = append(s.ImpliedBy, edge)
		for _, d := range s.Defs {
			d.Parents = append(d.Parents, nil)
		}
	}
	for name, s := range tr.Symbols {
		n := len(s.Defs) - 1
		if s.Defs[n] != extra || slices.Contains(s.Defs[:n], extra) || slices.Contains(s.SelectedBy[:len(s.SelectedBy)-1], edge) ||
			slices.Contains(s.ImpliedBy[:len(s.ImpliedBy)-1], edge) {
			t.Errorf("%s: an append to one symbol's slices changed another's", name)
		}
		for _, d := range s.Defs[:n] {
			if d.Parents[len(d.Parents)-1] != nil || slices.Contains(d.Parents[:len(d.Parents)-1], nil) {
				t.Errorf("%s: an append to one definition's parents changed another's", name)
			}
		}
	}
}

// On a real tree, every select and imply of every definition is one edge of its target, with
// the definition and the property, and no edge is anything else.
func TestEdgesOfTree(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	tr, err := Load(root, Options{AllFiles: true, ReuseBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	nsel, nimp, ndefs := checkEdges(t, tr)
	if nsel < 10000 || ndefs < 10000 {
		t.Errorf("%d selects, %d implies, %d definitions", nsel, nimp, ndefs)
	}
}

// checkEdges checks that every select and imply of every definition is one edge of its
// target, with the definition and the property, that no edge is anything else, and that
// every definition is its symbol's; it returns the numbers of selects, implies and
// definitions.
func checkEdges(t testing.TB, tr *Tree) (nsel, nimp, ndefs int) {
	t.Helper()
	type key struct {
		d *Def
		r *Reverse
	}
	sel, imp := map[key]int{}, map[key]int{}
	for name, s := range tr.Symbols {
		for _, e := range s.SelectedBy {
			if e.Prop.Symbol != name {
				t.Fatalf("%s selected by an edge to %s", name, e.Prop.Symbol)
			}
			sel[key{e.From, e.Prop}]++
		}
		for _, e := range s.ImpliedBy {
			if e.Prop.Symbol != name {
				t.Fatalf("%s implied by an edge to %s", name, e.Prop.Symbol)
			}
			imp[key{e.From, e.Prop}]++
		}
		ndefs += len(s.Defs)
	}
	for _, s := range tr.Symbols {
		for _, d := range s.Defs {
			if d.Symbol != s {
				t.Fatalf("a definition of %s points to %s", s.Name, d.Symbol.Name)
			}
			for _, r := range d.Node.Selects {
				if sel[key{d, r}] != 1 {
					t.Fatalf("select %s of %s at %s:%v: %d edges", r.Symbol, s.Name, d.File, r.Range, sel[key{d, r}])
				}
				nsel++
			}
			for _, r := range d.Node.Implies {
				if imp[key{d, r}] != 1 {
					t.Fatalf("imply %s of %s at %s:%v: %d edges", r.Symbol, s.Name, d.File, r.Range, imp[key{d, r}])
				}
				nimp++
			}
		}
	}
	if nsel != len(sel) || nimp != len(imp) {
		t.Errorf("%d selects for %d edges, %d implies for %d edges", nsel, len(sel), nimp, len(imp))
	}
	return nsel, nimp, ndefs
}

// FuzzLoad loads a tree of two files (the root and a file it sources, both the fuzzed text
// after a line of their own) from an overlay: no panic, every definition, select and imply
// in the symbol table once, each symbol's slices capped.
func FuzzLoad(f *testing.F) {
	f.Add(walkSrc)
	f.Add(walkSub)
	f.Add(shareSrc)
	f.Add("if A\nmenu \"m\"\ndepends on $(X)\nconfig B\nselect C if $(Y)\nendmenu\nendif\nX := y\nsource \"sub/Kconfig\"\n")
	f.Add("choice\nconfig A\nbool \"a\"\nimply A\nendchoice\nrsource \"../x\"\nosource \"$(shell,x)\"\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src string) {
		tr, err := Load(dir, Options{AllFiles: true, Overlay: map[string][]byte{
			"Kconfig":     []byte("source \"sub/Kconfig\"\n" + src),
			"sub/Kconfig": []byte("config SUB\n" + src),
		}})
		if err != nil {
			t.Fatal(err)
		}
		checkEdges(t, tr)
		for name, s := range tr.Symbols {
			if s.Name != name || cap(s.Defs) != len(s.Defs) || cap(s.SelectedBy) != len(s.SelectedBy) || cap(s.ImpliedBy) != len(s.ImpliedBy) {
				t.Fatalf("symbol %q: name %q, capacities %d/%d %d/%d %d/%d", name, s.Name, cap(s.Defs), len(s.Defs),
					cap(s.SelectedBy), len(s.SelectedBy), cap(s.ImpliedBy), len(s.ImpliedBy))
			}
		}
		for _, f := range tr.Order {
			if tr.Files[f] == nil {
				t.Fatalf("%s in Order, not in Files", f)
			}
		}
		if len(tr.Files) != len(tr.Order) {
			t.Fatalf("%d files, %d in Order", len(tr.Files), len(tr.Order))
		}
	})
}

// Without a Parsed hook Load recycles its read buffers as with ReuseBuffers; with a hook (and
// no ReuseBuffers) every file has fresh bytes. Both give the same files, errors and symbols.
func TestLoadRecyclesWithoutHook(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	fresh, err := Load(root, Options{AllFiles: true, Parsed: func(string, []byte, *File, []Error) {}})
	if err != nil {
		t.Fatal(err)
	}
	recycled, err := Load(root, Options{AllFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.Files) < 1000 || len(fresh.Files) != len(recycled.Files) {
		t.Fatalf("%d files, %d recycled", len(fresh.Files), len(recycled.Files))
	}
	for rel, f := range fresh.Files {
		if diff := cmp.Diff(render(f), render(recycled.Files[rel])); diff != "" {
			t.Fatalf("%s (-fresh +recycled):\n%s", rel, diff)
		}
	}
	if diff := cmp.Diff(fresh.Errors, recycled.Errors); diff != "" {
		t.Errorf("errors (-fresh +recycled):\n%s", diff)
	}
	if len(fresh.Symbols) != len(recycled.Symbols) {
		t.Fatalf("%d symbols, %d recycled", len(fresh.Symbols), len(recycled.Symbols))
	}
	for name := range fresh.Symbols {
		if a, b := renderSym(fresh.Symbols[name]), renderSym(recycled.Symbols[name]); a != b {
			t.Fatalf("symbol %s:\n%s\nrecycled:\n%s", name, a, b)
		}
	}
}
