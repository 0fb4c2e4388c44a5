// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/lsptest"
)

// bindingsIndex is a hand-made index where bindings::ktime_get has the safe wrapper
// kernel::time::ktime_get.
func bindingsIndex(root string) *index.Index {
	ix := &index.Index{Root: root, Build: root, Version: "6.12.0",
		Items: []index.Item{
			{Path: "bindings::ktime_get", Name: "ktime_get", Kind: index.KindFn, Source: index.SourceBindings,
				Sig: "pub fn ktime_get() -> ktime_t", Generated: true,
				Loc: index.Loc{File: "rust/bindings/bindings_generated.rs", Start: index.Pos{Line: 3, Col: 4}}},
			{Path: "kernel::time::ktime_get", Name: "ktime_get", Kind: index.KindFn, Source: index.SourceKernel,
				Sig: "pub fn ktime_get() -> Ktime", Loc: index.Loc{File: "rust/kernel/time.rs", Start: index.Pos{Line: 70}}},
		},
		Wrappers: map[string][]index.Wrapper{"bindings::ktime_get": {{API: "kernel::time::ktime_get", Depth: 1}}},
	}
	ix.Finish()
	return ix
}

// utf16Pos is the oracle for positions: line and UTF-16 column of byte offset i, counted
// here independently of source.Mapper.
func utf16Pos(text string, i int) protocol.Position {
	line := strings.Count(text[:i], "\n")
	start := strings.LastIndex(text[:i], "\n") + 1
	return protocol.Position{Line: uint32(line), Character: uint32(len(utf16.Encode([]rune(text[start:i]))))}
}

type diagnostic struct {
	Range    protocol.Range `json:"range"`
	Severity int            `json:"severity"`
	Code     string         `json:"code"`
	Message  string         `json:"message"`
}

func publishes(t *testing.T, c *lsptest.Client, uri string) []lsptest.Diagnostics {
	var out []lsptest.Diagnostics
	for _, m := range c.Messages() {
		if m.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var d lsptest.Diagnostics
		if err := json.Unmarshal(m.Params, &d); err != nil {
			t.Fatal(err)
		}
		if d.URI == uri {
			out = append(out, d)
		}
	}
	return out
}

