// SPDX-License-Identifier: GPL-2.0-only

package check

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

func init() {
	Register(&Check{
		ID: "bindings-direct", Name: "Direct use of a C binding that has a safe wrapper", Severity: Warning,
		Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A module calls or names `bindings::X` although the kernel crate has a safe API over it.",
		Why: "Leaf modules (drivers) should not use the C bindings directly: the subsystems provide safe abstractions " +
			"instead, so that the unsafe code and its invariants live in one reviewed place. Reviewers reject drivers " +
			"calling `bindings::` where an abstraction exists. Only the tokens you wrote count: kernel macros that " +
			"expand to `bindings::` paths (as `module_phy_driver!` does) are not reported.",
		Source:     "Documentation/rust/general-information.rst (Abstractions vs. bindings); rust/bindings/lib.rs",
		Example:    "let t = unsafe { bindings::ktime_get() };",
		FixExample: "let t = kernel::time::Ktime::ktime_get();",
		Run:        directBindings(true),
	})
	Register(&Check{
		ID: "bindings-no-abstraction", Name: "C binding without a safe abstraction yet", Severity: Hint,
		Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A module uses `bindings::X` and the kernel crate has no safe API over it yet.",
		Why: "Using the bindings from a driver is allowed when no abstraction exists, but the kernel's rule is to " +
			"write the abstraction in the subsystem (rust/kernel/) rather than unsafe code in the driver. This hint " +
			"marks the places to revisit when one lands.",
		Source:     "Documentation/rust/general-information.rst (Abstractions vs. bindings)",
		Example:    "unsafe { bindings::some_c_function(ptr) };",
		FixExample: "// Add a safe wrapper in rust/kernel/<subsystem>.rs and call it instead.",
		Run:        directBindings(false),
	})
	Register(&Check{
		ID: "bindings-unknown", Name: "Binding missing from this tree", Severity: Error,
		Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "`bindings::X` is not in the tree's generated bindings nor its C helpers.",
		Why: "bindgen only sees what rust/bindings/bindings_helper.h includes, and C functions that are `static inline` " +
			"or macros have no symbol: the kernel wraps them in `rust_helper_X` (rust/helpers/). A name in neither " +
			"fails to compile, or for an inline function declared by hand, to link (\"undefined reference\").",
		Source:     "rust/bindings/bindings_helper.h, rust/helpers/ (rust/helpers.c before 6.11)",
		Example:    "unsafe { bindings::my_inline_helper() };",
		FixExample: "// Add the header to rust/bindings/bindings_helper.h, or a rust_helper_my_inline_helper in rust/helpers/.",
		Run:        unknownBindings,
	})
}

// directBindings reports the bindings:: paths of a module file: with wrappers (withWrapper)
// or without.
func directBindings(withWrapper bool) func(*Context) []Finding {
	return func(ctx *Context) []Finding {
		ix := ctx.Index
		if ix == nil || ctx.Rust == nil || !ctx.isModuleCode() || !hasBindings(ix) {
			return nil
		}
		var out []Finding
		for _, b := range ctx.Rust.Bindings {
			if !KnownBinding(ix, b.Name) {
				continue // bindings-unknown
			}
			ws := ix.WrappersOf(b.Name)
			safe := safeWrappers(ws)
			if withWrapper != (len(safe) > 0) {
				continue
			}
			if !withWrapper {
				msg := fmt.Sprintf("bindings::%s has no safe abstraction in the kernel crate yet", b.Name)
				if len(ws) > 0 {
					// Only unsafe APIs reach it (6.12's kmap_local_page: Page::read_raw and
					// friends); they still state their safety requirements, so name them.
					msg += "; unsafe kernel APIs that wrap it: " + apiList(ws, len(ws))
				}
				out = append(out, Finding{Range: rng(b.Range), Message: msg})
				continue
			}
			// Name the best wrapper and those as direct as it (the pr_* macros all reach
			// _printk in as many calls); the hover lists every one.
			n := 1
			for n < len(safe) && safe[n].Depth == safe[0].Depth {
				n++
			}
			f := Finding{Range: rng(b.Range),
				Message: fmt.Sprintf("direct use of bindings::%s in a module: use the safe %s", b.Name, apiList(safe, n))}
			f.Fixes = wrapperFixes(ctx, b, safe)
			out = append(out, f)
		}
		return out
	}
}

