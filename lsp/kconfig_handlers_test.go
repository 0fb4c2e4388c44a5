// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/source"
)

// TestKconfigFeaturesReal drives the Kconfig/Kbuild features through the protocol on the real
// 6.12 tree (an index holding only its root: the World is loaded from the tree itself).
func TestKconfigFeaturesReal(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	ix := &index.Index{Root: root, Version: "6.12.0"}
	ix.Finish()
	h := start(t, Options{LoadIndex: func(context.Context, Settings) (*index.Index, error) { return ix, nil }})
	h.initialize(nil)

	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	pos := func(text, locator string) map[string]any {
		i := strings.Index(locator, "⁁")
		j := strings.Index(text, locator[:i]+locator[i+len("⁁"):])
		if j < 0 {
			t.Fatalf("%q not found", locator)
		}
		p := utf16Pos(text, j+i)
		return map[string]any{"line": p.Line, "character": p.Character}
	}
	mk := read("samples/rust/Makefile")
	mkURI := string(source.URI(filepath.Join(root, "samples/rust/Makefile")))
	h.notify("textDocument/didOpen", openParams(mkURI, "makefile", 1, mk))
	at := func(uri, text, locator string) map[string]any {
		return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(text, locator)}
	}

	var hov struct {
		Contents struct{ Value string } `json:"contents"`
	}
	m := h.call("textDocument/hover", at(mkURI, mk, "CONFIG_SAMPLE_RUST_MIN⁁IMAL"))
	if err := json.Unmarshal(m.Result, &hov); err != nil || !strings.Contains(hov.Contents.Value, "the module will be called rust_minimal") {
		t.Errorf("hover: %s (%v)", m.Result, err)
	}

	var locs []struct {
		URI   string `json:"uri"`
		Range struct {
			Start struct{ Line int } `json:"start"`
		} `json:"range"`
	}
	m = h.call("textDocument/definition", at(mkURI, mk, "CONFIG_SAMPLE_RUST_MIN⁁IMAL"))
	if err := json.Unmarshal(m.Result, &locs); err != nil || len(locs) != 1 || !strings.HasSuffix(locs[0].URI, "/samples/rust/Kconfig") {
		t.Errorf("definition: %s (%v)", m.Result, err)
	}

	m = h.call("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": mkURI},
		"position": pos(mk, "CONFIG_SAMPLE_RUST_MIN⁁IMAL"), "context": map[string]any{"includeDeclaration": true}})
	locs = nil
	if err := json.Unmarshal(m.Result, &locs); err != nil || len(locs) < 2 {
		t.Errorf("references: %s (%v)", m.Result, err)
	}

	var links []struct {
		Target string `json:"target"`
	}
	m = h.call("textDocument/documentLink", map[string]any{"textDocument": map[string]any{"uri": mkURI}})
	if err := json.Unmarshal(m.Result, &links); err != nil || len(links) == 0 || !strings.HasSuffix(links[0].Target, "/samples/rust/rust_minimal.rs") {
		t.Errorf("links: %s (%v)", m.Result, err)
	}

	rnull := string(source.URI(filepath.Join(root, "drivers/block/rnull.rs")))
	for cmd, suffix := range map[string]string{CmdOpenKconfigEntry: "/drivers/block/Kconfig", CmdOpenMakefileLine: "/drivers/block/Makefile"} {
		m = h.call("workspace/executeCommand", map[string]any{"command": cmd, "arguments": []any{rnull}})
		locs = nil
		if err := json.Unmarshal(m.Result, &locs); err != nil || len(locs) == 0 || !strings.HasSuffix(locs[0].URI, suffix) {
			t.Errorf("%s: %s (%v)", cmd, m.Result, err)
		}
	}

	// Completion in a Kconfig buffer, and the diagnostics of a syntax error there.
	kURI := string(source.URI(filepath.Join(root, "samples/rust/Kconfig.new")))
	ktext := "config SAMPLE_RUST_NEW\n\ttristate \"New\"\n\tdepends on SAMPLES_RU\n\tbogus line\n"
	h.notify("textDocument/didOpen", openParams(kURI, "kconfig", 1, ktext))
	m = h.call("textDocument/completion", at(kURI, ktext, "SAMPLES_RU⁁"))
	if !strings.Contains(string(m.Result), `"SAMPLES_RUST"`) {
		t.Errorf("completion: %s", m.Result)
	}
	d, _, err := h.c.WaitDiagnostics(h.ctx, 0, kURI, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diagnostics) == 0 || !strings.Contains(string(mustJSON(t, d.Diagnostics)), "kconfig-syntax") {
		t.Errorf("diagnostics: %s", mustJSON(t, d.Diagnostics))
	}

	// Rust: hover on a cfg falls back to the Kconfig answer.
	rs := "#[cfg(CONFIG_KUNIT)]\nfn f() {}\n"
	rURI := string(source.URI(filepath.Join(root, "samples/rust/x.rs")))
	h.notify("textDocument/didOpen", openParams(rURI, "rust", 1, rs))
	m = h.call("textDocument/hover", at(rURI, rs, "CONFIG_KU⁁NIT"))
	if !strings.Contains(string(m.Result), "lib/kunit/Kconfig") {
		t.Errorf("Rust cfg hover: %s", m.Result)
	}
	m = h.call("textDocument/definition", at(rURI, rs, "CONFIG_KU⁁NIT"))
	if !strings.Contains(string(m.Result), "/lib/kunit/Kconfig") {
		t.Errorf("Rust cfg definition: %s", m.Result)
	}
	// Rust: completion of CONFIG_ in a cfg through the completion hook.
	rs2 := "#[cfg(CONFIG_SAMPLE_RUST_MIN)]\nfn g() {}\n"
	r2URI := string(source.URI(filepath.Join(root, "samples/rust/y.rs")))
	h.notify("textDocument/didOpen", openParams(r2URI, "rust", 1, rs2))
	m = h.call("textDocument/completion", at(r2URI, rs2, "CONFIG_SAMPLE_RUST_MIN⁁"))
	if !strings.Contains(string(m.Result), `"CONFIG_SAMPLE_RUST_MINIMAL"`) {
		t.Errorf("Rust cfg completion: %s", m.Result)
	}
	// A new module file: module-not-built, and the code action edits the folder's Makefile and
	// Kconfig (nothing is written: the edit goes to the editor).
	nm := "module! {\n    type: RustNew,\n    name: \"rust_new\",\n    license: \"GPL\",\n}\n"
	nURI := string(source.URI(filepath.Join(root, "samples/rust/rust_new.rs")))
	h.notify("textDocument/didOpen", openParams(nURI, "rust", 1, nm))
	d, _, err = h.c.WaitDiagnostics(h.ctx, 0, nURI, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mustJSON(t, d.Diagnostics)), "module-not-built") {
		t.Fatalf("diagnostics of a new module: %s", mustJSON(t, d.Diagnostics))
	}
	m = h.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": nURI},
		"range": rng(0, 0, 0, 1), "context": map[string]any{"diagnostics": []any{}}})
	var actions []struct {
		Title string `json:"title"`
		Edit  struct {
			Changes map[string][]struct {
				NewText string `json:"newText"`
			} `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(m.Result, &actions); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range actions {
		for u, es := range a.Edit.Changes {
			for _, e := range es {
				got = append(got, filepath.Base(u)+": "+strings.SplitN(e.NewText, "\n", 2)[0])
			}
		}
	}
	if !slices.Contains(got, "Makefile: obj-$(CONFIG_SAMPLE_RUST_NEW)\t\t\t+= rust_new.o") || !slices.Contains(got, "Kconfig: config SAMPLE_RUST_NEW") {
		t.Errorf("code action edits: %q", got)
	}
	h.exit()
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
