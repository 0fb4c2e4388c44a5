// SPDX-License-Identifier: GPL-2.0-only

package kconfig

import (
	"fmt"
	"sort"
)

// Check returns the semantic warnings the kernel's conf prints when it reads the tree
// (menu.c: menu_finalize, sym_check_prop; parser.y) plus references to symbols defined
// nowhere (scripts/checkkconfigsymbols.py's question). Only files on the source chain are
// checked. All results are warnings: conf goes on after them.
func (t *Tree) Check() []Error {
	var out []Error
	warn := func(file string, r Range, format string, args ...any) {
		out = append(out, Error{File: file, Range: r, Msg: fmt.Sprintf(format, args...), Warning: true})
	}
	isBool := func(ty Type) bool { return ty == TypeBool || ty == TypeTristate }
	defined := func(name string) bool {
		s := t.Symbols[name]
		return s != nil && len(s.Defs) > 0
	}
	names := make([]string, 0, len(t.Symbols))
	for n := range t.Symbols {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		s := t.Symbols[name]
		typ := s.Type()
		for _, d := range s.Defs {
			if !d.OnChain {
				continue
			}
			n := d.Node
			if typ == TypeUnknown {
				warn(d.File, n.NameRange, "config symbol %s defined without type", name)
			}
			if n.Kind == KindMenuconfig && len(n.Prompts) == 0 {
				warn(d.File, n.Header, "menuconfig statement without prompt")
			}
			for _, r := range n.Ranges {
				if typ != TypeInt && typ != TypeHex {
					warn(d.File, r.Range, "range is only allowed for int or hex symbols")
				}
			}
			for _, kind := range []struct {
				word  string
				props []*Reverse
			}{{"select", n.Selects}, {"imply", n.Implies}} {
				for _, r := range kind.props {
					if !isBool(typ) {
						warn(d.File, r.Range, "config symbol %s uses %s, but is not bool or tristate", name, kind.word)
					}
					target := t.Symbols[r.Symbol]
					switch {
					case !defined(r.Symbol):
						warn(d.File, r.SymbolRange, "%s of undefined symbol %s", kind.word, r.Symbol)
					case !isBool(target.Type()) && target.Type() != TypeUnknown:
						warn(d.File, r.SymbolRange, "%s has wrong type: %s only accepts bool and tristate symbols", r.Symbol, kind.word)
					}
				}
			}
			if d.Choice != nil && len(n.Defaults) > 0 {
				warn(d.File, n.Defaults[0].Range, "defaults for choice values not supported")
			}
		}
	}
	for _, name := range t.Referenced() {
		if defined(name) {
			continue
		}
		for _, r := range t.Refs(name) {
			if t.OnChain[r.File] && r.Role != "select" && r.Role != "imply" {
				warn(r.File, r.Range, "%s is not defined anywhere in the tree", name)
			}
		}
	}
	for _, f := range t.Order {
		if !t.OnChain[f] {
			continue
		}
		t.Files[f].Walk(func(n *Node) bool {
			if n.Kind == KindChoice && len(n.Prompts) == 0 {
				warn(f, n.Header, "choice must have a prompt")
			}
			return true
		})
	}
	return out
}
