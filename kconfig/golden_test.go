// SPDX-License-Identifier: GPL-2.0-only

package kconfig_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/kconfig"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The golden tests: each testdata/parse/*.txtar holds a Kconfig file and the dump of what
// ParseFile makes of it (nodes, options, ranges, errors); testdata/load/*.txtar holds a small
// tree and the dump of Load (dependencies, select edges, sources, errors). Run with -update
// to rewrite the dumps after a deliberate change, and review the diff.

func TestGoldenParse(t *testing.T) {
	golden(t, "testdata/parse/*.txtar", func(t *testing.T, a *txtar.Archive) string {
		src := fileOf(t, a, "Kconfig")
		f, errs := kconfig.ParseFile("Kconfig", src)
		var b strings.Builder
		dumpNodes(&b, f.Nodes, "")
		dumpErrors(&b, errs)
		return b.String()
	})
}

func TestGoldenLoad(t *testing.T) {
	golden(t, "testdata/load/*.txtar", func(t *testing.T, a *txtar.Archive) string {
		dir := t.TempDir()
		env := map[string]string{}
		for _, f := range a.Files {
			if f.Name == "want" {
				continue
			}
			if f.Name == "env" {
				for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
					k, v, _ := strings.Cut(l, "=")
					env[k] = v
				}
				continue
			}
			p := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tr, err := kconfig.Load(dir, kconfig.Options{Env: env, AllFiles: true})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "files: %s\n", strings.Join(tr.Order, " "))
		var chain []string
		for f := range tr.OnChain {
			chain = append(chain, f)
		}
		sort.Strings(chain)
		fmt.Fprintf(&b, "chain: %s\n", strings.Join(chain, " "))
		for _, s := range tr.Sources {
			fmt.Fprintf(&b, "source %s:%d %q -> %v %s\n", s.File, s.Node.Header.Start.Line, s.Path, s.Targets, s.Reason)
		}
		seen := map[string]bool{}
		var names []string
		for n := range tr.Symbols {
			names, seen[n] = append(names, n), true
		}
		for _, n := range tr.Referenced() {
			if !seen[n] {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			s := tr.Symbols[n]
			if s == nil {
				s = &kconfig.Symbol{Name: n}
			}
			fmt.Fprintf(&b, "symbol %s %v deps=%v\n", n, s.Type(), tr.Deps(n))
			for _, d := range s.Defs {
				fmt.Fprintf(&b, "  def %s:%d onchain=%v dep=%v", d.File, d.Node.NameRange.Start.Line, d.OnChain, d.Dep)
				if d.Choice != nil {
					fmt.Fprintf(&b, " choice@%d", d.Choice.Header.Start.Line)
				}
				b.WriteString("\n")
			}
			for _, e := range s.SelectedBy {
				fmt.Fprintf(&b, "  selected by %s if %v\n", e.From.Symbol.Name, e.Cond)
			}
			for _, e := range s.ImpliedBy {
				fmt.Fprintf(&b, "  implied by %s if %v\n", e.From.Symbol.Name, e.Cond)
			}
			for _, r := range tr.Refs(n) {
				fmt.Fprintf(&b, "  ref %s %s %s\n", r.Role, r.File, r.Range)
			}
		}
		dumpErrors(&b, tr.Errors)
		return b.String()
	})
}

func golden(t *testing.T, pattern string, run func(*testing.T, *txtar.Archive) string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files %s: %v", pattern, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := run(t, a)
			if *update {
				found := false
				for i := range a.Files {
					if a.Files[i].Name == "want" {
						a.Files[i].Data = []byte(got)
						found = true
					}
				}
				if !found {
					a.Files = append(a.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := string(fileOf(t, a, "want"))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s mismatch (-want +got), rerun with -update if intended:\n%s", file, diff)
			}
		})
	}
}

func fileOf(t *testing.T, a *txtar.Archive, name string) []byte {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data
		}
	}
	if name == "want" {
		return nil
	}
	t.Fatalf("archive has no %s", name)
	return nil
}

func dumpErrors(b *strings.Builder, errs []kconfig.Error) {
	for _, e := range errs {
		kind := "error"
		if e.Warning {
			kind = "warning"
		}
		fmt.Fprintf(b, "%s %s %s: %s\n", kind, e.File, e.Range, e.Msg)
	}
}

func expr(e *kconfig.Expr) string {
	if e == nil {
		return "-"
	}
	return fmt.Sprintf("%v @%v", e, e.Range)
}

func dumpNodes(b *strings.Builder, ns []*kconfig.Node, ind string) {
	for _, n := range ns {
		fmt.Fprintf(b, "%s%v @%v header=%v", ind, n.Kind, n.Range, n.Header)
		if n.Name != "" {
			fmt.Fprintf(b, " name=%s@%v", n.Name, n.NameRange)
		}
		if n.Keyword != "" {
			fmt.Fprintf(b, " keyword=%s", n.Keyword)
		}
		if n.Text != "" || n.Kind == kconfig.KindAssign {
			fmt.Fprintf(b, " text=%q@%v", n.Text, n.TextRange)
		}
		if n.Cond != nil {
			fmt.Fprintf(b, " cond=%s", expr(n.Cond))
		}
		b.WriteString("\n")
		in := ind + "  "
		if n.Type != kconfig.TypeUnknown {
			fmt.Fprintf(b, "%stype %v @%v\n", in, n.Type, n.TypeRange)
		}
		for _, p := range n.Prompts {
			fmt.Fprintf(b, "%sprompt %q@%v if %s @%v\n", in, p.Text, p.TextRange, expr(p.If), p.Range)
		}
		for _, d := range n.Defaults {
			fmt.Fprintf(b, "%s%s %s if %s @%v\n", in, d.Keyword, expr(d.Value), expr(d.If), d.Range)
		}
		for _, d := range n.Depends {
			fmt.Fprintf(b, "%sdepends on %s @%v\n", in, expr(d.Expr), d.Range)
		}
		for _, d := range n.Visible {
			fmt.Fprintf(b, "%svisible if %s @%v\n", in, expr(d.Expr), d.Range)
		}
		for _, r := range n.Selects {
			fmt.Fprintf(b, "%sselect %s@%v if %s @%v\n", in, r.Symbol, r.SymbolRange, expr(r.If), r.Range)
		}
		for _, r := range n.Implies {
			fmt.Fprintf(b, "%simply %s@%v if %s @%v\n", in, r.Symbol, r.SymbolRange, expr(r.If), r.Range)
		}
		for _, r := range n.Ranges {
			fmt.Fprintf(b, "%srange %s %s if %s @%v\n", in, expr(r.Low), expr(r.High), expr(r.If), r.Range)
		}
		for _, o := range n.Options {
			fmt.Fprintf(b, "%soption %s=%q @%v\n", in, o.Name, o.Value, o.Range)
		}
		if h := n.Help; h != nil {
			fmt.Fprintf(b, "%shelp @%v keyword=%v text=%q\n", in, h.Range, h.Keyword, h.Text)
			if name, r, ok := kconfig.ModuleName(h); ok {
				fmt.Fprintf(b, "%s  module %s @%v\n", in, name, r)
			}
		}
		dumpNodes(b, n.Children, in)
		if n.End != (kconfig.Range{}) {
			fmt.Fprintf(b, "%send @%v\n", ind, n.End)
		}
	}
}
