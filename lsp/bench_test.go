// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/source"
)

// BenchmarkDiagnostics2000 is the work behind one publishDiagnostics of a 2,000-line module
// on the real 6.12 index, in-process (the e2e benchmark adds the transport and the scheduler):
// apply an edit, parse, run every check, map the findings to UTF-16.
func BenchmarkDiagnostics2000(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	tree, err := index.Locate(index.LocateOptions{Kernel: root})
	if err != nil {
		b.Fatal(err)
	}
	ix, _, err := index.Open(context.Background(), tree, filepath.Join(b.TempDir(), "ix.db"), false)
	if err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "samples/rust/rust_minimal.rs"))
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.Write(src)
	for i := 0; strings.Count(sb.String(), "\n") < 2000; i++ {
		fmt.Fprintf(&sb, "\nfn helper_%d(x: u32) -> u32 {\n    let y = x + %d; // Björn 😀\n", i, i)
		if i%10 == 0 {
			sb.WriteString("    // SAFETY: benchmark.\n    unsafe { bindings::mutex_lock(core::ptr::null_mut()) };\n")
		}
		sb.WriteString("    y\n}\n")
	}
	s := New(Options{})
	doc := source.NewDocument(source.URI(filepath.Join(root, "samples/rust/krls_bench.rs")), 1, "rust", sb.String())
	s.check(context.Background(), doc, ix, Settings{}) // warm: the Kconfig model loads once
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := doc.Apply(int32(i+2), []source.Change{{Text: doc.Text() + " "}})
		if err != nil {
			b.Fatal(err)
		}
		diags, _ := s.check(context.Background(), d, ix, Settings{})
		if len(diags) == 0 {
			b.Fatal("no diagnostics")
		}
	}
}
