// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
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
