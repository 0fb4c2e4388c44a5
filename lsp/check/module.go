// SPDX-License-Identifier: GPL-2.0-only

package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/rustfile"
)

// Licenses are the license strings include/linux/license.h (license_is_gpl_compatible)
// accepts, "GPL" first. Rust symbols are exported GPL-only, so a module under any other
// license fails to load.
var Licenses = []string{"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"}

// KeyDocs describes the keys of module! (rust/macros/module.rs and lib.rs), for hover and
// completion when the index has no doc for a key.
var KeyDocs = map[string]string{
	"type":         "The type that implements `kernel::Module` (or `InPlaceModule`): its `init` runs at load, its `Drop` at unload.",
	"name":         "The module name, as `modprobe` and `lsmod` show it; it becomes `KBUILD_MODNAME` and the `__this_module` name.",
	"author":       "The author, written to `.modinfo` (`modinfo -F author`).",
	"authors":      "The authors, an array of strings; each becomes an `author=` line of `.modinfo`.",
	"description":  "One line about what the module does (`modinfo -F description`).",
	"license":      "The module license (`MODULE_LICENSE`); it must be GPL-compatible (include/linux/license.h) since the Rust symbols are exported GPL-only.",
	"alias":        "Module aliases (`MODULE_ALIAS`): other names `modprobe` loads this module by.",
	"firmware":     "Firmware files the module may request (`MODULE_FIRMWARE`), so initramfs tools include them.",
	"params":       "Module parameters: `name: type { default: value, description: \"…\" }`.",
	"imports_ns":   "Symbol namespaces the module imports (`MODULE_IMPORT_NS`).",
	"drivers":      "The PHY driver types (each implements `kernel::net::phy::Driver`) to register.",
	"device_table": "The `phy::DeviceId`s matched, for the module device table (`MODULE_DEVICE_TABLE`).",
}

func init() {
	for _, c := range moduleChecks {
		Register(c)
	}
}

const moduleSource = "rust/macros/module.rs (ModuleInfo::parse)"

