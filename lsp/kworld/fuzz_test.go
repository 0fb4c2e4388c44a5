// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzUses: the CONFIG_ scanners of Rust cfgs and Makefiles and the position features never
// panic, and every use they return names CONFIG_ + its name at its range.
func FuzzUses(f *testing.F) {
	for _, s := range []string{
		"#[cfg(CONFIG_X)]\nfn f() {}", "#[cfg(not(CONFIG_A), all(CONFIG_B = \"y\"))]", "cfg!(CONFIG_", "// #[cfg(CONFIG_X)]",
		"obj-$(CONFIG_FOO) += foo.o # CONFIG_BAR", "ifdef CONFIG_X\nobj-y += a.o\nendif\n", "config X\n\tdepends on Y\n\thelp\n\t  Z\n",
		"source \"a/Kconfig\"\n", "#[cfg(\"CONFIG_X\")]", "\xff\xfeCONFIG_",
	} {
		f.Add(s, len(s)/2)
	}
	w := &World{}
	f.Fuzz(func(t *testing.T, s string, off int) {
		text := []byte(s)
		for _, us := range [][]Use{RustUses(text), MakefileUses(text)} {
			for _, u := range us {
				if u.Start < 0 || u.End > len(text) || string(text[u.Start:u.End]) != "CONFIG_"+u.Name {
					t.Fatalf("use %+v does not match the text %q", u, s)
				}
			}
		}
		for _, lang := range []string{LangRust, LangMakefile} {
			if name, r := w.SymbolAt(lang, text, off); name != "" && !strings.HasSuffix(string(text[r.Start:r.End]), name) {
				t.Fatalf("%s: symbol %q at %v", lang, name, r)
			}
		}
		inKconfigText(text, max(0, min(off, len(text))))
	})
}

// FuzzFeatures: hover, completion, definition and links on any Kconfig or Makefile text never
// panic, and their ranges stay inside the text.
func FuzzFeatures(f *testing.F) {
	root := f.TempDir()
	if err := os.WriteFile(filepath.Join(root, "Kconfig"), []byte("config RUST\n\tbool \"Rust\"\n\nconfig FOO\n\ttristate \"Foo\"\n\tdepends on RUST\n\thelp\n\t  the module will be called foo.\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	w, err := Load(root, "")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"config X\n\tdepends on FOO && !RUST\n\tselect FOO if RUST\n", "obj-$(CONFIG_FOO) += foo.o\nfoo-y := a.o\n",
		"menu \"x\"\n\tvisible if FOO\nendmenu\nsource \"Kconfig\"\n", "\thelp\n\t  FOO \"RUST\n", "ifeq ($(CONFIG_FOO),y)\nendif\n"} {
		f.Add(s, len(s)/2, true)
		f.Add(s, len(s)/3, false)
	}
	f.Fuzz(func(t *testing.T, s string, off int, kconfigLang bool) {
		lang := LangMakefile
		if kconfigLang {
			lang = LangKconfig
		}
		text := []byte(s)
		off = max(0, min(off, len(text)))
		path := filepath.Join(root, "Makefile")
		if kconfigLang {
			path = filepath.Join(root, "Kconfig.test")
		}
		if md, r := w.Hover(lang, path, text, off); md != "" && (r.Start < 0 || r.End > len(text) || r.Start > r.End) {
			t.Fatalf("hover range %v of %d bytes", r, len(text))
		}
		for _, it := range w.Complete(lang, text, off) {
			if it.Edit != nil && (it.Edit.Start < 0 || it.Edit.End > len(text) || it.Edit.Start > it.Edit.End) {
				t.Fatalf("completion range %v", *it.Edit)
			}
		}
		w.Definition(lang, path, text, off)
		for _, l := range w.Links(lang, path, text) {
			if l.Range.Start < 0 || l.Range.End > len(text) || l.Range.Start > l.Range.End {
				t.Fatalf("link range %v", l.Range)
			}
		}
	})
}
