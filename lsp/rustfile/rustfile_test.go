// SPDX-License-Identifier: GPL-2.0-only

package rustfile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
)

type keySummary struct {
	Name, Value string
	Kind        index.ValueKind
	Strings     []string
	Comma       bool
}

func summarize(m *MacroCall) []keySummary {
	var out []keySummary
	for _, k := range m.Keys {
		out = append(out, keySummary{k.Name, k.ValueText, k.Kind, k.Strings, k.Comma})
	}
	return out
}

func TestModuleMacros(t *testing.T) {
	tests := []struct {
		name, src string
		macro     string
		top       bool
		closed    bool
		want      []keySummary
		problems  int
	}{
		{"minimal", `module! {
    type: RustMinimal,
    name: "rust_minimal",
    author: "Rust for Linux Contributors",
    license: "GPL",
}`, "module", true, true, []keySummary{
			{"type", "RustMinimal", index.ValueIdent, nil, true},
			{"name", `"rust_minimal"`, index.ValueString, []string{"rust_minimal"}, true},
			{"author", `"Rust for Linux Contributors"`, index.ValueString, []string{"Rust for Linux Contributors"}, true},
			{"license", `"GPL"`, index.ValueString, []string{"GPL"}, true},
		}, 0},
		{"6.1 byte strings, no trailing comma", `module! { type: M, name: b"m", license: b"GPL v2" }`, "module", true, true, []keySummary{
			{"type", "M", index.ValueIdent, nil, true},
			{"name", `b"m"`, index.ValueByteString, []string{"m"}, true},
			{"license", `b"GPL v2"`, index.ValueByteString, []string{"GPL v2"}, false},
		}, 0},
		{"phy driver", `kernel::module_phy_driver! {
    drivers: [PhyQT2025],
    device_table: [
        phy::DeviceId::new_with_driver::<PhyQT2025>(),
    ],
    name: "qt2025_phy",
    firmware: ["a.fw", r#"b"c.fw"#],
    alias: [],
}`, "module_phy_driver", true, true, []keySummary{
			{"drivers", "[PhyQT2025]", index.ValueIdentArray, nil, true},
			{"device_table", "[\n        phy::DeviceId::new_with_driver::<PhyQT2025>(),\n    ]", index.ValueExprArray, nil, true},
			{"name", `"qt2025_phy"`, index.ValueString, []string{"qt2025_phy"}, true},
			{"firmware", `["a.fw", r#"b"c.fw"#]`, index.ValueStringArray, []string{"a.fw", `b"c.fw`}, true},
			{"alias", `[]`, index.ValueStringArray, nil, true},
		}, 0},
		{"params and path type", `module! { type: foo::Bar, params: { x: i32 { default: 1, description: "d" } }, license: "GPL", }`, "module", true, true, []keySummary{
			{"type", "foo::Bar", index.ValueIdent, nil, true},
			{"params", `{ x: i32 { default: 1, description: "d" } }`, index.ValueParams, nil, true},
			{"license", `"GPL"`, index.ValueString, []string{"GPL"}, true},
		}, 0},
		{"unterminated, missing value and colon", "fn f() {\n module! { type: , name \"x\", lic", "module", false, false, []keySummary{
			{"type", "", "", nil, true},
			{"name", `"x"`, index.ValueString, []string{"x"}, true},
			{"lic", "", "", nil, false},
		}, 2},
		{"escaped string", `module! { description: "a \"b\"\n\u{e9}", 3: x }`, "module", true, true, []keySummary{
			{"description", `"a \"b\"\n\u{e9}"`, index.ValueString, []string{"a \"b\"\n\u00e9"}, true},
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.src))
			if len(f.Macros) != 1 {
				t.Fatalf("got %d macros, want 1", len(f.Macros))
			}
			m := f.Macros[0]
			if m.Name != tt.macro || m.TopLevel != tt.top || m.Closed != tt.closed {
				t.Errorf("got name %q top %v closed %v, want %q %v %v", m.Name, m.TopLevel, m.Closed, tt.macro, tt.top, tt.closed)
			}
			if diff := cmp.Diff(tt.want, summarize(m)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if len(m.Problems) != tt.problems {
				t.Errorf("got problems %v, want %d", m.Problems, tt.problems)
			}
			for _, k := range m.Keys {
				if got := tt.src[k.NameRange.Start:k.NameRange.End]; got != k.Name {
					t.Errorf("key range gives %q, want %q", got, k.Name)
				}
			}
		})
	}
}

