// SPDX-License-Identifier: GPL-2.0-only

package definition

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

func TestRust(t *testing.T) {
	ix := &index.Index{Root: "/src", Build: "/obj",
		Items: []index.Item{
			{Path: "bindings::msleep", Name: "msleep", Kind: index.KindFn, Source: index.SourceBindings, Generated: true,
				Loc: index.Loc{File: "rust/bindings/bindings_generated.rs", Start: index.Pos{Line: 9, Col: 4}, End: index.Pos{Line: 9, Col: 30}}},
			{Path: "kernel::delay::fsleep", Aliases: []string{"kernel::prelude::fsleep"}, Name: "fsleep", Kind: index.KindFn, Source: index.SourceKernel,
				Loc: index.Loc{File: "rust/kernel/delay.rs", Start: index.Pos{Line: 20, Col: 0}}},
		},
		Helpers: []index.Helper{{Name: "msleep", CName: "rust_helper_msleep", Loc: index.Loc{File: "rust/helpers/delay.c", Start: index.Pos{Line: 3, Col: 5}}}},
		Modules: []index.ModuleMacro{{Name: "module", Keys: []index.ModuleKey{{Name: "type"}}, Loc: index.Loc{File: "rust/macros/module.rs", Start: index.Pos{Line: 100}}}},
	}
	ix.Finish()
	src := "use kernel::prelude::*;\nmodule! { type: M }\nfn f() { unsafe { bindings::msleep(1) }; fsleep(d); local(); }\n"
	f := rustfile.Parse([]byte(src))
	tests := []struct {
		at   string
		want []Location
	}{
		{"msleep(1", []Location{
			{Path: "/obj/rust/bindings/bindings_generated.rs", Line: 9, Col: 4, EndLine: 9, EndCol: 30},
			{Path: "/src/rust/helpers/delay.c", Line: 3, Col: 5, EndLine: 3, EndCol: 5},
		}},
		{"fsleep(d", []Location{{Path: "/src/rust/kernel/delay.rs", Line: 20, EndLine: 20}}},
		{"type: M", []Location{{Path: "/src/rust/macros/module.rs", Line: 100, EndLine: 100}}},
		{"local()", nil},
		{"(d)", nil},
	}
	for _, tt := range tests {
		got, err := Rust(ix, f, []byte(src), strings.Index(src, tt.at)+1)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("at %q (-want +got):\n%s", tt.at, diff)
		}
	}
	if got, _ := Rust(nil, f, []byte(src), 3); got != nil {
		t.Errorf("without an index: %v", got)
	}
}

func TestConfigHook(t *testing.T) {
	src := "#[cfg(CONFIG_NET)]\nfn f() { let y = bindings::CONFIG_HZ; }\n"
	f := rustfile.Parse([]byte(src))
	want := []Location{{Path: "/src/net/Kconfig", Line: 7, EndLine: 7}}
	var asked []string
	d := &Definer{Config: func(name string) []Location { asked = append(asked, name); return want }}
	got, _ := d.Rust(nil, f, []byte(src), strings.Index(src, "CONFIG_NET")+3)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	d.Rust(nil, f, []byte(src), strings.Index(src, "CONFIG_HZ")+3)
	if diff := cmp.Diff([]string{"CONFIG_NET"}, asked); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
}
