// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/kworld"
)

// openTree locates the 6.12 tree and opens its index with the database in dbDir.
func openTree(tb testing.TB, dbDir string) (*index.Tree, *index.Index) {
	tb.Helper()
	root := kerneltest.Tree(tb, "6.12")
	tree, err := index.Locate(index.LocateOptions{Kernel: root})
	if err != nil {
		tb.Fatal(err)
	}
	ix, _, err := index.Open(context.Background(), tree, filepath.Join(dbDir, "krls.idx"), false)
	if err != nil {
		tb.Fatal(err)
	}
	return tree, ix
}

// worldOf loads the Kconfig/Kbuild model of a tree, as the command does.
func worldOf(tb testing.TB, tree *index.Tree) *kworld.World {
	tb.Helper()
	w, err := kworld.Load(tree.Root, "")
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// realEnabled runs the registry's checks without this package's test checks.
func realEnabled(id string) bool { return !strings.HasPrefix(id, "test-") }

// BenchmarkLintTree lints the whole 6.12 tree (every .rs, Kconfig and Makefile), as
// `krls lint --kernel DIR DIR` does. warm: the index is loaded once beforehand; cold: each
// run builds the index from scratch (no database) and then lints.
func BenchmarkLintTree(b *testing.B) {
	b.Run("warm", func(b *testing.B) {
		tree, ix := openTree(b, b.TempDir())
		w := worldOf(b, tree)
		b.ResetTimer()
		c0 := cpuTime()
		for b.Loop() {
			res, err := Run(context.Background(), Options{Paths: []string{tree.Root}, Dir: tree.Root, Root: tree.Root, Index: ix, Kconfig: w, Enabled: realEnabled})
			if err != nil || res.Files == 0 {
				b.Fatal(err, res.Files)
			}
		}
		reportCPU(b, c0)
	})
	b.Run("cold", func(b *testing.B) {
		c0 := cpuTime()
		for b.Loop() {
			dir := b.TempDir()
			tree, ix := openTree(b, dir)
			w := worldOf(b, tree)
			res, err := Run(context.Background(), Options{Paths: []string{tree.Root}, Dir: tree.Root, Root: tree.Root, Index: ix, Kconfig: w, Enabled: realEnabled})
			if err != nil || res.Files == 0 {
				b.Fatal(err, res.Files)
			}
		}
		reportCPU(b, c0)
	})
}

// TestLintTree lints the whole 6.12 tree: no file error, no internal error, every file of the
// kinds lint reads is linted (the count comes from a walk of the tree by other means), and
// the samples and drivers, whose unsafe blocks all carry SAFETY comments and which use no
// bindings:: path (checked here by grep), have no finding.
func TestLintTree(t *testing.T) {
	tree, ix := openTree(t, t.TempDir())
	res, err := Run(context.Background(), Options{Paths: []string{tree.Root}, Dir: tree.Root, Root: tree.Root, Index: ix, Kconfig: worldOf(t, tree), Enabled: realEnabled})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("file error: %s: %s", e.Path, e.Message)
	}
	// Oracle: the files by name, with find-like walking, and the generated ones by their head.
	want, generated := 0, 0
	filepath.WalkDir(tree.Root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != tree.Root {
			return filepath.SkipDir
		}
		n := d.Name()
		if d.Type().IsRegular() && (strings.HasSuffix(n, ".rs") || n == "Makefile" || n == "Kbuild" ||
			n == "Kconfig" || strings.HasPrefix(n, "Kconfig.")) {
			want++
			if strings.HasSuffix(n, "_generated.rs") {
				generated++
			}
		}
		return nil
	})
	if res.Files+res.Generated != want || res.Generated != generated {
		t.Errorf("linted %d files and skipped %d generated, want %d and %d", res.Files, res.Generated, want-generated, generated)
	}
	perFile := map[string]int{}
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Message, "krls: check") {
			t.Errorf("internal error of a check: %s:%d: %s", f.Path, f.Line, f.Message)
		}
		if oracleChecks[f.Check] {
			perFile[f.Path]++
		}
		t.Logf("%s:%d:%d: %s: %s [%s]", f.Path, f.Line, f.Col, f.Severity, f.Message, f.Check)
	}
	// The module code of samples/ and drivers/: findings exactly where the grep oracle sees a
	// problem.
	for _, dir := range []string{"samples", "drivers"} {
		filepath.WalkDir(filepath.Join(tree.Root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || !strings.HasSuffix(p, ".rs") {
				return err
			}
			rel, _ := filepath.Rel(tree.Root, p)
			clean := grepClean(t, p)
			if n := perFile[filepath.ToSlash(rel)]; clean && n > 0 || !clean && n == 0 {
				t.Errorf("%s: %d findings, the grep oracle says clean=%v", rel, n, clean)
			}
			return nil
		})
	}
	t.Logf("%d files, %d generated skipped, %d findings", res.Files, res.Generated, len(res.Findings))
}

// oracleChecks are the checks grepClean stands for; the findings of the others are logged.
var oracleChecks = map[string]bool{"unsafe-block-safety": true, "unsafe-impl-safety": true,
	"bindings-direct": true, "bindings-unknown": true, "bindings-no-abstraction": true, "module-license": true}

// grepClean is the oracle for a module's Rust file: no `bindings::` token, a license among the
// GPL-compatible ones, and every line with `unsafe {` preceded, within the three lines above,
// by a `// SAFETY:` comment (or carrying one itself).
var licenseRE = regexp.MustCompile(`^\s*license:\s*b?"([^"]*)"`)

func grepClean(t *testing.T, p string) bool {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.Contains(l, "bindings::") {
			return false
		}
		if m := licenseRE.FindStringSubmatch(l); m != nil && !strings.HasPrefix(m[1], "GPL") && !strings.HasPrefix(m[1], "Dual ") {
			return false
		}
		if strings.Contains(l, "unsafe {") {
			ok := strings.Contains(l, "SAFETY:")
			for j := max(0, i-3); j < i; j++ {
				ok = ok || strings.Contains(lines[j], "// SAFETY:")
			}
			if !ok {
				return false
			}
		}
	}
	return true
}
