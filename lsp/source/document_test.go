// SPDX-License-Identifier: GPL-2.0-only

package source

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"
)

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		id, name string
		want     Language
	}{
		{"rust", "/k/samples/rust/rust_minimal.rs", LangRust},
		{"", "/k/x.rs", LangRust},
		{"plaintext", "/k/samples/rust/Kconfig", LangKconfig},
		{"", "/k/arch/x86/Kconfig.debug", LangKconfig},
		{"kconfig", "untitled-1", LangKconfig},
		{"make", "/k/samples/rust/Makefile", LangMakefile},
		{"", "/k/drivers/Kbuild", LangMakefile},
		{"", "/k/scripts/Makefile.build", LangMakefile},
		{"", "/m/rules.mk", LangMakefile},
		{"c", "/k/x.c", LangOther},
		{"", "Untitled-1", LangOther},
	}
	for _, tt := range tests {
		if got := DetectLanguage(tt.id, tt.name); got != tt.want {
			t.Errorf("DetectLanguage(%q, %q) = %q, want %q", tt.id, tt.name, got, tt.want)
		}
	}
}

func TestFilename(t *testing.T) {
	tests := []struct {
		uri  protocol.DocumentURI
		want string
		ok   bool
	}{
		{"file:///k/a.rs", "/k/a.rs", true},
		{"file:///k/m%C3%B6d%20x.rs", "/k/möd x.rs", true},
		{"file://localhost/k/a.rs", "/k/a.rs", true},
		{"untitled:Untitled-1", "", false},
		{"vscode-notebook-cell:/x#y", "", false},
		{"file://server/share/a.rs", "", false},
		{"::", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := Filename(tt.uri)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Filename(%q) = %q, %v; want %q, %v", tt.uri, got, ok, tt.want, tt.ok)
		}
	}
	if got, _ := Filename(URI("/k/möd x.rs")); got != "/k/möd x.rs" {
		t.Errorf("URI round trip: %q", got)
	}
}

func TestStore(t *testing.T) {
	s := NewStore()
	u := protocol.DocumentURI("file:///k/a.rs")
	s.Open(NewDocument(u, 1, "rust", "fn 😀() {}\n"))
	r := func(l1, c1, l2, c2 uint32) *protocol.Range {
		return &protocol.Range{Start: protocol.Position{Line: l1, Character: c1}, End: protocol.Position{Line: l2, Character: c2}}
	}
	steps := []struct {
		version int32
		changes []Change
		want    string
		err     bool
	}{
		{2, []Change{{Range: r(0, 3, 0, 5), Text: "f"}}, "fn f() {}\n", false},
		{3, []Change{{Text: "whole"}}, "whole", false},
		{3, []Change{{Text: "same version"}}, "whole", true},
		{4, []Change{{Range: r(3, 0, 3, 0), Text: "x"}}, "whole", true},
		{5, []Change{{Range: r(0, 5, 0, 5), Text: "\n"}, {Range: r(1, 0, 1, 0), Text: "2"}}, "whole\n2", false},
	}
	for _, st := range steps {
		_, err := s.Change(u, st.version, st.changes)
		if (err != nil) != st.err {
			t.Errorf("version %d: err %v, want error %v", st.version, err, st.err)
		}
		if diff := cmp.Diff(st.want, s.Get(u).Text()); diff != "" {
			t.Errorf("version %d (-want +got):\n%s", st.version, diff)
		}
	}
	if _, err := s.Change("file:///k/not-open.rs", 9, nil); err == nil {
		t.Error("change of a document not open")
	}
	if !s.Close(u) || s.Close(u) || s.Get(u) != nil {
		t.Error("close")
	}
}
