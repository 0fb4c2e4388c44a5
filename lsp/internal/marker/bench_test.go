// SPDX-License-Identifier: GPL-2.0-only

package marker_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/definition"
	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/rustfile"
)

// bigModule returns a module of about 2,000 lines: rnull.rs of the real tree (uses, module!,
// kernel:: paths) followed by copies of a function body calling bindings, with SAFETY
// comments and without.
func bigModule(b *testing.B, root string) []byte {
	data, err := os.ReadFile(filepath.Join(root, "drivers/block/rnull.rs"))
	if err != nil {
		b.Fatal(err)
	}
	var s strings.Builder
	s.Write(data)
	for i := 0; strings.Count(s.String(), "\n") < 2000; i++ {
		fmt.Fprintf(&s, `
fn f%[1]d(m: *mut bindings::mutex) -> Result<u32> {
    // SAFETY: m is valid.
    unsafe { bindings::mutex_lock(m) };
    let v = KVec::<u32>::with_capacity(%[1]d, flags::GFP_KERNEL)?;
    pr_info!("{} {}\n", v.len(), unsafe { bindings::jiffies });
    Ok(%[1]d)
}
`, i)
	}
	return []byte(s.String())
}

func benchSetup(b *testing.B) ([]byte, func(string) int) {
	ix := realIndex(b, "6.12")
	text := bigModule(b, ix.Root)
	return text, func(s string) int {
		i := strings.Index(string(text), s)
		if i < 0 {
			b.Fatalf("%q not in the benchmark file", s)
		}
		return i
	}
}

func BenchmarkParse(b *testing.B) {
	text, _ := benchSetup(b)
	for b.Loop() {
		rustfile.Parse(text)
	}
	b.ReportMetric(float64(strings.Count(string(text), "\n")), "lines")
}

// BenchmarkHover hovers a kernel path, a bindings path and a module! key of a parsed
// 2,000-line file.
func BenchmarkHover(b *testing.B) {
	text, at := benchSetup(b)
	ix := realIndex(b, "6.12")
	f := rustfile.Parse(text)
	offs := []int{at("GenDisk}") + 2, at("bindings::mutex_lock") + 12, at("license:") + 2, at("KVec::<u32>") + 1}
	for b.Loop() {
		for _, o := range offs {
			if r, _ := hover.Rust(ix, f, text, o); r == nil {
				b.Fatalf("no hover at %d", o)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(offs)), "ns/hover")
}

func BenchmarkCompletion(b *testing.B) {
	text, at := benchSetup(b)
	ix := realIndex(b, "6.12")
	f := rustfile.Parse(text)
	off := at("license: \"GPL v2\",\n") + len("license: \"GPL v2\",\n")
	for b.Loop() {
		if items, _ := completion.Rust(ix, f, text, off); len(items) == 0 {
			b.Fatal("no completion")
		}
	}
}

// BenchmarkPathCompletion completes `kernel::prelude::` (re-exports: a scan of the aliases)
// and `bindings::` (tens of thousands of children, cut to the first ones).
func BenchmarkPathCompletion(b *testing.B) {
	ix := realIndex(b, "6.12")
	text := []byte("use kernel::prelude::*;\nfn f() { kernel::prelude::; bindings::; }\n")
	f := rustfile.Parse(text)
	offs := []int{strings.Index(string(text), "prelude::;") + 9, strings.Index(string(text), "bindings::;") + 10}
	for b.Loop() {
		for _, o := range offs {
			if items, _ := completion.Rust(ix, f, text, o); len(items) == 0 {
				b.Fatalf("no completion at %d", o)
			}
		}
	}
}

func BenchmarkDefinition(b *testing.B) {
	text, at := benchSetup(b)
	ix := realIndex(b, "6.12")
	f := rustfile.Parse(text)
	off := at("GenDisk}") + 2
	for b.Loop() {
		if locs, _ := definition.Rust(ix, f, text, off); len(locs) == 0 {
			b.Fatal("no definition")
		}
	}
}

// BenchmarkEdit is what the server does on each keystroke: parse, then run every check.
func BenchmarkEdit(b *testing.B) {
	text, _ := benchSetup(b)
	ix := realIndex(b, "6.12")
	for b.Loop() {
		ctx := &check.Context{Index: ix, Path: "/x/drivers/block/big.rs", Rel: "drivers/block/big.rs", Lang: "rust", Text: text}
		if len(check.Run(ctx, nil)) == 0 {
			b.Fatal("no findings")
		}
	}
}
