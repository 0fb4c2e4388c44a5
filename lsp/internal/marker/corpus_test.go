// SPDX-License-Identifier: GPL-2.0-only

package marker_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/rustfile"
)

// TestCorpusChecks runs every check on every .rs file of the real trees. The oracle is the
// kernel build itself: the trees' modules build, so no module-* finding may appear on them,
// and the kernel crate builds against these bindings, so no bindings-unknown either; and no
// check may fail, and every fix must apply to a text that still has the same module
// macros.
func TestCorpusChecks(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			ix := realIndex(t, ver)
			counts := map[string]int{}
			files := 0
			filepath.WalkDir(ix.Root, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rs") || strings.HasSuffix(path, "_generated.rs") {
					return nil
				}
				text, err := os.ReadFile(path)
				if err != nil {
					return nil
				}
				files++
				rel, _ := filepath.Rel(ix.Root, path)
				ctx := &check.Context{Index: ix, Path: path, Rel: filepath.ToSlash(rel), Lang: "rust", Text: text}
				for _, f := range check.Run(ctx, nil) {
					counts[f.Check]++
					if os.Getenv("KRLS_SHOW") != "" {
						t.Logf("%s: %s %q: %s", rel, f.Check, text[f.Range.Start:f.Range.End], f.Message)
					}
					if strings.HasPrefix(f.Message, "krls: check") {
						t.Errorf("%s: %s", rel, f.Message)
					}
					// The kernel crate builds with these bindings, so every name it uses exists.
					if strings.HasPrefix(f.Check, "module-") || f.Check == "bindings-unknown" {
						t.Errorf("%s: %s on a module of the kernel tree: %s", rel, f.Check, f.Message)
					}
					for _, fx := range f.Fixes {
						after := check.Apply(text, fx)
						if len(fx.Edits) > 0 && len(rustfile.Parse(after).Macros) != len(ctx.Rust.Macros) {
							t.Errorf("%s: fix %q changes the module macros", rel, fx.Title)
						}
					}
				}
				return nil
			})
			var ids []string
			for id, n := range counts {
				ids = append(ids, id+"="+itoa(n))
			}
			sort.Strings(ids)
			t.Logf("%s: %d files; findings %v", ver, files, ids)
			if files < 20 {
				t.Errorf("only %d .rs files in %s", files, ix.Root)
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0 || s == ""; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