// TestDiagnosticsAndFeatures checks, on non-ASCII text, that findings are published in UTF-16
// with the document version, that fixed problems disappear (an empty list), that a burst of
// edits ends with the last version, that close clears, and that code actions and hover map
// their ranges back.
func TestDiagnosticsAndFeatures(t *testing.T) {
	ix := bindingsIndex("/tree")
	h := start(t, Options{Debounce: 5e6, LoadIndex: func(_ context.Context, _ Settings) (*index.Index, error) { return ix, nil }})
	h.initialize(map[string]any{"checks": map[string]bool{"unsafe-block-safety": false}})
	const uri = "file:///tree/drivers/misc/m%C3%B6d.rs"
	text := "// Author: Björn 😀\nfn f() {\n    let s = \"李雷😀\"; let t = unsafe { bindings::ktime_get() };\n}\n"
	h.notify("textDocument/didOpen", openParams(uri, "rust", 1, text))
	d, _, err := h.c.WaitDiagnostics(h.ctx, 0, uri, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(text, "bindings::ktime_get")
	var got []diagnostic
	b, _ := json.Marshal(d.Diagnostics)
	_ = json.Unmarshal(b, &got)
	want := protocol.Range{Start: utf16Pos(text, start), End: utf16Pos(text, start+len("bindings::ktime_get"))}
	if len(got) != 1 || got[0].Code != "bindings-direct" || got[0].Severity != 2 {
		t.Fatalf("diagnostics of version 1: %+v", got)
	}
	if diff := cmp.Diff(want, got[0].Range); diff != "" {
		t.Errorf("range (-want +got):\n%s", diff)
	}

	// Code action: the fix replaces the unsafe block holding only the call by the safe call;
	// its edit maps back to the block's UTF-16 range.
	block := strings.Index(text, "unsafe { bindings::ktime_get() }")
	blockRange := protocol.Range{Start: utf16Pos(text, block), End: utf16Pos(text, block+len("unsafe { bindings::ktime_get() }"))}
	ca := h.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": want, "context": map[string]any{"diagnostics": []any{}}})
	var actions []protocol.CodeAction
	if err := json.Unmarshal(ca.Result, &actions); err != nil || len(actions) == 0 {
		t.Fatalf("code actions: %s", ca.Raw)
	}
	fixed := false
	for _, a := range actions {
		if a.Edit == nil {
			continue // a docs action
		}
		at, names := false, false
		for _, e := range a.Edit.Changes[protocol.DocumentURI(uri)] {
			at = at || e.Range == blockRange && e.NewText == "ktime_get()"
			names = names || strings.Contains(e.NewText, "kernel::time::ktime_get")
		}
		fixed = fixed || at && names
	}
	if !fixed {
		t.Errorf("no fix rewriting the block at %v: %s", blockRange, ca.Result)
	}

	// Hover on the binding: the range comes back in UTF-16.
	hv := h.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": utf16Pos(text, start+12)})
	var hover protocol.Hover
	if err := json.Unmarshal(hv.Result, &hover); err != nil || !strings.Contains(hover.Contents.Value, "ktime_get") {
		t.Fatalf("hover: %s", hv.Raw)
	}
	if hover.Range != nil && hover.Range.Start.Line != want.Start.Line {
		t.Errorf("hover range %v, want on line %d", hover.Range, want.Start.Line)
	}

	// A burst of edits: whatever is published in between, versions only grow and the last
	// one is published; removing the call gives an empty list.
	n := h.c.Count()
	for v := 2; v <= 6; v++ {
		newText := "ktime_get" // the same text, a new version
		h.notify("textDocument/didChange", changeParams(uri, v, map[string]any{"range": rng(
			int(want.Start.Line), int(want.Start.Character)+10, int(want.Start.Line), int(want.Start.Character)+19), "text": newText}))
	}
	if _, _, err := h.c.WaitDiagnostics(h.ctx, n, uri, 6); err != nil {
		t.Fatal(err)
	}
	last := int32(0)
	for _, p := range publishes(t, h.c, uri) {
		if p.Version == nil || *p.Version < last {
			t.Errorf("published versions out of order: %v after %d", p.Version, last)
		} else {
			last = *p.Version
		}
	}
	n = h.c.Count()
	line := strings.Split(text, "\n")[2]
	h.notify("textDocument/didChange", changeParams(uri, 7, map[string]any{"range": rng(2, 0, 2, len(utf16.Encode([]rune(line)))), "text": "    let t = 0;"}))
	if d, _, err = h.c.WaitDiagnostics(h.ctx, n, uri, 7); err != nil || len(d.Diagnostics) != 0 {
		t.Errorf("after the fix: %v %v", d.Diagnostics, err)
	}
	n = h.c.Count()
	h.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	if d, _, err = h.c.WaitDiagnostics(h.ctx, n, uri, -1); err != nil || len(d.Diagnostics) != 0 || d.Version != nil {
		t.Errorf("after close: %+v %v", d, err)
	}
	// Turning the check off in the settings re-runs the checks of open documents.
	n = h.c.Count()
	h.notify("textDocument/didOpen", openParams(uri, "rust", 1, text))
	if _, _, err := h.c.WaitDiagnostics(h.ctx, n, uri, 1); err != nil {
		t.Fatal(err)
	}
	n = h.c.Count()
	h.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"checks": map[string]bool{"bindings-direct": false, "unsafe-block-safety": false}}})
	if d, _, err = h.c.WaitDiagnostics(h.ctx, n, uri, 1); err != nil || len(d.Diagnostics) != 0 {
		t.Errorf("with bindings-direct off: %v %v", d.Diagnostics, err)
	}
}

