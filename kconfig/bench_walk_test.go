// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/dirent"
)

// BenchmarkLoadTreeLint loads the whole 6.12 tree as `krls lint` does: recycled file buffers, a
// Parsed hook, the folders listed already (a warm snapshot). Against BenchmarkParseFiles it
// measures what Load costs beyond parsing: the walk and the symbol table.
func BenchmarkLoadTreeLint(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	snap := dirent.NewSnapshot()
	opts := kconfig.Options{AllFiles: true, ReuseBuffers: true, Listing: snap,
		Parsed: func(string, []byte, *kconfig.File, []kconfig.Error) {}}
	if _, err := kconfig.Load(root, opts); err != nil { // fills the snapshot
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tr, err := kconfig.Load(root, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.Files) < 1000 {
			b.Fatalf("only %d files", len(tr.Files))
		}
	}
}
