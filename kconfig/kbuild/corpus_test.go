// SPDX-License-Identifier: GPL-2.0-only

package kbuild_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/kconfig"
	"krls.dev/krls/kconfig/kbuild"
)

// grepLines returns the 1-based numbers of the lines of file matching re.
func grepLines(t *testing.T, file string, re *regexp.Regexp) []int {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		if re.MatchString(sc.Text()) {
			out = append(out, line)
		}
	}
	return out
}

// makefileOf is the file Kbuild reads in dir: Kbuild, else Makefile.
func makefileOf(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "Kbuild")); err == nil {
		return filepath.Join(dir, "Kbuild")
	}
	return filepath.Join(dir, "Makefile")
}

// TestCorpusRustObjects: for every .rs file outside rust/ and scripts/ of both trees whose
// folder's Makefile names foo.o (the oracle: a regexp), the link goes both ways: foo.rs to
// the lines naming foo.o and on to an obj- line, foo.o back to foo.rs, and each gating
// CONFIG symbol to a `config` line a regexp finds in a Kconfig file.
func TestCorpusRustObjects(t *testing.T) {
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			tr, err := kconfig.Load(root, kconfig.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var rs []string
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(root, p)
				rel = filepath.ToSlash(rel)
				if d.IsDir() && (rel == "rust" || rel == "scripts") {
					return filepath.SkipDir
				}
				if !d.IsDir() && strings.HasSuffix(rel, ".rs") {
					rs = append(rs, rel)
				}
				return nil
			})
			sort.Strings(rs)
			if len(rs) == 0 {
				t.Fatal("no .rs files")
			}
			linked := 0
			for _, rel := range rs {
				dir := filepath.Join(root, filepath.FromSlash(path.Dir(rel)))
				base := path.Base(rel)
				stem := strings.TrimSuffix(base, ".rs")
				oracle := grepLines(t, makefileOf(dir), regexp.MustCompile(`\b`+regexp.QuoteMeta(stem)+`\.o\b`))
				o, err := kbuild.ObjectFor(dir, base)
				if err != nil {
					t.Errorf("%s: %v", rel, err)
					continue
				}
				if len(oracle) == 0 {
					if o != nil && !o.Hostprog {
						t.Errorf("%s: no line names %s.o, yet ObjectFor found %+v", rel, stem, o)
					}
					t.Logf("%s: not named as an object in its Makefile (hostprog=%v)", rel, o != nil && o.Hostprog)
					continue
				}
				if o == nil || len(o.Lines) == 0 {
					t.Errorf("%s: %s.o is named at lines %v but ObjectFor found nothing", rel, stem, oracle)
					continue
				}
				mentions := map[int]bool{}
				for _, a := range o.Mentions {
					mentions[a.Range.Start.Line] = true
				}
				for _, l := range oracle {
					if !mentions[l] {
						t.Errorf("%s: line %d names %s.o but is not among the mentions", rel, l, stem)
					}
				}
				if first := o.Lines[0].Range.Start.Line; !contains(oracle, first) {
					t.Errorf("%s: first build line %d is not one naming %s.o (%v)", rel, first, stem, oracle)
				}
				last := o.Lines[len(o.Lines)-1]
				if last.Kind != kbuild.VarObj && last.Kind != kbuild.VarLib {
					t.Errorf("%s: the chain ends at %q, not an obj-/lib- line", rel, last.Var)
				}
				if back := kbuild.SourceFor(dir, o.Name); back != base {
					t.Errorf("%s: SourceFor(%s) = %q", rel, o.Name, back)
				}
				for _, sym := range o.Symbols() {
					cfg := regexp.MustCompile(`^[ \t]*(menu)?config[ \t]+` + sym + `[ \t]*$`)
					defs := kbuild.ConfigEntries(tr, path.Dir(rel), &kbuild.Object{Gates: []kbuild.Gate{{Symbol: sym}}})
					if len(defs) == 0 {
						t.Errorf("%s: gate %s has no config entry", rel, sym)
						continue
					}
					for _, d := range defs {
						if !contains(grepLines(t, filepath.Join(root, d.File), cfg), d.Node.NameRange.Start.Line) {
							t.Errorf("%s: config %s at %s:%d is not a config line", rel, sym, d.File, d.Node.NameRange.Start.Line)
						}
					}
				}
				linked++
				t.Logf("%s -> %s:%v module %s gates %v", rel, filepath.Base(o.Makefile), lineNums(o.Lines), o.Module, o.Symbols())
			}
			if linked == 0 {
				t.Error("no .rs file linked")
			}
			t.Logf("%s: %d .rs files, %d linked both ways", ver, len(rs), linked)
		})
	}
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func lineNums(as []*kbuild.Assign) []int {
	var out []int
	for _, a := range as {
		out = append(out, a.Range.Start.Line)
	}
	return out
}

