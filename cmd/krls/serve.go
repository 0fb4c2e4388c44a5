// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"go.uber.org/zap"

	"krls.dev/krls/index"
	"krls.dev/krls/lsp"
)

const serveUsage = `Usage: krls serve [flags]

Speak the Language Server Protocol over stdin/stdout. Settings come from the client
(initializationOptions and workspace/didChangeConfiguration: kernel, build, checks, logLevel);
the flags are defaults for the settings the client leaves empty.

Flags:
`

// serveMemoryLimit is the soft memory limit of the server (GOMEMLIMIT overrides it).
const serveMemoryLimit = 100 << 20

// runServe runs the language server over stdin and stdout; the exit code is the one the LSP
// specification asks for (0 after shutdown and exit, 1 otherwise), 2 for bad flags.
func runServe(ctx context.Context, args []string, log *zap.Logger) int {
	fs := flag.NewFlagSet("krls serve", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() { fmt.Fprint(os.Stderr, serveUsage); fs.PrintDefaults() }
	kernel := fs.String("kernel", "", "kernel source tree (default: the client's setting, $KDIR, rust-project.json, walking up)")
	build := fs.String("build", "", "O= build tree holding the generated bindings")
	db := fs.String("db", "", "index database file (default: in the user's cache folder)")
	stdio := fs.Bool("stdio", true, "use stdin/stdout (the only transport; accepted for clients that pass it)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	_ = stdio
	// The index and the Kconfig model stay resident for the session; a soft limit makes the
	// collector return the garbage of loading them instead of letting the heap double.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	opts := lsp.Options{
		Log:     log,
		Version: version,
		LoadIndex: func(ctx context.Context, s lsp.Settings) (*index.Index, error) {
			if s.Kernel == "" {
				s.Kernel = *kernel
			}
			if s.Build == "" {
				s.Build = *build
			}
			t, err := index.Locate(index.LocateOptions{
				Kernel: s.Kernel, Build: s.Build, KDIR: os.Getenv("KDIR"), Workspace: s.Workspace,
			})
			if err != nil {
				return nil, err
			}
			lsp.Report(ctx, "indexing "+t.Root, 0)
			ix, st, err := index.Open(ctx, t, *db, false)
			if err != nil {
				return nil, err
			}
			log.Info("index opened", zap.String("from", st.From), zap.String("db", st.DB),
				zap.Int("changed", len(st.Changed)), zap.String("note", st.Note))
			return ix, nil
		},
	}
	// stdout belongs to the protocol: nothing else may write there.
	return lsp.Serve(ctx, os.Stdin, stdoutWriter{}, opts)
}

// stdoutWriter writes to the process's stdout.
type stdoutWriter struct{}

func (stdoutWriter) Write(p []byte) (int, error) { return os.Stdout.Write(p) }

var _ io.Writer = stdoutWriter{}
