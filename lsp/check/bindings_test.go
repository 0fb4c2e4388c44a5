// SPDX-License-Identifier: GPL-2.0-only

package check

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

// The bindings-direct message names the best safe wrappers (those as direct as the best),
// never a deeper or an unsafe one; a binding only unsafe APIs reach is a hint that names them.
func TestBindingsMessages(t *testing.T) {
	ix := &index.Index{
		Items: []index.Item{
			{Path: "bindings::mutex_lock", Name: "mutex_lock", Kind: index.KindFn, Source: index.SourceBindings, Sig: "pub fn mutex_lock(lock: *mut mutex)"},
			{Path: "bindings::_printk", Name: "_printk", Kind: index.KindFn, Source: index.SourceBindings, Sig: "pub fn _printk(fmt: *const c_char, ...) -> c_int"},
			{Path: "bindings::kmap_local_page", Name: "kmap_local_page", Kind: index.KindFn, Source: index.SourceBindings, Sig: "pub fn kmap_local_page(page: *mut page) -> *mut c_void"},
		},
		Wrappers: map[string][]index.Wrapper{
			"bindings::mutex_lock": {
				{API: "kernel::sync::Mutex::lock", Depth: 2},
				{API: "kernel::sync::CondVar::wait", Depth: 5},
				{API: "kernel::sync::lock::mutex::MutexBackend::lock", Depth: 1, Unsafe: true},
			},
			"bindings::_printk": {
				{API: "kernel::pr_err", Depth: 3}, {API: "kernel::pr_info", Depth: 3},
				{API: "kernel::pr_warn", Depth: 3}, {API: "kernel::pr_crit", Depth: 3},
			},
			"bindings::kmap_local_page": {{API: "kernel::page::Page::read_raw", Depth: 3, Unsafe: true}},
		},
	}
	ix.Finish()
	src := []byte(`use kernel::prelude::*;
fn f() {
    // SAFETY: test.
    unsafe { bindings::mutex_lock(core::ptr::null_mut()) };
    // SAFETY: test.
    unsafe { bindings::_printk(core::ptr::null()) };
    // SAFETY: test.
    unsafe { bindings::kmap_local_page(core::ptr::null_mut()) };
}
`)
	ctx := &Context{Index: ix, Path: "/k/drivers/x/x.rs", Rel: "drivers/x/x.rs", Lang: "rust", Text: src, Rust: rustfile.Parse(src)}
	got := map[string]string{}
	for _, f := range Run(ctx, func(id string) bool { return strings.HasPrefix(id, "bindings-") }) {
		got[f.Check+" "+string(src[f.Range.Start:f.Range.End])] = f.Message
	}
	want := map[string]string{
		"bindings-direct bindings::mutex_lock":              "direct use of bindings::mutex_lock in a module: use the safe `kernel::sync::Mutex::lock`",
		"bindings-direct bindings::_printk":                 "direct use of bindings::_printk in a module: use the safe `kernel::pr_err`, `kernel::pr_info`, `kernel::pr_warn` (and 1 more)",
		"bindings-no-abstraction bindings::kmap_local_page": "bindings::kmap_local_page has no safe abstraction in the kernel crate yet; unsafe kernel APIs that wrap it: `kernel::page::Page::read_raw`",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
