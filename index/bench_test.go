// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"krls.dev/krls/index/kerneltest"
)

// The index benchmarks of BENCHMARKS.md (.ci/bench-index.sh runs them beside ctags).

// rustFiles lists what the index reads of a tree: rust/ (kernel and macros crates, helpers)
// and the generated bindings.
func rustFiles(b *testing.B, root string) []string {
	var out []string
	err := filepath.Walk(filepath.Join(root, "rust"), func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			switch filepath.Ext(p) {
			case ".rs", ".c", ".h":
				out = append(out, p)
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkReadBytes is the floor: reading the bytes the index reads, nothing else.
func BenchmarkReadBytes(b *testing.B) {
	files := rustFiles(b, kerneltest.Tree(b, "6.12"))
	var n int64
	defer bgBenchCPU(b)()
	for b.Loop() {
		n = 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			n += int64(len(data))
		}
	}
	b.SetBytes(n)
	b.ReportMetric(float64(len(files)), "files")
}

// BenchmarkBuildCold indexes the Rust part of 6.12 from scratch: the kernel and macros
// crates, the three bindgen outputs, the C helpers, the wrapper map and the module! schema.
func BenchmarkBuildCold(b *testing.B) {
	tr, err := Locate(LocateOptions{Kernel: kerneltest.Tree(b, "6.12")})
	if err != nil {
		b.Fatal(err)
	}
	var ix *Index
	b.ReportAllocs()
	defer bgBenchCPU(b)()
	for b.Loop() {
		if ix, err = Build(context.Background(), tr, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ix.Items)), "items")
}

// BenchmarkOpenWarm opens the index from its database: load, and check that no file changed.
func BenchmarkOpenWarm(b *testing.B) {
	tr, err := Locate(LocateOptions{Kernel: kerneltest.Tree(b, "6.12")})
	if err != nil {
		b.Fatal(err)
	}
	db := filepath.Join(b.TempDir(), "ix.db")
	if _, _, err := Open(context.Background(), tr, db, false); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(db)
	defer bgBenchCPU(b)()
	for b.Loop() {
		_, st, err := Open(context.Background(), tr, db, false)
		if err != nil || st.From != "database" {
			b.Fatalf("Open: %v from %q", err, st.From)
		}
	}
	b.ReportMetric(float64(info.Size())/1e6, "db-MB")
}

// BenchmarkRefreshOneFile re-indexes after one kernel crate file changed: that file is parsed
// again, the rest comes from the previous index.
func BenchmarkRefreshOneFile(b *testing.B) {
	tr, err := Locate(LocateOptions{Kernel: kerneltest.Tree(b, "6.12")})
	if err != nil {
		b.Fatal(err)
	}
	prev, err := Build(context.Background(), tr, nil)
	if err != nil {
		b.Fatal(err)
	}
	// Pretend rust/kernel/sync/lock.rs changed: its cached parse no longer matches.
	stale := *prev
	stale.CrateFiles = nil
	for _, cf := range prev.CrateFiles {
		if cf.Path == "rust/kernel/sync/lock.rs" {
			c := *cf
			c.Hash = "changed"
			cf = &c
		}
		stale.CrateFiles = append(stale.CrateFiles, cf)
	}
	defer bgBenchCPU(b)()
	for b.Loop() {
		if _, err := Build(context.Background(), tr, &stale); err != nil {
			b.Fatal(err)
		}
	}
}