var moduleChecks = []*Check{
	{
		ID: "module-unknown-key", Name: "Unknown module! key", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A key the tree's module macro does not accept; the build stops at it.",
		Why:     "The `module!` proc macro panics on a key outside its list, and the list moves with the kernel version (`firmware` came in 6.12, `authors` in 6.15, `imports_ns` in 6.18). krls reads the list from the tree you build against.",
		Source:  moduleSource, Example: "module! {\n    type: M,\n    name: \"m\",\n    licence: \"GPL\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}",
		Run: runModule(unknownKeys),
	},
	{
		ID: "module-duplicate-key", Name: "Duplicate module! key", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A key given twice; the macro accepts each key once.",
		Why:     "`module!` panics with \"Duplicated key\": every key may appear once.",
		Source:  moduleSource, Example: "module! {\n    type: M,\n    name: \"m\",\n    name: \"n\",\n    license: \"GPL\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}",
		Run: runModule(duplicateKeys),
	},
	{
		ID: "module-key-order", Name: "module! keys out of order", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "Keys must come in the order the macro lists them.",
		Why:     "`module!` compares the keys it saw with its EXPECTED_KEYS in order and panics on a key out of place.",
		Source:  moduleSource, Example: "module! {\n    name: \"m\",\n    type: M,\n    license: \"GPL\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}",
		Run: runModule(keyOrder),
	},
	{
		ID: "module-missing-key", Name: "Missing required module! key", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A required key (type, name, license for module!) is missing.",
		Why:     "`module!` panics when one of its REQUIRED_KEYS is missing.",
		Source:  moduleSource, Example: "module! {\n    type: M,\n    name: \"m\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}",
		Run: runModule(missingKeys),
	},
	{
		ID: "module-license", Name: "License the kernel does not accept", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "The license is not one of the GPL-compatible strings of include/linux/license.h.",
		Why:     "The kernel exports its Rust symbols GPL-only; a module whose license string `license_is_gpl_compatible()` rejects cannot resolve them and fails to load (and taints the kernel). The accepted strings are \"GPL\", \"GPL v2\", \"GPL and additional rights\", \"Dual BSD/GPL\", \"Dual MIT/GPL\" and \"Dual MPL/GPL\".",
		Source:  "include/linux/license.h", Example: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPLv2\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    license: \"GPL v2\",\n}",
		Run: runModule(licenses),
	},
	{
		ID: "module-author-key", Name: "author or authors for this kernel", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "`author` and `authors` depend on the kernel version; this tree takes the other one, or not both.",
		Why:     "`authors: [...]` came in 6.15 and `author` went away in 6.17; a tree with both rejects a module using both.",
		Source:  moduleSource, Example: "// on 6.12\nmodule! {\n    type: M,\n    name: \"m\",\n    authors: [\"A. Person\"],\n    license: \"GPL\",\n}", FixExample: "module! {\n    type: M,\n    name: \"m\",\n    author: \"A. Person\",\n    license: \"GPL\",\n}",
		Run: runModule(authorKeys),
	},
	{
		ID: "module-value-kind", Name: "Wrong kind of module! value", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A value of the wrong kind: a string where the tree wants a byte string (6.1), an array where it wants one string, a missing value, or text that is not ASCII where the tree demands ASCII.",
		Why:     "The macro parses each key's value with a fixed expectation (`expect_string`, `expect_byte_string`, `expect_string_array`, `expect_string_ascii`) and panics on anything else. 6.1 takes byte strings (`b\"GPL\"`), later trees plain strings; `alias` turned into an array in 6.4; 6.12 reads `name` and `license` with `expect_string_ascii` and asserts `is_ascii` on array entries.",
		Source:  moduleSource, Example: "// on 6.1\nmodule! {\n    type: M,\n    name: \"m\",\n    license: \"GPL\",\n}", FixExample: "module! {\n    type: M,\n    name: b\"m\",\n    license: b\"GPL\",\n}",
		Run: runModule(valueKinds),
	},
	{
		ID: "module-unknown-macro", Name: "Module macro missing from this tree", Severity: Error, Langs: []string{"rust"}, NeedsIndex: true,
		Summary: "A module_*_driver! macro this kernel does not have yet.",
		Why:     "`module_platform_driver!`, `module_pci_driver!` and friends arrived in later kernels than `module!` and `module_phy_driver!`; code written for a newer tree does not build on an older one.",
		Source:  "rust/kernel/ (the macro_rules! of each bus)", Example: "kernel::module_platform_driver! { type: D, name: \"d\", license: \"GPL\" } // on 6.12", FixExample: "// 6.12: register the driver from a module! type instead",
		Run: runModule(nil),
	},
}

