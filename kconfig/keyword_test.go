// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import "testing"

// TestKeywordSwitch checks the lexer's switch against the keywords table, and that words
// around them (other case, prefixes, longer words, symbol names) are no keywords.
func TestKeywordSwitch(t *testing.T) {
	for w, want := range keywords {
		if got, ok := keyword([]byte(w)); !ok || got != want {
			t.Errorf("keyword(%q) = %v, %v; want %v, true", w, got, ok, want)
		}
		for _, other := range []string{w[:len(w)-1], w + "s", w + "_", "x" + w, "BOOL" + w[1:]} {
			if _, isKw := keywords[other]; isKw {
				continue
			}
			if got, ok := keyword([]byte(other)); ok {
				t.Errorf("keyword(%q) = %v, want no keyword", other, got)
			}
		}
	}
	for _, w := range []string{"", "y", "n", "CONFIG", "Bool", "X86_64", "defconfig_list", "0x10", "-"} {
		if got, ok := keyword([]byte(w)); ok {
			t.Errorf("keyword(%q) = %v, want no keyword", w, got)
		}
	}
}
