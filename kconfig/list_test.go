// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/kconfig/dirent"
)

func listed(root string, list func(string, func(string))) []string {
	var out []string
	list(root, func(rel string) { out = append(out, rel) })
	sort.Strings(out)
	return out
}

// TestListKconfig: the Linux listing finds what filepath.WalkDir finds, on a crafted tree
// (hidden folders, symbolic links, a folder named Kconfig, a FIFO, an unreadable folder) and
// on the real trees.
func TestListKconfig(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"Kconfig", "a/Kconfig", "a/Kconfig.debug", "a/Kconfig-x", "a/Makefile", ".git/Kconfig",
		"a/.hidden/Kconfig", "a/.Kconfig", "b/c/d/Kconfig.rust", "Kconfig.d/x", "locked/Kconfig"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("Kconfig", filepath.Join(dir, "a/Kconfig.link")))
	must(os.Symlink("../b", filepath.Join(dir, "a/blink")))
	must(syscall.Mkfifo(filepath.Join(dir, "a/Kconfig.fifo"), 0o644))
	must(os.Chmod(filepath.Join(dir, "locked"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "locked"), 0o755) })

	roots := []string{dir, filepath.Join(dir, "a"), filepath.Join(dir, "a/Kconfig.link"), filepath.Join(dir, "missing")}
	for _, env := range []string{"KRLS_KERNEL_6_12", "KRLS_KERNEL_6_1"} {
		if r := os.Getenv(env); r != "" {
			roots = append(roots, r)
		}
	}
	for _, root := range roots {
		want := listed(root, walkKconfig)
		plain := func(root string, visit func(string)) { listKconfig(root, nil, visit) }
		if diff := cmp.Diff(want, listed(root, plain)); diff != "" {
			t.Errorf("%s (-WalkDir +listKconfig):\n%s", root, diff)
		}
		// Through a snapshot, twice: the second listing comes from memory.
		snap := dirent.NewSnapshot()
		for pass := 0; pass < 2; pass++ {
			viaSnap := func(root string, visit func(string)) { listKconfig(root, snap, visit) }
			if diff := cmp.Diff(want, listed(root, viaSnap)); diff != "" {
				t.Errorf("%s, pass %d (-WalkDir +listKconfig with a snapshot):\n%s", root, pass, diff)
			}
		}
		if root == dir && len(want) != 5 && os.Getuid() != 0 {
			t.Errorf("the crafted tree lists %v, want 5 files", want)
		}
	}
}
