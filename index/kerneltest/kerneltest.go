// SPDX-License-Identifier: GPL-2.0-only

// Package kerneltest gives tests the real kernel trees they run against.
//
// Tree(t, "6.12") returns the root of a Rust-for-Linux subset of Debian's linux-source-6.12 with
// the generated bindings of a real build in place, fetching it with the project's own script
// (.ci/get-kernel.sh) the first time. KRLS_KERNEL_6_12=DIR (dots become underscores) points at a
// tree prepared elsewhere. Without the tree the test is skipped locally with the reason, but fails
// under CI=true: CI must never pass by skipping the real-kernel tests.
package kerneltest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

type result struct {
	dir string
	err string
}

var (
	mu    sync.Mutex
	trees = map[string]result{}
)

// RepoRoot returns the root of the krls checkout.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Tree returns the kernel tree of the Debian linux-source version ver ("6.12" or "6.1"),
// with the generated files of a real build in the tree (in-tree layout).
func Tree(t testing.TB, ver string) string {
	t.Helper()
	return get(t, ver, "")
}

// BuildTree returns a pristine source tree of version ver and a separate build folder holding
// the generated bindings, .config and rust-project.json, as an O= build leaves them.
func BuildTree(t testing.TB, ver string) (src, build string) {
	t.Helper()
	build = get(t, ver, "obj")
	return get(t, ver, "pristine"), build
}

func get(t testing.TB, ver, layout string) string {
	t.Helper()
	key := ver + "/" + layout
	mu.Lock()
	defer mu.Unlock()
	if r, ok := trees[key]; ok {
		return r.check(t)
	}
	env := "KRLS_KERNEL_" + strings.ReplaceAll(ver, ".", "_")
	if layout != "" {
		env += "_" + strings.ToUpper(layout)
	}
	var r result
	if d := os.Getenv(env); d != "" {
		r.dir = d
	} else {
		r = fetch(ver, layout)
	}
	trees[key] = r
	return r.check(t)
}

func (r result) check(t testing.TB) string {
	t.Helper()
	if r.err != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("kernel corpus unavailable under CI: %s", r.err)
		}
		t.Skipf("kernel corpus unavailable: %s", r.err)
	}
	return r.dir
}

// fetch runs .ci/get-kernel.sh; its last line of output is the tree.
func fetch(ver, layout string) result {
	script := filepath.Join(RepoRoot(), ".ci", "get-kernel.sh")
	cmd := exec.Command("bash", script, ver)
	cmd.Env = append(os.Environ(), "LAYOUT="+layout)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return result{err: err.Error() + ": " + lastLines(errb.String(), 5)}
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	dir := strings.TrimSpace(lines[len(lines)-1])
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return result{err: "get-kernel.sh printed no folder: " + lastLines(out.String(), 3)}
	}
	return result{dir: dir}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
