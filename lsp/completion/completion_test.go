// SPDX-License-Identifier: GPL-2.0-only

package completion

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/lsp/rustfile"
)

func TestConfigHook(t *testing.T) {
	src := "#[cfg(CONFIG_NE)]\nfn a() {}\n#[cfg(all(CONFIG_X, not(CONFIG_N)))]\nfn b() { if cfg!(CONFIG_) {} }\n#[cfg(MODULE)]\nfn c() {}\n"
	var prefixes []string
	c := &Completer{Config: func(prefix string) []Item {
		prefixes = append(prefixes, prefix)
		return []Item{{Label: "CONFIG_NET", Kind: "constant"}}
	}}
	f := rustfile.Parse([]byte(src))
	tests := []struct {
		at   string // the cursor is at the end of this text
		want int    // number of items
		edit Range
	}{
		{"#[cfg(CONFIG_NE", 1, Range{6, 15}},
		{"not(CONFIG_N", 1, Range{0, 0}},
		{"cfg!(CONFIG_", 1, Range{0, 0}},
		{"#[cfg(MODULE", 0, Range{}},
	}
	for _, tt := range tests {
		off := strings.Index(src, tt.at) + len(tt.at)
		items, err := c.Rust(nil, f, []byte(src), off)
		if err != nil || len(items) != tt.want {
			t.Errorf("at %q: got %v, %v; want %d items", tt.at, items, err, tt.want)
			continue
		}
		if tt.want > 0 && tt.edit.End > 0 && *items[0].Edit != tt.edit {
			t.Errorf("at %q: edit %v, want %v", tt.at, *items[0].Edit, tt.edit)
		}
	}
	if diff := cmp.Diff([]string{"CONFIG_NE", "CONFIG_N", "CONFIG_"}, prefixes); diff != "" {
		t.Errorf("prefixes (-want +got):\n%s", diff)
	}
}
