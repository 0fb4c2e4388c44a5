// SPDX-License-Identifier: GPL-2.0-only

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/internal/marker"
	"krls.dev/krls/lsp/source"
)

// The Kconfig/Kbuild checks look at the tree around a file (is it built by a Makefile?); the
// marker archives hold single files that no Makefile names, and their in-process runner does
// not load the Kconfig model, so these checks are off here as there.
var kbuildChecks = []string{"module-not-built", "module-name-mismatch", "config-unknown", "object-no-source",
	"kconfig-syntax", "kconfig-rust-dep", "kconfig-module-name"}

// TestMarkersOverStdio runs the marker archives of lsp/testdata/markers that use a real kernel
// tree against the krls binary over stdio, with the answers the in-process runner
// (lsp/internal/marker) checks: hover, completion, definition, diagnostics 1:1 and fixes.
func TestMarkersOverStdio(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(kerneltest.RepoRoot(), "lsp", "testdata", "markers", "*.txtar"))
	n := 0
	for _, file := range files {
		mt, err := marker.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if mt.Tree == "" {
			continue // a hand-made index: in-process only
		}
		n++
		t.Run(mt.Name, func(t *testing.T) { runStdio(t, mt) })
	}
	if n < 5 {
		t.Fatalf("only %d marker archives on real trees", n)
	}
}

func runStdio(t *testing.T, mt *marker.Test) {
	opts := map[string]any{"debounceMs": 5}
	checks := map[string]bool{}
	for _, id := range kbuildChecks {
		checks[id] = false
	}
	opts["checks"] = checks
	var root, build string
	if v, ok := strings.CutSuffix(mt.Tree, "/obj"); ok {
		root, build = kerneltest.BuildTree(t, v)
		opts["build"] = build
	} else {
		root = kerneltest.Tree(t, mt.Tree)
		build = root
	}
	opts["kernel"] = root
	text := mt.Text
	if mt.Real != "" {
		var err error
		if text, err = os.ReadFile(filepath.Join(root, mt.Real)); err != nil {
			t.Fatal(err)
		}
	}
	if err := mt.Resolve(text); err != nil {
		t.Fatal(err)
	}
	p := startBin(t)
	p.initialize(opts, nil)
	path := filepath.Join(root, mt.Path)
	uri := string(source.URI(path))
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "rust", "version": 1, "text": string(text)}})
	d, _, err := p.c.WaitDiagnostics(p.ctx, 0, uri, 1)
	if err != nil {
		t.Fatal(err)
	}
	matched := make([]bool, len(d.Diagnostics))
	pos := func(off int) map[string]any {
		l, c := marker.Position(text, off)
		return map[string]any{"line": l, "character": c}
	}
	doc := map[string]any{"uri": uri}
	for _, m := range mt.Markers {
		switch m.Op {
		case "hover":
			r := p.call("textDocument/hover", map[string]any{"textDocument": doc, "position": pos(m.Pos)})
			var h struct {
				Contents struct{ Value string } `json:"contents"`
			}
			_ = json.Unmarshal(r.Result, &h)
			if len(m.Args) == 1 && m.Args[0] == "none" {
				if string(r.Result) != "null" {
					t.Errorf("%v: want no hover, got %s", m, r.Raw)
				}
				continue
			}
			for i := 0; i+1 < len(m.Args); i += 2 {
				if has := strings.Contains(h.Contents.Value, m.Args[i+1]); has != (m.Args[i] == "contains") {
					t.Errorf("%v: hover %s %q:\n%s", m, m.Args[i], m.Args[i+1], h.Contents.Value)
				}
			}
		case "complete":
			got := labels(t, p.call("textDocument/completion", map[string]any{"textDocument": doc, "position": pos(m.Pos)}))
			switch m.Args[0] {
			case "none":
				if len(got) != 0 {
					t.Errorf("%v: want no items, got %q", m, got)
				}
			case "labels":
				if strings.Join(got, "\n") != strings.Join(m.Args[1:], "\n") {
					t.Errorf("%v: labels %q, want %q", m, got, m.Args[1:])
				}
			case "has":
				i := 0
				for _, l := range got {
					if i < len(m.Args)-1 && l == m.Args[1+i] {
						i++
					}
				}
				if i != len(m.Args)-1 {
					t.Errorf("%v: labels %q lack %q in that order", m, got, m.Args[1:])
				}
			}
		case "def":
			r := p.call("textDocument/definition", map[string]any{"textDocument": doc, "position": pos(m.Pos)})
			var locs []struct {
				URI   string `json:"uri"`
				Range struct {
					Start struct{ Line int } `json:"start"`
				} `json:"range"`
			}
			_ = json.Unmarshal(r.Result, &locs)
			if len(m.Args) == 1 && m.Args[0] == "none" {
				if len(locs) != 0 {
					t.Errorf("%v: want no definition, got %s", m, r.Raw)
				}
				continue
			}
			if len(locs)*3 != len(m.Args) {
				t.Errorf("%v: %d locations, want %d: %s", m, len(locs), len(m.Args)/3, r.Raw)
				continue
			}
			for i, l := range locs {
				file, want := m.Args[3*i+1], m.Args[3*i+2]
				abs := filepath.Join(root, file)
				if strings.HasPrefix(file, "rust/bindings/") || strings.HasPrefix(file, "rust/uapi/") {
					abs = filepath.Join(build, file)
				}
				if got := strings.TrimPrefix(l.URI, "file://"); got != abs {
					t.Errorf("%v: location %d in %s, want %s", m, i, got, abs)
					continue
				}
				data, _ := os.ReadFile(abs)
				lines := strings.Split(string(data), "\n")
				if n, err := strconv.Atoi(want); err == nil {
					if l.Range.Start.Line+1 != n {
						t.Errorf("%v: line %d, want %d", m, l.Range.Start.Line+1, n)
					}
				} else if l.Range.Start.Line >= len(lines) || !strings.Contains(lines[l.Range.Start.Line], want) {
					t.Errorf("%v: line %d of %s lacks %q", m, l.Range.Start.Line+1, file, want)
				}
			}
		case "diag":
			found := false
			for i, dg := range d.Diagnostics {
				r := dg["range"].(map[string]any)
				st := r["start"].(map[string]any)
				en := r["end"].(map[string]any)
				sl, sc := marker.Position(text, m.Pos)
				ok := dg["code"] == m.Args[0] && int(st["line"].(float64)) == sl && int(st["character"].(float64)) == sc
				if m.End != m.Pos {
					el, ec := marker.Position(text, m.End)
					ok = ok && int(en["line"].(float64)) == el && int(en["character"].(float64)) == ec
				}
				if ok && len(m.Args) > 1 {
					ok = strings.Contains(dg["message"].(string), m.Args[1])
				}
				if ok && !matched[i] {
					matched[i], found = true, true
					break
				}
			}
			if !found {
				t.Errorf("%v: no such diagnostic among %v", m, d.Diagnostics)
			}
		case "fix":
			testFixStdio(t, p, mt, uri, text, d.Diagnostics, m)
		}
	}
	for i, dg := range d.Diagnostics {
		if !matched[i] {
			t.Errorf("unexpected diagnostic %v: %v", dg["code"], dg["message"])
		}
	}
}

