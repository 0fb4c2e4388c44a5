// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"fmt"
	"path/filepath"
	"strings"

	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/kbuild"
	"krls.dev/krls/lsp/check"
)

// addModuleFix builds the fix of module-not-built for the Rust file path: a line
// `obj-$(CONFIG_FOO) += foo.o` after the last obj- line of the folder's Makefile (spaced like
// it), and a `config FOO` entry in the folder's Kconfig: inside its last top-level if/menu
// block when the file is laid out that way (samples/rust/Kconfig: `if SAMPLES_RUST`), else at
// the end, with `depends on RUST` unless the block already requires it.
func (w *World) addModuleFix(path string) *check.Fix {
	dir := filepath.Dir(path)
	stem := strings.TrimSuffix(filepath.Base(path), ".rs")
	mk, mkFile := w.Makefile(dir)
	if mk == nil {
		return nil
	}
	mkText, err := readSmall(mkFile)
	if err != nil {
		return nil
	}
	mk, _ = kbuild.Parse(mkFile, mkText) // the offsets of the edit come from this very text
	if w.Rel(path) == "" || !gatedFolder(mk) {
		// An out-of-tree module (obj-m := x.o) or a folder whose objects no option gates.
		return &check.Fix{Title: fmt.Sprintf("Build %s.o (add obj-m += %s.o to %s)", stem, stem, filepath.Base(mkFile)), Preferred: true,
			Edits: []check.Edit{makefileEdit(mkFile, mkText, mk, "obj-m", stem)}}
	}
	sym := symbolName(mk, stem)
	fix := &check.Fix{Title: fmt.Sprintf("Build %s.o with CONFIG_%s (Makefile line and Kconfig entry)", stem, sym), Preferred: true}
	fix.Edits = append(fix.Edits, makefileEdit(mkFile, mkText, mk, "obj-$(CONFIG_"+sym+")", stem))
	kc := filepath.Join(dir, "Kconfig")
	if kcText, err := readSmall(kc); err == nil {
		fix.Edits = append(fix.Edits, w.kconfigEdit(kc, kcText, sym, stem))
	}
	return fix
}

// symbolName names the option of a new object after the folder's others: the common prefix of
// the symbols of its obj-$(CONFIG_…) lines up to an underscore (SAMPLE_RUST_ in samples/rust),
// then the file name in capitals without a rust_ prefix the prefix already says.
func symbolName(mk *kbuild.Makefile, stem string) string {
	prefix, first := "", true
	for _, a := range mk.Assigns {
		if a.Kind != kbuild.VarObj || a.Config == "" {
			continue
		}
		if first {
			prefix, first = a.Config, false
			continue
		}
		i := 0
		for i < len(prefix) && i < len(a.Config) && prefix[i] == a.Config[i] {
			i++
		}
		prefix = prefix[:i]
	}
	if i := strings.LastIndexByte(prefix, '_'); i >= 0 {
		prefix = prefix[:i+1]
	} else {
		prefix = ""
	}
	name := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(stem))
	if strings.HasSuffix(prefix, "RUST_") {
		name = strings.TrimPrefix(name, "RUST_")
	}
	return prefix + name
}

// gatedFolder reports whether some obj- line of the Makefile is gated by an option.
func gatedFolder(mk *kbuild.Makefile) bool {
	for _, a := range mk.Assigns {
		if a.Kind == kbuild.VarObj && a.Config != "" {
			return true
		}
	}
	return false
}

// makefileEdit appends `lhs += stem.o` after the last unconditional obj- line, aligned like it.
func makefileEdit(file string, text []byte, mk *kbuild.Makefile, lhs, stem string) check.Edit {
	ls := lineStarts(text)
	var last, lastAny *kbuild.Assign
	for _, a := range mk.Assigns {
		if a.Kind == kbuild.VarObj {
			lastAny = a
			if len(a.Conds) == 0 {
				last = a
			}
		}
	}
	if last == nil {
		last = lastAny // an out-of-tree Makefile: obj-m inside ifneq ($(KERNELRELEASE),)
	}
	if last == nil {
		sep := ""
		if len(text) > 0 && text[len(text)-1] != '\n' {
			sep = "\n"
		}
		return check.Edit{Path: file, Range: check.Range{Start: len(text), End: len(text)}, NewText: sep + lhs + " += " + stem + ".o\n"}
	}
	// Keep the spacing of the last line: its gap between the variable and +=, in columns.
	line := string(text[offsetOf(ls, kconfig.Pos{Line: last.Range.Start.Line}, len(text)):offsetOf(ls, last.VarRange.End, len(text))])
	rest := string(text[offsetOf(ls, last.VarRange.End, len(text)):])
	gap := rest[:len(rest)-len(strings.TrimLeft(rest, " \t"))]
	width := visualWidth(line + gap)
	pad := ""
	if strings.Contains(gap, "\t") {
		for visualWidth(lhs+pad) < width {
			pad += "\t"
		}
	} else {
		pad = strings.Repeat(" ", max(1, width-len(lhs)))
	}
	if pad == "" {
		pad = " "
	}
	at := offsetOf(ls, kconfig.Pos{Line: last.Range.End.Line + 1}, len(text))
	if last.Range.End.Line >= len(ls) {
		at = len(text)
	}
	nl := ""
	if at == len(text) && len(text) > 0 && text[len(text)-1] != '\n' {
		nl = "\n"
	}
	return check.Edit{Path: file, Range: check.Range{Start: at, End: at}, NewText: nl + lhs + pad + "+= " + stem + ".o\n"}
}

func visualWidth(s string) int {
	n := 0
	for _, c := range s {
		if c == '\t' {
			n = (n/8 + 1) * 8
		} else {
			n++
		}
	}
	return n
}

func (w *World) kconfigEdit(file string, text []byte, sym, stem string) check.Edit {
	f, _ := kconfig.ParseFile(file, text)
	ls := lineStarts(text)
	at := len(text)
	needRust := true
	if n := len(f.Nodes); n > 0 {
		last := f.Nodes[n-1]
		if (last.Kind == kconfig.KindIf || last.Kind == kconfig.KindMenu) && last.End != (kconfig.Range{}) {
			at = offsetOf(ls, kconfig.Pos{Line: last.End.Start.Line}, len(text))
			var cond *kconfig.Expr
			if last.Kind == kconfig.KindIf {
				cond = last.Cond
			}
			for _, d := range last.Depends {
				cond = kconfig.And(cond, d.Expr)
			}
			for _, s := range cond.Symbols() {
				if s == "RUST" {
					needRust = false
				} else if _, ok := w.Tree.DependsOn(s, "RUST"); ok {
					needRust = false
				}
			}
		}
	}
	var b strings.Builder
	if at == len(text) && len(text) > 0 {
		if text[len(text)-1] != '\n' {
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "config %s\n\ttristate %q\n", sym, strings.ReplaceAll(stem, "_", " "))
	if needRust {
		b.WriteString("\tdepends on RUST\n")
	}
	fmt.Fprintf(&b, "\thelp\n\t  This option builds the Rust %s module.\n\n\t  To compile this as a module, choose M here:\n\t  the module will be called %s.\n\n\t  If unsure, say N.\n", stem, stem)
	if at < len(text) {
		b.WriteString("\n")
	}
	return check.Edit{Path: file, Range: check.Range{Start: at, End: at}, NewText: b.String()}
}
