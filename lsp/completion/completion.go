// SPDX-License-Identifier: GPL-2.0-only

// Package completion proposes what to type at a position of a kernel Rust file: the keys of a
// module macro (module!, module_phy_driver!…) that the tree accepts, in the order the macro
// demands, and their values (the licenses the kernel accepts, the file's types for `type`,
// arrays, byte strings on 6.1); a whole `module!` block at the top level; the items of a
// path being typed (`kernel::sync::`, `bindings::`, `phy::` through a use, `KBox::`); and,
// through a hook, the CONFIG_ options in `#[cfg(…)]` and `cfg!(…)`. It knows no protocol.
package completion

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/rustfile"
	"krls.dev/krls/snippets"
)

// Range is a half-open byte range of the text.
type Range struct{ Start, End int }

// Item is one completion proposal.
type Item struct {
	Label string
	// Kind is "value", "snippet", "property" (a macro key), "constant" (a CONFIG_ option or
	// a const item), or for index items "module", "function", "method", "struct", "enum",
	// "enumMember", "interface" (a trait), "variable" (a static), "typeParameter" (a type
	// alias), "macro", "field": names of LSP's CompletionItemKind, lower camel case.
	Kind       string
	Detail     string
	Doc        string // markdown
	InsertText string
	Snippet    bool // InsertText has snippet placeholders ($1, ${1:x}, ${1|a,b|})
	SortText   string
	// Edit is the range InsertText replaces; nil means the word before the cursor.
	Edit *Range
}

// Completer holds the hooks of other file kinds. The zero value works.
type Completer struct {
	// Config, when set, proposes the CONFIG_ options starting with prefix inside
	// `#[cfg(…)]`, `#[cfg_attr(…)]` and `cfg!(…)`; the Kconfig model fills it. Edit ranges
	// of the items it returns may be nil (the word before the cursor).
	Config func(prefix string) []Item
}

// Rust is (&Completer{}).Rust: completion without the Kconfig hook.
func Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) ([]Item, error) {
	return (&Completer{}).Rust(ix, f, text, offset)
}

// Rust returns the proposals at offset of the parsed file f, nil, nil when it has none.
func (c *Completer) Rust(ix *index.Index, f *rustfile.File, text []byte, offset int) ([]Item, error) {
	if f == nil || offset < 0 || offset > len(text) || f.InComment(offset) {
		return nil, nil
	}
	word := wordBefore(text, offset)
	if m := f.MacroAt(offset); m != nil {
		s := schema(ix, m.Name)
		if s == nil {
			return nil, nil
		}
		return macroItems(f, text, offset, word, m, s), nil
	}
	if t := f.Token(offset); t != nil && t.Start < offset && offset < t.End && t.Kind != rustfile.Ident {
		return nil, nil // inside a string or number
	}
	if items := c.cfgItems(f, text, offset, word); items != nil {
		return items, nil
	}
	if p := f.PathBefore(offset); p != nil {
		if ix == nil {
			return nil, nil
		}
		return pathItems(ix, f, p), nil
	}
	if f.Depth(offset) == 0 && len(f.Macros) == 0 {
		return topLevel(ix, f, word, string(text[word.Start:word.End])), nil
	}
	return nil, nil
}

// wordBefore returns the identifier characters ending at offset.
func wordBefore(text []byte, offset int) Range {
	s := offset
	for s > 0 {
		c := text[s-1]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			s--
			continue
		}
		break
	}
	return Range{s, offset}
}

// defaultModule is the module! schema used when no index is loaded: the keys of 6.12's
// rust/macros/module.rs.
var defaultModule = &index.ModuleMacro{Name: "module", Ordered: true, Keys: []index.ModuleKey{
	{Name: "type", Required: true, Value: index.ValueIdent},
	{Name: "name", Required: true, Value: index.ValueString},
	{Name: "author", Value: index.ValueString},
	{Name: "description", Value: index.ValueString},
	{Name: "license", Required: true, Value: index.ValueString},
	{Name: "alias", Value: index.ValueStringArray},
	{Name: "firmware", Value: index.ValueStringArray},
}}

func schema(ix *index.Index, name string) *index.ModuleMacro {
	if ix == nil || len(ix.Modules) == 0 {
		if name == "module" {
			return defaultModule
		}
		return nil
	}
	return ix.Module(name)
}

func keyDoc(k index.ModuleKey) string {
	if k.Doc != "" {
		return k.Doc
	}
	return check.KeyDocs[k.Name]
}

func detail(k index.ModuleKey) string {
	d := "optional"
	if k.Required {
		d = "required"
	}
	if k.Value != "" {
		d += " · " + string(k.Value)
	}
	return d
}

