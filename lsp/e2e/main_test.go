// SPDX-License-Identifier: GPL-2.0-only

// Package e2e tests the real krls binary over stdio: the framing of everything it writes,
// its answers to malformed input, the lifecycle and exit codes, the features on the real 6.12
// tree, a headless Neovim session, and benchmarks of latency and memory.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"krls.dev/krls/lsp/lsptest"
)

// bin is the krls binary built by TestMain.
var bin string

// tmpRoot holds the binary, the index cache shared by the tests and the XDG folders.
var tmpRoot string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "krls-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	tmpRoot = dir
	bin = filepath.Join(dir, "krls")
	cmd := exec.Command("go", "build", "-o", bin, "krls.dev/krls/cmd/krls")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building krls:", err)
		return 1
	}
	// Nothing of the tests lands in the user's home.
	for _, v := range []string{"KRLS_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		p := filepath.Join(dir, strings.ToLower(v))
		_ = os.MkdirAll(p, 0o755)
		os.Setenv(v, p)
	}
	return m.Run()
}

// proc is a running krls serve.
type proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	c      *lsptest.Client
	stderr *syncBuffer
	done   chan struct{}
	code   int
	ctx    context.Context
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startBin starts `krls [args] serve` and a fake editor on its pipes.
func startBin(t testing.TB, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, append(args, "serve")...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, stdin: stdin, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	p.ctx = ctx
	p.c = lsptest.New(stdout, stdin)
	go func() {
		err := cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		_ = err
		close(p.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if v := p.c.Violations(); len(v) > 0 {
			t.Errorf("protocol violations on stdout:\n%s", strings.Join(v, "\n"))
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", p.stderr.String())
		}
	})
	return p
}

func (p *proc) call(method string, params any) lsptest.Message {
	p.t.Helper()
	m, err := p.c.Call(p.ctx, method, params)
	if err != nil {
		p.t.Fatalf("%s: %v\nstderr:\n%s", method, err, p.stderr.String())
	}
	return m
}

func (p *proc) notify(method string, params any) {
	p.t.Helper()
	if err := p.c.Notify(method, params); err != nil {
		p.t.Fatal(err)
	}
}

// wait waits for the process to end and returns its exit code.
func (p *proc) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-p.ctx.Done():
		p.t.Fatal("krls did not exit")
		return -1
	}
}

func (p *proc) initialize(opts any, caps any) lsptest.Message {
	p.t.Helper()
	if caps == nil {
		caps = map[string]any{}
	}
	m := p.call("initialize", map[string]any{"processId": os.Getpid(), "rootUri": nil, "capabilities": caps, "initializationOptions": opts})
	if m.Error != nil {
		p.t.Fatalf("initialize: %s", m.Raw)
	}
	p.notify("initialized", map[string]any{})
	return m
}
