// SPDX-License-Identifier: GPL-2.0-only

package kworld

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/snippets"
)

// at returns the text of rel in w and the offset of the caret ⁁ in locator, matched at its
// first occurrence in the text.
func at(t *testing.T, w *World, rel, locator string) ([]byte, int) {
	t.Helper()
	text, err := os.ReadFile(w.Abs(rel))
	if err != nil {
		t.Fatal(err)
	}
	return text, offsetIn(t, text, locator)
}

func offsetIn(t *testing.T, text []byte, locator string) int {
	t.Helper()
	i := strings.Index(locator, "⁁")
	plain := locator[:i] + locator[i+len("⁁"):]
	j := bytes.Index(text, []byte(plain))
	if j < 0 {
		t.Fatalf("%q not found", plain)
	}
	return j + i
}

// grepLine returns the 1-based line of the first line of rel matching re (the oracle).
func grepLine(t *testing.T, w *World, rel, re string) int {
	t.Helper()
	f, err := os.Open(w.Abs(rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rx := regexp.MustCompile(re)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if rx.MatchString(sc.Text()) {
			return n
		}
	}
	t.Fatalf("%s: no line matches %s", rel, re)
	return 0
}

// helpOf returns the help lines of `config name` in a Kconfig file by reading the file (the
// oracle): the indented lines after `help` up to the next line starting without a tab.
func helpOf(t *testing.T, w *World, rel, name string) []string {
	t.Helper()
	b, err := os.ReadFile(w.Abs(rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	var out []string
	for i, l := range lines {
		if l != "config "+name {
			continue
		}
		in := false
		for _, m := range lines[i+1:] {
			if strings.TrimSpace(m) == "help" {
				in = true
				continue
			}
			if in && m != "" && !strings.HasPrefix(m, "\t") {
				break
			}
			if in && strings.TrimSpace(m) != "" {
				out = append(out, strings.TrimSpace(m))
			}
		}
	}
	return out
}

func TestHoverMakefileReal(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			w := realWorld(t, ver)
			text, off := at(t, w, "samples/rust/Makefile", "CONFIG_SAMPLE_RUST_MIN⁁IMAL")
			md, r := w.Hover(LangMakefile, "", text, off)
			if got := string(text[r.Start:r.End]); got != "CONFIG_SAMPLE_RUST_MINIMAL" {
				t.Errorf("range covers %q", got)
			}
			help := helpOf(t, w, "samples/rust/Kconfig", "SAMPLE_RUST_MINIMAL")
			if len(help) == 0 {
				t.Fatal("oracle found no help")
			}
			line := grepLine(t, w, "samples/rust/Kconfig", `^config SAMPLE_RUST_MINIMAL$`)
			want := append(help, "tristate \"Minimal\"", fmt.Sprintf("Defined at samples/rust/Kconfig:%d.", line),
				"Needs Rust: SAMPLE_RUST_MINIMAL → SAMPLES_RUST → RUST")
			// The corpus .config has the sample as a module.
			if v := dotConfigValue(t, w, "SAMPLE_RUST_MINIMAL"); v != "" {
				want = append(want, "CONFIG_SAMPLE_RUST_MINIMAL="+v)
			}
			for _, s := range want {
				if !strings.Contains(md, s) {
					t.Errorf("hover lacks %q:\n%s", s, md)
				}
			}
		})
	}
}

// dotConfigValue greps the .config of w for name's value, "" when not set.
func dotConfigValue(t *testing.T, w *World, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.Root, ".config"))
	if err != nil {
		return ""
	}
	m := regexp.MustCompile(`(?m)^CONFIG_` + name + `=(.*)$`).FindSubmatch(b)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// TestHoverOffReal: CONFIG_KUNIT in a cfg of rust/kernel is `is not set` in the corpus .config