// quote writes s as a string literal of the kind the key wants.
func quote(k index.ModuleKey, s string) string {
	if k.Value == index.ValueByteString {
		return "b" + fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q", s)
}

// valueSnippet is the snippet of a key's value, placeholder number n.
func valueSnippet(f *rustfile.File, k index.ModuleKey, n int) string {
	b := ""
	if k.Value == index.ValueByteString {
		b = "b"
	}
	switch {
	case k.Name == "license":
		return fmt.Sprintf("%s\"${%d|%s|}\"", b, n, strings.Join(check.Licenses, ","))
	case k.Value == index.ValueIdent:
		return fmt.Sprintf("${%d:%s}", n, check.Placeholder(f, "", k))
	case k.Value == index.ValueString || k.Value == index.ValueByteString:
		return fmt.Sprintf("%s\"$%d\"", b, n)
	case k.Value == index.ValueStringArray:
		return fmt.Sprintf("[\"$%d\"]", n)
	case k.Value == index.ValueIdentArray || k.Value == index.ValueExprArray:
		return fmt.Sprintf("[$%d]", n)
	case k.Value == index.ValueParams:
		return fmt.Sprintf("{\n    $%d\n}", n)
	}
	return fmt.Sprintf("$%d", n)
}

func macroItems(f *rustfile.File, text []byte, offset int, word Range, m *rustfile.MacroCall, s *index.ModuleMacro) []Item {
	// Is the cursor in the value of a key?
	var cur *rustfile.KeyValue
	for _, k := range m.Keys {
		colon := hasColon(text, k)
		end := k.Value.End
		if k.Comma {
			end = k.Entry.End - 1
		}
		if colon && offset > k.NameRange.End && offset <= end {
			return valueItems(f, text, offset, m, s, k)
		}
		if k.NameRange.Contains(offset) {
			cur = k
		}
	}
	present := map[string]bool{}
	for _, k := range m.Keys {
		if k != cur {
			present[k.Name] = true
		}
	}
	edit := word
	bare := true // nothing after the key yet: insert `key: value,`
	if cur != nil {
		edit = Range{cur.NameRange.Start, cur.NameRange.End}
		bare = !hasColon(text, cur)
	}
	var items []Item
	for i, k := range s.Keys {
		if present[k.Name] {
			continue
		}
		it := Item{Label: k.Name, Kind: "property", Detail: detail(k), Doc: keyDoc(k),
			SortText: fmt.Sprintf("%02d", i), InsertText: k.Name, Edit: &Range{edit.Start, edit.End}}
		if bare {
			it.InsertText = k.Name + ": " + valueSnippet(f, k, 1) + ","
			it.Snippet = true
		}
		items = append(items, it)
	}
	return items
}

func hasColon(text []byte, k *rustfile.KeyValue) bool {
	i := k.NameRange.End
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n') {
		i++
	}
	return i < len(text) && text[i] == ':' && (i+1 >= len(text) || text[i+1] != ':')
}

func valueItems(f *rustfile.File, text []byte, offset int, m *rustfile.MacroCall, s *index.ModuleMacro, kv *rustfile.KeyValue) []Item {
	sk := s.Key(kv.Name)
	if sk == nil {
		return nil
	}
	k := *sk
	// Replace the value when it is one token under the cursor, else insert at the cursor.
	edit := Range{offset, offset}
	if kv.Kind == index.ValueString || kv.Kind == index.ValueByteString || kv.Kind == index.ValueIdent || kv.Kind == "" {
		if kv.Value.Start <= offset && offset <= kv.Value.End {
			edit = Range{kv.Value.Start, kv.Value.End}
		}
	}
	if strings.TrimSpace(kv.ValueText) == "" {
		edit = wordBefore(text, offset)
	}
	var items []Item
	add := func(label, kind, det, insert string, snippet bool) {
		items = append(items, Item{Label: label, Kind: kind, Detail: det, InsertText: insert, Snippet: snippet,
			SortText: fmt.Sprintf("%02d", len(items)), Edit: &Range{edit.Start, edit.End}})
	}
	switch {
	case k.Name == "license":
		for i, l := range check.Licenses {
			det := "GPL-compatible (include/linux/license.h)"
			if i == 0 {
				det = "the usual choice; " + det
			}
			add(quote(k, l), "value", det, quote(k, l), false)
		}
	case k.Value == index.ValueIdentArray && kv.Kind != "" && kv.Value.Start < offset && offset < kv.Value.End:
		// drivers: [PhyA, Ph|]: the types of the file, replacing the word being typed.
		edit = wordBefore(text, offset)
		for _, d := range f.Decls {
			if d.TopLevel && (d.Kind == "struct" || d.Kind == "enum") {
				add(d.Name, d.Kind, d.Kind+" of this file", d.Name, false)
			}
		}
	case k.Value == index.ValueIdent:
		for _, d := range f.Decls {
			if d.TopLevel && (d.Kind == "struct" || d.Kind == "enum") {
				add(d.Name, d.Kind, d.Kind+" of this file", d.Name, false)
			}
		}
	case kv.Kind == "" || strings.TrimSpace(kv.ValueText) == "":
		sn := valueSnippet(f, k, 1)
		add(strings.NewReplacer("$1", "", "${1|", "", "|}", "").Replace(sn), "snippet", detail(k), sn, true)
	}
	return items
}

