// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/kconfig"
)

// TestParseKconfigReuse: on a real tree, the Kconfig checks' parse of every Kconfig file as it
// is on disk is Load's own (no second parse), with the errors and entries a fresh
// kconfig.ParseFile gives; an edited text is parsed afresh.
func TestParseKconfigReuse(t *testing.T) {
	w := realWorld(t, "6.12")
	type summary struct {
		Errs  []string
		Nodes []string
	}
	sum := func(f *kconfig.File, errs []kconfig.Error) summary {
		var s summary
		for _, e := range errs {
			s.Errs = append(s.Errs, e.Msg+" "+e.Range.String())
		}
		f.Walk(func(n *kconfig.Node) bool {
			s.Nodes = append(s.Nodes, n.Name+" "+n.NameRange.String())
			return true
		})
		return s
	}
	files, reused := 0, 0
	_ = filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "Kconfig") {
			return err
		}
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files++
		f, errs := w.parseKconfig(p, text)
		if f == w.Tree.Files[w.Rel(p)] {
			reused++
		}
		f2, errs2 := kconfig.ParseFile(p, text)
		if diff := cmp.Diff(sum(f2, errs2), sum(f, errs)); diff != "" {
			t.Errorf("%s: reused parse differs (-fresh +reused):\n%s", p, diff)
		}
		edited := append(append([]byte(nil), text...), "\nconfig KRLS_EDITED\n\tbool\n"...)
		if f3, _ := w.parseKconfig(p, edited); f3 == f {
			t.Errorf("%s: an edited text got the parse of the file on disk", p)
		}
		return nil
	})
	if files == 0 || reused != files {
		t.Errorf("%d of %d Kconfig files reused Load's parse", reused, files)
	}
}

// TestRustFiles: the .rs listing of a folder follows entries added and removed (which change
// the folder's time), and a folder changed within the last moments is listed afresh each time.
func TestRustFiles(t *testing.T) {
	dir := t.TempDir()
	w := &World{listings: map[string]rustListing{}}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		name   string
		create string // a file or folder (ending in /) created before listing
		remove string
		mtime  time.Time // the folder's time after the change; zero: now
		want   []string
	}{
		{"empty", "", "", t0, nil},
		{"a module", "a.rs", "", t0.Add(time.Second), []string{"a.rs"}},
		{"a C file and a folder named .rs", "b.c", "", t0.Add(2 * time.Second), []string{"a.rs"}},
		{"folder", "d.rs/", "", t0.Add(3 * time.Second), []string{"a.rs"}},
		{"second module, fresh folder time", "c.rs", "", time.Time{}, []string{"a.rs", "c.rs"}},
		{"removed", "", "a.rs", time.Time{}, []string{"c.rs"}},
		{"removed, old time again", "", "c.rs", t0.Add(4 * time.Second), nil},
	}
	for _, s := range steps {
		if s.create != "" {
			var err error
			if strings.HasSuffix(s.create, "/") {
				err = os.Mkdir(filepath.Join(dir, s.create), 0o755)
			} else {
				err = os.WriteFile(filepath.Join(dir, s.create), nil, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if s.remove != "" {
			if err := os.Remove(filepath.Join(dir, s.remove)); err != nil {
				t.Fatal(err)
			}
		}
		if !s.mtime.IsZero() {
			if err := os.Chtimes(dir, s.mtime, s.mtime); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 { // the second call may come from the cache
			if diff := cmp.Diff(s.want, w.rustFiles(dir)); diff != "" {
				t.Errorf("%s: (-want +got):\n%s", s.name, diff)
			}
		}
	}
	if got := w.rustFiles(filepath.Join(dir, "missing")); got != nil {
		t.Errorf("missing folder: %v", got)
	}
}

// TestRustNames: the getdents listing gives what os.ReadDir gives, on a crafted folder (a
// folder named .rs, links) and on every folder of the real tree.
func TestRustNames(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.rs", "a.rs", "c.c", ".rs", "x.rs.orig"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "d.rs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"a.rs", "link.rs"}, {"d.rs", "dirlink.rs"}, {"missing", "dangling.rs"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	dirs := []string{dir, filepath.Join(dir, "missing")}
	_ = filepath.WalkDir(realWorld(t, "6.12").Root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for _, d := range dirs {
		want, werr := readRustNames(d)
		got, gerr := rustNames(nil, d)
		if diff := cmp.Diff(want, got); diff != "" || (werr == nil) != (gerr == nil) {
			t.Errorf("%s: error %v, want %v; (-want +got):\n%s", d, gerr, werr, diff)
		}
	}
	if got, _ := rustNames(nil, dir); len(got) != 6 {
		t.Errorf("crafted folder: %v, want the 6 non-folder .rs names", got)
	}
}
