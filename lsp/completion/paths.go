// SPDX-License-Identifier: GPL-2.0-only

package completion

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/rustfile"
)

// maxPathItems bounds a path completion (bindings:: alone has tens of thousands of items):
// the names starting with the typed prefix (any case), the first ones in name order.
const maxPathItems = 300

var itemKinds = map[index.Kind]string{
	index.KindMod: "module", index.KindFn: "function", index.KindMethod: "method", index.KindStruct: "struct",
	index.KindEnum: "enum", index.KindVariant: "enumMember", index.KindUnion: "struct", index.KindTrait: "interface",
	index.KindConst: "constant", index.KindStatic: "variable", index.KindType: "typeParameter", index.KindMacro: "macro",
	index.KindField: "field",
}

// pathItems completes `kernel::sync::|`, `bindings::mutex_|`, `phy::|` (a name imported
// with use) and `KBox::|` (the associated items of a type): the direct children of the
// qualifier in the index, canonical paths and re-exports alike.
func pathItems(ix *index.Index, f *rustfile.File, p *rustfile.PathBefore) []Item {
	var bases []string
	if p.InUse || p.Global {
		bases = []string{strings.Join(p.Segments, "::")}
	} else {
		bases = f.Resolve(p.Segments)
	}
	for _, base := range bases {
		if items := children(ix, base, p); len(items) > 0 {
			return items
		}
	}
	return nil
}

type alias struct {
	name string
	item *index.Item
}

// aliases caches, for the last index seen, the re-exports by parent path
// ("kernel::prelude" -> KBox, KVec, …): scanning every item's aliases costs milliseconds.
var aliases struct {
	sync.Mutex
	ix       *index.Index
	byParent map[string][]alias
}

func aliasesOf(ix *index.Index, parent string) []alias {
	aliases.Lock()
	defer aliases.Unlock()
	if aliases.ix != ix {
		m := map[string][]alias{}
		for i := range ix.Items {
			for _, a := range ix.Items[i].Aliases {
				if j := strings.LastIndex(a, "::"); j > 0 {
					m[a[:j]] = append(m[a[:j]], alias{a[j+2:], &ix.Items[i]})
				}
			}
		}
		aliases.ix, aliases.byParent = ix, m
	}
	return aliases.byParent[parent]
}

func children(ix *index.Index, base string, p *rustfile.PathBefore) []Item {
	// The qualifier may itself be a re-export: list the children of its canonical path too.
	parents := []string{base}
	if it := ix.Lookup(base); it != nil && it.Path != base {
		parents = append(parents, it.Path)
	}
	lowPrefix := strings.ToLower(p.Prefix)
	seen := map[string]bool{}
	var found []*index.Item
	var names []string
	add := func(it *index.Item, name string) {
		if seen[name] || it.Kind == index.KindField && it.Source != index.SourceKernel ||
			!strings.HasPrefix(strings.ToLower(name), lowPrefix) {
			return
		}
		seen[name] = true
		found = append(found, it)
		names = append(names, name)
	}
	for _, parent := range parents {
		for _, a := range aliasesOf(ix, parent) {
			add(a.item, a.name)
		}
	}
	for _, parent := range parents {
		// Items are sorted by path, so the children of parent are one run; the names are
		// matched case-insensitively, and the scan stops once it has plenty.
		pre := parent + "::"
		i := sort.Search(len(ix.Items), func(i int) bool { return ix.Items[i].Path >= pre })
		for ; i < len(ix.Items) && strings.HasPrefix(ix.Items[i].Path, pre) && len(found) < 4*maxPathItems; i++ {
			if rest := ix.Items[i].Path[len(pre):]; !strings.Contains(rest, "::") {
				add(&ix.Items[i], rest)
			}
		}
	}
	order := make([]int, len(found))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return names[order[a]] < names[order[b]] })
	if len(order) > maxPathItems {
		order = order[:maxPathItems]
	}
	items := make([]Item, 0, len(order))
	for n, i := range order {
		it := found[i]
		label, insert := names[i], names[i]
		// Attribute proc macros (`#[vtable]`: two TokenStream parameters) take no '!'.
		if it.Kind == index.KindMacro && !(it.Source == index.SourceMacros && check.ParamCount(it.Sig) == 2) {
			label += "!"
			insert += "!"
		}
		items = append(items, Item{Label: label, Kind: itemKinds[it.Kind], Detail: it.Sig, Doc: firstParagraph(it.Doc),
			InsertText: insert, SortText: fmt.Sprintf("%04d", n), Edit: &Range{p.PrefixRange.Start, p.PrefixRange.End}})
	}
	return items
}

func firstParagraph(doc string) string {
	if i := strings.Index(doc, "\n\n"); i >= 0 {
		return doc[:i]
	}
	return doc
}
