// SPDX-License-Identifier: GPL-2.0-only

package hover

import (
	"testing"

	"github.com/google/go-cmp/cmp"
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
