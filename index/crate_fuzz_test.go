// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScanRefs(t *testing.T) {
	src := `{
		// bindings::in_comment()
		let s = "bindings::in_string()";
		unsafe { B::lock(self.state.get()) };
		let x = crate::bindings::mutex_lock;
		self.inner.lock();
		$crate::print_macro!($crate::print::format_strings::INFO, false, $($arg)*);
		$crate::print::call_printk(&$fmt, $args);
		<T as RawWorkItem<ID>>::__enqueue(w, f);
		Box::<T, A>::new_uninit(flags)?;
		ReallocFunc::KREALLOC.call(p);
		let c = 'x'; let l: &'static str = "";
		r#"bindings::raw_string()"#;
	}`
	got := scanRefs(src)
	want := Refs{
		Calls:      []string{"B::lock", "$crate::print::call_printk", "Box::new_uninit"},
		Methods:    []string{"get", "lock", "call"},
		Macros:     []string{"$crate::print_macro"},
		Paths:      []string{"crate::bindings::mutex_lock", "$crate::print::format_strings::INFO", "ReallocFunc::KREALLOC"},
		TraitCalls: []string{"RawWorkItem::__enqueue"},
		Bindings:   []string{"mutex_lock"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scanRefs (-want +got):\n%s", diff)
	}
}

