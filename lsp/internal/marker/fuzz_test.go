// SPDX-License-Identifier: GPL-2.0-only

package marker_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/check"
	"krls.dev/krls/lsp/completion"
	"krls.dev/krls/lsp/definition"
	"krls.dev/krls/lsp/hover"
	"krls.dev/krls/lsp/internal/marker"
	"krls.dev/krls/lsp/rustfile"
)

// handIndex returns the marker archive name of lsp/testdata/markers and its hand-made index
// (index.json), finished.
func handIndex(tb testing.TB, name string) (*marker.Test, *index.Index) {
	tb.Helper()
	mt, err := marker.ParseFile(filepath.Join(markerDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	ix := &index.Index{}
	if err := json.Unmarshal(mt.Index, ix); err != nil {
		tb.Fatal(err)
	}
	ix.Finish()
	return mt, ix
}

// FuzzFeatures runs every check and, at every offset, hover, completion and definition on
// arbitrary text with the hand-made index of bindings.txtar: nothing may panic, every range
// must lie in the text, and every fix must apply.
func FuzzFeatures(f *testing.F) {
	_, ix := handIndex(f, "bindings.txtar")
	_, schema := handIndex(f, "module_keys.txtar")
	ix.Modules = schema.Modules
	ix.Finish()
	files, _ := filepath.Glob(filepath.Join(markerDir, "*.txtar"))
	for _, file := range files {
		if t, err := marker.ParseFile(file); err == nil && t.Text != nil {
			f.Add(string(t.Text))
		}
	}
	if data, err := os.ReadFile(filepath.Join(markerDir, "..", "..", "..", "lsp", "rustfile", "rustfile.go")); err == nil {
		f.Add(string(data[:min(len(data), 2000)]))
	}
	f.Fuzz(func(t *testing.T, src string) {
		text := []byte(src)
		file := rustfile.Parse(text)
		ctx := &check.Context{Index: ix, Path: "/tree/drivers/x.rs", Rel: "drivers/x.rs", Lang: "rust", Text: text, Rust: file}
		for _, fd := range check.Run(ctx, nil) {
			if strings.HasPrefix(fd.Message, "krls: check") {
				t.Fatalf("%s", fd.Message)
			}
			if fd.Range.Start < 0 || fd.Range.End > len(text) || fd.Range.Start > fd.Range.End {
				t.Fatalf("%s: range %v outside the text (%d bytes)", fd.Check, fd.Range, len(text))
			}
			for _, fx := range fd.Fixes {
				for _, e := range fx.Edits {
					if e.Range.Start < 0 || e.Range.End > len(text) || e.Range.Start > e.Range.End {
						t.Fatalf("%s: fix %q edit %v outside the text", fd.Check, fx.Title, e.Range)
					}
				}
				check.Apply(text, fx)
			}
		}
		step := 1
		if len(text) > 300 {
			step = len(text)/300 + 1
		}
		for off := 0; off <= len(text); off += step {
			if h, _ := hover.Rust(ix, file, text, off); h != nil && (h.Range.Start > off || h.Range.End < off) {
				t.Fatalf("hover range %v away from %d", h.Range, off)
			}
			items, _ := completion.Rust(ix, file, text, off)
			for _, it := range items {
				if it.Edit != nil && (it.Edit.Start > off || it.Edit.End < off || it.Edit.End > len(text)) {
					t.Fatalf("completion %q edits %v away from %d", it.Label, *it.Edit, off)
				}
			}
			definition.Rust(ix, file, text, off)
		}
	})
}
