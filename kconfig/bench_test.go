// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig"
)

// BenchmarkLoadTree parses and resolves the whole 6.12 Kconfig tree: the x86 source chain,
// then every other Kconfig* file (1,812 files). Compare with BenchmarkReadBytes, the floor:
// the same walk and reads without parsing.
func BenchmarkLoadTree(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	for b.Loop() {
		tr, err := kconfig.Load(root, kconfig.Options{AllFiles: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(tr.Files) < 1000 {
			b.Fatalf("only %d files", len(tr.Files))
		}
	}
}

// BenchmarkLoadChain is Load without AllFiles: only what conf reads for x86.
func BenchmarkLoadChain(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kconfig.Load(root, kconfig.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadBytes walks the tree and reads every Kconfig* file: the floor for
// BenchmarkLoadTree.
func BenchmarkReadBytes(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	for b.Loop() {
		n, size := 0, 0
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "Kconfig") {
				return nil
			}
			src, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			n++
			size += len(src)
			return nil
		})
		if n < 1000 {
			b.Fatalf("only %d files", n)
		}
		b.SetBytes(int64(size))
	}
}

// BenchmarkParseFiles parses the bytes already in memory, one goroutine: the parser alone.
func BenchmarkParseFiles(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	type file struct {
		name string
		src  []byte
	}
	var files []file
	size := 0
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "Kconfig") {
			src, _ := os.ReadFile(p)
			files = append(files, file{p, src})
			size += len(src)
		}
		return nil
	})
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			kconfig.ParseFile(f.name, f.src)
		}
	}
}
