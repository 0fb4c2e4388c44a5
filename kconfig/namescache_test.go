// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The names cache gives the names of unchanged Kconfig files without reading them and reads
// changed, new and too recent ones; removed files drop out.
func TestNamesCache(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string, age time.Duration) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if age > 0 {
			when := time.Now().Add(-age)
			if err := os.Chtimes(p, when, when); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("Kconfig", "config TOP\n\tbool\nsource \"a/Kconfig\"\n", time.Hour)
	write("a/Kconfig", "config A1\n\thelp\n\t  config NOT\n", time.Hour)
	write("b/Kconfig.debug", "menuconfig B1\n", time.Hour)
	store := filepath.Join(t.TempDir(), "t.kcnames")
	run := func(wantFresh int, want ...string) {
		t.Helper()
		c, _ := LoadNamesCache(store)
		got, err := LoadNames(root, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		wm := map[string]bool{}
		for _, n := range want {
			wm[n] = true
		}
		if diff := cmp.Diff(wm, got); diff != "" {
			t.Errorf("names (-want +got):\n%s", diff)
		}
		if c.fresh != wantFresh {
			t.Errorf("%d files read, want %d", c.fresh, wantFresh)
		}
		if c.Changed() != (wantFresh > 0) {
			t.Errorf("Changed() = %v with %d files read", c.Changed(), wantFresh)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
	}
	run(3, "TOP", "A1", "B1")
	run(0, "TOP", "A1", "B1")
	// A changed file (another time, another size), a new file, a removed file.
	write("a/Kconfig", "config A1\nconfig A2\n", 30*time.Minute)
	write("c/Kconfig", "config C1\n", time.Hour)
	if err := os.Remove(filepath.Join(root, "b/Kconfig.debug")); err != nil {
		t.Fatal(err)
	}
	run(2, "TOP", "A1", "A2", "C1")
	run(0, "TOP", "A1", "A2", "C1")
	// Just written: read, and read again next time (not vouched for).
	write("c/Kconfig", "config C2\n", 0)
	run(1, "TOP", "A1", "A2", "C2")
	run(1, "TOP", "A1", "A2", "C2")
	// A damaged cache reads everything.
	if err := os.WriteFile(store, []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(3, "TOP", "A1", "A2", "C2")
}