// (oracle: the grep below), while its entry in lib/kunit/Kconfig has no dependency: the hover
// says so. A symbol whose `depends on` names a single symbol that is not set (found by grep)
// gets the unmet dependency named.
func TestHoverOffReal(t *testing.T) {
	w := realWorld(t, "6.12")
	cfg, err := os.ReadFile(filepath.Join(w.Root, ".config"))
	if err != nil {
		t.Skip("no .config")
	}
	if !bytes.Contains(cfg, []byte("# CONFIG_KUNIT is not set\n")) {
		t.Fatal("oracle: CONFIG_KUNIT is set in this .config")
	}
	text, off := at(t, w, "rust/kernel/lib.rs", "#[cfg(CONFIG_KU⁁NIT)]")
	md, _ := w.Hover(LangRust, "", text, off)
	for _, s := range []string{"`CONFIG_KUNIT` is not set", "dependencies are met", "lib/kunit/Kconfig"} {
		if !strings.Contains(md, s) {
			t.Errorf("hover lacks %q:\n%s", s, md)
		}
	}

	// Oracle: the first `config X` of drivers/net/phy/Kconfig whose only `depends on Y` names one
	// symbol Y that is `is not set`, X itself absent from .config (conf writes no line for a
	// symbol whose dependencies are unmet).
	kc, err := os.ReadFile(w.Abs("drivers/net/phy/Kconfig"))
	if err != nil {
		t.Fatal(err)
	}
	notSet := func(s string) bool { return bytes.Contains(cfg, []byte("# CONFIG_"+s+" is not set\n")) }
	var sym, dep string
	for _, block := range strings.Split(string(kc), "\nconfig ")[1:] {
		name, body, _ := strings.Cut(block, "\n")
		deps := regexp.MustCompile(`(?m)^\tdepends on (.*)$`).FindAllStringSubmatch(body, -1)
		if len(deps) == 1 && regexp.MustCompile(`^\w+$`).MatchString(deps[0][1]) && notSet(deps[0][1]) &&
			!bytes.Contains(cfg, []byte("CONFIG_"+name+"=")) && !notSet(name) {
			sym, dep = name, deps[0][1]
			break
		}
	}
	if sym == "" {
		t.Fatal("oracle found no symbol with an unmet dependency")
	}
	src := []byte("#[cfg(CONFIG_" + sym + ")]\nfn f() {}\n")
	md, _ = w.Hover(LangRust, "", src, len("#[cfg(CONFIG_"))
	for _, s := range []string{"`CONFIG_" + sym + "` is absent", "unmet dependency `" + dep + "`", dep + "=n"} {
		if !strings.Contains(md, s) {
			t.Errorf("hover of %s lacks %q:\n%s", sym, s, md)
		}
	}
	// Not and cfg! forms find the symbol too.
	for _, src := range []string{"#[cfg(not(CONFIG_⁁KUNIT))]", "if cfg!(CONFIG_⁁KUNIT) {}", "#[cfg_attr(CONFIG_⁁KUNIT, x)]"} {
		plain := strings.Replace(src, "⁁", "", 1)
		if name, _ := w.SymbolAt(LangRust, []byte(plain), strings.Index(src, "⁁")); name != "KUNIT" {
			t.Errorf("%s: symbol %q", src, name)
		}
	}
}

func TestHoverKconfigReal(t *testing.T) {
	w := realWorld(t, "6.12")
	for _, loc := range []string{"if SAMPLES_⁁RUST", "menuconfig SAMPLES_⁁RUST", "depends on R⁁UST"} {
		text, off := at(t, w, "samples/rust/Kconfig", loc)
		md, _ := w.Hover(LangKconfig, "", text, off)
		if !strings.Contains(md, "samples/rust/Kconfig:") && !strings.Contains(md, "init/Kconfig:") {
			t.Errorf("%s: hover %q", loc, md)
		}
	}
	// Prose in help texts is not a symbol.
	text, off := at(t, w, "samples/rust/Kconfig", "If unsure, say ⁁N.")
	if md, _ := w.Hover(LangKconfig, "", text, off); md != "" {
		t.Errorf("hover in help text: %q", md)
	}
	text, off = at(t, w, "drivers/net/phy/Kconfig", "depends on RUST_PHYLIB_⁁ABSTRACTIONS")
	if md, _ := w.Hover(LangKconfig, "", text, off); !strings.Contains(md, "config RUST_PHYLIB_ABSTRACTIONS") {
		t.Errorf("select/depends symbol hover: %q", md)
	}
}

