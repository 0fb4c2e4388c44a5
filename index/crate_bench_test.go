// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"testing"

	"krls.dev/krls/index/kerneltest"
)

// BenchmarkIndexCrates indexes the kernel and macros crates of 6.12 from scratch: tree-sitter
// over ~0.66 MB of Rust, resolution and the wrapper map.
func BenchmarkIndexCrates(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	for b.Loop() {
		res := IndexCrates(root, nil)
		if len(res.Items) == 0 {
			b.Fatal("no items")
		}
	}
}

// BenchmarkIndexCratesReuse re-indexes with every file reused from a previous run: what an
// edit of one file costs, minus that file's parse.
func BenchmarkIndexCratesReuse(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	prev := map[string]*CrateFile{}
	for _, f := range IndexCrates(root, nil).Files {
		prev[f.Path] = f
	}
	b.ReportAllocs()
	for b.Loop() {
		IndexCrates(root, prev)
	}
}