// safeWrappers keeps the wrappers that are not unsafe, in the index's order (best first).
func safeWrappers(ws []index.Wrapper) []index.Wrapper {
	var out []index.Wrapper
	for _, w := range ws {
		if !w.Unsafe {
			out = append(out, w)
		}
	}
	return out
}

// apiList names the first n APIs of ws (three at most), and how many more there are.
func apiList(ws []index.Wrapper, n int) string {
	names := make([]string, 0, 3)
	for i := 0; i < n && i < 3; i++ {
		names = append(names, "`"+ws[i].API+"`")
	}
	s := strings.Join(names, ", ")
	if n > 3 {
		s += fmt.Sprintf(" (and %d more)", n-3)
	}
	return s
}

// wrapperFixes offers to rewrite a call into the wrapper when the wrapper is a safe free
// function, or a safe associated function without receiver (`Ktime::ktime_get()`), taking as
// many arguments; and to open the wrappers' docs.
func wrapperFixes(ctx *Context, b *rustfile.PathRef, ws []index.Wrapper) []Fix {
	ix := ctx.Index
	var fixes []Fix
	bind := ix.Binding(b.Name)
	for _, w := range ws {
		it := ix.Lookup(w.API)
		if it == nil || b.Call == nil || bind == nil || w.Depth != 1 || it.Unsafe {
			continue
		}
		if ParamCount(it.Sig) != len(b.Call.Args) || ParamCount(bind.Sig) != len(b.Call.Args) {
			continue
		}
		name, imp := it.Name, it.Path
		switch {
		case it.Kind == index.KindFn && it.Parent == "":
		case it.Kind == index.KindMethod && it.Trait == "" && !hasReceiver(it.Sig):
			parent := ix.Lookup(it.Parent)
			if parent == nil || parent.Kind != index.KindStruct && parent.Kind != index.KindEnum {
				continue
			}
			name, imp = parent.Name+"::"+it.Name, parent.Path
		default:
			continue
		}
		edits := unwrapUnsafe(ctx, b, name)
		if edits == nil {
			edits = []Edit{{Range: rng(b.Range), NewText: name}}
		}
		if short := imp[strings.LastIndex(imp, "::")+2:]; !imports(ctx.Rust, short) {
			edits = append(edits, useEdit(ctx, imp))
		}
		fixes = append(fixes, Fix{Title: fmt.Sprintf("Call %s instead", it.Path), Preferred: true, Edits: edits})
		break
	}
	for i := 0; i < len(ws) && i < 3; i++ {
		if u := DocURL(ix, ws[i].API); u != "" {
			fixes = append(fixes, Fix{Title: "Open the docs of " + ws[i].API, DocURL: u})
		}
	}
	return fixes
}

