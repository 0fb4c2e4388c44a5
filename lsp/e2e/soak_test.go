// SPDX-License-Identifier: GPL-2.0-only

package e2e

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"krls.dev/krls/index"
	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp"
	"krls.dev/krls/lsp/lsptest"
	"krls.dev/krls/lsp/source"
)

var (
	ixOnce sync.Once
	ix612  *index.Index
	ixErr  error
)

// index612 opens the index of the real 6.12 tree once per test binary.
func index612(t testing.TB) (*index.Index, string) {
	root := kerneltest.Tree(t, "6.12")
	ixOnce.Do(func() {
		tree, err := index.Locate(index.LocateOptions{Kernel: root})
		if err != nil {
			ixErr = err
			return
		}
		ix612, _, ixErr = index.Open(context.Background(), tree, "", false)
	})
	if ixErr != nil {
		t.Fatal(ixErr)
	}
	return ix612, root
}

// inProcess runs lsp.Serve over pipes with the given index.
func inProcess(t testing.TB, ix *index.Index) (*lsptest.Client, context.Context, func() int) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	code := make(chan int, 1)
	opts := lsp.Options{
		Log:       zap.NewNop(),
		LoadIndex: func(context.Context, lsp.Settings) (*index.Index, error) { return ix, nil },
	}
	go func() {
		code <- lsp.Serve(context.Background(), inR, outW, opts)
		outW.Close()
	}()
	c := lsptest.NewLean(outR, inW)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	stop := func() int {
		if m, err := c.Call(ctx, "shutdown", nil); err != nil || m.Error != nil {
			t.Errorf("shutdown: %v %+v", err, m.Error)
		}
		_ = c.Notify("exit", nil)
		rc := <-code
		inW.Close()
		return rc
	}
	return c, ctx, stop
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestSoak sends 10,000 mixed requests and edits to an in-process server on the real 6.12
// index: every request must be answered without error, every byte must be a valid frame, and
// the heap and the goroutines must stop growing after the warm-up.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	ix, root := index612(t)
	c, ctx, stop := inProcess(t, ix)
	if m, err := c.Call(ctx, "initialize", map[string]any{"capabilities": map[string]any{},
		"initializationOptions": map[string]any{"debounceMs": 1}}); err != nil || m.Error != nil {
		t.Fatalf("initialize: %v %s", err, m.Raw)
	}
	_ = c.Notify("initialized", map[string]any{})
	b, err := os.ReadFile(filepath.Join(root, "samples/rust/rust_minimal.rs"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	uri := string(source.URI(filepath.Join(t.TempDir(), "soak.rs")))
	_ = c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "rust", "version": 1, "text": text}})

	anchor := "        let mut numbers"
	line := "        unsafe { bindings::mutex_lock(core::ptr::null_mut()) }; // Björn 😀\n"
	inserted := false
	version := 1
	const total, warm = 10000, 1000
	var heapWarm uint64
	var gWarm int
	failures := 0
	for i := 0; i < total; i++ {
		if i == warm {
			heapWarm, gWarm = heap(), runtime.NumGoroutine()
		}
		var method string
		var params any
		cur := text
		if inserted {
			cur = strings.Replace(text, anchor, line+anchor, 1)
		}
		switch i % 6 {
		case 0: // an edit: insert or remove the line
			at := posOf(t, cur, anchor, 0)
			end := at
			newText := line
			if inserted {
				at = posOf(t, cur, line, 0)
				end = posOf(t, cur, anchor, 0)
				newText = ""
			}
			version++
			inserted = !inserted
			_ = c.Notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri, "version": version},
				"contentChanges": []any{map[string]any{"range": map[string]any{"start": at, "end": end}, "text": newText}},
			})
			continue
		case 1:
			method, params = "textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": posOf(t, cur, "    license", 4)}
		case 2:
			method, params = "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": posOf(t, cur, "KVec<i32>", 1)}
		case 3:
			method, params = "textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": posOf(t, cur, "KVec::new", 6)}
		case 4:
			method, params = "textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri},
				"range": map[string]any{"start": posOf(t, cur, anchor, 0), "end": posOf(t, cur, anchor, 0)}, "context": map[string]any{"diagnostics": []any{}}}
		case 5:
			method, params = "workspace/executeCommand", map[string]any{"command": "krls.indexStatus"}
		}
		m, err := c.Call(ctx, method, params)
		if err != nil || m.Error != nil {
			failures++
			if failures < 5 {
				t.Errorf("op %d %s: %v %s", i, method, err, m.Raw)
			}
		}
	}
	heapEnd, gEnd := heap(), runtime.NumGoroutine()
	if code := stop(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if failures > 0 {
		t.Errorf("%d of %d operations failed", failures, total)
	}
	if v := c.Violations(); len(v) > 0 {
		t.Errorf("protocol violations: %v", v)
	}
	t.Logf("heap after warm-up %.1f MB, at the end %.1f MB; goroutines %d -> %d",
		float64(heapWarm)/1e6, float64(heapEnd)/1e6, gWarm, gEnd)
	// Generous: the heap may wobble, not grow with the number of operations.
	if heapEnd > heapWarm+heapWarm/2+16<<20 {
		t.Errorf("heap grew from %d to %d bytes over %d operations", heapWarm, heapEnd, total-warm)
	}
	if gEnd > gWarm+20 {
		t.Errorf("goroutines grew from %d to %d", gWarm, gEnd)
	}
}
