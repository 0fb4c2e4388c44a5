// SPDX-License-Identifier: GPL-2.0-only

package marker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/definition"
	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/internal/marker"
	"krls.dev/krls/lsp/rustfile"
)

var markerDir = filepath.Join(kerneltest.RepoRoot(), "lsp", "testdata", "markers")

// TestMarkers runs every archive of lsp/testdata/markers against the feature packages.
func TestMarkers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(markerDir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no marker tests in %s: %v", markerDir, err)
	}
	for _, file := range files {
		mt, err := marker.ParseFile(file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		t.Run(mt.Name, func(t *testing.T) { runTest(t, mt) })
	}
}

var (
	realMu  sync.Mutex
	realIxs = map[string]*index.Index{}
)

// realIndex indexes a real tree once per test binary, with index.Locate and index.Build as
// the server does. ver is "6.12" (generated files in the tree) or "6.12/obj" (a pristine
// source tree and an O= build folder).
func realIndex(t testing.TB, ver string) *index.Index {
	opts := index.LocateOptions{}
	if v, ok := strings.CutSuffix(ver, "/obj"); ok {
		opts.Kernel, opts.Build = kerneltest.BuildTree(t, v)
	} else {
		opts.Kernel = kerneltest.Tree(t, ver)
	}
	realMu.Lock()
	defer realMu.Unlock()
	if ix := realIxs[ver]; ix != nil {
		return ix
	}
	tree, err := index.Locate(opts)
	if err != nil {
		t.Fatalf("Locate %+v: %v", opts, err)
	}
	ix, err := index.Build(context.Background(), tree, nil)
	if err != nil {
		t.Fatalf("Build %+v: %v", opts, err)
	}
	realIxs[ver] = ix
	return ix
}

func runTest(t *testing.T, mt *marker.Test) {
	var ix *index.Index
	text := mt.Text
	root := "/krls-test-tree"
	switch {
	case mt.Tree != "":
		ix = realIndex(t, mt.Tree)
		root = ix.Root
		if mt.Real != "" {
			var err error
			if text, err = os.ReadFile(filepath.Join(root, mt.Real)); err != nil {
				t.Fatalf("%v", err)
			}
		}
	case mt.Index != nil:
		ix = &index.Index{}
		if err := json.Unmarshal(mt.Index, ix); err != nil {
			t.Fatalf("index.json: %v", err)
		}
		if ix.Root == "" {
			ix.Root = root
		}
		root = ix.Root
		ix.Finish()
	}
	if err := mt.Resolve(text); err != nil {
		t.Fatalf("%v", err)
	}
	f := rustfile.Parse(text)
	ctx := &check.Context{Index: ix, Path: filepath.Join(root, mt.Path), Rel: mt.Path, Lang: "rust", Text: text, Rust: f}
	findings := check.Run(ctx, nil)
	matched := make([]bool, len(findings))
	for _, m := range mt.Markers {
		switch m.Op {
		case "hover":
			testHover(t, ix, f, text, m)
		case "complete":
			testComplete(t, ix, f, text, m)
		case "def":
			testDef(t, ix, f, text, m)
		case "diag":
			testDiag(t, findings, matched, m)
		case "fix":
			testFix(t, mt, text, findings, m)
		}
	}
	for i, fd := range findings {
		if !matched[i] {
			t.Errorf("unexpected finding %s at %q: %s", fd.Check, excerpt(text, fd.Range.Start, fd.Range.End), fd.Message)
		}
	}
}

func excerpt(text []byte, s, e int) string {
	line, col := marker.Position(text, s)
	return fmt.Sprintf("%d:%d %s", line+1, col+1, text[s:e])
}

func testHover(t *testing.T, ix *index.Index, f *rustfile.File, text []byte, m *marker.Marker) {
	t.Helper()
	res, err := hover.Rust(ix, f, text, m.Pos)
	if err != nil {
		t.Errorf("%v: %v", m, err)
		return
	}
	if len(m.Args) == 1 && m.Args[0] == "none" {
		if res != nil {
			t.Errorf("%v: want no hover, got:\n%s", m, res.Markdown)
		}
		return
	}
	if res == nil {
		t.Errorf("%v: no hover", m)
		return
	}
	if res.Range.Start > m.Pos || res.Range.End < m.Pos {
		t.Errorf("%v: hover range %v does not hold the cursor", m, res.Range)
	}
	for i := 0; i+1 < len(m.Args); i += 2 {
		switch m.Args[i] {
		case "contains":
			if !strings.Contains(res.Markdown, m.Args[i+1]) {
				t.Errorf("%v: hover lacks %q:\n%s", m, m.Args[i+1], res.Markdown)
			}
		case "lacks":
			if strings.Contains(res.Markdown, m.Args[i+1]) {
				t.Errorf("%v: hover holds %q:\n%s", m, m.Args[i+1], res.Markdown)
			}
		default:
			t.Errorf("%v: unknown hover argument %q", m, m.Args[i])
		}
	}
}

