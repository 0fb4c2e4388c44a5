// SPDX-License-Identifier: GPL-2.0-only

// Command krls is the language server and lint tool for Linux kernel modules written in Rust.
//
// It holds no logic of its own: it parses flags, builds the one zap logger (stderr or a file,
// never stdout, which belongs to the protocol) and calls the index, lsp and lint packages.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `krls: the language server and lint tool for Linux kernel modules in Rust.

Usage:
  krls [global flags] <command> [flags] [args]

Commands:
  serve    Speak the Language Server Protocol over stdin/stdout (the default when stdin is
           not a terminal, as editors start it). Settings come from the client.
  lint     Run the checks the server publishes over files or folders, for CI; prints text,
           JSON or SARIF. Exit 0 clean, 1 findings at or above --fail-on, 2 usage or internal
           error. 'krls lint --help' lists its flags.
  index    Build or refresh the persisted symbol database of a kernel tree and print what it
           holds; 'krls index query NAME' prints one item. 'krls index --help' for flags.
  version  Print the version.
  help     Print this text.

Global flags (before the command):
  --log-file FILE   write logs to FILE instead of stderr
  --log-level LVL   debug, info, warn or error (default info; KRLS_LOG_LEVEL too)

The kernel tree is found from --kernel DIR (source tree) and --build DIR (an O= build tree
with the generated bindings), else $KDIR, else a rust-project.json in the workspace written by
'make rust-analyzer', else by walking up from the file to a folder with Kconfig and
rust/kernel/lib.rs.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	logFile, logLevel := "", os.Getenv("KRLS_LOG_LEVEL")
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch name {
		case "h", "help":
			fmt.Fprint(stdout, usage)
			return 0
		case "version":
			fmt.Fprintln(stdout, "krls", version)
			return 0
		case "log-file", "log-level":
			if !hasVal {
				if len(args) < 2 {
					fmt.Fprintf(stderr, "krls: flag --%s needs a value\n", name)
					return 2
				}
				val, args = args[1], args[1:]
			}
			if name == "log-file" {
				logFile = val
			} else {
				logLevel = val
			}
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "krls: unknown flag %s\n%s", args[0], usage)
			return 2
		}
	}
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	} else if !term.IsTerminal(int(stdin.Fd())) {
		cmd = "serve" // editors start the server without arguments
	} else {
		fmt.Fprint(stderr, usage)
		return 2
	}

	log, closeLog, err := newLogger(logFile, logLevel, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "krls: %v\n", err)
		return 2
	}
	defer closeLog()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if p := os.Getenv("KRLS_CPUPROFILE"); p != "" {
		stopProfile, err := startCPUProfile(p)
		if err != nil {
			fmt.Fprintf(stderr, "krls: KRLS_CPUPROFILE: %v\n", err)
			return 2
		}
		defer stopProfile()
	}
	if p := os.Getenv("KRLS_MEMPROFILE"); p != "" {
		defer writeHeapProfile(p, stderr)
	}

	switch cmd {
	case "serve":
		return runServe(ctx, args, log)
	case "lint":
		return runLint(ctx, args, stdout, stderr, log)
	case "index":
		return runIndex(ctx, args, stdout, stderr, log)
	case "version":
		fmt.Fprintln(stdout, "krls", version)
		return 0
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "krls: unknown command %q\n%s", cmd, usage)
		return 2
	}
}

// newLogger builds the one logger of the process. It never writes to stdout.
func newLogger(file, level string, stderr io.Writer) (*zap.Logger, func(), error) {
	lvl := zapcore.InfoLevel
	if level != "" {
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return nil, nil, fmt.Errorf("bad log level %q: use debug, info, warn or error", level)
		}
	}
	var sink zapcore.WriteSyncer = zapcore.AddSync(stderr)
	closeFn := func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("log file: %w", err)
		}
		sink = zapcore.AddSync(f)
		closeFn = func() { _ = f.Close() }
	}
	enc := zap.NewDevelopmentEncoderConfig()
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(sink), lvl)
	log := zap.New(core)
	return log, func() { _ = log.Sync(); closeFn() }, nil
}

// startCPUProfile writes a CPU profile of the run to path (KRLS_CPUPROFILE=path), for
// `go tool pprof` when a run is slower than it should be.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}

// writeHeapProfile writes the heap profile at the end of the run to path (KRLS_MEMPROFILE=path):
// what the run allocated and what it still held.
func writeHeapProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "krls: KRLS_MEMPROFILE: %v\n", err)
	}
}
