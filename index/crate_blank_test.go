// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBlankFnBodies: in each case, the text between « and » is what must become spaces.
func TestBlankFnBodies(t *testing.T) {
	for _, tc := range []string{
		"fn a() {« x(); »}",
		"pub fn a<T: X<Y>>(v: [u8; 4]) -> Result<(), E> where T: Fn() -> u8 {«\n\tv\n»}",
		`fn s() {« "}"; '}'; b'{'; r#"}"#; /* } */ »} fn t() {}`,
		"fn l<'a>(x: &'a u8) -> &'a u8 {« x »} struct S;",
		"trait T { fn d(&self); fn e() {« 1 »} }",
		"struct F { f: fn(u32) -> u32 }",
		"// fn a() { x }\n/// fn b() { y }\n",
		"pub fn oops( {\n\npub fn after() {« z »}",
		"fn n() -> [u8; { N }] { x }", // a block in the signature: left to the parser
		"fn open() { {",
		"fn nest() {« if a { b } »}",
		"macro_rules! m {\n\t(« $x:expr »)  => {« fn f() { $x } »};\n\t[«»] => (« 1 »);\n}\nfn g() {« 2 »}",
		"macro_rules! p ( () => {} ); fn h() {« 3 »}",
		"#[macro_export]\nmacro_rules! q { (« \")\" ») => {« '}' »} }",
	} {
		in := strings.NewReplacer("«", "", "»", "").Replace(tc)
		var want strings.Builder
		blank := false
		for _, r := range tc {
			switch {
			case r == '«' || r == '»':
				blank = r == '«'
			case blank && r != '\n':
				want.WriteByte(' ')
			default:
				want.WriteRune(r)
			}
		}
		if diff := cmp.Diff(want.String(), string(blankFnBodies([]byte(in)))); diff != "" {
			t.Errorf("blankFnBodies(%q) (-want +got):\n%s", in, diff)
		}
	}
}

// FuzzBlankFnBodies: never a panic, the same length, and only spaces written, never over a
// newline.
func FuzzBlankFnBodies(f *testing.F) {
	for _, s := range []string{"fn a() { x }", "fn b(\"{\") {'}'}", "fn c<'a>() -> X<{1}> { r#\"}\"# }", "fn", "fn d() {"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := blankFnBodies([]byte(s))
		if len(out) != len(s) {
			t.Fatalf("length %d, want %d", len(out), len(s))
		}
		for i := range out {
			if out[i] != s[i] && (out[i] != ' ' || s[i] == '\n') {
				t.Fatalf("byte %d: %q became %q", i, s[i], out[i])
			}
		}
	})
}