// testFixStdio asks for the code actions at the marker and applies the one whose title holds
// the text: its edit must turn the file into the expected section, or it must open the URL.
func testFixStdio(t *testing.T, p *proc, mt *marker.Test, uri string, text []byte, diags []map[string]any, m *marker.Marker) {
	t.Helper()
	l1, c1 := marker.Position(text, m.Pos)
	l2, c2 := marker.Position(text, m.End)
	r := p.call("textDocument/codeAction", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        map[string]any{"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}},
		"context":      map[string]any{"diagnostics": diags},
	})
	var actions []struct {
		Title   string `json:"title"`
		Command *struct {
			Command   string `json:"command"`
			Arguments []any  `json:"arguments"`
		} `json:"command"`
		Edit *struct {
			Changes map[string][]struct {
				Range struct {
					Start struct{ Line, Character int } `json:"start"`
					End   struct{ Line, Character int } `json:"end"`
				} `json:"range"`
				NewText string `json:"newText"`
			} `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(r.Result, &actions); err != nil {
		t.Errorf("%v: code actions: %s", m, r.Raw)
		return
	}
	for _, a := range actions {
		if !strings.Contains(a.Title, m.Args[0]) {
			continue
		}
		if len(m.Args) == 3 && m.Args[1] == "url" {
			if a.Command == nil || len(a.Command.Arguments) == 0 || a.Command.Arguments[0] != m.Args[2] {
				t.Errorf("%v: action %q does not open %s", m, a.Title, m.Args[2])
			}
			return
		}
		if a.Edit == nil {
			t.Errorf("%v: action %q has no edit", m, a.Title)
			return
		}
		edits := a.Edit.Changes[uri]
		// Apply from the end, so earlier offsets stay valid; positions are UTF-16 like the
		// protocol's, converted back through the marker package's oracle.
		sort.Slice(edits, func(i, j int) bool {
			a, b := edits[i].Range.Start, edits[j].Range.Start
			return a.Line > b.Line || a.Line == b.Line && a.Character > b.Character
		})
		out := append([]byte(nil), text...)
		for _, e := range edits {
			s := offsetOf(out, e.Range.Start.Line, e.Range.Start.Character)
			en := offsetOf(out, e.Range.End.Line, e.Range.End.Character)
			out = append(out[:s:s], append([]byte(e.NewText), out[en:]...)...)
		}
		if want := mt.Files[m.Args[1]]; string(out) != string(want) {
			t.Errorf("%v: after %q the file is\n%s\nwant\n%s", m, a.Title, out, want)
		}
		return
	}
	t.Errorf("%v: no action titled %q: %s", m, m.Args[0], r.Raw)
}

// offsetOf is the byte offset of a protocol position (UTF-16 character), found by asking
// marker.Position of every offset of the line: slow, but independent of the server's mapper.
func offsetOf(text []byte, line, char int) int {
	for off := 0; off <= len(text); off++ {
		if l, c := marker.Position(text, off); l == line && c >= char || l > line {
			return off
		}
	}
	return len(text)
}
