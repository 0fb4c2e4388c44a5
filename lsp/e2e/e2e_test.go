// SPDX-License-Identifier: GPL-2.0-only

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/lsptest"
	"krls.dev/krls/lsp/source"
)

func frame(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// shape reduces a message to what the tests compare: ids, methods, error codes; prose
// messages become "*".
func shape(t *testing.T, raw []byte) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not JSON: %q", raw)
	}
	if e, ok := m["error"].(map[string]any); ok {
		e["message"] = "*"
	}
	return m
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		send []string // raw frames after initialize
		want int
	}{
		{"shutdown then exit", []string{
			frame(`{"jsonrpc":"2.0","id":"s","method":"shutdown","params":{}}`),
			frame(`{"jsonrpc":"2.0","method":"exit"}`)}, 0},
		{"shutdown with null then exit", []string{
			frame(`{"jsonrpc":"2.0","id":"s","method":"shutdown","params":null}`),
			frame(`{"jsonrpc":"2.0","method":"exit"}`)}, 0},
		{"exit without shutdown", []string{frame(`{"jsonrpc":"2.0","method":"exit"}`)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startBin(t)
			p.initialize(nil, nil)
			for _, f := range tt.send {
				if err := p.c.WriteRaw([]byte(f)); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Contains(tt.send[0], "shutdown") {
				m, err := p.c.Wait(p.ctx, `"s"`)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(jsonValue(t, `{"jsonrpc":"2.0","id":"s","result":null}`), shape(t, m.Raw)); diff != "" {
					t.Errorf("shutdown reply (-want +got):\n%s", diff)
				}
			}
			if got := p.wait(); got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
	t.Run("stdin closed", func(t *testing.T) {
		p := startBin(t)
		p.initialize(nil, nil)
		p.stdin.Close()
		if got := p.wait(); got != 1 {
			t.Errorf("exit code %d after stdin closed without shutdown, want 1", got)
		}
	})
}

// TestMalformed sends raw bytes to the binary and diffs what comes back; after each, the
// server must still answer.
func TestMalformed(t *testing.T) {
	p := startBin(t)
	// Before initialize: ServerNotInitialized.
	if err := p.c.WriteRaw([]byte(frame(`{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}`))); err != nil {
		t.Fatal(err)
	}
	m, err := p.c.Wait(p.ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jsonValue(t, `{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"*"}}`), shape(t, m.Raw)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	p.initialize(nil, nil)
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file:///nowhere/a.rs", "languageId": "rust", "version": 1, "text": "// Björn 😀\nfn main() {}\n"}})
	tests := []struct {
		name, send, id, want string
	}{
		{"invalid JSON", frame(`{"jsonrpc":"2.0","id":5,"method":"textDocument/hover",`), "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"bad Content-Length", "Content-Length: twelve\r\n\r\n{}", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"huge Content-Length", "Content-Length: 99999999999\r\n\r\n{}", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"missing header", "X-Nothing: 1\r\n\r\n{}", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"header line without colon", "garbage\r\n\r\n", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"wrong jsonrpc version", frame(`{"jsonrpc":"1.0","id":6,"method":"shutdown"}`), "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"*"}}`},
		{"params of the wrong type", frame(`{"jsonrpc":"2.0","id":7,"method":"textDocument/completion","params":[1,2]}`), "7",
			`{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"*"}}`},
		{"position of the wrong type", frame(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere/a.rs"},"position":{"line":0.5,"character":"x"}}}`), "8",
			`{"jsonrpc":"2.0","id":8,"error":{"code":-32602,"message":"*"}}`},
		{"line out of range", frame(`{"jsonrpc":"2.0","id":9,"method":"textDocument/definition","params":{"textDocument":{"uri":"file:///nowhere/a.rs"},"position":{"line":2000,"character":0}}}`), "9",
			`{"jsonrpc":"2.0","id":9,"error":{"code":-32602,"message":"*"}}`},
		{"range out of range", frame(`{"jsonrpc":"2.0","id":10,"method":"textDocument/codeAction","params":{"textDocument":{"uri":"file:///nowhere/a.rs"},"range":{"start":{"line":0,"character":0},"end":{"line":70,"character":0}},"context":{"diagnostics":[]}}}`), "10",
			`{"jsonrpc":"2.0","id":10,"error":{"code":-32602,"message":"*"}}`},
		{"unknown method", frame(`{"jsonrpc":"2.0","id":11,"method":"textDocument/semanticTokens/full","params":{}}`), "11",
			`{"jsonrpc":"2.0","id":11,"error":{"code":-32601,"message":"*"}}`},
		{"unknown command", frame(`{"jsonrpc":"2.0","id":12,"method":"workspace/executeCommand","params":{"command":"rm -rf"}}`), "12",
			`{"jsonrpc":"2.0","id":12,"error":{"code":-32602,"message":"*"}}`},
		{"untitled document", frame(`{"jsonrpc":"2.0","id":13,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:Untitled-1"},"position":{"line":0,"character":0}}}`), "13",
			`{"jsonrpc":"2.0","id":13,"error":{"code":-32602,"message":"*"}}`},
		{"position in a surrogate pair", frame(`{"jsonrpc":"2.0","id":14,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///nowhere/a.rs"},"position":{"line":0,"character":10}}}`), "14",
			`{"jsonrpc":"2.0","id":14,"result":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.c.WriteRaw([]byte(tt.send)); err != nil {
				t.Fatal(err)
			}
			m, err := p.c.Wait(p.ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(jsonValue(t, tt.want), shape(t, m.Raw)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if m := p.call("workspace/executeCommand", map[string]any{"command": "krls.indexStatus"}); m.Error != nil {
				t.Fatalf("no answer after %s: %s", tt.name, m.Raw)
			}
		})
	}
	p.call("shutdown", nil)
	p.notify("exit", nil)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if strings.Contains(p.stderr.String(), "method not found") && strings.Contains(p.stderr.String(), "ERROR") {
		t.Errorf("unknown methods logged as errors:\n%s", p.stderr.String())
	}
}

// sample is a file of the real tree, opened in the editor.
type sample struct {
	path, uri, text string
}

func openSample(t *testing.T, p *proc, path string) sample {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sample{path: path, uri: string(source.URI(path)), text: string(b)}
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": s.uri, "languageId": "rust", "version": 1, "text": s.text}})
	return s
}

// posOf returns the LSP position of the first byte of needle in text plus delta bytes,
// computed here with its own UTF-16 count (the oracle for the server's mapper).
func posOf(t testing.TB, text, needle string, delta int) map[string]any {
	t.Helper()
	i := strings.Index(text, needle)
	if i < 0 {
		t.Fatalf("%q not in the text", needle)
	}
	i += delta
	line := strings.Count(text[:i], "\n")
	col := 0
	for _, r := range text[strings.LastIndex(text[:i], "\n")+1 : i] {
		col++
		if r > 0xFFFF {
			col++
		}
	}
	return map[string]any{"line": line, "character": col}
}

// moduleKeys reads EXPECTED_KEYS of rust/macros/module.rs: the oracle for module! keys.
func moduleKeys(t testing.TB, root string) []string {
	b, err := os.ReadFile(filepath.Join(root, "rust/macros/module.rs"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)EXPECTED_KEYS: &\[&str\] =\s*&\[(.*?)\]`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no EXPECTED_KEYS in module.rs")
	}
	var keys []string
	for _, k := range regexp.MustCompile(`"(\w+)"`).FindAllSubmatch(m[1], -1) {
		keys = append(keys, string(k[1]))
	}
	return keys
}

func labels(t *testing.T, m lsptest.Message) []string {
	t.Helper()
	if m.Error != nil {
		t.Fatalf("error: %s", m.Raw)
	}
	var list struct {
		Items []struct {
			Label string `json:"label"`
		} `json:"items"`
	}
	if err := json.Unmarshal(m.Result, &list); err != nil {
		t.Fatalf("completion result %s: %v", m.Result, err)
	}
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

// TestRealTree612 runs the binary on the real 6.12 tree: rust_minimal.rs gets module! key
// completion, a hover on KVec, and a bindings:: warning on an edited line; the warning goes
// away when the line is removed; progress is reported.
func TestRealTree612(t *testing.T) {
	root := kerneltest.Tree(t, "6.12")
	p := startBin(t)
	p.initialize(map[string]any{"kernel": root, "debounceMs": 10}, map[string]any{"window": map[string]any{"workDoneProgress": true}})
	s := openSample(t, p, filepath.Join(root, "samples/rust/rust_minimal.rs"))

	// The unmodified sample is clean: diagnostics of version 1 are an empty list.
	d, _, err := p.c.WaitDiagnostics(p.ctx, 0, s.uri, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diagnostics) != 0 {
		t.Errorf("rust_minimal.rs has diagnostics: %v", d.Diagnostics)
	}

	// module! keys: on a new line after `license: "GPL",` the keys not used yet are proposed.
	keys := moduleKeys(t, root)
	after := posOf(t, s.text, "    license: \"GPL\",\n", len("    license: \"GPL\",\n"))
	text2 := strings.Replace(s.text, "    license: \"GPL\",\n", "    license: \"GPL\",\n    \n", 1)
	p.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.uri, "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": after, "end": after}, "text": "    \n"}},
	})
	got := labels(t, p.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": s.uri}, "position": posOf(t, text2, "    \n}", 4)}))
	for _, k := range keys {
		used := strings.Contains(s.text, "    "+k+":")
		if !used && !contains(got, k) {
			t.Errorf("completion lacks the unused module! key %q: %v", k, got)
		}
	}

	// Hover on KVec: the oracle is the declaration in the tree.
	decl, err := grepKernel(root, `pub type KVec`)
	if err != nil || decl == "" {
		t.Fatalf("KVec not declared in rust/kernel: %v", err)
	}
	h := p.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": s.uri}, "position": posOf(t, text2, "KVec<i32>", 2)})
	var hover struct {
		Contents struct{ Kind, Value string } `json:"contents"`
	}
	if h.Error != nil || json.Unmarshal(h.Result, &hover) != nil || !strings.Contains(hover.Contents.Value, "KVec") {
		t.Errorf("hover on KVec: %s", h.Raw)
	}

	// An edited line calling bindings::mutex_lock, which the kernel wraps (oracle: the lock
	// backend in rust/kernel/sync/lock/mutex.rs calls it).
	if b, _ := os.ReadFile(filepath.Join(root, "rust/kernel/sync/lock/mutex.rs")); !strings.Contains(string(b), "bindings::mutex_lock(") {
		t.Fatal("oracle: mutex.rs does not call bindings::mutex_lock")
	}
	line := "        unsafe { bindings::mutex_lock(core::ptr::null_mut()) };\n"
	at := posOf(t, text2, "        let mut numbers", 0)
	text3 := strings.Replace(text2, "        let mut numbers", line+"        let mut numbers", 1)
	n := p.c.Count()
	p.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.uri, "version": 3},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": at, "end": at}, "text": line}},
	})
	d, _, err = p.c.WaitDiagnostics(p.ctx, n, s.uri, 3)
	if err != nil {
		t.Fatal(err)
	}
	wantStart := posOf(t, text3, "bindings::mutex_lock", 0)
	found := false
	for _, diag := range d.Diagnostics {
		r := diag["range"].(map[string]any)["start"].(map[string]any)
		if diag["severity"] == float64(2) && int(r["line"].(float64)) == wantStart["line"] && int(r["character"].(float64)) == wantStart["character"] {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning at %v on the edited line: %v", wantStart, d.Diagnostics)
	}
	// Whole-text change back to the original: the warning disappears (an empty list).
	n = p.c.Count()
	p.notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": s.uri, "version": 4}, "contentChanges": []any{map[string]any{"text": s.text}}})
	if d, _, err = p.c.WaitDiagnostics(p.ctx, n, s.uri, 4); err != nil || len(d.Diagnostics) != 0 {
		t.Errorf("after undo: %v %v", d.Diagnostics, err)
	}
	// Close clears.
	n = p.c.Count()
	p.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": s.uri}})
	if d, _, err = p.c.WaitDiagnostics(p.ctx, n, s.uri, -1); err != nil || len(d.Diagnostics) != 0 {
		t.Errorf("after close: %v %v", d.Diagnostics, err)
	}
	// Progress was reported: create, begin and end.
	var kinds []string
	for _, m := range p.c.Messages() {
		if m.Method == "$/progress" {
			var pp struct {
				Value struct{ Kind string } `json:"value"`
			}
			_ = json.Unmarshal(m.Params, &pp)
			kinds = append(kinds, pp.Value.Kind)
		}
	}
	if diff := cmp.Diff([]string{"begin", "report", "end"}, kinds); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	st := p.call("workspace/executeCommand", map[string]any{"command": "krls.indexStatus"})
	var status struct {
		State, Root string
		Items       int
	}
	if err := json.Unmarshal(st.Result, &status); err != nil || status.State != "ready" || status.Items == 0 {
		t.Errorf("index status %s", st.Result)
	}
	p.call("shutdown", nil)
	p.notify("exit", nil)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// grepKernel greps rust/kernel for a declaration; it returns the first line holding it.
func grepKernel(root, needle string) (string, error) {
	var found string
	err := filepath.WalkDir(filepath.Join(root, "rust/kernel"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || found != "" || !strings.HasSuffix(path, ".rs") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, needle) {
				found = l
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found, err
}

// TestRealTree61 runs the binary on the real 6.1 tree, whose module! takes byte strings and
// fewer keys: the sample is clean and the completion offers the keys of 6.1's module.rs.
func TestRealTree61(t *testing.T) {
	root := kerneltest.Tree(t, "6.1")
	p := startBin(t)
	p.initialize(map[string]any{"kernel": root, "debounceMs": 10}, nil)
	s := openSample(t, p, filepath.Join(root, "samples/rust/rust_minimal.rs"))
	d, _, err := p.c.WaitDiagnostics(p.ctx, 0, s.uri, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Diagnostics) != 0 {
		t.Errorf("6.1 rust_minimal.rs has diagnostics: %v", d.Diagnostics)
	}
	anchor := "    license: b\"GPL\",\n"
	after := posOf(t, s.text, anchor, len(anchor))
	text2 := strings.Replace(s.text, anchor, anchor+"    \n", 1)
	p.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": s.uri, "version": 2},
		"contentChanges": []any{map[string]any{"range": map[string]any{"start": after, "end": after}, "text": "    \n"}},
	})
	got := labels(t, p.call("textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": s.uri}, "position": posOf(t, text2, "    \n}", 4)}))
	keys := moduleKeys(t, root)
	if len(keys) == 0 {
		t.Fatal("oracle found no keys")
	}
	for _, k := range keys {
		used := strings.Contains(s.text, "    "+k+":")
		if used == contains(got, k) {
			t.Errorf("key %q: used in the sample %v, proposed %v (%v)", k, used, !used, got)
		}
	}
	for _, k := range got {
		if !contains(keys, k) {
			t.Errorf("completion proposes %q, not a key of 6.1's module! %v", k, keys)
		}
	}
	p.call("shutdown", nil)
	p.notify("exit", nil)
	if code := p.wait(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}
