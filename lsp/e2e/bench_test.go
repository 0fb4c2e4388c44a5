// SPDX-License-Identifier: GPL-2.0-only

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"krls.dev/krls/index/kerneltest"
	"krls.dev/krls/lsp/source"
)

// Benchmarks of the real binary over stdio on the 6.12 index. Each iteration is one request
// (or one edit and its diagnostics); run with e.g. -benchtime=2000x for stable percentiles:
//
//	go test ./lsp/e2e -run '^$' -bench . -benchtime=2000x
//
// They report p50-ms and p99-ms of the latency seen by the client, and rss-MB and peak-rss-MB,
// the resident memory of the server process at the end and at its peak (VmRSS, VmHWM).

// benchServer starts the binary on the 6.12 tree, opens text as a file of the tree and waits
// for its first diagnostics (so the index is loaded).
func benchServer(b *testing.B, text string) (*proc, string) {
	b.Helper()
	root := kerneltest.Tree(b, "6.12")
	p := startBin(b)
	p.initialize(map[string]any{"kernel": root}, nil)
	path := filepath.Join(root, "samples/rust/krls_bench.rs") // never written: only a URI
	uri := string(source.URI(path))
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "rust", "version": 1, "text": text}})
	if _, _, err := p.c.WaitDiagnostics(p.ctx, 0, uri, 1); err != nil {
		b.Fatal(err)
	}
	return p, uri
}

func minimal(b *testing.B) string {
	data, err := os.ReadFile(filepath.Join(kerneltest.Tree(b, "6.12"), "samples/rust/rust_minimal.rs"))
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}

func report(b *testing.B, p *proc, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(f float64) float64 {
		i := int(f * float64(len(lat)-1))
		return float64(lat[i].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(procStatusMB(b, p.cmd.Process.Pid, "VmRSS:"), "rss-MB")
	b.ReportMetric(procStatusMB(b, p.cmd.Process.Pid, "VmHWM:"), "peak-rss-MB")
}

// procStatusMB returns a memory field of /proc/PID/status in MB: VmRSS (resident now) or
// VmHWM (the peak).
func procStatusMB(b *testing.B, pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Logf("no /proc: %v", err)
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, field) {
			f := strings.Fields(l)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func benchRequest(b *testing.B, method string, params func(text, uri string) any) {
	text := minimal(b)
	p, uri := benchServer(b, text)
	args := params(text, uri)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m := p.call(method, args)
		lat = append(lat, time.Since(t0))
		if m.Error != nil || string(m.Result) == "null" || len(m.Result) == 0 {
			b.Fatalf("%s: %s", method, m.Raw)
		}
	}
	b.StopTimer()
	report(b, p, lat)
}

func BenchmarkCompletion(b *testing.B) {
	benchRequest(b, "textDocument/completion", func(text, uri string) any {
		// Inside module!, at the start of a key: the key proposals.
		return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": posOf(b, text, "    license", 4)}
	})
}

func BenchmarkHover(b *testing.B) {
	benchRequest(b, "textDocument/hover", func(text, uri string) any {
		return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": posOf(b, text, "KVec<i32>", 2)}
	})
}

// bigModule returns a module of about n lines: rust_minimal.rs and functions calling
// bindings (every tenth) and unsafe blocks.
func bigModule(b *testing.B, n int) string {
	var sb strings.Builder
	sb.WriteString(minimal(b))
	for i := 0; strings.Count(sb.String(), "\n") < n; i++ {
		fmt.Fprintf(&sb, "\nfn helper_%d(x: u32) -> u32 {\n    let y = x + %d; // Björn 😀\n", i, i)
		if i%10 == 0 {
			sb.WriteString("    // SAFETY: benchmark.\n    unsafe { bindings::mutex_lock(core::ptr::null_mut()) };\n")
		}
		sb.WriteString("    y\n}\n")
	}
	return sb.String()
}

// BenchmarkDidChangeDiagnostics edits one line in the middle of a 2,000-line module and
// waits for the diagnostics of the new version.
func BenchmarkDidChangeDiagnostics(b *testing.B) {
	text := bigModule(b, 2000)
	p, uri := benchServer(b, text)
	at := posOf(b, text, "let y = x + 100;", len("let y = x + "))
	end := map[string]any{"line": at["line"], "character": at["character"].(int) + 3}
	lat := make([]time.Duration, 0, b.N)
	version := 1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		version++
		n := p.c.Count()
		t0 := time.Now()
		p.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{"range": map[string]any{"start": at, "end": end}, "text": fmt.Sprintf("%03d", i%1000)}},
		})
		d, _, err := p.c.WaitDiagnostics(p.ctx, n, uri, int32(version))
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Diagnostics) == 0 {
			b.Fatal("no diagnostics on the big module")
		}
	}
	b.StopTimer()
	report(b, p, lat)
}
