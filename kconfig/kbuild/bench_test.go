// SPDX-License-Identifier: GPL-2.0-only

package kbuild_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig/kbuild"
)

// BenchmarkParseAll parses every Makefile and Kbuild file of the 6.12 tree, read once before
// the loop: what `krls lint` of a whole tree pays for Makefiles (~3,000 files, 2.7 MB).
func BenchmarkParseAll(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	type file struct {
		path string
		src  []byte
	}
	var files []file
	size := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (d.Name() != "Makefile" && d.Name() != "Kbuild") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{p, src})
		size += len(src)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(files) == 0 {
		b.Fatal("no Makefile or Kbuild file")
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range files {
			kbuild.Parse(f.path, f.src)
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}
