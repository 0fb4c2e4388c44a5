// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
)

// BenchmarkTreeSitterOnly parses the 6.12 kernel crate with tree-sitter and nothing else, on
// one goroutine: the floor under BenchmarkIndexCrates on the same machine.
func BenchmarkTreeSitterOnly(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	var srcs [][]byte
	filepath.Walk(filepath.Join(root, "rust", "kernel"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".rs") {
			data, _ := os.ReadFile(p)
			srcs = append(srcs, data)
		}
		return nil
	})
	p := newRustParser()
	defer p.Close()
	start := cpuTime()
	for b.Loop() {
		for _, s := range srcs {
			tree, err := p.ParseCtx(context.Background(), nil, s)
			if err != nil {
				b.Fatal(err)
			}
			tree.Close()
		}
	}
	reportCPU(b, start)
}
