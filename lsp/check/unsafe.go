// SPDX-License-Identifier: GPL-2.0-only

package check

import (
	"strings"

	"krls.dev/krls/lsp/rustfile"
)

func init() {
	Register(&Check{
		ID: "unsafe-block-safety", Name: "unsafe block without a SAFETY comment", Severity: Warning,
		Langs:   []string{"rust"},
		Summary: "Every `unsafe` block is preceded by a `// SAFETY:` comment explaining why its contents are sound.",
		Why: "The kernel's coding guidelines require a `// SAFETY:` comment before each unsafe block, saying why the " +
			"code upholds the safety requirements of what it calls. clippy's `undocumented_unsafe_blocks` enforces it, " +
			"but clippy only runs with `make CLIPPY=1`. The comment may sit above the statement holding the block " +
			"(`// SAFETY: …` then `let x = unsafe { … };`).",
		Source:     "Documentation/rust/coding-guidelines.rst (Comments)",
		Example:    "let v = unsafe { *ptr };",
		FixExample: "// SAFETY: `ptr` is valid and aligned: it comes from `KBox::into_raw` above.\nlet v = unsafe { *ptr };",
		Run:        safety(rustfile.UnsafeBlock),
	})
	Register(&Check{
		ID: "unsafe-impl-safety", Name: "unsafe impl without a SAFETY comment", Severity: Warning,
		Langs:   []string{"rust"},
		Summary: "An `unsafe impl` (Send, Sync, a kernel unsafe trait) is preceded by a `// SAFETY:` comment.",
		Why: "Implementing an unsafe trait is a promise the compiler cannot check; the kernel documents each one with " +
			"a `// SAFETY:` comment right before the impl (see rust/kernel/sync/arc.rs), as clippy's " +
			"`undocumented_unsafe_blocks` asks for impls too.",
		Source:     "Documentation/rust/coding-guidelines.rst (Comments); rust/kernel/ practice",
		Example:    "unsafe impl Send for MyDevice {}",
		FixExample: "// SAFETY: `MyDevice` only holds a `Mutex`-protected state, safe to use from any thread.\nunsafe impl Send for MyDevice {}",
		Run:        safety(rustfile.UnsafeImpl),
	})
}

// safety reports the unsafe blocks or impls without a SAFETY comment, except where the
// kernel does not ask for one: rust/alloc/ (a copy of the standard alloc crate, built with
// skip_clippy in rust/Makefile up to 6.10) and code under
// #[allow(clippy::undocumented_unsafe_blocks)] (rust/bindings/lib.rs, rust/uapi/lib.rs).
func safety(kind rustfile.UnsafeKind) func(*Context) []Finding {
	return func(ctx *Context) []Finding {
		if ctx.Rust == nil || strings.HasPrefix(ctx.Rel, "rust/alloc/") {
			return nil
		}
		allowed := ctx.Rust.Allowed("undocumented_unsafe_blocks")
		var out []Finding
		for _, u := range ctx.Rust.Unsafe {
			if u.Kind != kind || u.HasSafety() || inRanges(allowed, u.Keyword.Start) {
				continue
			}
			what := "unsafe block"
			if kind == rustfile.UnsafeImpl {
				what = "unsafe impl"
			}
			out = append(out, Finding{Range: rng(u.Keyword),
				Message: what + " without a `// SAFETY:` comment before it",
				Fixes: []Fix{{Title: "Add a // SAFETY: comment", Preferred: true,
					Edits: []Edit{{Range: Range{u.LineStart, u.LineStart}, NewText: u.Indent + "// SAFETY: \n"}}}}})
		}
		return out
	}
}

func inRanges(rs []rustfile.Range, off int) bool {
	for _, r := range rs {
		if r.Start <= off && off < r.End {
			return true
		}
	}
	return false
}
