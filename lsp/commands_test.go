// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/lsptest"
	"krls.dev/krls/lsp/source"
)

// TestOpenCommands: the lookups behind krls.openKconfigEntry and krls.openMakefileLine are
// func fields (the Kconfig model fills them); their byte columns are mapped to UTF-16 with the
// file's text, and without a lookup the answer is an empty list.
func TestOpenCommands(t *testing.T) {
	dir := t.TempDir()
	kconfig := filepath.Join(dir, "Kconfig")
	text := "# Björn 😀\nconfig SAMPLE_RUST_MINIMAL\n\ttristate \"Minimal\" # 😀 x\n"
	if err := os.WriteFile(kconfig, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	col := strings.Index(strings.Split(text, "\n")[2], "x") // byte column of x on line 3
	var gotSymbol, gotFile string
	h := start(t, Options{
		LookupKconfig: func(_ context.Context, _ *index.Index, symbol string) ([]Location, error) {
			gotSymbol = symbol
			return []Location{{File: kconfig, Line: 3, Col: col, EndLine: 3, EndCol: col + 1}}, nil
		},
		LookupMakefile: func(_ context.Context, _ *index.Index, file string) ([]Location, error) {
			gotFile = file
			return nil, nil
		},
	})
	h.initialize(nil)
	m := h.call("workspace/executeCommand", map[string]any{"command": CmdOpenKconfigEntry, "arguments": []any{"CONFIG_SAMPLE_RUST_MINIMAL"}})
	var locs []protocol.Location
	if err := json.Unmarshal(m.Result, &locs); err != nil {
		t.Fatalf("%s: %v", m.Raw, err)
	}
	want := []protocol.Location{{URI: source.URI(kconfig), Range: protocol.Range{
		// \t tristate "Minimal" # 😀 : 1+8+1+9+1+1+1+2+1 = 25 UTF-16 units before x
		Start: protocol.Position{Line: 2, Character: 25}, End: protocol.Position{Line: 2, Character: 26}}}}
	if diff := cmp.Diff(want, locs); diff != "" {
		t.Errorf("locations (-want +got):\n%s", diff)
	}
	if gotSymbol != "CONFIG_SAMPLE_RUST_MINIMAL" {
		t.Errorf("lookup got %q", gotSymbol)
	}
	m = h.call("workspace/executeCommand", map[string]any{"command": CmdOpenMakefileLine, "arguments": []any{"file:///k/samples/rust/rust_minimal.rs"}})
	if string(m.Result) != "[]" || gotFile != "/k/samples/rust/rust_minimal.rs" {
		t.Errorf("makefile line: %s, lookup got %q", m.Raw, gotFile)
	}
	if m := h.call("workspace/executeCommand", map[string]any{"command": CmdOpenKconfigEntry}); errCode(m) != -32602 {
		t.Errorf("without argument: %s", m.Raw)
	}
}

// TestOpenDocs: krls.openDocs asks the client to open the URL with window/showDocument.
func TestOpenDocs(t *testing.T) {
	h := start(t, Options{})
	var asked []string
	var mu sync.Mutex
	h.c.OnRequest = func(m lsptest.Message) (any, *lsptest.Error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, m.Method+" "+string(m.Params))
		return map[string]any{"success": true}, nil
	}
	h.initialize(nil)
	const url = "https://rust.docs.kernel.org/kernel/sync/lock/struct.Lock.html#method.lock"
	m := h.call("workspace/executeCommand", map[string]any{"command": CmdOpenDocs, "arguments": []any{url}})
	if string(m.Result) != "true" {
		t.Errorf("openDocs: %s", m.Raw)
	}
	mu.Lock()
	want := []string{`window/showDocument {"external":true,"uri":"` + url + `"}`}
	if diff := cmp.Diff(want, asked); diff != "" {
		t.Errorf("requests to the client (-want +got):\n%s", diff)
	}
	mu.Unlock()
	if m := h.call("workspace/executeCommand", map[string]any{"command": CmdOpenDocs, "arguments": []any{"file:///etc/passwd"}}); errCode(m) != -32602 {
		t.Errorf("non-http URL: %s", m.Raw)
	}
}
