// SPDX-License-Identifier: GPL-2.0-only

package hover

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/lsp/rustfile"
)

func TestDoc(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"path links", "See [`Mutex`](crate::sync::Mutex) and [text](super::x).", "See `Mutex` and text."},
		{"intra-doc", "A [`Guard`] or [`Arc`][arc].\n\n[`Guard`]: crate::sync::Guard\n[arc]: super::Arc", "A `Guard` or `Arc`."},
		{"url kept", "Like [`pr_info`].\n\n[`pr_info`]: https://docs.kernel.org/x.html", "Like [`pr_info`].\n\n[`pr_info`]: https://docs.kernel.org/x.html"},
		{"srctree", "C header: [`include/linux/init.h`](srctree/include/linux/init.h)", "C header: `include/linux/init.h`"},
		{"url link", "[docs](https://a.b/c)", "[docs](https://a.b/c)"},
		{"hidden lines", "E:\n\n```no_run\n# use kernel::x;\n\n# fn f() {\nlet a = 1;\n\n\nlet b = 2;\n\n# }\n```", "E:\n\n```rust\nlet a = 1;\n\nlet b = 2;\n```"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Doc(tt.in)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestConfigHook(t *testing.T) {
	src := "#[cfg(CONFIG_NET)]\nfn f() { if cfg!(CONFIG_X) {} let y = bindings::CONFIG_HZ; }\n"
	f := rustfile.Parse([]byte(src))
	var asked []string
	h := &Hoverer{Config: func(name string) string {
		asked = append(asked, name)
		if name == "CONFIG_NET" {
			return "**NET**: Networking support"
		}
		return ""
	}}
	at := func(s string) int { return strings.Index(src, s) + 2 }
	if r, _ := h.Rust(nil, f, []byte(src), at("CONFIG_NET")); r == nil || r.Markdown != "**NET**: Networking support" || src[r.Range.Start:r.Range.End] != "CONFIG_NET" {
		t.Errorf("hover on CONFIG_NET = %+v", r)
	}
	if r, _ := h.Rust(nil, f, []byte(src), at("CONFIG_X")); r != nil {
		t.Errorf("hover on an unknown option = %+v", r)
	}
	if r, _ := Rust(nil, f, []byte(src), at("CONFIG_NET")); r != nil {
		t.Errorf("hover without the hook = %+v", r)
	}
	// bindings::CONFIG_HZ is a binding, not an option: the hook is not asked.
	h.Rust(nil, f, []byte(src), at("CONFIG_HZ"))
	if diff := cmp.Diff([]string{"CONFIG_NET", "CONFIG_X"}, asked); diff != "" {
		t.Errorf("asked (-want +got):\n%s", diff)
	}
}