// cfgItems delegates `#[cfg(CONFIG_…)]` and `cfg!(CONFIG_…)` to the Config hook.
func (c *Completer) cfgItems(f *rustfile.File, text []byte, offset int, word Range) []Item {
	open := f.Enclosing(offset)
	if open < 0 {
		return nil
	}
	// Walk out through any(…), all(…), not(…) to the cfg.
	for open >= 0 {
		t := f.Code(open)
		if text[t.Start] != '(' || open < 1 {
			return nil
		}
		name := f.Code(open - 1)
		n := string(text[name.Start:name.End])
		switch n {
		case "any", "all", "not":
			open = f.Enclosing(name.Start)
			continue
		case "!":
			if open >= 2 {
				if m := f.Code(open - 2); string(text[m.Start:m.End]) == "cfg" {
					return c.config(text, word)
				}
			}
			return nil
		case "cfg", "cfg_attr":
			return c.config(text, word)
		}
		return nil
	}
	return nil
}

func (c *Completer) config(text []byte, word Range) []Item {
	prefix := string(text[word.Start:word.End])
	if c.Config == nil || !strings.HasPrefix("CONFIG_", prefix) && !strings.HasPrefix(prefix, "CONFIG_") {
		return []Item{} // a cfg context: nothing else applies
	}
	items := c.Config(prefix)
	for i := range items {
		if items[i].Edit == nil {
			items[i].Edit = &Range{word.Start, word.End}
		}
	}
	if items == nil {
		items = []Item{}
	}
	return items
}

// topLevel proposes a whole module macro block per module macro of the tree.
func topLevel(ix *index.Index, f *rustfile.File, word Range, typed string) []Item {
	macros := []*index.ModuleMacro{defaultModule}
	if ix != nil && len(ix.Modules) > 0 {
		macros = nil
		for i := range ix.Modules {
			macros = append(macros, &ix.Modules[i])
		}
	}
	var items []Item
	for i, s := range macros {
		if !strings.HasPrefix(s.Name, typed) {
			continue
		}
		if s.Name != "module" && s.Key("type") == nil {
			continue // module_phy_driver! and co. need driver types: not a skeleton
		}
		items = append(items, Item{
			Label: s.Name + "!", Kind: "snippet", Detail: "declare the kernel module",
			Doc:        "A `" + s.Name + "!` block with the keys this tree requires, and `author` and `description`.",
			InsertText: ModuleSnippet(f, s), Snippet: true, SortText: fmt.Sprintf("%02d", i),
			Edit: &Range{word.Start, word.End},
		})
	}
	// The module skeletons of snippets/ (the same ones VS Code contributes), in the forms
	// this tree accepts.
	if ix != nil && ix.Root != "" {
		sns := snippets.For("rust", variantOf(ix.Root))
		sort.Slice(sns, func(i, j int) bool { return sns[i].Prefix < sns[j].Prefix })
		for _, sn := range sns {
			if !strings.HasPrefix(sn.Prefix, typed) {
				continue
			}
			items = append(items, Item{
				Label: sn.Prefix, Kind: "snippet", Detail: sn.Label, Doc: sn.Description,
				InsertText: sn.Body, Snippet: true, SortText: "1" + sn.Prefix,
				Edit: &Range{word.Start, word.End},
			})
		}
	}
	return items
}

// variants caches snippets.VariantOf per tree root: it reads the tree's macro files.
var variants sync.Map // root -> snippets.Variant

func variantOf(root string) snippets.Variant {
	if v, ok := variants.Load(root); ok {
		return v.(snippets.Variant)
	}
	v, _ := snippets.VariantOf(root)
	variants.Store(root, v)
	return v
}

// ModuleSnippet returns a snippet of a whole module macro block: the required keys of the
// schema plus author (or authors) and description, in the schema order.
func ModuleSnippet(f *rustfile.File, s *index.ModuleMacro) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s! {\n", s.Name)
	n := 1
	for _, k := range s.Keys {
		want := k.Required || k.Name == "description" || k.Name == "author" || k.Name == "authors" && s.Key("author") == nil
		if !want {
			continue
		}
		v := valueSnippet(f, k, n)
		if k.Name == "name" {
			v = strings.Replace(v, fmt.Sprintf("$%d", n), fmt.Sprintf("${%d:name}", n), 1)
		}
		fmt.Fprintf(&b, "    %s: %s,\n", k.Name, v)
		n++
	}
	b.WriteString("}\n$0")
	return b.String()
}
