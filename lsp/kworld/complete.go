// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"regexp"
	"sort"
	"strings"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/snippets"
)

// maxSymbols bounds a symbol list: a prefix of one letter already narrows the ~20,000 symbols
// of a tree to a list an editor filters well.
const maxSymbols = 1000

// symbols returns the defined symbols starting with prefix (without CONFIG_), those conf reads
// for the selected architecture first, then by name.
func (w *World) symbols(prefix string) []*kconfig.Symbol {
	var out []*kconfig.Symbol
	for name, s := range w.Tree.Symbols {
		if len(s.Defs) > 0 && strings.HasPrefix(name, prefix) {
			out = append(out, s)
		}
	}
	onChain := func(s *kconfig.Symbol) bool {
		for _, d := range s.Defs {
			if d.OnChain {
				return true
			}
		}
		return false
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := onChain(out[i]), onChain(out[j])
		if a != b {
			return a
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > maxSymbols {
		out = out[:maxSymbols]
	}
	return out
}

func (w *World) symbolItems(prefix, label string, edit *completion.Range) []completion.Item {
	var items []completion.Item
	for i, s := range w.symbols(prefix) {
		detail := s.Type().String()
		if p := prompt(w.Tree.Defs(s.Name)); p != "" {
			detail += " " + p
		}
		doc := ""
		for _, d := range w.Tree.Defs(s.Name) {
			if d.Node.Help != nil {
				doc, _, _ = strings.Cut(d.Node.Help.Text, "\n\n") // the first paragraph
				break
			}
		}
		items = append(items, completion.Item{
			Label:    label + s.Name,
			Kind:     "constant",
			Detail:   detail,
			Doc:      doc,
			SortText: sortKey(i),
			Edit:     edit,
		})
	}
	return items
}

func sortKey(i int) string {
	const digits = "0123456789"
	b := []byte("00000")
	for j := len(b) - 1; j >= 0 && i > 0; j-- {
		b[j] = digits[i%10]
		i /= 10
	}
	return string(b)
}

// ConfigHook is the completion.Completer.Config hook: the CONFIG_ options for a Rust cfg.
func (w *World) ConfigHook(prefix string) []completion.Item {
	p := strings.TrimPrefix(prefix, "CONFIG_")
	if !strings.HasPrefix(prefix, "CONFIG_") {
		p = ""
	}
	return w.symbolItems(p, "CONFIG_", nil)
}

// kconfigKeywords are the words a Kconfig line starts with.
var kconfigKeywords = []string{
	"config", "menuconfig", "choice", "endchoice", "comment", "menu", "endmenu", "if", "endif",
	"source", "rsource", "mainmenu", "bool", "tristate", "string", "hex", "int", "prompt",
	"default", "def_bool", "def_tristate", "depends on", "select", "imply", "visible if",
	"range", "help", "modules",
}

// exprContext matches the part of a Kconfig line before a word that takes an expression.
var exprContext = regexp.MustCompile(`^\s*(depends\s+on|select|imply|if|default|def_bool|def_tristate|visible\s+if|range)\s|\sif\s`)

// Complete returns the proposals at offset of a Kconfig file or a Makefile: symbol names in
// Kconfig expressions and after CONFIG_ in Makefiles, Kconfig keywords at the start of a
// line, and the skeletons of package snippets there.
func (w *World) Complete(lang string, text []byte, offset int) []completion.Item {
	if offset < 0 || offset > len(text) {
		return nil
	}
	s := offset
	for s > 0 && isWord(text[s-1]) {
		s--
	}
	word := string(text[s:offset])
	ls := s
	for ls > 0 && text[ls-1] != '\n' {
		ls--
	}
	before := string(text[ls:s])
	atStart := strings.TrimSpace(before) == ""
	edit := &completion.Range{Start: s, End: offset}
	switch lang {
	case LangKconfig:
		if atStart {
			var items []completion.Item
			for _, k := range kconfigKeywords {
				if strings.HasPrefix(k, word) {
					items = append(items, completion.Item{Label: k, Kind: "keyword", Edit: edit})
				}
			}
			return append(items, w.snippetItems(lang, word, edit)...)
		}
		if exprContext.MatchString(before) && !inKconfigText(text, s) {
			return w.symbolItems(word, "", edit)
		}
	case LangMakefile:
		if strings.HasPrefix(word, "CONFIG_") || strings.HasSuffix(before, "$(") && strings.HasPrefix("CONFIG_", word) {
			if i := strings.IndexByte(before, '#'); i >= 0 {
				return nil
			}
			return w.symbolItems(strings.TrimPrefix(word, "CONFIG_"), "CONFIG_", edit)
		}
		if atStart {
			return w.snippetItems(lang, word, edit)
		}
	}
	return nil
}

func (w *World) snippetItems(lang, word string, edit *completion.Range) []completion.Item {
	var items []completion.Item
	v, _ := snippets.VariantOf(w.Root)
	for _, sn := range snippets.For(lang, v) {
		if !strings.HasPrefix(sn.Prefix, word) {
			continue
		}
		items = append(items, completion.Item{Label: sn.Prefix, Kind: "snippet", Detail: sn.Label,
			Doc: sn.Description, InsertText: sn.Body, Snippet: true, Edit: edit})
	}
	return items
}
