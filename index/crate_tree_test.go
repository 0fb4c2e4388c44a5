// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"krls.dev/krls/index/kerneltest"
)

// The fields the crate walk asks for, by name (go-tree-sitter's ChildByFieldName) and by id.
var walkFields = []string{"name", "body", "type", "trait", "parameters", "type_parameters", "value", "left", "right", "bounds", "macro", "argument"}

// compareTrees checks a ctree against go-tree-sitter's node API over the same text, node by
// node in preorder: kind, bytes, points, flags, children, and every field the walk uses.
func compareTrees(t *testing.T, name string, src []byte) {
	t.Helper()
	cp := newCrateParser()
	defer cp.close()
	sp := newRustParser()
	defer sp.Close()
	ct := cp.parse(src)
	st, err := sp.ParseCtx(context.Background(), nil, src)
	if ct == nil || err != nil {
		t.Fatalf("%s: parse: %v, %v", name, ct == nil, err)
	}
	defer st.Close()
	fieldID := map[string]uint16{}
	for _, f := range walkFields {
		fieldID[f] = lookupField(f)
		if fieldID[f] == 0 {
			t.Fatalf("field %q has no id", f)
		}
	}
	errs := 0
	var walk func(s *sitter.Node, c tnode, path string)
	walk = func(s *sitter.Node, c tnode, path string) {
		if errs > 10 {
			return
		}
		bad := func(what string, want, got any) {
			errs++
			t.Errorf("%s: %s: %s: sitter %v, copy %v", name, path, what, want, got)
		}
		if s.Type() != c.Type() {
			bad("type", s.Type(), c.Type())
			return
		}
		if s.StartByte() != c.StartByte() || s.EndByte() != c.EndByte() {
			bad("bytes", [2]uint32{s.StartByte(), s.EndByte()}, [2]uint32{c.StartByte(), c.EndByte()})
		}
		if p := s.StartPoint(); (Pos{int(p.Row) + 1, int(p.Column)}) != c.StartPos() {
			bad("start", p, c.StartPos())
		}
		if p := s.EndPoint(); (Pos{int(p.Row) + 1, int(p.Column)}) != c.EndPos() {
			bad("end", p, c.EndPos())
		}
		if s.IsNamed() != c.IsNamed() || s.IsMissing() != c.IsMissing() || s.HasError() != c.HasError() || s.IsError() != c.IsError() {
			bad("flags", []bool{s.IsNamed(), s.IsMissing(), s.HasError(), s.IsError()}, []bool{c.IsNamed(), c.IsMissing(), c.HasError(), c.IsError()})
		}
		if int(s.NamedChildCount()) != c.NamedChildCount() {
			bad("named children", s.NamedChildCount(), c.NamedChildCount())
		}
		for _, f := range walkFields {
			sf, cf := s.ChildByFieldName(f), c.Field(fieldID[f])
			if (sf == nil) != cf.null() || sf != nil && (sf.StartByte() != cf.StartByte() || sf.EndByte() != cf.EndByte() || sf.Type() != cf.Type()) {
				bad("field "+f, sf, cf)
			}
		}
		k := 0
		cc := c.FirstChild()
		for i := 0; i < int(s.ChildCount()); i++ {
			if cc.null() {
				bad("child count", s.ChildCount(), i)
				return
			}
			if sc := s.NamedChild(i); i < int(s.NamedChildCount()) && (sc == nil || c.NamedChild(i).StartByte() != sc.StartByte()) {
				bad(fmt.Sprintf("named child %d", i), sc, c.NamedChild(i))
			}
			walk(s.Child(i), cc, fmt.Sprintf("%s/%d:%s", path, i, cc.Type()))
			cc = cc.NextSibling()
			k++
		}
		if !cc.null() {
			bad("child count", s.ChildCount(), k+1)
		}
	}
	walk(st.RootNode(), ct.root(), "")
}

// lookupField is the id of a field of the grammar, as the walk looks it up.
func lookupField(name string) uint16 {
	loadFieldIDs()
	f := &fieldIDs
	return map[string]uint16{"name": f.name, "body": f.body, "type": f.typ, "trait": f.trait,
		"parameters": f.parameters, "type_parameters": f.typeParameters, "value": f.value, "left": f.left,
		"right": f.right, "bounds": f.bounds, "macro": f.macro, "argument": f.argument}[name]
}

// TestCrateTreeKernel compares the copied trees of every .rs file of the 6.12 kernel crate,
// as the indexer parses them (blanked) and as written (with bodies and syntax errors).
func TestCrateTreeKernel(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	n := 0
	err := filepath.Walk(filepath.Join(root, "rust"), func(p string, fi os.FileInfo, err error) error {
		if err != nil || !strings.HasSuffix(p, ".rs") || strings.HasSuffix(p, "_generated.rs") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		compareTrees(t, p, blankFnBodies(blankConstDefaults(data)))
		if n%4 == 0 {
			compareTrees(t, p+" (as written)", data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d files", n)
	}
}

// TestCrateTreeCorners covers empty text, errors, missing nodes, non-ASCII and a tree larger
// than the parser's buffer so far (the copy is retried with room).
func TestCrateTreeCorners(t *testing.T) {
	big := strings.Repeat("pub struct S { a: u32, b: Option<Box<u8>> }\n", 3000)
	for _, src := range []string{
		"",
		"fn",
		"pub fn f( {",
		"impl<T> X for Y<T> where T: A + B { fn g(&self) -> u8; }",
		"/// é 日本 🙂\npub const Ä: &str = \"ö\";",
		"mod m { #![doc = \"x\"] struct S(u8); enum E { A = 1, B { x: u8 } } }",
		"macro_rules! m { ($x:expr) => { $x }; }\nm!(a, \"b\");",
		// Long runs of white space, which tree-sitter is told to skip (readRanges): after a
		// line comment, inside strings and block comments, with CRLF and tabs.
		"// c" + strings.Repeat(" ", 40) + "\n" + strings.Repeat(" \n", 30) + "pub fn f();",
		"const S: &str = \"a" + strings.Repeat(" ", 50) + "\n" + strings.Repeat("\t", 20) + "b\";\n/* x" + strings.Repeat("\r\n  ", 20) + "*/ struct T;",
		"fn g() {" + strings.Repeat(" ", 100) + "}" + strings.Repeat("\n", 40) + "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\tenum E { A }",
		strings.Repeat(" ", 64),
		big,
	} {
		compareTrees(t, fmt.Sprintf("%.30q", src), []byte(src))
	}
	// The buffer grows once for the big tree and is reused after.
	p := newCrateParser()
	defer p.close()
	small := p.parse([]byte("fn f() {}"))
	if small == nil || len(small.nodes) == 0 {
		t.Fatal("no tree")
	}
	tr := p.parse([]byte(big))
	if tr == nil || len(tr.nodes) < 3000*10 {
		t.Fatalf("big tree: %d nodes", len(tr.nodes))
	}
}

// FuzzCrateTree compares the copied tree with go-tree-sitter's over arbitrary text.
func FuzzCrateTree(f *testing.F) {
	for _, s := range []string{"pub fn f() {}", "impl<T: A> B for C<T> { type X = u8; }", "pub fn oops( {", "struct S { #[cfg(X)] a: u8 }"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		compareTrees(t, "fuzz", []byte(s))
	})
}
