// SPDX-License-Identifier: GPL-2.0-only

package lint

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"krls.dev/krls/lsp/check"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The fake checks of these tests; the real checks are disabled in them (testEnabled), so the
// driver is tested on its own.
const (
	fakeWord    = "test-fixme"
	fakeBinding = "test-binding"
)

func init() {
	check.Register(&check.Check{
		ID: fakeWord, Name: "test fixme", Summary: "A FIXME (test check).", Severity: check.Warning,
		Langs: []string{LangRust, LangKconfig, LangMakefile},
		Run: func(cx *check.Context) []check.Finding {
			return findAll(cx, "FIXME", check.Warning, "FIXME left in the code", "DONE")
		},
	})
	check.Register(&check.Check{
		ID: fakeBinding, Name: "test binding", Summary: "A bindings:: path (test check).",
		Severity: check.Error, Langs: []string{LangRust},
		Run: func(cx *check.Context) []check.Finding {
			return findAll(cx, "bindings::", check.Error, "direct use of the C bindings", "")
		},
	})
}

func findAll(cx *check.Context, word string, sev check.Severity, msg, repl string) []check.Finding {
	var out []check.Finding
	for i := 0; ; {
		j := bytes.Index(cx.Text[i:], []byte(word))
		if j < 0 {
			return out
		}
		s := i + j
		f := check.Finding{Severity: sev, Path: cx.Path, Range: check.Range{Start: s, End: s + len(word)}, Message: msg}
		if repl != "" {
			f.Fixes = []check.Fix{{Title: "Replace " + word + " with " + repl, Preferred: true,
				Edits: []check.Edit{{Path: cx.Path, Range: f.Range, NewText: repl}}}}
		}
		out = append(out, f)
		i = s + len(word)
	}
}

// testEnabled runs the fake checks and the driver's suppression check only.
func testEnabled(id string) bool {
	return id == fakeWord || id == fakeBinding || id == SuppressionCheck
}

// extract writes the files of an archive under "src/" into a new folder.
func extract(t *testing.T, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		name, ok := strings.CutPrefix(f.Name, "src/")
		if !ok {
			continue
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func lintDir(t *testing.T, dir string, paths []string, base *Baseline) *Result {
	t.Helper()
	res, err := Run(context.Background(), Options{Paths: paths, Dir: dir, Enabled: testEnabled, Jobs: 2, Baseline: base})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func textOf(t *testing.T, res *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := (&Report{Result: res}).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		b.WriteString("file error: " + e.Path + ": " + e.Message + "\n")
	}
	s := res.Summary()
	fmt.Fprintf(&b, "summary: files=%d findings=%d error=%d warning=%d note=%d suppressed=%d baselined=%d file_errors=%d generated=%d\n",
		s.Files, s.Findings, s.Error, s.Warning, s.Note, s.Suppressed, s.Baselined, s.FileErrors, s.Generated)
	return b.String()
}

// TestCases runs the txtar cases of testdata/cases: the files under src/ are linted from
// the folder that holds them, and the text output with the file errors and the summary must
// equal the section "want" (go test -update rewrites it).
func TestCases(t *testing.T) {
	files, _ := filepath.Glob("testdata/cases/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := extract(t, ar)
			got := textOf(t, lintDir(t, dir, nil, nil))
			idx := -1
			for i, f := range ar.Files {
				if f.Name == "want" {
					idx = i
				}
			}
			if *update {
				if idx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want"})
					idx = len(ar.Files) - 1
				}
				ar.Files[idx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if idx < 0 {
				t.Fatal("no want section (go test -update writes it)")
			}
			if diff := cmp.Diff(string(ar.Files[idx].Data), got); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