func TestNotModuleMacros(t *testing.T) {
	src := `// module! { type: X }
/// module! { type: Y }
macro_rules! module_foo_driver { ($($f:tt)*) => { module! { type: $t, $($f)* } } }
kernel::module_driver!(<T>, A<T>, { type: X });
let s = "module! { }";
`
	if f := Parse([]byte(src)); len(f.Macros) != 0 {
		t.Errorf("got %d module macros, want none: %+v", len(f.Macros), f.Macros[0])
	}
}

func TestBindings(t *testing.T) {
	src := `use kernel::bindings;
use kernel::bindings::{self, mutex_lock, mutex_unlock as ul};
fn f() {
    // bindings::in_comment()
    let s = "bindings::in_string";
    unsafe { bindings::msleep(10, x(1, 2)) };
    let t: bindings::task_struct;
    pr_info!("{}", bindings::jiffies);
    ::bindings::global;
    crate::bindings::krate;
    foo::bindings::other;
    self.bindings::nope;
    kernel::bindings::BINDINGS_X::Y;
}
`
	f := Parse([]byte(src))
	type ref struct {
		Written, Name  string
		InUse, InMacro bool
		Args           []string
	}
	var got []ref
	for _, b := range f.Bindings {
		r := ref{b.Written, b.Name, b.InUse, b.InMacro, nil}
		if got := src[b.NameRange.Start:b.NameRange.End]; got != b.Name {
			t.Errorf("name range %q, want %q", got, b.Name)
		}
		if b.Call != nil {
			r.Args = []string{}
			for _, a := range b.Call.Args {
				r.Args = append(r.Args, src[a.Start:a.End])
			}
		}
		got = append(got, r)
	}
	want := []ref{
		{"kernel::bindings::mutex_lock", "mutex_lock", true, false, nil},
		{"kernel::bindings::mutex_unlock", "mutex_unlock", true, false, nil},
		{"bindings::msleep", "msleep", false, false, []string{"10", "x(1, 2)"}},
		{"bindings::task_struct", "task_struct", false, false, nil},
		{"bindings::jiffies", "jiffies", false, true, nil},
		{"::bindings::global", "global", false, false, nil},
		{"crate::bindings::krate", "krate", false, false, nil},
		{"kernel::bindings::BINDINGS_X::Y", "BINDINGS_X", false, false, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
}

func TestUses(t *testing.T) {
	src := `use kernel::prelude::*;
pub(crate) use kernel::net::phy::{
    self,
    reg::{Mmd, C45},
    Driver as D,
};
use ::core::ffi::c_int;
fn f() { use kernel::sync::Arc; }
`
	f := Parse([]byte(src))
	type use struct {
		Path, Name string
		Glob       bool
	}
	var got []use
	for _, u := range f.Uses {
		got = append(got, use{u.Path, u.Name, u.Glob})
	}
	want := []use{
		{"kernel::prelude", "", true},
		{"kernel::net::phy", "phy", false},
		{"kernel::net::phy::reg::Mmd", "Mmd", false},
		{"kernel::net::phy::reg::C45", "C45", false},
		{"kernel::net::phy::Driver", "D", false},
		{"core::ffi::c_int", "c_int", false},
		{"kernel::sync::Arc", "Arc", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("uses (-want +got):\n%s", diff)
	}
	if d := f.Uses[1].Decl; !strings.HasPrefix(src[d.Start:d.End], "pub(crate) use") || !strings.HasSuffix(src[d.Start:d.End], "};") {
		t.Errorf("decl range %q", src[d.Start:d.End])
	}
	resolveTests := []struct {
		segs []string
		want []string
	}{
		{[]string{"phy", "DeviceId"}, []string{"kernel::net::phy::DeviceId", "kernel::prelude::phy::DeviceId"}},
		{[]string{"D"}, []string{"kernel::net::phy::Driver", "kernel::prelude::D"}},
		{[]string{"kernel", "sync"}, []string{"kernel::sync", "kernel::prelude::kernel::sync"}},
		{[]string{"crate", "x"}, nil},
	}
	for _, rt := range resolveTests {
		if diff := cmp.Diff(rt.want, f.Resolve(rt.segs)); diff != "" {
			t.Errorf("Resolve(%v) (-want +got):\n%s", rt.segs, diff)
		}
	}
}

func TestPathAt(t *testing.T) {
	src := "use kernel::sync::{Arc, lock::Mutex};\nfn f() { kernel::sync::Mutex::new(); pr_info!(\"x\"); ::core::ptr::null(); }\n"
	tests := []struct {
		at    string // text right after the cursor, first occurrence
		shift int
		want  string
		macro bool
	}{
		{"Mutex}", 2, "kernel::sync::lock::Mutex", false},
		{"Arc", 0, "kernel::sync::Arc", false},
		{"Mutex::new", 5, "kernel::sync::Mutex", false}, // cursor right after the word
		{"new()", 1, "kernel::sync::Mutex::new", false},
		{"pr_info", 0, "pr_info", true},
		{"null", 0, "core::ptr::null", false},
	}
	f := Parse([]byte(src))
	for _, tt := range tests {
		off := strings.Index(src, tt.at) + tt.shift
		p := f.PathAt(off)
		if p == nil {
			t.Errorf("PathAt(%q) = nil", tt.at)
			continue
		}
		if p.Path() != tt.want || p.Macro != tt.macro {
			t.Errorf("PathAt(%q) = %q macro %v, want %q %v", tt.at, p.Path(), p.Macro, tt.want, tt.macro)
		}
	}
	if p := f.PathAt(strings.Index(src, "(\"x\")") + 2); p != nil {
		t.Errorf("PathAt in a string = %v, want nil", p.Segments)
	}
}

func TestUnsafe(t *testing.T) {
	src := `fn f() {
    // SAFETY: a is valid.
    let a = unsafe { x() };
    let b = unsafe { y() };
    foo(
        /* SAFETY: fine */
        unsafe { z() },
    );
    // SAFETY: the fields are valid.
    //
    // More text.
    let S { a, b } = unsafe { *p };
    if x {
        // SAFETY: inside the block above, not before the next statement.
        y();
    }
    let c = unsafe { q() };
}
// SAFETY: T is Send.
#[allow(x)]
unsafe impl Send for T {}
unsafe impl Sync for T {}
unsafe fn g() {}
`
	f := Parse([]byte(src))
	type u struct {
		Kind   UnsafeKind
		Safety bool
		Indent string
		Text   string
	}
	var got []u
	for _, x := range f.Unsafe {
		got = append(got, u{x.Kind, x.HasSafety(), x.Indent, src[x.Range.Start:x.Range.End]})
	}
	want := []u{
		{UnsafeBlock, true, "    ", "unsafe { x() }"},
		{UnsafeBlock, false, "    ", "unsafe { y() }"},
		{UnsafeBlock, true, "        ", "unsafe { z() }"},
		{UnsafeBlock, true, "    ", "unsafe { *p }"},
		{UnsafeBlock, false, "    ", "unsafe { q() }"},
		{UnsafeImpl, true, "", "unsafe impl Send for T {}"},
		{UnsafeImpl, false, "", "unsafe impl Sync for T {}"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unsafe (-want +got):\n%s", diff)
	}
}

func TestLexer(t *testing.T) {
	src := `r#type 'a 'x' '\n' b'x' br#"r"# c"c" 1.5 1..2 x::y -> => /* a /* b */ */ é`
	var got []string
	for _, tok := range lex([]byte(src)) {
		got = append(got, tok.Kind.String()+":"+src[tok.Start:tok.End])
	}
	want := []string{"ident:r#type", "lifetime:'a", "char:'x'", `char:'\n'`, "char:b'x'", `byte-string:br#"r"#`,
		`string:c"c"`, "number:1.5", "number:1", "punct:.", "punct:.", "number:2", "ident:x", "punct:::", "ident:y",
		"punct:->", "punct:=>", "comment:/* a /* b */ */", "ident:é"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
}

func TestDeclsAndErrors(t *testing.T) {
	f := Parse([]byte("struct A;\nenum B { X }\nmod m { pub struct C; }\nconst fn g() {}\nfn broken( {\n"))
	var got []string
	for _, d := range f.Decls {
		got = append(got, fmt.Sprintf("%s %s %v", d.Kind, d.Name, d.TopLevel))
	}
	want := []string{"struct A true", "enum B true", "mod m true", "struct C false", "fn g true", "fn broken true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decls (-want +got):\n%s", diff)
	}
	if len(f.SyntaxErrors()) == 0 {
		t.Errorf("no syntax error found in a broken file")
	}
}

// TestRealTree checks the views against every .rs file of the 6.12 and 6.1 trees; the
// expected counts come from regular expressions over the same files.
func TestRealTree(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			modRe := regexp.MustCompile(`(?m)^\s*(?:kernel::)?(module|module_phy_driver)! \{`)
			unsafeRe := regexp.MustCompile(`\bunsafe \{`)
			files, gotMods, wantMods, gotUnsafe, wantUnsafe, noSafety := 0, 0, 0, 0, 0, 0
			filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rs") || strings.Contains(path, "generated") {
					return nil
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return nil
				}
				files++
				f := Parse(data)
				// Oracle: macro invocations at line start (doc examples are comments).
				wantMods += len(modRe.FindAll(data, -1))
				gotMods += len(f.Macros)
				// Oracle: `unsafe {` outside comments and strings, counted on the text with the
				// comments blanked by a separate pass.
				if strings.Contains(path, "/rust/macros/") {
					return nil
				}
				wantUnsafe += len(unsafeRe.FindAll(stripComments(data), -1))
				lines := strings.Split(string(data), "\n")
				for _, u := range f.Unsafe {
					if u.Kind == UnsafeBlock {
						gotUnsafe++
						if !u.HasSafety() {
							noSafety++
						}
					}
					// Oracle: a "// SAFETY:" line right above the keyword's line always counts.
					ln := strings.Count(string(data[:u.Keyword.Start]), "\n")
					if ln > 0 && strings.HasPrefix(strings.TrimSpace(lines[ln-1]), "// SAFETY:") && !u.HasSafety() {
						t.Errorf("%s:%d: SAFETY comment on the line above not seen", path, ln+1)
					}
				}
				return nil
			})
			t.Logf("%s: %d files, %d module macros, %d unsafe blocks (%d without SAFETY)", ver, files, gotMods, gotUnsafe, noSafety)
			if files == 0 || gotMods != wantMods {
				t.Errorf("module macros: got %d, want %d", gotMods, wantMods)
			}
			if gotUnsafe != wantUnsafe {
				t.Errorf("unsafe blocks: got %d, want %d", gotUnsafe, wantUnsafe)
			}
		})
	}
}

