// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// Loading with recycled read buffers gives the same files, symbols and errors as without:
// nothing parsed points into a file's bytes.
func TestLoadReuseBuffers(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	plain, err := Load(root, Options{AllFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	reused, err := Load(root, Options{AllFiles: true, ReuseBuffers: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Files) < 1000 {
		t.Fatalf("only %d files", len(plain.Files))
	}
	for rel, f := range plain.Files {
		if diff := cmp.Diff(f, reused.Files[rel]); diff != "" {
			t.Fatalf("%s (-plain +reused):\n%s", rel, diff)
		}
	}
	if diff := cmp.Diff(plain.Errors, reused.Errors); diff != "" {
		t.Errorf("errors (-plain +reused):\n%s", diff)
	}
	for name, s := range plain.Symbols {
		r := reused.Symbols[name]
		if r == nil || len(r.Defs) != len(s.Defs) || len(r.SelectedBy) != len(s.SelectedBy) {
			t.Fatalf("symbol %s differs", name)
		}
		if diff := cmp.Diff(plain.Deps(name).String(), reused.Deps(name).String()); diff != "" {
			t.Fatalf("dependency of %s (-plain +reused):\n%s", name, diff)
		}
	}
}