func testComplete(t *testing.T, ix *index.Index, f *rustfile.File, text []byte, m *marker.Marker) {
	t.Helper()
	items, err := completion.Rust(ix, f, text, m.Pos)
	if err != nil {
		t.Errorf("%v: %v", m, err)
		return
	}
	var labels []string
	for _, it := range items {
		labels = append(labels, it.Label)
		if it.Edit != nil && (it.Edit.Start > m.Pos || it.Edit.End < m.Pos) {
			t.Errorf("%v: item %q edits %v, away from the cursor", m, it.Label, *it.Edit)
		}
	}
	if len(m.Args) == 0 {
		t.Errorf("%v: complete needs labels, has, insert or none", m)
		return
	}
	switch m.Args[0] {
	case "none":
		if len(items) != 0 {
			t.Errorf("%v: want no items, got %q", m, labels)
		}
	case "labels":
		if diff := cmp.Diff(m.Args[1:], labels); diff != "" {
			t.Errorf("%v: labels (-want +got):\n%s", m, diff)
		}
	case "has":
		i := 0
		for _, l := range labels {
			if i < len(m.Args)-1 && l == m.Args[1+i] {
				i++
			}
		}
		if i != len(m.Args)-1 {
			t.Errorf("%v: labels %q lack %q in that order", m, labels, m.Args[1:])
		}
	case "insert":
		if len(m.Args) != 3 {
			t.Errorf("%v: insert wants a label and a text", m)
			return
		}
		for _, it := range items {
			if it.Label == m.Args[1] {
				if !strings.Contains(it.InsertText, m.Args[2]) {
					t.Errorf("%v: %q inserts %q, lacking %q", m, it.Label, it.InsertText, m.Args[2])
				}
				return
			}
		}
		t.Errorf("%v: no item %q in %q", m, m.Args[1], labels)
	default:
		t.Errorf("%v: unknown complete argument %q", m, m.Args[0])
	}
}

func testDef(t *testing.T, ix *index.Index, f *rustfile.File, text []byte, m *marker.Marker) {
	t.Helper()
	locs, err := definition.Rust(ix, f, text, m.Pos)
	if err != nil {
		t.Errorf("%v: %v", m, err)
		return
	}
	if len(m.Args) == 1 && m.Args[0] == "none" {
		if len(locs) != 0 {
			t.Errorf("%v: want no definition, got %+v", m, locs)
		}
		return
	}
	var want []string
	for i := 0; i < len(m.Args); i += 3 {
		if m.Args[i] != "at" || i+2 >= len(m.Args) {
			t.Errorf("%v: def wants `at \"file\" \"line text or number\"`…", m)
			return
		}
		want = append(want, m.Args[i+1])
	}
	if len(locs) != len(want) {
		t.Errorf("%v: got %d locations %+v, want %d", m, len(locs), locs, len(want))
		return
	}
	for i, l := range locs {
		rel := l.Path
		for _, base := range []string{ix.Build, ix.Root} {
			if r, err := filepath.Rel(base, l.Path); base != "" && err == nil && !strings.HasPrefix(r, "..") {
				rel = r
				break
			}
		}
		if rel != want[i] {
			t.Errorf("%v: location %d in %s, want %s", m, i, rel, want[i])
			continue
		}
		lineWant := m.Args[i*3+2]
		if n, err := strconv.Atoi(lineWant); err == nil {
			if l.Line != n {
				t.Errorf("%v: location %d at line %d, want %d", m, i, l.Line, n)
			}
			continue
		}
		data, err := os.ReadFile(l.Path)
		if err != nil {
			t.Errorf("%v: %v", m, err)
			continue
		}
		lines := strings.Split(string(data), "\n")
		if l.Line < 1 || l.Line > len(lines) || !strings.Contains(lines[l.Line-1], lineWant) {
			got := ""
			if l.Line >= 1 && l.Line <= len(lines) {
				got = lines[l.Line-1]
			}
			t.Errorf("%v: line %d of %s is %q, want it to hold %q", m, l.Line, rel, got, lineWant)
		}
	}
}

func testDiag(t *testing.T, findings []check.Finding, matched []bool, m *marker.Marker) {
	t.Helper()
	if len(m.Args) < 1 {
		t.Errorf("%v: diag wants a check ID", m)
		return
	}
	for i, f := range findings {
		if matched[i] || f.Check != m.Args[0] || f.Range.Start != m.Pos || m.End != m.Pos && f.Range.End != m.End {
			continue
		}
		if len(m.Args) > 1 && !strings.Contains(f.Message, m.Args[1]) {
			t.Errorf("%v: message %q lacks %q", m, f.Message, m.Args[1])
		}
		matched[i] = true
		return
	}
	var got []string
	for _, f := range findings {
		got = append(got, fmt.Sprintf("%s@%d-%d", f.Check, f.Range.Start, f.Range.End))
	}
	t.Errorf("%v: no %s finding at %d-%d; findings: %v", m, m.Args[0], m.Pos, m.End, got)
}

func testFix(t *testing.T, mt *marker.Test, text []byte, findings []check.Finding, m *marker.Marker) {
	t.Helper()
	if len(m.Args) < 2 {
		t.Errorf("%v: fix wants a title and a section (or url \"…\")", m)
		return
	}
	var titles []string
	for _, fx := range check.Actions(findings, check.Range{Start: m.Pos, End: m.End}) {
		titles = append(titles, fx.Title)
		if !strings.Contains(fx.Title, m.Args[0]) {
			continue
		}
		if m.Args[1] == "url" {
			if len(m.Args) < 3 || fx.DocURL != m.Args[2] {
				t.Errorf("%v: fix %q opens %q, want %q", m, fx.Title, fx.DocURL, m.Args[2:])
			}
			return
		}
		want, ok := mt.Files[m.Args[1]]
		if !ok {
			t.Errorf("%v: no section %q", m, m.Args[1])
			return
		}
		if diff := cmp.Diff(string(want), string(check.Apply(text, fx))); diff != "" {
			t.Errorf("%v: file after %q (-want +got):\n%s", m, fx.Title, diff)
		}
		return
	}
	t.Errorf("%v: no fix titled %q among %q", m, m.Args[0], titles)
}