// stripComments blanks // and /* */ comments with regexp passes: a coarse oracle independent
// of the lexer (strings holding "unsafe {" are left: rust/macros, which generates code in
// format! strings, is left out of the comparison).
func stripComments(b []byte) []byte {
	b = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAll(b, nil)
	return regexp.MustCompile(`(?m)//.*$`).ReplaceAll(b, nil)
}

func FuzzModuleMacro(f *testing.F) {
	f.Add("module! { type: X, name: \"x\", license: \"GPL\", }")
	f.Add("kernel::module_phy_driver! { drivers: [A], device_table: [phy::DeviceId::new_with_driver::<A>()], name: b\"x\" }")
	f.Add("module! { params: { a: i32 { default: 1 } }, alias: [\"a\", r#\"b\"#], type: ")
	f.Add("module!{,,:: : [}")
	f.Fuzz(func(t *testing.T, src string) {
		file := Parse([]byte(src))
		for _, m := range file.Macros {
			if m.Body.Start < 0 || m.Body.End > len(src) || m.Body.Start > m.Body.End {
				t.Fatalf("body range %v outside text of %d bytes", m.Body, len(src))
			}
			last := m.Body.Start
			for _, k := range m.Keys {
				for _, r := range []Range{k.NameRange, k.Value, k.Entry} {
					if r.Start < last || r.End > len(src) || r.Start > r.End {
						t.Fatalf("key %q range %v out of order or outside [%d,%d]", k.Name, r, last, len(src))
					}
				}
				if src[k.NameRange.Start:k.NameRange.End] != k.Name {
					t.Fatalf("key name range does not hold %q", k.Name)
				}
				if src[k.Value.Start:k.Value.End] != k.ValueText {
					t.Fatalf("value text mismatch")
				}
				last = k.NameRange.Start
			}
		}
		for _, b := range file.Bindings {
			if src[b.NameRange.Start:b.NameRange.End] != b.Name {
				t.Fatalf("binding name range does not hold %q", b.Name)
			}
		}
	})
}

