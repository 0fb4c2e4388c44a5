// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/lsp/check"
)

func TestFilterSuppressed(t *testing.T) {
	text := []byte("// krls:allow(a): reason\nx\ny // krls:allow(b)\nz // krls:allow(a, b): both\n")
	at := func(id, s string) check.Finding {
		i := indexOf(text, s)
		return check.Finding{Check: id, Path: "/f.rs", Range: check.Range{Start: i, End: i + 1}}
	}
	in := []check.Finding{at("a", "x"), at("b", "x"), at("b", "y"), at("a", "z"), at("b", "z"), {Check: "a", Path: "/other.rs"}}
	got, n := FilterSuppressed("/f.rs", text, LangRust, in)
	var ids []string
	for _, f := range got {
		ids = append(ids, f.Check+"@"+f.Path+":"+string(text[f.Range.Start]))
	}
	want := []string{"b@/f.rs:x", "b@/f.rs:y", "a@/other.rs:/"}
	if diff := cmp.Diff(want, ids); diff != "" || n != 3 {
		t.Errorf("n = %d (want 3), kept (-want +got):\n%s", n, diff)
	}
}

func indexOf(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s && (i == 0 || b[i-1] == '\n') {
			return i
		}
	}
	return -1
}