type moduleRun func(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding

// runModule runs fn on each module macro invocation of the file that the tree's index has a
// schema for; with fn nil it reports the invocations without one.
func runModule(fn moduleRun) func(*Context) []Finding {
	return func(ctx *Context) []Finding {
		if ctx.Index == nil || ctx.Rust == nil || len(ctx.Index.Modules) == 0 {
			return nil
		}
		var out []Finding
		for _, m := range ctx.Rust.Macros {
			s := ctx.Index.Module(m.Name)
			switch {
			case s == nil && fn == nil:
				out = append(out, Finding{Range: rng(m.NameRange),
					Message: fmt.Sprintf("this kernel tree (%s) has no %s! macro", version(ctx.Index), m.Name)})
			case s != nil && fn != nil:
				out = append(out, fn(ctx, m, s)...)
			}
		}
		return out
	}
}

func version(ix *index.Index) string {
	if ix.Version == "" {
		return "unknown version"
	}
	return ix.Version
}

func schemaIndex(s *index.ModuleMacro, name string) int {
	for i, k := range s.Keys {
		if k.Name == name {
			return i
		}
	}
	return -1
}

func keyNames(s *index.ModuleMacro) []string {
	var out []string
	for _, k := range s.Keys {
		out = append(out, k.Name)
	}
	return out
}

// isAuthorSwap reports whether key is author/authors while the tree takes the other one:
// module-author-key reports those.
func isAuthorSwap(s *index.ModuleMacro, key string) bool {
	return key == "authors" && s.Key("author") != nil || key == "author" && s.Key("authors") != nil
}

func unknownKeys(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	var out []Finding
	for _, k := range m.Keys {
		if s.Key(k.Name) != nil || isAuthorSwap(s, k.Name) {
			continue
		}
		f := Finding{Range: rng(k.NameRange),
			Message: fmt.Sprintf("unknown key %q: %s! in this tree (%s) takes %s", k.Name, m.Name, version(ctx.Index), strings.Join(keyNames(s), ", "))}
		if near := nearest(k.Name, keyNames(s), false); near != "" {
			f.Fixes = []Fix{{Title: fmt.Sprintf("Change to %q", near), Preferred: true,
				Edits: []Edit{{Range: rng(k.NameRange), NewText: near}}}}
		}
		out = append(out, f)
	}
	return out
}

func duplicateKeys(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	var out []Finding
	seen := map[string]bool{}
	for _, k := range m.Keys {
		if !seen[k.Name] {
			seen[k.Name] = true
			continue
		}
		out = append(out, Finding{Range: rng(k.NameRange),
			Message: fmt.Sprintf("duplicate key %q: each key may be given once", k.Name),
			Fixes:   []Fix{{Title: fmt.Sprintf("Remove this %q", k.Name), Edits: []Edit{{Range: entrySpan(ctx.Text, k), NewText: ""}}}}})
	}
	return out
}

func keyOrder(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	if !s.Ordered {
		return nil
	}
	var out []Finding
	seen := map[string]bool{}
	var prev []*rustfile.KeyValue // known keys so far, first occurrences
	for _, k := range m.Keys {
		i := schemaIndex(s, k.Name)
		if i < 0 || seen[k.Name] {
			continue
		}
		seen[k.Name] = true
		// The first earlier key that must come after this one.
		var before *rustfile.KeyValue
		for _, p := range prev {
			if schemaIndex(s, p.Name) > i {
				before = p
				break
			}
		}
		prev = append(prev, k)
		if before == nil {
			continue
		}
		f := Finding{Range: rng(k.NameRange),
			Message: fmt.Sprintf("key %q must come before %q (order: %s)", k.Name, before.Name, strings.Join(keyNames(s), ", "))}
		from := entrySpan(ctx.Text, k)
		to := entrySpan(ctx.Text, before)
		if isLines(ctx.Text, from) && isLines(ctx.Text, to) {
			moved := string(ctx.Text[from.Start:from.End])
			if !k.Comma {
				moved = strings.TrimRight(moved, "\n") + ",\n"
			}
			f.Fixes = []Fix{{Title: fmt.Sprintf("Move %q before %q", k.Name, before.Name), Preferred: true,
				Edits: []Edit{{Range: Range{to.Start, to.Start}, NewText: moved}, {Range: from, NewText: ""}}}}
		}
		out = append(out, f)
	}
	return out
}

func missingKeys(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	var missing []index.ModuleKey
	for _, k := range s.Keys {
		if k.Required && m.Key(k.Name) == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 || !m.Closed {
		return nil
	}
	var names []string
	for _, k := range missing {
		names = append(names, k.Name)
	}
	f := Finding{Range: rng(m.NameRange),
		Message: fmt.Sprintf("%s! is missing the required key%s %s", m.Name, plural(len(names)), strings.Join(names, ", "))}
	if edits := insertKeys(ctx, m, s, missing); len(edits) > 0 {
		f.Fixes = []Fix{{Title: "Add the missing key" + plural(len(names)) + ": " + strings.Join(names, ", "), Preferred: true, Edits: edits}}
	}
	return []Finding{f}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Placeholder returns the value written for a key added by a fix or a completion: the file's
// first struct for type, the file name for name, "GPL" for license, [] for arrays, in the
// string kind the tree wants.
func Placeholder(f *rustfile.File, path string, k index.ModuleKey) string {
	str := func(s string) string {
		if k.Value == index.ValueByteString {
			return fmt.Sprintf("b%q", s)
		}
		return fmt.Sprintf("%q", s)
	}
	switch k.Value {
	case index.ValueStringArray, index.ValueIdentArray, index.ValueExprArray:
		return "[]"
	case index.ValueParams:
		return "{}"
	case index.ValueIdent:
		if f != nil {
			for _, d := range f.Decls {
				if d.TopLevel && (d.Kind == "struct" || d.Kind == "enum") {
					return d.Name
				}
			}
		}
		return "Module"
	}
	switch k.Name {
	case "license":
		return str(Licenses[0])
	case "name":
		if path != "" {
			return str(strings.TrimSuffix(filepath.Base(path), ".rs"))
		}
	}
	return str("")
}

// insertKeys returns the edits adding keys to m, each at its place in the schema order,
// with the indentation of the keys already there.
func insertKeys(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro, add []index.ModuleKey) []Edit {
	text := ctx.Text
	indent := "    "
	multiline := true
	if len(m.Keys) > 0 {
		k0 := m.Keys[0].NameRange.Start
		ls := ctx.Rust.LineStart(k0)
		if strings.TrimSpace(string(text[ls:k0])) == "" {
			indent = string(text[ls:k0])
		} else {
			multiline = false
		}
	} else if !strings.Contains(string(text[m.Body.Start:m.Body.End]), "\n") {
		multiline = false
	}
	var edits []Edit
	lastComma := len(m.Keys) > 0 && m.Keys[len(m.Keys)-1].Comma
	for _, k := range add {
		entry := k.Name + ": " + Placeholder(ctx.Rust, ctx.Path, k) + ","
		si := schemaIndex(s, k.Name)
		var next *rustfile.KeyValue
		for _, p := range m.Keys {
			if pi := schemaIndex(s, p.Name); pi > si && (next == nil || pi < schemaIndex(s, next.Name)) {
				next = p
			}
		}
		switch {
		case next != nil && multiline && isLineStart(text, next.NameRange.Start):
			ls := ctx.Rust.LineStart(next.NameRange.Start)
			edits = append(edits, Edit{Range: Range{ls, ls}, NewText: indent + entry + "\n"})
		case next != nil:
			edits = append(edits, Edit{Range: Range{next.NameRange.Start, next.NameRange.Start}, NewText: entry + " "})
		case len(m.Keys) > 0:
			last := m.Keys[len(m.Keys)-1]
			if !lastComma {
				edits = append(edits, Edit{Range: Range{last.Entry.End, last.Entry.End}, NewText: ","})
				lastComma = true
			}
			if multiline {
				edits = append(edits, Edit{Range: Range{last.Entry.End, last.Entry.End}, NewText: "\n" + indent + entry})
			} else {
				edits = append(edits, Edit{Range: Range{last.Entry.End, last.Entry.End}, NewText: " " + entry})
			}
		default:
			in := m.Inner()
			if multiline {
				edits = append(edits, Edit{Range: Range{in.Start, in.Start}, NewText: "\n" + indent + entry})
			} else {
				edits = append(edits, Edit{Range: Range{in.Start, in.Start}, NewText: " " + entry})
			}
		}
	}
	return edits
}

func isLineStart(text []byte, off int) bool {
	for i := off - 1; i >= 0 && text[i] != '\n'; i-- {
		if text[i] != ' ' && text[i] != '\t' {
			return false
		}
	}
	return true
}

// entrySpan returns the range of a key's entry, widened to whole lines when it is alone on
// its lines.
func entrySpan(text []byte, k *rustfile.KeyValue) Range {
	r := rng(k.Entry)
	if !isLineStart(text, r.Start) {
		return r
	}
	e := r.End
	for e < len(text) && (text[e] == ' ' || text[e] == '\t') {
		e++
	}
	if e < len(text) && text[e] != '\n' {
		return r
	}
	s := r.Start
	for s > 0 && text[s-1] != '\n' {
		s--
	}
	if e < len(text) {
		e++
	}
	return Range{s, e}
}

func isLines(text []byte, r Range) bool {
	return (r.Start == 0 || text[r.Start-1] == '\n') && r.End > r.Start && text[r.End-1] == '\n'
}

func licenses(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	k := m.Key("license")
	if k == nil || len(k.Strings) != 1 || k.Kind != index.ValueString && k.Kind != index.ValueByteString {
		return nil
	}
	lic := k.Strings[0]
	for _, l := range Licenses {
		if l == lic {
			return nil
		}
	}
	msg := fmt.Sprintf("license %q is not one the kernel accepts as GPL-compatible (%s): the module cannot use the GPL-only Rust symbols", lic, quoteList(Licenses))
	if lic == "Proprietary" {
		msg = "license \"Proprietary\" taints the kernel, and a non-GPL module cannot use the Rust symbols (exported GPL-only)"
	}
	f := Finding{Range: rng(k.Value), Message: msg}
	for i, l := range rankLicenses(lic) {
		lit := fmt.Sprintf("%q", l)
		if k.Kind == index.ValueByteString {
			lit = "b" + lit
		}
		f.Fixes = append(f.Fixes, Fix{Title: fmt.Sprintf("Change the license to %q", l), Preferred: i == 0,
			Edits: []Edit{{Range: rng(k.Value), NewText: lit}}})
	}
	return []Finding{f}
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// rankLicenses returns the accepted licenses nearest to lic first: a case-insensitive or
// punctuation-insensitive match, then by edit distance; at most three.
func rankLicenses(lic string) []string {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '_' || r == '.' {
				return -1
			}
			return r
		}, strings.ToLower(s))
	}
	type cand struct {
		l string
		d int
	}
	var c []cand
	for _, l := range Licenses {
		d := levenshtein(norm(lic), norm(l))
		if n := norm(lic); len(n) >= 4 && strings.Contains(norm(l), n) {
			d = 0 // "MIT/GPL" is "Dual MIT/GPL" with a word missing
		}
		if strings.EqualFold(lic, l) {
			d = -1
		}
		c = append(c, cand{l, d})
	}
	// Stable insertion sort keeps the kernel's order ("GPL" first) among ties.
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].d < c[j-1].d; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	var out []string
	for i := 0; i < len(c) && i < 3; i++ {
		out = append(out, c[i].l)
	}
	return out
}