// big returns a 2,000-line-ish module: the real rnull.rs and rust_minimal.rs shapes repeated.
func big(tb testing.TB) []byte {
	var b strings.Builder
	b.WriteString("use kernel::prelude::*;\nuse kernel::sync::{Arc, Mutex};\nmodule! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}\n")
	for i := 0; b.Len() < 60000; i++ {
		fmt.Fprintf(&b, `
struct S%[1]d {
    numbers: KVec<i32>,
}

impl S%[1]d {
    fn f(&self) -> Result<i32> {
        // SAFETY: the pointer is valid.
        let x = unsafe { bindings::msleep(%[1]d) };
        pr_info!("S%[1]d {}\n", bindings::jiffies);
        let mut v = KVec::new();
        v.push(%[1]d, GFP_KERNEL)?;
        Ok(x as i32)
    }
}
`, i)
	}
	return []byte(b.String())
}

// BenchmarkSyntax measures the lazy tree-sitter parse alone, for comparison.
func BenchmarkSyntax2000Lines(b *testing.B) {
	src := big(b)
	for b.Loop() {
		Parse(src).SyntaxErrors()
	}
}

func BenchmarkParse2000Lines(b *testing.B) {
	src := big(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		Parse(src)
	}
	b.ReportMetric(float64(strings.Count(string(src), "\n")), "lines")
}

