// SPDX-License-Identifier: GPL-2.0-only

package main

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"krls.dev/krls/index/kerneltest"
)

// BenchmarkLintCommand runs `krls lint --kernel T T` on the prepared 6.12 tree with a warm
// index database: the whole command (index open, Kconfig/Kbuild model, walk, checks,
// report), as .ci/bench-lint.sh times the binary. It reports CPU seconds per run beside
// ns/op, the machine being shared.
func BenchmarkLintCommand(b *testing.B) {
	tree := kerneltest.Tree(b, "6.12")
	b.Setenv("KRLS_CACHE_DIR", b.TempDir())
	args := []string{"--kernel", tree, tree}
	if code := runLint(context.Background(), args, io.Discard, io.Discard, zap.NewNop()); code > 1 {
		b.Fatalf("krls lint exited %d", code)
	}
	c0 := cpuTime()
	for b.Loop() {
		if code := runLint(context.Background(), args, io.Discard, io.Discard, zap.NewNop()); code > 1 {
			b.Fatalf("krls lint exited %d", code)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
