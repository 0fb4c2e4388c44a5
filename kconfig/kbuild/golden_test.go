// SPDX-License-Identifier: GPL-2.0-only

package kbuild_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/kconfig/kbuild"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden: each testdata/*.txtar holds a Makefile, the source files to link (one per line
// in "objects") and the dump of what Parse and Object make of them. -update rewrites the dumps.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			data := map[string][]byte{}
			for _, f := range a.Files {
				data[f.Name] = f.Data
			}
			m, errs := kbuild.Parse("Makefile", data["Makefile"])
			var b strings.Builder
			for _, x := range m.Assigns {
				fmt.Fprintf(&b, "%v %s %s [%s] kind=%v base=%s suffix=%s", x.Range, x.Var, x.Op, x.Value, x.Kind, x.Base, x.Suffix)
				if x.Config != "" {
					fmt.Fprintf(&b, " config=%s@%v", x.Config, x.ConfigRange)
				}
				b.WriteString("\n")
				for _, w := range x.Words {
					fmt.Fprintf(&b, "  word %s @%v\n", w.Text, w.Range)
				}
				for _, c := range x.Conds {
					fmt.Fprintf(&b, "  cond %s %s else=%v\n", c.Cond.Keyword, c.Cond.Arg, c.Else)
				}
			}
			for _, c := range m.Conds {
				fmt.Fprintf(&b, "cond %v %s %s positive=%v negative=%v end=%v", c.Range, c.Keyword, c.Arg, c.Positive, c.Negative, c.End)
				for _, s := range c.Symbols {
					fmt.Fprintf(&b, " %s@%v", s.Name, s.Range)
				}
				b.WriteString("\n")
			}
			for _, e := range errs {
				fmt.Fprintf(&b, "error %v: %s\n", e.Range, e.Msg)
			}
			for _, f := range strings.Fields(string(data["objects"])) {
				o := m.Object(f)
				if o == nil {
					fmt.Fprintf(&b, "object %s: none\n", f)
					continue
				}
				var lines []string
				for _, l := range o.Lines {
					lines = append(lines, fmt.Sprint(l.Range.Start.Line))
				}
				var gates []string
				for _, g := range o.Gates {
					s := g.Symbol + "@" + g.Range.String()
					if g.Negated {
						s = "!" + s
					}
					gates = append(gates, s)
				}
				fmt.Fprintf(&b, "object %s: %s module=%s builtin=%v hostprog=%v lines=%s gates=%s\n", f, o.Name, o.Module, o.Builtin, o.Hostprog, strings.Join(lines, ","), strings.Join(gates, " "))
			}
			got := b.String()
			if *update {
				found := false
				for i := range a.Files {
					if a.Files[i].Name == "want" {
						a.Files[i].Data, found = []byte(got), true
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
			if diff := cmp.Diff(string(data["want"]), got); diff != "" {
				t.Errorf("mismatch (-want +got), rerun with -update if intended:\n%s", diff)
			}
		})
	}
}