func TestParseUseTree(t *testing.T) {
	tests := []struct {
		in   string
		want []UseEntry
	}{
		{"crate::alloc::{flags::*, Box, KBox as K}", []UseEntry{{Path: "crate::alloc::flags", Glob: true}, {Path: "crate::alloc::Box"}, {Path: "crate::alloc::KBox", Alias: "K"}}},
		{"super::{self, a::{b, c}}", []UseEntry{{Path: "super"}, {Path: "super::a::b"}, {Path: "super::a::c"}}},
		{"::core::pin::Pin", []UseEntry{{Path: "core::pin::Pin"}}},
		{"bindings", []UseEntry{{Path: "bindings"}}},
		{"self::allocator_test as allocator", []UseEntry{{Path: "self::allocator_test", Alias: "allocator"}}},
		{"foo as _", []UseEntry{{Path: "foo", Alias: "_"}}},
		{"$crate::x", []UseEntry{{Path: "$crate::x"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseUseTree(tt.in)); diff != "" {
			t.Errorf("parseUseTree(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCfg(t *testing.T) {
	tests := []struct {
		in   []string
		want string
		eval cfgValue
	}{
		{[]string{"CONFIG_NET", "all(CONFIG_X,not( CONFIG_Y ))"}, "all(CONFIG_NET, CONFIG_X, not(CONFIG_Y))", cfgUnknown},
		{[]string{"", "CONFIG_NET", "CONFIG_NET"}, "CONFIG_NET", cfgUnknown},
		{[]string{"test"}, "test", cfgFalse},
		{[]string{"any(test, testlib)"}, "any(test, testlib)", cfgFalse},
		{[]string{"not(any(test, testlib))"}, "not(any(test, testlib))", cfgTrue},
		{[]string{"CONFIG_NET", "not(test)"}, "all(CONFIG_NET, not(test))", cfgUnknown},
		{[]string{`all(CONFIG_X, target_os = "none")`}, `all(CONFIG_X, target_os = "none")`, cfgUnknown},
	}
	for _, tt := range tests {
		got := cfgAll(tt.in...)
		if got != tt.want || cfgEval(got) != tt.eval {
			t.Errorf("cfgAll(%q) = %q (eval %d), want %q (eval %d)", tt.in, got, cfgEval(got), tt.want, tt.eval)
		}
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pub fn lock(\n    &self, // the lock\n) -> Guard<'_, T, B>", "pub fn lock(&self) -> Guard<'_, T, B>"},
		{"pub const unsafe fn from_ptr(ptr: *mut bindings::module) -> ThisModule", "pub const unsafe fn from_ptr(ptr: *mut bindings::module) -> ThisModule"},
		{"pub fn f<T>(x: T)\nwhere\n    T: Send,", "pub fn f<T>(x: T) where T: Send"},
		{`pub const S: &str = "a  b"`, `pub const S: &str = "a  b"`},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzScanRefs(f *testing.F) {
	for _, s := range []string{"B::lock(x)", "$crate::a!(b)", "<T as X<u8>>::f()", `r#"x"#`, "'a'", "/* /* */", `"\`, "x.y::<T>()", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := scanRefs(s)
		for _, list := range [][]string{r.Calls, r.Methods, r.Macros, r.Paths, r.TraitCalls, r.Bindings} {
			for _, x := range list {
				if x == "" || strings.ContainsAny(x, " \t\n(){}") {
					t.Errorf("bad reference %q from %q", x, s)
				}
			}
		}
		oneLine(s)
	})
}

func FuzzParseUseTree(f *testing.F) {
	for _, s := range []string{"a::{b, c as d, e::*}", "{", "a::{b::{c}}", "self as x", "::{a, {b}}", "a::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, u := range parseUseTree(s) {
			if strings.ContainsAny(u.Path, "{} ,") {
				t.Errorf("bad path %q from %q", u.Path, s)
			}
			_ = u.Name()
		}
	})
}

func FuzzDocText(f *testing.F) {
	for _, s := range []string{"Doc.", " indented", "", "`code`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			return
		}
		if got := docText("/// " + s); got != s {
			t.Errorf("docText(/// %q) = %q", s, got)
		}
		if got := docText("//!" + s); got != strings.TrimPrefix(s, " ") {
			t.Errorf("docText(//!%q) = %q", s, got)
		}
		docText("/**" + s + "*/")
		unquote(`"` + s + `"`)
		unquote(s)
	})
}

func FuzzCfg(f *testing.F) {
	for _, s := range []string{"CONFIG_X", "all(a, any(b, not(c)))", "not(", `a = "x,)"`, "all()", "))(("} {
		f.Add(s, "CONFIG_Y")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		c := cfgAll(a, b)
		cfgEval(c)
		if !wellFormedCfg(a) || !wellFormedCfg(b) {
			return // only no panics for garbage
		}
		if again := cfgAll(c); again != c {
			t.Errorf("cfgAll not idempotent: %q -> %q -> %q", a+" & "+b, c, again)
		}
		if cfgAll(c, c) != c {
			t.Errorf("cfgAll(%q, itself) = %q", c, cfgAll(c, c))
		}
		cfgEval(c)
	})
}

func FuzzParseCrateFile(f *testing.F) {
	for _, s := range []string{"pub fn f() {}", "/// d\n#[cfg(X)]\npub mod m { pub struct S; impl S { pub fn g(&self) {} } }", "pub fn oops( {", "macro_rules! m { () => { $crate::x() } }"} {
		f.Add(s)
	}
	p := newCrateParser()
	defer p.close()
	f.Fuzz(func(t *testing.T, s string) {
		cf := parseCrateFile(p, "rust/kernel/x.rs", []byte(s), "")
		for _, it := range cf.Items {
			if strings.Contains(it.Sig, "\n") {
				t.Errorf("multi-line sig %q", it.Sig)
			}
		}
	})
}

// wellFormedCfg: balanced parentheses and quotes, no empty operand.
func wellFormedCfg(s string) bool {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		case '"':
			j := skipString(s, i+1)
			if j > len(s) || j == len(s) && (len(s) < 2 || s[len(s)-1] != '"') {
				return false
			}
			i = j - 1
		}
	}
	return depth == 0 && !strings.Contains(strings.ReplaceAll(s, " ", ""), ",)") && !strings.Contains(strings.ReplaceAll(s, " ", ""), "(,") && !strings.Contains(strings.ReplaceAll(s, " ", ""), ",,")
}

func TestBlankConstDefaults(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pub struct Work<T: ?Sized, const ID: u64 = 0> {", "pub struct Work<T: ?Sized, const ID: u64    > {"},
		{"trait L<const ID: u64 = 0>: X<ID> {", "trait L<const ID: u64    >: X<ID> {"},
		{"struct S<const N: usize = { 1 + 2 }>;", "struct S<const N: usize            >;"},
		{"const X: u64 = 0;", "const X: u64 = 0;"},
		{"fn f() { let a = b < c; const Y: u8 = 1; }", "fn f() { let a = b < c; const Y: u8 = 1; }"},
		{"impl<const ID: u64> Foo<ID> {}", "impl<const ID: u64> Foo<ID> {}"},
	}
	for _, tt := range tests {
		if got := string(blankConstDefaults([]byte(tt.in))); got != tt.want {
			t.Errorf("blankConstDefaults(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzBlankConstDefaults(f *testing.F) {
	for _, s := range []string{"<const ID: u64 = 0>", "<T, const N: usize = {", ",const a:b=c,", "const"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := blankConstDefaults([]byte(s))
		if len(out) != len(s) {
			t.Fatalf("length changed: %q -> %q", s, out)
		}
		for i := range out {
			if out[i] != s[i] && out[i] != ' ' {
				t.Fatalf("byte %d changed to %q: %q -> %q", i, out[i], s, out)
			}
		}
	})
}