// TestDocsCodeAction: a fix that only points at the docs becomes a code action running
// krls.openDocs.
func TestDocsCodeAction(t *testing.T) {
	ix := &index.Index{Root: "/tree", Build: "/tree", Version: "6.12.0",
		Items: []index.Item{
			{Path: "bindings::mutex_lock", Name: "mutex_lock", Kind: index.KindFn, Source: index.SourceHelpers, Sig: "pub fn mutex_lock(lock: *mut mutex)", Generated: true},
			{Path: "kernel::sync::lock::Lock", Name: "Lock", Kind: index.KindStruct, Source: index.SourceKernel, Sig: "pub struct Lock<T: ?Sized, B: Backend>"},
			{Path: "kernel::sync::lock::Lock::lock", Name: "lock", Kind: index.KindMethod, Parent: "kernel::sync::lock::Lock", Source: index.SourceKernel, Sig: "pub fn lock(&self) -> Guard<'_, T, B>"},
		},
		Wrappers: map[string][]index.Wrapper{"bindings::mutex_lock": {{API: "kernel::sync::lock::Lock::lock", Depth: 2,
			Via: []string{"kernel::sync::lock::Lock::lock", "kernel::sync::lock::mutex::MutexBackend::lock"}}}},
	}
	ix.Finish()
	h := start(t, Options{LoadIndex: func(context.Context, Settings) (*index.Index, error) { return ix, nil }})
	h.initialize(map[string]any{"checks": map[string]bool{"unsafe-block-safety": false}})
	const uri = "file:///tree/drivers/misc/b.rs"
	text := "fn f(m: *mut u8) {\n    unsafe { bindings::mutex_lock(m) };\n}\n"
	h.notify("textDocument/didOpen", openParams(uri, "rust", 1, text))
	i := strings.Index(text, "bindings::mutex_lock")
	p := utf16Pos(text, i)
	m := h.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
		"range": protocol.Range{Start: p, End: p}, "context": map[string]any{"diagnostics": []any{}}})
	var actions []protocol.CodeAction
	if err := json.Unmarshal(m.Result, &actions); err != nil {
		t.Fatalf("%s: %v", m.Raw, err)
	}
	found := false
	for _, a := range actions {
		if a.Command != nil && a.Command.Command == CmdOpenDocs && len(a.Command.Arguments) == 1 &&
			strings.HasPrefix(a.Command.Arguments[0].(string), "https://") {
			found = true
		}
	}
	if !found {
		t.Errorf("no openDocs action: %s", m.Result)
	}
}

// A krls:allow comment silences a finding in the editor as it does in krls lint.
func TestDiagnosticsSuppressed(t *testing.T) {
	ix := bindingsIndex("/tree")
	h := start(t, Options{Debounce: 5e6, LoadIndex: func(_ context.Context, _ Settings) (*index.Index, error) { return ix, nil }})
	h.initialize(map[string]any{"checks": map[string]bool{"unsafe-block-safety": false}})
	const uri = "file:///tree/drivers/misc/m.rs"
	direct := "fn f() {\n    let t = unsafe { bindings::ktime_get() };\n}\n"
	allowed := "fn f() {\n    // krls:allow(bindings-direct): measured, the wrapper costs a lock here\n    let t = unsafe { bindings::ktime_get() };\n}\n"
	h.notify("textDocument/didOpen", openParams(uri, "rust", 1, direct))
	d, _, err := h.c.WaitDiagnostics(h.ctx, 0, uri, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diagnostics) != 1 {
		t.Fatalf("without the comment: %d diagnostics, want the bindings-direct one", len(d.Diagnostics))
	}
	h.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": allowed}},
	})
	d, _, err = h.c.WaitDiagnostics(h.ctx, 0, uri, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diagnostics) != 0 {
		t.Errorf("with krls:allow: %+v, want none", d.Diagnostics)
	}
}
