// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/kbuild"
)

// Langs of the features: the file kinds of lsp/source.
const (
	LangRust     = "rust"
	LangKconfig  = "kconfig"
	LangMakefile = "makefile"
)

// Range is a half-open byte range of a text.
type Range struct{ Start, End int }

// Location is a range in a file on disk: absolute path, 1-based lines, 0-based byte columns.
type Location struct {
	Path            string
	Line, Col       int
	EndLine, EndCol int
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// wordAt returns the identifier around offset.
func wordAt(text []byte, offset int) (string, Range) {
	if offset < 0 || offset > len(text) {
		return "", Range{}
	}
	s, e := offset, offset
	for s > 0 && isWord(text[s-1]) {
		s--
	}
	for e < len(text) && isWord(text[e]) {
		e++
	}
	return string(text[s:e]), Range{s, e}
}

// SymbolAt returns the CONFIG symbol (without CONFIG_) written at offset of a file of lang, and
// the range of its name as written (CONFIG_X in Rust and Makefiles), or "" when there is none.
// In Rust only the names inside cfg predicates count; in Kconfig files any word naming a
// defined symbol outside help texts and strings.
func (w *World) SymbolAt(lang string, text []byte, offset int) (string, Range) {
	switch lang {
	case LangRust:
		for _, u := range RustUses(text) {
			if u.Start <= offset && offset <= u.End {
				return u.Name, Range{u.Start, u.End}
			}
		}
	case LangMakefile:
		for _, u := range MakefileUses(text) {
			if u.Start <= offset && offset <= u.End {
				return u.Name, Range{u.Start, u.End}
			}
		}
	case LangKconfig:
		word, r := wordAt(text, offset)
		if word == "" || word[0] >= '0' && word[0] <= '9' || inKconfigText(text, r.Start) {
			return "", Range{}
		}
		if w == nil || w.Known(word) || w.Tree.Lookup(word) != nil {
			return word, r
		}
		if n, ok := strings.CutPrefix(word, "CONFIG_"); ok && w.Known(n) {
			return n, r
		}
	}
	return "", Range{}
}

// inKconfigText reports whether off of a Kconfig text lies in a help text, a string or a
// comment, where words are prose rather than symbols.
func inKconfigText(text []byte, off int) bool {
	ls := lineStarts(text)
	line, col := posOf(ls, off)
	start := ls[line-1]
	lineText := text[start:off]
	if inQuotes(lineText) || strings.Contains(string(lineText), "#") {
		return true
	}
	f, _ := kconfig.ParseFile("Kconfig", text)
	pos := kconfig.Pos{Line: line, Col: col}
	in := false
	f.Walk(func(n *kconfig.Node) bool {
		if in || !n.Range.Contains(pos) && n.Range.End != pos {
			return !in
		}
		if n.Help != nil && (n.Help.Range.Contains(pos) || n.Help.Range.End == pos) && !n.Help.Keyword.Contains(pos) {
			in = true
		}
		return !in
	})
	return in
}

// Definitions returns the config/menuconfig lines of a symbol: those conf reads for the
// selected architecture, else every one.
func (w *World) Definitions(name string) []Location {
	var out []Location
	for _, d := range w.Tree.Defs(name) {
		r := d.Node.NameRange
		out = append(out, Location{Path: w.Abs(d.File), Line: r.Start.Line, Col: r.Start.Col, EndLine: r.End.Line, EndCol: r.End.Col})
	}
	return out
}

// References returns every use of a symbol: its definitions, the Kconfig expressions naming it
// (depends on, select, if, default…), the cfgs of Rust files and the Makefile lines.
func (w *World) References(name string, withDefs bool) []Location {
	var out []Location
	if withDefs {
		out = append(out, w.Definitions(name)...)
	}
	for _, r := range w.Tree.Refs(name) {
		if r.Role == "selected-by" {
			continue
		}
		out = append(out, Location{Path: w.Abs(r.File), Line: r.Range.Start.Line, Col: r.Range.Start.Col, EndLine: r.Range.End.Line, EndCol: r.Range.End.Col})
	}
	for _, r := range w.Refs(name) {
		out = append(out, Location{Path: r.Path, Line: r.Line, Col: r.Col, EndLine: r.Line, EndCol: r.End})
	}
	seen := map[Location]bool{}
	uniq := out[:0]
	for _, l := range out {
		if !seen[l] {
			seen[l] = true
			uniq = append(uniq, l)
		}
	}
	return uniq
}

// Definition answers go-to-definition at offset of a file of lang (path absolute): a CONFIG
// symbol goes to its Kconfig entries; in a Makefile an object (foo.o) goes to its source or
// composite line; in a Kconfig file a source path to its file.
func (w *World) Definition(lang, path string, text []byte, offset int) []Location {
	if name, _ := w.SymbolAt(lang, text, offset); name != "" {
		return w.Definitions(name)
	}
	for _, l := range w.Links(lang, path, text) {
		if l.Range.Start <= offset && offset <= l.Range.End {
			return []Location{{Path: l.Target, Line: 1}}
		}
	}
	return nil
}

// KconfigEntries answers krls.openKconfigEntry: for a symbol (with or without CONFIG_), its
// definitions; for a source file (absolute path), the entries of the symbols that build it.
func (w *World) KconfigEntries(arg string) []Location {
	if !filepath.IsAbs(arg) && strings.ContainsAny(arg, "/.") {
		arg = w.Abs(arg) // a path relative to the tree
	}
	if filepath.IsAbs(arg) {
		var out []Location
		for _, d := range w.Entries(arg) {
			r := d.Node.NameRange
			out = append(out, Location{Path: w.Abs(d.File), Line: r.Start.Line, Col: r.Start.Col, EndLine: r.End.Line, EndCol: r.End.Col})
		}
		return out
	}
	return w.Definitions(strings.TrimPrefix(arg, "CONFIG_"))
}

// MakefileLines answers krls.openMakefileLine: the lines that build a source file (absolute),
// the one naming its object first, then those of its composite.
func (w *World) MakefileLines(path string) []Location {
	o := w.Object(path)
	if o == nil {
		return nil
	}
	mk := o.Makefile
	if !filepath.IsAbs(mk) {
		mk = filepath.Join(filepath.Dir(path), mk)
	}
	var out []Location
	for _, a := range o.Lines {
		out = append(out, Location{Path: mk, Line: a.Range.Start.Line, Col: a.Range.Start.Col, EndLine: a.Range.End.Line, EndCol: a.Range.End.Col})
	}
	return out
}

// Link is a document link: a range of the text and the file it opens.
type Link struct {
	Range  Range
	Target string // absolute
}

// Links returns the document links of a Makefile (object names to their sources, subdirs to
// their Makefile) or a Kconfig file (source statements to the files they read).
func (w *World) Links(lang, path string, text []byte) []Link {
	ls := lineStarts(text)
	var out []Link
	switch lang {
	case LangMakefile:
		mk, _ := kbuild.Parse(path, text)
		dir := filepath.Dir(path)
		for _, a := range mk.Assigns {
			if a.Kind == kbuild.VarOther || a.Kind == kbuild.VarFlags {
				continue
			}
			for _, wd := range a.Words {
				target := ""
				switch {
				case strings.HasSuffix(wd.Text, ".o"):
					for _, ext := range []string{".rs", ".c", ".S"} {
						p := filepath.Join(dir, strings.TrimSuffix(wd.Text, ".o")+ext)
						if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
							target = p
							break
						}
					}
				case strings.HasSuffix(wd.Text, "/") || a.Kind == kbuild.VarSubdir:
					sub := filepath.Join(dir, wd.Text)
					if _, p := w.makefileOf(sub); p != "" {
						target = p
					}
				}
				if target != "" && !strings.Contains(wd.Text, "$") {
					out = append(out, Link{Range{offsetOf(ls, wd.Range.Start, len(text)), offsetOf(ls, wd.Range.End, len(text))}, target})
				}
			}
		}
	case LangKconfig:
		f, _ := kconfig.ParseFile(w.relOr(path), text)
		f.Walk(func(n *kconfig.Node) bool {
			if n.Kind != kconfig.KindSource {
				return true
			}
			p, unknown := w.Tree.Expand(n.Text)
			if unknown != "" || strings.ContainsAny(p, "*?[") {
				return true
			}
			if n.Keyword == "rsource" || n.Keyword == "orsource" {
				p = filepath.Join(filepath.Dir(path), p)
			} else {
				p = w.Abs(p)
			}
			if _, err := os.Stat(p); err == nil {
				s, e := offsetOf(ls, n.TextRange.Start, len(text)), offsetOf(ls, n.TextRange.End, len(text))
				if e-s >= 2 && text[s] == '"' && text[e-1] == '"' {
					s, e = s+1, e-1
				}
				out = append(out, Link{Range{s, e}, p})
			}
			return true
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Range.Start < out[j].Range.Start })
	return out
}

func (w *World) makefileOf(dir string) (any, string) {
	mk, p := w.Makefile(filepath.Clean(dir))
	if mk == nil {
		return nil, ""
	}
	return mk, p
}

func (w *World) relOr(path string) string {
	if r := w.Rel(path); r != "" {
		return r
	}
	return path
}

// symbolMarkdown describes a symbol for hover: type, prompt, dependencies, where it is
// defined, help, and its value in the build's .config with the unmet dependency when off.
func (w *World) symbolMarkdown(name string) string {
	s := w.Tree.Lookup(name)
	if s == nil || len(s.Defs) == 0 {
		return fmt.Sprintf("`CONFIG_%s` is defined in no Kconfig file of this tree.", name)
	}
	var b strings.Builder
	kw := "config"
	if defs := w.Tree.Defs(name); len(defs) > 0 && defs[0].Node.Kind == kconfig.KindMenuconfig {
		kw = "menuconfig"
	}
	fmt.Fprintf(&b, "```kconfig\n%s %s\n", kw, name)
	if t := s.Type(); t != kconfig.TypeUnknown {
		b.WriteString("\t" + t.String())
		if p := prompt(w.Tree.Defs(name)); p != "" {
			fmt.Fprintf(&b, " %q", p)
		}
		b.WriteString("\n")
	}
	if d := w.Tree.Deps(name); d != nil {
		fmt.Fprintf(&b, "\tdepends on %s\n", d.String())
	}
	b.WriteString("```\n")
	if chain, ok := w.Tree.DependsOn(name, "RUST"); ok && name != "RUST" {
		fmt.Fprintf(&b, "\nNeeds Rust: %s.\n", strings.Join(chain, " → "))
	}
	if len(s.SelectedBy) > 0 {
		var sel []string
		for _, e := range s.SelectedBy {
			sel = append(sel, e.From.Symbol.Name)
		}
		fmt.Fprintf(&b, "\nSelected by: %s.\n", strings.Join(uniqStrings(sel), ", "))
	}
	var where []string
	for _, d := range w.Tree.Defs(name) {
		where = append(where, fmt.Sprintf("%s:%d", d.File, d.Node.NameRange.Start.Line))
	}
	fmt.Fprintf(&b, "\nDefined at %s.\n", strings.Join(where, ", "))
	for _, d := range w.Tree.Defs(name) {
		if d.Node.Help != nil && d.Node.Help.Text != "" {
			b.WriteString("\n" + strings.TrimRight(d.Node.Help.Text, "\n") + "\n")
			break
		}
	}
	if w.Config != nil {
		b.WriteString("\n" + w.valueText(name) + "\n")
	}
	return b.String()
}

// valueText says the symbol's value in .config and, when it is off, why.
func (w *World) valueText(name string) string {
	cfgName := filepath.Base(filepath.Dir(w.ConfigPath)) + "/.config"
	v, ok := w.Config.Values[name]
	if ok && v != "n" {
		return fmt.Sprintf("In %s: `CONFIG_%s=%s`.", cfgName, name, v)
	}
	state := "is not set"
	if !ok {
		state = "is absent"
	}
	msg := fmt.Sprintf("In %s: `CONFIG_%s` %s", cfgName, name, state)
	unmet := w.Tree.Unmet(name, w.Config)
	if len(unmet) == 0 {
		if w.Tree.Eval(w.Tree.Deps(name), w.Config) == kconfig.Unknown {
			return msg + " (its dependencies rest on values krls cannot know)."
		}
		return msg + "; its dependencies are met, so it is switched off (or has no prompt and no default)."
	}
	var parts []string
	for _, e := range unmet {
		parts = append(parts, "`"+e.String()+"`"+w.valuesOf(e))
	}
	return msg + ": unmet dependency " + strings.Join(parts, ", ") + "."
}

// valuesOf lists the values of the symbols of e in .config, e.g. " (RUST=n)".
func (w *World) valuesOf(e *kconfig.Expr) string {
	var vs []string
	for _, s := range uniqStrings(e.Symbols()) {
		v := w.Config.Values[s]
		if v == "" {
			v = "n"
		}
		vs = append(vs, s+"="+v)
	}
	if len(vs) == 0 {
		return ""
	}
	return " (" + strings.Join(vs, ", ") + ")"
}

func prompt(defs []*kconfig.Def) string {
	for _, d := range defs {
		for _, p := range d.Node.Prompts {
			return p.Text
		}
	}
	return ""
}

func uniqStrings(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Hover returns the markdown about what is at offset of a file of lang (path absolute, "" when
// unknown): a CONFIG symbol, or in a Makefile an object (its source, module and gates). The
// range is what it is about; "" when there is nothing.
func (w *World) Hover(lang, path string, text []byte, offset int) (string, Range) {
	name, r := w.SymbolAt(lang, text, offset)
	if name != "" {
		return w.symbolMarkdown(name), r
	}
	if lang == LangMakefile && path != "" {
		return w.objectMarkdown(path, text, offset)
	}
	return "", Range{}
}

// objectMarkdown describes the object named at offset of a Makefile: the file it is built
// from, the module it ends up in and the symbols that gate its line.
func (w *World) objectMarkdown(path string, text []byte, offset int) (string, Range) {
	mk, _ := kbuild.Parse(path, text)
	if mk == nil {
		return "", Range{}
	}
	ls := lineStarts(text)
	dir := filepath.Dir(path)
	for _, a := range mk.Assigns {
		if a.Kind != kbuild.VarObj && a.Kind != kbuild.VarComposite && a.Kind != kbuild.VarLib {
			continue
		}
		for _, wd := range a.Words {
			s, e := offsetOf(ls, wd.Range.Start, len(text)), offsetOf(ls, wd.Range.End, len(text))
			if offset < s || offset > e || !strings.HasSuffix(wd.Text, ".o") || strings.Contains(wd.Text, "$") {
				continue
			}
			stem := strings.TrimSuffix(wd.Text, ".o")
			var b strings.Builder
			fmt.Fprintf(&b, "**%s**", wd.Text)
			src := ""
			for _, ext := range []string{".rs", ".c", ".S"} {
				if st, err := os.Stat(filepath.Join(dir, stem+ext)); err == nil && st.Mode().IsRegular() {
					src = stem + ext
					break
				}
			}
			switch {
			case src != "":
				fmt.Fprintf(&b, " is built from `%s`", src)
			case hasComposite(mk, stem):
				fmt.Fprintf(&b, " is a composite object (`%s-y`/`%s-objs` list its parts)", stem, stem)
			}
			switch a.Kind {
			case kbuild.VarObj:
				fmt.Fprintf(&b, "; it is the module `%s` when built as a module", filepath.Base(stem))
			case kbuild.VarComposite:
				fmt.Fprintf(&b, "; it is part of `%s.o`", a.Base)
			}
			b.WriteString(".\n")
			var gates []string
			if a.Config != "" {
				gates = append(gates, a.Config)
			}
			for _, c := range a.Conds {
				for _, sym := range c.Cond.Symbols {
					gates = append(gates, sym.Name)
				}
			}
			for _, g := range uniqStrings(gates) {
				line := fmt.Sprintf("\nGated by `CONFIG_%s`", g)
				if p := prompt(w.Tree.Defs(g)); p != "" {
					line += fmt.Sprintf(" (%q)", p)
				}
				if w.Config != nil {
					v := w.Config.Values[g]
					if v == "" {
						v = "n"
					}
					line += fmt.Sprintf(", `%s` in .config", v)
				}
				b.WriteString(line + ".\n")
			}
			return b.String(), Range{s, e}
		}
	}
	return "", Range{}
}

func hasComposite(mk *kbuild.Makefile, stem string) bool {
	for _, a := range mk.Assigns {
		if a.Kind == kbuild.VarComposite && a.Base == stem {
			return true
		}
	}
	return false
}
