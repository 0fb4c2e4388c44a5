// SPDX-License-Identifier: GPL-2.0-only

package lint

import "testing"

func TestLintName(t *testing.T) {
	for _, n := range []string{"a.rs", ".rs", "x.r", "Kconfig", "Kconfig.debug", "Kconfigx", "Kconfig.", "Makefile",
		"makefile", "Kbuild", "Kbuild.include", "rs", "a.rs.orig", "Makefile.old"} {
		if got, want := lintName([]byte(n)), Lang(n) != ""; got != want {
			t.Errorf("lintName(%q) = %v, Lang says %v", n, got, want)
		}
	}
}