// unwrapUnsafe returns the edits that replace an unsafe block holding nothing but the call b
// (`unsafe { bindings::ktime_get() }`, with or without a final `;`) by the call of the safe
// name, and delete the block's SAFETY comment when it stands on lines of its own: the safe
// call needs neither. nil when the call is not alone in its block.
func unwrapUnsafe(ctx *Context, b *rustfile.PathRef, name string) []Edit {
	text := ctx.Text
	var u *rustfile.Unsafe
	for _, x := range ctx.Rust.Unsafe {
		if x.Kind == rustfile.UnsafeBlock && x.Range.Start <= b.Range.Start && b.Range.End <= x.Range.End &&
			(u == nil || x.Range.End-x.Range.Start < u.Range.End-u.Range.Start) {
			u = x
		}
	}
	if u == nil || b.Call == nil || u.Range.End > len(text) || text[u.Range.End-1] != '}' {
		return nil
	}
	open := bytes.IndexByte(text[u.Keyword.End:u.Range.End], '{')
	if open < 0 {
		return nil
	}
	body := bytes.TrimSpace(text[u.Keyword.End+open+1 : u.Range.End-1])
	semi := ""
	if b, ok := bytes.CutSuffix(body, []byte(";")); ok {
		body, semi = bytes.TrimSpace(b), ";"
	}
	call := text[b.Range.Start:b.Call.Parens.End]
	if !bytes.Equal(body, call) {
		return nil
	}
	edits := []Edit{{Range: Range{u.Keyword.Start, u.Range.End},
		NewText: name + string(text[b.Range.End:b.Call.Parens.End]) + semi}}
	if u.HasSafety() {
		start, end := u.Safety.Start, u.Safety.End
		for start > 0 && (text[start-1] == ' ' || text[start-1] == '\t') {
			start--
		}
		for end < len(text) && (text[end] == ' ' || text[end] == '\t' || text[end] == '\r') {
			end++
		}
		if (start == 0 || text[start-1] == '\n') && end < len(text) && text[end] == '\n' && end < u.Keyword.Start {
			edits = append(edits, Edit{Range: Range{start, end + 1}})
		}
	}
	return edits
}

// hasReceiver reports whether a one-line fn signature takes self.
func hasReceiver(sig string) bool {
	i := strings.Index(sig, "fn ")
	if i < 0 {
		return false
	}
	o := strings.IndexByte(sig[i:], '(')
	if o < 0 {
		return false
	}
	first := strings.TrimSpace(sig[i+o+1:])
	first = strings.TrimPrefix(first, "&")
	first = strings.TrimSpace(strings.TrimPrefix(first, "mut "))
	if strings.HasPrefix(first, "'") { // &'a self
		if sp := strings.IndexByte(first, ' '); sp > 0 {
			first = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(first[sp:]), "mut "))
		}
	}
	return strings.HasPrefix(first, "self") && (len(first) == 4 || strings.IndexByte(",):", first[4]) >= 0)
}

func imports(f *rustfile.File, name string) bool {
	for _, u := range f.Uses {
		if u.Name == name {
			return true
		}
	}
	return false
}

// useEdit inserts `use path;` after the file's last top-level use, or after its leading
// comments and attributes.
func useEdit(ctx *Context, path string) Edit {
	line := "use " + path + ";\n"
	last := -1
	for _, u := range ctx.Rust.Uses {
		if ctx.Rust.Depth(u.Decl.Start) == 0 && u.Decl.End > last {
			last = u.Decl.End
		}
	}
	if last >= 0 {
		e := last
		for e < len(ctx.Text) && ctx.Text[e] != '\n' {
			e++
		}
		if e < len(ctx.Text) {
			e++
		}
		return Edit{Range: Range{e, e}, NewText: line}
	}
	// After the header comments (SPDX line, //! docs) and inner attributes.
	off := 0
	for _, t := range ctx.Rust.Tokens {
		if t.Kind == rustfile.Comment {
			off = t.End
			continue
		}
		break
	}
	for off < len(ctx.Text) && ctx.Text[off] != '\n' {
		off++
	}
	if off < len(ctx.Text) {
		off++
	}
	return Edit{Range: Range{off, off}, NewText: "\n" + line}
}

// ParamCount returns the number of parameters of a one-line fn signature; -1 when sig has no
// parameter list. A `self` receiver counts.
func ParamCount(sig string) int {
	i := strings.Index(sig, "fn ")
	if i < 0 {
		return -1
	}
	o := strings.IndexByte(sig[i:], '(')
	if o < 0 {
		return -1
	}
	depth, n, empty := 0, 0, true
	for _, r := range sig[i+o:] {
		switch r {
		case '(', '<', '[':
			depth++
			if depth == 1 {
				continue
			}
		case ')', '>', ']':
			depth--
			if depth == 0 {
				if empty {
					return 0
				}
				return n + 1
			}
		case ',':
			if depth == 1 {
				n++
				empty = true
				continue
			}
		case ' ', '\t':
			continue
		}
		if depth >= 1 {
			empty = false
		}
	}
	return -1
}