// nearest returns the candidate within edit distance 2 of s (or sharing a prefix of 4), or "".
func nearest(s string, cands []string, anyDist bool) string {
	best, bd := "", 3
	for _, c := range cands {
		d := levenshtein(strings.ToLower(s), c)
		if d < bd || anyDist && best == "" {
			best, bd = c, d
		}
	}
	if best == "" {
		for _, c := range cands {
			if len(s) >= 4 && (strings.HasPrefix(c, s[:4]) || strings.HasPrefix(s, c)) {
				return c
			}
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func authorKeys(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	hasAuthor, hasAuthors := s.Key("author") != nil, s.Key("authors") != nil
	var out []Finding
	a, as := m.Key("author"), m.Key("authors")
	switch {
	case as != nil && !hasAuthors && hasAuthor:
		f := Finding{Range: rng(as.NameRange),
			Message: fmt.Sprintf("this tree (%s) takes `author: \"…\"`, not `authors` (added in 6.15)", version(ctx.Index))}
		if len(as.Strings) == 1 && as.Kind == index.ValueStringArray && a == nil {
			f.Fixes = []Fix{{Title: "Change to author: \"…\"", Preferred: true, Edits: []Edit{
				{Range: rng(as.NameRange), NewText: "author"},
				{Range: rng(as.Value), NewText: ctxText(ctx, as.Elems[0])},
			}}}
		}
		out = append(out, f)
	case a != nil && !hasAuthor && hasAuthors:
		f := Finding{Range: rng(a.NameRange),
			Message: fmt.Sprintf("this tree (%s) takes `authors: [\"…\"]`, not `author` (removed in 6.17)", version(ctx.Index))}
		if as == nil && a.Kind == index.ValueString {
			f.Fixes = []Fix{{Title: "Change to authors: [\"…\"]", Preferred: true, Edits: []Edit{
				{Range: rng(a.NameRange), NewText: "authors"},
				{Range: rng(a.Value), NewText: "[" + a.ValueText + "]"},
			}}}
		}
		out = append(out, f)
	case a != nil && as != nil && hasAuthor && hasAuthors:
		second := as
		if as.Order < a.Order {
			second = a
		}
		out = append(out, Finding{Range: rng(second.NameRange), Message: "use either `author` or `authors`, not both"})
	}
	return out
}

func ctxText(ctx *Context, r rustfile.Range) string { return string(ctx.Text[r.Start:r.End]) }

func isArray(k index.ValueKind) bool {
	return k == index.ValueStringArray || k == index.ValueIdentArray || k == index.ValueExprArray
}

// compatible reports whether a value of kind got (Elems elements) fits a key wanting want.
func compatible(want, got index.ValueKind, elems int) bool {
	switch {
	case want == got, want == index.ValueExpr && got != "":
		return true
	case want == index.ValueExprArray:
		return isArray(got)
	case isArray(want) && isArray(got):
		return elems == 0
	case want == index.ValueIdent:
		return got == index.ValueIdent
	}
	return false
}

var kindWords = map[index.ValueKind]string{
	index.ValueIdent: "a type name", index.ValueString: "a string (\"…\")", index.ValueByteString: "a byte string (b\"…\")",
	index.ValueStringArray: "an array of strings ([\"…\"])", index.ValueIdentArray: "an array of type names",
	index.ValueExprArray: "an array", index.ValueParams: "a { … } block", index.ValueExpr: "an expression",
}

// nonASCII returns the offset of the first byte of b that is not ASCII, or -1.
func nonASCII(b []byte) int {
	for i, c := range b {
		if c >= 0x80 {
			return i
		}
	}
	return -1
}

func valueKinds(ctx *Context, m *rustfile.MacroCall, s *index.ModuleMacro) []Finding {
	var out []Finding
	for _, p := range m.Problems {
		out = append(out, Finding{Range: rng(p.Range), Message: p.Message})
	}
	for _, k := range m.Keys {
		sk := s.Key(k.Name)
		if sk == nil || sk.Value == "" {
			continue
		}
		if k.Kind == "" {
			out = append(out, Finding{Range: rng(k.NameRange), Message: fmt.Sprintf("key %q has no value: it takes %s", k.Name, kindWords[sk.Value])})
			continue
		}
		if compatible(sk.Value, k.Kind, len(k.Elems)) {
			if sk.ASCII {
				if i := nonASCII(ctx.Text[k.Value.Start:k.Value.End]); i >= 0 {
					at := k.Value.Start + i
					_, size := utf8.DecodeRune(ctx.Text[at:])
					out = append(out, Finding{Range: Range{at, at + size}, Message: fmt.Sprintf(
						"%q must be ASCII in this tree (%s): rust/macros/module.rs rejects %q and the build stops", k.Name, version(ctx.Index), ctx.Text[at:at+size])})
				}
			}
			continue
		}
		f := Finding{Range: rng(k.Value), Message: fmt.Sprintf("%q takes %s in this tree (%s), not %s", k.Name, kindWords[sk.Value], version(ctx.Index), kindWords[k.Kind])}
		var repl string
		switch {
		case sk.Value == index.ValueByteString && k.Kind == index.ValueString:
			repl = "b" + k.ValueText
		case sk.Value == index.ValueString && k.Kind == index.ValueByteString:
			repl = k.ValueText[1:]
		case sk.Value == index.ValueStringArray && (k.Kind == index.ValueString || k.Kind == index.ValueByteString):
			repl = "[" + strings.TrimPrefix(k.ValueText, "b") + "]"
		case (sk.Value == index.ValueString || sk.Value == index.ValueByteString) && k.Kind == index.ValueStringArray && len(k.Elems) == 1:
			repl = strings.TrimPrefix(ctxText(ctx, k.Elems[0]), "b")
			if sk.Value == index.ValueByteString {
				repl = "b" + repl
			}
		}
		if repl != "" {
			f.Fixes = []Fix{{Title: "Change to " + kindWords[sk.Value], Preferred: true, Edits: []Edit{{Range: rng(k.Value), NewText: repl}}}}
		}
		out = append(out, f)
	}
	return out
}
