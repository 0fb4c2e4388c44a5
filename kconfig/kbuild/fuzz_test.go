// SPDX-License-Identifier: GPL-2.0-only

package kbuild_test

import (
	"bytes"
	"testing"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/kbuild"
)

func FuzzMakefile(f *testing.F) {
	for _, s := range []string{
		blockMakefile, "", "\\", "obj-y += \\\n", "ifeq (\nelse\nendif\nendif", "a:=$(", "define x\n",
		"obj-$(CONFIG_ += a.o", "\tobj-y += a.o\n", "x: y\n\tobj-y += a.o\nobj-m += b.o",
		"else ifdef\n", "CONFIG_", "obj-y += a.o # \\\n b.o", "\xff\xfe=\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Split(src, []byte("\n"))
		check := func(r kconfig.Range, what string) {
			for _, p := range []kconfig.Pos{r.Start, r.End} {
				if p.Line < 1 || p.Line > len(lines) || p.Col < 0 || p.Col > len(lines[p.Line-1]) {
					t.Fatalf("%s: %v outside the input", what, r)
				}
			}
			if r.End.Less(r.Start) {
				t.Fatalf("%s: %v ends before it starts", what, r)
			}
		}
		m, errs := kbuild.Parse("Makefile", src)
		for _, e := range errs {
			check(e.Range, "error")
		}
		for _, a := range m.Assigns {
			check(a.Range, "assign")
			check(a.VarRange, "var")
			if a.Config != "" {
				check(a.ConfigRange, "config")
			}
			for _, w := range a.Words {
				check(w.Range, "word")
			}
		}
		for _, c := range m.Conds {
			check(c.Range, "cond")
			for _, s := range c.Symbols {
				check(s.Range, "symbol")
			}
		}
		for _, name := range []string{"a.rs", "rnull.rs", "x"} {
			m.Object(name)
		}
	})
}