func TestDefinitionReal(t *testing.T) {
	w := realWorld(t, "6.12")
	line := grepLine(t, w, "drivers/block/Kconfig", `^config BLK_DEV_RUST_NULL$`)
	got := w.KconfigEntries(w.Abs("drivers/block/rnull.rs"))
	want := []Location{{Path: w.Abs("drivers/block/Kconfig"), Line: line, Col: len("config "), EndLine: line, EndCol: len("config BLK_DEV_RUST_NULL")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rnull.rs entries (-want +got):\n%s", diff)
	}
	// The Makefile lines: the composite rnull_mod-y := rnull.o, then obj-$(...) += rnull_mod.o.
	mkLines := []int{grepLine(t, w, "drivers/block/Makefile", `^rnull_mod-y`), grepLine(t, w, "drivers/block/Makefile", `rnull_mod\.o`)}
	var gotLines []int
	for _, l := range w.MakefileLines(w.Abs("drivers/block/rnull.rs")) {
		gotLines = append(gotLines, l.Line)
	}
	if diff := cmp.Diff(mkLines, gotLines); diff != "" {
		t.Errorf("rnull.rs Makefile lines (-want +got):\n%s", diff)
	}
	// From the Makefile symbol to the entry.
	text, off := at(t, w, "drivers/block/Makefile", "CONFIG_BLK_DEV_RUST_⁁NULL")
	if diff := cmp.Diff(want, w.Definition(LangMakefile, w.Abs("drivers/block/Makefile"), text, off)); diff != "" {
		t.Errorf("Makefile definition (-want +got):\n%s", diff)
	}
	// From the object to its source (document link).
	text, off = at(t, w, "samples/rust/Makefile", "rust_min⁁imal.o")
	if diff := cmp.Diff([]Location{{Path: w.Abs("samples/rust/rust_minimal.rs"), Line: 1}}, w.Definition(LangMakefile, w.Abs("samples/rust/Makefile"), text, off)); diff != "" {
		t.Errorf("object definition (-want +got):\n%s", diff)
	}
	// The symbol name works with and without CONFIG_.
	if got := w.KconfigEntries("CONFIG_BLK_DEV_RUST_NULL"); len(got) != 1 || got[0] != want[0] {
		t.Errorf("KconfigEntries(CONFIG_BLK_DEV_RUST_NULL) = %v", got)
	}
}

// TestReferencesReal compares the references of RUST in .rs cfgs and Makefiles with a grep of
// the tree for CONFIG_RUST as a word (Makefiles: outside comments; .rs: on lines holding cfg).
func TestReferencesReal(t *testing.T) {
	w := realWorld(t, "6.12")
	word := regexp.MustCompile(`\bCONFIG_RUST\b`)
	var want []string
	err := filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != w.Root || d.Name() == "Documentation" || w.Rel(p) == "tools" {
				return filepath.SkipDir
			}
			return nil
		}
		rs := strings.HasSuffix(d.Name(), ".rs") && !strings.HasSuffix(d.Name(), "_generated.rs")
		if !rs && !isMakefileName(d.Name()) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, l := range strings.Split(string(b), "\n") {
			if rs && (!strings.Contains(l, "cfg") || strings.Contains(l, "//")) {
				continue
			}
			if !rs {
				if j := strings.IndexByte(l, '#'); j >= 0 {
					l = l[:j]
				}
			}
			for range word.FindAllStringIndex(l, -1) {
				want = append(want, fmt.Sprintf("%s:%d", w.Rel(p), i+1))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	kconfigRefs := 0
	for _, l := range w.References("RUST", false) {
		rel := w.Rel(l.Path)
		if langOf(filepath.Base(rel)) == LangKconfig {
			kconfigRefs++
			continue
		}
		got = append(got, fmt.Sprintf("%s:%d", rel, l.Line))
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 {
		t.Fatal("oracle found no use")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
	// Kconfig uses: at least the `depends on RUST` lines of the entries the grep finds.
	kc := 0
	_ = filepath.WalkDir(w.Root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && langOf(d.Name()) == LangKconfig && w.Tree.Files[w.Rel(p)] != nil {
			b, _ := os.ReadFile(p)
			kc += len(regexp.MustCompile(`(?m)^\s*depends on RUST\s*$`).FindAll(b, -1))
		}
		return nil
	})
	if kconfigRefs < kc || kc == 0 {
		t.Errorf("%d Kconfig references of RUST, the grep finds %d plain `depends on RUST` lines", kconfigRefs, kc)
	}
}

func TestCompletionReal(t *testing.T) {
	w := realWorld(t, "6.12")
	labels := func(items []string) map[string]bool {
		m := map[string]bool{}
		for _, l := range items {
			m[l] = true
		}
		return m
	}
	for _, tc := range []struct {
		lang, text string
		has, not   []string
	}{
		{LangKconfig, "config X\n\tdepends on SAMPLE_RUST_MIN⁁", []string{"SAMPLE_RUST_MINIMAL"}, []string{"config"}},
		{LangKconfig, "config X\n\tselect RUST_PHY⁁", []string{"RUST_PHYLIB_ABSTRACTIONS"}, nil},
		{LangKconfig, "if SAMPLES_RU⁁", []string{"SAMPLES_RUST"}, nil},
		{LangKconfig, "config X\n\tdefault y if RUS⁁", []string{"RUST"}, nil},
		{LangKconfig, "menu⁁", []string{"menuconfig", "menu"}, []string{"config"}},
		{LangKconfig, "config X\n\tdep⁁", []string{"depends on"}, nil},
		{LangKconfig, "config X\n\thelp\n\t  the SAMPLE_RUST_MIN⁁", nil, []string{"SAMPLE_RUST_MINIMAL"}},
		{LangMakefile, "obj-$(CONFIG_SAMPLE_RUST_MIN⁁", []string{"CONFIG_SAMPLE_RUST_MINIMAL"}, nil},
		{LangMakefile, "# CONFIG_SAMPLE_RUST_MIN⁁", nil, []string{"CONFIG_SAMPLE_RUST_MINIMAL"}},
	} {
		i := strings.Index(tc.text, "⁁")
		text := []byte(strings.Replace(tc.text, "⁁", "", 1))
		var got []string
		for _, it := range w.Complete(tc.lang, text, i) {
			got = append(got, it.Label)
		}
		m := labels(got)
		for _, h := range tc.has {
			if !m[h] {
				t.Errorf("%s %q: no %s in %d items", tc.lang, tc.text, h, len(got))
			}
		}
		for _, n := range tc.not {
			if m[n] {
				t.Errorf("%s %q: unwanted %s", tc.lang, tc.text, n)
			}
		}
	}
	// The skeletons of package snippets at the start of a line, after the keywords.
	v, _ := snippets.VariantOf(w.Root)
	for _, lang := range []string{LangKconfig, LangMakefile} {
		want := snippets.For(lang, v)
		if len(want) == 0 {
			continue
		}
		found := false
		for _, it := range w.Complete(lang, []byte("\n"), 1) {
			found = found || it.Kind == "snippet" && it.Label == want[0].Prefix && it.InsertText == want[0].Body
		}
		if !found {
			t.Errorf("%s: no snippet %q at the start of a line", lang, want[0].Prefix)
		}
	}
	// The Rust hook.
	var got []string
	for _, it := range w.ConfigHook("CONFIG_SAMPLE_RUST_MIN") {
		got = append(got, it.Label)
	}
	if diff := cmp.Diff([]string{"CONFIG_SAMPLE_RUST_MINIMAL"}, got); diff != "" {
		t.Errorf("ConfigHook (-want +got):\n%s", diff)
	}
	// The item's doc is the first paragraph of the help (oracle: the Kconfig file's first help
	// line).
	if items := w.ConfigHook("CONFIG_SAMPLE_RUST_MINIMAL"); len(items) != 1 || !strings.HasPrefix(items[0].Doc, helpOf(t, w, "samples/rust/Kconfig", "SAMPLE_RUST_MINIMAL")[0]) {
		t.Errorf("ConfigHook doc: %+v", items)
	}
}

func TestLinksReal(t *testing.T) {
	w := realWorld(t, "6.12")
	text, err := os.ReadFile(w.Abs("samples/rust/Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range w.Links(LangMakefile, w.Abs("samples/rust/Makefile"), text) {
		got = append(got, string(text[l.Range.Start:l.Range.End])+" "+w.Rel(l.Target))
	}
	want := []string{"rust_minimal.o samples/rust/rust_minimal.rs", "rust_print.o samples/rust/rust_print.rs", "hostprogs samples/rust/hostprogs/Makefile"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Makefile links (-want +got):\n%s", diff)
	}
	text, err = os.ReadFile(w.Abs("samples/Kconfig"))
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, l := range w.Links(LangKconfig, w.Abs("samples/Kconfig"), text) {
		got = append(got, string(text[l.Range.Start:l.Range.End])+" "+w.Rel(l.Target))
	}
	want = nil
	for _, m := range regexp.MustCompile(`(?m)^\s*source "([^"$]+)"`).FindAllSubmatch(text, -1) {
		want = append(want, string(m[1])+" "+string(m[1]))
	}
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("Kconfig links (-want +got):\n%s", diff)
	}
}

// TestHoverObjectReal: objects of drivers/block/Makefile. The oracle is the Makefile's own text
// (rnull_mod-y := rnull.o, obj-$(CONFIG_BLK_DEV_RUST_NULL) += rnull_mod.o) and the .config.
func TestHoverObjectReal(t *testing.T) {
	w := realWorld(t, "6.12")
	path := w.Abs("drivers/block/Makefile")
	text, off := at(t, w, "drivers/block/Makefile", "rnull_mod-y := rnu⁁ll.o")
	md, r := w.Hover(LangMakefile, path, text, off)
	if string(text[r.Start:r.End]) != "rnull.o" {
		t.Errorf("range covers %q", text[r.Start:r.End])
	}
	for _, s := range []string{"built from `rnull.rs`", "part of `rnull_mod.o`"} {
		if !strings.Contains(md, s) {
			t.Errorf("hover of rnull.o lacks %q:\n%s", s, md)
		}
	}
	text, off = at(t, w, "drivers/block/Makefile", "+= rnull_⁁mod.o")
	md, _ = w.Hover(LangMakefile, path, text, off)
	want := []string{"composite object", "module `rnull_mod`", "Gated by `CONFIG_BLK_DEV_RUST_NULL`"}
	if v := dotConfigValue(t, w, "BLK_DEV_RUST_NULL"); v != "" {
		want = append(want, "`"+v+"` in .config")
	}
	for _, s := range want {
		if !strings.Contains(md, s) {
			t.Errorf("hover of rnull_mod.o lacks %q:\n%s", s, md)
		}
	}
}