func TestPathBefore(t *testing.T) {
	src := "use kernel::{sync::lo};\nfn f() { kernel::sync::; ::core::x; a.b; phy:: Dev }\n"
	tests := []struct {
		at     string // the cursor is at the end of this text
		segs   []string
		prefix string
		inUse  bool
	}{
		{"sync::lo", []string{"kernel", "sync"}, "lo", true},
		{"{ kernel::sync::", []string{"kernel", "sync"}, "", false},
		{"::core::x", []string{"core"}, "x", false},
		{"phy:: Dev", []string{"phy"}, "Dev", false}, // Rust allows the space
		{"a.b", nil, "", false},
	}
	f := Parse([]byte(src))
	for _, tt := range tests {
		off := strings.Index(src, tt.at) + len(tt.at)
		p := f.PathBefore(off)
		if tt.segs == nil {
			if p != nil {
				t.Errorf("PathBefore(%q) = %+v, want nil", tt.at, p)
			}
			continue
		}
		if p == nil {
			t.Errorf("PathBefore(%q) = nil", tt.at)
			continue
		}
		if diff := cmp.Diff(tt.segs, p.Segments); diff != "" || p.Prefix != tt.prefix || p.InUse != tt.inUse {
			t.Errorf("PathBefore(%q) = %+v, want %v %q in use %v", tt.at, p, tt.segs, tt.prefix, tt.inUse)
		}
		if got := src[p.PrefixRange.Start:p.PrefixRange.End]; got != tt.prefix {
			t.Errorf("PathBefore(%q) prefix range holds %q", tt.at, got)
		}
	}
}