// TestCorpusRnull: rnull.rs -> `rnull_mod-y := rnull.o` + `obj-$(CONFIG_BLK_DEV_RUST_NULL) +=
// rnull_mod.o` (drivers/block/Makefile) -> `config BLK_DEV_RUST_NULL` (drivers/block/Kconfig).
func TestCorpusRnull(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	dir := filepath.Join(root, "drivers/block")
	o, err := kbuild.ObjectFor(dir, "rnull.rs")
	if err != nil || o == nil {
		t.Fatalf("ObjectFor(rnull.rs) = %v, %v", o, err)
	}
	composite := grepLines(t, filepath.Join(dir, "Makefile"), regexp.MustCompile(`^rnull_mod-y\s*:=\s*rnull\.o`))
	objLine := grepLines(t, filepath.Join(dir, "Makefile"), regexp.MustCompile(`^obj-\$\(CONFIG_BLK_DEV_RUST_NULL\)\s*\+=\s*rnull_mod\.o`))
	if len(composite) != 1 || len(objLine) != 1 {
		t.Fatalf("oracle lines: %v %v", composite, objLine)
	}
	if got := lineNums(o.Lines); len(got) != 2 || got[0] != composite[0] || got[1] != objLine[0] {
		t.Errorf("lines %v, want [%d %d]", got, composite[0], objLine[0])
	}
	if o.Module != "rnull_mod" || len(o.Symbols()) != 1 || o.Symbols()[0] != "BLK_DEV_RUST_NULL" {
		t.Errorf("module %q symbols %v", o.Module, o.Symbols())
	}
	tr, err := kconfig.Load(root, kconfig.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defs := kbuild.ConfigEntries(tr, "drivers/block", o)
	want := grepLines(t, filepath.Join(dir, "Kconfig"), regexp.MustCompile(`^config BLK_DEV_RUST_NULL$`))
	if len(defs) == 0 || defs[0].File != "drivers/block/Kconfig" || len(want) != 1 || defs[0].Node.NameRange.Start.Line != want[0] {
		t.Fatalf("ConfigEntries = %v; want drivers/block/Kconfig:%v", defs, want)
	}
	if !tr.NeedsRust("BLK_DEV_RUST_NULL") {
		t.Errorf("BLK_DEV_RUST_NULL should need RUST (deps %v)", tr.Deps("BLK_DEV_RUST_NULL"))
	}
	if name, _, ok := kconfig.ModuleName(defs[0].Node.Help); ok && name != "rnull_mod" {
		t.Errorf("help names module %q, Makefile builds %q", name, o.Module)
	}
}

// TestCorpusMakefiles parses every Makefile and Kbuild file of both trees: no error, and each
// obj-/lib-/subdir- assignment a regexp finds at the start of a line (outside define blocks
// and recipes, which the corpus's Makefiles do not put them in) is an assignment of that kind
// at that line.
func TestCorpusMakefiles(t *testing.T) {
	re := regexp.MustCompile(`^[ \t]*(obj|lib|subdir)-(y|m|\$\(CONFIG_[A-Za-z0-9_]+\)|)[ \t]*(\+|:|\?)?=`)
	for _, ver := range []string{"6.12", "6.1"} {
		t.Run(ver, func(t *testing.T) {
			root := kerneltest.Tree(t, ver)
			files, lines := 0, 0
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || (d.Name() != "Makefile" && d.Name() != "Kbuild") {
					return err
				}
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				files++
				m, errs := kbuild.Parse(p, src)
				for _, e := range errs {
					t.Errorf("%v", e)
				}
				kinds := map[int]kbuild.VarKind{}
				for _, a := range m.Assigns {
					kinds[a.Range.Start.Line] = a.Kind
				}
				for _, l := range grepLines(t, p, re) {
					lines++
					if k := kinds[l]; k != kbuild.VarObj && k != kbuild.VarLib && k != kbuild.VarSubdir {
						t.Errorf("%s:%d: obj-/lib-/subdir- line read as %v", p, l, k)
					}
				}
				return nil
			})
			if files == 0 || lines == 0 {
				t.Fatalf("%d files, %d lines", files, lines)
			}
			t.Logf("%s: %d Makefile/Kbuild files, %d obj-/lib-/subdir- lines", ver, files, lines)
		})
	}
}
