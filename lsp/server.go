// SPDX-License-Identifier: GPL-2.0-only

// Package lsp is the krls language server: the connection and its middleware (lifecycle
// gating, cancellation, panic recovery), thin handlers with one file per LSP area, background
// index loading and off-request diagnostics.
//
// Handlers convert URIs and positions (through source.Mapper, the one place that knows UTF-16)
// and call plain feature functions that know nothing of the protocol. jsonrpc2 v0.10 hands
// requests over one at a time on its read loop, so every request is split in two: a cheap,
// ordered part on the read loop (decode the params, take the document version the request was
// made against) and the work, run on its own goroutine with a context that $/cancelRequest,
// shutdown and exit cancel.
package lsp

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp/source"
	"krls.dev/krls/lsp/transport"
)

// Options configure a server. Only Log is required.
type Options struct {
	Log *zap.Logger
	// Version is reported in serverInfo.
	Version string
	// LoadIndex loads the index of the kernel tree the settings name (nil settings fields mean
	// "find it"): tests fake it, cmd/krls wires index.Locate/Load/Build. It runs in the
	// background after initialize and after a settings change of kernel or build; ctx is
	// cancelled when a newer load replaces it. Nil means "no index": features that need one
	// answer with what they know without it.
	LoadIndex func(ctx context.Context, s Settings) (*index.Index, error)
	// Debounce is the quiet time after an edit before diagnostics run; 0 means
	// DefaultDebounce, a negative value none (tests).
	Debounce time.Duration
	// OnPublish, when set, is called after each textDocument/publishDiagnostics is written: a
	// barrier for in-process tests, which never sleep.
	OnPublish func(uri protocol.DocumentURI, version int32, n int)
	// LookupKconfig and LookupMakefile answer the krls.openKconfigEntry and
	// krls.openMakefileLine commands; when both are nil, New installs the lookups of the
	// Kconfig/Kbuild model (kconfig_handlers.go). Tests replace them.
	LookupKconfig  func(ctx context.Context, ix *index.Index, symbol string) ([]Location, error)
	LookupMakefile func(ctx context.Context, ix *index.Index, file string) ([]Location, error)
}

// Location is a place in a file on disk, in the index's coordinates (1-based line, byte
// column); the server maps it to UTF-16 when it answers.
type Location struct {
	File      string // absolute
	Line, Col int
	EndLine   int // 0: same as Line
	EndCol    int
}

// DefaultDebounce is the quiet time after an edit before diagnostics run.
const DefaultDebounce = 75 * time.Millisecond

// Server is one language server connection.
type Server struct {
	opts  Options
	log   *zap.Logger
	level zap.AtomicLevel
	conn  jsonrpc2.Conn
	ctx   context.Context // cancelled when the connection ends
	stop  context.CancelFunc

	docs *source.Store
	idx  *indexState
	diag *diagnostics

	mu          sync.Mutex
	state       state
	exitCode    int
	clientCaps  protocol.ClientCapabilities
	settings    Settings
	pending     map[jsonrpc2.ID]context.CancelFunc
	progressSeq int
	exited      chan struct{} // closed by the exit notification
	initialized chan struct{} // closed by the initialized notification
	initOnce    sync.Once
	work        sync.WaitGroup // request goroutines
}

type state int

const (
	stateNew state = iota
	stateInitialized
	stateShutdown
	stateExited
)

// New returns a server; Serve runs it.
func New(opts Options) *Server {
	if opts.Log == nil {
		opts.Log = zap.NewNop()
	}
	if opts.LookupKconfig == nil && opts.LookupMakefile == nil {
		opts.LookupKconfig, opts.LookupMakefile = lookupKconfig, lookupMakefile
	}
	if opts.Debounce == 0 {
		opts.Debounce = DefaultDebounce
	}
	s := &Server{
		opts:    opts,
		level:   zap.NewAtomicLevelAt(zapcore.DebugLevel),
		docs:    source.NewStore(),
		pending: map[jsonrpc2.ID]context.CancelFunc{},
		exited:  make(chan struct{}),

		initialized: make(chan struct{}),
	}
	// logLevel from the client can only raise the level of the logger main built.
	s.log = opts.Log.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return levelCore{c, s.level}
	}))
	s.idx = newIndexState(s)
	s.diag = newDiagnostics(s)
	return s
}

// Serve runs a server over in and out until the exit notification, the end of the input or
// ctx's end. It returns the process exit code the specification asks for: 0 after shutdown
// and exit, 1 otherwise.
func Serve(ctx context.Context, in io.Reader, out io.Writer, opts Options) int {
	return New(opts).Serve(ctx, in, out)
}

// Serve runs the server; see the package function Serve.
func (s *Server) Serve(ctx context.Context, in io.Reader, out io.Writer) int {
	s.ctx, s.stop = context.WithCancel(ctx)
	defer s.stop()
	var closeOnce sync.Once
	closer := func() error {
		closeOnce.Do(func() {
			if c, ok := in.(io.Closer); ok {
				_ = c.Close()
			}
		})
		return nil
	}
	stream := transport.NewStream(in, out, closer, s.log)
	s.conn = jsonrpc2.NewConn(stream)
	s.conn.Go(s.ctx, s.handle)
	// After exit the read loop may stay blocked in a read of stdin that Close cannot
	// interrupt (os.Stdin is not pollable everywhere): do not wait for it then.
	select {
	case <-s.conn.Done():
	case <-s.exited:
		_ = s.conn.Close()
	case <-ctx.Done():
		_ = s.conn.Close()
	}
	s.stop()
	s.idx.stopAll()
	s.diag.stopAll()
	s.work.Wait()
	s.diag.waitDone()
	s.idx.waitDone()
	if err := s.conn.Err(); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrClosedPipe) {
		s.log.Debug("connection ended", zap.Error(err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case stateExited:
		return s.exitCode
	case stateShutdown:
		return 0 // the client went away after shutdown without sending exit
	}
	return 1
}

// notify sends a notification to the client; failures are logged, never fatal.
func (s *Server) notify(method string, params any) {
	if err := s.conn.Notify(s.ctx, method, params); err != nil && s.ctx.Err() == nil {
		s.log.Debug("notify failed", zap.String("method", method), zap.Error(err))
	}
}

// levelCore filters a core by a level the client can change.
type levelCore struct {
	zapcore.Core
	level zap.AtomicLevel
}

func (c levelCore) Enabled(l zapcore.Level) bool { return c.level.Enabled(l) && c.Core.Enabled(l) }

func (c levelCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if !c.level.Enabled(e.Level) {
		return ce
	}
	return c.Core.Check(e, ce)
}

func (c levelCore) With(f []zapcore.Field) zapcore.Core { return levelCore{c.Core.With(f), c.level} }