// hasBindings reports whether the index holds the generated bindings (checks about them stay
// quiet on a tree that was never built).
func hasBindings(ix *index.Index) bool {
	i := sort.Search(len(ix.Items), func(i int) bool { return ix.Items[i].Path >= "bindings::" })
	return i < len(ix.Items) && strings.HasPrefix(ix.Items[i].Path, "bindings::")
}

func unknownBindings(ctx *Context) []Finding {
	ix := ctx.Index
	if ix == nil || ctx.Rust == nil || !hasBindings(ix) {
		return nil
	}
	var out []Finding
	for _, b := range ctx.Rust.Bindings {
		if KnownBinding(ix, b.Name) {
			continue
		}
		msg := fmt.Sprintf("bindings::%s is not in this tree's bindings nor its C helpers", b.Name)
		if near := nearestBinding(ix, b.Name); near != "" {
			msg += fmt.Sprintf(" (did you mean bindings::%s?)", near)
		}
		out = append(out, Finding{Range: rng(b.NameRange), Message: msg})
	}
	return out
}

// KnownBinding reports whether bindings::name exists: a bindgen item, a C helper, or (6.1)
// a constant rust/bindings/lib.rs defines by hand from bindgen's BINDINGS_name
// (`pub const GFP_KERNEL: gfp_t = BINDINGS_GFP_KERNEL;`).
func KnownBinding(ix *index.Index, name string) bool {
	return ix.Binding(name) != nil || ix.Helper(name) != nil || ix.Binding("BINDINGS_"+name) != nil
}

func nearestBinding(ix *index.Index, name string) string {
	for _, cand := range []string{strings.TrimPrefix(name, "rust_helper_"), strings.ToLower(name)} {
		if cand != name && (ix.Binding(cand) != nil || ix.Helper(cand) != nil) {
			return cand
		}
	}
	return ""
}

// DocURL returns the rust.docs.kernel.org page of a kernel or macros item path, "" when the
// item is not one.
func DocURL(ix *index.Index, path string) string {
	const base = "https://rust.docs.kernel.org/"
	var it *index.Item
	if ix != nil {
		it = ix.Lookup(path)
	}
	if it == nil || it.Source != index.SourceKernel && it.Source != index.SourceMacros {
		return ""
	}
	segs := strings.Split(it.Path, "::")
	dir := strings.Join(segs[:len(segs)-1], "/") + "/"
	switch it.Kind {
	case index.KindMod:
		return base + strings.Join(segs, "/") + "/index.html"
	case index.KindMacro:
		if it.Source == index.SourceMacros {
			switch it.Name {
			case "vtable", "pin_data", "pinned_drop":
				return base + dir + "attr." + it.Name + ".html"
			}
		}
		return base + segs[0] + "/macro." + it.Name + ".html"
	case index.KindMethod, index.KindField, index.KindVariant:
		parent := DocURL(ix, it.Parent)
		if parent == "" {
			return ""
		}
		anchor := map[index.Kind]string{index.KindMethod: "method.", index.KindField: "structfield.", index.KindVariant: "variant."}[it.Kind]
		if p := ix.Lookup(it.Parent); p != nil && p.Kind == index.KindTrait && it.Kind == index.KindMethod {
			anchor = "tymethod."
		}
		return parent + "#" + anchor + it.Name
	}
	kind := string(it.Kind)
	if it.Kind == index.KindConst {
		kind = "constant"
	}
	return base + dir + kind + "." + it.Name + ".html"
}
