// SPDX-License-Identifier: GPL-2.0-only

package lsp

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.lsp.dev/protocol"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/lsptest"
)

// harness runs a server in-process over pipes.
type harness struct {
	t      *testing.T
	srv    *Server
	c      *lsptest.Client
	in     *io.PipeWriter
	code   chan int
	ctx    context.Context
	closed bool
}

func start(t *testing.T, opts Options) *harness {
	t.Helper()
	if opts.Log == nil {
		opts.Log = zaptest.NewLogger(t)
	}
	if opts.Debounce == 0 {
		opts.Debounce = -1
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	h := &harness{t: t, srv: New(opts), in: inW, code: make(chan int, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	h.ctx = ctx
	go func() {
		h.code <- h.srv.Serve(context.Background(), inR, outW)
		outW.Close()
	}()
	h.c = lsptest.New(outR, inW)
	t.Cleanup(func() {
		if !h.closed {
			inW.Close()
			<-h.code
		}
		if v := h.c.Violations(); len(v) > 0 {
			t.Errorf("protocol violations on the server's output:\n%s", strings.Join(v, "\n"))
		}
	})
	return h
}

// call sends a request and returns its reply.
func (h *harness) call(method string, params any) lsptest.Message {
	h.t.Helper()
	m, err := h.c.Call(h.ctx, method, params)
	if err != nil {
		h.t.Fatalf("%s: %v", method, err)
	}
	return m
}

func (h *harness) notify(method string, params any) {
	h.t.Helper()
	if err := h.c.Notify(method, params); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) initialize(opts any) lsptest.Message {
	h.t.Helper()
	m := h.call("initialize", map[string]any{"processId": 1, "capabilities": map[string]any{}, "initializationOptions": opts})
	if m.Error != nil {
		h.t.Fatalf("initialize: %+v", m.Error)
	}
	h.notify("initialized", map[string]any{})
	return m
}

// exit sends exit and returns the exit code.
func (h *harness) exit() int {
	h.t.Helper()
	h.notify("exit", nil)
	select {
	case code := <-h.code:
		h.closed = true
		h.in.Close()
		return code
	case <-h.ctx.Done():
		h.t.Fatal("server did not exit")
		return -1
	}
}

// errCode returns the error code of a reply, 0 for none.
func errCode(m lsptest.Message) int {
	if m.Error == nil {
		return 0
	}
	return m.Error.Code
}

// jsonEq diffs two JSON texts structurally.
func jsonEq(t *testing.T, want string, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad want %q: %v", want, err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("bad got %q: %v", got, err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestLifecycle(t *testing.T) {
	tests := []struct {
		name           string
		shutdownParams string // raw JSON or "" for omitted
		shutdown       bool
		want           int
	}{
		{"shutdown without params", "", true, 0},
		{"shutdown with null", "null", true, 0},
		{"shutdown with {}", "{}", true, 0},
		{"exit without shutdown", "", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, Options{})
			// Requests before initialize are refused, notifications dropped.
			if m := h.call("textDocument/hover", map[string]any{}); errCode(m) != -32002 {
				t.Errorf("hover before initialize: %s, want ServerNotInitialized", m.Raw)
			}
			h.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": "file:///a.rs", "text": "x"}})
			init := h.initialize(nil)
			var res protocol.InitializeResult
			if err := json.Unmarshal(init.Result, &res); err != nil || res.ServerInfo == nil || res.ServerInfo.Name != "krls" {
				t.Errorf("initialize result %s: %v", init.Result, err)
			}
			if m := h.call("initialize", map[string]any{"capabilities": map[string]any{}}); errCode(m) != -32600 {
				t.Errorf("second initialize: %s, want InvalidRequest", m.Raw)
			}
			if h.srv.docs.Get("file:///a.rs") != nil {
				t.Error("didOpen before initialize was not dropped")
			}
			if m := h.call("textDocument/unknownThing", map[string]any{}); errCode(m) != -32601 {
				t.Errorf("unknown method: %s, want MethodNotFound", m.Raw)
			}
			h.notify("$/unknownNotification", map[string]any{})
			if tt.shutdown {
				id := 100
				body := `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"shutdown"`
				if tt.shutdownParams != "" {
					body += `,"params":` + tt.shutdownParams
				}
				body += "}"
				if err := h.c.WriteFrame([]byte(body)); err != nil {
					t.Fatal(err)
				}
				m, err := h.c.Wait(h.ctx, "100")
				if err != nil {
					t.Fatal(err)
				}
				jsonEq(t, `{"jsonrpc":"2.0","id":100,"result":null}`, m.Raw)
				// The connection stays open after shutdown; requests are refused.
				if m := h.call("textDocument/hover", map[string]any{}); errCode(m) != -32600 {
					t.Errorf("hover after shutdown: %s, want InvalidRequest", m.Raw)
				}
			}
			if got := h.exit(); got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
}

// TestRawJSON sends raw frames and diffs the JSON that comes back (terraform-ls style).
func TestRawJSON(t *testing.T) {
	h := start(t, Options{})
	h.initialize(nil)
	h.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": "file:///w/a.rs", "languageId": "rust", "version": 1, "text": "fn main() {}\n"}})
	tests := []struct {
		name string
		send string // raw bytes; a body without "Content-Length" is framed for it
		id   string
		want string
	}{
		{"invalid JSON body", frame(`{"jsonrpc":"2.0","id":1,"method":`), "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"bad Content-Length", "Content-Length: abc\r\n\r\n{}", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"missing Content-Length", "Content-Type: x\r\n\r\n{}", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"negative Content-Length", "Content-Length: -4\r\n\r\n", "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"*"}}`},
		{"not an object", frame(`[1,2]`), "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"*"}}`},
		{"id of the wrong type", frame(`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`), "null",
			`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"*"}}`},
		{"wrong param types", frame(`{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/a.rs"},"position":{"line":"zero","character":0}}}`), "7",
			`{"jsonrpc":"2.0","id":7,"error":{"code":-32602,"message":"*"}}`},
		{"negative position", frame(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/a.rs"},"position":{"line":-1,"character":0}}}`), "8",
			`{"jsonrpc":"2.0","id":8,"error":{"code":-32602,"message":"*"}}`},
		{"line out of range", frame(`{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/a.rs"},"position":{"line":99,"character":0}}}`), "9",
			`{"jsonrpc":"2.0","id":9,"error":{"code":-32602,"message":"*"}}`},
		{"document not open", frame(`{"jsonrpc":"2.0","id":10,"method":"textDocument/hover","params":{"textDocument":{"uri":"untitled:Untitled-1"},"position":{"line":0,"character":0}}}`), "10",
			`{"jsonrpc":"2.0","id":10,"error":{"code":-32602,"message":"*"}}`},
		{"string id", frame(`{"jsonrpc":"2.0","id":"abc","method":"krls/nothing"}`), `"abc"`,
			`{"jsonrpc":"2.0","id":"abc","error":{"code":-32601,"message":"method not found: krls/nothing"}}`},
		{"character past the line end clamps", frame(`{"jsonrpc":"2.0","id":11,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/a.rs"},"position":{"line":0,"character":500}}}`), "11",
			`{"jsonrpc":"2.0","id":11,"result":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := h.c.WriteRaw([]byte(tt.send)); err != nil {
				t.Fatal(err)
			}
			m, err := h.c.Wait(h.ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			jsonEq(t, tt.want, maskMessage(m.Raw))
			// The server lives on.
			if m := h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus}); m.Error != nil {
				t.Fatalf("server not answering after %s: %s", tt.name, m.Raw)
			}
		})
	}
}

func frame(body string) string {
	return "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// maskMessage replaces error messages (prose) by "*" so tests diff the structure and codes.
func maskMessage(raw []byte) []byte {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	if e, ok := m["error"].(map[string]any); ok {
		if msg, _ := e["message"].(string); !strings.HasPrefix(msg, "method not found") {
			e["message"] = "*"
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// TestGarbageResync: a body longer than its Content-Length runs into the next frame; the
// server answers the pieces and still answers the next well-formed request.
func TestGarbageResync(t *testing.T) {
	h := start(t, Options{})
	h.initialize(nil)
	body := `{"jsonrpc":"2.0","id":1,"method":"shutdown"}`
	if err := h.c.WriteRaw([]byte("Content-Length: 5\r\n\r\n" + body)); err != nil {
		t.Fatal(err)
	}
	m := h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	if m.Error != nil {
		t.Fatalf("after garbage: %s", m.Raw)
	}
	n := 0
	for _, m := range h.c.Messages() {
		if m.ID != nil && string(*m.ID) == "null" {
			n++
		}
	}
	if n < 2 {
		t.Errorf("%d error replies with id null, want 2 (the cut body and the garbage before the next header)", n)
	}
}

func openParams(uri, lang string, version int, text string) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": lang, "version": version, "text": text}}
}

func changeParams(uri string, version int, changes ...map[string]any) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri, "version": version}, "contentChanges": changes}
}

func rng(l1, c1, l2, c2 int) map[string]any {
	return map[string]any{"start": map[string]any{"line": l1, "character": c1}, "end": map[string]any{"line": l2, "character": c2}}
}

func TestTextSync(t *testing.T) {
	h := start(t, Options{})
	h.initialize(nil)
	const uri = "file:///w/m%C3%B6d.rs" // mÃ¶d.rs, percent-encoded
	text := "// author: Björn 😀\nlet s = \"李雷\";\n"
	h.notify("textDocument/didOpen", openParams(uri, "rust", 1, text))
	steps := []struct {
		version int
		changes []map[string]any
		want    string
	}{
		// After the emoji (2 UTF-16 units at character 17..19).
		{2, []map[string]any{{"range": rng(0, 19, 0, 19), "text": "!"}}, "// author: Björn 😀!\nlet s = \"李雷\";\n"},
		// Replace 雷 (character 10 of line 1) by 磊.
		{3, []map[string]any{{"range": rng(1, 10, 1, 11), "text": "磊"}}, "// author: Björn 😀!\nlet s = \"李磊\";\n"},
		// Two changes in one notification, applied in order.
		{4, []map[string]any{{"range": rng(0, 0, 0, 2), "text": "//!"}, {"range": rng(0, 0, 0, 3), "text": "#"}}, "# author: Björn 😀!\nlet s = \"李磊\";\n"},
		// No range: the whole text.
		{5, []map[string]any{{"text": "fn main() {}\n"}}, "fn main() {}\n"},
		// An empty range at 0:0 is an insertion, not a whole-text change.
		{6, []map[string]any{{"range": rng(0, 0, 0, 0), "text": "pub "}}, "pub fn main() {}\n"},
		// An old version is ignored.
		{6, []map[string]any{{"text": "stale"}}, "pub fn main() {}\n"},
		// A range past the last line is rejected; the document keeps its text.
		{7, []map[string]any{{"range": rng(9, 0, 9, 1), "text": "x"}}, "pub fn main() {}\n"},
	}
	for _, st := range steps {
		h.notify("textDocument/didChange", changeParams(uri, st.version, st.changes...))
		// A request after the notification is a barrier: notifications are handled in order.
		h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
		d := h.srv.docs.Get(uri)
		if d == nil {
			t.Fatal("document not open")
		}
		if diff := cmp.Diff(st.want, d.Text()); diff != "" {
			t.Errorf("version %d (-want +got):\n%s", st.version, diff)
		}
	}
	if d := h.srv.docs.Get(uri); d.Filename != "/w/möd.rs" || d.Lang != "rust" {
		t.Errorf("filename %q lang %q", d.Filename, d.Lang)
	}
	h.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	if h.srv.docs.Get(uri) != nil {
		t.Error("document still open after didClose")
	}
}

func TestUntitled(t *testing.T) {
	h := start(t, Options{})
	h.initialize(nil)
	for _, uri := range []string{"untitled:Untitled-1", "vscode-notebook-cell:/x#y", "file://host/share/a.rs", "::bad uri", ""} {
		h.notify("textDocument/didOpen", openParams(uri, "rust", 1, "fn x() {}\n"))
		for _, m := range []string{"textDocument/hover", "textDocument/completion", "textDocument/definition"} {
			r := h.call(m, map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 3}})
			if r.Error != nil {
				t.Errorf("%s on %q: %s", m, uri, r.Raw)
			}
		}
		h.notify("textDocument/didChange", changeParams(uri, 2, map[string]any{"text": "x"}))
		h.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
	}
	if m := h.call("shutdown", nil); m.Error != nil {
		t.Fatal(string(m.Raw))
	}
	if code := h.exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// fakeIndex is a tiny hand-made index.
func fakeIndex(root string) *index.Index {
	ix := &index.Index{Root: root, Build: root, Version: "6.12.0", Items: []index.Item{
		{Path: "kernel::alloc::KVec", Name: "KVec", Kind: index.KindType, Source: index.SourceKernel},
	}}
	ix.Finish()
	return ix
}

// gate is a LoadIndex that blocks until released, recording the settings it was called with.
type gate struct {
	mu      sync.Mutex
	calls   []Settings
	release chan struct{}
}

func newGate() *gate { return &gate{release: make(chan struct{})} }

func (g *gate) load(ctx context.Context, s Settings) (*index.Index, error) {
	g.mu.Lock()
	g.calls = append(g.calls, s)
	rel := g.release
	g.mu.Unlock()
	select {
	case <-rel:
		return fakeIndex(s.Kernel), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *gate) kernels() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, c := range g.calls {
		out = append(out, c.Kernel)
	}
	return out
}

func TestCancelWhileWaitingForIndex(t *testing.T) {
	g := newGate()
	h := start(t, Options{LoadIndex: g.load})
	h.initialize(map[string]any{"kernel": "/k1"})
	h.notify("textDocument/didOpen", openParams("file:///w/a.rs", "rust", 1, "fn main() {}\n"))
	id, err := h.c.Send("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///w/a.rs"}, "position": map[string]any{"line": 0, "character": 3}})
	if err != nil {
		t.Fatal(err)
	}
	// The read loop is free while the hover waits: other requests are answered.
	st := h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	jsonEq(t, `{"state":"loading","generation":1,"items":0,"helpers":0,"wrappers":0,"problems":0,"loadMs":0}`, st.Result)
	h.notify("$/cancelRequest", map[string]any{"id": id})
	m, err := h.c.Wait(h.ctx, strconv.Itoa(id))
	if err != nil {
		t.Fatal(err)
	}
	if errCode(m) != -32800 {
		t.Errorf("cancelled hover: %s, want RequestCancelled", m.Raw)
	}
	// A settings change of the kernel reloads; the new load is what requests wait for.
	h.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"krls": map[string]any{"kernel": "/k2"}}})
	close(g.release)
	id2, _ := h.c.Send("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///w/a.rs"}, "position": map[string]any{"line": 0, "character": 3}})
	if m, err := h.c.Wait(h.ctx, strconv.Itoa(id2)); err != nil || m.Error != nil {
		t.Fatalf("hover after load: %v %s", err, m.Raw)
	}
	st = h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	var status IndexStatus
	if err := json.Unmarshal(st.Result, &status); err != nil {
		t.Fatal(err)
	}
	if status.State != "ready" || status.Root != "/k2" || status.Items != 1 || status.Generation != 2 {
		t.Errorf("status after reload: %+v", status)
	}
	if diff := cmp.Diff([]string{"/k1", "/k2"}, g.kernels()); diff != "" {
		t.Errorf("loads (-want +got):\n%s", diff)
	}
	// Same kernel again: no reload. krls.reindex: reload.
	h.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"kernel": "/k2", "checks": map[string]bool{"x": false}}})
	h.call("workspace/executeCommand", map[string]any{"command": CmdReindex})
	// A hover waits for the new load: a barrier.
	h.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///w/a.rs"}, "position": map[string]any{"line": 0, "character": 3}})
	if diff := cmp.Diff([]string{"/k1", "/k2", "/k2"}, g.kernels()); diff != "" {
		t.Errorf("loads (-want +got):\n%s", diff)
	}
}

func init() {
	methods["krls/testPanic"] = request(func(s *Server, p *struct{ Where string }) (work, error) {
		if p.Where == "sync" {
			panic("boom on the read loop")
		}
		return func(context.Context) (any, error) { panic("boom in the work") }, nil
	})
	methods["krls/testPanicNotify"] = notification(func(*Server, *struct{}) error { panic("boom in a notification") })
}

func TestPanicRecovered(t *testing.T) {
	h := start(t, Options{Log: zaptest.NewLogger(t, zaptest.Level(zapcore.FatalLevel))})
	h.initialize(nil)
	for _, where := range []string{"sync", "work"} {
		m := h.call("krls/testPanic", map[string]any{"Where": where})
		if errCode(m) != -32603 {
			t.Errorf("panic in %s: %s, want InternalError", where, m.Raw)
		}
	}
	h.notify("krls/testPanicNotify", nil)
	if m := h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus}); m.Error != nil {
		t.Errorf("server not answering after panics: %s", m.Raw)
	}
	h.call("shutdown", nil)
	if code := h.exit(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestProgress(t *testing.T) {
	g := newGate()
	h := start(t, Options{LoadIndex: g.load})
	m := h.call("initialize", map[string]any{"capabilities": map[string]any{"window": map[string]any{"workDoneProgress": true}}})
	if m.Error != nil {
		t.Fatal(string(m.Raw))
	}
	h.notify("initialized", map[string]any{})
	create, i, err := h.c.WaitFor(h.ctx, 0, func(m lsptest.Message) bool { return m.Method == "window/workDoneProgress/create" })
	if err != nil {
		t.Fatal(err)
	}
	begin, i, err := h.c.WaitFor(h.ctx, i, func(m lsptest.Message) bool { return m.Method == "$/progress" })
	if err != nil {
		t.Fatal(err)
	}
	close(g.release)
	end, _, err := h.c.WaitFor(h.ctx, i+1, func(m lsptest.Message) bool { return m.Method == "$/progress" })
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, `{"token":"krls-1"}`, create.Params)
	jsonEq(t, `{"token":"krls-1","value":{"kind":"begin","title":"krls: indexing the kernel tree"}}`, begin.Params)
	jsonEq(t, `{"token":"krls-1","value":{"kind":"end","message":"1 items of Linux 6.12.0"}}`, end.Params)
}

// TestOnPublishBarrier: in-process tests can wait on the OnPublish hook instead of reading
// the protocol; the hook sees each version once it was written.
func TestOnPublishBarrier(t *testing.T) {
	type pub struct {
		uri     protocol.DocumentURI
		version int32
	}
	published := make(chan pub, 16)
	h := start(t, Options{OnPublish: func(u protocol.DocumentURI, v int32, _ int) { published <- pub{u, v} }})
	h.initialize(nil)
	h.notify("textDocument/didOpen", openParams("file:///w/a.rs", "rust", 3, "fn main() {}\n"))
	select {
	case p := <-published:
		if p != (pub{"file:///w/a.rs", 3}) {
			t.Errorf("published %+v", p)
		}
	case <-h.ctx.Done():
		t.Fatal("no publish")
	}
	h.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": "file:///w/a.rs"}})
	select {
	case p := <-published:
		if p != (pub{"file:///w/a.rs", -1}) { // a clear has no version
			t.Errorf("published %+v", p)
		}
	case <-h.ctx.Done():
		t.Fatal("no clear")
	}
}

func TestBadSettings(t *testing.T) {
	h := start(t, Options{})
	for _, opts := range []any{map[string]any{"logLevel": "loud"}, map[string]any{"checks": "all"}, "kernel"} {
		m := h.call("initialize", map[string]any{"capabilities": map[string]any{}, "initializationOptions": opts})
		if errCode(m) != -32602 {
			t.Errorf("initializationOptions %v: %s, want InvalidParams", opts, m.Raw)
		}
	}
	// The server can still be initialized, and a bad configuration change is ignored.
	h.initialize(map[string]any{"krls": map[string]any{"logLevel": "warn", "kernel": "/k"}})
	h.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"logLevel": 7}})
	h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	if got := h.srv.currentSettings(); got.Kernel != "/k" || got.LogLevel != "warn" {
		t.Errorf("settings %+v", got)
	}
}

// TestEmptyConfigurationChange: null or {} settings keep those of initializationOptions.
func TestEmptyConfigurationChange(t *testing.T) {
	g := newGate()
	close(g.release)
	h := start(t, Options{LoadIndex: g.load})
	h.initialize(map[string]any{"kernel": "/k1"})
	for _, set := range []any{nil, map[string]any{}, map[string]any{"krls": nil}} {
		h.notify("workspace/didChangeConfiguration", map[string]any{"settings": set})
	}
	h.call("workspace/executeCommand", map[string]any{"command": CmdIndexStatus})
	if got := h.srv.currentSettings().Kernel; got != "/k1" {
		t.Errorf("kernel %q after empty changes, want /k1", got)
	}
	// A hover waits for the index: after it, every load that was started has been called.
	h.notify("textDocument/didOpen", openParams("file:///w/a.rs", "rust", 1, "fn main() {}\n"))
	h.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///w/a.rs"}, "position": map[string]any{"line": 0, "character": 3}})
	if diff := cmp.Diff([]string{"/k1"}, g.kernels()); diff != "" {
		t.Errorf("loads (-want +got):\n%s", diff)
	}
}
