// SPDX-License-Identifier: GPL-2.0-only

package check

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

func TestRegistry(t *testing.T) {
	all := All()
	if len(all) < 10 {
		t.Fatalf("registry holds %d checks", len(all))
	}
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].ID < all[j].ID }) {
		t.Errorf("All is not sorted by ID")
	}
	id := regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)
	for _, c := range all {
		if !id.MatchString(c.ID) {
			t.Errorf("check ID %q is not kebab-case", c.ID)
		}
		for name, v := range map[string]string{"Name": c.Name, "Summary": c.Summary, "Why": c.Why, "Source": c.Source, "Example": c.Example, "FixExample": c.FixExample} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("check %s has no %s", c.ID, name)
			}
		}
		if c.Severity < Error || c.Severity > Hint || len(c.Langs) == 0 {
			t.Errorf("check %s: severity %v langs %v", c.ID, c.Severity, c.Langs)
		}
		if Lookup(c.ID) != c {
			t.Errorf("Lookup(%q) is not the registered check", c.ID)
		}
	}
	defer func() {
		if recover() == nil {
			t.Errorf("registering a duplicate ID did not panic")
		}
	}()
	Register(&Check{ID: all[0].ID, Run: all[0].Run})
}

func TestSeverityString(t *testing.T) {
	got := []string{Error.String(), Warning.String(), Info.String(), Hint.String(), Severity(9).String()}
	if diff := cmp.Diff([]string{"error", "warning", "note", "hint", "severity(9)"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRunFilterAndRecover(t *testing.T) {
	text := []byte("fn f() { unsafe { g() }; }\nunsafe impl Send for T {}\n")
	ctx := &Context{Path: "/t/x.rs", Lang: "rust", Text: text}
	var ids []string
	for _, f := range Run(ctx, func(id string) bool { return id != "unsafe-impl-safety" }) {
		ids = append(ids, f.Check+":"+f.Severity.String()+":"+f.Path)
	}
	if diff := cmp.Diff([]string{"unsafe-block-safety:warning:/t/x.rs"}, ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := Run(&Context{Lang: "kconfig", Text: text}, nil); len(got) != 0 {
		t.Errorf("rust checks ran on a kconfig file: %v", got)
	}
	bad := &Check{ID: "test-panics", Run: func(*Context) []Finding { panic("boom") }}
	got := runOne(bad, ctx)
	if len(got) != 1 || !strings.Contains(got[0].Message, "boom") {
		t.Errorf("runOne of a panicking check = %v", got)
	}
}

func TestApplyAndActions(t *testing.T) {
	text := []byte("abcdef")
	fix := Fix{Edits: []Edit{{Range: Range{4, 5}, NewText: "E"}, {Range: Range{1, 1}, NewText: "+"}, {Path: "/other", Range: Range{0, 1}, NewText: "X"}, {Range: Range{1, 1}, NewText: "-"}}}
	if got := string(Apply(text, fix)); got != "a+-bcdEf" {
		t.Errorf("Apply = %q", got)
	}
	fs := []Finding{
		{Range: Range{0, 2}, Fixes: []Fix{{Title: "a"}, {Title: "b", Preferred: true}}},
		{Range: Range{5, 6}, Fixes: []Fix{{Title: "c"}}},
	}
	var titles []string
	for _, f := range Actions(fs, Range{1, 1}) {
		titles = append(titles, f.Title)
	}
	if diff := cmp.Diff([]string{"b", "a"}, titles); diff != "" {
		t.Errorf("Actions (-want +got):\n%s", diff)
	}
}

func TestParamCount(t *testing.T) {
	tests := []struct {
		sig  string
		want int
	}{
		{"pub fn ktime_get() -> ktime_t", 0},
		{"pub fn msleep(msecs: c_uint)", 1},
		{"pub unsafe fn f(a: *mut T, b: Option<fn(u8)>, c: [u8; 4]) -> Result<(), E>", 3},
		{"pub fn lock(&self) -> Guard<'_, T, B>", 1},
		{"pub struct X", -1},
	}
	for _, tt := range tests {
		if got := ParamCount(tt.sig); got != tt.want {
			t.Errorf("ParamCount(%q) = %d, want %d", tt.sig, got, tt.want)
		}
	}
}

func TestRankLicenses(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"gpl", "GPL"},
		{"GPLv2", "GPL v2"},
		{"gpl-v2", "GPL v2"},
		{"Dual BSD-GPL", "Dual BSD/GPL"},
		{"MIT/GPL", "Dual MIT/GPL"},
		{"Proprietary", "GPL"},
	}
	for _, tt := range tests {
		if got := rankLicenses(tt.in); len(got) == 0 || got[0] != tt.want {
			t.Errorf("rankLicenses(%q) = %q, want %q first", tt.in, got, tt.want)
		}
	}
}

func TestDocURL(t *testing.T) {
	ix := &index.Index{Items: []index.Item{
		{Path: "kernel::sync::lock::Lock", Name: "Lock", Kind: index.KindStruct, Source: index.SourceKernel},
		{Path: "kernel::sync::lock::Lock::lock", Name: "lock", Kind: index.KindMethod, Parent: "kernel::sync::lock::Lock", Source: index.SourceKernel},
		{Path: "kernel::sync::lock::Backend", Name: "Backend", Kind: index.KindTrait, Source: index.SourceKernel},
		{Path: "kernel::sync::lock::Backend::lock", Name: "lock", Kind: index.KindMethod, Parent: "kernel::sync::lock::Backend", Source: index.SourceKernel},
		{Path: "kernel::pr_info", Name: "pr_info", Kind: index.KindMacro, Source: index.SourceKernel},
		{Path: "macros::vtable", Name: "vtable", Kind: index.KindMacro, Source: index.SourceMacros},
		{Path: "kernel::alloc::flags::GFP_KERNEL", Name: "GFP_KERNEL", Kind: index.KindConst, Source: index.SourceKernel},
		{Path: "kernel::sync", Name: "sync", Kind: index.KindMod, Source: index.SourceKernel},
		{Path: "bindings::mutex_lock", Name: "mutex_lock", Kind: index.KindFn, Source: index.SourceBindings},
	}}
	ix.Finish()
	const b = "https://rust.docs.kernel.org/"
	tests := map[string]string{
		"kernel::sync::lock::Lock":          b + "kernel/sync/lock/struct.Lock.html",
		"kernel::sync::lock::Lock::lock":    b + "kernel/sync/lock/struct.Lock.html#method.lock",
		"kernel::sync::lock::Backend::lock": b + "kernel/sync/lock/trait.Backend.html#tymethod.lock",
		"kernel::pr_info":                   b + "kernel/macro.pr_info.html",
		"macros::vtable":                    b + "macros/attr.vtable.html",
		"kernel::alloc::flags::GFP_KERNEL":  b + "kernel/alloc/flags/constant.GFP_KERNEL.html",
		"kernel::sync":                      b + "kernel/sync/index.html",
		"bindings::mutex_lock":              "",
		"kernel::nope":                      "",
	}
	for path, want := range tests {
		if got := DocURL(ix, path); got != want {
			t.Errorf("DocURL(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	f := rustfile.Parse([]byte("struct Foo;\nfn x() { struct Inner; }\n"))
	tests := []struct {
		key  index.ModuleKey
		want string
	}{
		{index.ModuleKey{Name: "type", Value: index.ValueIdent}, "Foo"},
		{index.ModuleKey{Name: "name", Value: index.ValueString}, `"rust_foo"`},
		{index.ModuleKey{Name: "license", Value: index.ValueByteString}, `b"GPL"`},
		{index.ModuleKey{Name: "alias", Value: index.ValueStringArray}, "[]"},
		{index.ModuleKey{Name: "description", Value: index.ValueString}, `""`},
	}
	for _, tt := range tests {
		if got := Placeholder(f, "/k/samples/rust/rust_foo.rs", tt.key); got != tt.want {
			t.Errorf("Placeholder(%s) = %s, want %s", tt.key.Name, got, tt.want)
		}
	}
}

func TestHasReceiver(t *testing.T) {
	tests := map[string]bool{
		"pub fn lock(&self) -> Guard<'_, T, B>":       true,
		"pub fn f(&'a mut self, x: u8)":               true,
		"pub fn into_raw(self) -> *mut T":             true,
		"pub fn g(mut self: Pin<&mut Self>)":          true,
		"pub fn ktime_get() -> Self":                  false,
		"pub fn new(selfish: u8) -> Self":             false,
		"pub fn request(name: &CStr) -> Result<Self>": false,
	}
	for sig, want := range tests {
		if got := hasReceiver(sig); got != want {
			t.Errorf("hasReceiver(%q) = %v, want %v", sig, got, want)
		}
	}
}
