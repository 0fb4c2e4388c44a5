// SPDX-License-Identifier: GPL-2.0-only

package dirent

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
)

func listWith(t *testing.T, read func(string, func([]byte, fs.FileMode)) error, dir string) ([]string, error) {
	t.Helper()
	var out []string
	err := read(dir, func(name []byte, typ fs.FileMode) { out = append(out, string(name)+" "+typ.String()) })
	sort.Strings(out)
	return out, err
}

// A snapshot gives what Read gives, for every folder of the real tree, from the disk the
// first time and from memory the second.
func TestSnapshotMatchesRead(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	var dirs []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	s := NewSnapshot()
	for pass := 0; pass < 2; pass++ {
		for _, dir := range dirs {
			want, err := listWith(t, Read, dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := listWith(t, s.Read, dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("pass %d, %s (-Read +Snapshot.Read):\n%s", pass, dir, diff)
			}
		}
	}
	if s.Len() != len(dirs) {
		t.Errorf("%d folders in the snapshot, want %d", s.Len(), len(dirs))
	}
}

// The snapshot keeps the first listing: later changes on disk are not seen, the error of a
// failed read is given again, and a nil snapshot reads the disk each time.
func TestSnapshotKeepsFirstListing(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.rs")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.rs", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	s := NewSnapshot()
	first, err := listWith(t, s.Read, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.rs ----------", "link L---------", "sub d---------"}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Fatalf("first listing (-want +got):\n%s", diff)
	}
	write("b.rs")
	again, _ := listWith(t, s.Read, dir)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("the snapshot saw a change (-first +again):\n%s", diff)
	}
	var nilSnap *Snapshot
	fresh, _ := listWith(t, nilSnap.Read, dir)
	if len(fresh) != 4 {
		t.Errorf("nil snapshot: %v, want the 4 entries on disk", fresh)
	}
	missing := filepath.Join(dir, "missing")
	for i := 0; i < 2; i++ {
		if _, err := listWith(t, s.Read, missing); err == nil {
			t.Errorf("read %d of a missing folder: no error", i)
		}
	}
}

// Many goroutines asking for the same folders get the same listings (run with -race).
func TestSnapshotConcurrent(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"x", "y", "z"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := NewSnapshot()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			if err := s.Read(dir, func([]byte, fs.FileMode) { n++ }); err != nil || n != 3 {
				t.Errorf("%d entries, error %v", n, err)
			}
		}()
	}
	wg.Wait()
}
