// SPDX-License-Identifier: GPL-2.0-only

package index

import (
	"syscall"
	"testing"
	"time"

	"krls.dev/krls/index/kerneltest"
)

// BenchmarkIndexCrates indexes the kernel and macros crates of 6.12 from scratch: tree-sitter
// over ~0.66 MB of Rust, resolution and the wrapper map.
func BenchmarkIndexCrates(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		res := IndexCrates(root, nil)
		if len(res.Items) == 0 {
			b.Fatal("no items")
		}
	}
	reportCPU(b, start)
}

// cpuTime is the CPU time of the process so far (user + system, all threads). On a machine
// shared with other jobs, ns/op measures the queue; cpu-ms/op says what the indexer costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkIndexCratesReuse re-indexes with every file reused from a previous run: what an
// edit of one file costs, minus that file's parse.
func BenchmarkIndexCratesReuse(b *testing.B) {
	root := kerneltest.Tree(b, "6.12")
	prev := map[string]*CrateFile{}
	for _, f := range IndexCrates(root, nil).Files {
		prev[f.Path] = f
	}
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		IndexCrates(root, prev)
	}
	reportCPU(b, start)
}
