// SPDX-License-Identifier: GPL-2.0-only

package kbuild

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCache: a Makefile is parsed once while unchanged, again after an edit (size or time),
// and the Kbuild file that appears later takes precedence as in ReadMakefile.
func TestCache(t *testing.T) {
	dir := t.TempDir()
	mkPath := filepath.Join(dir, "Makefile")
	write := func(p, text string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	objs := func(m *Makefile) []string {
		var out []string
		for _, a := range m.Assigns {
			for _, w := range a.Words {
				out = append(out, w.Text)
			}
		}
		return out
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewCache()
	steps := []struct {
		name, file, text string
		mtime            time.Time
		want             []string
		same             bool // the same *Makefile as the step before
	}{
		{"first read", mkPath, "obj-y += a.o\n", t0, []string{"a.o"}, false},
		{"unchanged", "", "", t0, []string{"a.o"}, true},
		{"same size, new time", mkPath, "obj-y += b.o\n", t0.Add(time.Second), []string{"b.o"}, false},
		{"new size, same time", mkPath, "obj-y += bc.o\n", t0.Add(time.Second), []string{"bc.o"}, false},
		{"Kbuild appears", filepath.Join(dir, "Kbuild"), "obj-m := k.o\n", t0, []string{"k.o"}, false},
		{"Kbuild unchanged", "", "", t0, []string{"k.o"}, true},
	}
	var prev *Makefile
	for _, s := range steps {
		if s.file != "" {
			write(s.file, s.text, s.mtime)
		}
		m, _, err := c.ReadMakefile(dir)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if diff := cmp.Diff(s.want, objs(m)); diff != "" {
			t.Errorf("%s: objects (-want +got):\n%s", s.name, diff)
		}
		if (m == prev) != s.same {
			t.Errorf("%s: reused the previous parse = %v, want %v", s.name, m == prev, s.same)
		}
		prev = m
	}
	if m, _, err := (*Cache)(nil).ReadMakefile(t.TempDir()); m != nil || err == nil {
		t.Errorf("empty folder: %v, %v; want nil and an error", m, err)
	}
}
