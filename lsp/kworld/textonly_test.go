// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/rustfile"
)

// The checks marked TextOnly find the same with and without the Rust parse (check.Run parses
// no Rust for them), on every .rs file of the crafted tree and the real 6.12 tree.
func TestTextOnlyChecks(t *testing.T) {
	var ids []string
	for _, c := range check.All() {
		if c.TextOnly {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no TextOnly check")
	}
	enabled := func(id string) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	fixture, _ := fixtureWorld(t)
	real, err := Load(kerneltest.Tree(t, "6.12"), "")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, w := range []*World{fixture, real} {
		_ = filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rs") {
				return err
			}
			text, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			bare := &check.Context{Path: p, Rel: w.Rel(p), Lang: LangRust, Text: text, Kconfig: w}
			parsed := &check.Context{Path: p, Rel: w.Rel(p), Lang: LangRust, Text: text, Kconfig: w, Rust: rustfile.Parse(text)}
			got := check.Run(bare, enabled)
			if bare.Rust != nil {
				t.Errorf("%s: check.Run parsed the file for %v", p, ids)
			}
			if diff := cmp.Diff(check.Run(parsed, enabled), got); diff != "" {
				t.Errorf("%s (-parsed +text only):\n%s", p, diff)
			}
			found += len(got)
			return nil
		})
	}
	if found == 0 {
		t.Error("no finding to compare")
	}
	t.Logf("%v: %d findings compared", ids, found)
}
