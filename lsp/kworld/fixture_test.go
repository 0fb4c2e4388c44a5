// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/lsp/check"
)

// fixtureTree writes the files of a txtar archive (except want/) into a temporary tree and
// returns its root and the archive.
func fixtureTree(t *testing.T, name string) (string, *txtar.Archive) {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, ar
}

func fixtureWorld(t *testing.T) (*World, *txtar.Archive) {
	t.Helper()
	root, ar := fixtureTree(t, "tree.txtar")
	w, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	return w, ar
}

func TestFixtureFindings(t *testing.T) {
	w, _ := fixtureWorld(t)
	got := runAll(t, w, ".")
	want := []string{
		"config-unknown drivers/foo/Makefile:6 CONFIG_FOO_MISSING is defined in no Kconfig file of this tree",
		"config-unknown drivers/foo/good.rs:13 CONFIG_FOO_TYPO is defined in no Kconfig file of this tree",
		"kconfig-module-name drivers/foo/Kconfig:18 Kbuild builds helped for FOO_WRONGHELP, not wrong_name",
		"kconfig-rust-dep drivers/foo/Kconfig:7 FOO_NODEP builds nodep.rs but does not depend on RUST",
		"kconfig-syntax drivers/foo/Kconfig:25 " + syntaxMsg(t, w, "drivers/foo/Kconfig"),
		"module-name-mismatch drivers/foo/helped.rs:3 Kbuild builds this file into module helped (Makefile), but module! names it helped_mod",
		"module-not-built drivers/foo/orphan.rs:1 no line of drivers/foo/Makefile builds orphan.o: the module is never compiled",
		"module-not-built samples/rust/rust_new.rs:1 no line of samples/rust/Makefile builds rust_new.o: the module is never compiled",
		"object-no-source drivers/foo/Makefile:5 cdrv_typo.o has no source: no cdrv_typo.c, cdrv_typo.rs, cdrv_typo.S, composite or folder",
		"object-no-source samples/rust/Makefile:4 rust_minmal.o has no source: no rust_minmal.c, rust_minmal.rs, rust_minmal.S, composite or folder",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestObjectsFromRules: objects built by rules, composites in included fragments and paths
// relative to an including Makefile are not reported (objects.txtar says where each comes
// from); the typo is.
func TestObjectsFromRules(t *testing.T) {
	root, _ := fixtureTree(t, "objects.txtar")
	w, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	got := append(runAll(t, w, "d"), runAll(t, w, "e")...)
	want := []string{"object-no-source d/Makefile:2 typo.o has no source: no typo.c, typo.rs, typo.S, composite or folder",
		"object-no-source e/Makefile:1 ghost.o has no source: no ghost.c, ghost.rs, ghost.S, composite or folder",
		"object-no-source e/Makefile:3 part_gone.o has no source: no part_gone.c, part_gone.rs, part_gone.S, composite or folder"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// syntaxMsg is the parser's message for the broken line, whatever its wording.
func syntaxMsg(t *testing.T, w *World, rel string) string {
	t.Helper()
	text, err := os.ReadFile(w.Abs(rel))
	if err != nil {
		t.Fatal(err)
	}
	fs := runSyntax(&check.Context{Path: w.Abs(rel), Text: text})
	if len(fs) != 1 {
		t.Fatalf("want one syntax error in %s, got %v", rel, fs)
	}
	return fs[0].Message
}

// TestAddModuleFix applies the fix of module-not-built to the files it edits and compares them
// with the archive's want/ sections: inside `if SAMPLES_RUST` without `depends on RUST`, at the
// end of a flat Kconfig with it.
func TestAddModuleFix(t *testing.T) {
	w, ar := fixtureWorld(t)
	wants := map[string]string{}
	for _, f := range ar.Files {
		if r, ok := strings.CutPrefix(f.Name, "want/"); ok {
			wants[r] = string(f.Data)
		}
	}
	for _, file := range []string{"samples/rust/rust_new.rs", "drivers/foo/orphan.rs"} {
		t.Run(file, func(t *testing.T) {
			text, err := os.ReadFile(w.Abs(file))
			if err != nil {
				t.Fatal(err)
			}
			fs := runNotBuilt(&check.Context{Path: w.Abs(file), Lang: LangRust, Text: text, Kconfig: w})
			if len(fs) != 1 || len(fs[0].Fixes) != 1 {
				t.Fatalf("want one finding with one fix, got %+v", fs)
			}
			byPath := map[string][]check.Edit{}
			for _, e := range fs[0].Fixes[0].Edits {
				byPath[e.Path] = append(byPath[e.Path], e)
			}
			var paths []string
			for p := range byPath {
				paths = append(paths, w.Rel(p))
			}
			sort.Strings(paths)
			dir := filepath.Dir(file)
			if diff := cmp.Diff([]string{dir + "/Kconfig", dir + "/Makefile"}, paths); diff != "" {
				t.Fatalf("edited files (-want +got):\n%s", diff)
			}
			for _, rel := range paths {
				old, _ := os.ReadFile(w.Abs(rel))
				got := string(applyEdits(old, byPath[w.Abs(rel)]))
				if diff := cmp.Diff(wants[rel], got); diff != "" {
					t.Errorf("%s after the fix (-want +got):\n%s", rel, diff)
				}
			}
		})
	}
}

// applyEdits applies edits to another file (check.Apply skips those with a Path).
func applyEdits(text []byte, es []check.Edit) []byte {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Range.Start > es[j].Range.Start })
	out := append([]byte(nil), text...)
	for _, e := range es {
		out = append(out[:e.Range.Start:e.Range.Start], append([]byte(e.NewText), out[e.Range.End:]...)...)
	}
	return out
}

// TestConcurrent shares one World between goroutines (run with -race): the Makefile cache, the
// reference index and the Kconfig tree's lazy index fill under their locks.
func TestConcurrent(t *testing.T) {
	w, _ := fixtureWorld(t)
	mk := []byte("obj-$(CONFIG_FOO_GOOD) += good.o\n")
	done := make(chan []string)
	for range 8 {
		go func() {
			var out []string
			for _, l := range w.References("FOO_GOOD", true) {
				out = append(out, w.Rel(l.Path))
			}
			w.Hover(LangMakefile, "", mk, 10)
			w.Complete(LangMakefile, mk, len("obj-$(CONFIG_FOO"))
			w.MakefileLines(w.Abs("drivers/foo/good.rs"))
			done <- out
		}()
	}
	first := <-done
	for range 7 {
		if diff := cmp.Diff(first, <-done); diff != "" {
			t.Errorf("references differ between goroutines:\n%s", diff)
		}
	}
	want := []string{"drivers/foo/Kconfig", "drivers/foo/Makefile", "drivers/foo/good.rs"}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

// TestOutOfTree: an out-of-tree module folder (outside the World's root) with a Makefile in
// the KERNELRELEASE style: a second module file nothing builds is reported, and the fix adds
// an obj-m line next to the other (no Kconfig edit); the built one is checked for its name.
func TestOutOfTree(t *testing.T) {
	w, _ := fixtureWorld(t)
	dir := t.TempDir()
	mk := "ifneq ($(KERNELRELEASE),)\nobj-m := rust_oot.o\nelse\nKDIR ?= /lib/modules/$(shell uname -r)/build\ndefault:\n\t$(MAKE) -C $(KDIR) M=$$PWD\nendif\n"
	files := map[string]string{
		"Makefile":    mk,
		"rust_oot.rs": "module! {\n    type: Oot,\n    name: \"oot\",\n    license: \"GPL\",\n}\n",
		"second.rs":   "module! {\n    type: Second,\n    name: \"second\",\n    license: \"GPL\",\n}\n",
	}
	for n, data := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, n := range []string{"rust_oot.rs", "second.rs"} {
		p := filepath.Join(dir, n)
		for _, f := range check.Run(&check.Context{Path: p, Lang: LangRust, Text: []byte(files[n]), Kconfig: w},
			func(id string) bool { return kworldChecks()[id] }) {
			got = append(got, n+" "+f.Check)
			for _, fx := range f.Fixes {
				for _, e := range fx.Edits {
					b, _ := os.ReadFile(e.Path)
					got = append(got, filepath.Base(e.Path)+":\n"+string(applyEdits(b, []check.Edit{e})))
				}
			}
		}
	}
	want := []string{
		"rust_oot.rs module-name-mismatch",
		"second.rs module-not-built",
		"Makefile:\n" + strings.Replace(mk, "obj-m := rust_oot.o\n", "obj-m := rust_oot.o\nobj-m += second.o\n", 1),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
