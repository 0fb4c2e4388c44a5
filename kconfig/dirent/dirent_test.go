// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

// Read gives what os.ReadDir gives, names and types, on every folder of the real tree and
// on a folder holding every kind of entry.
func TestReadMatchesReadDir(t *testing.T) {
	odd := t.TempDir()
	for _, f := range []string{"a.rs", "Kconfig", ".hidden"} {
		if err := os.WriteFile(filepath.Join(odd, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Mkdir(filepath.Join(odd, "sub"), 0o755)
	_ = os.Symlink("a.rs", filepath.Join(odd, "link"))
	_ = os.Symlink("missing", filepath.Join(odd, "dangling"))
	_ = os.Symlink(".", filepath.Join(odd, "loop"))
	dirs := []string{odd}
	root := kerneltest.Tree(t, "6.12")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if len(dirs) < 100 {
		t.Fatalf("only %d folders in %s", len(dirs), root)
	}
	for _, dir := range dirs {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, e := range ents {
			want = append(want, e.Name()+" "+e.Type().String())
		}
		if err := Read(dir, func(name []byte, typ fs.FileMode) { got = append(got, string(name)+" "+typ.String()) }); err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s (-ReadDir +Read):\n%s", dir, diff)
		}
	}
	if err := Read(filepath.Join(odd, "a.rs"), func([]byte, fs.FileMode) {}); err == nil {
		t.Error("Read of a file: no error")
	}
}
