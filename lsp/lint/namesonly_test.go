// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"krls.dev/krls/index/kerneltest"
	direntpkg "krls.dev/krls/kconfig/dirent"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/kworld"
)

// The checks kworld.NeedsTree calls tree-free find on a NamesOnly World exactly what they
// find on the full model, over the whole real trees; the others need the tree.
func TestNamesOnlyWorld(t *testing.T) {
	// The Kconfig/Kbuild checks that claim to be tree-free (the others of the registry never
	// look at the World).
	kworldChecks := map[string]bool{"config-unknown": true, "kconfig-syntax": true, "object-no-source": true,
		"kconfig-rust-dep": true, "module-not-built": true, "kconfig-module-name": true, "module-name-mismatch": true}
	var free []string
	for _, c := range check.All() {
		if kworldChecks[c.ID] && !kworld.NeedsTree(func(id string) bool { return id == c.ID }) {
			free = append(free, c.ID)
		}
	}
	if diff := cmp.Diff([]string{"config-unknown", "kconfig-syntax", "object-no-source"}, free,
		cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("tree-free checks (-want +got):\n%s", diff)
	}
	for _, id := range []string{"kconfig-rust-dep", "module-not-built", "kconfig-module-name", "module-name-mismatch"} {
		if !kworld.NeedsTree(func(x string) bool { return x == id }) {
			t.Errorf("%s is called tree-free", id)
		}
	}
	// The crafted tree of package kworld's tests (one problem of each kind), then the real trees
	// (where these checks find nothing: the comparison there is of the no-false-positive kind).
	fixture := t.TempDir()
	ar, err := txtar.ParseFile("../kworld/testdata/tree.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		p := filepath.Join(fixture, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, ver := range []string{"fixture", "6.12", "6.1"} {
		root := fixture
		if ver != "fixture" {
			root = kerneltest.Tree(t, ver)
		}
		full, err := kworld.LoadWith(root, "", kworld.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		snap := direntpkg.NewSnapshot()
		names, err := kworld.LoadWith(root, "", kworld.LoadOptions{NamesOnly: true, Listing: snap})
		if err != nil {
			t.Fatal(err)
		}
		if names.Tree != nil {
			t.Fatal("a NamesOnly World has a Tree")
		}
		enabled := func(id string) bool {
			for _, f := range free {
				if f == id {
					return true
				}
			}
			return false
		}
		run := func(w *kworld.World, snap *direntpkg.Snapshot) []Finding {
			res, err := Run(context.Background(), Options{Paths: []string{root}, Dir: root, Root: root,
				Kconfig: w, Enabled: enabled, Listing: snap})
			if err != nil {
				t.Fatal(err)
			}
			return res.Findings
		}
		want, got := run(full, nil), run(names, snap)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: findings of %v (-full model +NamesOnly):\n%s", ver, free, diff)
		}
		per := map[string]int{}
		for _, f := range want {
			per[f.Check]++
		}
		if ver == "fixture" {
			for _, id := range free {
				if per[id] == 0 {
					t.Errorf("the fixture gives no %s finding to compare", id)
				}
			}
		}
		t.Logf("%s: findings %v", ver, per)
	}
}
